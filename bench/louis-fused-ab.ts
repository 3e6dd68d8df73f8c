/**
 * One worker's fused final + Louis pass (h45's `diagnostics-louis` request: the diagnostic pass handing its
 * posteriors to the Louis pass, whose blocks go straight into the padded matrix, 'upper' or 'lower' half as
 * workers 0 and 1 do) on the 10.5M bench's design (2,000 items, 15 sparse answers per person, 2PL at the true
 * parameters), in one thread, with this tree's engine and with another tree's (`--old DIR`: a `git archive`
 * copy of main), alternated in this process. Prints the CPU per person of each round, the medians' ratio, the
 * load, and whether the two trees' matrices and expected counts agree (largest difference over the largest entry;
 * the expected answers are the diagnostic pass's n where the pass left them to it, h52).
 * `--touch new|old|both` (h58): that arm's matrix has every page touched before the clock starts, so the pass pays
 * no first touch of the matrix's pages (≈ 12–16 µs of CPU each on this machine); `--old .` with `--touch new` then
 * measures what the fresh pages cost the pass, the same code in both arms.
 * Run: node --import tsx bench/louis-fused-ab.ts [persons = 100000] [rounds = 6] [--old /tmp/old-tree] [--half lower] [--touch new]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sparseDesign } from './sparse-design';

const positional = process.argv.slice(2).filter((arg, k, all) => !arg.startsWith('--') && !(all[k - 1] ?? '').startsWith('--'));
const persons = Number(positional[0] ?? 100_000);
const rounds = Number(positional[1] ?? 6);
const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const oldRoot = option('--old');
const half = option('--half') === 'lower' ? 'lower' : 'upper';
const touch = option('--touch');

const { items, nodes, quadrature, sim, data, state, params, settings } = sparseDesign(persons);

/** One tree's modules. */
async function treeAt(root: string) {
  const at = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const estep = await at('engine/calibration/estep-wasm.ts');
  const louis = await at('engine/calibration/louis-pass.ts');
  const louisWasm = await at('engine/calibration/louis-wasm.ts');
  const linalg = await at('engine/calibration/linalg-wasm.ts');
  const blocked = await at('engine/calibration/linalg-blocked.ts');
  return { estep, louis, louisWasm, linalg, blocked };
}
type Tree = Awaited<ReturnType<typeof treeAt>>;

const trees: Record<string, Tree> = { new: await treeAt(resolve(import.meta.dirname, '..')) };
if (oldRoot !== undefined) trees.old = await treeAt(oldRoot);

const N = 4032;
let longest = 0;
for (let r = 0; r + 1 < data.rowStart.length; r++) longest = Math.max(longest, (data.rowStart[r + 1] as number) - (data.rowStart[r] as number));

/** The fused request of one worker, as shard-handler.ts runs it; returns its CPU in ms and what it summed. */
function fusedPass(tree: Tree, touched: boolean) {
  const regionBytes = tree.louisWasm.louisRegionBytes(items, items, 2, 0, nodes.length, longest, true);
  const shared = tree.linalg.createSharedMatrix(N, 2, tree.blocked.BLOCK, tree.blocked.SOLVE_ROWS, regionBytes);
  if (touched) (shared.matrix as Float64Array).fill(0);
  const target = { memory: shared.memory, size: N, regionAt: 8 * shared.scratchAt(half === 'upper' ? 0 : 1), regionBytes, half };
  const kernel = tree.estep.createExpectationKernel(data);
  const started = process.cpuUsage();
  // As shard-handler.ts asks it (since h52 without the expected answers, the diagnostic pass's n; an older tree ignores the argument).
  const pass = tree.louis.louisShardPass(data, state, settings, nodes, 'wasm', target, false);
  const diagnostics = kernel.diagnostics(
    params,
    quadrature,
    { rowScores: true, scoreOuter: false },
    (from: number, to: number, posteriors: Float64Array, width: number) => pass.feed(from, to, posteriors, width),
  );
  const partial = pass.finish();
  const used = process.cpuUsage(started);
  const expectedAnswers: Float64Array = partial.expectedAnswersLeft === true ? diagnostics.expectations.n : partial.expectedAnswers;
  return { ms: (used.user + used.system) / 1e3, matrix: shared.matrix as Float64Array, partial, diagnostics, expectedAnswers };
}

const times: Record<string, number[]> = {};
const last: Record<string, ReturnType<typeof fusedPass>> = {};
const names = Object.keys(trees);
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const run = fusedPass(trees[name] as Tree, touch === name || touch === 'both');
    (times[name] ??= []).push((run.ms * 1e3) / persons);
    last[name] = run;
    console.log(`round ${round + 1} ${name}: ${((run.ms * 1e3) / persons).toFixed(2)} µs of CPU per person, load ${(loadavg()[0] as number).toFixed(2)}`);
  }
}
const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1] as number;
for (const [name, list] of Object.entries(times)) console.log(`${name}: ${list.map((t) => t.toFixed(2)).join(' ')} µs (median ${median(list).toFixed(2)})`);
if (last.old !== undefined && last.new !== undefined) {
  console.log(`new / old medians ×${(median(times.new as number[]) / median(times.old as number[])).toFixed(3)}`);
  const worst = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let top = 0;
    let scale = 0;
    for (let k = 0; k < x.length; k++) {
      top = Math.max(top, Math.abs((x[k] as number) - (y[k] as number)));
      scale = Math.max(scale, Math.abs(x[k] as number));
    }
    return scale === 0 ? top : top / scale;
  };
  const o = last.old;
  const n = last.new;
  // The matrix: the half the pass wrote (its diagonal blocks apart in the lower half).
  console.log(
    `largest difference / largest entry: matrix ${worst(o.matrix, n.matrix).toExponential(2)}, diagonal ${worst(o.partial.diagonal ?? [], n.partial.diagonal ?? []).toExponential(2)}, ` +
      `expected answers ${worst(o.expectedAnswers, n.expectedAnswers).toExponential(2)}, expected persons ${worst(o.partial.expectedPersons, n.partial.expectedPersons).toExponential(2)}`,
  );
}
console.log(
  `${persons} persons, half ${half}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

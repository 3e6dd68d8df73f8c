/**
 * Two E-step kernels in one process, alternated E-step by E-step on the same shard (one thread, CPU time):
 * this tree's WebAssembly kernel against another tree's (a `git archive` copy of main, say), so that both see
 * the same load and the same caches — at a load of 5–8 on 2 cores, runs in separate processes differ more
 * between themselves than a 15 % change. Prints each E-step's CPU per answer per node, the ratio of medians, and the
 * median of the round-by-round ratios (less sensitive to load drifting during the run: compare it with an A/A run,
 * this tree against an unchanged copy, which printed 0.98–1.01 for h62 where the ratio of medians spread 0.95–1.06).
 * Run: node --import tsx bench/estep-ab.ts OTHER_TREE [persons = 100000] [items = 2000] [rounds = 15] [--diagnostics]
 * With --diagnostics: the final diagnostic pass instead of the E-step, every sum compared bit for bit. With
 * --no-score as well, both arms are asked for DiagnosticOptions.scoreOuter false (a tree without the option computes
 * it anyway) and scoreOuter is left out of the comparison.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createExpectationKernel } from '../engine/calibration/estep-wasm';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const diagnostics = process.argv.includes('--diagnostics');
const noScore = process.argv.includes('--no-score');
const rows = process.argv.includes('--rows');
const options = noScore || rows ? { ...(noScore ? { scoreOuter: false } : {}), ...(rows ? { rowScores: true } : {}) } : undefined;
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const other = positional[0];
if (other === undefined) throw new Error('usage: bench/estep-ab.ts OTHER_TREE [persons] [items] [rounds]');
const persons = Number(positional[1] ?? 100_000);
const items = Number(positional[2] ?? 2000);
const rounds = Number(positional[3] ?? 15);
const theirs = (await import(pathToFileURL(resolve(other, 'engine/calibration/estep-wasm.ts')).href)) as {
  createExpectationKernel: typeof createExpectationKernel;
};
const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
const density = nodes.map((x) => Math.exp((-x * x) / 2));
const total = density.reduce((s, x) => s + x, 0);
const weights = density.map((x) => x / total);
const sim = simulateCalibrationData(createRandom(7), { items, persons, design: { kind: 'random', perPerson: 15 } });
const params = { a: new Float64Array(items).fill(1.1), d: Float64Array.from({ length: items }, (_, i) => -1 + (2 * i) / items) };
const arms = [
  { name: 'other', kernel: theirs.createExpectationKernel(sim.data, 'wasm'), times: [] as number[] },
  { name: 'this', kernel: createExpectationKernel(sim.data, 'wasm'), times: [] as number[] },
];
const perAnswerNode = (ms: number) => (ms * 1e6) / (sim.data.items.length * nodes.length);
let same = true;
for (let r = 0; r < rounds; r++) {
  const results: Float64Array[][] = [];
  for (const arm of r % 2 === 0 ? arms : [...arms].reverse()) {
    const before = process.cpuUsage();
    if (diagnostics) {
      const { expectations, rowScores, scoreOuter, ...sums } = arm.kernel.diagnostics(params, { nodes, weights }, options);
      const scores = rowScores === undefined ? [] : [rowScores.theta, rowScores.sd, rowScores.lz];
      results.push([expectations.r, expectations.n, Float64Array.of(expectations.logLik), ...Object.values(sums), ...(noScore ? [] : [scoreOuter]), ...scores]);
    } else {
      const stats = arm.kernel.expectations(params, { nodes, weights });
      results.push([stats.r, stats.n, Float64Array.of(stats.logLik)]);
    }
    const used = process.cpuUsage(before);
    arm.times.push((used.user + used.system) / 1e3);
  }
  const [x, y] = results as [Float64Array[], Float64Array[]];
  same &&= x.length === y.length && x.every((array, k) => array.every((v, j) => Object.is(v, y[k]?.[j])));
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1] as number;
for (const arm of arms) {
  console.log(
    `${arm.name}: ${arm.times.map((t) => perAnswerNode(t).toFixed(3)).join(' ')} ns per answer per node; median ${perAnswerNode(median(arm.times)).toFixed(3)}`,
  );
}
const [o, t] = arms;
const pairs = t!.times.map((x, r) => x / (o!.times[r] as number));
console.log(`this / other round by round: ${pairs.map((x) => x.toFixed(3)).join(' ')}; median ${median(pairs).toFixed(3)}`);
console.log(
  `${diagnostics ? `diagnostic pass${noScore ? ' (no scoreOuter)' : ''}${rows ? ' (row scores)' : ''}` : 'E-step'}, ${items} items, ${persons} persons × 15: this / other = ${(median(t!.times) / median(o!.times)).toFixed(3)} (medians), same sums bit for bit: ${same}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

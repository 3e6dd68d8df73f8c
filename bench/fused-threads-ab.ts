/**
 * The fused final + Louis pass on two worker threads (EStepRunner.diagnosticsWithCovariance, as the 10.5M bench
 * runs it after the EM: its `final + Louis pass` phase is the runner's `pass`, its `factorisation` the rest) on the
 * 10.5M bench's design (2,000 items, 15 sparse answers per person, 2PL, true parameters standing for the
 * estimates), with this tree's runner and another tree's (`--old DIR`: a `git archive` copy of main), both
 * started in this process and alternated. Prints per round and tree the pass's wall and the process's CPU up to
 * the pass's end (both threads and this one), the factorisation's wall, the load, and the largest relative
 * difference of the two trees' SEs' band and of their diagnostics (fit sums, row scores).
 * Run: node --import tsx bench/fused-threads-ab.ts [persons = 700000] [rounds = 3] [--old /tmp/old-tree]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sparseDesign } from './sparse-design';

const positional = process.argv.slice(2).filter((arg, k, all) => !arg.startsWith('--') && !(all[k - 1] ?? '').startsWith('--'));
const persons = Number(positional[0] ?? 700_000);
const rounds = Number(positional[1] ?? 3);
const at = process.argv.indexOf('--old');
const oldRoot = at === -1 ? undefined : process.argv[at + 1];

const { items, nodes, quadrature, sim, state, params, settings } = sparseDesign(persons);

const runnerOf = async (root: string) => {
  const parallel = await import(pathToFileURL(resolve(root, 'engine/calibration/parallel/index.ts')).href);
  return parallel.createThreadedRunner(sim.data, { threads: 2 });
};
const runners: Record<string, Awaited<ReturnType<typeof runnerOf>>> = { new: await runnerOf(resolve(import.meta.dirname, '..')) };
if (oldRoot !== undefined) runners.old = await runnerOf(oldRoot);

const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};
const names = Object.keys(runners);
const results: Record<string, { band: Float64Array; diagnostics: Record<string, unknown> }> = {};
const passes: Record<string, number[]> = {};
const cpus: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const runner = runners[name];
    const load = (loadavg()[0] as number).toFixed(2);
    let marks: number[] = [];
    const now = () => {
      marks.push(cpu());
      return performance.now();
    };
    marks = [];
    const started = cpu();
    const { diagnostics, covariance } = await runner.diagnosticsWithCovariance(
      params,
      quadrature,
      { rowScores: true, scoreOuter: false },
      state,
      settings,
      now,
    );
    const passCpu = (marks[1] as number) - started;
    const ms = covariance.milliseconds;
    (passes[name] ??= []).push(ms.pass);
    (cpus[name] ??= []).push(passCpu);
    results[name] = { band: covariance.band, diagnostics };
    console.log(
      `round ${round + 1} ${name}: pass wall ${ms.pass.toFixed(0)} ms, CPU ${passCpu.toFixed(0)} ms; factorisation wall ${ms.factorisation.toFixed(0)} ms; load ${load} → ${(loadavg()[0] as number).toFixed(2)}`,
    );
  }
}
const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1] as number;
for (const name of names)
  console.log(
    `${name}: pass wall ${(passes[name] as number[]).map((t) => t.toFixed(0)).join(' ')} ms, CPU ${(cpus[name] as number[]).map((t) => t.toFixed(0)).join(' ')} ms`,
  );
if (results.old !== undefined && results.new !== undefined) {
  console.log(
    `new / old medians: pass wall ×${(median(passes.new as number[]) / median(passes.old as number[])).toFixed(3)}, CPU ×${(median(cpus.new as number[]) / median(cpus.old as number[])).toFixed(3)}`,
  );
  const relative = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      const scale = Math.max(Math.abs(x[k] as number), Math.abs(y[k] as number));
      if (scale > 0) worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)) / scale);
    }
    return worst;
  };
  console.log(`SEs' band: largest relative difference ${relative(results.old.band, results.new.band).toExponential(2)}`);
  // Every array of the diagnostics (the expectations' r, n and node totals, the fit sums, the row scores): equal bits?
  const arrays = (value: unknown, path: string, into: Map<string, Float64Array>) => {
    if (value instanceof Float64Array) into.set(path, value);
    else if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) arrays(inner, `${path}.${key}`, into);
    return into;
  };
  const oldArrays = arrays(results.old.diagnostics, 'diagnostics', new Map());
  const newArrays = arrays(results.new.diagnostics, 'diagnostics', new Map());
  const unequal = [...oldArrays].filter(([path, x]) => {
    const y = newArrays.get(path);
    return y === undefined || y.length !== x.length || x.some((v, k) => !Object.is(v, y[k]));
  });
  console.log(
    `diagnostics: ${oldArrays.size} arrays, ${unequal.length === 0 ? 'all the same bits' : `different: ${unequal.map(([path]) => path).join(', ')}`}`,
  );
}
console.log(
  `${persons} persons, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const runner of Object.values(runners)) await runner.close();
process.exit(0);

/**
 * What the fused pass (h45) saves and costs, one thread, CPU time, alternated in one process on the 10.5M
 * bench's design (2,000 items, 15 sparse answers per person, 2PL at the true parameters):
 *   - the Louis kernel forming its own posteriors (louisShardPartial's WebAssembly pass) against the same
 *     kernel given them (posteriors formed once beforehand by the diagnostic pass and kept);
 *   - the diagnostic pass without and with writing its posteriors out (the cost on the E-step side).
 * Run: node --import tsx bench/louis-given.ts [persons = 100000] [rounds = 5]
 */
import { loadavg } from 'node:os';
import { createExpectationKernel } from '../engine/calibration/estep-wasm';
import { louisShardPartial, louisShardPass } from '../engine/calibration/louis-pass';
import { sparseDesign } from './sparse-design';

const persons = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const { items, nodes, quadrature, sim, data, state, params, settings } = sparseDesign(persons);
const kernel = createExpectationKernel(data);
const rows = data.rowStart.length - 1;
const width = 2 * ((nodes.length + 1) >> 1);
const kept = new Float64Array(rows * width);
kernel.diagnostics(params, quadrature, undefined, (from, to, posteriors) => kept.set(posteriors.subarray(0, (to - from) * width), from * width));
const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};
const timed = (run: () => void): number => {
  const started = cpu();
  run();
  return ((cpu() - started) * 1e3) / persons;
};
const arms: Record<string, () => void> = {
  'Louis, own posteriors': () => void louisShardPartial(data, state, settings, nodes),
  'Louis, given posteriors': () => {
    const pass = louisShardPass(data, state, settings, nodes);
    if (pass === null) throw new Error('no WebAssembly pass here');
    pass.feed(0, rows, kept, width);
    pass.finish();
  },
  'diagnostic pass': () => void kernel.diagnostics(params, quadrature),
  'diagnostic pass writing posteriors': () => void kernel.diagnostics(params, quadrature, undefined, () => undefined),
};
const times: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  const names = Object.keys(arms);
  for (const name of round % 2 === 0 ? names : names.reverse()) (times[name] ??= []).push(timed(arms[name] as () => void));
}
for (const [name, list] of Object.entries(times)) {
  const sorted = [...list].sort((x, y) => x - y);
  console.log(`${name}: ${list.map((t) => t.toFixed(2)).join(' ')} µs of CPU per person (median ${(sorted[sorted.length >> 1] as number).toFixed(2)})`);
}
console.log(
  `${persons} persons, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

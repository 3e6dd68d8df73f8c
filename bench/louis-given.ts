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
import { DEFAULT_PRIORS, type MStepSettings } from '../engine/calibration/mstep';
import { normalWeights } from '../engine/irt/grid';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const persons = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const items = 2000;
const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson: 15 } });
const data = sim.data;
const state = { a: Float64Array.from(sim.items, (item) => item.a), d: Float64Array.from(sim.items, (item) => item.d), mean: 0, sd: 1 };
const params = { a: state.a, d: state.d };
const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(items).fill(1), estimateMean: false, estimateSd: false };
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

/**
 * The WebAssembly E-step in one thread, CPU time per answer per node, on the same number of sparse
 * answers (15 per person) over 2,000 items and over 200, alternately: what a large bank's table and
 * counts leaving the caches cost. Run: node --import tsx bench/estep-items.ts [persons = 200000]
 */
import { loadavg } from 'node:os';
import { createExpectationKernel } from '../engine/calibration/estep-wasm';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const persons = Number(process.argv[2] ?? 200_000);
const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
const density = nodes.map((x) => Math.exp((-x * x) / 2));
const total = density.reduce((s, x) => s + x, 0);
const weights = density.map((x) => x / total);
const arms = [2000, 200, 2000, 200].map((items) => {
  const sim = simulateCalibrationData(createRandom(7), { items, persons, design: { kind: 'random', perPerson: 15 } });
  const params = { a: new Float64Array(items).fill(1.1), d: Float64Array.from({ length: items }, (_, i) => -1 + (2 * i) / items) };
  return { items, kernel: createExpectationKernel(sim.data, 'wasm'), params, answers: sim.data.items.length };
});
for (const arm of arms) {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    arm.kernel.expectations(arm.params, { nodes, weights });
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1e3);
  }
  times.sort((x, y) => x - y);
  const median = times[2] as number;
  console.log(
    `${arm.items} items: median ${median.toFixed(0)} ms of CPU per E-step, ${((median * 1e6) / arm.answers / nodes.length).toFixed(3)} ns per answer per node (load ${(loadavg()[0] as number).toFixed(1)})`,
  );
}

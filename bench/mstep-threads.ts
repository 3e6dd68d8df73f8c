/**
 * The M-step of the workers bench's size (2,000 items, 61 nodes, 2PL with the default priors) in this thread alone
 * (mStep) and shared with worker threads (startMStepThreads, decision 021 h56), alternated in one process: wall and
 * CPU of the process (every thread) per M-step, the load average with each round. The counts are one E-step's at
 * the starting values of a run (the first M-step, the longest) and at values near the estimates (a later one).
 *
 *   node --import tsx bench/mstep-threads.ts [--rounds 8] [--threads 1] [--items 2000]
 */
import { loadavg } from 'node:os';
import { createExpectationKernel, mStep, DEFAULT_PRIORS, type ModelState, type MStepSettings } from '../engine/calibration';
import { startMStepThreads } from '../engine/calibration/parallel';
import { gridNodes, normalWeights } from '../engine/irt';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const option = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
};
const items = option('items', 2000);
const rounds = option('rounds', 8);
const sim = simulateCalibrationData(createRandom(20240602), { items, persons: 200_000, design: { kind: 'random', perPerson: 15 } });
const nodes = gridNodes(-6, 6, 61);
const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(items).fill(1), estimateMean: false, estimateSd: false };
const kernel = createExpectationKernel(sim.data);
const starts: { name: string; state: ModelState }[] = [
  { name: 'start', state: { a: new Float64Array(items).fill(1), d: new Float64Array(items).fill(0), mean: 0, sd: 1 } },
  {
    name: 'near',
    state: { a: Float64Array.from(sim.items, (i) => i.a * 1.02), d: Float64Array.from(sim.items, (i) => i.d - 0.01), mean: 0, sd: 1 },
  },
];
const cases = starts.map(({ name, state }) => ({ name, state, stats: kernel.expectations({ a: state.a, d: state.d }, quadrature) }));
const threads = startMStepThreads(option('threads', 1));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)] as number;
// Warm both paths (JIT, the thread's start).
for (const c of cases) {
  mStep(c.stats, c.state, quadrature, settings);
  await threads.mStep(c.stats, c.state, quadrature, settings);
}
const results: Record<string, { wall: number[]; cpu: number[] }> = {};
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['one', 'threads'] : ['threads', 'one'];
  const line: string[] = [];
  for (const arm of order) {
    for (const c of cases) {
      const key = `${arm} ${c.name}`;
      const t0 = performance.now();
      const u0 = cpuMs();
      const out = arm === 'one' ? mStep(c.stats, c.state, quadrature, settings) : await threads.mStep(c.stats, c.state, quadrature, settings);
      const wall = performance.now() - t0;
      const cpu = cpuMs() - u0;
      if (!(out.a.length === items)) throw new Error('no result');
      (results[key] ??= { wall: [], cpu: [] }).wall.push(wall);
      results[key]!.cpu.push(cpu);
      line.push(`${key} ${wall.toFixed(1)} ms (CPU ${cpu.toFixed(1)})`);
    }
  }
  console.log(`round ${r + 1}, load ${loadavg()[0]!.toFixed(2)}: ${line.join(', ')}`);
}
for (const [key, { wall, cpu }] of Object.entries(results)) {
  console.log(`${key}: median wall ${median(wall).toFixed(1)} ms, CPU ${median(cpu).toFixed(1)} ms`);
}
await threads.close();

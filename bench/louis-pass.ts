/**
 * The Louis pass of the exact SEs (louis-pass.ts, WebAssembly) in one thread, CPU time per person, on
 * the 10.5M bench's design (2,000 items, 15 sparse answers per person), 2PL, no latent score estimated.
 * Then the information's item rows from two shards' partials into a padded 4,032² matrix: merged and
 * unpacked in one thread (the runner's main thread before h36) against writeLouisItemRows by halves
 * of the items (what each of two worker threads now does), CPU time of each.
 * Run: node --import tsx bench/louis-pass.ts [persons = 200000] [rounds = 3]
 */
import { loadavg } from 'node:os';
import { sliceRows } from '../engine/calibration/data';
import { louisInformationFromPartial, louisShardPartial, mergeLouisPartials, writeLouisItemRows } from '../engine/calibration/louis-pass';
import { DEFAULT_PRIORS, type MStepSettings } from '../engine/calibration/mstep';
import { paddedSize } from '../engine/calibration/linalg-blocked';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const persons = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 3);
const items = 2000;
const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson: 15 } });
// The true parameters stand for the estimates (the posteriors have the same shape).
const state = { a: Float64Array.from(sim.items, (item) => item.a), d: Float64Array.from(sim.items, (item) => item.d), mean: 0, sd: 1 };
const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(items).fill(1), estimateMean: false, estimateSd: false };
const load = () => (loadavg()[0] as number).toFixed(1);
const cpuMs = (run: () => void): number => {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e3;
};

for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  let check = 0;
  const cpu = cpuMs(() => {
    const partial = louisShardPartial(sim.data, state, settings, nodes);
    for (let k = 0; k < partial.blocks.length; k += 997) check += partial.blocks[k] as number;
  });
  const wall = performance.now() - t;
  console.log(
    `pass, round ${r}: ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall, ${((cpu * 1e3) / persons).toFixed(2)} µs per person (load ${load()}) check ${check.toExponential(12)}`,
  );
}

const N = paddedSize(2 * items);
const half = Math.min(persons, 20_000) / 2;
const shards = () => [0, 1].map((k) => louisShardPartial(sliceRows(sim.data, k * half, (k + 1) * half), state, settings, nodes));
for (let r = 0; r < rounds; r++) {
  const merged = shards();
  const whole = cpuMs(() => louisInformationFromPartial(mergeLouisPartials(merged), state, settings, nodes, { matrix: new Float64Array(N * N), stride: N }));
  const blocks = shards().map((part) => part.blocks);
  const matrix = new Float64Array(N * N);
  const first = cpuMs(() => writeLouisItemRows(blocks, state, settings, matrix, N, 0, items / 2));
  const second = cpuMs(() => writeLouisItemRows(blocks, state, settings, matrix, N, items / 2, items));
  console.log(
    `item rows, round ${r}: merged and unpacked in one thread ${whole.toFixed(0)} ms CPU; written by halves ${first.toFixed(0)} + ${second.toFixed(0)} ms CPU (load ${load()})`,
  );
}

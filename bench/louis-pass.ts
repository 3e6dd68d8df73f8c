/**
 * The Louis pass of the exact SEs (louis-pass.ts, WebAssembly) in one thread, CPU time per person, on
 * the 10.5M bench's design (2,000 items, 15 sparse answers per person), 2PL, no latent score estimated.
 * Run: node --import tsx bench/louis-pass.ts [persons = 200000] [rounds = 3]
 */
import { loadavg } from 'node:os';
import { louisShardPartial } from '../engine/calibration/louis-pass';
import { DEFAULT_PRIORS, type MStepSettings } from '../engine/calibration/mstep';
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
let check = 0;
for (let r = 0; r < rounds; r++) {
  const before = process.cpuUsage();
  const t = performance.now();
  const partial = louisShardPartial(sim.data, state, settings, nodes);
  const wall = performance.now() - t;
  const used = process.cpuUsage(before);
  const cpu = (used.user + used.system) / 1e3;
  check = 0;
  for (let k = 0; k < partial.blocks.length; k += 997) check += partial.blocks[k] as number;
  console.log(
    `round ${r}: ${cpu.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall, ${((cpu * 1e3) / persons).toFixed(2)} µs per person (load ${(loadavg()[0] as number).toFixed(1)}) check ${check.toExponential(12)}`,
  );
}

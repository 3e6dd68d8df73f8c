/**
 * The exact standard errors of the 10.5M bench's design (2,000 items, 15 sparse answers per person, 2PL,
 * true parameters standing for the estimates) on two worker threads: the Louis pass with its item rows,
 * then the factorisation and the inverse's diagonal blocks, as the threaded runner does after the EM.
 * Prints the CPU of the whole process (both threads and the main one) and the wall of each part, a hash
 * of the SEs' band (the same bits across code versions: compare the hashes) and the peak memory.
 * Run: node --import tsx bench/exact-se-threads.ts [persons = 300000] [rounds = 2]
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { createThreadedRunner } from '../engine/calibration/parallel';
import { DEFAULT_PRIORS, type MStepSettings } from '../engine/calibration/mstep';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const persons = Number(process.argv[2] ?? 300_000);
const rounds = Number(process.argv[3] ?? 2);
const items = 2000;
const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson: 15 } });
const state = { a: Float64Array.from(sim.items, (item) => item.a), d: Float64Array.from(sim.items, (item) => item.d), mean: 0, sd: 1 };
const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(items).fill(1), estimateMean: false, estimateSd: false };
const runner = await createThreadedRunner(sim.data, { threads: 2 });
const exactCovariance = runner.exactCovariance;
if (exactCovariance === undefined) throw new Error('this runner has no exact covariance');
const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};

for (let round = 0; round < rounds; round++) {
  const load = (loadavg()[0] as number).toFixed(1);
  const started = cpu();
  const covariance = await exactCovariance(state, settings, nodes, () => performance.now());
  const spent = cpu() - started;
  const band = covariance.band ?? new Float64Array(0);
  const hash = createHash('sha256')
    .update(new Uint8Array(band.buffer, band.byteOffset, band.byteLength))
    .digest('hex')
    .slice(0, 12);
  const wall = covariance.milliseconds;
  console.log(
    `round ${round + 1}: ${persons} persons, CPU ${spent.toFixed(0)} ms (both threads), wall Louis pass ${wall?.pass.toFixed(0)} ms, ` +
      `factorisation ${wall?.factorisation.toFixed(0)} ms, SEs ${hash}, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, load ${load} → ${(loadavg()[0] as number).toFixed(1)}`,
  );
}
await runner.close?.();

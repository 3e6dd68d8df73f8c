/**
 * The exact standard errors of the 10.5M bench's design (2,000 items, 15 sparse answers per person, 2PL,
 * true parameters standing for the estimates) on two worker threads: the Louis pass with its item rows,
 * then the factorisation and the inverse's diagonal blocks, as the threaded runner does after the EM.
 * Prints the CPU of the whole process (both threads and the main one) and the wall of each part, a hash
 * of the SEs' band (the same bits across code versions: compare the hashes) and the peak memory.
 * Run: node --import tsx bench/exact-se-threads.ts [persons = 300000] [rounds = 2]
 * With --compare-fused (h45) each round runs the final pass then the exact SEs (as before h45) and the two in
 * one walk (diagnosticsWithCovariance), alternated in this process, and prints the CPU and wall of each and
 * the largest relative difference of their SEs' band.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { createThreadedRunner } from '../engine/calibration/parallel';
import { normalWeights } from '../engine/irt/grid';
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

if (process.argv.includes('--compare-fused')) {
  const fused = runner.diagnosticsWithCovariance;
  if (fused === undefined) throw new Error('this runner has no fused pass');
  const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
  const params = { a: state.a, d: state.d };
  // The pass's CPU: the process's CPU when the runner times the end of its pass (its second call of `now`).
  let marks: number[] = [];
  const now = () => {
    marks.push(cpu());
    return performance.now();
  };
  for (let round = 0; round < rounds; round++) {
    const arms = ['separate', 'fused'] as const;
    const bands: Float64Array[] = [];
    const lines: string[] = [];
    for (const arm of round % 2 === 0 ? arms : [...arms].reverse()) {
      const load = (loadavg()[0] as number).toFixed(1);
      const started = cpu();
      const wallStarted = performance.now();
      marks = [];
      const covariance =
        arm === 'fused'
          ? (await fused(params, quadrature, { rowScores: true }, state, settings, now)).covariance
          : (await runner.diagnostics(params, quadrature, { rowScores: true }), await exactCovariance(state, settings, nodes, now));
      const spent = cpu() - started;
      const wall = performance.now() - wallStarted;
      const passCpu = (marks[1] as number) - started;
      bands.push(covariance.band ?? new Float64Array(0));
      lines.push(
        `${arm}: CPU ${spent.toFixed(0)} ms, of which the passes ${passCpu.toFixed(0)} ms; wall ${wall.toFixed(0)} ms (factorisation ${covariance.milliseconds?.factorisation.toFixed(0)} ms), load ${load}`,
      );
    }
    const [x, y] = bands as [Float64Array, Float64Array];
    let worst = 0;
    for (let k = 0; k < x.length; k++) {
      const scale = Math.max(Math.abs(x[k] as number), Math.abs(y[k] as number));
      if (scale > 0) worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)) / scale);
    }
    console.log(
      `round ${round + 1}, ${persons} persons (final pass with row scores + exact SEs): ${lines.join('; ')}; band worst relative difference ${worst.toExponential(2)}`,
    );
  }
  await runner.close?.();
  process.exit(0);
}

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

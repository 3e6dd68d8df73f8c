/**
 * The 1M command's calibration (bench/calibration-1m.ts's bank: 100 items × 10,000 persons, complete; two
 * threads, the calling thread computing a shard, row scores, exact SEs) with the final pass and the exact SEs
 * in one request per thread (diagnosticsWithCovariance, h45) and as two (the runner without it), alternated in
 * one process: CPU of the process per calibration, and whether the results are the same bits.
 * Run: node --import tsx bench/fused-1m.ts [rounds = 6]
 */
import { loadavg } from 'node:os';
import { calibrate, type CalibrationResult } from '../engine/calibration';
import { createThreadedRunner } from '../engine/calibration/parallel';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const rounds = Number(process.argv[2] ?? 6);
const sim = simulateCalibrationData(createRandom(20240601), { items: 100, persons: 10_000 });
const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};
const run = async (fused: boolean): Promise<{ ms: number; wall: number; result: CalibrationResult }> => {
  const started = cpu();
  const wallStarted = performance.now();
  const result = await calibrate(
    sim.data,
    {},
    {
      hooks: { rowScores: true },
      createRunner: async (prepared) => {
        const runner = await createThreadedRunner(prepared, { threads: 2, inline: true });
        return fused ? runner : { ...runner, diagnosticsWithCovariance: undefined };
      },
    },
  );
  return { ms: cpu() - started, wall: performance.now() - wallStarted, result };
};
const times: Record<string, number[]> = { fused: [], separate: [] };
let same = true;
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [true, false] : [false, true];
  const results: CalibrationResult[] = [];
  const line: string[] = [];
  for (const fused of order) {
    const { ms, wall, result } = await run(fused);
    results.push(result);
    times[fused ? 'fused' : 'separate']?.push(ms);
    line.push(`${fused ? 'fused' : 'separate'} CPU ${ms.toFixed(0)} ms, wall ${wall.toFixed(0)} ms`);
  }
  const [x, y] = results as [CalibrationResult, CalibrationResult];
  same &&= JSON.stringify({ ...x, seconds: 0 }) === JSON.stringify({ ...y, seconds: 0 });
  console.log(`round ${round + 1}: ${line.join('; ')} (load ${(loadavg()[0] as number).toFixed(2)})`);
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1] as number;
console.log(`medians: fused ${median(times.fused!).toFixed(0)} ms, separate ${median(times.separate!).toFixed(0)} ms of CPU; results the same bits: ${same}`);

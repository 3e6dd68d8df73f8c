/**
 * A worker's final-pass job compute with and without `scoreOuter` (decision 021, h54): one shard of the
 * 10.5M bench's size (a third: 233,334 persons × 15 answers on 2,000 items, patterns collapsed), computed by the
 * worker's own path (ShardCache.compute: the one-thread kernel, then the result encoded), with the job's
 * `scoreOuter: false` (what a run that takes exact or no SEs sends) and without it (louis-block), alternated;
 * CPU milliseconds of this process per job, and the result's bytes. Both give the same sums but scoreOuter.
 *
 *   node --import tsx bench/shard-final-pass.ts [--rounds 6] [--persons 233334]
 */
import { loadavg } from 'node:os';
import { collapsePatterns } from '../engine/calibration';
import { gridNodes, normalWeights } from '../engine/irt';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { ShardCache } from '../workers/calibration-shards';
import type { ShardStore } from '../app/models/calibration-run.server';

const option = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
};
const rounds = option('rounds', 6);
const sim = simulateCalibrationData(createRandom(20240602), { items: 2000, persons: option('persons', 233_334), design: { kind: 'random', perPerson: 15 } });
const data = collapsePatterns(sim.data).data;
const nodes = gridNodes(-6, 6, 61);
const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
const params = { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };
const cache = new ShardCache(1 << 30, 1);
const job = (scoreOuter: boolean) => ({
  runId: 'bench',
  lease: 'bench',
  shard: 0,
  kind: 'diagnostics' as const,
  build: () => Promise.resolve(data),
  ...(scoreOuter ? {} : { scoreOuter: false as const }),
});
const db = null as unknown as ShardStore;
// The kernel made and warmed once (a worker's first pass), as in a run.
await cache.compute(db, { ...job(true), kind: 'expectations' }, params, quadrature);
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
let bytes: Record<string, number> = {};
console.log(`shard-final-pass: ${data.items.length} stored answers, ${data.rowStart.length - 1} rows; load ${loadavg()[0]!.toFixed(1)}`);
for (let r = 0; r < rounds; r++) {
  for (const arm of r % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
    const t = cpu();
    const out = await cache.compute(db, job(arm === 'with'), params, quadrature);
    times[arm].push(cpu() - t);
    bytes = { ...bytes, [arm]: out.byteLength };
  }
  console.log(
    `  round ${r + 1}: with scoreOuter ${times.with.at(-1)!.toFixed(0)} ms, without ${times.without.at(-1)!.toFixed(0)} ms CPU; load ${loadavg()[0]!.toFixed(1)}`,
  );
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)] as number;
const ratios = times.without.map((x, k) => x / (times.with[k] as number));
console.log(
  `  median CPU per job: with ${median(times.with).toFixed(0)} ms, without ${median(times.without).toFixed(0)} ms (×${(median(times.without) / median(times.with)).toFixed(3)}; pairwise ×${Math.min(...ratios).toFixed(3)}–×${Math.max(...ratios).toFixed(3)}); result ${bytes.with} → ${bytes.without} bytes`,
);
cache.clear();

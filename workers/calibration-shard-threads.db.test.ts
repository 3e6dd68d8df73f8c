/**
 * A shard pass on the worker's threads gives the estimates of a pass in one thread (to 1e-9): the shards
 * are written to PostgreSQL as a run writes them and computed through the shard cache a worker process
 * uses, with 2 threads per shard and with 1.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  calibrateWithRunner,
  collapsePatterns,
  computeShardSummary,
  mergeDiagnostics,
  mergeStatistics,
  shardBoundaries,
  sliceRows,
  type EStepRunner,
  type ResponseData,
} from '../engine/calibration';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { testDb } from '../tests/setup/db';
import { writeRunShards } from '../app/models/calibration-run.server';
import { decodeDiagnostics, decodeStatistics, encodeShard } from './calibration-codec';
import { ShardCache } from './calibration-shards';

const db = testDb();
const caches: ShardCache[] = [];

afterAll(() => {
  for (const cache of caches) cache.clear();
});

/** The sharded runner's passes, without the queue: every shard computed by this process's cache. */
function cacheRunner(cache: ShardCache, runId: string, lease: string, data: ResponseData, shards: number): EStepRunner {
  const pass = async (
    kind: 'expectations' | 'diagnostics',
    params: Parameters<EStepRunner['expectations']>[0],
    quadrature: Parameters<EStepRunner['expectations']>[1],
  ) => Promise.all(Array.from({ length: shards }, (_, shard) => cache.compute(db, { runId, lease, shard, kind }, params, quadrature)));
  return {
    itemIds: data.itemIds,
    summary: () => computeShardSummary(data),
    expectations: async (params, quadrature) => mergeStatistics((await pass('expectations', params, quadrature)).map((b) => decodeStatistics(b.subarray(8)))),
    diagnostics: async (params, quadrature) => mergeDiagnostics((await pass('diagnostics', params, quadrature)).map((b) => decodeDiagnostics(b.subarray(8)))),
  };
}

describe('shard passes on worker threads', () => {
  it('give the sums of a one-thread pass to 1e-9, and the same estimates', async () => {
    const sim = simulateCalibrationData(createRandom(99), { items: 60, persons: 24_000, design: { kind: 'random', perPerson: 12 } });
    const data = collapsePatterns(sim.data).data;
    expect(data.items.length).toBeGreaterThan(200_000);
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { test: 'shard-threads' }, status: 'RUNNING' } });
    const lease = randomUUID();
    const bounds = shardBoundaries(data, 2);
    await writeRunShards(
      db,
      run.id,
      lease,
      [0, 1].map((k) => {
        const shard = sliceRows(data, bounds[k]!, bounds[k + 1]!);
        return { rows: bounds[k + 1]! - bounds[k]!, answers: shard.items.length, data: encodeShard(shard) };
      }),
    );
    const threaded = new ShardCache(1 << 30, 2);
    const single = new ShardCache(1 << 30, 1);
    caches.push(threaded, single);
    // One pass at the same parameters: the same sums to 1e-9 (relative), only their order differs.
    const params = { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };
    const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
    const density = nodes.map((t) => Math.exp((-t * t) / 2));
    const total = density.reduce((x, y) => x + y, 0);
    const quadrature = { nodes, weights: density.map((w) => w / total) };
    const one = await cacheRunner(single, run.id, lease, data, 2).diagnostics(params, quadrature);
    const two = await cacheRunner(threaded, run.id, lease, data, 2).diagnostics(params, quadrature);
    const close = (u: ArrayLike<number>, v: ArrayLike<number>) => {
      for (let k = 0; k < u.length; k++)
        expect(Math.abs((u[k] as number) - (v[k] as number))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v[k] as number)));
    };
    close(two.expectations.r, one.expectations.r);
    close(two.expectations.n, one.expectations.n);
    close(two.expectations.nodeTotals, one.expectations.nodeTotals);
    close([two.expectations.logLik], [one.expectations.logLik]);
    close(two.squaredResidual, one.squaredResidual);

    // A whole calibration (default settings): EM carries the rounding of the sums' order along its
    // cycles, to about 1e-9 on the estimates.
    const x = await calibrateWithRunner(cacheRunner(single, run.id, lease, data, 2), {});
    const y = await calibrateWithRunner(cacheRunner(threaded, run.id, lease, data, 2), {});
    expect(y.iterations).toBe(x.iterations);
    expect(Math.abs(y.logLik - x.logLik)).toBeLessThan(1e-6);
    for (let i = 0; i < x.items.length; i++) {
      for (const key of ['a', 'd', 'b', 'infit', 'outfit'] as const) {
        expect(Math.abs((y.items[i]![key] as number) - (x.items[i]![key] as number))).toBeLessThan(1e-8);
      }
    }
    await db.calibrationShard.deleteMany({ where: { runId: run.id } });
    await db.calibrationRun.delete({ where: { id: run.id } });
  });
});

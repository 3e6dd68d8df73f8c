/**
 * Shard passes over real shard jobs (BullMQ on Redis, shards in PostgreSQL), with two processors in this
 * process standing for two worker processes (decision 021, h32): a shard read back by COPY is the bytes
 * written; the first pass, started while the parent still writes the shards, claims only written ones;
 * the estimates equal the local runner's (bit for bit against the same shards merged in the same order,
 * to 1e-6 against one pass over all the data, whose sums are added in another order); a processor that leaves mid-run leaves its shards to the
 * other, which loads them from the database.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  calibrateWithRunner,
  collapsePatterns,
  computeShardSummary,
  createExpectationKernel,
  createLocalRunner,
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
import { shardQueues } from '../tests/setup/shard-queues';

const { Queue, QueueEvents, Worker, QUEUES, connection, prefix, redis, closers, closeAll } = await shardQueues('shards');
const { clearRunShards, readRunShard, writeRunShard } = await import('../app/models/calibration-run.server');
const { encodeShard } = await import('./calibration-codec');
const { SHARD_GONE, ShardCache, ShardWaiter, claimShard, createShardedRunner, shardProcessor } = await import('./calibration-shards');
const db = testDb();

afterAll(async () => {
  await closeAll();
});

async function newRun(): Promise<string> {
  return (await db.calibrationRun.create({ data: { model: '2pl', settings: { test: 'shards' }, status: 'RUNNING' } })).id;
}

/** The same shards' sums computed here, merged in shard order: what the shard jobs must give bit for bit. */
function shardsHere(data: ResponseData, shards: number): EStepRunner {
  const bounds = shardBoundaries(data, shards);
  const kernels = Array.from({ length: shards }, (_, k) => createExpectationKernel(sliceRows(data, bounds[k]!, bounds[k + 1]!)));
  return {
    itemIds: data.itemIds,
    summary: () => computeShardSummary(data),
    expectations: (params, quadrature) => mergeStatistics(kernels.map((kernel) => kernel.expectations(params, quadrature))),
    diagnostics: (params, quadrature, options) => mergeDiagnostics(kernels.map((kernel) => kernel.diagnostics(params, quadrature, options))),
  };
}

/** A runner over the shard jobs of a new run, and its passes' key prefix (run and lease). */
async function runOverJobs(
  queue: Parameters<typeof createShardedRunner>[0]['queue'],
  waiter: InstanceType<typeof ShardWaiter>,
  data: ResponseData,
  shards: number,
) {
  const runId = await newRun();
  const lease = randomUUID();
  const sharded = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId, lease, data, shards });
  return { sharded, passPrefix: `${runId}-${lease}` };
}

/** The settings of the runs over `runOverJobs`'s runners. */
const jobRunSettings = { acceleration: 'none', tolerance: 1e-6, maxCycles: 5, standardErrors: 'none' } as const;

/**
 * `count` processors in this process standing for worker processes (started by `start(k)`), the run's queue and
 * waiter; `wrap` sees each job of processor k.
 */
async function setup(count: number, wrap: (k: number, run: (job: never) => Promise<unknown>) => (job: never) => Promise<unknown> = (_, run) => run) {
  const queue = new Queue(QUEUES.calibrationShards, { connection, prefix });
  const events = new QueueEvents(QUEUES.calibrationShards, { connection, prefix });
  await events.waitUntilReady();
  const waiter = new ShardWaiter(queue, events, redis, 5);
  closers.push(
    () => queue.close(),
    () => events.close(),
  );
  const caches = Array.from({ length: count }, () => new ShardCache(1 << 30, 1));
  const start = (k: number) => {
    const worker = new Worker(QUEUES.calibrationShards, wrap(k, shardProcessor(db, redis, caches[k]!) as never) as never, {
      connection,
      prefix,
      concurrency: 1,
    });
    closers.push(() => worker.close());
    return worker;
  };
  return { queue, waiter, caches, start };
}

describe('shards in the database', () => {
  it('a shard read back by COPY is the bytes and lease written; null once gone', async () => {
    const sim = simulateCalibrationData(createRandom(5), { items: 300, persons: 3000, design: { kind: 'random', perPerson: 20 } });
    const data = collapsePatterns(sim.data).data;
    const runId = await newRun();
    const bytes = encodeShard(data);
    await writeRunShard(db, runId, 'lease-é', 0, { rows: data.rowStart.length - 1, answers: data.items.length, data: bytes });
    const row = await readRunShard(db, runId, 0);
    expect(row?.lease).toBe('lease-é');
    expect(Buffer.compare(Buffer.from(row!.data), bytes)).toBe(0);
    // Prisma's read (the path without a pg pool) gives the same bytes.
    const viaPrisma = await db.calibrationShard.findUniqueOrThrow({ where: { runId_index: { runId, index: 0 } } });
    expect(Buffer.compare(Buffer.from(viaPrisma.data), bytes)).toBe(0);
    expect(await readRunShard(db, runId, 1)).toBeNull();
    // Larger than the read's pieces (1 MiB): the pieces in order, into one aligned array; an empty one too.
    const large = Buffer.alloc(2.5 * 1024 * 1024 + 17);
    for (let k = 0; k < large.length; k++) large[k] = (k * 2654435761) >>> 24;
    await writeRunShard(db, runId, 'lease-é', 2, { rows: 1, answers: 1, data: large });
    await writeRunShard(db, runId, 'lease-é', 3, { rows: 0, answers: 0, data: new Uint8Array(0) });
    const back = await readRunShard(db, runId, 2);
    expect(Buffer.compare(Buffer.from(back!.data), large)).toBe(0);
    expect(back!.data.byteOffset % 8).toBe(0);
    expect((await readRunShard(db, runId, 3))?.data.length).toBe(0);
    await clearRunShards(db, runId);
    expect(await readRunShard(db, runId, 0)).toBeNull();
    expect(await readRunShard(db, `${runId}' OR '1' = '1`, 0)).toBeNull();
  });

  it('a job of the first pass claims only shards already written; a retried attempt gets its own claim back', async () => {
    const claimKey = `${prefix}:claims-test:${randomUUID()}`;
    // Job k of the first pass is added once shards 0 … k are written (ready = k + 1).
    const claimed = [];
    for (let k = 0; k < 4; k++) claimed.push(await claimShard(redis, claimKey, `job-${k}`, 4, [], k + 1));
    expect([...claimed].sort()).toEqual([0, 1, 2, 3]);
    claimed.forEach((shard, k) => expect(shard).toBeLessThanOrEqual(k));
    expect(await claimShard(redis, claimKey, 'job-2', 4, [], 4)).toBe(claimed[2]);
    // The jobs may reach their claims in any order (two processors, one slower): every order finds a shard for every job.
    const permutations = (rest: number[]): number[][] =>
      rest.length === 0 ? [[]] : rest.flatMap((k) => permutations(rest.filter((x) => x !== k)).map((tail) => [k, ...tail]));
    for (const order of permutations([0, 1, 2, 3])) {
      const key = `${prefix}:claims-test:${randomUUID()}`;
      const got = new Map<number, number | null>();
      for (const k of order) got.set(k, await claimShard(redis, key, `job-${k}`, 4, [], k + 1));
      expect([...got.values()].sort(), `order ${order.join()}`).toEqual([0, 1, 2, 3]);
      await redis.del(key);
    }
    // A later pass: the shards this process holds first.
    const later = `${prefix}:claims-test:${randomUUID()}`;
    expect(await claimShard(redis, later, 'job-a', 4, [2, 3])).toBe(2);
    expect(await claimShard(redis, later, 'job-b', 4, [2, 3])).toBe(3);
    await redis.del(claimKey, later);
    // With the pass's parameters key (h54): claims while it exists; once the parent dropped the pass (deleted its
    // keys), null, and no claim hash is made again.
    const paramsKey = `${prefix}:params-test:${randomUUID()}`;
    const dropped = `${prefix}:claims-test:${randomUUID()}`;
    await redis.set(paramsKey, 'x', 'EX', 60);
    expect(await claimShard(redis, dropped, 'job-a', 4, [], undefined, paramsKey)).not.toBeNull();
    await redis.del(paramsKey, dropped);
    expect(await claimShard(redis, dropped, 'job-b', 4, [], undefined, paramsKey)).toBeNull();
    expect(await redis.exists(dropped)).toBe(0);
  });
});

describe('a run over shard jobs', () => {
  it('gives the local estimates (bit for bit against the same shards, 1e-6 against one pass); a processor leaving mid-run leaves its shards to the other (shards in the table)', async () => {
    const sim = simulateCalibrationData(createRandom(31), { items: 80, persons: 12_000, design: { kind: 'random', perPerson: 12 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    // Polled often (setup): a job of the first pass must not be taken for lost before it is added.
    const { queue, waiter, caches, start } = await setup(2);
    const workers = [start(0), start(1)];
    const runId = await newRun();
    const lease = randomUUID();
    const sharded = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId, lease, data, shards, redisShardBytes: 0 });
    expect(sharded.stored).toEqual([]);
    let passes = 0;
    const leaving: EStepRunner = {
      itemIds: sharded.itemIds,
      summary: () => sharded.summary(),
      expectations: async (params, quadrature) => {
        // After two passes the first processor stops: its shards are claimed and loaded by the other.
        if (++passes === 3) await workers[0]!.close();
        return sharded.expectations(params, quadrature);
      },
      diagnostics: (params, quadrature) => sharded.diagnostics(params, quadrature),
    };
    const result = await calibrateWithRunner(leaving, { acceleration: 'none', tolerance: 1e-6, maxCycles: 8 });
    await sharded.close?.();
    expect(passes).toBeGreaterThan(3);
    expect(sharded.stored).toEqual(['table', 'table', 'table', 'table']);
    // The second processor ends up holding every shard, those the first held loaded from the database.
    expect(caches[1]!.loads).toBe(shards);
    expect(caches[0]!.loads + caches[1]!.loads).toBeGreaterThanOrEqual(shards);

    const same = await calibrateWithRunner(shardsHere(data, shards), { acceleration: 'none', tolerance: 1e-6, maxCycles: 8 });
    const local = await calibrateWithRunner(createLocalRunner(data), { acceleration: 'none', tolerance: 1e-6, maxCycles: 8 });
    expect(result.iterations).toBe(same.iterations);
    let largest = 0;
    result.items.forEach((item, i) => {
      expect(item.a).toBe(same.items[i]!.a);
      expect(item.d).toBe(same.items[i]!.d);
      expect(item.infit).toBe(same.items[i]!.infit);
      largest = Math.max(largest, Math.abs(item.a - local.items[i]!.a), Math.abs(item.d - local.items[i]!.d));
    });
    // One pass over all the data adds the same terms in another order, which eight cycles of EM carry on
    // (the other db tests compare sharded and local runs to 1e-6 too).
    expect(largest).toBeLessThan(1e-6);
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
    await clearRunShards(db, runId);
  });
});

describe('shards handed over through Redis (decision 021, h49)', () => {
  it('a shard deleted from Redis mid-run is put back: the run completes with the same estimates, bit for bit; nothing in the table, nothing left in Redis', async () => {
    const sim = simulateCalibrationData(createRandom(31), { items: 80, persons: 12_000, design: { kind: 'random', perPerson: 12 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    let keys: string[] = [];
    let deleted = false;
    let gone = 0;
    // Processor 2 (fresh: it must load every shard) deletes every shard's key at its first job, after the parent
    // renewed them for the pass: its loads find them gone, the pass is run again with the shards put back.
    const { queue, waiter, caches, start } = await setup(3, (k, run) => async (job) => {
      if (k === 2 && !deleted) {
        deleted = true;
        expect(await redis.del(...keys)).toBe(shards);
      }
      try {
        return await run(job);
      } catch (error) {
        if (String(error).includes(SHARD_GONE)) gone++;
        throw error;
      }
    });
    const workers = [start(0), start(1)];
    const runId = await newRun();
    const sharded = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId, lease: randomUUID(), data, shards });
    keys = Array.from({ length: shards }, (_, k) => `${sharded.shardKey}:${k}`);
    let passes = 0;
    const replaced: EStepRunner = {
      itemIds: sharded.itemIds,
      summary: () => sharded.summary(),
      expectations: async (params, quadrature) => {
        // After two passes both processors stop and a fresh one takes every shard.
        if (++passes === 3) {
          await Promise.all(workers.map((w) => w.close()));
          workers.push(start(2));
        }
        return sharded.expectations(params, quadrature);
      },
      diagnostics: (params, quadrature) => sharded.diagnostics(params, quadrature),
    };
    const result = await calibrateWithRunner(replaced, { acceleration: 'none', tolerance: 1e-6, maxCycles: 8 });
    expect(sharded.stored).toEqual(['redis', 'redis', 'redis', 'redis']);
    expect(await db.calibrationShard.count({ where: { runId } })).toBe(0);
    expect(deleted).toBe(true);
    expect(gone).toBeGreaterThanOrEqual(1);
    expect(caches[2]!.loads).toBe(shards);
    expect(await redis.exists(...keys)).toBe(shards);
    await sharded.close?.();
    expect(await redis.exists(...keys)).toBe(0);

    const same = await calibrateWithRunner(shardsHere(data, shards), { acceleration: 'none', tolerance: 1e-6, maxCycles: 8 });
    expect(result.iterations).toBe(same.iterations);
    expect(result.logLik).toBe(same.logLik);
    result.items.forEach((item, i) => {
      expect(item.a).toBe(same.items[i]!.a);
      expect(item.d).toBe(same.items[i]!.d);
      expect(item.infit).toBe(same.items[i]!.infit);
      expect(item.outfit).toBe(same.items[i]!.outfit);
    });
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
  });

  it('shards above the cap go to the table, the others to Redis: the same estimates, bit for bit', async () => {
    const sim = simulateCalibrationData(createRandom(7), { items: 60, persons: 8_000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    const bounds = shardBoundaries(data, shards);
    const sizes = Array.from({ length: shards }, (_, k) => encodeShard(sliceRows(data, bounds[k]!, bounds[k + 1]!)).byteLength);
    const cap = [...sizes].sort((x, y) => x - y)[1]!;
    const { queue, waiter, caches, start } = await setup(2);
    const workers = [start(0), start(1)];
    const runId = await newRun();
    const sharded = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId, lease: randomUUID(), data, shards, redisShardBytes: cap });
    const result = await calibrateWithRunner(sharded, { acceleration: 'none', tolerance: 1e-6, maxCycles: 5 });
    expect(sharded.stored).toEqual(sizes.map((size) => (size <= cap ? 'redis' : 'table')));
    expect(await db.calibrationShard.count({ where: { runId } })).toBe(sizes.filter((size) => size > cap).length);
    await sharded.close?.();
    const same = await calibrateWithRunner(shardsHere(data, shards), { acceleration: 'none', tolerance: 1e-6, maxCycles: 5 });
    expect(result.iterations).toBe(same.iterations);
    result.items.forEach((item, i) => {
      expect(item.a).toBe(same.items[i]!.a);
      expect(item.d).toBe(same.items[i]!.d);
      expect(item.infit).toBe(same.items[i]!.infit);
    });
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
    await clearRunShards(db, runId);
  });
});

describe("the final pass's options and dropped passes (decision 021, h54)", () => {
  it('a final pass without scoreOuter leaves it out in the workers (every other sum the same bits); with louis-block, the same SEs bit for bit', async () => {
    const sim = simulateCalibrationData(createRandom(11), { items: 50, persons: 6_000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    const finalJobs: { scoreOuter?: false }[] = [];
    // Each final-pass job's result size, by shard: [with scoreOuter, without].
    const sizes = new Map<number, number[]>();
    const { queue, waiter, caches, start } = await setup(2, (_, run) => async (job) => {
      const { kind, scoreOuter } = (job as { data: { kind: string; scoreOuter?: false } }).data;
      if (kind === 'diagnostics') finalJobs.push(scoreOuter === undefined ? {} : { scoreOuter });
      const report = (await run(job)) as { shard: number; bytes: number };
      if (kind === 'diagnostics') sizes.set(report.shard, [...(sizes.get(report.shard) ?? []), report.bytes]);
      return report;
    });
    const workers = [start(0), start(1)];
    const runId = await newRun();
    const sharded = await createShardedRunner({ db, redis, queue, waiter, keyPrefix: prefix, runId, lease: randomUUID(), data, shards });
    const settings = { acceleration: 'none', tolerance: 1e-6, maxCycles: 5 } as const;
    // louis-block reads scoreOuter: the final pass's jobs form it, and the SEs are those of the same shards here.
    const louis = await calibrateWithRunner(sharded, { ...settings, standardErrors: 'louis-block' });
    expect(louis.standardErrors).toBe('louis-block');
    expect(finalJobs).toEqual(Array.from({ length: shards }, () => ({})));
    const here = await calibrateWithRunner(shardsHere(data, shards), { ...settings, standardErrors: 'louis-block' });
    louis.items.forEach((item, i) => {
      expect(item.se.a).not.toBeNull();
      expect(item.se.a).toBe(here.items[i]!.se.a);
      expect(item.se.d).toBe(here.items[i]!.se.d);
      expect(item.infit).toBe(here.items[i]!.infit);
    });
    // Without Louis blocks the parent does not ask for it: the jobs say so and the sums come back without it.
    finalJobs.length = 0;
    const none = await calibrateWithRunner(sharded, { ...settings, standardErrors: 'none' });
    expect(finalJobs).toEqual(Array.from({ length: shards }, () => ({ scoreOuter: false })));
    const hereNone = await calibrateWithRunner(shardsHere(data, shards), { ...settings, standardErrors: 'none' });
    none.items.forEach((item, i) => {
      expect(item.infit).toBe(hereNone.items[i]!.infit);
      expect(item.outfit).toBe(hereNone.items[i]!.outfit);
      expect(item.pointBiserial).toBe(hereNone.items[i]!.pointBiserial);
    });
    // One final pass each way at the same parameters: scoreOuter all 0 without it (the kernel did not form it; it
    // was not sent), every other sum the same bits.
    const params = { a: Float64Array.from(none.items, (item) => item.a), d: Float64Array.from(none.items, (item) => item.d) };
    const nodes = Float64Array.from({ length: 21 }, (_, k) => -5 + k / 2);
    const weights = nodes.map((x) => Math.exp((-x * x) / 2));
    const total = weights.reduce((x, y) => x + y, 0);
    const quadrature = { nodes, weights: weights.map((w) => w / total) };
    const withScore = await sharded.diagnostics(params, quadrature);
    const without = await sharded.diagnostics(params, quadrature, { scoreOuter: false });
    expect(withScore.scoreOuter.some((x) => x !== 0)).toBe(true);
    expect(without.scoreOuter).toHaveLength(withScore.scoreOuter.length);
    expect(without.scoreOuter.every((x) => x === 0)).toBe(true);
    for (const name of ['squaredResidual', 'variance', 'expectedSquaredResidual', 'sumW', 'sumY', 'sumT', 'sumTT', 'sumYT'] as const) {
      expect([...without[name]], name).toEqual([...withScore[name]]);
    }
    expect([...without.expectations.r]).toEqual([...withScore.expectations.r]);
    expect(without.expectations.logLik).toBe(withScore.expectations.logLik);
    // A pass ends once its sums are in, before its jobs' completion (h61): the runner's close waits for those.
    await sharded.close?.();
    // Each job's result is smaller by 3 Float64 an item without it (four final passes: louis-block, none, with, without).
    expect([...sizes.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [with1, without1, with2, without2] of sizes.values()) {
      expect(with1! - without1!).toBe(3 * 50 * 8);
      expect(with2! - without2!).toBe(3 * 50 * 8);
    }
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
  });

  it("a dropped pass's keys are gone after the run: a job still computing when the pass is dropped stores nothing", async () => {
    const sim = simulateCalibrationData(createRandom(13), { items: 50, persons: 6_000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    const { UnrecoverableError } = await import('bullmq');
    let runPrefix = '';
    let late: Promise<unknown> | null = null;
    const lateReports: { dropped?: true }[] = [];
    // Pass 3: processor 0's jobs fail as a job whose shard left Redis does; processor 1's job goes on computing until
    // the parent has dropped the pass (its parameters key deleted), then tries to store its sums.
    const { queue, waiter, caches, start } = await setup(2, (k, run) => async (job) => {
      const { pass, paramsKey } = (job as { data: { pass: number; paramsKey: string } }).data;
      if (pass !== 3) return run(job);
      if (k === 0) {
        // Once processor 1's job has claimed its shard (so that it holds the pass's parameters).
        const claims = `${prefix}:calibration-claims:${runPrefix}-3`;
        for (let waited = 0; waited < 10_000 && (await redis.hlen(claims)) === 0; waited += 5) await new Promise((r) => setTimeout(r, 5));
        throw new UnrecoverableError(`${SHARD_GONE}: shard of the test`);
      }
      hold = true;
      const going = (async () => {
        const report = (await run(job)) as { dropped?: true };
        lateReports.push(report);
        return report;
      })();
      late ??= going;
      return going;
    });
    // Processor 1's cache: the job of the dropped pass has its sums once the parent dropped the pass.
    let hold = false;
    const droppedParams = () => `${prefix}:calibration-params:${runPrefix}-3`;
    const slow = new ShardCache(1 << 30, 1);
    const compute = slow.compute.bind(slow);
    slow.compute = async (...args) => {
      const sums = await compute(...args);
      for (let waited = 0; hold && waited < 10_000 && (await redis.exists(droppedParams())) === 1; waited += 5) await new Promise((r) => setTimeout(r, 5));
      hold = false;
      return sums;
    };
    caches[1] = slow;
    const workers = [start(0), start(1)];
    const { sharded, passPrefix } = await runOverJobs(queue, waiter, data, shards);
    runPrefix = passPrefix;
    const result = await calibrateWithRunner(sharded, jobRunSettings);
    expect(late).not.toBeNull();
    await late;
    // The dropped pass (3) ran again as pass 4; its late job stored nothing.
    expect(lateReports.length).toBeGreaterThanOrEqual(1);
    expect(lateReports.every((r) => r.dropped === true)).toBe(true);
    // The pass's parameters, claims and results (its failed jobs stay in the queue's failed set, as any failed job).
    const left = await redis.keys(`${prefix}:calibration-*:${runPrefix}-3*`);
    expect(left.filter((key) => /:calibration-(params|claims|results):.*-3(-\d+)?$/.test(key))).toEqual([]);
    expect(left.filter((key) => /:calibration-results:.*-4-\d+$/.test(key))).toEqual([]);
    const same = await calibrateWithRunner(shardsHere(data, shards), jobRunSettings);
    expect(result.logLik).toBe(same.logLik);
    result.items.forEach((item, i) => {
      expect(item.a).toBe(same.items[i]!.a);
      expect(item.d).toBe(same.items[i]!.d);
    });
    await sharded.close?.();
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
  });
});

describe('results pushed to the pass list (decision 021, h61)', () => {
  it('a shard whose sums come twice (a job run again after it pushed them) and jobs of a worker that stores them at its key: the same bits, no key left', async () => {
    const sim = simulateCalibrationData(createRandom(17), { items: 40, persons: 5_000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sim.data).data;
    const shards = 4;
    let runPrefix = '';
    const pushedTwice: number[] = [];
    const oldForm: number[] = [];
    // Pass 2: processor 0 runs each of its jobs twice (its claim gives the same shard back: the sums pushed again).
    // Pass 3: every job as a worker of before h61 does it (no results list in its data: its sums at its job's key).
    const { queue, waiter, caches, start } = await setup(2, (k, run) => async (job) => {
      const data = (job as { data: { pass: number; resultsKey?: string } }).data;
      if (data.pass === 2 && k === 0) {
        await run(job);
        const again = (await run(job)) as { shard: number };
        pushedTwice.push(again.shard);
        return again;
      }
      if (data.pass === 3) {
        delete data.resultsKey;
        const report = (await run(job)) as { shard: number };
        oldForm.push(report.shard);
        return report;
      }
      return run(job);
    });
    const workers = [start(0), start(1)];
    const { sharded, passPrefix } = await runOverJobs(queue, waiter, data, shards);
    runPrefix = passPrefix;
    const result = await calibrateWithRunner(sharded, jobRunSettings);
    await sharded.close?.();
    expect(pushedTwice.length).toBeGreaterThanOrEqual(1);
    expect([...oldForm].sort()).toEqual([0, 1, 2, 3]);
    const same = await calibrateWithRunner(shardsHere(data, shards), jobRunSettings);
    expect(result.logLik).toBe(same.logLik);
    result.items.forEach((item, i) => {
      expect(item.a).toBe(same.items[i]!.a);
      expect(item.d).toBe(same.items[i]!.d);
      expect(item.infit).toBe(same.items[i]!.infit);
    });
    // Every pass's parameters, claims, results list and marks deleted (the duplicate too).
    expect(await redis.keys(`${prefix}:calibration-*:${runPrefix}-*`)).toEqual([]);
    await Promise.all(workers.map((w) => w.close()));
    for (const cache of caches) cache.clear();
  });
});

/**
 * Shards built by the worker processes from their own snapshot of the answers (decision 021, h37), against
 * real PostgreSQL and Redis: a person range built from a snapshot is, bit for bit, those rows of the run's
 * matrix; a run whose workers build its shards (each from a snapshot folder of its own, as on another
 * machine) gives the estimates of the run whose parent writes them — the patterns then collapse within each
 * shard, so the sums are added in another grouping: equal to 1e-12 relative for one E-step, to 1e-9 for the
 * estimates of a run converged to 1e-10 — and the same bits with one processor or two, one of them leaving
 * after it built its shards (the other builds them again from its own snapshot).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateWithRunner, collapsePatterns, sliceRows, type CalibrationResult, type ResponseData } from '../engine/calibration';
import { gridNodes, normalWeights } from '../engine/irt';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { shardQueues } from '../tests/setup/shard-queues';
import { insertAnswers, makeAssessments, makeCalibrationFixture, makeUsers, type CalibrationFixture } from '../tests/setup/calibration-fixtures';
import { liveChallenges, withPgClient, type LiveChallenge } from '../app/models/calibration-data.server';
import {
  buildPersonRange,
  forgetKeptSnapshot,
  readCalibrationDataFromSnapshot,
  snapshotUpTo,
  type PipelineRead,
} from '../app/models/calibration-snapshot.server';

const { Queue, QueueEvents, Worker, QUEUES, connection, prefix, redis, closers, closeAll } = await shardQueues('source');
const { clearRunShards } = await import('../app/models/calibration-run.server');
const { ShardCache, ShardWaiter, createShardedRunner, shardProcessor, shardSource, snapshotShardBuilder } = await import('./calibration-shards');
const db = testDb();
const url = testDatabaseUrl();
const dir = join(process.cwd(), '.data', 'test-shard-source', randomUUID());
let fixture: CalibrationFixture;
let live: LiveChallenge[];
let pipeline: PipelineRead;

beforeAll(async () => {
  // Few items, three answers each: the same patterns again and again (the collapse matters).
  fixture = await makeCalibrationFixture(db, { items: 8, learners: 2400, perPerson: 3, seed: 11 });
  live = await liveChallenges(db, [fixture.competence.id]);
  // Data rules at work in the ranges too: a staff user's answers, a duplicate answer (a campaign joining a positioning).
  const [author] = await makeUsers(db, 1, { roles: ['AUTHOR'] });
  const [learner] = await makeUsers(db, 1);
  const [staffRun, positioning, campaign] = await makeAssessments(db, [
    { userId: author!, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId },
    { userId: learner!, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId },
    { userId: learner!, competenceId: null, type: 'CAMPAIGN', releaseId: fixture.releaseId },
  ]);
  const [c0, c1] = fixture.challenges;
  await insertAnswers(db, [
    { assessmentId: staffRun!, challengeId: c0!.id, versionId: c0!.versionId, result: 'ok' },
    { assessmentId: positioning!, challengeId: c0!.id, versionId: c0!.versionId, result: 'ok' },
    { assessmentId: positioning!, challengeId: c1!.id, versionId: c1!.versionId, result: 'ko' },
    { assessmentId: campaign!, challengeId: c0!.id, versionId: c0!.versionId, result: 'ko' },
  ]);
  pipeline = await withPgClient(url, (client) => readCalibrationDataFromSnapshot(client, live, { snapshotDir: join(dir, 'parent') }));
});

afterAll(async () => {
  await closeAll();
  forgetKeptSnapshot();
  rmSync(dir, { recursive: true, force: true });
});

function expectSameRows(actual: ResponseData, expected: ResponseData) {
  expect(actual.itemIds).toEqual(expected.itemIds);
  expect(Array.from(actual.rowStart)).toEqual(Array.from(expected.rowStart));
  expect(Array.from(actual.items)).toEqual(Array.from(expected.items));
  expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
  expect(actual.weights).toEqual(expected.weights);
}

describe('a person range built from a snapshot', () => {
  it('is those rows of the run’s matrix, bit for bit, with the data rules of the run', async () => {
    const { read, rules } = pipeline;
    expect(read.counts.excluded.staff).toBeGreaterThan(0);
    expect(read.counts.excluded.duplicate).toBeGreaterThan(0);
    // Another process's snapshot, from its own folder (a new one: every answer streamed from PostgreSQL).
    forgetKeptSnapshot();
    const snapshot = await withPgClient(url, (client) => snapshotUpTo(client, read.maxAnswerId, { snapshotDir: join(dir, 'other') }));
    const persons = read.data.rowStart.length - 1;
    for (const [from, to] of [
      [0, persons],
      [0, 1],
      [17, 1000],
      [1000, persons],
      [persons, persons],
    ] as const) {
      const range = buildPersonRange(snapshot, live, read.maxAnswerId, rules, from, to);
      expect(range.persons).toBe(persons);
      expectSameRows(range.data, sliceRows(read.data, from, to));
    }
  });
});

/** Two processors (two worker processes), each building shards from a snapshot folder of its own. */
async function shardWorkers(count: number) {
  const queue = new Queue(QUEUES.calibrationShards, { connection, prefix });
  const events = new QueueEvents(QUEUES.calibrationShards, { connection, prefix });
  await events.waitUntilReady();
  const waiter = new ShardWaiter(queue, events, redis, 5);
  const caches = Array.from({ length: count }, () => new ShardCache(1 << 30, 1));
  const builds: number[][] = caches.map(() => []);
  const workers = caches.map((cache, k) => {
    const build = snapshotShardBuilder(url, join(dir, `worker-${k}`));
    const worker = new Worker(
      QUEUES.calibrationShards,
      shardProcessor(db, redis, cache, (source, index) => {
        builds[k]!.push(index);
        return build(source, index);
      }),
      { connection, prefix, concurrency: 1 },
    );
    return worker;
  });
  const close = async () => {
    for (const w of workers) await w.close().catch(() => undefined);
    waiter.close();
    await Promise.all([queue.close(), events.close()]);
    for (const cache of caches) cache.clear();
  };
  closers.push(close);
  return { queue, waiter, workers, caches, builds, close };
}

const settings = { acceleration: 'none' as const, tolerance: 1e-10, maxCycles: 500 };

async function newRun(): Promise<string> {
  return (await db.calibrationRun.create({ data: { model: '2pl', settings: { test: 'shard-source' }, status: 'RUNNING' } })).id;
}

describe('a run whose workers build its shards', () => {
  it('gives the parent-written shards’ estimates to 1e-9, the same bits with one processor or two, one leaving after its builds', async () => {
    const { read, rules } = pipeline;
    const collapsed = collapsePatterns(read.data).data;
    const shards = 3;
    const source = shardSource(read, live, rules, shards);
    expect(source.bounds).toHaveLength(shards + 1);

    // The parent writes the shards (slices of the collapse over every person).
    const pool = await shardWorkers(2);
    const runA = await newRun();
    const parentWritten = await createShardedRunner({ ...pool, db, redis, keyPrefix: prefix, runId: runA, lease: randomUUID(), data: collapsed, shards });
    const nodes = gridNodes(-6, 6, 61);
    const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
    const params = { a: Float64Array.from(collapsed.itemIds, (_, i) => 0.8 + 0.05 * i), d: Float64Array.from(collapsed.itemIds, (_, i) => -1 + 0.3 * i) };
    const sumsA = await parentWritten.expectations(params, quadrature);
    const resultA = await calibrateWithRunner(parentWritten, settings);
    await parentWritten.close?.();
    expect(pool.builds.flat()).toEqual([]);

    // The workers build them (nothing written); the first processor leaves after the first pass.
    const runB = await newRun();
    const leaseB = randomUUID();
    const built = await createShardedRunner({ ...pool, db, redis, keyPrefix: prefix, runId: runB, lease: leaseB, data: collapsed, shards, source });
    expect(await db.calibrationShard.count({ where: { runId: runB } })).toBe(0);
    const sumsB = await built.expectations(params, quadrature);
    const firstBuilds = pool.builds.map((b) => b.length);
    expect(firstBuilds[0]! + firstBuilds[1]!).toBe(shards);
    await pool.workers[0]!.close();
    const resultB = await calibrateWithRunner(built, settings);
    await built.close?.();
    // The second processor built the shards the first held, from its own snapshot.
    expect([...new Set(pool.builds[1])].sort()).toEqual([0, 1, 2]);
    expect(pool.builds[1]!.length).toBe(firstBuilds[1]! + firstBuilds[0]!);
    // The source is gone with the run.
    expect(await redis.exists(`${prefix}:calibration-source:${runB}-${leaseB}`)).toBe(0);
    await pool.close();

    // One E-step: the same sums to rounding (the patterns grouped per shard instead of over every person).
    const relative = (x: Float64Array, y: Float64Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number)) / Math.max(1, Math.abs(v))), 0);
    expect(relative(sumsB.r, sumsA.r)).toBeLessThan(1e-12);
    expect(relative(sumsB.n, sumsA.n)).toBeLessThan(1e-12);
    expect(Math.abs(sumsB.logLik - sumsA.logLik) / Math.abs(sumsA.logLik)).toBeLessThan(1e-12);
    expect(resultA.converged).toBe(true);
    expect(resultB.converged).toBe(true);
    const largest = maxDifference(resultA, resultB);
    expect(largest).toBeLessThan(1e-9);

    // One processor alone: the same bits as two.
    const alone = await shardWorkers(1);
    const runC = await newRun();
    const one = await createShardedRunner({ ...alone, db, redis, keyPrefix: prefix, runId: runC, lease: randomUUID(), data: collapsed, shards, source });
    await one.expectations(params, quadrature);
    const resultC = await calibrateWithRunner(one, settings);
    await one.close?.();
    await alone.close();
    expect(resultC.iterations).toBe(resultB.iterations);
    expect(maxDifference(resultB, resultC)).toBe(0);
    resultB.items.forEach((item, i) => expect(item.infit).toBe(resultC.items[i]!.infit));
    for (const run of [runA, runB, runC]) await clearRunShards(db, run);
  });

  it('fails a job whose worker builds other data than the run’s (a changed bound, a lagging replica)', async () => {
    const { read, rules } = pipeline;
    const source = { ...shardSource(read, live, rules, 2), persons: read.data.rowStart.length };
    const build = snapshotShardBuilder(url, join(dir, 'parent'));
    await expect(build(source, 0)).rejects.toThrow(/persons/);
    await expect(build(source, 5)).rejects.toThrow(/no shard 5/);
  });
});

function maxDifference(x: CalibrationResult, y: CalibrationResult): number {
  let largest = 0;
  x.items.forEach((item, i) => {
    largest = Math.max(largest, Math.abs(item.a - y.items[i]!.a), Math.abs(item.d - y.items[i]!.d));
  });
  return largest;
}

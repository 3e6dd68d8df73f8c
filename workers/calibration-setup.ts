/**
 * Registers the calibration queues in a worker process: the run worker (runs and their triggers), the
 * shard worker (parts of a large run's E-step, for any run of any process), the job schedulers
 * (weekly run, new-answers check) and the watchdog.
 *
 * Settings by environment (mostly for tests): CALIBRATION_LOCK_MS (default 60000),
 * CALIBRATION_STALLED_MS (default 30000), CALIBRATION_MAX_STALLED (default 2: a run whose worker
 * died is taken up again twice, then fails), CALIBRATION_WATCHDOG_MS (default 60000),
 * CALIBRATION_SCHEDULE (cron, default Mondays 03:00 Paris; "off" disables it),
 * CALIBRATION_CHECK_EVERY_MS (default 15 minutes; 0 disables the new-answers check).
 */
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { PrismaClient } from '../prisma/client';
import { jobIdOfRun } from '../app/models/calibration.server';
import {
  CALIBRATE,
  CHECK_NEW_ANSWERS,
  SCHEDULED_CALIBRATION,
  calibrationProcessor,
  describeJobFailure,
  reconcileCalibrationRuns,
  type CalibrationContext,
} from './calibration';
import { ShardCache, ShardWaiter, shardProcessor } from './calibration-shards';
import { QUEUES } from './connection';

const numberFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && process.env[name] !== '' && process.env[name] !== undefined ? value : fallback;
};

import { CALIBRATE_JOB_OPTIONS } from './calibration-jobs';

export { CALIBRATE_JOB_OPTIONS };

export async function startCalibrationWorkers(options: {
  db: PrismaClient;
  databaseUrl: string;
  connection: ConnectionOptions;
  prefix: string;
  log: (line: string) => void;
}) {
  const { db, databaseUrl, connection, prefix, log } = options;
  const calibrationQueue = new Queue(QUEUES.calibration, { connection, prefix });
  const shardQueue = new Queue(QUEUES.calibrationShards, { connection, prefix });
  const shardEvents = new QueueEvents(QUEUES.calibrationShards, { connection, prefix });
  const redis = new Redis(connection as never);
  calibrationQueue.on('error', () => undefined);
  shardQueue.on('error', () => undefined);
  shardEvents.on('error', () => undefined);
  redis.on('error', () => undefined);
  await shardEvents.waitUntilReady();
  const waiter = new ShardWaiter(shardQueue, shardEvents, redis);

  const enqueue = async (runId: string) => {
    const job = await calibrationQueue.add(CALIBRATE, { runId }, { jobId: jobIdOfRun(runId), ...CALIBRATE_JOB_OPTIONS });
    return job.id as string;
  };
  const ctx: CalibrationContext = {
    db,
    databaseUrl,
    log,
    enqueue,
    sharding: { queue: shardQueue, waiter, redis, keyPrefix: prefix, workers: () => shardQueue.getWorkersCount() },
  };

  const schedule = process.env.CALIBRATION_SCHEDULE ?? '0 3 * * 1';
  const checkEvery = numberFromEnv('CALIBRATION_CHECK_EVERY_MS', 15 * 60_000);
  const upsertSchedulers = async () => {
    if (schedule !== 'off') {
      await calibrationQueue.upsertJobScheduler('weekly-calibration', { pattern: schedule, tz: 'Europe/Paris' }, { name: SCHEDULED_CALIBRATION, opts: CALIBRATE_JOB_OPTIONS });
    } else await calibrationQueue.removeJobScheduler('weekly-calibration');
    if (checkEvery > 0) {
      await calibrationQueue.upsertJobScheduler('new-answers-check', { every: checkEvery }, { name: CHECK_NEW_ANSWERS, opts: CALIBRATE_JOB_OPTIONS });
    } else await calibrationQueue.removeJobScheduler('new-answers-check');
  };
  await upsertSchedulers();

  const runWorker = new Worker(QUEUES.calibration, calibrationProcessor(ctx), {
    connection,
    prefix,
    // A long run must not hold up the triggers' quick checks.
    concurrency: 2,
    lockDuration: numberFromEnv('CALIBRATION_LOCK_MS', 60_000),
    stalledInterval: numberFromEnv('CALIBRATION_STALLED_MS', 30_000),
    maxStalledCount: numberFromEnv('CALIBRATION_MAX_STALLED', 2),
  });
  const cache = new ShardCache();
  const shardWorker = new Worker(QUEUES.calibrationShards, shardProcessor(db, redis, cache), {
    connection,
    prefix,
    // The E-step is CPU-bound: one shard at a time per process; run one process per core.
    concurrency: 1,
    lockDuration: numberFromEnv('CALIBRATION_LOCK_MS', 60_000),
    stalledInterval: numberFromEnv('CALIBRATION_STALLED_MS', 30_000),
    maxStalledCount: 2,
  });
  runWorker.on('stalled', (jobId) => log(`[calibration] le travail ${jobId} a perdu son worker : il est repris.`));
  runWorker.on('failed', (job, error) => {
    if (job?.name !== CALIBRATE) return;
    const runId = (job.data as { runId?: string }).runId;
    if (!runId) return;
    // The processor marks the run itself; this catches what it could not. A "missing lock" failure of
    // an attempt whose job another worker took over is not the end of the job: check its state.
    void job
      .getState()
      .then((state) =>
        state === 'failed'
          ? db.calibrationRun.updateMany({
              where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
              data: { status: 'FAILED', error: describeJobFailure(error.message), finishedAt: new Date() },
            })
          : null,
      )
      .catch(() => undefined);
  });

  const watchdogMs = numberFromEnv('CALIBRATION_WATCHDOG_MS', 60_000);
  let watching = false;
  const watchdog = async () => {
    if (watching) return;
    watching = true;
    try {
      const { requeued, failed } = await reconcileCalibrationRuns(ctx, calibrationQueue);
      if (requeued.length) log(`[calibration] travaux perdus remis en file : ${requeued.join(', ')}`);
      if (failed.length) log(`[calibration] calibrations marquées en échec : ${failed.join(', ')}`);
      // After a Redis restart without persistence the schedulers are gone too.
      await upsertSchedulers();
    } catch {
      // Redis or the database unreachable: next time.
    } finally {
      watching = false;
    }
  };
  void watchdog();
  const timer = setInterval(() => void watchdog(), watchdogMs);

  return {
    workers: [runWorker, shardWorker] as Worker[],
    close: async () => {
      clearInterval(timer);
      waiter.close();
      await Promise.all([runWorker.close(), shardWorker.close()]);
      await Promise.all([calibrationQueue.close(), shardQueue.close(), shardEvents.close()]);
      redis.disconnect();
    },
  };
}

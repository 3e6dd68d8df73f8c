/**
 * Registers the calibration queues in a worker process: the run worker (runs and their triggers), the
 * shard worker (parts of a large run's E-step, for any run of any process), the job schedulers
 * (weekly run, new-answers check) and the watchdog.
 *
 * Settings from the environment (app/lib/env.server.ts): CALIBRATION_LOCK_MS, CALIBRATION_STALLED_MS,
 * CALIBRATION_MAX_STALLED (a run whose worker died is taken up again that many times, then fails),
 * CALIBRATION_WATCHDOG_MS, CALIBRATION_SCHEDULE (cron, default Mondays 03:00 Paris; "off" disables it),
 * CALIBRATION_CHECK_EVERY_MS (default 15 minutes; 0 disables the new-answers check).
 */
import type { Db } from '../app/lib/db.server';
import { env } from '../app/lib/env.server';
import {
  CALIBRATE,
  CALIBRATE_JOB_OPTIONS,
  CHECK_NEW_ANSWERS,
  QUEUES,
  SCHEDULED_CALIBRATION,
  jobIdOfRun,
  openQueue,
  openQueueEvents,
  openRedis,
  queuePrefix,
  redisConnection,
  startWorker,
} from '../app/lib/queues.server';
import { failRunOfFailedJob } from '../app/models/calibration-run.server';
import { calibrationProcessor, describeJobFailure, reconcileCalibrationRuns, type CalibrationContext } from './calibration';
import { ShardCache, ShardWaiter, shardProcessor, snapshotShardBuilder, workerMachines } from './calibration-shards';

export async function startCalibrationWorkers(options: {
  db: Db;
  databaseUrl: string;
  log: (line: string) => void;
  /** See CalibrationContext.atCheckpoint. */
  atCheckpoint?: () => Promise<void>;
}) {
  const { db, databaseUrl, log } = options;
  const settings = env();
  const connection = redisConnection();
  const prefix = queuePrefix();
  const calibrationQueue = openQueue(QUEUES.calibration, connection);
  const shardQueue = openQueue(QUEUES.calibrationShards, connection);
  const shardEvents = openQueueEvents(QUEUES.calibrationShards, connection);
  const redis = openRedis(connection);
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
    atCheckpoint: options.atCheckpoint,
    sharding: { queue: shardQueue, waiter, redis, keyPrefix: prefix, workers: () => shardQueue.getWorkersCount(), machines: () => workerMachines(shardQueue) },
  };

  const schedule = settings.CALIBRATION_SCHEDULE;
  const checkEvery = settings.CALIBRATION_CHECK_EVERY_MS;
  const upsertSchedulers = async () => {
    if (schedule !== 'off') {
      await calibrationQueue.upsertJobScheduler(
        'weekly-calibration',
        { pattern: schedule, tz: 'Europe/Paris' },
        { name: SCHEDULED_CALIBRATION, opts: CALIBRATE_JOB_OPTIONS },
      );
    } else await calibrationQueue.removeJobScheduler('weekly-calibration');
    if (checkEvery > 0) {
      await calibrationQueue.upsertJobScheduler('new-answers-check', { every: checkEvery }, { name: CHECK_NEW_ANSWERS, opts: CALIBRATE_JOB_OPTIONS });
    } else await calibrationQueue.removeJobScheduler('new-answers-check');
  };
  await upsertSchedulers();

  const runWorker = startWorker(QUEUES.calibration, calibrationProcessor(ctx), {
    connection,
    // A long run must not hold up the triggers' quick checks.
    concurrency: 2,
    lockDuration: settings.CALIBRATION_LOCK_MS,
    stalledInterval: settings.CALIBRATION_STALLED_MS,
    maxStalledCount: settings.CALIBRATION_MAX_STALLED,
  });
  const cache = new ShardCache();
  const shardWorker = startWorker(
    QUEUES.calibrationShards,
    shardProcessor(db, redis, cache, snapshotShardBuilder(env().CALIBRATION_READ_DATABASE_URL ?? databaseUrl)),
    {
      connection,
      // The E-step is CPU-bound: one shard at a time per process; run one process per core.
      concurrency: 1,
      lockDuration: settings.CALIBRATION_LOCK_MS,
      stalledInterval: settings.CALIBRATION_STALLED_MS,
      maxStalledCount: 2,
    },
  );
  runWorker.on('stalled', (jobId) => log(`[calibration] le travail ${jobId} a perdu son worker : il est repris.`));
  runWorker.on('failed', (job, error) => {
    if (job?.name !== CALIBRATE) return;
    const runId = (job.data as { runId?: string }).runId;
    if (!runId) return;
    // The processor marks the run itself; this catches what it could not. A "missing lock" failure of
    // an attempt whose job another worker took over is not the end of the job: check its state.
    void job
      .getState()
      .then((state) => (state === 'failed' ? failRunOfFailedJob(db, runId, describeJobFailure(error.message)) : null))
      .catch(() => undefined);
  });

  const watchdogMs = settings.CALIBRATION_WATCHDOG_MS;
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
    workers: [runWorker, shardWorker],
    close: async () => {
      clearInterval(timer);
      waiter.close();
      await Promise.all([runWorker.close(), shardWorker.close()]);
      cache.clear();
      await Promise.all([calibrationQueue.close(), shardQueue.close(), shardEvents.close()]);
      redis.disconnect();
    },
  };
}

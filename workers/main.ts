/**
 * The background workers, started on their own (`npm run workers`, one per machine on a shared Redis)
 * or by `npm start` for a single-machine install.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import { createDb } from '../app/lib/db.server';
import { env } from '../app/lib/env.server';
import { CHECK_TUTORIAL_LINKS, NIGHTLY_RELEASE, PURGE_SESSIONS, QUEUES, openQueue, redisConnection, startWorker } from '../app/lib/queues.server';
import { maintenanceProcessor } from './maintenance';
import { tutorialLinksProcessor } from './tutorial-links';
import { releasesProcessor } from './releases';
import { startCalibrationWorkers } from './calibration-setup';
import { campaignResultsProcessor } from './campaign-results';

export interface WorkersOptions {
  /** See CalibrationContext.atCheckpoint. */
  atCalibrationCheckpoint?: () => Promise<void>;
}

export async function startWorkers(databaseUrl: string, log: (line: string) => void = console.log, options: WorkersOptions = {}) {
  const db = createDb(databaseUrl);
  const connection = redisConnection();
  const maintenanceQueue = openQueue(QUEUES.maintenance, connection);
  await maintenanceQueue.upsertJobScheduler('hourly-purge', { every: 3_600_000 }, { name: PURGE_SESSIONS });
  const tutorialLinksQueue = openQueue(QUEUES.tutorialLinks, connection);
  // Every tutorial link, every night (Paris time), while few people are editing.
  await tutorialLinksQueue.upsertJobScheduler('daily-link-check', { pattern: '0 4 * * *', tz: 'Europe/Paris' }, { name: CHECK_TUTORIAL_LINKS, data: {} });
  const releasesQueue = openQueue(QUEUES.releases, connection);
  // A release of live content every night (Paris time) when something changed since the latest one.
  await releasesQueue.upsertJobScheduler('nightly-release', { pattern: '30 2 * * *', tz: 'Europe/Paris' }, { name: NIGHTLY_RELEASE, data: {} });
  const workers: Worker[] = [
    startWorker(QUEUES.maintenance, maintenanceProcessor(db), { connection, concurrency: 1 }),
    startWorker(QUEUES.tutorialLinks, tutorialLinksProcessor(db), { connection, concurrency: 1 }),
    startWorker(QUEUES.releases, releasesProcessor(db, log), { connection, concurrency: 1 }),
    startWorker(QUEUES.campaignResults, campaignResultsProcessor(db), { connection, concurrency: 2 }),
  ];
  const calibration = await startCalibrationWorkers({ db, databaseUrl, log, atCheckpoint: options.atCalibrationCheckpoint });
  workers.push(...calibration.workers);
  for (const worker of workers) {
    worker.on('failed', (job, error) => log(`[workers] ${worker.name}/${job?.name ?? '?'} a échoué : ${error.message}`));
    worker.on('error', (error) => log(`[workers] ${worker.name} : ${error.message}`));
  }
  log(`Workers prêts (files : ${workers.map((w) => w.name).join(', ')}).`);
  return {
    close: async () => {
      await calibration.close();
      await Promise.all(workers.map((w) => w.close()));
      await maintenanceQueue.close();
      await tutorialLinksQueue.close();
      await releasesQueue.close();
      await db.$disconnect();
    },
  };
}

/**
 * A worker process: checks Redis, opens the database (DATABASE_URL, else the embedded one, started
 * when it is not running), starts the workers and stops them on SIGINT or SIGTERM.
 */
export async function runWorkersProcess(options: WorkersOptions = {}) {
  const { openDatabase, runningEmbeddedUrl } = await import('../scripts/database');
  const { pingRedis } = await import('../scripts/redis');
  const settings = env();
  const redisUrl = settings.REDIS_URL;
  if (!(await pingRedis(redisUrl))) {
    console.error(`Aucun Redis ne répond à ${redisUrl} : les workers ont besoin de Redis (donnez REDIS_URL, ou installez redis-server).`);
    process.exit(1);
  }
  const existing = settings.DATABASE_URL ? null : runningEmbeddedUrl();
  const database = existing ? { url: existing, stop: async () => undefined } : await openDatabase();
  const workers = await startWorkers(database.url, console.log, options);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await workers.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runWorkersProcess().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

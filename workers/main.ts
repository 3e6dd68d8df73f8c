/**
 * The background workers, started on their own (`npm run workers`, one per machine on a shared Redis)
 * or by `npm start` for a single-machine install.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { createPrisma } from '../prisma/client';
import { QUEUES, QUEUE_PREFIX, redisConnection } from './connection';
import { PURGE_SESSIONS, maintenanceProcessor } from './maintenance';
import { CHECK_TUTORIAL_LINKS, tutorialLinksProcessor } from './tutorial-links';
import { NIGHTLY_RELEASE, releasesProcessor } from './releases';
import { startCalibrationWorkers } from './calibration-setup';
import { CAMPAIGN_RESULTS_QUEUE, campaignResultsProcessor } from './campaign-results';

export async function startWorkers(databaseUrl: string, log: (line: string) => void = console.log) {
  const db = createPrisma(databaseUrl);
  const connection = redisConnection();
  const maintenanceQueue = new Queue(QUEUES.maintenance, { connection, prefix: QUEUE_PREFIX });
  await maintenanceQueue.upsertJobScheduler('hourly-purge', { every: 3_600_000 }, { name: PURGE_SESSIONS });
  const tutorialLinksQueue = new Queue(QUEUES.tutorialLinks, { connection, prefix: QUEUE_PREFIX });
  // Every tutorial link, every night (Paris time), while few people are editing.
  await tutorialLinksQueue.upsertJobScheduler('daily-link-check', { pattern: '0 4 * * *', tz: 'Europe/Paris' }, { name: CHECK_TUTORIAL_LINKS, data: {} });
  const releasesQueue = new Queue(QUEUES.releases, { connection, prefix: QUEUE_PREFIX });
  // A release of live content every night (Paris time) when something changed since the latest one.
  await releasesQueue.upsertJobScheduler('nightly-release', { pattern: '30 2 * * *', tz: 'Europe/Paris' }, { name: NIGHTLY_RELEASE, data: {} });
  const workers: Worker[] = [
    new Worker(QUEUES.maintenance, maintenanceProcessor(db), { connection, prefix: QUEUE_PREFIX, concurrency: 1 }),
    new Worker(QUEUES.tutorialLinks, tutorialLinksProcessor(db), { connection, prefix: QUEUE_PREFIX, concurrency: 1 }),
    new Worker(QUEUES.releases, releasesProcessor(db, log), { connection, prefix: QUEUE_PREFIX, concurrency: 1 }),
    new Worker(CAMPAIGN_RESULTS_QUEUE, campaignResultsProcessor(db), { connection, prefix: QUEUE_PREFIX, concurrency: 2 }),
  ];
  const calibration = await startCalibrationWorkers({ db, databaseUrl, connection, prefix: QUEUE_PREFIX, log });
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

async function main() {
  const { openDatabase, runningEmbeddedUrl } = await import('../scripts/database');
  const { pingRedis } = await import('../scripts/redis');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await pingRedis(redisUrl))) {
    console.error(`Aucun Redis ne répond à ${redisUrl} : les workers ont besoin de Redis (donnez REDIS_URL, ou installez redis-server).`);
    process.exit(1);
  }
  const existing = process.env.DATABASE_URL ? null : runningEmbeddedUrl();
  const database = existing ? { url: existing, stop: async () => undefined } : await openDatabase();
  const workers = await startWorkers(database.url);
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
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

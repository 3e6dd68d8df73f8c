/**
 * The queue contract between the web app and the workers (docs/decisions/014-layers.md): queue names,
 * job names, payload types and options, the Redis connection and prefix (from env.server.ts), and the
 * functions that add jobs. The web app adds jobs through this module; the workers open their queues,
 * workers and Redis connections through it and import the names and payloads from here. Nothing under
 * app/ imports workers/, and the workers import no queue settings of their own.
 *
 * Without Redis the workbench keeps serving pages: an action that needs a queue gets a
 * QueueUnavailableError to show instead of hanging.
 */
import crypto from 'node:crypto';
import { Queue, QueueEvents, Worker, type ConnectionOptions, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { env } from './env.server';

// ── Connection ──────────────────────────────────────────────────────────────────────────────

/** BullMQ connection options from REDIS_URL (ioredis underneath). */
export function redisConnection(url = env().REDIS_URL): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

/** Every queue key is prefixed (QUEUE_PREFIX) so that several installations (or test runs) can share one Redis. */
export function queuePrefix(): string {
  return env().QUEUE_PREFIX;
}

// ── Queues and their jobs ───────────────────────────────────────────────────────────────────

export const QUEUES = {
  maintenance: 'maintenance',
  tutorialLinks: 'tutorial-links',
  /** The nightly release of live content. */
  releases: 'releases',
  /** Calibration runs and their triggers (schedule, new answers). */
  calibration: 'calibration',
  /**
   * Shards of a large calibration's E-step, taken by any worker process. Added and taken by the
   * calibration workers only: its jobs are described in workers/calibration-shards.ts.
   */
  calibrationShards: 'calibration-shards',
  /** Campaign results and aggregates kept up to date. */
  campaignResults: 'campaign-results',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** `maintenance`: expired sign-in sessions and old sign-in attempts removed (hourly). */
export const PURGE_SESSIONS = 'purge-sessions';

/** `tutorial-links`: the links of some tutorials, or of all, checked (daily, and on demand). */
export const CHECK_TUTORIAL_LINKS = 'check-tutorial-links';
export interface CheckLinksJobData {
  /** Only these tutorials; every tutorial when absent. */
  tutorialIds?: string[];
}

/** `tutorial-links`: the web addresses of a challenge (links, embedded page, images) checked (when its status page asks). */
export const CHECK_CHALLENGE_LINKS = 'check-challenge-links';
export interface CheckChallengeLinksJobData {
  urls: string[];
}

/** `releases`: a release of live content when something changed since the latest one (nightly). */
export const NIGHTLY_RELEASE = 'nightly-release';

/** `calibration`: one run, written as QUEUED beforehand. */
export const CALIBRATE = 'calibrate';
export interface CalibrateJobData {
  runId: string;
}
/** `calibration`: a run when enough new answers arrived (every CALIBRATION_CHECK_EVERY_MS). */
export const CHECK_NEW_ANSWERS = 'check-new-answers';
/** `calibration`: the weekly run (CALIBRATION_SCHEDULE). */
export const SCHEDULED_CALIBRATION = 'scheduled-calibration';
/** Options of every calibration job (one attempt: an error in a run is not cured by retrying it). */
export const CALIBRATE_JOB_OPTIONS = { attempts: 1, removeOnComplete: { count: 500 }, removeOnFail: { count: 500 } } as const;

/** The job id of a run's CALIBRATE job (one job per run). */
export function jobIdOfRun(runId: string): string {
  return `calibration-${runId}`;
}

/** `campaign-results`: a participation's result row, then its campaign's aggregate. */
export const REFRESH_PARTICIPATION = 'refresh-participation';
/** `campaign-results`: a campaign's aggregate. */
export const REFRESH_AGGREGATE = 'refresh-aggregate';
export type CampaignResultsJob = { participationId: string; force?: boolean } | { campaignId: string };

// ── For the workers ─────────────────────────────────────────────────────────────────────────

/** A queue on this installation's Redis and prefix (for job schedulers, watchdogs and shard jobs). */
export function openQueue(name: QueueName, connection = redisConnection()): Queue {
  return new Queue(name, { connection, prefix: queuePrefix() });
}

/** The completion events of a queue. */
export function openQueueEvents(name: QueueName, connection = redisConnection()): QueueEvents {
  return new QueueEvents(name, { connection, prefix: queuePrefix() });
}

/** A worker taking the jobs of `name`. */
export function startWorker<Data, Result>(
  name: QueueName,
  processor: Processor<Data, Result>,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> & { connection?: ConnectionOptions } = {},
): Worker<Data, Result> {
  const { connection = redisConnection(), ...rest } = options;
  return new Worker<Data, Result>(name, processor, { ...rest, connection, prefix: queuePrefix() });
}

/** A plain Redis connection (the calibration workers keep shard results in it). */
export function openRedis(connection = redisConnection()): Redis {
  return new Redis(connection as never);
}

/** Thrown by a processor for an error that retrying cannot cure: the job fails at once. */
export { UnrecoverableError } from 'bullmq';

// ── For the web app: adding jobs ────────────────────────────────────────────────────────────

/** Redis did not answer: the job was not queued. */
export class QueueUnavailableError extends Error {
  constructor(queue: string, cause?: unknown) {
    super(`La file ${queue} est indisponible (Redis ne répond pas).`, { cause });
    this.name = 'QueueUnavailableError';
  }
}

const ENQUEUE_TIMEOUT_MS = 3000;
const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = openQueue(name, { ...redisConnection(), connectTimeout: ENQUEUE_TIMEOUT_MS } as ConnectionOptions);
    // Connection errors are reported to the caller of enqueue; an unhandled 'error' event would end the process.
    queue.on('error', () => undefined);
    queues.set(name, queue);
  }
  return queue;
}

/** Adds a job, or throws QueueUnavailableError within a few seconds when Redis does not answer. */
export async function enqueue<T>(name: QueueName, jobName: string, data: T, opts: JobsOptions = {}) {
  const queue = getQueue(name);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onError: ((error: Error) => void) | undefined;
  try {
    return await Promise.race([
      queue.add(jobName, data, { removeOnComplete: { count: 200 }, removeOnFail: { count: 200 }, ...opts }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('délai dépassé')), ENQUEUE_TIMEOUT_MS);
        // A refused connection says so at once: no need to wait for the time limit.
        onError = reject;
        queue.once('error', onError);
      }),
    ]);
  } catch (error) {
    // This connection is of no use: drop it, the next request starts a new one.
    if (queues.get(name) === queue) queues.delete(name);
    void queue.disconnect().catch(() => undefined);
    throw new QueueUnavailableError(name, error);
  } finally {
    clearTimeout(timer);
    if (onError) queue.off('error', onError);
  }
}

/**
 * Asks the link checker to check the given tutorials (all when omitted). A request identical to one still
 * waiting or running is not queued twice.
 */
export async function requestTutorialLinkCheck(tutorialIds?: string[]) {
  const data: CheckLinksJobData = tutorialIds ? { tutorialIds } : {};
  const dedupId = tutorialIds ? `links-${[...tutorialIds].sort().join(',')}` : 'links-all';
  return enqueue(QUEUES.tutorialLinks, CHECK_TUTORIAL_LINKS, data, { deduplication: { id: dedupId } });
}

/** Asks the link checker to check these challenge addresses (the same set is not queued twice while waiting). */
export async function requestChallengeLinkCheck(urls: string[]) {
  const sorted = [...new Set(urls)].sort();
  const data: CheckChallengeLinksJobData = { urls: sorted };
  const dedupId = `challenge-links-${crypto.createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 32)}`;
  return enqueue(QUEUES.tutorialLinks, CHECK_CHALLENGE_LINKS, data, { deduplication: { id: dedupId } });
}

/** Queues the calibration job of a run written as QUEUED; returns the job id. */
export async function enqueueCalibration(runId: string): Promise<string> {
  const data: CalibrateJobData = { runId };
  const job = await enqueue(QUEUES.calibration, CALIBRATE, data, { jobId: jobIdOfRun(runId), ...CALIBRATE_JOB_OPTIONS });
  return job.id as string;
}

/** Removes a calibration job that no worker has taken yet; false when it is already running or gone. */
export async function removeWaitingCalibrationJob(jobId: string): Promise<boolean> {
  const job = await getQueue(QUEUES.calibration).getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
  await job.remove();
  return true;
}

/**
 * Asks for a campaign's aggregate to be recomputed; false when Redis does not answer. Nothing is lost
 * then: the aggregate is left stale and the dashboards recompute it on their next read.
 */
export async function requestAggregateRefresh(campaignId: string): Promise<boolean> {
  const data: CampaignResultsJob = { campaignId };
  try {
    // Several shares within a second: one recompute.
    await enqueue(QUEUES.campaignResults, REFRESH_AGGREGATE, data, {
      deduplication: { id: `aggregate-${campaignId}`, ttl: 1000 },
      delay: 200,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    });
    return true;
  } catch {
    return false;
  }
}

/** For tests and shutdown. */
export async function closeQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close().catch(() => undefined)));
}

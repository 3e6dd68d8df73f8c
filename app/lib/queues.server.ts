/**
 * Job producers for the web process: one BullMQ Queue per queue name, created on first use, on the same
 * Redis and prefix as the workers (workers/connection.ts). Without Redis the workbench keeps serving
 * pages; an action that needs a queue gets a QueueUnavailableError to show instead of hanging.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { QUEUES, QUEUE_PREFIX, redisConnection } from '../../workers/connection';
import { CHECK_TUTORIAL_LINKS, type CheckLinksJobData } from '../../workers/tutorial-links';
import { CALIBRATE, CALIBRATE_JOB_OPTIONS, type CalibrateJobData } from '../../workers/calibration-jobs';
import { jobIdOfRun } from '../models/calibration.server';

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

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
    const connection = { ...redisConnection(), connectTimeout: ENQUEUE_TIMEOUT_MS } as ConnectionOptions;
    queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
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

/** For tests and shutdown. */
export async function closeQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close().catch(() => undefined)));
}

/**
 * Producer for the campaign-results worker. When Redis does not answer, the aggregate is left stale and
 * the dashboards recompute it on their next read (campaignAggregate), so nothing is lost.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUE_PREFIX, redisConnection } from '../../workers/connection';
import { CAMPAIGN_RESULTS_QUEUE, REFRESH_AGGREGATE } from '../../workers/campaign-results';

let queue: Queue | null = null;

export async function requestAggregateRefresh(campaignId: string): Promise<boolean> {
  try {
    queue ??= new Queue(CAMPAIGN_RESULTS_QUEUE, { connection: { ...redisConnection(), connectTimeout: 2000 } as ConnectionOptions, prefix: QUEUE_PREFIX });
    queue.on('error', () => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      // Several shares within a second: one recompute.
      queue.add(REFRESH_AGGREGATE, { campaignId }, { deduplication: { id: `aggregate-${campaignId}`, ttl: 1000 }, delay: 200, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } }),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000))),
    ]).finally(() => clearTimeout(timer));
    return true;
  } catch {
    const q = queue;
    queue = null;
    void q?.close().catch(() => undefined);
    return false;
  }
}

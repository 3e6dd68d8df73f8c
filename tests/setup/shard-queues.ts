/**
 * The shard queue of the worker db tests (decision 021, h32 and h37), on real Redis: a queue prefix of the
 * test file's own, set before the queue module first reads it, so that files running at the same time never
 * share jobs; BullMQ's classes, one ioredis client, and the clean-up the files run last.
 */
import { uniqueLetters } from './framework';

export async function shardQueues(label: string) {
  process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'test'}-${label}-${uniqueLetters(8)}`;
  const { Queue, QueueEvents, Worker } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const { QUEUES, queuePrefix, redisConnection } = await import('../../app/lib/queues.server');
  const connection = redisConnection();
  const prefix = queuePrefix();
  const redis = new Redis(connection as never);
  const closers: (() => Promise<unknown>)[] = [];
  /** Runs the closers in reverse order, empties the shard queue, disconnects the client. */
  async function closeAll(): Promise<void> {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    const queue = new Queue(QUEUES.calibrationShards, { connection, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
  return { Queue, QueueEvents, Worker, QUEUES, connection, prefix, redis, closers, closeAll };
}

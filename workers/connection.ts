import type { ConnectionOptions } from 'bullmq';

/** BullMQ connection options from REDIS_URL (ioredis underneath). */
export function redisConnection(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): ConnectionOptions {
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

/** Every queue name, prefixed so that several installations (or test runs) can share one Redis. */
export const QUEUE_PREFIX = process.env.QUEUE_PREFIX ?? 'workbench';

export const QUEUES = {
  maintenance: 'maintenance',
  tutorialLinks: 'tutorial-links',
  /** The nightly release of live content. */
  releases: 'releases',
  /** Calibration runs and their triggers (schedule, new answers). */
  calibration: 'calibration',
  /** Shards of a large calibration's E-step, taken by any worker process. */
  calibrationShards: 'calibration-shards',
} as const;

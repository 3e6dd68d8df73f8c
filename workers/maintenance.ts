/** Housekeeping jobs: expired sign-in sessions and old sign-in attempts are removed hourly. */
import type { Job } from 'bullmq';
import type { PrismaClient } from '../prisma/client';

export const PURGE_SESSIONS = 'purge-sessions';

export async function purgeExpired(db: PrismaClient, now: Date): Promise<{ sessions: number; attempts: number }> {
  const sessions = await db.authSession.deleteMany({ where: { expiresAt: { lt: now } } });
  const attempts = await db.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - 7 * 864e5) } } });
  return { sessions: sessions.count, attempts: attempts.count };
}

export function maintenanceProcessor(db: PrismaClient) {
  return async (job: Job) => {
    if (job.name === PURGE_SESSIONS) return purgeExpired(db, new Date());
    throw new Error(`Tâche de maintenance inconnue : ${job.name}`);
  };
}

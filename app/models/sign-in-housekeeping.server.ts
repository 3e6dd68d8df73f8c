/** Sign-in housekeeping (the hourly maintenance job): expired sessions and old sign-in attempts removed. */
import type { PrismaClient } from '../../prisma/client';

/** Sign-in attempts are kept this long (rate limiting looks at the last minutes only). */
const ATTEMPTS_KEPT_DAYS = 7;

export async function purgeExpiredSignIns(
  client: Pick<PrismaClient, 'authSession' | 'loginAttempt'>,
  now: Date,
): Promise<{ sessions: number; attempts: number }> {
  const sessions = await client.authSession.deleteMany({ where: { expiresAt: { lt: now } } });
  const attempts = await client.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ATTEMPTS_KEPT_DAYS * 864e5) } } });
  return { sessions: sessions.count, attempts: attempts.count };
}

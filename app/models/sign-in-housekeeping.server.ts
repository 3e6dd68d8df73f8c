/**
 * Sign-in housekeeping (the hourly maintenance job): expired sessions, old sign-in attempts, used or
 * expired password-reset links and throttle buckets nobody has touched for a day removed.
 */
import type { PrismaClient } from '../../prisma/client';

/** Sign-in attempts are kept this long (rate limiting looks at the last minutes only). */
const ATTEMPTS_KEPT_DAYS = 7;

export async function purgeExpiredSignIns(
  client: Pick<PrismaClient, 'authSession' | 'loginAttempt' | 'throttleBucket' | 'passwordResetToken'>,
  now: Date,
): Promise<{ sessions: number; attempts: number; buckets: number; resetLinks: number }> {
  const sessions = await client.authSession.deleteMany({ where: { expiresAt: { lt: now } } });
  const attempts = await client.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ATTEMPTS_KEPT_DAYS * 864e5) } } });
  // A bucket is forgotten after its window (at most an hour of block plus minutes): a day is ample.
  const dayAgo = new Date(now.getTime() - 864e5);
  const buckets = await client.throttleBucket.deleteMany({
    where: { updatedAt: { lt: dayAgo }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }] },
  });
  // The audit log keeps who made and used a link; the link itself is no use once used or expired.
  const resetLinks = await client.passwordResetToken.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { usedAt: { lt: dayAgo } }] } });
  return { sessions: sessions.count, attempts: attempts.count, buckets: buckets.count, resetLinks: resetLinks.count };
}

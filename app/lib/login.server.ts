/** Sign-in with rate limiting: too many failures for one email or from one address lock sign-in for a while. */
import { db } from './db.server';
import { decoyHash, verifyPassword } from './password.server';

export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

export type LoginResult = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'rate_limited' };

export async function attemptLogin(emailInput: string, password: string, ip: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const since = new Date(Date.now() - LOGIN_WINDOW_MINUTES * 60_000);
  const [byEmail, byIp] = await Promise.all([
    db().loginAttempt.count({ where: { email, success: false, createdAt: { gte: since } } }),
    db().loginAttempt.count({ where: { ip, success: false, createdAt: { gte: since } } }),
  ]);
  if (byEmail >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_ADDRESS) return { ok: false, reason: 'rate_limited' };
  const user = await db().user.findUnique({ where: { email } });
  const valid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await decoyHash(), password), false);
  await db().loginAttempt.create({ data: { email, ip, success: Boolean(valid) } });
  if (!user || !valid) return { ok: false, reason: 'invalid' };
  return { ok: true, userId: user.id };
}

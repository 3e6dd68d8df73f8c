/**
 * Sign-in with throttling (app/lib/throttle.server.ts): an attempt is reserved in the account's bucket
 * for this address and in the address's bucket BEFORE the password is checked, in one statement, so
 * parallel attempts cannot pass the limit. Failures from an attacker's address do not lock the owner out
 * from their own address; a successful sign-in resets its bucket. Every checked attempt is kept in
 * LoginAttempt (history).
 */
import type { Db } from './db.server';
import { decoyHash, verifyPassword } from './password.server';
import { attemptSucceeded, reserveAttempt, THROTTLE_LIMITS } from './throttle.server';

export const MAX_FAILURES_PER_EMAIL = THROTTLE_LIMITS.login.perSubject!;
export const MAX_FAILURES_PER_ADDRESS = THROTTLE_LIMITS.login.perAddress;

export type LoginResult = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'rate_limited'; retryAt?: Date | null };

export async function attemptLogin(client: Db, emailInput: string, password: string, ip: string, now: Date = new Date()): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const reservation = await reserveAttempt(client, 'login', email, ip, now);
  if (!reservation.ok) return { ok: false, reason: 'rate_limited', retryAt: reservation.retryAt };
  const user = await client.user.findUnique({ where: { email } });
  const valid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await decoyHash(), password), false);
  await client.loginAttempt.create({ data: { email, ip, success: Boolean(valid) } });
  if (!user || !valid) return { ok: false, reason: 'invalid' };
  await attemptSucceeded(client, 'login', email, ip);
  return { ok: true, userId: user.id };
}

/**
 * Throttling of guessable secrets (passwords, session codes, certificate and campaign codes), counted
 * atomically in ThrottleBucket rows.
 *
 * Every attempt first RESERVES a place in its buckets with one SQL statement (INSERT … ON CONFLICT DO
 * UPDATE … RETURNING): the attempt is counted as a failure before the secret is checked, so parallel
 * attempts cannot all pass a count taken before any of them was recorded. A success then releases it
 * (attemptSucceeded): the (subject, address) bucket is reset and the per-address one gives the place back.
 *
 * Two buckets per attempt:
 * - (scope, subject, address): the account, the session, the learner… tried FROM this address. Locking it
 *   does not lock the owner out from their own address, so a lockout is no denial-of-service tool;
 * - (scope, '*', address): a looser limit on everything tried from one address.
 * When a bucket reaches its limit it is blocked for an exponential backoff (backoffSeconds); each further
 * failure after a block doubles it, up to a ceiling. Failures are forgotten `windowMinutes` after the last
 * one (or after the end of the block).
 */
import { Prisma } from '../../prisma/generated/client';
import type { PrismaClient } from '../../prisma/client';

type Client = Pick<PrismaClient, '$queryRaw' | '$executeRaw' | 'throttleBucket'>;

export type ThrottleScope = 'login' | 'invigilator' | 'candidate' | 'verification' | 'campaign-code';

export interface ScopeLimits {
  /** Failures of one subject from one address before a block; null: no per-subject bucket. */
  perSubject: number | null;
  /** Failures from one address (any subject) before a block. */
  perAddress: number;
  /** Failures are forgotten this long after the last one (or after the block ends). */
  windowMinutes: number;
  /** First block; doubled at each further failure. */
  baseBackoffSeconds: number;
  maxBackoffSeconds: number;
}

export const THROTTLE_LIMITS: Record<ThrottleScope, ScopeLimits> = {
  login: { perSubject: 5, perAddress: 30, windowMinutes: 15, baseBackoffSeconds: 60, maxBackoffSeconds: 3600 },
  invigilator: { perSubject: 5, perAddress: 30, windowMinutes: 15, baseBackoffSeconds: 60, maxBackoffSeconds: 3600 },
  candidate: { perSubject: 10, perAddress: 30, windowMinutes: 15, baseBackoffSeconds: 60, maxBackoffSeconds: 3600 },
  verification: { perSubject: null, perAddress: 10, windowMinutes: 15, baseBackoffSeconds: 60, maxBackoffSeconds: 3600 },
  'campaign-code': { perSubject: 10, perAddress: 30, windowMinutes: 15, baseBackoffSeconds: 60, maxBackoffSeconds: 3600 },
};

/** The subject of the per-address bucket. */
export const ANY_SUBJECT = '*';

/** Exponents beyond this change nothing (the ceiling is reached long before) and would overflow. */
const MAX_EXPONENT = 30;

/**
 * How long a bucket is blocked after its `failures`-th failure: nothing below the limit, then
 * base, 2×base, 4×base… capped at the ceiling.
 */
export function backoffSeconds(limits: Pick<ScopeLimits, 'baseBackoffSeconds' | 'maxBackoffSeconds'>, limit: number, failures: number): number {
  if (failures < limit) return 0;
  const exponent = Math.min(failures - limit, MAX_EXPONENT);
  return Math.min(limits.baseBackoffSeconds * 2 ** exponent, limits.maxBackoffSeconds);
}

export function bucketKey(scope: ThrottleScope, subject: string, address: string): string {
  return `${scope}|${subject}|${address}`;
}

export type Reservation = { ok: true } | { ok: false; retryAt: Date | null };

/** Subjects are free text (an e-mail typed): kept short so a key stays a key. */
function cleanSubject(subject: string): string {
  return subject.slice(0, 320) || '-';
}

/**
 * Reserves one attempt in the scope's buckets (one statement): ok when none of them is blocked; the
 * attempt then counts as a failure until attemptSucceeded. A refused attempt is not counted.
 */
export async function reserveAttempt(client: Client, scope: ThrottleScope, subjectInput: string, address: string, now: Date): Promise<Reservation> {
  const limits = THROTTLE_LIMITS[scope];
  const subject = cleanSubject(subjectInput);
  const buckets: { key: string; subject: string; limit: number }[] = [];
  if (limits.perSubject !== null) buckets.push({ key: bucketKey(scope, subject, address), subject, limit: limits.perSubject });
  buckets.push({ key: bucketKey(scope, ANY_SUBJECT, address), subject: ANY_SUBJECT, limit: limits.perAddress });
  const at = Prisma.sql`${now.toISOString()}::timestamp`;
  const values = Prisma.join(
    buckets.map((b) => {
      const first = backoffSeconds(limits, b.limit, 1);
      const blocked = first > 0 ? Prisma.sql`${new Date(now.getTime() + first * 1000).toISOString()}::timestamp` : Prisma.sql`NULL::timestamp`;
      return Prisma.sql`(${b.key}, ${scope}, ${b.subject}, ${address}, 1, ${at}, ${blocked}, ${at})`;
    }),
  );
  const limit = Prisma.sql`(CASE WHEN t.subject = ${ANY_SUBJECT} THEN ${limits.perAddress}::int ELSE ${limits.perSubject ?? limits.perAddress}::int END)`;
  const forgotten = Prisma.sql`(COALESCE(t."blockedUntil", t."updatedAt") + make_interval(mins => ${limits.windowMinutes}::int) <= ${at})`;
  const failures = Prisma.sql`(CASE WHEN ${forgotten} THEN 1 ELSE t.failures + 1 END)`;
  const rows = await client.$queryRaw<{ key: string }[]>`
    INSERT INTO "ThrottleBucket" AS t (key, scope, subject, address, failures, "windowStartAt", "blockedUntil", "updatedAt")
    VALUES ${values}
    ON CONFLICT (key) DO UPDATE SET
      failures = ${failures},
      "windowStartAt" = CASE WHEN ${forgotten} THEN ${at} ELSE t."windowStartAt" END,
      "blockedUntil" = CASE WHEN ${failures} >= ${limit}
        THEN ${at} + make_interval(secs => LEAST(${limits.baseBackoffSeconds}::float8 * power(2::float8, LEAST(${failures} - ${limit}, ${MAX_EXPONENT})), ${limits.maxBackoffSeconds}::float8))
        ELSE NULL END,
      "updatedAt" = ${at}
    WHERE t."blockedUntil" IS NULL OR t."blockedUntil" <= ${at}
    RETURNING t.key`;
  if (rows.length === buckets.length) return { ok: true };
  // Refused: a bucket is blocked (the others counted this attempt, which is only ever stricter).
  const blocked = await client.throttleBucket.findMany({
    where: { key: { in: buckets.map((b) => b.key).filter((key) => !rows.some((r) => r.key === key)) } },
    select: { blockedUntil: true },
  });
  const retry = blocked.map((b) => b.blockedUntil?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return { ok: false, retryAt: retry > 0 ? new Date(retry) : null };
}

/** The attempt was right: its (subject, address) bucket starts again, the per-address one gives its place back. */
export async function attemptSucceeded(client: Client, scope: ThrottleScope, subjectInput: string, address: string): Promise<void> {
  const subject = cleanSubject(subjectInput);
  if (THROTTLE_LIMITS[scope].perSubject !== null) await client.throttleBucket.deleteMany({ where: { key: bucketKey(scope, subject, address) } });
  await client.$executeRaw`
    UPDATE "ThrottleBucket" SET failures = GREATEST(failures - 1, 0)
    WHERE key = ${bucketKey(scope, ANY_SUBJECT, address)}`;
}

export interface ThrottleLock {
  key: string;
  address: string;
  failures: number;
  blockedUntil: Date;
}

/** The subject's buckets blocked at `now` (any address). */
export async function currentLocks(client: Client, scope: ThrottleScope, subject: string, now: Date): Promise<ThrottleLock[]> {
  const rows = await client.throttleBucket.findMany({
    where: { scope, subject: cleanSubject(subject), blockedUntil: { gt: now } },
    orderBy: { blockedUntil: 'desc' },
    select: { key: true, address: true, failures: true, blockedUntil: true },
  });
  return rows.map((r) => ({ key: r.key, address: r.address, failures: r.failures, blockedUntil: r.blockedUntil! }));
}

/** Forgets the subject's failures: from one address, or from every address. Returns the buckets removed. */
export async function clearSubject(client: Client, scope: ThrottleScope, subject: string, address?: string): Promise<number> {
  const removed = await client.throttleBucket.deleteMany({ where: { scope, subject: cleanSubject(subject), ...(address !== undefined ? { address } : {}) } });
  return removed.count;
}

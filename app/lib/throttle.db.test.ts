import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { attemptLogin } from './login.server';
import { learnerCampaignByAddress, lookUpCampaignCode } from '../models/campaign-code-lookup.server';
import * as password from './password.server';
import { purgeExpiredSignIns } from '../models/sign-in-housekeeping.server';
import { attemptSucceeded, backoffSeconds, bucketKey, clearSubject, currentLocks, reserveAttempt, THROTTLE_LIMITS } from './throttle.server';

const db = () => testDb();
const uid = () => crypto.randomBytes(4).toString('hex');
const T0 = new Date('2026-12-01T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('backoffSeconds', () => {
  const limits = { baseBackoffSeconds: 60, maxBackoffSeconds: 3600 };
  it('is nothing below the limit, then doubles from the base up to the ceiling', () => {
    expect(backoffSeconds(limits, 5, 4)).toBe(0);
    expect(backoffSeconds(limits, 5, 5)).toBe(60);
    expect(backoffSeconds(limits, 5, 6)).toBe(120);
    expect(backoffSeconds(limits, 5, 7)).toBe(240);
    expect(backoffSeconds(limits, 5, 11)).toBe(3600);
    expect(backoffSeconds(limits, 5, 10_000)).toBe(3600);
  });
});

describe('reserveAttempt', () => {
  it('lets at most the limit of 20 parallel attempts through, and blocks with a doubling backoff', async () => {
    const subject = `s-${uid()}`;
    const address = `ip-${uid()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => reserveAttempt(db(), 'login', subject, address, T0)));
    expect(results.filter((r) => r.ok)).toHaveLength(THROTTLE_LIMITS.login.perSubject!);
    const row = await db().throttleBucket.findUniqueOrThrow({ where: { key: bucketKey('login', subject, address) } });
    expect(row.failures).toBe(5);
    expect(row.blockedUntil).toEqual(at(60));
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, retryAt: at(60) });
    // Blocked: refused without counting; after the block one more try, then twice as long.
    expect((await reserveAttempt(db(), 'login', subject, address, at(59))).ok).toBe(false);
    expect((await reserveAttempt(db(), 'login', subject, address, at(60))).ok).toBe(true);
    expect((await db().throttleBucket.findUniqueOrThrow({ where: { key: bucketKey('login', subject, address) } })).blockedUntil).toEqual(at(180));
    expect((await reserveAttempt(db(), 'login', subject, address, at(179))).ok).toBe(false);
    // Forgotten a window after the block ends.
    expect((await reserveAttempt(db(), 'login', subject, address, at(180 + 15 * 60))).ok).toBe(true);
    expect((await db().throttleBucket.findUniqueOrThrow({ where: { key: bucketKey('login', subject, address) } })).failures).toBe(1);
  });

  it('isolates (subject, address): another address of the same subject is not blocked; the address bucket is looser', async () => {
    const subject = `s-${uid()}`;
    const attacker = `ip-${uid()}`;
    const owner = `ip-${uid()}`;
    for (let i = 0; i < 5; i++) expect((await reserveAttempt(db(), 'login', subject, attacker, T0)).ok).toBe(true);
    expect((await reserveAttempt(db(), 'login', subject, attacker, T0)).ok).toBe(false);
    expect((await reserveAttempt(db(), 'login', subject, owner, T0)).ok).toBe(true);
    expect(await currentLocks(db(), 'login', subject, T0)).toEqual([expect.objectContaining({ address: attacker, failures: 5, blockedUntil: at(60) })]);
    // The attacker's address may still try other accounts, up to the per-address limit (30 attempts).
    // (The refused sixth attempt counted there too: a blocked subject does not spare the address.)
    let allowed = 0;
    for (let i = 0; i < 40; i++) if ((await reserveAttempt(db(), 'login', `other-${i}-${uid()}`, attacker, T0)).ok) allowed++;
    expect(allowed).toBe(THROTTLE_LIMITS.login.perAddress - 6);
    expect((await reserveAttempt(db(), 'login', `fresh-${uid()}`, attacker, T0)).ok).toBe(false);
    expect((await reserveAttempt(db(), 'login', `fresh-${uid()}`, owner, T0)).ok).toBe(true);
  });

  it('a success resets the subject bucket and gives the place back in the address bucket; clearSubject lifts a lock', async () => {
    const subject = `s-${uid()}`;
    const address = `ip-${uid()}`;
    for (let i = 0; i < 4; i++) await reserveAttempt(db(), 'invigilator', subject, address, T0);
    await attemptSucceeded(db(), 'invigilator', subject, address);
    expect(await db().throttleBucket.findUnique({ where: { key: bucketKey('invigilator', subject, address) } })).toBeNull();
    expect((await db().throttleBucket.findUniqueOrThrow({ where: { key: bucketKey('invigilator', '*', address) } })).failures).toBe(3);
    for (let i = 0; i < 5; i++) await reserveAttempt(db(), 'invigilator', subject, address, T0);
    expect((await reserveAttempt(db(), 'invigilator', subject, address, T0)).ok).toBe(false);
    expect(await clearSubject(db(), 'invigilator', subject, address)).toBe(1);
    expect((await reserveAttempt(db(), 'invigilator', subject, address, T0)).ok).toBe(true);
  });
});

describe('attemptLogin', () => {
  it('checks at most 5 of 20 parallel wrong passwords, does not lock the owner out from their address, and resets on success', async () => {
    const email = `throttle-${uid()}@t.fr`;
    await db().user.create({
      data: { email, passwordHash: await password.hashPassword('le-bon-mot-de-passe'), firstName: 'A', lastName: 'B', roles: ['LEARNER'] },
    });
    const attacker = `ip-${uid()}`;
    const owner = `ip-${uid()}`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attemptLogin(db(), email, `faux-${i}`, attacker, T0)));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'rate_limited')).toHaveLength(15);
    // Only those were checked (LoginAttempt keeps every checked attempt).
    expect(await db().loginAttempt.count({ where: { email, ip: attacker } })).toBe(5);
    // Even the right password is refused from the attacker's address…
    expect(await attemptLogin(db(), email, 'le-bon-mot-de-passe', attacker, at(1))).toMatchObject({ ok: false, reason: 'rate_limited' });
    // …but the owner signs in from their own.
    for (let i = 0; i < 4; i++) await attemptLogin(db(), email, 'oups', owner, T0);
    expect((await attemptLogin(db(), email, 'le-bon-mot-de-passe', owner, T0)).ok).toBe(true);
    expect(await db().throttleBucket.findUnique({ where: { key: bucketKey('login', email, owner) } })).toBeNull();
    for (let i = 0; i < 4; i++) expect(await attemptLogin(db(), email, 'oups', owner, T0)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('lookUpCampaignCode', () => {
  it('throttles failed campaign-code lookups per (learner, address); malformed codes are not counted', async () => {
    const userId = `u-${uid()}`;
    const ip = `ip-${uid()}`;
    const input = { userId, ip, now: T0 };
    expect(await lookUpCampaignCode(db(), 'abc', input)).toMatchObject({ ok: false, reason: 'format' });
    for (let i = 0; i < THROTTLE_LIMITS['campaign-code'].perSubject!; i++)
      expect(await lookUpCampaignCode(db(), 'ABCDEF234', input)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await lookUpCampaignCode(db(), 'ABCDEF234', input)).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(await lookUpCampaignCode(db(), 'ABCDEF234', { ...input, ip: `ip-${uid()}` })).toMatchObject({ ok: false, reason: 'unknown' });
  });
});

describe('learnerCampaignByAddress', () => {
  it('counts unknown codes typed in the address bar in the same buckets as the code page', async () => {
    const userId = `u-${uid()}`;
    const ip = `ip-${uid()}`;
    for (let i = 0; i < THROTTLE_LIMITS['campaign-code'].perSubject! - 1; i++)
      expect(await learnerCampaignByAddress(db(), { userId, code: 'ABCDEF234', ip, now: T0 })).toBeNull();
    // The page for codes and the address bar share the learner's bucket.
    expect(await lookUpCampaignCode(db(), 'ABCDEF234', { userId, ip, now: T0 })).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await learnerCampaignByAddress(db(), { userId, code: 'ABCDEF234', ip, now: T0 })).toBe('rate_limited');
    // Malformed codes are answered without counting.
    expect(await learnerCampaignByAddress(db(), { userId: `u-${uid()}`, code: 'abc', ip, now: T0 })).toBeNull();
  });
});

describe('hourly housekeeping', () => {
  it('forgets buckets untouched for a day, keeps recent and blocked ones', async () => {
    const ip = `ip-${uid()}`;
    const old = `old-${uid()}@exemple.fr`;
    const recent = `recent-${uid()}@exemple.fr`;
    await reserveAttempt(db(), 'login', old, ip, T0);
    const later = at(2 * 86_400);
    await reserveAttempt(db(), 'login', recent, `ip-${uid()}`, later);
    await purgeExpiredSignIns(db(), later);
    expect(await db().throttleBucket.findUnique({ where: { key: bucketKey('login', old, ip) } })).toBeNull();
    expect(await db().throttleBucket.count({ where: { subject: recent } })).toBe(1);
  });
});

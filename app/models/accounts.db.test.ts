import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { verifyPassword } from '../lib/password.server';
import {
  addCentreMembership,
  addMembership,
  checkPasswordResetToken,
  completePasswordReset,
  createAccount,
  createPasswordResetLink,
  disableAccount,
  enableAccount,
  hashResetToken,
  removeCentreMembership,
  removeMembership,
  setRoles,
  type Actor,
} from './accounts.server';
import { listAudit } from './audit.server';

const unique = () => `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;

async function makeUser(roles: ('ADMIN' | 'AUTHOR' | 'LEARNER')[] = []) {
  return testDb().user.create({
    data: { email: `compte.${unique()}@exemple.fr`, firstName: 'Test', lastName: 'Compte', passwordHash: 'x', roles },
  });
}

async function makeOrganisation() {
  return testDb().organisation.create({ data: { name: `Collège ${unique()}`, type: 'SCO' } });
}

async function entriesFor(userId: string) {
  return testDb().auditLog.findMany({ where: { targetType: 'user', targetId: userId }, orderBy: { id: 'asc' } });
}

/** Makes every other active administrator inactive for the duration of a test of the last-admin guard. */
async function onlyAdministrator(userId: string) {
  const others = await testDb().user.findMany({ where: { roles: { has: 'ADMIN' }, disabledAt: null, id: { not: userId } }, select: { id: true } });
  await testDb().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: new Date() } });
  return () => testDb().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: null } });
}

describe('accounts administration', () => {
  it('creates an account with roles and memberships, and writes its audit entry', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.1' };
    const organisation = await makeOrganisation();
    const centre = await testDb().certificationCentre.create({ data: { name: `Centre ${unique()}`, type: 'SCO' } });
    const address = `Nouvelle.Enseignante.${unique()}@Exemple.fr`;
    const result = await createAccount(testDb(), actor, {
      email: ` ${address} `,
      firstName: ' Agnès ',
      lastName: 'Varda',
      roles: ['AUTHOR', 'AUTHOR'],
      organisationId: organisation.id,
      organisationRole: 'TEACHER',
      centreId: centre.id,
      centreRole: 'STAFF',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const user = await testDb().user.findUniqueOrThrow({
      where: { id: result.userId },
      include: { memberships: true, centreMemberships: true },
    });
    expect(user).toMatchObject({ email: address.toLowerCase(), firstName: 'Agnès', roles: ['AUTHOR'], disabledAt: null });
    expect(user.memberships).toMatchObject([{ organisationId: organisation.id, role: 'TEACHER' }]);
    expect(user.centreMemberships).toMatchObject([{ centreId: centre.id, role: 'STAFF' }]);
    const [entry] = await entriesFor(user.id);
    expect(entry).toMatchObject({ action: 'account.create', actorId: admin.id, ip: '10.0.0.1' });
    expect(entry!.details).toMatchObject({ email: address.toLowerCase(), roles: ['AUTHOR'], organisation: { id: organisation.id, role: 'TEACHER' } });

    // The same address again, whatever its case, and bad fields: field by field.
    expect(await createAccount(testDb(), actor, { email: address.toUpperCase(), firstName: 'A', lastName: 'B', roles: [] })).toEqual({
      ok: false,
      errors: { email: 'error.emailTaken' },
    });
    expect(
      await createAccount(testDb(), actor, {
        email: 'pas-une-adresse',
        firstName: '',
        lastName: ' ',
        roles: ['ROI'],
      }),
    ).toEqual({ ok: false, errors: { email: 'error.email', firstName: 'error.firstName', lastName: 'error.lastName', roles: 'error.role' } });
    expect(
      await createAccount(testDb(), actor, {
        email: `x.${unique()}@exemple.fr`,
        firstName: 'A',
        lastName: 'B',
        roles: [],
        organisationId: organisation.id,
        organisationRole: '',
        centreId: crypto.randomUUID(),
        centreRole: 'STAFF',
      }),
    ).toEqual({ ok: false, errors: { organisationRole: 'error.organisationRole', centreId: 'error.centre' } });
  });

  it('gives and removes global roles with before and after in the audit log', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.2' };
    const user = await makeUser(['LEARNER']);
    expect(await setRoles(testDb(), actor, user.id, ['AUTHOR', 'LEARNER', 'REVIEWER'])).toEqual({ ok: true });
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).roles).toEqual(['AUTHOR', 'REVIEWER', 'LEARNER']);
    expect(await setRoles(testDb(), actor, user.id, ['REVIEWER'])).toEqual({ ok: true });
    expect(await setRoles(testDb(), actor, user.id, ['NOPE'])).toEqual({ ok: false, errors: { roles: 'error.role' } });
    const entries = await entriesFor(user.id);
    expect(entries.map((e) => [e.action, e.details])).toEqual([
      ['account.roles', { before: ['LEARNER'], after: ['AUTHOR', 'REVIEWER', 'LEARNER'], added: ['AUTHOR', 'REVIEWER'], removed: [] }],
      ['account.roles', { before: ['AUTHOR', 'REVIEWER', 'LEARNER'], after: ['REVIEWER'], added: [], removed: ['AUTHOR', 'LEARNER'] }],
    ]);
  });

  it('keeps an active administrator: no removing one’s own ADMIN role, no disabling the last administrator', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.3' };
    expect(await setRoles(testDb(), actor, admin.id, ['AUTHOR'])).toEqual({ ok: false, errors: { roles: 'error.selfAdmin' } });
    const restore = await onlyAdministrator(admin.id);
    try {
      expect(await disableAccount(testDb(), actor, admin.id)).toEqual({ ok: false, errors: { account: 'error.selfDisable' } });
      expect((await testDb().user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).toBeNull();
    } finally {
      await restore();
    }
    // With another active administrator, one may disable oneself.
    const other = await makeUser(['ADMIN']);
    expect(await setRoles(testDb(), { actorId: other.id, ip: 'x' }, admin.id, [])).toEqual({ ok: true });
    expect(await entriesFor(admin.id)).toHaveLength(1);
  });

  it('adds and removes organisation and centre memberships', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.4' };
    const user = await makeUser();
    const organisation = await makeOrganisation();
    const centre = await testDb().certificationCentre.create({ data: { name: `Centre ${unique()}`, type: 'PRO' } });
    expect(await addMembership(testDb(), actor, user.id, { organisationId: organisation.id, role: 'CHEF' })).toEqual({
      ok: false,
      errors: { organisationRole: 'error.organisationRole' },
    });
    expect(await addMembership(testDb(), actor, user.id, { organisationId: organisation.id, role: 'TEACHER' })).toEqual({ ok: true });
    expect(await addMembership(testDb(), actor, user.id, { organisationId: organisation.id, role: 'ADMIN' })).toEqual({ ok: true });
    expect(await addCentreMembership(testDb(), actor, user.id, { centreId: centre.id, role: 'STAFF' })).toEqual({ ok: true });
    expect(await removeMembership(testDb(), actor, user.id, organisation.id)).toEqual({ ok: true });
    expect(await removeMembership(testDb(), actor, user.id, organisation.id)).toEqual({ ok: false, errors: { membership: 'error.notMember' } });
    expect(await removeCentreMembership(testDb(), actor, user.id, centre.id)).toEqual({ ok: true });
    const entries = await entriesFor(user.id);
    expect(entries.map((e) => [e.action, (e.details as { before: unknown }).before, (e.details as { after: unknown }).after])).toEqual([
      ['account.membership.add', null, 'TEACHER'],
      ['account.membership.add', 'TEACHER', 'ADMIN'],
      ['account.centre.add', null, 'STAFF'],
      ['account.membership.remove', 'ADMIN', null],
      ['account.centre.remove', 'STAFF', null],
    ]);
    expect(await testDb().membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it('disabling ends the sessions at once; enabling lets the account back', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.5' };
    const user = await makeUser(['AUTHOR']);
    await testDb().authSession.createMany({
      data: [1, 2].map((n) => ({ id: `s-${unique()}-${n}`, userId: user.id, csrfToken: 'c', expiresAt: new Date(Date.now() + 864e5) })),
    });
    expect(await disableAccount(testDb(), actor, user.id)).toEqual({ ok: true });
    expect(await testDb().authSession.count({ where: { userId: user.id } })).toBe(0);
    expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).not.toBeNull();
    expect(await disableAccount(testDb(), actor, user.id)).toEqual({ ok: false, errors: { account: 'error.alreadyDisabled' } });
    expect(await createPasswordResetLink(testDb(), actor, user.id)).toEqual({ ok: false, errors: { account: 'error.disabledAccount' } });
    expect(await enableAccount(testDb(), actor, user.id)).toEqual({ ok: true });
    expect(await enableAccount(testDb(), actor, user.id)).toEqual({ ok: false, errors: { account: 'error.notDisabled' } });
    const entries = await entriesFor(user.id);
    expect(entries.map((e) => e.action)).toEqual(['account.disable', 'account.enable']);
    expect(entries[0]!.details).toMatchObject({ before: { disabledAt: null }, sessionsEnded: 2 });
  });

  it('makes one-time reset links that expire, keeps only their hash, and ends the sessions when used', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.6' };
    const user = await makeUser(['LEARNER']);
    await testDb().authSession.create({ data: { id: `s-${unique()}`, userId: user.id, csrfToken: 'c', expiresAt: new Date(Date.now() + 864e5) } });

    const first = await createPasswordResetLink(testDb(), actor, user.id);
    const link = await createPasswordResetLink(testDb(), actor, user.id);
    if (!first.ok || !link.ok) throw new Error('no link');
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    const stored = await testDb().passwordResetToken.findMany({ where: { userId: user.id } });
    expect(stored.map((s) => s.tokenHash).sort()).toEqual([hashResetToken(first.token), hashResetToken(link.token)].sort());
    expect(JSON.stringify(stored)).not.toContain(link.token);
    // The newer link replaces the earlier one.
    expect(await checkPasswordResetToken(testDb(), first.token)).toEqual({ ok: false, problem: 'reset.used' });
    expect(await checkPasswordResetToken(testDb(), 'pas-un-jeton')).toEqual({ ok: false, problem: 'reset.invalid' });

    const input = { token: link.token, password: 'Nouveau-Secret-42', confirm: 'Nouveau-Secret-42', ip: '10.9.9.9' };
    expect(await completePasswordReset(testDb(), { ...input, password: 'court', confirm: 'court' })).toEqual({
      ok: false,
      errors: { password: 'signup.error.password.length' },
    });
    expect(await completePasswordReset(testDb(), { ...input, confirm: 'Autre-Secret-42' })).toEqual({ ok: false, errors: { confirm: 'reset.error.confirm' } });
    expect(await completePasswordReset(testDb(), input)).toEqual({ ok: true });
    const after = await testDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(after.passwordHash, 'Nouveau-Secret-42')).toBe(true);
    expect(await testDb().authSession.count({ where: { userId: user.id } })).toBe(0);
    // Once only.
    expect(await completePasswordReset(testDb(), input)).toEqual({ ok: false, problem: 'reset.used' });

    // Expired: a link made 25 hours ago.
    const old = await createPasswordResetLink(testDb(), actor, user.id, new Date(Date.now() - 25 * 3600_000));
    if (!old.ok) throw new Error('no link');
    expect(await checkPasswordResetToken(testDb(), old.token)).toEqual({ ok: false, problem: 'reset.expired' });
    expect(await completePasswordReset(testDb(), { ...input, token: old.token })).toEqual({ ok: false, problem: 'reset.expired' });

    const entries = await entriesFor(user.id);
    expect(entries.map((e) => [e.action, e.actorId, e.ip])).toEqual([
      ['account.password_reset_link', admin.id, '10.0.0.6'],
      ['account.password_reset_link', admin.id, '10.0.0.6'],
      ['account.password_reset_done', user.id, '10.9.9.9'],
      ['account.password_reset_link', admin.id, '10.0.0.6'],
    ]);
    const written = JSON.stringify(entries.map((e) => e.details));
    for (const secret of [first.token, link.token, old.token, hashResetToken(link.token), 'Nouveau-Secret-42']) expect(written).not.toContain(secret);
  });

  it('lists the entries of a person, newest first, by action and date', async () => {
    const admin = await makeUser(['ADMIN']);
    const actor: Actor = { actorId: admin.id, ip: '10.0.0.7' };
    const user = await makeUser();
    await setRoles(testDb(), actor, user.id, ['AUTHOR']);
    await disableAccount(testDb(), actor, user.id);
    const mine = await listAudit(testDb(), { person: user.email.slice(0, 20) });
    expect(mine.map((e) => e.action).slice(0, 2)).toEqual(['account.disable', 'account.roles']);
    expect(mine[0]).toMatchObject({ actor: { id: admin.id }, targetUser: { id: user.id } });
    expect((await listAudit(testDb(), { person: user.email, action: 'account.roles' })).map((e) => e.action)).toEqual(['account.roles']);
    expect(await listAudit(testDb(), { person: user.email, to: new Date(Date.now() - 3600_000) })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { uniqueLetters } from '../../tests/setup/framework';
import { codedText } from '../i18n';
import { orgaMessages } from '../i18n/orga';
import { addTeacher, detachLearner, listLearners, removeMember, resetLearnerPassword } from './organisation.server';
import { hashPassword, verifyPassword } from '../lib/password.server';

const inFrench = (key: keyof typeof orgaMessages.fr) => orgaMessages.fr[key];
const inEnglish = (key: keyof typeof orgaMessages.en) => orgaMessages.en[key];

async function fixture() {
  const db = testDb();
  const suffix = uniqueLetters(8);
  const org = await db.organisation.create({ data: { name: `Lycée ${suffix}`, type: 'SCO' } });
  const admin = await db.user.create({ data: { email: `admin-${suffix}@exemple.fr`, firstName: 'Ada', lastName: 'Admin', passwordHash: 'x' } });
  const adminMembership = await db.membership.create({ data: { userId: admin.id, organisationId: org.id, role: 'ADMIN' } });
  const teacher = await db.user.create({ data: { email: `prof-${suffix}@exemple.fr`, firstName: 'Paul', lastName: 'Prof', passwordHash: 'x' } });
  return { db, suffix, org, admin, adminMembership, teacher };
}

describe('members and learners of an organisation: what each change says, in French and in English', () => {
  it('adds a teacher by the e-mail of an account, refuses a bad address, an unknown one and a second time', async () => {
    const { db, suffix, org, teacher } = await fixture();
    const bad = await addTeacher(db, org.id, 'pas-une-adresse');
    expect(bad.ok).toBe(false);
    expect(codedText(inFrench, 'notice', bad.notice)).toBe('Indiquez une adresse e-mail valide.');
    expect(codedText(inEnglish, 'notice', bad.notice)).toBe('Enter a valid email address.');
    const unknown = await addTeacher(db, org.id, `personne-${suffix}@exemple.fr`);
    expect(codedText(inFrench, 'notice', unknown.notice)).toBe(
      `Aucun compte n’existe avec l’adresse personne-${suffix}@exemple.fr. La personne doit d’abord créer son compte.`,
    );
    expect(await db.membership.count({ where: { organisationId: org.id } })).toBe(1);

    const added = await addTeacher(db, org.id, `  PROF-${suffix}@exemple.fr `);
    expect(added.ok).toBe(true);
    expect(codedText(inFrench, 'notice', added.notice)).toBe('Paul Prof a été ajouté(e) comme enseignant(e).');
    expect(codedText(inEnglish, 'notice', added.notice)).toBe('Paul Prof was added as a teacher.');
    expect(await db.membership.findFirst({ where: { organisationId: org.id, userId: teacher.id } })).toMatchObject({ role: 'TEACHER' });
    const again = await addTeacher(db, org.id, teacher.email);
    expect(again.ok).toBe(false);
    expect(codedText(inEnglish, 'notice', again.notice)).toBe('Paul Prof is already a member of the organisation.');
  });

  it('keeps the last administrator, removes a teacher', async () => {
    const { db, org, adminMembership, teacher } = await fixture();
    const last = await removeMember(db, org.id, adminMembership.id);
    expect(last.ok).toBe(false);
    expect(codedText(inFrench, 'notice', last.notice)).toBe('L’organisation doit garder au moins un administrateur.');
    expect(await db.membership.count({ where: { id: adminMembership.id } })).toBe(1);
    const membership = await db.membership.create({ data: { userId: teacher.id, organisationId: org.id, role: 'TEACHER' } });
    const removed = await removeMember(db, org.id, membership.id);
    expect(removed.ok).toBe(true);
    expect(codedText(inEnglish, 'notice', removed.notice)).toBe('Paul Prof is no longer part of the organisation.');
    expect(codedText(inFrench, 'notice', (await removeMember(db, org.id, membership.id)).notice)).toBe('Membre introuvable.');
  });

  it('refuses a reset without an account or of another organisation’s learner, detaches a learner', async () => {
    const { db, suffix, org, admin } = await fixture();
    const other = await db.organisation.create({ data: { name: `Collège ${suffix}`, type: 'SCO' } });
    await db.membership.create({ data: { userId: admin.id, organisationId: other.id, role: 'ADMIN' } });
    const withoutAccount = await db.organisationLearner.create({ data: { organisationId: org.id, firstName: 'Léo', lastName: 'Martin', division: '2nde A' } });
    const noAccount = await resetLearnerPassword(db, { organisationId: org.id, learnerId: withoutAccount.id, actorId: admin.id });
    expect(noAccount.ok).toBe(false);
    if (!noAccount.ok) expect(codedText(inEnglish, 'notice', noAccount.notice)).toBe('Léo Martin has no account yet: nothing to reset.');
    const foreign = await resetLearnerPassword(db, { organisationId: other.id, learnerId: withoutAccount.id, actorId: admin.id });
    if (!foreign.ok) expect(codedText(inFrench, 'notice', foreign.notice)).toBe('Élève introuvable.');
    expect(foreign.ok).toBe(false);

    const detached = await detachLearner(db, org.id, withoutAccount.id);
    expect(detached.ok).toBe(true);
    expect(codedText(inFrench, 'notice', detached.notice)).toBe('Léo Martin a été détaché(e) de l’organisation.');
    expect((await db.organisationLearner.findUniqueOrThrow({ where: { id: withoutAccount.id } })).detachedAt).not.toBeNull();
    expect(codedText(inEnglish, 'notice', (await detachLearner(db, org.id, withoutAccount.id)).notice)).toBe('Learner not found.');
  });
});

/**
 * A password reset from Orga hands a teacher the new password of an account: only an administrator of
 * the organisation, only on a learner-only account, only when the class list row matches it by name and
 * birth date; one transaction with its audit entry.
 */
describe('password reset from Orga', () => {
  const BIRTH = new Date('2009-03-05T00:00:00Z');

  async function pupil(
    db: ReturnType<typeof testDb>,
    organisationId: string,
    suffix: string,
    account: { roles?: ('ADMIN' | 'AUTHOR' | 'REVIEWER' | 'PSYCHOMETRICIAN' | 'LEARNER')[]; birthDate?: Date | null; tag: string },
    rowBirthDate: Date | null = BIRTH,
  ) {
    const user = await db.user.create({
      data: {
        email: `${account.tag}-${suffix}@exemple.fr`,
        firstName: 'Inès',
        lastName: `Durand${account.tag}`,
        passwordHash: await hashPassword('Ancien-mot-de-passe-1'),
        roles: account.roles ?? ['LEARNER'],
        birthDate: account.birthDate === undefined ? BIRTH : account.birthDate,
      },
    });
    const learner = await db.organisationLearner.create({
      data: { organisationId, userId: user.id, firstName: 'INÈS', lastName: `durand${account.tag}`, division: '2nde A', birthDate: rowBirthDate },
    });
    await db.authSession.create({ data: { id: `s-${account.tag}-${suffix}`, userId: user.id, csrfToken: 'x', expiresAt: new Date(Date.now() + 3600_000) } });
    return { user, learner };
  }

  async function unchanged(db: ReturnType<typeof testDb>, userId: string) {
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(await verifyPassword(user.passwordHash, 'Ancien-mot-de-passe-1')).toBe(true);
    expect(await db.authSession.count({ where: { userId } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'orga.password_reset', targetId: userId } })).toBe(0);
  }

  it('is refused to a plain teacher of the organisation, and the list offers it to no one but an administrator', async () => {
    const { db, suffix, org, teacher } = await fixture();
    await db.membership.create({ data: { userId: teacher.id, organisationId: org.id, role: 'TEACHER' } });
    const { user, learner } = await pupil(db, org.id, suffix, { tag: 'eleve' });
    const refused = await resetLearnerPassword(db, { organisationId: org.id, learnerId: learner.id, actorId: teacher.id, ip: '203.0.113.9' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.notice.code).toBe('resetAdminOnly');
      expect(codedText(inFrench, 'notice', refused.notice)).toBe('Seuls les administrateurs de l’organisation peuvent réinitialiser un mot de passe.');
    }
    await unchanged(db, user.id);
    // Someone who is not a member at all either.
    const stranger = await resetLearnerPassword(db, { organisationId: org.id, learnerId: learner.id, actorId: user.id });
    expect(stranger.ok).toBe(false);
    await unchanged(db, user.id);
    // The row itself is resettable (the route adds that the viewer must be an administrator).
    expect((await listLearners(db, org.id)).find((l) => l.id === learner.id)).toMatchObject({ resettable: true });
  });

  it('is refused on an administrator’s, an author’s, a teacher’s or a certification centre’s account linked to a pupil', async () => {
    const { db, suffix, org, admin } = await fixture();
    const other = await db.organisation.create({ data: { name: `Autre ${suffix}`, type: 'SCO' } });
    const centre = await db.certificationCentre.create({ data: { name: `Centre ${suffix}`, type: 'SCO' } });
    const staffAdmin = await pupil(db, org.id, suffix, { tag: 'administratrice', roles: ['ADMIN'] });
    const author = await pupil(db, org.id, suffix, { tag: 'autrice', roles: ['LEARNER', 'AUTHOR'] });
    const teacherElsewhere = await pupil(db, org.id, suffix, { tag: 'enseignante' });
    await db.membership.create({ data: { userId: teacherElsewhere.user.id, organisationId: other.id, role: 'TEACHER' } });
    const centreStaff = await pupil(db, org.id, suffix, { tag: 'centre' });
    await db.centreMembership.create({ data: { userId: centreStaff.user.id, centreId: centre.id, role: 'STAFF' } });
    for (const target of [staffAdmin, author, teacherElsewhere, centreStaff]) {
      const refused = await resetLearnerPassword(db, { organisationId: org.id, learnerId: target.learner.id, actorId: admin.id });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.notice.code).toBe('resetNotLearnerAccount');
        expect(codedText(inFrench, 'notice', refused.notice)).toContain('n’est pas un simple compte élève');
      }
      await unchanged(db, target.user.id);
    }
    const listed = await listLearners(db, org.id);
    expect(listed.filter((l) => l.resettable)).toEqual([]);
  });

  it('is refused when the class list row does not match the account by birth date', async () => {
    const { db, suffix, org, admin } = await fixture();
    const noBirthDate = await pupil(db, org.id, suffix, { tag: 'sansdate', birthDate: null });
    const otherBirthDate = await pupil(db, org.id, suffix, { tag: 'autredate', birthDate: new Date('2009-03-06T00:00:00Z') });
    const rowWithout = await pupil(db, org.id, suffix, { tag: 'lignesansdate' }, null);
    for (const target of [noBirthDate, otherBirthDate, rowWithout]) {
      const refused = await resetLearnerPassword(db, { organisationId: org.id, learnerId: target.learner.id, actorId: admin.id });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.notice.code).toBe('resetNotMatched');
        expect(codedText(inEnglish, 'notice', refused.notice)).toBe(
          `The account linked to INÈS durand${target === noBirthDate ? 'sansdate' : target === otherBirthDate ? 'autredate' : 'lignesansdate'} does not match the class list by name and birth date: its password cannot be reset here.`,
        );
      }
      await unchanged(db, target.user.id);
    }
    expect((await listLearners(db, org.id)).filter((l) => l.resettable)).toEqual([]);
  });

  it('is allowed to an administrator on a pupil matched by name and birth date: new password, sessions ended, audited without the password', async () => {
    const { db, suffix, org, admin } = await fixture();
    const { user, learner } = await pupil(db, org.id, suffix, { tag: 'eleve' });
    const reset = await resetLearnerPassword(db, { organisationId: org.id, learnerId: learner.id, actorId: admin.id, ip: '203.0.113.7' });
    expect(reset.ok).toBe(true);
    if (!reset.ok) return;
    expect(reset).toMatchObject({ name: `INÈS durandeleve`, email: user.email });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(stored.passwordHash, reset.password)).toBe(true);
    expect(await verifyPassword(stored.passwordHash, 'Ancien-mot-de-passe-1')).toBe(false);
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(0);
    const entries = await db.auditLog.findMany({ where: { action: 'orga.password_reset', targetId: user.id } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: admin.id,
      targetType: 'user',
      ip: '203.0.113.7',
      details: { organisationId: org.id, organisationLearnerId: learner.id },
    });
    expect(JSON.stringify(entries[0]!.details)).not.toContain(reset.password);
  });
});

import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { uniqueLetters } from '../../tests/setup/framework';
import { codedText } from '../i18n';
import { orgaMessages } from '../i18n/orga';
import { addTeacher, detachLearner, removeMember, resetLearnerPassword } from './organisation.server';

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

  it('resets the password of a learner who has an account, detaches a learner, refuses another organisation’s', async () => {
    const { db, suffix, org } = await fixture();
    const other = await db.organisation.create({ data: { name: `Collège ${suffix}`, type: 'SCO' } });
    const withoutAccount = await db.organisationLearner.create({ data: { organisationId: org.id, firstName: 'Léo', lastName: 'Martin', division: '2nde A' } });
    const noAccount = await resetLearnerPassword(db, org.id, withoutAccount.id);
    expect(noAccount.ok).toBe(false);
    if (!noAccount.ok) expect(codedText(inEnglish, 'notice', noAccount.notice)).toBe('Léo Martin has no account yet: nothing to reset.');
    const foreign = await resetLearnerPassword(db, other.id, withoutAccount.id);
    if (!foreign.ok) expect(codedText(inFrench, 'notice', foreign.notice)).toBe('Élève introuvable.');
    expect(foreign.ok).toBe(false);

    const detached = await detachLearner(db, org.id, withoutAccount.id);
    expect(detached.ok).toBe(true);
    expect(codedText(inFrench, 'notice', detached.notice)).toBe('Léo Martin a été détaché(e) de l’organisation.');
    expect((await db.organisationLearner.findUniqueOrThrow({ where: { id: withoutAccount.id } })).detachedAt).not.toBeNull();
    expect(codedText(inEnglish, 'notice', (await detachLearner(db, org.id, withoutAccount.id)).notice)).toBe('Learner not found.');
  });
});

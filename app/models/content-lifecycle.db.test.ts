/**
 * The content lifecycle (docs/decisions/020-content-lifecycle.md): live edits are proposals reviewed by
 * someone else, rollbacks return the authoring state and hold the nightly release, imports never publish,
 * parameters apply to the content version they were calibrated on, calibration reads the answers of that
 * version, retired challenges come back as proposals.
 */
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc } from '../../engine/challenges';
import { createChallenge, getChallenge, saveChallenge } from './challenge.server';
import { changeStatus } from './workflow.server';
import { confirmRollback, publishNightlyRelease, publishRelease, releaseDetail, releasePreview, rollbackRelease } from './release-history.server';
import { liveSnapshot } from './release.server';
import { applicableParameters } from './parameter-set.server';
import { markDifficultyUnchanged, parameterVersionStatus } from './challenge-calibration.server';
import { countEligibleAnswers, withPgClient } from './calibration-data.server';
import { calibrationVersionIds } from './content-version.server';
import { competenceByCode, loadBank } from './positioning-bank.server';
import { setAuthorsMayValidateOwn } from './platform-settings.server';
import { updateSkill } from './skill.server';

const REVIEWER = ['REVIEWER'] as const;

async function setup() {
  const db = testDb();
  const skill = await makeSkill(db);
  const author = await makeUser(db, ['AUTHOR'], 'Camille');
  const reviewer = await makeUser(db, ['REVIEWER'], 'Rémi');
  const admin = await makeUser(db, ['ADMIN'], 'Alix');
  return { db, skill, author, reviewer, admin };
}

async function liveOne(s: Awaited<ReturnType<typeof setup>>, instruction?: string) {
  const { challengeId } = await createChallenge(s.db, { skillId: s.skill.id, userId: s.author.id, body: qrocBody(instruction), message: '' });
  await changeStatus(s.db, { challengeId, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'Relu' });
  return challengeId;
}

async function publish(s: Awaited<ReturnType<typeof setup>>, message: string) {
  return publishRelease(s.db, { message, userId: s.reviewer.id, roles: REVIEWER, previewToken: (await releasePreview(s.db)).token });
}

async function servedVersion(challengeId: string) {
  const db = testDb();
  const last = await db.release.findFirstOrThrow({ orderBy: { number: 'desc' } });
  return (await db.releaseChallenge.findUnique({ where: { releaseId_challengeId: { releaseId: last.id, challengeId } } }))?.versionId ?? null;
}

describe('live edits are proposals', () => {
  it('keeps serving the live version until another person validates the new one', async () => {
    const s = await setup();
    const id = await liveOne(s);
    await publish(s, 'Première');
    const v1 = (await getChallenge(s.db, id))!.version!.id;
    const saved = await saveChallenge(s.db, {
      challengeId: id,
      userId: s.author.id,
      body: qrocBody('Quelle boisson chaude ?', ['thé']),
      message: 'Nouvelle clé',
      baseVersionNumber: 1,
    });
    expect(saved).toMatchObject({ kind: 'saved', number: 2 });
    const after = (await getChallenge(s.db, id))!;
    expect(after).toMatchObject({ status: 'valide', proposalStatus: 'propose', liveVersion: { id: v1, number: 1 } });
    // Nothing validated by a person changed: the nightly release publishes nothing, the snapshot keeps v1.
    expect((await liveSnapshot(s.db)).find((i) => i.challengeId === id)?.versionId).toBe(v1);
    expect(await publishNightlyRelease(s.db)).toEqual({ published: false, reason: 'unchanged' });
    expect(await servedVersion(id)).toBe(v1);

    // The author cannot validate their own version; the submit goes to the proposal.
    await changeStatus(s.db, { challengeId: id, action: 'submit', userId: s.author.id, roles: ['AUTHOR'], message: '' });
    expect((await getChallenge(s.db, id))!.proposalStatus).toBe('submitted');
    const author2 = await makeUser(s.db, ['REVIEWER'], 'Autrice-relectrice');
    await saveChallenge(s.db, {
      challengeId: id,
      userId: author2.id,
      body: qrocBody('Quelle boisson chaude ?', ['thé', 'the']),
      message: 'v3',
      baseVersionNumber: 2,
    });
    await expect(changeStatus(s.db, { challengeId: id, action: 'validate', userId: author2.id, roles: REVIEWER, message: 'ok' })).rejects.toMatchObject({
      code: 'selfValidation',
    });
    const result = await changeStatus(s.db, { challengeId: id, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'Clé vérifiée' });
    expect(result.proposal).toBe(true);
    const validated = (await getChallenge(s.db, id))!;
    expect(validated).toMatchObject({ status: 'valide', proposalStatus: null, liveVersion: { number: 3 } });
    const night = await publishNightlyRelease(s.db);
    expect(night.published).toBe(true);
    expect(await servedVersion(id)).toBe(validated.version!.id);
    const detail = await releaseDetail(s.db, (night as { number: number }).number);
    expect(detail?.changed.find((c) => c.id === id)).toMatchObject({ from: 1, to: 3 });
  });

  it('lets the author validate their own proposal only when the platform setting allows it', async () => {
    const s = await setup();
    const id = await liveOne(s);
    const reviewerAuthor = await makeUser(s.db, ['REVIEWER'], 'Rose');
    await saveChallenge(s.db, { challengeId: id, userId: reviewerAuthor.id, body: qrocBody('Autre consigne ?'), message: 'v2', baseVersionNumber: 1 });
    await setAuthorsMayValidateOwn(s.db, true);
    try {
      await changeStatus(s.db, { challengeId: id, action: 'validate', userId: reviewerAuthor.id, roles: REVIEWER, message: 'Autorisé' });
      expect((await getChallenge(s.db, id))!.liveVersion?.number).toBe(2);
    } finally {
      await setAuthorsMayValidateOwn(s.db, false);
    }
  });
});

describe('rollbacks stick', () => {
  it('returns statuses and live versions, holds the nightly release until confirmed, and previews the next publication', async () => {
    const s = await setup();
    const kept = await liveOne(s, 'Première épreuve ?');
    const first = await publish(s, 'Avant');
    // After the first release: a new declination validated and a new version of the kept one.
    const skill2 = await makeSkill(s.db, 3);
    const { challengeId: added } = await createChallenge(s.db, { skillId: skill2.id, userId: s.author.id, body: qrocBody('Ajoutée ?'), message: '' });
    await changeStatus(s.db, { challengeId: added, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'ok' });
    await saveChallenge(s.db, {
      challengeId: kept,
      userId: s.author.id,
      body: qrocBody('Première épreuve, reformulée ?'),
      message: 'v2',
      baseVersionNumber: 1,
    });
    await changeStatus(s.db, { challengeId: kept, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'ok' });
    await publish(s, 'Après');

    const rolled = await rollbackRelease(s.db, { toNumber: first.number, reason: 'Erreur dans la v2', userId: s.admin.id, roles: ['ADMIN'] });
    expect(rolled.authoringChanges.map((c) => c.challengeId).sort()).toEqual(expect.arrayContaining([kept, added]));
    expect(await getChallenge(s.db, added)).toMatchObject({ status: 'propose' });
    expect(await getChallenge(s.db, kept)).toMatchObject({ status: 'valide', proposalStatus: 'propose', liveVersion: { number: 1 } });
    const detail = await releaseDetail(s.db, rolled.number);
    expect(detail?.confirmedAt).toBeNull();
    expect(detail?.authoringChanges.find((c) => c.challengeId === added)).toMatchObject({ from: { status: 'valide' }, to: { status: 'propose' } });

    // The next publication starts from the rolled-back content: nothing to add back.
    const preview = await releasePreview(s.db);
    expect(preview.added.map((i) => i.id)).not.toContain(added);
    expect(preview.changed.map((i) => i.id)).not.toContain(kept);
    // Something is validated again: the nightly release still waits for a person to confirm the rollback.
    await changeStatus(s.db, { challengeId: added, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'Revalidée' });
    expect(await publishNightlyRelease(s.db)).toEqual({ published: false, reason: 'rollback' });
    await expect(confirmRollback(s.db, { number: rolled.number, userId: s.author.id, roles: ['AUTHOR'] })).rejects.toMatchObject({ code: 'reviewerOnly' });
    await confirmRollback(s.db, { number: rolled.number, userId: s.reviewer.id, roles: REVIEWER });
    const night = await publishNightlyRelease(s.db);
    expect(night.published).toBe(true);
    expect(await servedVersion(added)).not.toBeNull();
    expect(await servedVersion(kept)).toBe((await s.db.challengeVersion.findFirstOrThrow({ where: { challengeId: kept, number: 1 } })).id);
  });
});

describe('rollbacks return skill statuses', () => {
  it('makes the skills the target release served active again, whatever their status since', async () => {
    const s = await setup();
    const kept = await liveOne(s, 'Servie par la première ?');
    const first = await publish(s, 'Avant les acquis');
    // After the first release: a new skill with a validated challenge, and the first skill archived.
    const later = await makeSkill(s.db, 4);
    const { challengeId: added } = await createChallenge(s.db, { skillId: later.id, userId: s.author.id, body: qrocBody('Nouvel acquis ?'), message: '' });
    await changeStatus(s.db, { challengeId: added, action: 'validate', userId: s.reviewer.id, roles: REVIEWER, message: 'ok' });
    await updateSkill(s.db, s.skill.id, { level: String(s.skill.level), status: 'archive', hint: '' });
    await publish(s, 'Acquis archivé');
    expect(await servedVersion(kept)).toBeNull();

    const rolled = await rollbackRelease(s.db, { toNumber: first.number, reason: 'Acquis archivé par erreur', userId: s.admin.id, roles: ['ADMIN'] });
    expect((await s.db.skill.findUniqueOrThrow({ where: { id: s.skill.id } })).status).toBe('actif');
    expect(rolled.skillChanges).toEqual(
      expect.arrayContaining([expect.objectContaining({ skillId: s.skill.id, from: { status: 'archive' }, to: { status: 'actif' } })]),
    );
    expect(rolled.skillChanges.map((c) => c.skillId)).not.toContain(later.id);
    const detail = await releaseDetail(s.db, rolled.number);
    expect(detail?.skillChanges.map((c) => c.skillId)).toContain(s.skill.id);
    expect(detail?.authoringChanges.every((c) => typeof c.challengeId === 'string')).toBe(true);
    // The rolled-back release serves the challenge again, and the next publication keeps serving it.
    expect(await servedVersion(kept)).not.toBeNull();
    const preview = await releasePreview(s.db);
    expect(preview.removed.map((i) => i.id)).not.toContain(kept);
    await publish(s, 'Après le retour');
    expect(await servedVersion(kept)).not.toBeNull();
    expect(await servedVersion(added)).toBeNull();
  });
});

describe('statuses with a way back', () => {
  it('revives a retired challenge as a new version in proposal (reviewers only)', async () => {
    const s = await setup();
    const id = await liveOne(s);
    await changeStatus(s.db, { challengeId: id, action: 'retire', userId: s.reviewer.id, roles: REVIEWER, message: 'Obsolète' });
    await expect(changeStatus(s.db, { challengeId: id, action: 'revive', userId: s.author.id, roles: ['AUTHOR'], message: 'x' })).rejects.toMatchObject({
      code: 'reviewerOnly',
    });
    await changeStatus(s.db, { challengeId: id, action: 'revive', userId: s.reviewer.id, roles: REVIEWER, message: 'Toujours utile' });
    const c = (await getChallenge(s.db, id))!;
    expect(c).toMatchObject({ status: 'propose', version: { number: 2 } });
    expect((await liveSnapshot(s.db)).some((i) => i.challengeId === id)).toBe(false);
  });
});

describe('parameters belong to a content version', () => {
  async function calibrated() {
    const s = await setup();
    const psy = await s.db.user.create({
      data: { email: `psy-${Date.now()}-${Math.random()}@exemple.fr`, passwordHash: 'x', firstName: 'Paul', lastName: 'Psy', roles: ['PSYCHOMETRICIAN'] },
    });
    const id = await liveOne(s);
    await publish(s, 'Calibrée');
    const v1 = (await getChallenge(s.db, id))!.version!.id;
    await s.db.parameterSet.updateMany({ where: { active: true }, data: { active: false } });
    const last = await s.db.parameterSet.findFirst({ orderBy: { version: 'desc' } });
    const set = await s.db.parameterSet.create({
      data: {
        version: (last?.version ?? 0) + 1,
        active: true,
        cutScores: {},
        items: { create: [{ challengeId: id, versionId: v1, a: 1.2, d: 0.4, b: -0.33 }] },
      },
    });
    return { ...s, psy, id, v1, set };
  }

  it('an answer key change makes the challenge uncalibrated for positioning until a psychometrician marks it', async () => {
    const c = await calibrated();
    // A change that is not scored (the explanation) keeps the parameters.
    const cosmetic = { ...qrocBody(), solutionExplanation: markdownLiteToDoc('Le café est fait de grains torréfiés.') };
    await saveChallenge(c.db, { challengeId: c.id, userId: c.author.id, body: cosmetic, message: 'Explication', baseVersionNumber: 1 });
    await changeStatus(c.db, { challengeId: c.id, action: 'validate', userId: c.reviewer.id, roles: REVIEWER, message: 'ok' });
    const v2 = (await getChallenge(c.db, c.id))!.version!.id;
    expect((await applicableParameters(c.db, c.set.id, [{ challengeId: c.id, versionId: v2 }])).get(c.id)).toMatchObject({ a: 1.2, versionId: c.v1 });

    // The answer key changes: not calibrated any more, in the positioning bank too.
    await saveChallenge(c.db, {
      challengeId: c.id,
      userId: c.author.id,
      body: { ...cosmetic, answer: { ...cosmetic.answer, accepted: ['thé'] } as never },
      message: 'Clé',
      baseVersionNumber: 2,
    });
    await changeStatus(c.db, { challengeId: c.id, action: 'validate', userId: c.reviewer.id, roles: REVIEWER, message: 'ok' });
    const release = await publish(c, 'Nouvelle clé');
    const v3 = (await getChallenge(c.db, c.id))!.version!.id;
    expect((await applicableParameters(c.db, c.set.id, [{ challengeId: c.id, versionId: v3 }])).has(c.id)).toBe(false);
    const status = await parameterVersionStatus(c.db, c.id);
    expect(status).toMatchObject({ calibratedVersion: 1, liveVersion: 3, applies: false, scoredChanges: ['answer'] });
    const competence = (await c.db.competence.findFirstOrThrow({ where: { tubes: { some: { skills: { some: { id: c.skill.id } } } } } })).code;
    const row = (await competenceByCode(c.db, competence))!;
    const releaseRow = await c.db.release.findUniqueOrThrow({ where: { number: release.number } });
    const bank = await loadBank(c.db, row, releaseRow.id, c.set.id);
    expect(bank.bank.challenges.find((x) => x.id === c.id)?.params).toBeNull();

    // Only a psychometrician marks it, with a reason; then the parameters apply again.
    await expect(markDifficultyUnchanged(c.db, { challengeId: c.id, reason: 'Même difficulté', userId: c.author.id, roles: ['AUTHOR'] })).rejects.toMatchObject(
      {
        code: 'forbidden',
      },
    );
    await expect(markDifficultyUnchanged(c.db, { challengeId: c.id, reason: ' ', userId: c.psy.id, roles: ['PSYCHOMETRICIAN'] })).rejects.toMatchObject({
      code: 'reasonRequired',
    });
    await markDifficultyUnchanged(c.db, { challengeId: c.id, reason: 'Synonyme exact : même difficulté', userId: c.psy.id, roles: ['PSYCHOMETRICIAN'] });
    expect(await parameterVersionStatus(c.db, c.id)).toMatchObject({
      applies: true,
      marks: [{ reason: 'Synonyme exact : même difficulté', versionNumber: 3, baseVersionNumber: 1 }],
    });
    const reloaded = await loadBank(c.db, row, releaseRow.id, c.set.id);
    expect(reloaded.bank.challenges.find((x) => x.id === c.id)?.params).toEqual({ a: 1.2, d: 0.4 });
  });

  it('calibration counts only answers given on the calibrated version or an equivalent one', async () => {
    const c = await calibrated();
    const learner = await c.db.user.create({
      data: { email: `eleve-${Date.now()}-${Math.random()}@exemple.fr`, passwordHash: 'x', firstName: 'Léa', lastName: 'Élève', roles: [] },
    });
    const answer = async (versionId: string) => {
      const a = await c.db.assessment.create({ data: { userId: learner.id, type: 'POSITIONING' } });
      await c.db.answer.create({ data: { assessmentId: a.id, challengeId: c.id, challengeVersionId: versionId, value: {}, result: 'ok' } });
    };
    await answer(c.v1);
    await answer(c.v1);
    await saveChallenge(c.db, { challengeId: c.id, userId: c.author.id, body: qrocBody(undefined, ['thé']), message: 'Clé', baseVersionNumber: 1 });
    await changeStatus(c.db, { challengeId: c.id, action: 'validate', userId: c.reviewer.id, roles: REVIEWER, message: 'ok' });
    await publish(c, 'Clé changée');
    const v2 = (await getChallenge(c.db, c.id))!.version!.id;
    await answer(v2);
    const live = [{ id: c.id, versionId: v2 }];
    const versionIds = await calibrationVersionIds(c.db, live);
    expect(versionIds).toEqual([v2]);
    const count = (ids: string[] | null) =>
      withPgClient(testDatabaseUrl(), (client) => countEligibleAnswers(client, [c.id], { limit: 100, afterId: null, versionIds: ids }));
    expect(await count(versionIds)).toBe(1);
    expect(await count(null)).toBe(3);
    // Marked as not affecting difficulty: the answers on version 1 are pooled with version 2's.
    await markDifficultyUnchanged(c.db, { challengeId: c.id, reason: 'Coquille corrigée', userId: c.psy.id, roles: ['PSYCHOMETRICIAN'] });
    expect((await calibrationVersionIds(c.db, live)).sort()).toEqual([c.v1, v2].sort());
    expect(await count(await calibrationVersionIds(c.db, live))).toBe(3);
  });
});

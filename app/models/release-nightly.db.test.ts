import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { createChallenge, saveChallenge } from './challenge.server';
import { changeStatus } from './workflow.server';
import { listReleases, publishNightlyRelease, publishRelease, releaseDetail, releasePreview, rollbackRelease } from './release-history.server';
import { latestRelease } from './release.server';
import { releasesProcessor } from '../../workers/releases';

async function liveChallenge() {
  const db = testDb();
  const skill = await makeSkill(db);
  const author = await makeUser(db, ['AUTHOR'], 'Camille');
  const reviewer = await makeUser(db, ['REVIEWER'], 'Rémi');
  const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
  await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: ['REVIEWER'], message: 'Relu' });
  return { db, challengeId, author, reviewer };
}

async function itemsOf(number: number) {
  const db = testDb();
  const r = await db.release.findUniqueOrThrow({ where: { number } });
  const items = await db.releaseChallenge.findMany({ where: { releaseId: r.id }, select: { challengeId: true, versionId: true } });
  return new Map(items.map((i) => [i.challengeId, i.versionId]));
}

describe('nightly release', () => {
  it('publishes when live content changed since the latest release, and not otherwise', async () => {
    const { db, challengeId, author, reviewer } = await liveChallenge();
    const first = await publishNightlyRelease(db);
    expect(first.published).toBe(true);
    const latest = await latestRelease(db);
    expect(latest?.kind).toBe('NIGHTLY');
    expect(latest?.createdById).toBeNull();
    expect(latest?.message).toMatch(/^Publication nocturne du \d\d\/\d\d\/\d{4}$/);
    expect((await itemsOf(latest!.number)).has(challengeId)).toBe(true);

    // Nothing new: nothing published (also through the worker's processor).
    expect(await publishNightlyRelease(db)).toEqual({ published: false, reason: 'unchanged' });
    const lines: string[] = [];
    const outcome = await releasesProcessor(db, (l) => lines.push(l))({ name: 'nightly-release' } as never);
    expect(outcome).toEqual({ published: false, reason: 'unchanged' });
    expect(lines).toEqual(['[releases] rien de nouveau (unchanged)']);

    // A live edit is a proposal: not published until another person validates it.
    const saved = await saveChallenge(db, {
      challengeId,
      userId: author.id,
      body: qrocBody('Quelle boisson chaude, faite de grains torréfiés ?'),
      message: 'Plus court',
      baseVersionNumber: 1,
    });
    expect(saved.kind).toBe('saved');
    expect(await publishNightlyRelease(db)).toEqual({ published: false, reason: 'unchanged' });
    await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: ['REVIEWER'], message: 'Relu' });
    const second = await publishNightlyRelease(db);
    expect(second.published).toBe(true);
    const current = await db.challenge.findUniqueOrThrow({ where: { id: challengeId } });
    expect((await itemsOf((second as { number: number }).number)).get(challengeId)).toBe(current.currentVersionId);
  });
});

describe('rollback', () => {
  it('creates a new release with the content of the chosen one, recording who and why (administrators only)', async () => {
    const { db, challengeId, author, reviewer } = await liveChallenge();
    const admin = await makeUser(db, ['ADMIN'], 'Alix');
    const token = async () => (await releasePreview(db)).token;
    const before = await publishRelease(db, { message: 'Avant', userId: reviewer.id, roles: ['REVIEWER'], previewToken: await token() });
    await saveChallenge(db, { challengeId, userId: author.id, body: qrocBody('Quelle boisson chaude avec des grains ?'), message: 'v2', baseVersionNumber: 1 });
    await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: ['REVIEWER'], message: 'Relu' });
    const after = await publishRelease(db, { message: 'Après', userId: reviewer.id, roles: ['REVIEWER'], previewToken: await token() });
    expect((await itemsOf(after.number)).get(challengeId)).not.toBe((await itemsOf(before.number)).get(challengeId));

    await expect(rollbackRelease(db, { toNumber: before.number, reason: 'Erreur', userId: reviewer.id, roles: ['REVIEWER'] })).rejects.toMatchObject({
      code: 'reviewerOnly',
    });
    await expect(rollbackRelease(db, { toNumber: before.number, reason: ' ', userId: admin.id, roles: ['ADMIN'] })).rejects.toMatchObject({
      code: 'messageRequired',
    });
    await expect(rollbackRelease(db, { toNumber: 999999, reason: 'x', userId: admin.id, roles: ['ADMIN'] })).rejects.toMatchObject({ code: 'notFound' });
    await expect(rollbackRelease(db, { toNumber: after.number, reason: 'x', userId: admin.id, roles: ['ADMIN'] })).rejects.toMatchObject({
      code: 'wrongStatus',
    });

    const rolled = await rollbackRelease(db, { toNumber: before.number, reason: 'La v2 contenait une erreur', userId: admin.id, roles: ['ADMIN'] });
    expect(rolled.number).toBe(after.number + 1);
    expect(await itemsOf(rolled.number)).toEqual(await itemsOf(before.number));
    // Earlier releases are untouched.
    expect((await itemsOf(after.number)).size).toBe((await itemsOf(after.number)).size);
    const detail = await releaseDetail(db, rolled.number);
    expect(detail).toMatchObject({
      kind: 'ROLLBACK',
      restoredFromNumber: before.number,
      message: 'La v2 contenait une erreur',
      createdBy: `Alix ${admin.lastName}`,
    });
    expect(detail?.changed.map((c) => c.id)).toContain(challengeId);
    expect((await listReleases(db, 1))[0]).toMatchObject({ number: rolled.number, kind: 'ROLLBACK', restoredFromNumber: before.number });

    // The next night does not undo the rollback: it waits until a person confirms it.
    expect(await publishNightlyRelease(db)).toEqual({ published: false, reason: 'rollback' });
  });
});

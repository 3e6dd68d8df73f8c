import { afterEach, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc } from '../../engine/challenges';
import { createChallenge, createDeclination, getChallenge } from './challenge.server';
import { addComment, changeStatus, listComments, reviewQueue, statusHistory, WorkflowError } from './workflow.server';
import { setAuthorsMayValidateOwn } from './platform-settings.server';
import { listReleases, publishRelease, releaseDetail, releasePreview } from './release-history.server';

const REVIEWER = ['REVIEWER'] as const;

async function setup() {
  const db = testDb();
  const skill = await makeSkill(db);
  const author = await makeUser(db, ['AUTHOR'], 'Camille');
  const reviewer = await makeUser(db, ['REVIEWER'], 'Rémi');
  return { db, skill, author, reviewer };
}

afterEach(async () => {
  await setAuthorsMayValidateOwn(testDb(), false);
});

describe('workflow', () => {
  it('goes proposé → submitted → validé, writing each change with its message and author', async () => {
    const { db, skill, author, reviewer } = await setup();
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    await changeStatus(db, { challengeId, action: 'submit', userId: author.id, roles: ['AUTHOR'], message: '' });
    expect((await reviewQueue(db, reviewer.id)).some((r) => r.id === challengeId)).toBe(true);
    await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'Relu, clair et juste' });
    expect((await getChallenge(db, challengeId))?.status).toBe('valide');
    const history = await statusHistory(db, challengeId);
    expect(history.map((h) => [h.from, h.to, h.message])).toEqual([
      ['submitted', 'valide', 'Relu, clair et juste'],
      ['propose', 'submitted', ''],
      [null, 'propose', 'Création'],
    ]);
    expect(history[0]?.by).toBe(`Rémi ${reviewer.lastName}`);
  });

  it('requires a message to validate, archive or retire, and only reviewers may', async () => {
    const { db, skill, author, reviewer } = await setup();
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    for (const action of ['validate', 'archive', 'retire'] as const) {
      await expect(changeStatus(db, { challengeId, action, userId: reviewer.id, roles: [...REVIEWER], message: '  ' })).rejects.toMatchObject({
        code: 'messageRequired',
        message: 'Un message expliquant le changement est obligatoire.',
      });
      await expect(changeStatus(db, { challengeId, action, userId: author.id, roles: ['AUTHOR'], message: 'ok' })).rejects.toMatchObject({
        code: 'reviewerOnly',
      });
    }
    await changeStatus(db, { challengeId, action: 'archive', userId: reviewer.id, roles: [...REVIEWER], message: 'Doublon' });
    expect((await getChallenge(db, challengeId))?.status).toBe('archive');
    await expect(changeStatus(db, { challengeId, action: 'submit', userId: author.id, roles: ['AUTHOR'], message: '' })).rejects.toMatchObject({
      code: 'wrongStatus',
    });
    await changeStatus(db, { challengeId, action: 'retire', userId: reviewer.id, roles: [...REVIEWER], message: 'Obsolète' });
    expect((await getChallenge(db, challengeId))?.status).toBe('perime');
  });

  it('refuses self-validation (author of any version) unless an administrator allowed it', async () => {
    const { db, skill, author, reviewer } = await setup();
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: reviewer.id, body: qrocBody(), message: '' });
    await changeStatus(db, { challengeId, action: 'submit', userId: reviewer.id, roles: [...REVIEWER], message: '' });
    const attempt = changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'Je valide' });
    await expect(attempt).rejects.toBeInstanceOf(WorkflowError);
    await expect(attempt).rejects.toMatchObject({ code: 'selfValidation' });
    expect((await reviewQueue(db, reviewer.id)).find((r) => r.id === challengeId)?.ownWork).toBe(true);

    await setAuthorsMayValidateOwn(db, true);
    await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'Autorisé' });
    expect((await getChallenge(db, challengeId))?.status).toBe('valide');
    void author;
  });

  it('refuses to validate a body that does not pass the checks', async () => {
    const { db, skill, author, reviewer } = await setup();
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    // A body stored by an older tool without accepted answers.
    const v = await db.challengeVersion.findFirstOrThrow({ where: { challengeId } });
    await db.challengeVersion.update({
      where: { id: v.id },
      data: { body: { ...qrocBody(), answer: { type: 'QROC', accepted: [], format: 'mots', tolerances: [] } } as object },
    });
    await expect(changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'ok' })).rejects.toMatchObject({
      code: 'qualityBlocking',
      details: ['QROC : aucune réponse acceptée.'],
    });
    expect((await getChallenge(db, challengeId))?.status).toBe('propose');
  });

  it('refuses validation with every blocking quality problem listed: dead tutorial link, giveaway', async () => {
    const { db, skill, author, reviewer } = await setup();
    const url = `https://mort.exemple.fr/${skill.id}`;
    await db.tutorial.create({ data: { key: `tuto-${skill.id}`, title: 'Mort', url, source: 'x', format: 'page', duration: '00:01:00', linkStatus: 'DEAD' } });
    const body = {
      ...qrocBody(),
      instruction: markdownLiteToDoc(`Quel navigateur est libre ? Indice : Firefox. [Aide](${url}/)`),
      answer: { type: 'QCU' as const, proposals: ['Firefox', 'Edge', 'Safari'], correct: 0, shuffle: true },
    };
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body, message: '' });
    const error = await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'ok' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe('qualityBlocking');
    expect((error as WorkflowError).details).toEqual([
      `Consigne : le lien ${url}/ ne répond plus (dernière vérification des liens).`,
      'La consigne donne la réponse : « Firefox » y figure.',
    ]);
    await db.tutorial.update({ where: { key: `tuto-${skill.id}` }, data: { linkStatus: 'OK' } });
    await expect(changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'ok' })).rejects.toMatchObject({
      code: 'qualityBlocking',
    });
  });

  it('validating a new prototype retires the previous live prototype and its declinations; declinations need a live prototype', async () => {
    const { db, skill, author, reviewer } = await setup();
    const validate = (challengeId: string) =>
      changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'Validé' });
    const old = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Ancien prototype ?'), message: '' });
    const oldDecl = await createDeclination(db, { prototypeId: old.challengeId, userId: author.id });
    const oldDraftDecl = await createDeclination(db, { prototypeId: old.challengeId, userId: author.id });

    // A declination cannot go live before its prototype.
    await expect(validate(oldDecl.challengeId)).rejects.toMatchObject({ code: 'prototypeNotLive' });
    await validate(old.challengeId);
    await validate(oldDecl.challengeId);

    const next = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Nouveau prototype ?'), message: '' });
    // Retiring them is an explicit choice: without confirmation nothing changes and they are listed.
    const refusal = await validate(next.challengeId).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'retireConfirm' });
    expect((refusal as WorkflowError).details.sort()).toEqual([old.key, oldDecl.key, oldDraftDecl.key].sort());
    expect((await getChallenge(db, old.challengeId))?.status).toBe('valide');
    expect((await getChallenge(db, next.challengeId))?.status).toBe('propose');
    const result = await changeStatus(db, {
      challengeId: next.challengeId,
      action: 'validate',
      userId: reviewer.id,
      roles: [...REVIEWER],
      message: 'Validé',
      confirmRetire: true,
    });
    expect(result.retired.sort()).toEqual([old.key, oldDecl.key, oldDraftDecl.key].sort());
    expect((await getChallenge(db, old.challengeId))?.status).toBe('perime');
    expect((await getChallenge(db, oldDecl.challengeId))?.status).toBe('perime');
    expect((await getChallenge(db, oldDraftDecl.challengeId))?.status).toBe('perime');
    expect((await getChallenge(db, next.challengeId))?.status).toBe('valide');
    expect((await statusHistory(db, old.challengeId))[0]?.message).toMatch(new RegExp(`nouveau prototype ${next.key}`));
  });

  it('sends a submitted challenge back with a comment on its version; comments are listed with their version', async () => {
    const { db, skill, author, reviewer } = await setup();
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    await changeStatus(db, { challengeId, action: 'submit', userId: author.id, roles: ['AUTHOR'], message: '' });
    await addComment(db, { challengeId, versionNumber: 1, userId: reviewer.id, body: 'La consigne est ambiguë.' });
    await expect(changeStatus(db, { challengeId, action: 'sendBack', userId: reviewer.id, roles: [...REVIEWER], message: '' })).rejects.toMatchObject({
      code: 'commentRequired',
    });
    await changeStatus(db, { challengeId, action: 'sendBack', userId: reviewer.id, roles: [...REVIEWER], message: 'Précisez la boisson attendue.' });
    expect((await getChallenge(db, challengeId))?.status).toBe('propose');
    const comments = await listComments(db, challengeId);
    expect(comments.map((c) => [c.body, c.versionNumber])).toEqual([
      ['La consigne est ambiguë.', 1],
      ['Précisez la boisson attendue.', 1],
    ]);
    await expect(addComment(db, { challengeId, versionNumber: null, userId: author.id, body: ' ' })).rejects.toMatchObject({ code: 'commentRequired' });
  });
});

describe('releases', () => {
  it('publishes with a message (reviewers only) and shows what changed since the previous release', async () => {
    const { db, skill, author, reviewer } = await setup();
    const token = async () => (await releasePreview(db)).token;
    await expect(publishRelease(db, { message: 'x', userId: author.id, roles: ['AUTHOR'], previewToken: await token() })).rejects.toMatchObject({
      code: 'reviewerOnly',
    });
    await expect(publishRelease(db, { message: '', userId: reviewer.id, roles: [...REVIEWER], previewToken: await token() })).rejects.toMatchObject({
      code: 'messageRequired',
    });
    const first = await publishRelease(db, { message: 'Avant', userId: reviewer.id, roles: [...REVIEWER], previewToken: await token() });

    const { challengeId, key } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    await changeStatus(db, { challengeId, action: 'validate', userId: reviewer.id, roles: [...REVIEWER], message: 'Validé' });
    const preview = await releasePreview(db);
    expect(preview.added.map((c) => c.key)).toEqual([key]);
    // A preview that is no longer what would be published is refused.
    await expect(publishRelease(db, { message: 'x', userId: reviewer.id, roles: [...REVIEWER], previewToken: 'ancien' })).rejects.toMatchObject({
      code: 'previewStale',
    });
    const second = await publishRelease(db, { message: 'Avec la nouvelle épreuve', userId: reviewer.id, roles: [...REVIEWER], previewToken: preview.token });
    expect(second.number).toBe(first.number + 1);

    const detail = await releaseDetail(db, second.number);
    expect(detail?.added.map((c) => c.key)).toEqual([key]);
    expect(detail?.changed).toEqual([]);
    expect(detail?.removed).toEqual([]);
    expect(detail?.added[0]).toMatchObject({ skill: skill.name, to: 1, from: null });

    await changeStatus(db, { challengeId, action: 'archive', userId: reviewer.id, roles: [...REVIEWER], message: 'Retirée' });
    const third = await publishRelease(db, { message: 'Sans elle', userId: reviewer.id, roles: [...REVIEWER], previewToken: await token() });
    const list = await listReleases(db);
    expect(list[0]).toMatchObject({ number: third.number, message: 'Sans elle', added: 0, changed: 0, removed: 1, previousNumber: second.number });
    expect(list[1]).toMatchObject({ number: second.number, added: 1, removed: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc } from '../../engine/challenges';
import {
  ChallengeError,
  createChallenge,
  createDeclination,
  diffVersions,
  discardDraft,
  getChallenge,
  getDraft,
  listChallenges,
  listVersions,
  restoreVersion,
  saveChallenge,
  saveDraft,
} from './challenge.server';
import { checkPostedBody } from './challenge-body.server';

describe('saving challenges as immutable versions', () => {
  it('creates version 1, then every save is version N+1 with its author and message; old versions never change', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR'], 'Camille');
    const created = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: 'Première écriture' });
    expect(created.number).toBe(1);
    expect(created.key).toMatch(new RegExp(`^${skill.name.slice(1)}-[a-z0-9]+$`));

    const v1 = await db.challengeVersion.findFirstOrThrow({ where: { challengeId: created.challengeId, number: 1 } });
    const changed = qrocBody('Quelle boisson chaude est faite avec des grains de café torréfiés ?', ['café', 'expresso']);
    const saved = await saveChallenge(db, {
      challengeId: created.challengeId,
      userId: author.id,
      body: changed,
      message: 'Ajout de « expresso »',
      baseVersionNumber: 1,
    });
    expect(saved).toEqual({ kind: 'saved', challengeId: created.challengeId, number: 2 });

    const versions = await listVersions(db, created.challengeId);
    expect(versions.map((v) => [v.number, v.message, v.author])).toEqual([
      [2, 'Ajout de « expresso »', `Camille ${author.lastName}`],
      [1, 'Première écriture', `Camille ${author.lastName}`],
    ]);
    const challenge = await getChallenge(db, created.challengeId);
    expect(challenge?.version?.number).toBe(2);
    expect(challenge?.status).toBe('propose');
    expect(await db.challengeVersion.findUniqueOrThrow({ where: { id: v1.id } })).toEqual(v1);

    const diff = await diffVersions(db, created.challengeId, 1, 2);
    expect(diff?.map((c) => c.key)).toEqual(['instruction', 'answer.accepted']);
    expect(diff?.[1]?.parts).toContainEqual({ op: 'insert', text: '\nexpresso' });
  });

  it('restores an old version as a new version on top', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Version un ?'), message: '' });
    await saveChallenge(db, { challengeId, userId: author.id, body: qrocBody('Version deux ?'), message: 'deux', baseVersionNumber: 1 });
    const restored = await restoreVersion(db, { challengeId, number: 1, userId: author.id, message: 'retour arrière' });
    expect(restored.number).toBe(3);
    const current = await getChallenge(db, challengeId);
    expect(current?.body).toEqual((await db.challengeVersion.findFirstOrThrow({ where: { challengeId, number: 1 } })).body);
    expect(current?.version?.message).toBe('Restauration de la version 1 : retour arrière');
    expect(await diffVersions(db, challengeId, 1, 3)).toEqual([]);
    await expect(restoreVersion(db, { challengeId, number: 9, userId: author.id })).rejects.toBeInstanceOf(ChallengeError);
  });

  it('refuses a save based on an older version as a conflict, keeps the body in the draft, and shows both sides', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const alice = await makeUser(db, ['AUTHOR'], 'Alice');
    const bob = await makeUser(db, ['AUTHOR'], 'Bob');
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: alice.id, body: qrocBody('Question de départ ?'), message: '' });

    // Both open version 1; Alice saves first.
    await saveChallenge(db, { challengeId, userId: alice.id, body: qrocBody('Question d’Alice ?'), message: 'Alice', baseVersionNumber: 1 });
    const bobsBody = qrocBody('Question de départ ?', ['café', 'kawa']);
    const outcome = await saveChallenge(db, { challengeId, userId: bob.id, body: bobsBody, message: 'Bob', baseVersionNumber: 1 });
    expect(outcome.kind).toBe('conflict');
    if (outcome.kind !== 'conflict') return;
    expect(outcome.baseNumber).toBe(1);
    expect(outcome.current).toMatchObject({ number: 2, author: `Alice ${alice.lastName}`, message: 'Alice' });
    expect(outcome.theirs.map((c) => c.key)).toEqual(['instruction']);
    expect(outcome.mine.map((c) => c.key)).toEqual(['answer.accepted']);
    // Nothing was saved as a version, and Bob's work is in his draft.
    expect((await listVersions(db, challengeId)).length).toBe(2);
    const draft = await getDraft(db, { challengeId, userId: bob.id });
    expect(draft?.body).toEqual(bobsBody);
    expect(draft?.baseVersionNumber).toBe(1);

    // Bob keeps his version on top of Alice's: version 3, and his draft is gone.
    const kept = await saveChallenge(db, { challengeId, userId: bob.id, body: bobsBody, message: 'Bob par-dessus', baseVersionNumber: 2 });
    expect(kept).toMatchObject({ kind: 'saved', number: 3 });
    expect(await getDraft(db, { challengeId, userId: bob.id })).toBeNull();
  });

  it('lets only one of two simultaneous saves on the same version through', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const a = await makeUser(db, ['AUTHOR']);
    const b = await makeUser(db, ['AUTHOR']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: a.id, body: qrocBody(), message: '' });
    const results = await Promise.all([
      saveChallenge(db, { challengeId, userId: a.id, body: qrocBody('A ?'), message: 'a', baseVersionNumber: 1 }),
      saveChallenge(db, { challengeId, userId: b.id, body: qrocBody('B ?'), message: 'b', baseVersionNumber: 1 }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['conflict', 'saved']);
    expect((await listVersions(db, challengeId)).length).toBe(2);
  });

  it('refuses new versions of an archived challenge', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const a = await makeUser(db, ['AUTHOR']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: a.id, body: qrocBody(), message: '' });
    await db.challenge.update({ where: { id: challengeId }, data: { status: 'archive' } });
    await expect(saveChallenge(db, { challengeId, userId: a.id, body: qrocBody('x ?'), message: '', baseVersionNumber: 1 })).rejects.toMatchObject({
      code: 'notEditable',
    });
  });
});

describe('drafts', () => {
  it('autosaves the editor state, gives it back, and a save discards it', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    const typing = qrocBody('Une consigne pas encore fini');
    expect(await saveDraft(db, { challengeId, skillId: skill.id, userId: author.id, bodyJson: JSON.stringify(typing), baseVersionNumber: 1 })).not.toBeNull();
    // Autosave again: still one draft, with the latest state.
    const later = qrocBody('Une consigne pas encore finie');
    await saveDraft(db, { challengeId, skillId: skill.id, userId: author.id, bodyJson: JSON.stringify(later), baseVersionNumber: 1 });
    expect(await db.challengeDraft.count({ where: { challengeId, userId: author.id } })).toBe(1);
    expect((await getDraft(db, { challengeId, userId: author.id }))?.body).toEqual(later);
    // Another author's draft is theirs alone.
    expect(await getDraft(db, { challengeId, userId: (await makeUser(db, ['AUTHOR'])).id })).toBeNull();

    await saveChallenge(db, { challengeId, userId: author.id, body: later, message: '', baseVersionNumber: 1 });
    expect(await getDraft(db, { challengeId, userId: author.id })).toBeNull();
  });

  it('keeps a draft of a challenge not created yet, per skill, removed when it is created or discarded', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    await saveDraft(db, {
      challengeId: null,
      skillId: skill.id,
      userId: author.id,
      bodyJson: JSON.stringify(qrocBody('Brouillon ?')),
      baseVersionNumber: null,
    });
    expect((await getDraft(db, { challengeId: null, skillId: skill.id, userId: author.id }))?.body.instruction).toEqual(markdownLiteToDoc('Brouillon ?'));
    await discardDraft(db, { challengeId: null, skillId: skill.id, userId: author.id });
    expect(await getDraft(db, { challengeId: null, skillId: skill.id, userId: author.id })).toBeNull();

    await saveDraft(db, {
      challengeId: null,
      skillId: skill.id,
      userId: author.id,
      bodyJson: JSON.stringify(qrocBody('Brouillon ?')),
      baseVersionNumber: null,
    });
    await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Brouillon ?'), message: '' });
    expect(await getDraft(db, { challengeId: null, skillId: skill.id, userId: author.id })).toBeNull();
  });

  it('ignores a draft that is not a challenge body', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    expect(
      await saveDraft(db, { challengeId: null, skillId: skill.id, userId: author.id, bodyJson: '{"instruction": 3}', baseVersionNumber: null }),
    ).toBeNull();
  });
});

describe('posted bodies', () => {
  it('refuses an image without alternative text with a French message, and sanitises what it keeps', () => {
    const body = qrocBody();
    body.instruction = {
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Voir : ' },
            { type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt: '' } },
          ],
        },
      ],
    };
    const refused = checkPostedBody(JSON.stringify(body));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors['instruction']?.[0]).toMatch(/texte alternatif/);

    body.instruction.content[0]!.content![1]!.attrs = { src: 'https://exemple.fr/a.png', alt: 'Un cadenas', onload: 'x' };
    body.instruction.content.push({ type: 'heading', content: [{ type: 'text', text: 'Titre' }] });
    const accepted = checkPostedBody(JSON.stringify(body));
    expect(accepted.ok).toBe(true);
    if (accepted.ok) {
      expect(accepted.body.instruction.content[0]!.content![1]!.attrs).toEqual({ src: 'https://exemple.fr/a.png', alt: 'Un cadenas' });
      expect(accepted.body.instruction.content[1]!.type).toBe('paragraph');
    }
    expect(checkPostedBody('pas du json').ok).toBe(false);
  });
});

describe('declinations and lists', () => {
  it('declines a prototype with a copy of its current body on the same skill', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const proto = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Prototype ?'), message: '' });
    const d = await createDeclination(db, { prototypeId: proto.challengeId, userId: author.id });
    expect(d.key).toBe(`${proto.key}-d1`);
    const declination = await getChallenge(db, d.challengeId);
    expect(declination).toMatchObject({ isPrototype: false, status: 'propose', prototype: { id: proto.challengeId }, skill: { id: skill.id } });
    expect(declination?.body).toEqual(qrocBody('Prototype ?'));
    await expect(createDeclination(db, { prototypeId: d.challengeId, userId: author.id })).rejects.toMatchObject({ code: 'notPrototype' });
  });

  it('filters the list by skill, status, type and text (accents and case ignored)', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const a = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Où se trouve la Bibliothèque ?'), message: '' });
    await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody('Autre question ?'), message: '' });
    const bySkill = await listChallenges(db, { skill: skill.name });
    expect(bySkill.total).toBe(2);
    const byText = await listChallenges(db, { skill: skill.name, q: 'bibliotheque' });
    expect(byText.rows.map((r) => r.id)).toEqual([a.challengeId]);
    expect(byText.rows[0]).toMatchObject({ status: 'propose', type: 'QROC', version: 1, skill: skill.name });
    expect((await listChallenges(db, { skill: skill.name, type: 'QCU' })).total).toBe(0);
    expect((await listChallenges(db, { skill: skill.name, status: 'valide' })).total).toBe(0);
  });
});

describe('stored bodies', () => {
  it('are checked where read: a malformed one is an error naming its version', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const created = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: 'v1' });
    const version = await db.challengeVersion.findFirstOrThrow({ where: { challengeId: created.challengeId, number: 1 } });
    await db.challengeVersion.update({ where: { id: version.id }, data: { body: { instruction: 'pas un document' } } });
    await expect(getChallenge(db, created.challengeId)).rejects.toThrow(`Malformed JSON in ChallengeVersion.body of row ${version.id}`);
  });
});

import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody, uid } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../../engine/challenges';
import { createChallenge, listChallenges, saveChallenge } from './challenge.server';
import { authorChoices, flagChoices, fullTextMatches } from './challenge-search.server';

function qcu(instruction: string, proposals: string[]): ChallengeBody {
  return {
    ...newChallengeBody('QCU', ['Camille']),
    instruction: markdownLiteToDoc(instruction),
    answer: { type: 'QCU', proposals, correct: 0, shuffle: true },
  };
}

describe('challenge search', () => {
  it('finds words of instructions and proposals with French stemming and accents ignored, best first', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const u = skill.id.slice(0, 8);
    const a = await createChallenge(db, {
      skillId: skill.id,
      userId: author.id,
      body: qrocBody(`Quels mots de passe choisir pour protéger ${u} ?`),
      message: '',
    });
    const b = await createChallenge(db, {
      skillId: skill.id,
      userId: author.id,
      body: qcu(`Que faire ${u} ?`, ['Changer de mot de passe', 'Rien']),
      message: '',
    });
    const c = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(`Où trouver la bibliothèque ${u} ?`), message: '' });

    // Plural/singular (stemming), in the instruction and in a proposal.
    const byWords = await listChallenges(db, { skill: skill.name, q: 'mot de passe' });
    expect(byWords.rows.map((r) => r.id).sort()).toEqual([a.challengeId, b.challengeId].sort());
    // Accents and case.
    expect((await listChallenges(db, { skill: skill.name, q: 'BIBLIOTHEQUE' })).rows.map((r) => r.id)).toEqual([c.challengeId]);
    // Only the current version is searched.
    await saveChallenge(db, {
      challengeId: c.challengeId,
      userId: author.id,
      body: qrocBody(`Où trouver la médiathèque ${u} ?`),
      message: 'v2',
      baseVersionNumber: 1,
    });
    expect((await listChallenges(db, { skill: skill.name, q: 'bibliothèque' })).total).toBe(0);
    expect((await listChallenges(db, { skill: skill.name, q: 'médiathèques' })).rows.map((r) => r.id)).toEqual([c.challengeId]);
    // Web-search syntax: exclusion.
    expect((await listChallenges(db, { skill: skill.name, q: 'passe -protéger' })).rows.map((r) => r.id)).toEqual([b.challengeId]);
    // Through the raw helper, ranked.
    const ranks = await fullTextMatches(db, `passe ${u}`);
    expect(ranks.has(a.challengeId) && ranks.has(b.challengeId)).toBe(true);
    // Search text that is not a tsquery does not break anything.
    expect((await listChallenges(db, { skill: skill.name, q: `'):!&| "` })).total).toBe(0);
  });

  it('searches the solution, tutorial titles, keys and skill names too, with accents folded the same way on both sides', async () => {
    const db = testDb();
    const u = uid();
    const [bySolution, byTutorial, bySkill] = [await makeSkill(db), await makeSkill(db), await makeSkill(db)];
    await db.skill.update({ where: { id: bySkill.id }, data: { name: `@hameconnage${u}2` } });
    const author = await makeUser(db, ['AUTHOR']);
    const explained = await createChallenge(db, {
      skillId: bySolution.id,
      userId: author.id,
      body: { ...qrocBody(`Quel est ce courriel ${u} ?`), solutionExplanation: markdownLiteToDoc('C’est une tentative d’**hameçonnage**.') },
      message: '',
    });
    const accepted = await createChallenge(db, { skillId: bySolution.id, userId: author.id, body: qrocBody('Quel mot ?', [`chalut${u}`]), message: '' });
    const tutored = await createChallenge(db, { skillId: byTutorial.id, userId: author.id, body: qrocBody('Que faire ?'), message: '' });
    const tutorial = await db.tutorial.create({
      data: { key: `tuto-${u}`, title: 'Se protéger du hameçonnage', url: 'https://exemple.fr/tuto', source: 'Test', format: 'page', duration: '00:05:00' },
    });
    await db.skillTutorial.create({ data: { skillId: byTutorial.id, tutorialId: tutorial.id, kind: 'LEARN_MORE' } });
    const named = await createChallenge(db, { skillId: bySkill.id, userId: author.id, body: qrocBody('Que voir ?'), message: '' });
    const mine = [explained.challengeId, tutored.challengeId, named.challengeId].sort();

    const found = async (q: string) => [...(await fullTextMatches(db, q)).keys()].filter((id) => [...mine, accepted.challengeId].includes(id)).sort();
    expect(await found('hameçonnage')).toEqual(mine);
    expect(await found('hameconnage')).toEqual(mine);
    expect(await found('HAMEÇONNAGE')).toEqual(mine);
    // Accepted answers are part of the solution.
    expect(await found(`chalut${u}`)).toEqual([accepted.challengeId]);
    // Through the list: the skill name, and the key folded like the rest.
    expect((await listChallenges(db, { skill: `@hameconnage${u}2`, q: 'hameçonnage' })).rows.map((r) => r.id)).toEqual([named.challengeId]);
    const key = (await db.challenge.findUniqueOrThrow({ where: { id: named.challengeId }, select: { key: true } })).key;
    expect((await listChallenges(db, { q: key.toUpperCase() })).rows.map((r) => r.id)).toContain(named.challengeId);
    // The instruction's own words rank above a tutorial title.
    const ranks = await fullTextMatches(db, 'hameçonnage');
    expect(ranks.get(explained.challengeId)!).toBeGreaterThan(ranks.get(tutored.challengeId)!);
  });

  it('finds by skill @name (or tube), by id and by key, and filters by author', async () => {
    const db = testDb();
    const skill = await makeSkill(db, 3);
    const [ana, ben] = [await makeUser(db, ['AUTHOR'], 'Ana'), await makeUser(db, ['AUTHOR'], 'Ben')];
    const a = await createChallenge(db, { skillId: skill.id, userId: ana.id, body: qrocBody(), message: '' });
    const b = await createChallenge(db, { skillId: skill.id, userId: ben.id, body: qrocBody(), message: '' });
    expect((await listChallenges(db, { q: skill.name })).total).toBe(2);
    expect((await listChallenges(db, { q: skill.name.slice(0, -1) })).total).toBe(2); // the tube
    expect((await listChallenges(db, { q: a.challengeId })).rows.map((r) => r.id)).toEqual([a.challengeId]);
    expect((await listChallenges(db, { q: b.key.toUpperCase() })).rows.map((r) => r.id)).toEqual([b.challengeId]);
    expect((await listChallenges(db, { skill: skill.name, author: ben.id })).rows.map((r) => r.id)).toEqual([b.challengeId]);
    // Ben edits Ana's challenge: it is his too.
    await saveChallenge(db, { challengeId: a.challengeId, userId: ben.id, body: qrocBody('Autre ?'), message: 'v2', baseVersionNumber: 1 });
    expect((await listChallenges(db, { skill: skill.name, author: ben.id })).total).toBe(2);
    expect((await authorChoices(db)).some((x) => x.id === ana.id)).toBe(true);
  });

  it('filters by the flags of the latest finished calibration run', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const author = await makeUser(db, ['AUTHOR']);
    const a = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    const b = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: '' });
    const item = (challengeId: string, flags: string[]) => ({ challengeId, a: 1, d: 0, b: 0, n: 120, pValue: 0.5, flags });
    const old = await db.calibrationRun.create({
      data: {
        status: 'SUCCEEDED',
        model: '2pl',
        settings: {},
        finishedAt: new Date(Date.now() - 3600_000),
        items: { create: [item(b.challengeId, ['misfit'])] },
      },
    });
    const run = await db.calibrationRun.create({
      data: {
        status: 'SUCCEEDED',
        model: '2pl',
        settings: {},
        finishedAt: new Date(),
        items: { create: [item(a.challengeId, ['misfit', 'low_discrimination']), item(b.challengeId, [])] },
      },
    });
    try {
      expect((await listChallenges(db, { skill: skill.name, flag: 'misfit' })).rows.map((r) => r.id)).toEqual([a.challengeId]);
      expect((await listChallenges(db, { skill: skill.name, flag: '*' })).rows.map((r) => r.id)).toEqual([a.challengeId]);
      expect((await listChallenges(db, { skill: skill.name, flag: 'drift' })).total).toBe(0);
      expect(await flagChoices(db)).toEqual(expect.arrayContaining(['low_discrimination', 'misfit']));
    } finally {
      await db.calibrationRun.deleteMany({ where: { id: { in: [run.id, old.id] } } });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { createChallenge, saveDraft } from './challenge.server';
import { challengeListPage, newChallengePage, skillForNewChallenge } from './challenge-pages.server';
import { creationOverview } from './workspace.server';
import { newTubeForm } from './tube.server';

async function skillWithPlace() {
  const db = testDb();
  const skill = await makeSkill(db);
  const place = await db.skill.findUniqueOrThrow({
    where: { id: skill.id },
    select: { tube: { select: { name: true, competence: { select: { code: true, titleFr: true, titleEn: true } } } } },
  });
  return { db, skill, tube: place.tube.name, competence: place.tube.competence };
}

describe('challenge pages', () => {
  it('lists by a skill given by id, showing its name, tube and competence; an unknown id lists nothing', async () => {
    const { db, skill, tube, competence } = await skillWithPlace();
    const author = await makeUser(db, ['AUTHOR']);
    const created = await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: 'v1' });
    const page = await challengeListPage(db, { skill: skill.id });
    expect(page.filters).toEqual({ skill: skill.name, tube, competence: competence.code });
    expect(page.rows.map((r) => r.id)).toEqual([created.challengeId]);
    expect(page.choices.some((c) => c.code === competence.code)).toBe(true);
    expect(page.authors.some((a) => a.id === author.id)).toBe(true);
    // A tube chosen already is kept.
    expect((await challengeListPage(db, { skill: skill.id, tube: '@autre' })).filters.tube).toBe('@autre');
    const unknown = await challengeListPage(db, { skill: '00000000-0000-0000-0000-000000000000' });
    expect(unknown.filters.skill).toBe('@?');
    expect(unknown.total).toBe(0);
  });

  it('starts a new challenge from the author’s draft for the skill, else from a fresh body signed with their name', async () => {
    const { db, skill } = await skillWithPlace();
    const author = await makeUser(db, ['AUTHOR'], 'Camille');
    expect(await skillForNewChallenge(db, skill.name)).toMatchObject({ id: skill.id, name: skill.name });
    expect(await skillForNewChallenge(db, skill.id)).toMatchObject({ id: skill.id });
    expect(await skillForNewChallenge(db, '')).toBeNull();

    const fresh = await newChallengePage(db, author, skill.name);
    expect(fresh).toMatchObject({ skill: { id: skill.id }, choices: null, unknown: false, draft: null });
    expect(fresh.body!.authors).toEqual([`Camille ${author.lastName}`]);
    const body = qrocBody('Une question en cours');
    expect(
      await saveDraft(db, { challengeId: null, skillId: skill.id, userId: author.id, bodyJson: JSON.stringify(body), baseVersionNumber: null }),
    ).not.toBeNull();
    const resumed = await newChallengePage(db, author, skill.id);
    expect(resumed.body).toEqual(body);
    expect(resumed.draft).not.toBeNull();
    // Another author starts afresh: a draft is its author's own.
    const other = await makeUser(db, ['AUTHOR'], 'Léa');
    expect((await newChallengePage(db, other, skill.id)).draft).toBeNull();

    expect(await newChallengePage(db, author, '@nexistepas')).toMatchObject({ skill: null, unknown: true, body: null });
    expect(await newChallengePage(db, author, '')).toMatchObject({ skill: null, unknown: false });
  });

  it('counts challenges by competence and status on the creation home', async () => {
    const { db, skill, competence } = await skillWithPlace();
    const author = await makeUser(db, ['AUTHOR']);
    await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: 'v1' });
    await createChallenge(db, { skillId: skill.id, userId: author.id, body: qrocBody(), message: 'v1' });
    const home = await creationOverview(db);
    expect(home.rows.find((r) => r.code === competence.code)).toEqual({
      code: competence.code,
      titleFr: competence.titleFr,
      titleEn: competence.titleEn,
      counts: { propose: 2, submitted: 0, valide: 0, archive: 0, perime: 0 },
    });
    expect(home.submitted).toBe(await db.challenge.count({ where: { status: 'submitted' } }));
  });

  it('gives the new-tube form its competence and thematics, and null for an unknown competence', async () => {
    const { db, competence } = await skillWithPlace();
    const form = await newTubeForm(db, competence.code);
    expect(form).toMatchObject({ competence: { code: competence.code, titleFr: competence.titleFr } });
    expect(form!.thematics).toHaveLength(1);
    expect(await newTubeForm(db, 'Z.99')).toBeNull();
  });
});

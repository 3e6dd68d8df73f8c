import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { ensureCompetence, removeFrameworkData, uniqueLetters } from '../../tests/setup/framework';
import { createThematic } from './thematic.server';
import { createTube } from './tube.server';
import { createSkill, getSkillPage } from './skill.server';
import {
  attachTutorial,
  createTutorial,
  detachTutorial,
  getTutorial,
  listTutorials,
  moveTutorial,
  skillTutorialIds,
  updateTutorial,
  type TutorialInput,
} from './tutorial.server';

const db = testDb();
const run = uniqueLetters();
const thematicIds: string[] = [];
const tutorialIds: string[] = [];
let skillId = '';

const input = (title: string, extra: Partial<TutorialInput> = {}): TutorialInput => ({
  title,
  url: `https://exemple.fr/${run}/${encodeURIComponent(title)}`,
  source: 'Exemple',
  format: 'vidéo',
  duration: '00:04:30',
  locale: 'fr-fr',
  licence: '',
  ...extra,
});

async function tutorial(title: string) {
  const result = await createTutorial(db, input(title));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  tutorialIds.push(result.value.id);
  return result.value.id;
}

beforeAll(async () => {
  await ensureCompetence(db, '5.2');
  const th = await createThematic(db, '5.2', { name: `Tutoriels de test ${run}` });
  if (!th.ok) throw new Error('thématique');
  thematicIds.push(th.value.id);
  const tube = await createTube(db, '5.2', { name: `@r${run}`, title: 'Réseau', description: 'Le réseau de la maison.', thematicId: th.value.id });
  if (!tube.ok) throw new Error('sujet');
  const skill = await createSkill(db, tube.value.id, { level: '2', status: 'actif', hint: 'Regardez la box.' });
  if (!skill.ok) throw new Error('acquis');
  skillId = skill.value.id;
});

afterAll(async () => {
  await removeFrameworkData(db, { thematicIds, tutorialIds });
});

describe('tutorial library', () => {
  it('creates a tutorial with a key from its title, unchecked', async () => {
    const result = await createTutorial(db, input(`Box internet ${run}`, { licence: ' CC BY 4.0 ' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    tutorialIds.push(result.value.id);
    expect(result.value.key).toBe(`tuto-box-internet-${run}`);
    const saved = await getTutorial(db, result.value.id);
    expect(saved).toMatchObject({ format: 'vidéo', duration: '00:04:30', licence: 'CC BY 4.0', linkStatus: 'UNCHECKED', lastCheckedAt: null });
    // Same title again: another key.
    const again = await createTutorial(db, input(`Box internet ${run}`));
    if (!again.ok) throw new Error('second');
    tutorialIds.push(again.value.id);
    expect(again.value.key).toBe(`tuto-box-internet-${run}-2`);
  });

  it('refuses bad fields with one message each', async () => {
    const result = await createTutorial(db, {
      title: '',
      url: 'javascript:alert(1)',
      source: '',
      format: 'film',
      duration: '5 min',
      locale: 'klingon',
      licence: '',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        title: 'error.tutorial.title.required',
        url: 'error.tutorial.url.invalid',
        source: 'error.tutorial.source.required',
        format: 'error.tutorial.format.invalid',
        duration: 'error.tutorial.duration.invalid',
        locale: 'error.tutorial.locale.invalid',
      },
    });
    expect(await createTutorial(db, input('Durée nulle', { duration: '00:00:00' }))).toEqual({
      ok: false,
      errors: { duration: 'error.tutorial.duration.invalid' },
    });
  });

  it('a new address forgets the previous link check', async () => {
    const id = await tutorial(`Vérifié ${run}`);
    await db.tutorial.update({ where: { id }, data: { linkStatus: 'DEAD', lastCheckedAt: new Date(), lastCheckNote: 'HTTP 404' } });
    expect((await updateTutorial(db, id, input(`Vérifié ${run}`, { source: 'Autre source' }))).ok).toBe(true);
    expect(await getTutorial(db, id)).toMatchObject({ source: 'Autre source', linkStatus: 'DEAD', lastCheckNote: 'HTTP 404' });
    expect((await updateTutorial(db, id, input(`Vérifié ${run}`, { url: `https://exemple.fr/${run}/nouvelle` }))).ok).toBe(true);
    expect(await getTutorial(db, id)).toMatchObject({ linkStatus: 'UNCHECKED', lastCheckedAt: null, lastCheckNote: null });
  });

  it('filters by text, link status and format, dead links first', async () => {
    const dead = await tutorial(`Filtre mort ${run}`);
    const ok = await tutorial(`Filtre vivant ${run}`);
    await db.tutorial.update({ where: { id: dead }, data: { linkStatus: 'DEAD' } });
    await db.tutorial.update({ where: { id: ok }, data: { linkStatus: 'OK', format: 'pdf' } });
    expect((await listTutorials(db, { q: `filtre`, status: '' })).filter((t) => t.title.includes(run)).map((t) => t.id)).toEqual([dead, ok]);
    expect((await listTutorials(db, { q: run, status: 'DEAD' })).map((t) => t.id)).toEqual([dead]);
    expect((await listTutorials(db, { q: run, format: 'pdf' })).map((t) => t.id)).toEqual([ok]);
  });
});

describe('tutorials of a skill', () => {
  it('attaches tutorials at the end of each list, refuses the same one twice in a list', async () => {
    const [a, b, c] = [await tutorial(`A ${run}`), await tutorial(`B ${run}`), await tutorial(`C ${run}`)];
    expect(await attachTutorial(db, skillId, a, 'UNDERSTAND')).toEqual({ ok: true });
    expect(await attachTutorial(db, skillId, b, 'UNDERSTAND')).toEqual({ ok: true });
    expect(await attachTutorial(db, skillId, c, 'UNDERSTAND')).toEqual({ ok: true });
    expect(await attachTutorial(db, skillId, a, 'LEARN_MORE')).toEqual({ ok: true });
    expect(await attachTutorial(db, skillId, b, 'UNDERSTAND')).toEqual({ ok: false, error: 'error.attach.already' });
    expect(await attachTutorial(db, skillId, '', 'UNDERSTAND')).toEqual({ ok: false, error: 'error.attach.tutorial' });
    expect(await attachTutorial(db, skillId, a, 'OTHER')).toEqual({ ok: false, error: 'error.attach.kind' });
    expect(await skillTutorialIds(db, skillId, 'UNDERSTAND')).toEqual([a, b, c]);
    expect(await skillTutorialIds(db, skillId, 'LEARN_MORE')).toEqual([a]);
    const page = await getSkillPage(db, skillId);
    expect(page?.understand.map((t) => t.id)).toEqual([a, b, c]);
    expect(page?.issues).not.toContain('no_tutorial');
    expect((await getTutorial(db, a))?.skills.map((s) => s.kind)).toEqual(['UNDERSTAND', 'LEARN_MORE']);
  });

  it('reorders and detaches, keeping the order of the others', async () => {
    const [a, b, c] = await skillTutorialIds(db, skillId, 'UNDERSTAND');
    expect(await moveTutorial(db, skillId, c!, 'UNDERSTAND', 'up')).toBe(true);
    expect(await skillTutorialIds(db, skillId, 'UNDERSTAND')).toEqual([a, c, b]);
    expect(await moveTutorial(db, skillId, a!, 'UNDERSTAND', 'up')).toBe(false);
    expect(await moveTutorial(db, skillId, a!, 'UNDERSTAND', 'down')).toBe(true);
    expect(await skillTutorialIds(db, skillId, 'UNDERSTAND')).toEqual([c, a, b]);
    expect(await detachTutorial(db, skillId, a!, 'UNDERSTAND')).toBe(true);
    expect(await skillTutorialIds(db, skillId, 'UNDERSTAND')).toEqual([c, b]);
    const positions = await db.skillTutorial.findMany({ where: { skillId, kind: 'UNDERSTAND' }, orderBy: { position: 'asc' }, select: { position: true } });
    expect(positions.map((p) => p.position)).toEqual([0, 1]);
    // Detaching from one list leaves the other alone.
    expect(await skillTutorialIds(db, skillId, 'LEARN_MORE')).toEqual([a]);
    expect(await attachTutorial(db, skillId, a!, 'UNDERSTAND')).toEqual({ ok: true });
    expect(await skillTutorialIds(db, skillId, 'UNDERSTAND')).toEqual([c, b, a]);
  });

  it('flags a dead link on the skills that use it', async () => {
    const [first] = await skillTutorialIds(db, skillId, 'UNDERSTAND');
    await db.tutorial.update({ where: { id: first! }, data: { linkStatus: 'DEAD', lastCheckNote: 'HTTP 404', lastCheckedAt: new Date() } });
    const page = await getSkillPage(db, skillId);
    expect(page?.issues).toContain('dead_tutorial');
    expect(page?.understand[0]).toMatchObject({ linkStatus: 'DEAD', lastCheckNote: 'HTTP 404' });
  });
});

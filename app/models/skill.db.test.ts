import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { ensureCompetence, removeFrameworkData, uniqueLetters } from '../../tests/setup/framework';
import { createThematic } from './thematic.server';
import { createTube } from './tube.server';
import { createSkill, getSkillPage, updateSkill } from './skill.server';
import { competenceWorkspace } from './workspace.server';

const db = testDb();
const run = uniqueLetters();
const thematicIds: string[] = [];
let tubeId = '';
const tubeName = `@s${run}`;

beforeAll(async () => {
  await ensureCompetence(db, '5.2');
  const th = await createThematic(db, '5.2', { name: `Acquis de test ${run}` });
  if (!th.ok) throw new Error('thématique');
  thematicIds.push(th.value.id);
  const tube = await createTube(db, '5.2', { name: tubeName, title: 'Sauvegardes', description: 'Sauvegarder ses fichiers.', thematicId: th.value.id });
  if (!tube.ok) throw new Error('sujet');
  tubeId = tube.value.id;
});

afterAll(async () => {
  await db.challenge.deleteMany({ where: { skill: { tubeId } } });
  await removeFrameworkData(db, { thematicIds });
});

describe('skills', () => {
  it('creates a skill named tube + level with its status and hint', async () => {
    const result = await createSkill(db, tubeId, { level: '3', status: 'en_construction', hint: '  Pensez au disque externe.  ' });
    expect(result).toMatchObject({ ok: true, value: { name: `${tubeName}3` } });
    const skill = await db.skill.findUnique({ where: { name: `${tubeName}3` } });
    expect(skill).toMatchObject({ level: 3, status: 'en_construction', hint: 'Pensez au disque externe.' });
  });

  it('allows one skill per level in a tube', async () => {
    expect(await createSkill(db, tubeId, { level: '3', status: 'actif', hint: '' })).toEqual({ ok: false, errors: { level: 'error.skill.level.taken' } });
    const four = await createSkill(db, tubeId, { level: '4', status: 'actif', hint: '' });
    if (!four.ok) throw new Error('niveau 4');
    expect(await updateSkill(db, four.value.id, { level: '3', status: 'actif', hint: '' })).toEqual({
      ok: false,
      errors: { level: 'error.skill.level.taken' },
    });
  });

  it('refuses a level outside 1–8 and an unknown status, with a message per field', async () => {
    expect(await createSkill(db, tubeId, { level: '9', status: 'brouillon', hint: '' })).toEqual({
      ok: false,
      errors: { level: 'error.skill.level.range', status: 'error.skill.status.invalid' },
    });
    expect(await createSkill(db, tubeId, { level: '', status: 'actif', hint: '' })).toEqual({ ok: false, errors: { level: 'error.skill.level.required' } });
    expect(await createSkill(db, tubeId, { level: '2.5', status: 'actif', hint: 'x'.repeat(501) })).toEqual({
      ok: false,
      errors: { level: 'error.skill.level.range', hint: 'error.skill.hint.tooLong' },
    });
  });

  it('changes a skill status, keeps a périmé skill périmé', async () => {
    const created = await createSkill(db, tubeId, { level: '6', status: 'en_construction', hint: '' });
    if (!created.ok) throw new Error('niveau 6');
    const id = created.value.id;
    for (const status of ['actif', 'archive', 'actif', 'perime']) {
      expect((await updateSkill(db, id, { level: '6', status, hint: '' })).ok, status).toBe(true);
      expect((await db.skill.findUniqueOrThrow({ where: { id } })).status).toBe(status);
    }
    expect(await updateSkill(db, id, { level: '6', status: 'actif', hint: '' })).toEqual({ ok: false, errors: { status: 'error.skill.status.final' } });
    expect((await db.skill.findUniqueOrThrow({ where: { id } })).status).toBe('perime');
  });

  it('moves a skill without challenges to a free level (renamed), but not one that has challenges', async () => {
    const created = await createSkill(db, tubeId, { level: '1', status: 'actif', hint: '' });
    if (!created.ok) throw new Error('niveau 1');
    const moved = await updateSkill(db, created.value.id, { level: '2', status: 'actif', hint: '' });
    expect(moved).toEqual({ ok: true, value: { id: created.value.id, name: `${tubeName}2` } });
    await db.challenge.create({ data: { key: `test-${run}-1`, skillId: created.value.id, type: 'QCU', status: 'valide' } });
    expect(await updateSkill(db, created.value.id, { level: '1', status: 'actif', hint: '' })).toEqual({
      ok: false,
      errors: { level: 'error.skill.level.hasChallenges' },
    });
    // Other changes still go through.
    expect((await updateSkill(db, created.value.id, { level: '2', status: 'actif', hint: 'Un indice' })).ok).toBe(true);
  });

  it('shows in the competence grid with its challenges by status and what it lacks', async () => {
    const skill = await db.skill.findUniqueOrThrow({ where: { name: `${tubeName}2` } });
    await db.challenge.create({ data: { key: `test-${run}-2`, skillId: skill.id, type: 'QCU', status: 'propose', isPrototype: false } });
    await db.challenge.create({ data: { key: `test-${run}-3`, skillId: skill.id, type: 'QCU', status: 'submitted', isPrototype: false } });
    const grid = await competenceWorkspace(db, '5.2');
    const tube = grid?.thematics.flatMap((th) => th.tubes).find((t) => t.name === tubeName);
    expect(tube?.skills.map((s) => s.level)).toEqual([2, 3, 4, 6]);
    const cell = tube?.skills.find((s) => s.level === 2);
    expect(cell?.challenges).toEqual({ propose: 1, submitted: 1, valide: 1, archive: 0, perime: 0 });
    // Live prototype but no live declination, and no tutorial.
    expect(cell?.issues).toEqual(['no_declination', 'no_tutorial']);
    const page = await getSkillPage(db, skill.id);
    expect(page?.hasChallenges).toBe(true);
    expect(page?.issues).toEqual(['no_declination', 'no_tutorial']);
  });
});

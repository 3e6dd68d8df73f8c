import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { ensureCompetence, removeFrameworkData, uniqueLetters } from '../../tests/setup/framework';
import { createThematic, updateThematic } from './thematic.server';
import { createTube, getTube, updateTube } from './tube.server';
import { createSkill } from './skill.server';

const db = testDb();
const run = uniqueLetters();
const thematicIds: string[] = [];
let thematicId = '';
let otherThematicId = '';

beforeAll(async () => {
  await ensureCompetence(db, '5.2');
  await ensureCompetence(db, '5.1');
  const th = await createThematic(db, '5.2', { name: `Sujets de test ${run}` });
  const other = await createThematic(db, '5.2', { name: `Autres sujets ${run}` });
  if (!th.ok || !other.ok) throw new Error('thématiques de test');
  thematicId = th.value.id;
  otherThematicId = other.value.id;
  thematicIds.push(thematicId, otherThematicId);
});

afterAll(async () => {
  await removeFrameworkData(db, { thematicIds });
});

const valid = () => ({ name: `@t${run}`, title: 'Codage binaire', description: 'Lire et écrire un nombre en binaire.', thematicId });

describe('thematics', () => {
  it('creates a thematic with a key made from the competence and the name, at the end of the competence', async () => {
    const created = await createThematic(db, '5.2', { name: `Réseaux domestiques ${run}` });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    thematicIds.push(created.value.id);
    expect(created.value.key).toBe(`5.2-reseaux-domestiques-${run}`);
    const positions = await db.thematic.findMany({ where: { competence: { code: '5.2' } }, orderBy: { position: 'asc' }, select: { id: true } });
    expect(positions.at(-1)?.id).toBe(created.value.id);
  });

  it('refuses an empty name and a name already used in the competence, and renames', async () => {
    expect(await createThematic(db, '5.2', { name: '  ' })).toEqual({ ok: false, errors: { name: 'error.thematic.name.required' } });
    expect(await createThematic(db, '5.2', { name: `sujets de test ${run}` })).toEqual({ ok: false, errors: { name: 'error.thematic.name.taken' } });
    expect(await updateThematic(db, otherThematicId, { name: `Sujets de test ${run}` })).toEqual({ ok: false, errors: { name: 'error.thematic.name.taken' } });
    expect((await updateThematic(db, otherThematicId, { name: `Autres sujets renommés ${run}` })).ok).toBe(true);
  });
});

describe('tube name rules', () => {
  it('creates a tube with a valid @name, title and description', async () => {
    const result = await createTube(db, '5.2', valid());
    expect(result.ok).toBe(true);
    const tube = await db.tube.findUnique({ where: { name: `@t${run}` }, include: { competence: true } });
    expect(tube?.title).toBe('Codage binaire');
    expect(tube?.competence.code).toBe('5.2');
  });

  it('refuses names that are not @ + lowercase letters and digits ending with a letter, with a message per problem', async () => {
    const cases: [string, string][] = [
      ['', 'error.tube.name.required'],
      ['binaire', 'error.tube.name.at'],
      ['@Binaire', 'error.tube.name.characters'],
      ['@codage-binaire', 'error.tube.name.characters'],
      ['@binaire2', 'error.tube.name.edges'],
      ['@2fa', 'error.tube.name.edges'],
    ];
    for (const [name, message] of cases) {
      const result = await createTube(db, '5.2', { ...valid(), name });
      expect(result, name).toEqual({ ok: false, errors: { name: message } });
    }
  });

  it('refuses a name already used anywhere in the framework', async () => {
    const result = await createTube(db, '5.2', { ...valid(), title: 'Autre' });
    expect(result).toEqual({ ok: false, errors: { name: 'error.tube.name.taken' } });
  });

  it('requires a practical title, a description and a thematic of the same competence, all reported at once', async () => {
    const foreign = await createThematic(db, '5.1', { name: `Ailleurs ${run}` });
    if (!foreign.ok) throw new Error('thématique 5.1');
    thematicIds.push(foreign.value.id);
    const result = await createTube(db, '5.2', { name: `@u${run}`, title: ' ', description: '', thematicId: foreign.value.id });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      title: 'error.tube.title.required',
      description: 'error.tube.description.required',
      thematicId: 'error.tube.thematic.required',
    });
    const takenAndWrongThematic = await createTube(db, '5.2', { ...valid(), thematicId: foreign.value.id });
    expect(takenAndWrongThematic).toEqual({ ok: false, errors: { name: 'error.tube.name.taken', thematicId: 'error.tube.thematic.required' } });
  });

  it('renaming a tube renames its skills; moving it puts it at the end of the other thematic', async () => {
    const created = await createTube(db, '5.2', { ...valid(), name: `@v${run}` });
    if (!created.ok) throw new Error('tube');
    await createSkill(db, created.value.id, { level: '2', status: 'actif', hint: '' });
    await createSkill(db, created.value.id, { level: '5', status: 'en_construction', hint: '' });
    const renamed = await updateTube(db, created.value.id, { ...valid(), name: `@w${run}`, thematicId: otherThematicId });
    expect(renamed.ok).toBe(true);
    const tube = await getTube(db, created.value.id);
    expect(tube?.name).toBe(`@w${run}`);
    expect(tube?.thematic.id).toBe(otherThematicId);
    expect(tube?.skills.map((s) => s.name)).toEqual([`@w${run}2`, `@w${run}5`]);
    // Saving a tube under its own name is not a clash with itself.
    expect((await updateTube(db, created.value.id, { ...valid(), name: `@w${run}`, title: 'Nouveau titre' })).ok).toBe(true);
    // …but taking another tube's name is.
    expect(await updateTube(db, created.value.id, { ...valid() })).toEqual({ ok: false, errors: { name: 'error.tube.name.taken' } });
  });
});

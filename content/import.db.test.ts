import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDb } from '../tests/setup/db';
import { importContent } from './import';
import { ContentError, contentDir, loadContent } from './load';

describe('content pack import', () => {
  it('imports the framework and the pack, and a second import changes nothing', async () => {
    const db = testDb();
    const first = await importContent(db);
    expect(first.competences).toBe(16);
    const counts = async () => ({
      challenges: await db.challenge.count(),
      versions: await db.challengeVersion.count(),
      releases: await db.release.count(),
      tubes: await db.tube.count(),
      skills: await db.skill.count(),
      tutorials: await db.tutorial.count(),
      links: await db.skillTutorial.count(),
    });
    const before = await counts();
    expect(before.challenges).toBeGreaterThan(0);
    // Other test files share this run's database and may have imported already: at least one release.
    expect(before.releases).toBeGreaterThanOrEqual(1);
    const second = await importContent(db);
    expect(second.challengesCreated).toBe(0);
    expect(second.challengesUpdated).toBe(0);
    expect(second.release).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('never overwrites a challenge an author has edited in the workbench', async () => {
    const db = testDb();
    await importContent(db);
    const content = loadContent();
    const key = content.thematics[0]!.tubes[0]!.skills[0]!.challenges[0]!.key;
    const challenge = await db.challenge.findUniqueOrThrow({ where: { key }, include: { currentVersion: true } });
    const author = await db.user.create({
      data: { email: `autrice-${Date.now()}@exemple.fr`, firstName: 'A', lastName: 'B', passwordHash: 'x', roles: ['AUTHOR'] },
    });
    const edited = await db.challengeVersion.create({
      data: {
        challengeId: challenge.id,
        number: challenge.currentVersion!.number + 1,
        body: { ...(challenge.currentVersion!.body as object), timer: 120 },
        message: 'Ajout d’un minuteur',
        authorId: author.id,
      },
    });
    await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: edited.id } });
    const report = await importContent(db);
    expect(report.challengesKeptAsEdited).toBe(1);
    const after = await db.challenge.findUniqueOrThrow({ where: { key } });
    expect(after.currentVersionId).toBe(edited.id);
  });

  it('stops on a malformed pack file, names the file and the field, and writes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
    fs.mkdirSync(path.join(dir, 'pack'));
    fs.copyFileSync(path.join(contentDir, 'framework.json'), path.join(dir, 'framework.json'));
    const good = JSON.parse(fs.readFileSync(path.join(contentDir, 'pack', '1.1.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'pack', '1.1.json'), JSON.stringify(good));
    const bad = structuredClone(good);
    bad.thematics[0].tubes[0].name = 'sans-arobase';
    fs.writeFileSync(path.join(dir, 'pack', '1.2.json'), JSON.stringify({ ...bad, competence: '1.2' }));
    let caught: unknown;
    try {
      loadContent(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContentError);
    expect((caught as ContentError).message).toContain('pack/1.2.json');
    expect((caught as ContentError).message).toContain('thematics[0].tubes[0].name');
  });

  it('rolls back everything when the database refuses part of the import', async () => {
    const db = testDb();
    const content = loadContent();
    const before = await db.challengeVersion.count();
    const broken = structuredClone(content);
    // A new challenge early in the import, which would be written first…
    const firstSkill = broken.thematics[0]!.tubes[0]!.skills[0]!;
    firstSkill.challenges.push({ ...firstSkill.challenges[1]!, key: 'rollback-probe' });
    // …and, at the end, a second skill at a level its tube already has, which the database refuses.
    const lastTube = broken.thematics.at(-1)!.tubes.at(-1)!;
    lastTube.skills.push({ ...lastTube.skills[0]!, name: `${lastTube.name}9`, challenges: [] });
    await expect(importContent(db, broken)).rejects.toThrow();
    expect(await db.challenge.findUnique({ where: { key: 'rollback-probe' } })).toBeNull();
    expect(await db.challengeVersion.count()).toBe(before);
  });
});

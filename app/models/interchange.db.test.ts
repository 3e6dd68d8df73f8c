import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../scripts/testdb';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { importContent } from '../../content/import';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser } from '../../tests/setup/authoring-fixtures';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../../engine/challenges';
import { challengeToQti } from '../../engine/interchange/qti';
import { createDeclination, getChallenge, saveChallenge } from './challenge.server';
import { changeStatus } from './workflow.server';
import { exportBundle, exportPacks, exportQtiItems, importPackJson, importQti } from './interchange.server';

const opened: { db: TestDatabase; client: PrismaClient }[] = [];
async function freshDb() {
  const db = await createTestDatabase();
  const client = createPrisma(db.url);
  opened.push({ db, client });
  return client;
}
afterAll(async () => {
  for (const o of opened) {
    await o.client.$disconnect();
    await o.db.drop();
  }
});

const richBody = (): ChallengeBody => ({
  ...newChallengeBody('QCM', ['Camille Autrice', 'Rémi']),
  instruction: {
    type: 'doc',
    content: [
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Regardez ' },
          { type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt: 'Un écran' } },
          { type: 'hardBreak' },
          { type: 'text', text: 'puis ', marks: [{ type: 'bold' }, { type: 'italic' }] },
        ],
      },
    ],
  },
  alternativeInstruction: markdownLiteToDoc('Version **texte** seul.'),
  solutionExplanation: null,
  answer: { type: 'QCM', proposals: ['Firefox', 'Edge', 'LibreOffice'], correct: [0, 2], shuffle: false },
  embed: { url: 'https://outil.exemple.fr/', title: 'Outil', height: 420 },
  timer: 90,
  focused: true,
  locales: ['fr-fr', 'en'],
  accessibility: { blind: 'KO', colorBlind: 'OK' },
  pedagogy: 'e-preuve',
});

describe('content pack interchange', () => {
  it('exports live content, re-imports it into a fresh database and exports the same again', async () => {
    const a = await freshDb();
    await importContent(a);
    // A live declination edited in the workbench, with what Markdown-lite cannot say.
    const author = await makeUser(a, ['AUTHOR'], 'Camille');
    const reviewer = await makeUser(a, ['REVIEWER'], 'Rémi');
    const proto = await a.challenge.findFirstOrThrow({ where: { status: 'valide', isPrototype: true, skill: { status: 'actif' } }, orderBy: { key: 'asc' } });
    const d = await createDeclination(a, { prototypeId: proto.id, userId: author.id });
    await saveChallenge(a, { challengeId: d.challengeId, userId: author.id, body: richBody(), message: 'riche', baseVersionNumber: 1 });
    await changeStatus(a, { challengeId: d.challengeId, action: 'validate', userId: reviewer.id, roles: ['REVIEWER'], message: 'ok' });

    const first = await exportBundle(a);
    expect(first.packs.length).toBeGreaterThanOrEqual(16);
    const exported = first.packs.flatMap((p) => p.thematics.flatMap((t) => t.tubes.flatMap((u) => u.skills.flatMap((s) => s.challenges))));
    expect(exported.length).toBe(await a.challenge.count({ where: { status: 'valide' } }));
    const rich = exported.find((c) => c.key === d.key)!;
    expect(rich.rich?.instruction).toBeDefined();

    const b = await freshDb();
    const outcome = await importPackJson(b, JSON.stringify(first));
    expect(outcome).toMatchObject({ ok: true, kind: 'pack' });
    const again = await exportBundle(b);
    expect({ ...again, exportedAt: '' }).toEqual({ ...first, exportedAt: '' });
    const copy = await b.challenge.findUniqueOrThrow({ where: { key: d.key }, include: { currentVersion: true } });
    expect(copy.currentVersion?.body).toEqual(richBody());

    // One competence's pack file alone imports too (nothing changes: same content).
    const one = await exportPacks(b, '1.1');
    expect(one).toHaveLength(1);
    expect(await importPackJson(b, JSON.stringify(one[0]))).toMatchObject({ ok: true, report: { challengesCreated: 0, challengesUpdated: 0 } });
  }, 120_000);

  it('reports every rejected item and imports nothing', async () => {
    const db = testDb();
    const before = await db.challenge.count();
    const tubeName = `@zz${Date.now().toString(36).replace(/[0-9]/g, '')}x`;
    const pack = {
      competence: '1.1',
      thematics: [
        {
          key: `th-${tubeName}`,
          name: 'Essai',
          tubes: [
            {
              name: tubeName,
              title: 'Essai',
              description: 'Essai',
              skills: [
                {
                  level: 1,
                  status: 'actif',
                  challenges: [
                    {
                      key: `${tubeName.slice(1)}-ok`,
                      prototype: true,
                      type: 'QROC',
                      instruction: 'Bonne ?',
                      solution: 'x',
                      answer: { accepted: ['oui'], format: 'mots', tolerances: [] },
                    },
                    {
                      key: `${tubeName.slice(1)}-a`,
                      prototype: false,
                      type: 'QCU',
                      instruction: 'Q ?',
                      solution: 'x',
                      answer: { proposals: ['a', 'b'], correct: 5 },
                    },
                    {
                      key: `${tubeName.slice(1)}-b`,
                      prototype: false,
                      type: 'QROC',
                      instruction: '',
                      solution: 'x',
                      answer: { accepted: [], format: 'mots', tolerances: [] },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
      tutorials: [],
    };
    const outcome = await importPackJson(db, JSON.stringify(pack));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      const items = outcome.rejected.map((r) => r.item);
      expect(items).toContain(`pack 1.1 › ${tubeName.slice(1)}-a`);
      expect(items.filter((i) => i === `pack 1.1 › ${tubeName.slice(1)}-b`).length).toBeGreaterThanOrEqual(2); // empty instruction and no accepted answer
      expect(items.some((i) => i.endsWith('-ok'))).toBe(false);
    }
    expect(await db.challenge.count()).toBe(before);
    expect(await db.tube.count({ where: { name: tubeName } })).toBe(0);
    expect(await importPackJson(db, '{ pas du json')).toMatchObject({ ok: false, rejected: [{ item: 'fichier' }] });
  });
});

describe('QTI interchange', () => {
  it('exports live QCU/QCM/QROC and imports items as new proposed challenges of a skill, all or nothing', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const qcu: ChallengeBody = {
      ...newChallengeBody('QCU', ['X']),
      instruction: markdownLiteToDoc('Quel navigateur est libre ?'),
      answer: { type: 'QCU', proposals: ['Firefox', 'Edge'], correct: 0, shuffle: true },
    };
    const good = challengeToQti('ext-1', qcu)!;
    const bad = good.replace('</qti-item-body>', '');

    const refused = await importQti(db, {
      files: [
        { name: 'a.xml', text: good },
        { name: 'b.xml', text: bad },
      ],
      skillId: skill.id,
      userId: user.id,
      authorName: 'Ines',
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.rejected).toEqual([{ item: 'b.xml', reason: expect.stringMatching(/XML invalide/) }]);
    expect(await db.challenge.count({ where: { skillId: skill.id } })).toBe(0);

    const done = await importQti(db, { files: [{ name: 'a.xml', text: good }], skillId: skill.id, userId: user.id, authorName: 'Ines' });
    expect(done).toMatchObject({ ok: true, kind: 'qti' });
    if (done.ok && done.kind === 'qti') {
      const c = await getChallenge(db, done.created[0]!.id);
      expect(c).toMatchObject({ status: 'propose', type: 'QCU', isPrototype: true, version: { number: 1, author: `Ines ${user.lastName}` } });
      expect(c?.body?.answer).toEqual(qcu.answer);
      expect(c?.body?.authors).toEqual(['Ines']);
    }
    const items = await exportQtiItems(db);
    expect(items.every((i) => i.xml.includes('<qti-assessment-item'))).toBe(true);
  });
});

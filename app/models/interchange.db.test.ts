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
import { exportBundle, exportPackZip, exportPacks, exportQtiPackage, importPackJson, importPackZip, importQti } from './interchange.server';
import { storeAttachment } from './attachment.server';
import { reviewQueue } from './workflow.server';
import { fixtureFiles, fixturePackage, zipFiles } from '../../tests/fixtures/qti';

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

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const liveBodies = async (client: PrismaClient) =>
  new Map((await client.challenge.findMany({ where: { status: 'valide' }, include: { currentVersion: true } })).map((c) => [c.key, c.currentVersion!.body]));

describe('content pack interchange', () => {
  it('exports live content with its files as a zip; a fresh workbench imports it as proposals, and once validated exports the same again', async () => {
    const a = await freshDb();
    await importContent(a);
    // A live declination edited in the workbench, with what Markdown-lite cannot say and an uploaded illustration.
    const author = await makeUser(a, ['AUTHOR'], 'Camille');
    const reviewer = await makeUser(a, ['REVIEWER'], 'Rémi');
    const file = await storeAttachment(a, { name: 'écran.png', bytes: PNG, userId: author.id });
    if (!file.ok) throw new Error(file.error.code);
    const proto = await a.challenge.findFirstOrThrow({ where: { status: 'valide', isPrototype: true, skill: { status: 'actif' } }, orderBy: { key: 'asc' } });
    const d = await createDeclination(a, { prototypeId: proto.id, userId: author.id });
    const body = { ...richBody(), illustration: { url: file.attachment.url, alt: 'Un écran' } };
    await saveChallenge(a, { challengeId: d.challengeId, userId: author.id, body, message: 'riche', baseVersionNumber: 1 });
    await changeStatus(a, { challengeId: d.challengeId, action: 'validate', userId: reviewer.id, roles: ['REVIEWER'], message: 'ok' });

    const first = await exportBundle(a);
    expect(first.packs.length).toBeGreaterThanOrEqual(16);
    const exported = first.packs.flatMap((p) => p.thematics.flatMap((t) => t.tubes.flatMap((u) => u.skills.flatMap((s) => s.challenges))));
    expect(exported.length).toBe(await a.challenge.count({ where: { status: 'valide' } }));
    expect(exported.find((c) => c.key === d.key)!.rich?.instruction).toBeDefined();
    const zip = await exportPackZip(a);

    const b = await freshDb();
    const importer = await makeUser(b, ['AUTHOR'], 'Ines');
    const outcome = await importPackZip(b, zip, { userId: importer.id, authorName: 'Ines' });
    expect(outcome).toMatchObject({ ok: true, kind: 'pack', report: { release: null } });
    // Nothing published: every challenge is a proposal waiting for review, in the importer's name.
    expect(await b.release.count()).toBe(0);
    expect(await b.challenge.count({ where: { status: { not: 'submitted' } } })).toBe(0);
    expect(await b.challengeVersion.count({ where: { authorId: { not: importer.id } } })).toBe(0);
    expect(await b.challengeStatusChange.count({ where: { userId: { not: importer.id } } })).toBe(0);
    // The file came with it, checked and stored as an upload, under the same address.
    const copyFile = await b.attachment.findUniqueOrThrow({ where: { id: file.attachment.url.split('/').pop()! } });
    expect(new Uint8Array(copyFile.data)).toEqual(PNG);
    expect(copyFile).toMatchObject({ name: 'écran.png', mimeType: 'image/png', uploadedById: importer.id });

    // Reviewed and validated, the content exports exactly as it was exported.
    await b.$executeRaw`UPDATE "Challenge" SET status = 'valide', "liveVersionId" = "currentVersionId" WHERE status = 'submitted'`;
    expect({ ...(await exportBundle(b)), exportedAt: '' }).toEqual({ ...first, exportedAt: '' });
    const copy = await b.challenge.findUniqueOrThrow({ where: { key: d.key }, include: { currentVersion: true } });
    expect(copy.currentVersion?.body).toEqual(body);

    // The same pack again changes nothing.
    const one = await exportPacks(b, '1.1');
    expect(await importPackJson(b, JSON.stringify(one[0]), { userId: importer.id, authorName: 'Ines' })).toMatchObject({
      ok: true,
      report: { challengesCreated: 0, challengesUpdated: 0 },
    });

    // A zip whose file is not what its name says is refused whole.
    const { unzipSync } = await import('fflate');
    const files = new Map<string, Uint8Array>(Object.entries(unzipSync(zip)));
    const path = [...files.keys()].find((k) => k.startsWith('fichiers/'))!;
    files.set(path, new TextEncoder().encode('pas une image'));
    const c = await freshDb();
    const u = await makeUser(c, ['AUTHOR'], 'Ines');
    const bad = await importPackZip(c, zipFiles(files), { userId: u.id, authorName: 'Ines' });
    expect(bad).toEqual({ ok: false, rejected: [{ item: path, reason: expect.stringMatching(/n’est pas un fichier PNG valide/) }] });
    expect(await c.challenge.count()).toBe(0);
    expect(await c.attachment.count()).toBe(0);
  }, 180_000);

  it('an import of a pack after a release publishes nothing: the edited challenge becomes a proposal by the importer', async () => {
    const db = await freshDb();
    await importContent(db);
    const releases = await db.release.count();
    const user = await makeUser(db, ['REVIEWER'], 'Rémi');
    const [pack] = await exportPacks(db, '1.1');
    const target = pack!.thematics[0]!.tubes[0]!.skills[0]!.challenges[0]!;
    target.instruction = `${target.instruction} (modifiée)`;
    delete target.rich;
    const outcome = await importPackJson(db, JSON.stringify(pack), { userId: user.id, authorName: 'Rémi' });
    expect(outcome).toMatchObject({ ok: true, report: { challengesCreated: 0, challengesUpdated: 1, release: null } });
    expect(await db.release.count()).toBe(releases);
    const c = await db.challenge.findUniqueOrThrow({ where: { key: target.key }, include: { currentVersion: true, liveVersion: true } });
    // The live challenge stays live at its version 1; version 2 waits for review, in the importer's name.
    expect(c.status).toBe('valide');
    expect(c.proposalStatus).toBe('submitted');
    expect(c.liveVersion).toMatchObject({ number: 1 });
    expect(c.currentVersion).toMatchObject({ number: 2, authorId: user.id });
    const queue = await reviewQueue(db, user.id);
    expect(queue.find((q) => q.key === target.key)).toMatchObject({ submittedBy: `Rémi ${user.lastName}` });
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
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const outcome = await importPackJson(db, JSON.stringify(pack), { userId: user.id, authorName: 'Ines' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      const items = outcome.rejected.map((r) => r.item);
      expect(items).toContain(`pack 1.1 › ${tubeName.slice(1)}-a`);
      expect(items.filter((i) => i === `pack 1.1 › ${tubeName.slice(1)}-b`).length).toBeGreaterThanOrEqual(2); // empty instruction and no accepted answer
      expect(items.some((i) => i.endsWith('-ok'))).toBe(false);
    }
    expect(await db.challenge.count()).toBe(before);
    expect(await db.tube.count({ where: { name: tubeName } })).toBe(0);
    expect(await importPackJson(db, '{ pas du json', { userId: user.id, authorName: 'Ines' })).toMatchObject({ ok: false, rejected: [{ item: 'fichier' }] });
  });
});

describe('QTI interchange', () => {
  it('imports a package made by another tool on the chosen skill: supported items as proposals, the match item reported, the image stored', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const input = { skillId: skill.id, userId: user.id, authorName: `Ines ${user.lastName}` };
    const outcome = await importQti(db, { ...input, files: [{ name: 'outil.zip', bytes: fixturePackage('other-tool-qti3') }] });
    if (!outcome.ok || outcome.kind !== 'qti') throw new Error(JSON.stringify(outcome));
    expect(outcome.created.map((c) => [c.identifier, c.type])).toEqual([
      ['choice-browser', 'QCU'],
      ['choice-formats', 'QCM'],
      ['text-capital', 'QROC'],
    ]);
    expect(outcome.refused).toEqual([{ identifier: 'match-pairs', reason: expect.stringMatching(/qti-match-interaction non prise en charge/) }]);
    const c = await getChallenge(db, outcome.created[0]!.id);
    expect(c).toMatchObject({ status: 'submitted', type: 'QCU', isPrototype: true, version: { number: 1, author: `Ines ${user.lastName}` } });
    const src = JSON.stringify(c?.body?.instruction).match(/\/pieces-jointes\/[0-9a-f-]{36}/)?.[0];
    expect(src).toBeDefined();
    expect(await db.attachment.findUniqueOrThrow({ where: { id: src!.split('/').pop()! } })).toMatchObject({ mimeType: 'image/png', uploadedById: user.id });
    const queue = await reviewQueue(db, user.id);
    expect(queue.filter((q) => q.skill === skill.name)).toHaveLength(3);

    // A QTI 2.1 package from TAO, on the same skill.
    const tao = await importQti(db, { ...input, files: [{ name: 'tao.zip', bytes: fixturePackage('tao-qti21') }] });
    expect(tao).toMatchObject({ ok: true, created: [{ identifier: 'i1580', type: 'QCU' }], refused: [] });
  });

  it('imports nothing from a package with a bad file, and nothing without a skill', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const before = await db.attachment.count();
    const files = fixtureFiles('other-tool-qti3');
    files.set('images/logo.png', new TextEncoder().encode('<svg/>'));
    const outcome = await importQti(db, { files: [{ name: 'outil.zip', bytes: zipFiles(files) }], skillId: skill.id, userId: user.id, authorName: 'Ines' });
    expect(outcome).toEqual({ ok: false, rejected: [{ item: 'images/logo.png', reason: expect.stringMatching(/n’est pas un fichier PNG valide/) }] });
    expect(await db.challenge.count({ where: { skillId: skill.id } })).toBe(0);
    expect(await db.attachment.count()).toBe(before);
    const noSkill = await importQti(db, {
      files: [{ name: 'outil.zip', bytes: fixturePackage('other-tool-qti3') }],
      skillId: '',
      userId: user.id,
      authorName: 'I',
    });
    expect(noSkill).toMatchObject({ ok: false, rejected: [{ item: 'acquis' }] });
    const noManifest = new Map(files);
    noManifest.delete('imsmanifest.xml');
    expect(await importQti(db, { files: [{ name: 'x.zip', bytes: zipFiles(noManifest) }], skillId: skill.id, userId: user.id, authorName: 'I' })).toEqual({
      ok: false,
      rejected: [{ item: 'x.zip › imsmanifest.xml', reason: expect.stringMatching(/absent à la racine du paquet/) }],
    });
  });

  it('exports the starter content as a QTI 3.0 package that imports back identically', async () => {
    const db = await freshDb();
    await importContent(db);
    const skill = await makeSkill(db);
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const live = await liveBodies(db);
    const zip = await exportQtiPackage(db);
    const outcome = await importQti(db, { files: [{ name: 'pix.zip', bytes: zip }], skillId: skill.id, userId: user.id, authorName: 'Ines' });
    if (!outcome.ok || outcome.kind !== 'qti') throw new Error(JSON.stringify(outcome));
    expect(outcome.refused).toEqual([]);
    expect(outcome.created).toHaveLength(live.size);
    const rows = await db.challenge.findMany({ where: { skillId: skill.id }, include: { currentVersion: true } });
    const types = new Set<string>();
    for (const r of rows) {
      const original = [...live].find(([key]) => r.currentVersion!.message.endsWith(`(${key})`))?.[1];
      expect(r.currentVersion!.body, r.key).toEqual(original);
      types.add(r.type);
    }
    expect(types).toEqual(new Set(['QCU', 'QCM', 'QROC', 'QROCM_ind', 'QROCM_dep']));
  }, 120_000);
});

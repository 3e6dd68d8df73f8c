import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeSkill, makeUser, qrocBody } from '../../tests/setup/authoring-fixtures';
import { codedText } from '../i18n';
import { creationMessages } from '../i18n/creation';
import { createChallenge } from './challenge.server';
import { MAX_ATTACHMENT_BYTES, checkFile, getAttachment, mayDownloadAttachment, storeAttachment } from './attachment.server';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]);

describe('attachment checks', () => {
  it('accepts allowed types whose content matches their extension', () => {
    expect(checkFile('schema.png', PNG)).toEqual({ ok: true, mimeType: 'image/png', name: 'schema.png' });
    expect(checkFile('C:\\Users\\moi\\cours.PDF', PDF)).toEqual({ ok: true, mimeType: 'application/pdf', name: 'cours.PDF' });
    expect(checkFile('notes.csv', new TextEncoder().encode('nom;âge\nLéa;15\n'))).toMatchObject({ ok: true, mimeType: 'text/csv' });
  });

  it('refuses by content, not by name: an executable renamed .png, a forbidden extension, too big, empty', () => {
    expect(checkFile('photo.png', EXE)).toEqual({ ok: false, error: { code: 'contentMismatch', params: { name: 'photo.png', type: 'PNG' } } });
    expect(checkFile('page.html', new TextEncoder().encode('<script>alert(1)</script>'))).toMatchObject({
      ok: false,
      error: { code: 'typeNotAllowed', params: { extension: 'html' } },
    });
    expect(checkFile('image.svg', new TextEncoder().encode('<svg/>'))).toMatchObject({ ok: false });
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(PNG);
    expect(checkFile('grande.png', big)).toMatchObject({ ok: false, error: { code: 'tooBig', params: { name: 'grande.png', size: '10.0' } } });
    expect(checkFile('vide.txt', new Uint8Array())).toEqual({ ok: false, error: { code: 'empty', params: { name: 'vide.txt' } } });
    expect(checkFile('binaire.txt', new Uint8Array([0x41, 0, 0x42]))).toMatchObject({ ok: false });
    // Said by the page in its language.
    const refused = checkFile('photo.png', EXE);
    if (refused.ok) throw new Error('accepted');
    const say = (locale: 'fr' | 'en') => codedText((k: keyof typeof creationMessages.fr) => creationMessages[locale][k], 'attachment.error', refused.error);
    expect(say('fr')).toBe('Le contenu du fichier « photo.png » n’est pas un fichier PNG valide : le fichier est refusé.');
    expect(say('en')).toBe('The content of “photo.png” is not a valid PNG file: the file is refused.');
  });

  it('stores an accepted file with its checksum and nothing for a refused one', async () => {
    const db = testDb();
    const user = await makeUser(db, ['AUTHOR']);
    const before = await db.attachment.count();
    const refused = await storeAttachment(db, { name: 'virus.pdf', bytes: EXE, userId: user.id });
    expect(refused.ok).toBe(false);
    expect(await db.attachment.count()).toBe(before);

    const stored = await storeAttachment(db, { name: 'schéma.png', bytes: PNG, userId: user.id });
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    expect(stored.attachment).toMatchObject({ name: 'schéma.png', mimeType: 'image/png', size: PNG.length });
    expect(stored.attachment.url).toMatch(/^\/pieces-jointes\/[0-9a-f-]{36}$/);
    const row = await getAttachment(db, stored.attachment.url.split('/').pop()!);
    expect(row?.inline).toBe(true);
    expect([...row!.data]).toEqual([...PNG]);
    expect(row?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await getAttachment(db, 'pas-un-id')).toBeNull();
  });

  it('lets content staff download any attachment, a learner only one in a challenge they were asked', async () => {
    const db = testDb();
    const author = await makeUser(db, ['AUTHOR']);
    const stored = await storeAttachment(db, { name: 'schéma.png', bytes: PNG, userId: author.id });
    if (!stored.ok) throw new Error('not stored');
    const id = stored.attachment.url.split('/').pop()!;
    const skill = await makeSkill(db);
    const body = { ...qrocBody(), attachments: [stored.attachment] };
    const { challengeId } = await createChallenge(db, { skillId: skill.id, userId: author.id, body, message: '' });
    const learner = await db.user.create({
      data: { email: `${id}@test.exemple.fr`, passwordHash: 'x', firstName: 'Léa', lastName: 'Test', roles: ['LEARNER'] },
    });
    const reviewer = await makeUser(db, ['REVIEWER']);

    expect(await mayDownloadAttachment(db, author, id)).toBe(true);
    expect(await mayDownloadAttachment(db, reviewer, id)).toBe(true);
    expect(await mayDownloadAttachment(db, learner, id)).toBe(false);
    const assessment = await db.assessment.create({ data: { userId: learner.id, type: 'POSITIONING' } });
    await db.assessmentChallenge.create({ data: { assessmentId: assessment.id, challengeId, position: 0 } });
    expect(await mayDownloadAttachment(db, learner, id)).toBe(true);
    expect(await mayDownloadAttachment(db, learner, id.toUpperCase())).toBe(true);
    expect(await mayDownloadAttachment(db, learner, 'pas-un-id')).toBe(false);
  });
});

/**
 * Writes QTI items into the bank as proposals (decision 018): the workbench's import (/creation/echanges,
 * through app/models/interchange.server.ts) and `cli qti import` share it. Items become new challenges of
 * the chosen skill (prototypes, submitted for review, version 1 and status changes by the importer, never
 * published); the files they refer to are checked and stored as uploads are. Every item the workbench
 * cannot take is reported; the others are written in one transaction (nothing at all if any write fails).
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../prisma/client';
import { sanitizeBody } from '../engine/challenges';
import { mapBodyUrls } from '../engine/interchange/pack';
import { QtiFileError, qtiToChallenge } from '../engine/interchange/qti';
import { PACKAGE_URL_PREFIX, readQtiPackage, type PackageItem } from '../engine/interchange/qti-package';
import { PackageError, utf8 } from '../engine/interchange/zip';
import { attachmentUrl, checkFile, type FileProblem } from '../app/models/attachment.server';
import { challengeBodySchema } from '../app/models/challenge-body.server';
import { codedText } from '../app/i18n';
import { creationMessages } from '../app/i18n/creation';

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface Rejection {
  item: string;
  reason: string;
}

export type QtiOutcome =
  { ok: true; kind: 'qti'; created: QtiCreated[]; refused: { identifier: string; reason: string }[] } | { ok: false; rejected: Rejection[] };

const toDbType = { QCU: 'QCU', QCM: 'QCM', QROC: 'QROC', 'QROCM-ind': 'QROCM_ind', 'QROCM-dep': 'QROCM_dep' } as const;

/** Who imports: the versions and status changes are theirs. */
export interface Importer {
  userId: string;
  authorName: string;
}

/** A problem found while writing, which undoes the whole import. */
export class ImportRefused extends Error {
  constructor(readonly rejected: Rejection[]) {
    super(rejected.map((r) => `${r.item} : ${r.reason}`).join(' ; '));
  }
}

/**
 * Stores a file of a package as an upload is stored (same checks). The same bytes already stored are
 * reused; `preferredId` keeps an exported file's id when it is free (an exact round trip).
 */
export async function storeFile(tx: Tx, input: { file: string; name: string; bytes: Uint8Array; userId: string; preferredId?: string }): Promise<string> {
  const check = checkFile(input.name, input.bytes);
  if (!check.ok) throw new ImportRefused([{ item: input.file, reason: fileProblemFr(check.error) }]);
  const sha256 = crypto.createHash('sha256').update(input.bytes).digest('hex');
  const same = await tx.attachment.findFirst({
    where: { sha256, name: check.name, ...(input.preferredId ? { id: input.preferredId } : {}) },
    select: { id: true },
  });
  if (same) return attachmentUrl(same.id);
  const free =
    input.preferredId &&
    /^[0-9a-f-]{36}$/i.test(input.preferredId) &&
    !(await tx.attachment.findUnique({ where: { id: input.preferredId }, select: { id: true } }));
  const row = await tx.attachment.create({
    data: {
      ...(free ? { id: input.preferredId } : {}),
      name: check.name,
      mimeType: check.mimeType,
      size: input.bytes.length,
      data: new Uint8Array(input.bytes),
      sha256,
      uploadedById: input.userId,
    },
    select: { id: true },
  });
  return attachmentUrl(row.id);
}

export interface QtiCreated {
  id: string;
  key: string;
  identifier: string;
  type: string;
  title: string;
}
/** What a QTI upload holds, read without the database: a package (zip) or loose items (XML). */
export function readQtiUpload(
  files: { name: string; bytes: Uint8Array }[],
  authorName: string,
):
  { ok: true; items: PackageItem[]; refused: { identifier: string; reason: string }[]; media: Map<string, Uint8Array> } | { ok: false; rejected: Rejection[] } {
  const items: PackageItem[] = [];
  const refused: { identifier: string; reason: string }[] = [];
  const media = new Map<string, Uint8Array>();
  for (const f of files) {
    try {
      if (f.bytes[0] === 0x50 && f.bytes[1] === 0x4b) {
        const read = readQtiPackage(f.bytes, [authorName]);
        items.push(...read.items);
        refused.push(...read.refused.map((r) => ({ identifier: r.identifier, reason: r.reason })));
        for (const [k, v] of read.media) media.set(k, v);
      } else {
        const r = qtiToChallenge(utf8(f.bytes, f.name), [authorName]);
        if (r.ok) items.push({ file: f.name, identifier: r.identifier, title: r.title, key: null, interaction: r.interaction, body: r.body });
        else refused.push({ identifier: r.identifier ?? f.name, reason: r.reason });
      }
    } catch (error) {
      if (error instanceof PackageError)
        return { ok: false, rejected: [{ item: `${f.name}${error.file ? ` › ${error.file}` : ''}`, reason: error.message.replace(/^.*? : /, '') }] };
      if (error instanceof QtiFileError) return { ok: false, rejected: [{ item: f.name, reason: error.message }] };
      throw error;
    }
  }
  // The extension is data from the package: a body of the wrong shape is refused like any bad item.
  const shaped = items.filter((i) => {
    if (challengeBodySchema.safeParse(i.body).success) return true;
    refused.push({ identifier: i.identifier, reason: 'contenu de l’extension du paquet invalide (forme d’épreuve inattendue)' });
    return false;
  });
  return { ok: true, items: shaped, refused, media };
}

/**
 * Imports QTI packages or items as new challenges of the chosen skill (prototypes, submitted for review,
 * version 1 by the importer); their files stored as uploads are. Every item the workbench cannot take is
 * reported; the others are written in one transaction (nothing at all if any write fails).
 */
export async function importQti(
  client: PrismaClient,
  input: { files: { name: string; bytes: Uint8Array }[]; skillId: string; userId: string; authorName: string },
): Promise<QtiOutcome> {
  // What is wrong with the files first (named), then the missing skill.
  const read = readQtiUpload(input.files, input.authorName);
  if (!read.ok) return read;
  const skill = input.skillId ? await client.skill.findUnique({ where: { id: input.skillId }, select: { id: true, name: true } }) : null;
  if (!skill) return { ok: false, rejected: [{ item: 'acquis', reason: 'Choisissez l’acquis auquel rattacher les épreuves QTI.' }] };
  const message = `Import QTI par ${input.authorName}`;
  try {
    const created = await client.$transaction(
      async (tx) => {
        const urls = new Map<string, string>();
        for (const [path, bytes] of read.media)
          urls.set(`${PACKAGE_URL_PREFIX}${path}`, await storeFile(tx, { file: path, name: path.split('/').pop()!, bytes, userId: input.userId }));
        const out: QtiCreated[] = [];
        for (const item of read.items) {
          const body = sanitizeBody(mapBodyUrls(item.body, (url) => urls.get(url) ?? url));
          const slug = item.identifier
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-+|-+$/g, '');
          let key = item.key && /^[a-z0-9][a-z0-9-]*$/.test(item.key) ? item.key : `${skill.name.replace(/^@/, '')}-qti-${slug}`.slice(0, 80);
          for (let n = 2; await tx.challenge.findUnique({ where: { key }, select: { id: true } }); n++)
            key = `${skill.name.replace(/^@/, '')}-qti-${slug}`.slice(0, 76) + `-${n}`;
          const c = await tx.challenge.create({ data: { key, skillId: skill.id, type: toDbType[body.answer.type], status: 'submitted', isPrototype: true } });
          const v = await tx.challengeVersion.create({
            data: { challengeId: c.id, number: 1, body: body as object, message: `${message} (${item.identifier})`, authorId: input.userId },
          });
          await tx.challenge.update({ where: { id: c.id }, data: { currentVersionId: v.id } });
          await tx.challengeStatusChange.createMany({
            data: [
              { challengeId: c.id, fromStatus: null, toStatus: 'propose', message, userId: input.userId },
              { challengeId: c.id, fromStatus: 'propose', toStatus: 'submitted', message, userId: input.userId },
            ],
          });
          out.push({ id: c.id, key, identifier: item.identifier, type: body.answer.type, title: item.title });
        }
        return out;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    return { ok: true, kind: 'qti', created, refused: read.refused };
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, rejected: error.rejected };
    throw error;
  }
}

/** The refusal of a package file in French (the import report is French), in the words the editor's upload uses. */
function fileProblemFr(problem: FileProblem): string {
  return codedText((key: keyof typeof creationMessages.fr) => creationMessages.fr[key], 'attachment.error', problem);
}

/**
 * Files attached to challenges. A file is accepted only if it is at most 10 MB and its content (its
 * first bytes, not just its name) is one of the allowed types, and the name's extension agrees. The
 * bytes are kept in the database and served back with the type found here.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { ATTACHMENT_URL_PREFIX } from '../../engine/challenges';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

interface AllowedType {
  mimeType: string;
  extensions: string[];
  label: string;
  /** Whether the bytes are of this type. */
  sniff: (bytes: Uint8Array) => boolean;
  /** Shown in the browser (images, PDF, sound, video) rather than downloaded. */
  inline: boolean;
}

function startsWith(bytes: Uint8Array, signature: (number | null)[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => b === null || bytes[offset + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, Math.min(end, bytes.length));
}

const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);

/** An OpenDocument file: a zip whose first entry is `mimetype`, stored, holding the document's type. */
function isOpenDocument(kind: string) {
  return (b: Uint8Array) => isZip(b) && latin1(b, 30, 38) === 'mimetype' && latin1(b, 38, 120).startsWith(`application/vnd.oasis.opendocument.${kind}`);
}

/** An Office Open XML file: a zip with `[Content_Types].xml` and the part folder of its kind. */
function isOfficeOpenXml(folder: string) {
  return (b: Uint8Array) => {
    if (!isZip(b)) return false;
    const text = latin1(b, 0, b.length);
    return text.includes('[Content_Types].xml') && text.includes(folder);
  };
}

/** UTF-8 text without NUL bytes. */
function isText(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

export const ALLOWED_TYPES: AllowedType[] = [
  { mimeType: 'application/pdf', extensions: ['pdf'], label: 'PDF', inline: true, sniff: (b) => startsWith(b, ascii('%PDF-')) },
  { mimeType: 'image/png', extensions: ['png'], label: 'PNG', inline: true, sniff: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG', inline: true, sniff: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mimeType: 'image/gif', extensions: ['gif'], label: 'GIF', inline: true, sniff: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  { mimeType: 'image/webp', extensions: ['webp'], label: 'WebP', inline: true, sniff: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  {
    mimeType: 'audio/mpeg',
    extensions: ['mp3'],
    label: 'MP3',
    inline: true,
    sniff: (b) => startsWith(b, ascii('ID3')) || startsWith(b, [0xff, 0xfb]) || startsWith(b, [0xff, 0xf3]) || startsWith(b, [0xff, 0xf2]),
  },
  { mimeType: 'video/mp4', extensions: ['mp4'], label: 'MP4', inline: true, sniff: (b) => startsWith(b, ascii('ftyp'), 4) },
  { mimeType: 'text/plain', extensions: ['txt'], label: 'texte', inline: false, sniff: isText },
  { mimeType: 'text/csv', extensions: ['csv'], label: 'CSV', inline: false, sniff: isText },
  { mimeType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'ODT', inline: false, sniff: isOpenDocument('text') },
  { mimeType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'ODS', inline: false, sniff: isOpenDocument('spreadsheet') },
  { mimeType: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'], label: 'ODP', inline: false, sniff: isOpenDocument('presentation') },
  {
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'DOCX',
    inline: false,
    sniff: isOfficeOpenXml('word/'),
  },
  {
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'XLSX',
    inline: false,
    sniff: isOfficeOpenXml('xl/'),
  },
  {
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'PPTX',
    inline: false,
    sniff: isOfficeOpenXml('ppt/'),
  },
];

export const ALLOWED_EXTENSIONS = ALLOWED_TYPES.flatMap((t) => t.extensions);
const ALLOWED_LIST = ALLOWED_TYPES.map((t) => t.label).join(', ');

/** Why a file is refused: a code with its parameters, said by the page in its language (dictionary `attachment.error.<code>`). */
export type FileProblem =
  | { code: 'empty'; params: { name: string } }
  | { code: 'tooBig'; params: { name: string; size: string } }
  | { code: 'typeNotAllowed'; params: { extension: string; allowed: string } }
  | { code: 'contentMismatch'; params: { name: string; type: string } };

export type FileCheck = { ok: true; mimeType: string; name: string } | { ok: false; error: FileProblem };

/** A file name safe to store and show: no folders, no control characters, at most 150 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>]/g, '').trim();
  return (cleaned || 'fichier').slice(-150);
}

/** The checks made before anything is stored: size, then the type found in the content against the name's extension. */
export function checkFile(name: string, bytes: Uint8Array): FileCheck {
  const clean = cleanFileName(name);
  if (bytes.length === 0) return { ok: false, error: { code: 'empty', params: { name: clean } } };
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { ok: false, error: { code: 'tooBig', params: { name: clean, size: (bytes.length / 1048576).toFixed(1) } } };
  const extension = /\.([A-Za-z0-9]+)$/.exec(clean)?.[1]?.toLowerCase() ?? '';
  const byExtension = ALLOWED_TYPES.find((t) => t.extensions.includes(extension));
  if (!byExtension) return { ok: false, error: { code: 'typeNotAllowed', params: { extension: extension || '?', allowed: ALLOWED_LIST } } };
  if (!byExtension.sniff(bytes)) return { ok: false, error: { code: 'contentMismatch', params: { name: clean, type: byExtension.label } } };
  return { ok: true, mimeType: byExtension.mimeType, name: clean };
}

export function attachmentUrl(id: string): string {
  return `${ATTACHMENT_URL_PREFIX}${id}`;
}

/** Checks and stores a file; returns what a challenge body refers to, or why it was refused (a FileProblem). */
export async function storeAttachment(client: PrismaClient, input: { name: string; bytes: Uint8Array; userId: string }) {
  const check = checkFile(input.name, input.bytes);
  if (!check.ok) return check;
  const row = await client.attachment.create({
    data: {
      name: check.name,
      mimeType: check.mimeType,
      size: input.bytes.length,
      data: new Uint8Array(input.bytes),
      sha256: crypto.createHash('sha256').update(input.bytes).digest('hex'),
      uploadedById: input.userId,
    },
    select: { id: true, name: true, mimeType: true, size: true },
  });
  return { ok: true as const, attachment: { name: row.name, url: attachmentUrl(row.id), mimeType: row.mimeType, size: row.size } };
}

/**
 * Whether this viewer may download the attachment: people who write, review or analyse challenges
 * (administrators, authors, reviewers, psychometricians) always; anyone else only when the file is in a
 * challenge they were asked (positioning, campaign or certification), so an id alone opens nothing.
 */
export async function mayDownloadAttachment(client: PrismaClient, viewer: { id: string; roles: readonly string[] }, id: string): Promise<boolean> {
  if (viewer.roles.some((r) => r === 'ADMIN' || r === 'AUTHOR' || r === 'REVIEWER' || r === 'PSYCHOMETRICIAN')) return true;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const rows = await client.$queryRaw<{ one: number }[]>`
    select 1 as one
    from "Assessment" a
    join "AssessmentChallenge" ac on ac."assessmentId" = a.id
    join "ChallengeVersion" v on v."challengeId" = ac."challengeId"
    where a."userId" = ${viewer.id} and strpos(v.body::text, ${attachmentUrl(id.toLowerCase())}) > 0
    limit 1`;
  return rows.length > 0;
}

export async function getAttachment(client: PrismaClient, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await client.attachment.findUnique({ where: { id } });
  if (!row) return null;
  return { ...row, inline: ALLOWED_TYPES.find((t) => t.mimeType === row.mimeType)?.inline ?? false };
}

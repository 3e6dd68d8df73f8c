/**
 * Interchange of the workbench's content (decision 018): export live content as content-pack JSON (a bundle
 * of every competence, or one competence's pack file), as a content-pack zip with every file it refers to,
 * and as a QTI 3.0 content package; import a bundle, a pack file or zip, a QTI package or loose QTI items.
 * Imports never publish (issue 16): what comes in becomes proposals submitted for review, attributed to the
 * person who imported. A package is imported whole or not at all (one transaction); a QTI item the
 * workbench cannot take is reported with its reason and the others are imported.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { ContentError, loadContentFrom } from '../../content/load';
import { importContent, type ImportReport } from '../../content/import';
import { type FrameworkFile, type PackFile } from '../../content/schema';
import { checkPacks as checkPackProblems } from '../../content/check';
import { jsonSyntaxMessage } from '../../content/issues';
import { bodyToPackChallenge, bodyUrls, mapBodyUrls } from '../../engine/interchange/pack';
import { challengeToQti, QtiFileError, qtiToChallenge } from '../../engine/interchange/qti';
import { PACKAGE_URL_PREFIX, readQtiPackage, writeQtiPackage, type ExportMedia, type PackageItem } from '../../engine/interchange/qti-package';
import { PackageError, readZip, utf8, writeZip } from '../../engine/interchange/zip';
import { ATTACHMENT_URL_PREFIX, sanitizeBody, type ChallengeBody } from '../../engine/challenges';
import { attachmentUrl } from './attachment.server';
import { ImportRefused, importQti, storeFile, type Importer, type QtiCreated, type Tx } from '../../content/qti-import';

export { importQti, readQtiUpload, type Importer, type QtiCreated } from '../../content/qti-import';
import { fromDbType, toDbType } from './challenge.server';
import { storedBodyOf } from './challenge-body.server';
import { maxReachableLevel } from '../lib/settings.server';

export const BUNDLE_FORMAT = 'pix-workbench-content';

export interface ContentBundle {
  format: typeof BUNDLE_FORMAT;
  version: 1;
  exportedAt: string;
  framework: FrameworkFile;
  packs: PackFile[];
}

export interface Rejection {
  /** Where: `pack 1.1 › thematics[0].tubes[1]…`, a challenge key, a QTI file name. */
  item: string;
  reason: string;
}

export async function exportFramework(client: PrismaClient): Promise<FrameworkFile> {
  const areas = await client.area.findMany({ orderBy: { code: 'asc' }, include: { competences: { orderBy: { code: 'asc' } } } });
  return {
    maxReachableLevel: maxReachableLevel(),
    areas: areas
      .filter((a) => /^[1-9]$/.test(a.code))
      .map((a) => ({
        code: a.code,
        title: { fr: a.titleFr, en: a.titleEn },
        competences: a.competences.filter((c) => /^[1-9]\.[1-9]$/.test(c.code)).map((c) => ({ code: c.code, title: { fr: c.titleFr, en: c.titleEn } })),
      }))
      .filter((a) => a.competences.length > 0),
  };
}

/** Live content (validated challenges at their current version) as pack files, one per competence that has some. */
export async function exportPacks(client: PrismaClient, competenceCode?: string): Promise<PackFile[]> {
  const competences = await client.competence.findMany({
    where: competenceCode ? { code: competenceCode } : { code: { in: (await exportFramework(client)).areas.flatMap((a) => a.competences.map((c) => c.code)) } },
    orderBy: { code: 'asc' },
    include: {
      thematics: {
        orderBy: [{ position: 'asc' }, { key: 'asc' }],
        include: {
          tubes: {
            orderBy: [{ position: 'asc' }, { name: 'asc' }],
            include: {
              skills: {
                orderBy: { level: 'asc' },
                include: {
                  tutorials: { orderBy: [{ kind: 'asc' }, { position: 'asc' }], include: { tutorial: true } },
                  challenges: { where: { status: 'valide', liveVersionId: { not: null } }, orderBy: { key: 'asc' }, include: { liveVersion: true } },
                },
              },
            },
          },
        },
      },
    },
  });
  const written = new Set<string>();
  const packs: PackFile[] = [];
  for (const c of competences) {
    const tutorials: PackFile['tutorials'] = [];
    const thematics = c.thematics
      .map((th) => ({
        key: th.key,
        name: th.name,
        tubes: th.tubes
          .map((tube) => ({
            name: tube.name,
            title: tube.title,
            description: tube.description,
            skills: tube.skills
              .filter((s) => s.challenges.some((x) => x.isPrototype))
              .map((s) => {
                const prototype = s.challenges.find((x) => x.isPrototype)!;
                const challenges = s.challenges.filter((x) => (x.isPrototype ? x.id === prototype.id : x.prototypeId === prototype.id));
                for (const link of s.tutorials) {
                  if (written.has(link.tutorial.key)) continue;
                  written.add(link.tutorial.key);
                  const t = link.tutorial;
                  tutorials.push({
                    key: t.key,
                    title: t.title,
                    url: t.url,
                    source: t.source,
                    format: t.format,
                    duration: t.duration,
                    locale: t.locale,
                    ...(t.licence ? { licence: t.licence } : {}),
                  });
                }
                return {
                  level: s.level,
                  status: s.status,
                  hint: s.hint,
                  tutorials: {
                    understand: s.tutorials.filter((x) => x.kind === 'UNDERSTAND').map((x) => x.tutorial.key),
                    learnMore: s.tutorials.filter((x) => x.kind === 'LEARN_MORE').map((x) => x.tutorial.key),
                  },
                  challenges: challenges.map((x) => bodyToPackChallenge(x.key, x.isPrototype, storedBodyOf(x.liveVersion!))),
                };
              }),
          }))
          .filter((tube) => tube.skills.length > 0),
      }))
      .filter((th) => th.tubes.length > 0);
    if (thematics.length > 0) packs.push({ competence: c.code, thematics, tutorials } as PackFile);
  }
  return packs;
}

export async function exportBundle(client: PrismaClient, now = new Date()): Promise<ContentBundle> {
  const [framework, packs] = await Promise.all([exportFramework(client), exportPacks(client)]);
  return { format: BUNDLE_FORMAT, version: 1, exportedAt: now.toISOString(), framework, packs };
}

/** Keys of the live challenges (each one exports as a QTI item). */
export async function liveChallengeKeys(client: PrismaClient): Promise<string[]> {
  const rows = await client.challenge.findMany({
    where: { status: 'valide', liveVersionId: { not: null } },
    orderBy: { key: 'asc' },
    select: { key: true },
  });
  return rows.map((r) => r.key);
}

/** QTI 3.0 items of the live challenges (optionally of a competence): key → XML. */
export async function exportQtiItems(client: PrismaClient, competenceCode?: string): Promise<{ key: string; xml: string }[]> {
  const rows = await client.challenge.findMany({
    where: { status: 'valide', ...(competenceCode ? { skill: { tube: { competence: { code: competenceCode } } } } : {}) },
    orderBy: { key: 'asc' },
    include: { liveVersion: true },
  });
  return rows.flatMap((r) => {
    const xml = r.liveVersion ? challengeToQti(r.key, storedBodyOf(r.liveVersion)) : null;
    return xml ? [{ key: r.key, xml }] : [];
  });
}

/** One challenge's QTI item (any status), or null when there is none. */
export async function exportQtiItem(client: PrismaClient, idOrKey: string) {
  const r = await client.challenge.findFirst({ where: { OR: [{ id: idOrKey }, { key: idOrKey }] }, include: { currentVersion: true } });
  if (!r || !r.currentVersion) return null;
  const xml = challengeToQti(r.key, storedBodyOf(r.currentVersion));
  return xml ? { key: r.key, xml } : null;
}

// =============================================================================================
// Import

export type ImportOutcome =
  | { ok: true; kind: 'pack'; report: ImportReport }
  | { ok: true; kind: 'qti'; created: QtiCreated[]; refused: { identifier: string; reason: string }[] }
  | { ok: false; rejected: Rejection[] };

/** Every problem of the packs, in French, each named by where it is. */
function checkPacks(packs: unknown[]): Rejection[] {
  return checkPackProblems(packs, 'fr').map((p) => ({ item: p.item, reason: `${p.path} : ${p.reason}` }));
}

/** Checks a pack JSON (bundle or one file) as the import does: the loaded content, or every problem. */
export function checkPackJson(
  text: string,
  framework: unknown | null,
): { ok: true; content: ReturnType<typeof loadContentFrom> } | { ok: false; rejected: Rejection[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, rejected: [{ item: 'fichier', reason: jsonSyntaxMessage(error, text) }] };
  }
  const isBundle = json !== null && typeof json === 'object' && (json as { format?: unknown }).format === BUNDLE_FORMAT;
  const packs: unknown = isBundle ? (json as { packs?: unknown }).packs : [json];
  if (!Array.isArray(packs)) return { ok: false, rejected: [{ item: 'fichier', reason: 'le champ packs doit être une liste de paquets' }] };
  const rejected = checkPacks(packs);
  if (rejected.length > 0) return { ok: false, rejected };
  const fw = isBundle ? (json as { framework?: unknown }).framework : framework;
  try {
    return {
      ok: true,
      content: loadContentFrom(
        fw,
        packs.map((p, i) => ({ file: `pack ${(p as { competence?: string }).competence ?? i + 1}`, json: p })),
      ),
    };
  } catch (error) {
    if (error instanceof ContentError)
      return {
        ok: false,
        rejected: [{ item: error.file + (error.field ? ` › ${error.field}` : ''), reason: error.message.replace(/^.*? : (champ \S+ : )?/, '') }],
      };
    throw error;
  }
}

/**
 * Imports a bundle or one pack file (JSON text) as proposals of `importer`, submitted for review; nothing
 * is published and nothing is written unless every item is accepted.
 */
export async function importPackJson(client: PrismaClient, text: string, importer: Importer, before?: (tx: Tx) => Promise<void>): Promise<ImportOutcome> {
  const checked = checkPackJson(text, await exportFramework(client));
  if (!checked.ok) return checked;
  try {
    const report = await importContent(client, checked.content, {
      proposalsBy: { userId: importer.userId, message: `Import du paquet de contenu par ${importer.authorName}` },
      before,
    });
    return { ok: true, kind: 'pack', report };
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, rejected: error.rejected };
    throw error;
  }
}

// =============================================================================================
// Files the content refers to

const attachmentIdOf = (url: string) => (url.startsWith(ATTACHMENT_URL_PREFIX) ? url.slice(ATTACHMENT_URL_PREFIX.length) : null);

/** The platform's files these bodies refer to, with their bytes. */
async function referencedFiles(client: PrismaClient, bodies: ChallengeBody[]): Promise<ExportMedia[]> {
  const ids = [
    ...new Set(
      bodies
        .flatMap(bodyUrls)
        .map(attachmentIdOf)
        .filter((id): id is string => id !== null && /^[0-9a-f-]{36}$/i.test(id)),
    ),
  ];
  if (ids.length === 0) return [];
  const rows = await client.attachment.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ url: attachmentUrl(r.id), name: r.name, bytes: new Uint8Array(r.data) }));
}

// =============================================================================================
// Content-pack zip: contenu.json (the bundle) and fichiers/<id>/<name> for every file it refers to

export const PACK_ZIP_JSON = 'contenu.json';

export async function exportPackZip(client: PrismaClient, now = new Date()): Promise<Uint8Array> {
  const bundle = await exportBundle(client, now);
  const bodies = await client.challengeVersion.findMany({
    where: { liveOf: { status: 'valide' } },
    select: { id: true, body: true },
  });
  const files = await referencedFiles(
    client,
    bodies.map((b) => storedBodyOf(b)),
  );
  const zip = new Map<string, Uint8Array | string>([[PACK_ZIP_JSON, JSON.stringify(bundle, null, 2) + '\n']]);
  for (const f of files) zip.set(`fichiers/${attachmentIdOf(f.url)}/${f.name.replace(/[\\/]/g, '_')}`, f.bytes);
  return writeZip(zip);
}

/** Imports a content-pack zip: its files checked and stored as uploads are, then its content as proposals, in one transaction. */
export async function importPackZip(client: PrismaClient, bytes: Uint8Array, importer: Importer): Promise<ImportOutcome> {
  let files: Map<string, Uint8Array>;
  let text: string;
  try {
    files = readZip(bytes);
    const json = files.get(PACK_ZIP_JSON);
    if (!json) throw new PackageError(PACK_ZIP_JSON, 'absent à la racine du zip : ce n’est pas un paquet de contenu de l’atelier');
    text = utf8(json, PACK_ZIP_JSON);
  } catch (error) {
    if (error instanceof PackageError) return { ok: false, rejected: [{ item: error.file || 'paquet', reason: error.message.replace(/^.*? : /, '') }] };
    throw error;
  }
  const stored: { path: string; id: string; name: string; bytes: Uint8Array }[] = [];
  for (const [path, data] of files) {
    if (path === PACK_ZIP_JSON) continue;
    const m = /^fichiers\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m) return { ok: false, rejected: [{ item: path, reason: 'fichier inattendu (seuls contenu.json et fichiers/<id>/<nom> sont lus)' }] };
    stored.push({ path, id: m[1]!, name: m[2]!, bytes: data });
  }
  // The JSON is checked first with the exported addresses; the files are stored in the import's transaction.
  const referenced = new Set([...text.matchAll(/\/pieces-jointes\/([0-9a-f-]{36})/gi)].map((m) => m[1]!));
  for (const id of referenced)
    if (!stored.some((f) => f.id === id))
      return { ok: false, rejected: [{ item: PACK_ZIP_JSON, reason: `le fichier ${ATTACHMENT_URL_PREFIX}${id} n’est pas dans le zip (fichiers/${id}/…)` }] };
  const urls = new Map<string, string>();
  const before = async (tx: Tx) => {
    for (const f of stored) urls.set(f.id, await storeFile(tx, { file: f.path, name: f.name, bytes: f.bytes, userId: importer.userId, preferredId: f.id }));
    const changed = [...urls].filter(([id, url]) => attachmentUrl(id) !== url);
    if (changed.length)
      throw new ImportRefused([
        { item: 'fichiers', reason: 'identifiants de fichiers déjà pris par d’autres contenus (réimportez dans un atelier sans ces fichiers)' },
      ]);
  };
  return importPackJson(client, text, importer, before);
}

// =============================================================================================
// QTI 3.0 packages

/** The QTI 3.0 package of the live challenges (optionally of a competence), with their files. */
export async function exportQtiPackage(client: PrismaClient, competenceCode?: string): Promise<Uint8Array> {
  const rows = await client.challenge.findMany({
    where: { status: 'valide', liveVersionId: { not: null }, ...(competenceCode ? { skill: { tube: { competence: { code: competenceCode } } } } : {}) },
    orderBy: { key: 'asc' },
    include: { liveVersion: true },
  });
  const challenges = rows.map((r) => ({ key: r.key, body: storedBodyOf(r.liveVersion!) }));
  const media = await referencedFiles(
    client,
    challenges.map((c) => c.body),
  );
  return writeQtiPackage(challenges, media, competenceCode ? `pix-workbench-${competenceCode}` : 'pix-workbench');
}

export { fromDbType };

export { MAX_PACKAGE_BYTES } from '../../engine/interchange/zip';

/**
 * Imports what a person uploaded: one pack (JSON or zip with contenu.json), or QTI (packages and loose
 * items, on the chosen skill). Every import makes proposals in the person's name.
 */
export async function importUpload(
  client: PrismaClient,
  input: { files: { name: string; bytes: Uint8Array }[]; skillId: string; userId: string; authorName: string },
): Promise<ImportOutcome | { error: string }> {
  const importer = { userId: input.userId, authorName: input.authorName };
  const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b;
  const isPackZip = (b: Uint8Array) => {
    if (!isZip(b)) return false;
    try {
      return readZip(b).has(PACK_ZIP_JSON);
    } catch {
      return false;
    }
  };
  const isJson = (f: { name: string; bytes: Uint8Array }) =>
    !isZip(f.bytes) && (/\.json$/i.test(f.name) || new TextDecoder().decode(f.bytes.slice(0, 64)).trimStart().startsWith('{'));
  const packs = input.files.filter((f) => isJson(f) || isPackZip(f.bytes));
  if (packs.length > 0) {
    if (input.files.length !== 1) return { error: 'Importez un seul paquet de contenu à la fois (JSON ou zip), ou des fichiers QTI (zip ou XML).' };
    const f = packs[0]!;
    if (isZip(f.bytes)) return importPackZip(client, f.bytes, importer);
    let text: string;
    try {
      text = utf8(f.bytes, f.name);
    } catch {
      return { ok: false, rejected: [{ item: f.name, reason: 'le texte n’est pas en UTF-8' }] };
    }
    return importPackJson(client, text, importer);
  }
  return importQti(client, { ...input });
}

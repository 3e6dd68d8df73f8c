/**
 * Interchange of the workbench's content: export live content as content-pack JSON (a bundle of every
 * competence, or one competence's pack file) and QTI 3.0 items; import a bundle, a pack file or QTI
 * items — every rejected item reported with its reason, and nothing imported unless everything is
 * accepted (one transaction).
 */
import type { PrismaClient } from '../../prisma/client';
import { ContentError, loadContentFrom } from '../../content/load';
import { importContent, type ImportReport } from '../../content/import';
import { packChallengeSchema, packFileSchema, type FrameworkFile, type PackFile } from '../../content/schema';
import { bodyToPackChallenge } from '../../engine/interchange/pack';
import { challengeToQti, qtiToChallenge } from '../../engine/interchange/qti';
import { sanitizeBody, validateAnswerSpec, type ChallengeBody } from '../../engine/challenges';
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
                  challenges: { where: { status: 'valide', currentVersionId: { not: null } }, orderBy: { key: 'asc' }, include: { currentVersion: true } },
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
                  challenges: challenges.map((x) => bodyToPackChallenge(x.key, x.isPrototype, storedBodyOf(x.currentVersion!))),
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

/** QTI 3.0 items of the live QCU, QCM and QROC (optionally of a competence): key → XML. */
export async function exportQtiItems(client: PrismaClient, competenceCode?: string): Promise<{ key: string; xml: string }[]> {
  const rows = await client.challenge.findMany({
    where: { status: 'valide', type: { in: ['QCU', 'QCM', 'QROC'] }, ...(competenceCode ? { skill: { tube: { competence: { code: competenceCode } } } } : {}) },
    orderBy: { key: 'asc' },
    include: { currentVersion: true },
  });
  return rows.flatMap((r) => {
    const xml = r.currentVersion ? challengeToQti(r.key, storedBodyOf(r.currentVersion)) : null;
    return xml ? [{ key: r.key, xml }] : [];
  });
}

/** One challenge's QTI item (any status), or null when it is not a QCU, QCM or QROC. */
export async function exportQtiItem(client: PrismaClient, idOrKey: string) {
  const r = await client.challenge.findFirst({ where: { OR: [{ id: idOrKey }, { key: idOrKey }] }, include: { currentVersion: true } });
  if (!r || !r.currentVersion) return null;
  const xml = challengeToQti(r.key, storedBodyOf(r.currentVersion));
  return xml ? { key: r.key, xml } : null;
}

// =============================================================================================
// Import

export type ImportOutcome =
  { ok: true; kind: 'pack'; report: ImportReport } | { ok: true; kind: 'qti'; created: { id: string; key: string }[] } | { ok: false; rejected: Rejection[] };

function issuePath(p: (string | number)[]): string {
  return p.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : String(part)), '');
}

/** Every problem of the packs, item by item (challenges checked one by one, then the whole). */
function checkPacks(packs: unknown[]): Rejection[] {
  const rejected: Rejection[] = [];
  packs.forEach((pack, pi) => {
    const label = `pack ${(pack as { competence?: unknown })?.competence ?? pi + 1}`;
    // Challenge by challenge first, so that each bad one is named by its key.
    const thematics = (pack as { thematics?: unknown })?.thematics;
    const challengePaths = new Set<string>();
    if (Array.isArray(thematics)) {
      thematics.forEach((th, ti) =>
        (Array.isArray(th?.tubes) ? th.tubes : []).forEach((tube: { skills?: unknown }, ui: number) =>
          (Array.isArray(tube?.skills) ? tube.skills : []).forEach((skill: { challenges?: unknown }, si: number) =>
            (Array.isArray(skill?.challenges) ? skill.challenges : []).forEach((ch: { key?: unknown }, ci: number) => {
              const where = `thematics[${ti}].tubes[${ui}].skills[${si}].challenges[${ci}]`;
              challengePaths.add(where);
              const parsed = packChallengeSchema.safeParse(ch);
              const key = typeof ch?.key === 'string' ? ch.key : where;
              if (!parsed.success) {
                for (const issue of parsed.error.issues)
                  rejected.push({ item: `${label} › ${key}`, reason: `${issuePath(issue.path as (string | number)[]) || 'épreuve'} : ${issue.message}` });
              } else {
                const { type, answer } = parsed.data;
                for (const p of validateAnswerSpec({ type, ...answer } as never)) rejected.push({ item: `${label} › ${key}`, reason: p });
              }
            }),
          ),
        ),
      );
    }
    const parsed = packFileSchema.safeParse(pack);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issuePath(issue.path as (string | number)[]);
        if ([...challengePaths].some((c) => where.startsWith(c))) continue; // already reported by key
        rejected.push({ item: `${label} › ${where || 'fichier'}`, reason: issue.message });
      }
    }
  });
  return rejected;
}

/** Imports a bundle or one pack file (JSON text); nothing is written unless every item is accepted. */
export async function importPackJson(client: PrismaClient, text: string): Promise<ImportOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, rejected: [{ item: 'fichier', reason: `JSON invalide (${(error as Error).message})` }] };
  }
  const isBundle = json !== null && typeof json === 'object' && (json as { format?: unknown }).format === BUNDLE_FORMAT;
  const packs: unknown[] = isBundle ? ((json as { packs?: unknown }).packs as unknown[]) : [json];
  if (!Array.isArray(packs)) return { ok: false, rejected: [{ item: 'fichier', reason: 'le champ packs doit être une liste de paquets' }] };
  const framework = isBundle ? (json as { framework?: unknown }).framework : await exportFramework(client);
  const rejected = checkPacks(packs);
  if (rejected.length > 0) return { ok: false, rejected };
  let content;
  try {
    content = loadContentFrom(
      framework,
      packs.map((json, i) => ({ file: `pack ${(json as { competence?: string }).competence ?? i + 1}`, json })),
    );
  } catch (error) {
    if (error instanceof ContentError)
      return {
        ok: false,
        rejected: [{ item: error.file + (error.field ? ` › ${error.field}` : ''), reason: error.message.replace(/^.*? : (champ \S+ : )?/, '') }],
      };
    throw error;
  }
  const report = await importContent(client, content);
  return { ok: true, kind: 'pack', report };
}

/**
 * Imports QTI items as new challenges (status proposé, prototypes of the given skill, version 1 by the
 * importing user). All or nothing.
 */
export async function importQti(
  client: PrismaClient,
  input: { files: { name: string; text: string }[]; skillId: string; userId: string; authorName: string },
): Promise<ImportOutcome> {
  const skill = input.skillId ? await client.skill.findUnique({ where: { id: input.skillId }, select: { id: true, name: true } }) : null;
  const rejected: Rejection[] = [];
  if (!skill) rejected.push({ item: 'acquis', reason: 'Choisissez l’acquis auquel rattacher les épreuves QTI.' });
  const accepted: { identifier: string; body: ChallengeBody }[] = [];
  for (const f of input.files) {
    const r = qtiToChallenge(f.text, [input.authorName]);
    if (r.ok) accepted.push({ identifier: r.identifier, body: sanitizeBody(r.body) });
    else rejected.push({ item: r.identifier ? `${f.name} (${r.identifier})` : f.name, reason: r.reason });
  }
  if (rejected.length > 0 || !skill) return { ok: false, rejected };
  const created = await client.$transaction(async (tx) => {
    const out: { id: string; key: string }[] = [];
    for (const item of accepted) {
      let key = `${skill.name.replace(/^@/, '')}-qti-${item.identifier
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')}`.slice(0, 80);
      for (let n = 2; await tx.challenge.findUnique({ where: { key }, select: { id: true } }); n++) key = `${key.replace(/-\d+$/, '')}-${n}`;
      const c = await tx.challenge.create({ data: { key, skillId: skill.id, type: toDbType(item.body.answer.type), status: 'propose', isPrototype: true } });
      const v = await tx.challengeVersion.create({
        data: { challengeId: c.id, number: 1, body: item.body as object, message: `Import QTI (${item.identifier})`, authorId: input.userId },
      });
      await tx.challenge.update({ where: { id: c.id }, data: { currentVersionId: v.id } });
      await tx.challengeStatusChange.create({
        data: { challengeId: c.id, fromStatus: null, toStatus: 'propose', message: 'Import QTI', userId: input.userId },
      });
      out.push({ id: c.id, key });
    }
    return out;
  });
  return { ok: true, kind: 'qti', created };
}

export { fromDbType };

/**
 * The tutorial library and the tutorials of each skill: "pour comprendre" (UNDERSTAND) and "pour en savoir
 * plus" (LEARN_MORE), each an ordered list.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { TUTORIAL_FORMATS, TUTORIAL_LOCALES, durationSeconds, isHttpUrl } from '../../engine/framework';
import { fail, isUniqueViolation, slugify, zodFieldErrors, type EditResult } from './validation.server';

export const TUTORIAL_FIELDS = ['title', 'url', 'source', 'format', 'duration', 'locale', 'licence'] as const;
export type TutorialField = (typeof TUTORIAL_FIELDS)[number];
import type { LinkStatus, TutorialKind } from '../lib/framework-editing';
export type { LinkStatus, TutorialKind };

const tutorialSchema = z.object({
  title: z.string().trim().min(1, 'error.tutorial.title.required').max(200, 'error.tutorial.title.tooLong'),
  url: z.string().trim().min(1, 'error.tutorial.url.required').max(2000, 'error.tutorial.url.tooLong').refine(isHttpUrl, 'error.tutorial.url.invalid'),
  source: z.string().trim().min(1, 'error.tutorial.source.required').max(120, 'error.tutorial.source.tooLong'),
  format: z.enum(TUTORIAL_FORMATS, { errorMap: () => ({ message: 'error.tutorial.format.invalid' }) }),
  duration: z
    .string()
    .trim()
    .min(1, 'error.tutorial.duration.required')
    .refine((d) => (durationSeconds(d) ?? 0) > 0, 'error.tutorial.duration.invalid'),
  locale: z.enum(TUTORIAL_LOCALES, { errorMap: () => ({ message: 'error.tutorial.locale.invalid' }) }),
  licence: z
    .string()
    .trim()
    .max(120, 'error.tutorial.licence.tooLong')
    .transform((v) => (v === '' ? null : v)),
});

export type TutorialInput = Record<TutorialField, string>;

export interface TutorialFilter {
  q?: string;
  status?: LinkStatus | '';
  format?: string;
}

/** The library, filtered by text (title, source, address, key), link status and format; dead links first. */
export async function listTutorials(client: PrismaClient, filter: TutorialFilter = {}) {
  const q = filter.q?.trim();
  const rows = await client.tutorial.findMany({
    where: {
      ...(filter.status ? { linkStatus: filter.status } : {}),
      ...(filter.format ? { format: filter.format } : {}),
      ...(q
        ? {
            OR: [
              { title: { contains: q, mode: 'insensitive' } },
              { source: { contains: q, mode: 'insensitive' } },
              { url: { contains: q, mode: 'insensitive' } },
              { key: { contains: q, mode: 'insensitive' } },
            ],
          }
        : {}),
    },
    orderBy: [{ title: 'asc' }],
    include: { skills: { select: { skill: { select: { name: true } } } } },
  });
  const rank = { DEAD: 0, UNCHECKED: 1, OK: 2 } as const;
  return rows
    .map((t) => ({
      id: t.id,
      key: t.key,
      title: t.title,
      url: t.url,
      source: t.source,
      format: t.format,
      duration: t.duration,
      locale: t.locale,
      linkStatus: t.linkStatus as LinkStatus,
      lastCheckedAt: t.lastCheckedAt?.toISOString() ?? null,
      lastCheckNote: t.lastCheckNote,
      skills: [...new Set(t.skills.map((s) => s.skill.name))].sort(),
    }))
    .sort((a, b) => rank[a.linkStatus] - rank[b.linkStatus]);
}

export async function linkStatusCounts(client: PrismaClient): Promise<Record<LinkStatus, number>> {
  const groups = await client.tutorial.groupBy({ by: ['linkStatus'], _count: { _all: true } });
  const counts: Record<LinkStatus, number> = { UNCHECKED: 0, OK: 0, DEAD: 0 };
  for (const g of groups) counts[g.linkStatus as LinkStatus] = g._count._all;
  return counts;
}

export async function createTutorial(client: PrismaClient, input: TutorialInput): Promise<EditResult<{ id: string; key: string }, TutorialField>> {
  const parsed = tutorialSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const base = `tuto-${slugify(parsed.data.title)}`;
  for (let attempt = 1; attempt <= 50; attempt++) {
    const key = attempt === 1 ? base : `${base}-${attempt}`;
    if (await client.tutorial.findUnique({ where: { key }, select: { id: true } })) continue;
    try {
      const row = await client.tutorial.create({ data: { key, ...parsed.data } });
      return { ok: true, value: { id: row.id, key: row.key } };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return fail({ title: 'error.tutorial.title.required' });
}

/** Saves a tutorial; a new address has not been checked yet, so its link status starts again. */
export async function updateTutorial(client: PrismaClient, id: string, input: TutorialInput): Promise<EditResult<{ id: string }, TutorialField>> {
  const parsed = tutorialSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const current = await client.tutorial.findUnique({ where: { id }, select: { url: true } });
  if (!current) return fail({ title: 'error.tutorial.unknown' });
  const urlChanged = current.url !== parsed.data.url;
  await client.tutorial.update({
    where: { id },
    data: { ...parsed.data, ...(urlChanged ? { linkStatus: 'UNCHECKED', lastCheckedAt: null, lastCheckNote: null } : {}) },
  });
  return { ok: true, value: { id } };
}

/** A tutorial with the skills it is attached to (under which kind, at which rank). */
export async function getTutorial(client: PrismaClient, id: string) {
  const t = await client.tutorial.findUnique({
    where: { id },
    include: {
      skills: {
        orderBy: [{ skill: { name: 'asc' } }, { kind: 'asc' }],
        include: { skill: { select: { id: true, name: true, status: true, tube: { select: { title: true, competence: { select: { code: true } } } } } } },
      },
    },
  });
  if (!t) return null;
  return {
    id: t.id,
    key: t.key,
    title: t.title,
    url: t.url,
    source: t.source,
    format: t.format,
    duration: t.duration,
    locale: t.locale,
    licence: t.licence ?? '',
    linkStatus: t.linkStatus as LinkStatus,
    lastCheckedAt: t.lastCheckedAt?.toISOString() ?? null,
    lastCheckNote: t.lastCheckNote,
    skills: t.skills.map((link) => ({
      skillId: link.skill.id,
      name: link.skill.name,
      status: link.skill.status,
      tubeTitle: link.skill.tube.title,
      competenceCode: link.skill.tube.competence.code,
      kind: link.kind as TutorialKind,
      position: link.position,
    })),
  };
}

/** Every skill, for choosing one to attach a tutorial to, grouped by competence in framework order. */
export async function skillChoices(client: PrismaClient) {
  const skills = await client.skill.findMany({
    orderBy: [{ tube: { competence: { code: 'asc' } } }, { name: 'asc' }],
    select: { id: true, name: true, status: true, tube: { select: { title: true, competence: { select: { code: true, titleFr: true } } } } },
  });
  const groups: { code: string; title: string; skills: { id: string; name: string; tubeTitle: string; status: string }[] }[] = [];
  for (const s of skills) {
    let group = groups.find((g) => g.code === s.tube.competence.code);
    if (!group) groups.push((group = { code: s.tube.competence.code, title: s.tube.competence.titleFr, skills: [] }));
    group.skills.push({ id: s.id, name: s.name, tubeTitle: s.tube.title, status: s.status });
  }
  return groups;
}

/** The library, for choosing a tutorial on a skill page. */
export async function tutorialChoices(client: PrismaClient) {
  const rows = await client.tutorial.findMany({ orderBy: { title: 'asc' }, select: { id: true, title: true, source: true, format: true, linkStatus: true } });
  return rows.map((t) => ({ ...t, linkStatus: t.linkStatus as LinkStatus }));
}

// ───────────── Attaching tutorials to skills ─────────────

export type AttachError = 'error.attach.skill' | 'error.attach.tutorial' | 'error.attach.kind' | 'error.attach.already';

/** Attaches a tutorial to a skill under a kind, at the end of that list. */
export async function attachTutorial(
  client: PrismaClient,
  skillId: string,
  tutorialId: string,
  kind: string,
): Promise<{ ok: true } | { ok: false; error: AttachError }> {
  if (kind !== 'UNDERSTAND' && kind !== 'LEARN_MORE') return { ok: false, error: 'error.attach.kind' };
  const [skill, tutorial] = await Promise.all([
    skillId ? client.skill.findUnique({ where: { id: skillId }, select: { id: true } }) : null,
    tutorialId ? client.tutorial.findUnique({ where: { id: tutorialId }, select: { id: true } }) : null,
  ]);
  if (!skill) return { ok: false, error: 'error.attach.skill' };
  if (!tutorial) return { ok: false, error: 'error.attach.tutorial' };
  const existing = await client.skillTutorial.findUnique({ where: { skillId_tutorialId_kind: { skillId, tutorialId, kind } } });
  if (existing) return { ok: false, error: 'error.attach.already' };
  const last = await client.skillTutorial.aggregate({ where: { skillId, kind }, _max: { position: true } });
  try {
    await client.skillTutorial.create({ data: { skillId, tutorialId, kind, position: (last._max.position ?? -1) + 1 } });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: 'error.attach.already' };
    throw error;
  }
  return { ok: true };
}

/** The tutorial ids of a skill's list, in order. */
export async function skillTutorialIds(client: PrismaClient, skillId: string, kind: TutorialKind): Promise<string[]> {
  const links = await client.skillTutorial.findMany({
    where: { skillId, kind },
    orderBy: [{ position: 'asc' }, { tutorialId: 'asc' }],
    select: { tutorialId: true },
  });
  return links.map((l) => l.tutorialId);
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function writeOrder(tx: Tx, skillId: string, kind: TutorialKind, ids: string[]) {
  for (const [position, tutorialId] of ids.entries()) {
    await tx.skillTutorial.update({ where: { skillId_tutorialId_kind: { skillId, tutorialId, kind } }, data: { position } });
  }
}

/** Removes a tutorial from a skill's list; the others close the gap. */
export async function detachTutorial(client: PrismaClient, skillId: string, tutorialId: string, kind: TutorialKind): Promise<boolean> {
  return client.$transaction(async (tx) => {
    const removed = await tx.skillTutorial.deleteMany({ where: { skillId, tutorialId, kind } });
    const rest = await tx.skillTutorial.findMany({
      where: { skillId, kind },
      orderBy: [{ position: 'asc' }, { tutorialId: 'asc' }],
      select: { tutorialId: true },
    });
    await writeOrder(
      tx,
      skillId,
      kind,
      rest.map((r) => r.tutorialId),
    );
    return removed.count > 0;
  });
}

/** Moves a tutorial one place up or down in a skill's list. Nothing happens at either end. */
export async function moveTutorial(client: PrismaClient, skillId: string, tutorialId: string, kind: TutorialKind, direction: 'up' | 'down'): Promise<boolean> {
  return client.$transaction(async (tx) => {
    const links = await tx.skillTutorial.findMany({
      where: { skillId, kind },
      orderBy: [{ position: 'asc' }, { tutorialId: 'asc' }],
      select: { tutorialId: true },
    });
    const ids = links.map((l) => l.tutorialId);
    const from = ids.indexOf(tutorialId);
    const to = direction === 'up' ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= ids.length) return false;
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    await writeOrder(tx, skillId, kind, ids);
    return true;
  });
}

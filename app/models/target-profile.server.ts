/**
 * Target profiles (profils cibles): tubes of the framework each capped at a level, with optional stages
 * (paliers) and badges. A profile belongs to one organisation (or to none: shared by the platform).
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { targetedSkills, type Badge, type BadgeCriterion, type Stage, type TargetedSkill } from '../../engine/campaigns';
import { parseJsonColumn } from '../lib/json-column';
import type { Titles } from '../i18n';

/** What `TargetProfileBadge.criteria` holds: the engine's badge criteria (campaign-results.server.ts reads it too). */
export const storedBadgeCriteria: z.ZodType<BadgeCriterion[]> = z.array(z.object({ tubeId: z.string(), minPercent: z.number() }));

/** A badge row's criteria, checked (an error names the badge when the column is malformed). */
export function badgeCriteriaOf(badge: { id: string; criteria: unknown }): BadgeCriterion[] {
  return parseJsonColumn(storedBadgeCriteria, badge.criteria, { table: 'TargetProfileBadge', column: 'criteria', row: badge.id });
}

/** The framework as a tree for the profile builder: areas → competences → tubes with their active levels. */
export async function frameworkTree(client: PrismaClient) {
  const areas = await client.area.findMany({
    orderBy: { code: 'asc' },
    include: {
      competences: {
        orderBy: { code: 'asc' },
        include: {
          tubes: {
            orderBy: [{ position: 'asc' }, { name: 'asc' }],
            include: { skills: { where: { status: 'actif' }, select: { level: true }, orderBy: { level: 'asc' } } },
          },
        },
      },
    },
  });
  return areas.map((a) => ({
    code: a.code,
    title: { titleFr: a.titleFr, titleEn: a.titleEn },
    competences: a.competences.map((c) => ({
      code: c.code,
      title: { titleFr: c.titleFr, titleEn: c.titleEn },
      tubes: c.tubes.filter((t) => t.skills.length > 0).map((t) => ({ id: t.id, name: t.name, title: t.title, levels: t.skills.map((s) => s.level) })),
    })),
  }));
}

export type FrameworkTree = Awaited<ReturnType<typeof frameworkTree>>;

export async function listTargetProfiles(client: PrismaClient, organisationId: string) {
  const profiles = await client.targetProfile.findMany({
    where: { OR: [{ organisationId }, { organisationId: null }] },
    orderBy: { createdAt: 'desc' },
    include: { tubes: true, _count: { select: { campaigns: true, stages: true, badges: true } } },
  });
  const skills = await client.skill.findMany({
    where: { tubeId: { in: [...new Set(profiles.flatMap((p) => p.tubes.map((t) => t.tubeId)))] } },
    select: { id: true, tubeId: true, level: true, status: true },
  });
  return profiles.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    shared: p.organisationId === null,
    tubes: p.tubes.length,
    skills: targetedSkills(p.tubes, skills).length,
    campaigns: p._count.campaigns,
    stages: p._count.stages,
    badges: p._count.badges,
  }));
}

/** A profile the organisation may use (its own or a shared one), else null. */
export async function targetProfileOf(client: PrismaClient, organisationId: string, id: string) {
  const profile = await client.targetProfile.findFirst({
    where: { id, OR: [{ organisationId }, { organisationId: null }] },
    include: { tubes: true, stages: { orderBy: { threshold: 'asc' } }, badges: true, _count: { select: { campaigns: true } } },
  });
  if (!profile) return null;
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    organisationId: profile.organisationId,
    tubes: profile.tubes.map((t) => ({ tubeId: t.tubeId, maxLevel: t.maxLevel })),
    stages: profile.stages.map((s) => ({ threshold: s.threshold, title: s.title, message: s.message })),
    badges: profile.badges.map((b) => ({ key: b.id, title: b.title, message: b.message, criteria: badgeCriteriaOf(b) })),
    /** Campaigns (of any organisation) using the profile: one, and its content is locked. */
    campaigns: profile._count.campaigns,
  };
}

/** The profile's edit page: the profile the organisation may use (else null) and the framework tree. */
export async function targetProfileEditor(client: PrismaClient, organisationId: string, id: string) {
  const profile = await targetProfileOf(client, organisationId, id);
  if (!profile) return null;
  return { profile, tree: await frameworkTree(client) };
}

/** Targeted skills of a profile, with each tube's competence and area codes. */
export async function targetedSkillsOf(client: Pick<PrismaClient, 'targetProfileTube' | 'tube' | 'skill'>, targetProfileId: string | null) {
  const tubes = targetProfileId
    ? await client.targetProfileTube.findMany({ where: { targetProfileId } })
    : // Profile collection without a profile: every tube up to level 8.
      (await client.tube.findMany({ select: { id: true } })).map((t) => ({ tubeId: t.id, maxLevel: 8 }));
  const rows = await client.skill.findMany({
    where: { tubeId: { in: tubes.map((t) => t.tubeId) } },
    select: {
      id: true,
      tubeId: true,
      level: true,
      status: true,
      name: true,
      tube: {
        select: {
          name: true,
          title: true,
          competence: { select: { code: true, titleFr: true, titleEn: true, area: { select: { code: true, titleFr: true, titleEn: true } } } },
        },
      },
    },
  });
  const skills: TargetedSkill[] = targetedSkills(tubes, rows);
  const tubeInfo = new Map<string, { name: string; title: string; competence: string; competenceTitle: Titles; area: string; areaTitle: Titles }>();
  for (const r of rows) {
    tubeInfo.set(r.tubeId, {
      name: r.tube.name,
      title: r.tube.title,
      competence: r.tube.competence.code,
      competenceTitle: { titleFr: r.tube.competence.titleFr, titleEn: r.tube.competence.titleEn },
      area: r.tube.competence.area.code,
      areaTitle: { titleFr: r.tube.competence.area.titleFr, titleEn: r.tube.competence.area.titleEn },
    });
  }
  return { skills, tubeInfo, skillNames: new Map(rows.map((r) => [r.id, r.name])) };
}

const stageSchema = z.object({
  threshold: z.number().int().min(0).max(100),
  title: z.string().trim().min(1).max(120),
  message: z.string().max(2000).default(''),
});
const badgeSchema = z.object({
  title: z.string().trim().min(1).max(120),
  message: z.string().max(2000).default(''),
  criteria: z.array(z.object({ tubeId: z.string().min(1), minPercent: z.number().int().min(1).max(100) })).min(1),
});
export const targetProfileInput = z.object({
  name: z.string().trim().min(1, 'Donnez un nom au profil cible.').max(200),
  description: z.string().max(2000).default(''),
  tubes: z.array(z.object({ tubeId: z.string().min(1), maxLevel: z.number().int().min(1).max(8) })).min(1, 'Choisissez au moins un sujet.'),
  stages: z.array(stageSchema).default([]),
  badges: z.array(badgeSchema).default([]),
});
export type TargetProfileInput = z.infer<typeof targetProfileInput>;

/** Reads the builder's form: tube-<id> = level (0 = not chosen), stage-N-*, badge-N-*. */
export function targetProfileFromForm(form: FormData): { ok: true; value: TargetProfileInput } | { ok: false; errors: string[] } {
  const tubes: { tubeId: string; maxLevel: number }[] = [];
  for (const [key, value] of form.entries()) {
    if (key.startsWith('tube-') && Number(value) > 0) tubes.push({ tubeId: key.slice(5), maxLevel: Number(value) });
  }
  const stages: Stage[] = [];
  const badges: { title: string; message: string; criteria: { tubeId: string; minPercent: number }[] }[] = [];
  for (let i = 0; i < 20; i++) {
    const title = String(form.get(`stage-${i}-title`) ?? '').trim();
    const threshold = String(form.get(`stage-${i}-threshold`) ?? '').trim();
    if (title || threshold) stages.push({ title, threshold: Number(threshold), message: String(form.get(`stage-${i}-message`) ?? '') });
    const badgeTitle = String(form.get(`badge-${i}-title`) ?? '').trim();
    const badgeTube = String(form.get(`badge-${i}-tube`) ?? '');
    const badgeMin = String(form.get(`badge-${i}-min`) ?? '').trim();
    if (badgeTitle || badgeTube)
      badges.push({
        title: badgeTitle,
        message: String(form.get(`badge-${i}-message`) ?? ''),
        criteria: badgeTube ? [{ tubeId: badgeTube, minPercent: Number(badgeMin || 0) }] : [],
      });
  }
  const parsed = targetProfileInput.safeParse({ name: form.get('name') ?? '', description: form.get('description') ?? '', tubes, stages, badges });
  if (parsed.success) {
    const badTubes = parsed.data.badges.some((b) => b.criteria.some((c) => !tubes.some((t) => t.tubeId === c.tubeId)));
    if (badTubes) return { ok: false, errors: ['Un badge porte sur un sujet qui n’est pas dans le profil.'] };
    return { ok: true, value: parsed.data };
  }
  return {
    ok: false,
    errors: parsed.error.issues
      .map((i) => {
        const where = i.path.join('.');
        if (where.startsWith('stages')) return 'Chaque palier a un titre et un seuil entier entre 0 et 100 %.';
        if (where.startsWith('badges')) return 'Chaque badge a un titre, un sujet et un seuil entre 1 et 100 %.';
        return i.message;
      })
      .filter((m, i, all) => all.indexOf(m) === i),
  };
}

export async function createTargetProfile(client: PrismaClient, organisationId: string, input: TargetProfileInput) {
  return client.targetProfile.create({
    data: {
      organisationId,
      name: input.name,
      description: input.description,
      tubes: { create: input.tubes },
      stages: { create: input.stages },
      badges: { create: input.badges.map((b) => ({ title: b.title, message: b.message, criteria: b.criteria })) },
    },
  });
}

/** Replaces a profile's content; refused once a campaign uses it (results must keep their meaning). */
export async function updateTargetProfile(client: PrismaClient, organisationId: string, id: string, input: TargetProfileInput) {
  const profile = await client.targetProfile.findFirst({ where: { id, organisationId }, include: { _count: { select: { campaigns: true } } } });
  if (!profile) return { ok: false as const, error: 'Profil cible introuvable.' };
  if (profile._count.campaigns > 0) return { ok: false as const, error: 'Ce profil cible est utilisé par une campagne : dupliquez-le pour le modifier.' };
  await client.$transaction([
    client.targetProfileTube.deleteMany({ where: { targetProfileId: id } }),
    client.targetProfileStage.deleteMany({ where: { targetProfileId: id } }),
    client.targetProfileBadge.deleteMany({ where: { targetProfileId: id } }),
    client.targetProfile.update({
      where: { id },
      data: {
        name: input.name,
        description: input.description,
        tubes: { create: input.tubes },
        stages: { create: input.stages },
        badges: { create: input.badges.map((b) => ({ title: b.title, message: b.message, criteria: b.criteria })) },
      },
    }),
  ]);
  return { ok: true as const };
}

export async function duplicateTargetProfile(client: PrismaClient, organisationId: string, id: string) {
  const profile = await targetProfileOf(client, organisationId, id);
  if (!profile) return null;
  return createTargetProfile(client, organisationId, {
    name: `${profile.name} (copie)`,
    description: profile.description,
    tubes: profile.tubes,
    stages: profile.stages,
    badges: profile.badges.map((b: Badge & { message: string }) => ({ title: b.title, message: b.message, criteria: [...b.criteria] })),
  });
}

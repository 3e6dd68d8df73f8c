/**
 * The authoring view of the framework: areas → competences → thematics → tubes, and per competence the
 * grid of tubes × levels with each skill's status, its challenges by status and what it still lacks.
 */
import type { PrismaClient } from '../../prisma/client';
import { skillQualityIssues, type ChallengeStatusCounts, type SkillQualityIssue, type SkillStatus } from '../../engine/framework';

export { CHALLENGE_STATUS_ORDER } from '../lib/framework-editing';

export interface SkillStats {
  challenges: ChallengeStatusCounts;
  liveDeclinations: number;
  tutorials: number;
  deadTutorials: number;
}

const emptyCounts = (): ChallengeStatusCounts => ({ propose: 0, submitted: 0, valide: 0, archive: 0, perime: 0 });

/** Challenge counts by status and tutorial counts for the given skills (all skills when omitted). */
export async function skillStats(client: PrismaClient, skillIds?: string[]): Promise<Map<string, SkillStats>> {
  const where = skillIds ? { skillId: { in: skillIds } } : {};
  const [challengeGroups, links] = await Promise.all([
    client.challenge.groupBy({ by: ['skillId', 'status', 'isPrototype'], where, _count: { _all: true } }),
    client.skillTutorial.findMany({ where, select: { skillId: true, tutorialId: true, tutorial: { select: { linkStatus: true } } } }),
  ]);
  const stats = new Map<string, SkillStats>();
  const get = (id: string) => {
    let s = stats.get(id);
    if (!s) stats.set(id, (s = { challenges: emptyCounts(), liveDeclinations: 0, tutorials: 0, deadTutorials: 0 }));
    return s;
  };
  for (const id of skillIds ?? []) get(id);
  for (const g of challengeGroups) {
    const s = get(g.skillId);
    s.challenges[g.status] += g._count._all;
    if (g.status === 'valide' && !g.isPrototype) s.liveDeclinations += g._count._all;
  }
  // A tutorial linked under both kinds counts once.
  const seen = new Set<string>();
  for (const link of links) {
    const key = `${link.skillId}/${link.tutorialId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const s = get(link.skillId);
    s.tutorials++;
    if (link.tutorial.linkStatus === 'DEAD') s.deadTutorials++;
  }
  return stats;
}

const noStats = (): SkillStats => ({ challenges: emptyCounts(), liveDeclinations: 0, tutorials: 0, deadTutorials: 0 });

/** Areas → competences with their numbers of tubes and skills, and how many skills lack something. */
export async function workspaceOverview(client: PrismaClient) {
  const [areas, skills, stats] = await Promise.all([
    client.area.findMany({
      orderBy: { code: 'asc' },
      include: { competences: { orderBy: { code: 'asc' }, include: { _count: { select: { tubes: true, thematics: true } } } } },
    }),
    client.skill.findMany({ select: { id: true, status: true, hint: true, tube: { select: { competenceId: true } } } }),
    skillStats(client),
  ]);
  const byCompetence = new Map<string, { skills: number; toComplete: number; deadLinks: number }>();
  for (const skill of skills) {
    const entry = byCompetence.get(skill.tube.competenceId) ?? { skills: 0, toComplete: 0, deadLinks: 0 };
    const s = stats.get(skill.id) ?? noStats();
    const issues = skillQualityIssues({ status: skill.status as SkillStatus, hint: skill.hint, ...s });
    entry.skills++;
    if (issues.length > 0) entry.toComplete++;
    if (issues.includes('dead_tutorial')) entry.deadLinks++;
    byCompetence.set(skill.tube.competenceId, entry);
  }
  return areas.map((area) => ({
    code: area.code,
    titleFr: area.titleFr,
    titleEn: area.titleEn,
    competences: area.competences.map((c) => ({
      code: c.code,
      titleFr: c.titleFr,
      titleEn: c.titleEn,
      thematicCount: c._count.thematics,
      tubeCount: c._count.tubes,
      skillCount: byCompetence.get(c.id)?.skills ?? 0,
      toComplete: byCompetence.get(c.id)?.toComplete ?? 0,
      deadLinks: byCompetence.get(c.id)?.deadLinks ?? 0,
    })),
  }));
}

export interface GridSkill {
  id: string;
  name: string;
  level: number;
  status: SkillStatus;
  challenges: ChallengeStatusCounts;
  issues: SkillQualityIssue[];
}

/** One competence as the authoring grid shows it: thematics, their tubes, each tube's skills by level. */
export async function competenceWorkspace(client: PrismaClient, code: string) {
  const competence = await client.competence.findUnique({
    where: { code },
    include: {
      area: true,
      thematics: {
        orderBy: { position: 'asc' },
        include: {
          tubes: {
            orderBy: { position: 'asc' },
            include: { skills: { orderBy: { level: 'asc' }, select: { id: true, name: true, level: true, status: true, hint: true } } },
          },
        },
      },
    },
  });
  if (!competence) return null;
  const skillIds = competence.thematics.flatMap((th) => th.tubes.flatMap((t) => t.skills.map((s) => s.id)));
  const stats = await skillStats(client, skillIds);
  return {
    id: competence.id,
    code: competence.code,
    titleFr: competence.titleFr,
    titleEn: competence.titleEn,
    area: { code: competence.area.code, titleFr: competence.area.titleFr, titleEn: competence.area.titleEn },
    thematics: competence.thematics.map((th) => ({
      id: th.id,
      name: th.name,
      tubes: th.tubes.map((tube) => ({
        id: tube.id,
        name: tube.name,
        title: tube.title,
        description: tube.description,
        skills: tube.skills.map((s): GridSkill => {
          const st = stats.get(s.id) ?? noStats();
          return {
            id: s.id,
            name: s.name,
            level: s.level,
            status: s.status as SkillStatus,
            challenges: st.challenges,
            issues: skillQualityIssues({ status: s.status as SkillStatus, hint: s.hint, ...st }),
          };
        }),
      })),
    })),
  };
}

/**
 * The creation home: challenges waiting for review, the release in service (with its number of
 * challenges), and per competence (by code) its challenges by status.
 */
export async function creationOverview(client: PrismaClient) {
  const [submitted, competences, counts, release] = await Promise.all([
    client.challenge.count({ where: { status: 'submitted' } }),
    client.competence.findMany({ orderBy: { code: 'asc' }, select: { id: true, code: true, titleFr: true, titleEn: true } }),
    client.$queryRaw<{ code: string; status: keyof ChallengeStatusCounts; n: bigint }[]>`
      select co.code, ch.status::text as status, count(*) as n
      from "Challenge" ch join "Skill" s on s.id = ch."skillId" join "Tube" t on t.id = s."tubeId" join "Competence" co on co.id = t."competenceId"
      group by co.code, ch.status`,
    client.release.findFirst({ orderBy: { number: 'desc' }, include: { _count: { select: { challenges: true } } } }),
  ]);
  return {
    submitted,
    release: release
      ? { number: release.number, createdAt: release.createdAt.toISOString(), message: release.message, challenges: release._count.challenges }
      : null,
    rows: competences.map((c) => {
      const byStatus = emptyCounts();
      for (const r of counts) if (r.code === c.code && r.status in byStatus) byStatus[r.status] = Number(r.n);
      return { code: c.code, titleFr: c.titleFr, titleEn: c.titleEn, counts: byStatus };
    }),
  };
}

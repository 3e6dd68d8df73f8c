/**
 * What teachers read of a campaign: the access check (a campaign of one of the viewer's
 * organisations), the aggregate behind the dashboards (kept by the worker, recomputed here when
 * stale), the participants page, one participant's detail, the live activity figures and the
 * tutorials of recommended topics.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import type { Titles } from '../i18n';
import { collectiveMastery, competencesToTarget, masteryBand, recommendedTopics, MASTERY_BANDS } from '../../engine/campaigns';
import { targetedSkillsOf } from './target-profile.server';
import { fromStoredTubes, profileRules, storedTubesOf } from './campaign-results.server';

/** The campaign if the viewer is a member of its organisation; 404 otherwise (existence is not revealed). */
export async function campaignOfViewer(client: PrismaClient, viewer: Pick<Viewer, 'organisations'>, id: string) {
  const campaign = await client.campaign.findUnique({
    where: { id },
    include: {
      organisation: { select: { id: true, name: true } },
      targetProfile: { select: { id: true, name: true } },
      creator: { select: { firstName: true, lastName: true } },
    },
  });
  if (!campaign || !viewer.organisations.some((o) => o.id === campaign.organisationId)) throw new Response('Campagne introuvable', { status: 404 });
  return campaign;
}

// ─────────────────────────────── Aggregates ───────────────────────────────

const count = z.number();
/** A competence's name in both languages; the page says the one of its language (titleIn). */
const titles = z.object({ titleFr: z.string(), titleEn: z.string() });
/** What `CampaignAggregate.data` holds (written by refreshCampaignAggregate, read by the dashboards). */
export const campaignAggregateDataSchema = z.object({
  totals: z.object({ participants: count, toShare: count, started: count, shared: count }),
  activity: z.array(z.object({ day: z.string(), participants: count, shared: count })),
  bands: z.record(count),
  byCompetence: z.array(z.object({ key: z.string(), title: titles, area: z.string(), targeted: count, masteryRate: z.number() })),
  byTube: z.array(z.object({ key: z.string(), name: z.string(), title: z.string(), competence: z.string(), targeted: count, masteryRate: z.number() })),
  recommendations: z.array(z.object({ tubeId: z.string(), name: z.string(), title: z.string(), competence: z.string(), score: z.number(), dots: count })),
  competencesToTarget: z.array(z.object({ competence: z.string(), title: titles, score: z.number(), dots: count })),
  stages: z.array(z.object({ title: z.string(), threshold: z.number(), count })),
  badges: z.array(z.object({ title: z.string(), count })),
  questions: z.array(z.object({ challengeId: z.string(), skill: z.string(), answers: count, successes: count, rate: z.number() })),
  divisions: z.array(z.string()),
  sharedCount: count,
  /**
   * Which participations the result figures come from: only shared ones. An aggregate stored before this
   * marker counted unshared answers in `questions`: it does not parse, so it is recomputed when read.
   */
  resultsFrom: z.literal('shared'),
});
export type CampaignAggregateData = z.infer<typeof campaignAggregateDataSchema>;

/** Computes a campaign's aggregate from its participant results (collective figures on shared ones). */
export async function computeCampaignAggregate(client: PrismaClient, campaignId: string): Promise<CampaignAggregateData> {
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const [source, rows, { skills, tubeInfo }, rules, answers] = await Promise.all([
    aggregateSource(client, campaignId),
    // A retried participation's earlier result is kept aside (isImproved): one row per learner counts.
    client.campaignParticipantResult.findMany({
      where: { campaignId, participation: { isImproved: false } },
      select: {
        participationId: true,
        status: true,
        masteryPercent: true,
        stageIndex: true,
        badges: true,
        tubes: true,
        createdAt: true,
        sharedAt: true,
        division: true,
      },
    }),
    targetedSkillsOf(client, campaign.targetProfileId),
    profileRules(client, campaign.targetProfileId),
    client.$queryRaw<{ challengeId: string; skill: string; answers: bigint; successes: bigint }[]>`
      SELECT an."challengeId", s.name AS skill, count(*) AS answers, count(*) FILTER (WHERE an.result = 'ok') AS successes
      FROM "Answer" an JOIN "Assessment" a ON a.id = an."assessmentId" JOIN "CampaignParticipation" p ON p.id = a."participationId"
      JOIN "Challenge" c ON c.id = an."challengeId" JOIN "Skill" s ON s.id = c."skillId"
      WHERE p."campaignId" = ${campaignId} AND p.status = 'SHARED' GROUP BY an."challengeId", s.name`,
  ]);
  // Every result figure comes from shared participations only (the per-question statistics too, above):
  // results a learner has not sent yet stay theirs. The others count in the totals and activity only.
  const shared = rows.filter((r) => r.status === 'SHARED');
  const participants = shared.map((r) => ({ tubes: fromStoredTubes(storedTubesOf(r)) }));
  const days = new Map<string, { started: number; shared: number }>();
  for (const r of rows) {
    const d = r.createdAt.toISOString().slice(0, 10);
    days.set(d, { started: (days.get(d)?.started ?? 0) + 1, shared: days.get(d)?.shared ?? 0 });
    if (r.sharedAt) {
      const s = r.sharedAt.toISOString().slice(0, 10);
      days.set(s, { started: days.get(s)?.started ?? 0, shared: (days.get(s)?.shared ?? 0) + 1 });
    }
  }
  let cumStarted = 0;
  let cumShared = 0;
  const activity = [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, v]) => ({ day, participants: (cumStarted += v.started), shared: (cumShared += v.shared) }));
  const bands = Object.fromEntries(MASTERY_BANDS.map((b) => [b, 0]));
  for (const r of shared) bands[masteryBand(r.masteryPercent / 100)]!++;
  const info = (t: string) => tubeInfo.get(t)!;
  const recommendations = recommendedTopics(skills, participants);
  const competenceTitles = new Map([...tubeInfo.values()].map((t) => [t.competence, t.competenceTitle]));
  return {
    totals: {
      participants: rows.length,
      started: rows.filter((r) => r.status === 'STARTED').length,
      toShare: rows.filter((r) => r.status === 'TO_SHARE').length,
      shared: shared.length,
    },
    activity,
    bands,
    byCompetence: collectiveMastery(participants, skills, (t) => info(t).competence)
      .map((r) => ({
        ...r,
        title: competenceTitles.get(r.key) ?? { titleFr: r.key, titleEn: r.key },
        area: [...tubeInfo.values()].find((t) => t.competence === r.key)?.area ?? '',
      }))
      .sort((a, b) => a.key.localeCompare(b.key, 'fr', { numeric: true })),
    byTube: collectiveMastery(participants, skills)
      .map((r) => ({ ...r, name: info(r.key).name, title: info(r.key).title, competence: info(r.key).competence }))
      .sort((a, b) => a.competence.localeCompare(b.competence, 'fr', { numeric: true }) || a.name.localeCompare(b.name)),
    recommendations: recommendations.map((r) => ({ ...r, name: info(r.tubeId).name, title: info(r.tubeId).title, competence: info(r.tubeId).competence })),
    competencesToTarget: competencesToTarget(recommendations, (t) => info(t).competence).map((c) => ({
      ...c,
      title: competenceTitles.get(c.competence) ?? { titleFr: c.competence, titleEn: c.competence },
    })),
    stages: rules.stages.map((s, i) => ({ title: s.title, threshold: s.threshold, count: shared.filter((r) => r.stageIndex === i).length })),
    badges: rules.badges.map((b) => ({ title: b.title, count: shared.filter((r) => r.badges.includes(b.title)).length })),
    questions: answers
      .map((a) => ({
        challengeId: a.challengeId,
        skill: a.skill,
        answers: Number(a.answers),
        successes: Number(a.successes),
        rate: Number(a.successes) / Number(a.answers),
      }))
      .sort((a, b) => a.rate - b.rate),
    divisions: [...new Set(rows.map((r) => r.division).filter((d): d is string => !!d))].sort(),
    sharedCount: source.count,
    resultsFrom: 'shared',
  };
}

async function aggregateSource(client: PrismaClient, campaignId: string) {
  const [row] = await client.$queryRaw<{ count: bigint; at: Date | null }[]>`
    SELECT count(*) AS count, max("updatedAt") AS at FROM "CampaignParticipantResult" WHERE "campaignId" = ${campaignId}`;
  return { count: Number(row?.count ?? 0), at: row?.at ?? null };
}

/** Recomputes and stores the aggregate (what the worker does). */
export async function refreshCampaignAggregate(client: PrismaClient, campaignId: string) {
  const source = await aggregateSource(client, campaignId);
  const data = await computeCampaignAggregate(client, campaignId);
  const row = { data: data as object, sourceCount: source.count, sourceAt: source.at, computedAt: new Date() };
  await client.campaignAggregate.upsert({ where: { campaignId }, create: { campaignId, ...row }, update: row });
  return data;
}

/**
 * The aggregate the dashboards read. The worker keeps it fresh; when it is missing or older than the
 * latest participant result (the worker has not run yet, or Redis is down), it is recomputed here.
 * The stored row is a cache: one whose data is not of the current shape (written by an older version
 * of this code, or damaged) is recomputed and overwritten, and a warning names the campaign.
 */
export async function campaignAggregate(client: PrismaClient, campaignId: string): Promise<{ data: CampaignAggregateData; computedAt: Date; fresh: boolean }> {
  const [stored, source] = await Promise.all([client.campaignAggregate.findUnique({ where: { campaignId } }), aggregateSource(client, campaignId)]);
  if (stored && stored.sourceCount === source.count && (stored.sourceAt?.getTime() ?? 0) === (source.at?.getTime() ?? 0)) {
    const parsed = campaignAggregateDataSchema.safeParse(stored.data);
    if (parsed.success) return { data: parsed.data, computedAt: stored.computedAt, fresh: true };
    console.warn(
      `CampaignAggregate.data of campaign ${campaignId} is not of the current shape (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}): recomputed.`,
    );
  }
  const data = await refreshCampaignAggregate(client, campaignId);
  return { data, computedAt: new Date(), fresh: false };
}

// ─────────────────────────────── Participants page ───────────────────────────────

export const PAGE_SIZE = 50;

export interface ParticipantFilters {
  division?: string | null;
  band?: string | null;
  status?: string | null;
  page?: number;
}

export async function campaignParticipants(client: PrismaClient, campaignId: string, filters: ParticipantFilters) {
  // The current participation of each learner (a retry keeps the earlier one aside, isImproved).
  const where: Record<string, unknown> = { campaignId, participation: { isImproved: false } };
  if (filters.division) where.division = filters.division;
  if (filters.status && ['STARTED', 'TO_SHARE', 'SHARED'].includes(filters.status)) where.status = filters.status;
  const bounds: Record<string, [number, number]> = { insufficient: [0, 20], fragile: [21, 50], satisfactory: [51, 80], veryGood: [81, 100] };
  if (filters.band && bounds[filters.band]) {
    where.masteryPercent = { gte: bounds[filters.band]![0], lte: bounds[filters.band]![1] };
    where.status = 'SHARED';
  }
  const page = Math.max(1, filters.page ?? 1);
  const [total, found] = await Promise.all([
    client.campaignParticipantResult.count({ where }),
    client.campaignParticipantResult.findMany({
      where,
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { participationId: 'asc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        participationId: true,
        lastName: true,
        firstName: true,
        division: true,
        status: true,
        masteryPercent: true,
        progress: true,
        stageIndex: true,
        badges: true,
      },
    }),
  ]);
  // A participant who has not sent their results appears with their status (and test progress) only.
  const rows = found.map((r) => (r.status === 'SHARED' ? r : { ...r, masteryPercent: null, stageIndex: null, badges: [] as string[] }));
  return { total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), rows };
}

/**
 * The participants page of a campaign of one of the viewer's organisations (404 otherwise): a page
 * of participants with the filters, the classes to filter on, and the profile's stage titles in order.
 */
export async function campaignParticipantsPage(client: PrismaClient, viewer: Pick<Viewer, 'organisations'>, campaignId: string, filters: ParticipantFilters) {
  const campaign = await campaignOfViewer(client, viewer, campaignId);
  const [list, aggregate, rules] = await Promise.all([
    campaignParticipants(client, campaign.id, filters),
    campaignAggregate(client, campaign.id),
    profileRules(client, campaign.targetProfileId),
  ]);
  return { list, divisions: aggregate.data.divisions, stages: rules.stages.map((s) => s.title) };
}

/** One participant's results by competence and tube (404 when the participation is not of this campaign). */
export async function participantDetail(client: PrismaClient, campaignId: string, participationId: string) {
  const result = await client.campaignParticipantResult.findFirst({ where: { participationId, campaignId } });
  if (!result) throw new Response('Participant introuvable', { status: 404 });
  // Results not sent yet stay the learner's: the teacher sees who and in which state, nothing more.
  if (result.status !== 'SHARED')
    return { name: `${result.firstName} ${result.lastName}`, division: result.division, status: result.status, shared: false as const };
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const [{ tubeInfo }, rules] = await Promise.all([targetedSkillsOf(client, campaign.targetProfileId), profileRules(client, campaign.targetProfileId)]);
  const competences = new Map<
    string,
    {
      code: string;
      title: Titles;
      targeted: number;
      validated: number;
      tubes: { name: string; title: string; targeted: number; validated: number; reached: number }[];
    }
  >();
  for (const [tubeId, [targeted, validated, reached]] of Object.entries(storedTubesOf(result))) {
    const info = tubeInfo.get(tubeId);
    if (!info) continue;
    const c = competences.get(info.competence) ?? { code: info.competence, title: info.competenceTitle, targeted: 0, validated: 0, tubes: [] };
    c.targeted += targeted;
    c.validated += validated;
    c.tubes.push({ name: info.name, title: info.title, targeted, validated, reached });
    competences.set(info.competence, c);
  }
  return {
    name: `${result.firstName} ${result.lastName}`,
    division: result.division,
    status: result.status,
    shared: true as const,
    masteryPercent: result.masteryPercent,
    validated: result.validatedCount,
    stage: result.stageIndex !== null ? (rules.stages[result.stageIndex]?.title ?? null) : null,
    badges: result.badges,
    sharedAt: result.sharedAt?.toISOString() ?? null,
    competences: [...competences.values()].sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true })),
  };
}

/** Tutorials of the skills of some tubes (a few per tube), for the recommended topics. */
export async function tutorialsOfTubes(client: PrismaClient, tubeIds: string[], perTube = 3) {
  const links = await client.skillTutorial.findMany({
    where: { skill: { tubeId: { in: tubeIds } } },
    include: {
      tutorial: { select: { id: true, title: true, url: true, source: true, format: true, duration: true } },
      skill: { select: { tubeId: true, level: true } },
    },
    orderBy: [{ skill: { level: 'asc' } }, { kind: 'asc' }, { position: 'asc' }],
  });
  const out: Record<string, { id: string; title: string; url: string; source: string; format: string; duration: string }[]> = {};
  for (const l of links) {
    const list = (out[l.skill.tubeId] ??= []);
    if (list.length < perTube && !list.some((t) => t.id === l.tutorial.id)) list.push(l.tutorial);
  }
  return out;
}

/**
 * The live figures of the Activity tab, read at each view (one indexed query, so that progress moves
 * with every answer without recomputing the aggregate): participants, under way, average progress of
 * those under way, completed (test over), waiting to be sent, shared. A retried participation's earlier
 * result is kept aside, like on the participants page.
 */
export async function liveActivity(client: PrismaClient, campaignId: string) {
  const [row] = await client.$queryRaw<{ participants: number; started: number; toShare: number; shared: number; averageProgress: number | null }[]>`
    SELECT count(*)::int AS participants,
      count(*) FILTER (WHERE r.status = 'STARTED')::int AS started,
      count(*) FILTER (WHERE r.status = 'TO_SHARE')::int AS "toShare",
      count(*) FILTER (WHERE r.status = 'SHARED')::int AS shared,
      avg(r.progress) FILTER (WHERE r.status = 'STARTED') AS "averageProgress"
    FROM "CampaignParticipantResult" r JOIN "CampaignParticipation" p ON p.id = r."participationId"
    WHERE r."campaignId" = ${campaignId} AND NOT p."isImproved"`;
  const r = row ?? { participants: 0, started: 0, toShare: 0, shared: 0, averageProgress: null };
  return {
    participants: r.participants,
    started: r.started,
    toShare: r.toShare,
    shared: r.shared,
    completed: r.toShare + r.shared,
    averageProgress: Number(r.averageProgress ?? 0),
  };
}

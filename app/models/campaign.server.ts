/**
 * Campaigns: creation with a unique code, lists, archiving; the learner's side (join by code, results,
 * sharing, retry); and what the dashboards read (participant results, the per-campaign aggregate).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import { generateCampaignCode, improvementAllowed, availableAt, IMPROVEMENT_DELAY_DAYS, isValidCampaignCode, normalizeCode } from '../../engine/framework';
import {
  badgeEarned, collectiveMastery, competencesToTarget, masteryBand, masteryPercent, participantResult, recommendedTopics,
  reachedStageIndex, sortStages, MASTERY_BANDS, type Badge, type BadgeCriterion, type TubeResults,
} from '../../engine/campaigns';
import { targetedSkillsOf } from './target-profile.server';
import { campaignTestProgressOf, startCampaignTest } from './campaign-assessment.server';
import { requireMembership } from './organisation.server';
import { validatedSkillIds } from './knowledge.server';

// ─────────────────────────────── Teachers: campaigns ───────────────────────────────

/** The campaign if the viewer is a member of its organisation; 404 otherwise (existence is not revealed). */
export async function campaignOfViewer(client: PrismaClient, viewer: Pick<Viewer, 'organisations'>, id: string) {
  const campaign = await client.campaign.findUnique({
    where: { id },
    include: { organisation: { select: { id: true, name: true } }, targetProfile: { select: { id: true, name: true } }, creator: { select: { firstName: true, lastName: true } } },
  });
  if (!campaign || !viewer.organisations.some((o) => o.id === campaign.organisationId)) throw new Response('Campagne introuvable', { status: 404 });
  return campaign;
}

export const campaignInput = z
  .object({
    name: z.string().trim().min(1, 'Donnez un nom à la campagne.').max(200),
    type: z.enum(['ASSESSMENT', 'PROFILES_COLLECTION'], { message: 'Choisissez le type de campagne.' }),
    targetProfileId: z.string().optional().transform((v) => v || null),
    title: z.string().trim().max(200).optional().transform((v) => v || null),
    landingText: z.string().trim().max(5000).optional().transform((v) => v || null),
    externalIdLabel: z.string().trim().max(100).optional().transform((v) => v || null),
    multipleSendings: z.boolean().default(false),
    autoShare: z.boolean().default(false),
  })
  .refine((c) => c.type !== 'ASSESSMENT' || c.targetProfileId, { message: 'Une campagne d’évaluation a besoin d’un profil cible.', path: ['targetProfileId'] });
export type CampaignInput = z.infer<typeof campaignInput>;

/** Creates a campaign with a fresh code: a collision with an existing code draws again (up to 20 times). */
export async function createCampaign(client: PrismaClient, organisationId: string, creatorId: string, input: Omit<CampaignInput, 'autoShare'> & { autoShare?: boolean }, rng: () => number = () => crypto.randomInt(0, 2 ** 32) / 2 ** 32) {
  if (input.targetProfileId) {
    const profile = await client.targetProfile.findFirst({ where: { id: input.targetProfileId, OR: [{ organisationId }, { organisationId: null }] } });
    if (!profile) throw new Response('Profil cible introuvable', { status: 404 });
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = generateCampaignCode(rng);
    try {
      return await client.campaign.create({ data: { ...input, code, organisationId, creatorId } });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') continue;
      throw error;
    }
  }
  throw new Error('Impossible de trouver un code de campagne libre.');
}

export async function listCampaigns(client: PrismaClient, organisationId: string, archived: boolean) {
  const campaigns = await client.campaign.findMany({
    where: { organisationId, archivedAt: archived ? { not: null } : null },
    orderBy: { createdAt: 'desc' },
    include: { creator: { select: { firstName: true, lastName: true } }, targetProfile: { select: { name: true } } },
  });
  const counts = campaigns.length
    ? await client.campaignParticipation.groupBy({ by: ['campaignId', 'status'], where: { campaignId: { in: campaigns.map((c) => c.id) }, isImproved: false }, _count: { _all: true } })
    : [];
  return campaigns.map((c) => {
    const mine = counts.filter((r) => r.campaignId === c.id);
    return {
      id: c.id,
      name: c.name,
      code: c.code,
      type: c.type,
      createdAt: c.createdAt.toISOString(),
      archivedAt: c.archivedAt?.toISOString() ?? null,
      creator: `${c.creator.firstName} ${c.creator.lastName}`,
      targetProfile: c.targetProfile?.name ?? null,
      participants: mine.reduce((n, r) => n + r._count._all, 0),
      shared: mine.filter((r) => r.status === 'SHARED').reduce((n, r) => n + r._count._all, 0),
    };
  });
}

export async function setCampaignArchived(client: PrismaClient, viewer: Pick<Viewer, 'organisations'>, id: string, archived: boolean) {
  const campaign = await campaignOfViewer(client, viewer, id);
  await client.campaign.update({ where: { id: campaign.id }, data: { archivedAt: archived ? new Date() : null } });
}

// ─────────────────────────────── Participant results ───────────────────────────────

async function profileRules(client: PrismaClient, targetProfileId: string | null) {
  if (!targetProfileId) return { stages: [], badges: [] as (Badge & { id: string })[] };
  const [stages, badges] = await Promise.all([
    client.targetProfileStage.findMany({ where: { targetProfileId } }),
    client.targetProfileBadge.findMany({ where: { targetProfileId }, orderBy: { title: 'asc' } }),
  ]);
  return { stages: sortStages(stages), badges: badges.map((b) => ({ id: b.id, key: b.id, title: b.title, criteria: b.criteria as unknown as BadgeCriterion[] })) };
}

/** Stored tube results: { tubeId: [targeted, validated, reached] }. */
export type StoredTubes = Record<string, [number, number, number]>;
export function toStoredTubes(tubes: TubeResults): StoredTubes {
  return Object.fromEntries(Object.entries(tubes).map(([id, t]) => [id, [t.targeted, t.validated, t.reached]]));
}
export function fromStoredTubes(stored: StoredTubes): TubeResults {
  return Object.fromEntries(Object.entries(stored).map(([id, [targeted, validated, reached]]) => [id, { targeted, validated, reached }]));
}

/**
 * (Re)computes one participation's results from the learner's knowledge elements on the targeted
 * skills and writes its result row. A shared participation keeps its snapshot unless `force`.
 */
export async function refreshParticipationResult(client: PrismaClient, participationId: string, { force = false } = {}) {
  const participation = await client.campaignParticipation.findUnique({
    where: { id: participationId },
    include: { campaign: true, user: { select: { firstName: true, lastName: true } }, organisationLearner: true, result: { select: { status: true } } },
  });
  if (!participation) return null;
  if (participation.result?.status === 'SHARED' && participation.status === 'SHARED' && !force) return participation;
  const [{ skills }, rules, validated] = await Promise.all([
    targetedSkillsOf(client, participation.campaign.targetProfileId),
    profileRules(client, participation.campaign.targetProfileId),
    validatedSkillIds(client, participation.userId),
  ]);
  const result = participantResult(skills, validated);
  // An assessment under way: its progress comes from the campaign test; otherwise the participation is done.
  const progress = participation.status === 'STARTED' && participation.campaign.type === 'ASSESSMENT' ? await campaignTestProgressOf(client, participationId) : 1;
  const stageIndex = rules.stages.length ? reachedStageIndex(rules.stages, result.masteryRate) : null;
  const learner = participation.organisationLearner;
  const data = {
    campaignId: participation.campaignId,
    status: participation.status,
    lastName: learner?.lastName ?? participation.user.lastName,
    firstName: learner?.firstName ?? participation.user.firstName,
    division: learner?.division ?? null,
    masteryPercent: masteryPercent(result.masteryRate),
    validatedCount: result.validated,
    progress,
    stageIndex: stageIndex !== null && stageIndex >= 0 ? stageIndex : null,
    badges: rules.badges.filter((b) => badgeEarned(b, result.tubes)).map((b) => b.title),
    tubes: toStoredTubes(result.tubes),
    createdAt: participation.createdAt,
    sharedAt: participation.sharedAt,
    updatedAt: new Date(),
  };
  await client.campaignParticipantResult.upsert({ where: { participationId }, create: { participationId, ...data }, update: data });
  await client.campaignParticipation.update({ where: { id: participationId }, data: { masteryRate: result.masteryRate, validatedSkillsCount: result.validated } });
  return participation;
}

// ─────────────────────────────── Learners: join, results, share ───────────────────────────────

export type CodeCheck = { ok: true; code: string } | { ok: false; reason: 'empty' | 'format' | 'unknown' | 'archived'; code: string; error: string };

export async function checkCampaignCode(client: PrismaClient, typed: string): Promise<CodeCheck> {
  const code = normalizeCode(typed);
  if (!code) return { ok: false, reason: 'empty', code, error: 'Saisissez le code de la campagne que votre enseignant vous a donné.' };
  if (!isValidCampaignCode(code)) return { ok: false, reason: 'format', code, error: `« ${typed.trim()} » n’est pas un code de campagne : un code a 6 lettres puis 3 chiffres, par exemple ABCDEF234.` };
  const campaign = await client.campaign.findUnique({ where: { code }, select: { archivedAt: true } });
  if (!campaign) return { ok: false, reason: 'unknown', code, error: `Aucune campagne n’a le code ${code}. Vérifiez-le auprès de votre enseignant.` };
  if (campaign.archivedAt) return { ok: false, reason: 'archived', code, error: `La campagne ${code} est archivée : elle n’accepte plus de participants.` };
  return { ok: true, code };
}

/** What the learner sees on /campagnes/CODE. */
export async function learnerCampaign(client: PrismaClient, userId: string, code: string, now = new Date()) {
  const campaign = await client.campaign.findUnique({ where: { code }, include: { organisation: { select: { name: true } }, targetProfile: { select: { name: true } } } });
  if (!campaign) return null;
  const participation = await client.campaignParticipation.findFirst({ where: { campaignId: campaign.id, userId, isImproved: false }, orderBy: { createdAt: 'desc' }, include: { result: true } });
  let results = null;
  if (participation?.result) {
    const r = participation.result;
    const rules = await profileRules(client, campaign.targetProfileId);
    const { tubeInfo } = await targetedSkillsOf(client, campaign.targetProfileId);
    const byCompetence = new Map<string, { title: string; targeted: number; validated: number }>();
    for (const [tubeId, [targeted, validated]] of Object.entries(r.tubes as StoredTubes)) {
      const info = tubeInfo.get(tubeId);
      if (!info) continue;
      const key = `${info.competence} ${info.competenceTitle}`;
      const c = byCompetence.get(key) ?? { title: key, targeted: 0, validated: 0 };
      c.targeted += targeted;
      c.validated += validated;
      byCompetence.set(key, c);
    }
    const stage = r.stageIndex !== null ? rules.stages[r.stageIndex] ?? null : null;
    results = {
      masteryPercent: r.masteryPercent,
      band: masteryBand(r.masteryPercent / 100),
      validated: r.validatedCount,
      stage: stage ? { title: stage.title, message: stage.message, index: r.stageIndex! + 1, count: rules.stages.length } : null,
      badges: r.badges,
      competences: [...byCompetence.values()].sort((a, b) => a.title.localeCompare(b.title)).map((c) => ({ ...c, percent: c.targeted ? masteryPercent(c.validated / c.targeted) : 0 })),
    };
  }
  const lastShared = participation?.sharedAt ?? null;
  // Pix's rule: a campaign that allows several sendings, results sent 4 days ago or more, and (for an
  // assessment) mastery not already complete.
  const complete = campaign.type === 'ASSESSMENT' && (participation?.result?.masteryPercent ?? 0) >= 100;
  const canRetry = Boolean(campaign.multipleSendings && participation?.status === 'SHARED' && !complete && improvementAllowed(lastShared, now));
  return {
    campaign: {
      id: campaign.id,
      code: campaign.code,
      name: campaign.name,
      title: campaign.title,
      type: campaign.type,
      landingText: campaign.landingText,
      externalIdLabel: campaign.externalIdLabel,
      organisation: campaign.organisation.name,
      archived: campaign.archivedAt !== null,
      multipleSendings: campaign.multipleSendings,
      autoShare: campaign.autoShare,
    },
    participation: participation ? { id: participation.id, status: participation.status, sharedAt: participation.sharedAt?.toISOString() ?? null } : null,
    results,
    canRetry,
    retryFrom: campaign.multipleSendings && participation?.status === 'SHARED' && !canRetry && !complete ? availableAt(lastShared, IMPROVEMENT_DELAY_DAYS)?.toISOString() ?? null : null,
  };
}

/** The organisation's learner for this user: linked already, or matched by name (and birth date), or new. */
async function organisationLearnerFor(client: PrismaClient, organisationId: string, userId: string) {
  const linked = await client.organisationLearner.findFirst({ where: { organisationId, userId, detachedAt: null } });
  if (linked) return linked;
  const user = await client.user.findUniqueOrThrow({ where: { id: userId } });
  const match = await client.organisationLearner.findFirst({
    where: {
      organisationId,
      userId: null,
      detachedAt: null,
      firstName: { equals: user.firstName, mode: 'insensitive' },
      lastName: { equals: user.lastName, mode: 'insensitive' },
      ...(user.birthDate ? { birthDate: user.birthDate } : {}),
    },
  });
  if (match) return client.organisationLearner.update({ where: { id: match.id }, data: { userId } });
  return client.organisationLearner.create({ data: { organisationId, userId, firstName: user.firstName, lastName: user.lastName } });
}

export type JoinError = 'not_found' | 'archived' | 'external_id' | 'no_profile';

/**
 * Starts (or retries) a participation. An assessment campaign starts its adaptive test on the target
 * profile (campaign-assessment.server.ts): the participation stays STARTED until the test ends, then
 * waits to be sent (TO_SHARE), or is sent at once when the campaign sends automatically. A profile
 * collection has nothing to pass: the participation is ready to send (TO_SHARE) at once.
 * A retry (4 days after sending, where the campaign allows several sendings) is a new participation;
 * the earlier one is kept, marked improved, and its results stay with the organisation.
 */
export async function startParticipation(client: PrismaClient, userId: string, code: string, externalId: string | null, now = new Date(), options: { locale?: string } = {}) {
  const view = await learnerCampaign(client, userId, code, now);
  if (!view) return { ok: false as const, error: 'Campagne introuvable.', code: 'not_found' as JoinError };
  if (view.campaign.archived) return { ok: false as const, error: 'Cette campagne est archivée.', code: 'archived' as JoinError };
  if (view.participation && !view.canRetry) {
    if (view.participation.status === 'STARTED' && view.campaign.type === 'ASSESSMENT') {
      // Under way: its test (started now if an earlier start was interrupted before creating it).
      return resumeParticipationTest(client, view.participation.id, userId, now, options.locale ?? 'fr');
    }
    return { ok: true as const, participationId: view.participation.id, testing: false };
  }
  if (view.campaign.externalIdLabel && !externalId?.trim()) return { ok: false as const, error: `Indiquez votre ${view.campaign.externalIdLabel}.`, code: 'external_id' as JoinError };
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: view.campaign.id } });
  const assessment = campaign.type === 'ASSESSMENT';
  if (assessment && !campaign.targetProfileId) return { ok: false as const, error: 'Cette campagne n’a pas de profil cible.', code: 'no_profile' as JoinError };
  const learner = await organisationLearnerFor(client, campaign.organisationId, userId);
  const retry = Boolean(view.participation);
  const participation = await client.$transaction(async (tx) => {
    // One participation under way per learner and campaign, even on a double click.
    await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`participation:${campaign.id}:${userId}`}))`;
    const current = await tx.campaignParticipation.findFirst({ where: { campaignId: campaign.id, userId, isImproved: false }, orderBy: { createdAt: 'desc' } });
    if (current && current.id !== view.participation?.id) return current;
    if (current) await tx.campaignParticipation.update({ where: { id: current.id }, data: { isImproved: true } });
    return tx.campaignParticipation.create({
      data: {
        campaignId: campaign.id, userId, organisationLearnerId: learner.id, status: assessment ? 'STARTED' : 'TO_SHARE',
        participantExternalId: externalId?.trim() || current?.participantExternalId || null,
        createdAt: now,
      },
    });
  });
  await refreshParticipationResult(client, participation.id);
  if (!assessment) return { ok: true as const, participationId: participation.id, testing: false };
  const test = await startCampaignTest(
    client,
    { participationId: participation.id, userId, targetProfileId: campaign.targetProfileId!, improving: retry, locale: options.locale ?? 'fr', now },
    completeParticipation,
  );
  return { ok: true as const, participationId: participation.id, testing: !test.completed };
}

/** The test of a participation under way: the existing one, or a new one when none was created. */
export async function resumeParticipationTest(client: PrismaClient, participationId: string, userId: string, now: Date, locale = 'fr') {
  const participation = await client.campaignParticipation.findFirstOrThrow({ where: { id: participationId, userId }, include: { campaign: { select: { targetProfileId: true } } } });
  const improving = (await client.campaignParticipation.count({ where: { campaignId: participation.campaignId, userId, isImproved: true } })) > 0;
  const test = await startCampaignTest(
    client,
    { participationId, userId, targetProfileId: participation.campaign.targetProfileId!, improving, locale, now },
    completeParticipation,
  );
  return { ok: true as const, participationId, testing: !test.completed };
}

/**
 * The campaign test of a participation has ended: the participation waits to be sent (TO_SHARE), or
 * is sent at once when the campaign sends automatically; its results are computed. Idempotent.
 */
export async function completeParticipation(client: PrismaClient, participationId: string, now: Date): Promise<void> {
  const participation = await client.campaignParticipation.findUnique({ where: { id: participationId }, include: { campaign: { select: { autoShare: true } } } });
  if (!participation || participation.status !== 'STARTED') return;
  const shared = participation.campaign.autoShare;
  const moved = await client.campaignParticipation.updateMany({
    where: { id: participationId, status: 'STARTED' },
    data: shared ? { status: 'SHARED', sharedAt: now } : { status: 'TO_SHARE' },
  });
  if (moved.count === 1) await refreshParticipationResult(client, participationId, { force: true });
}

/** Sends the results to the organisation: the results are recomputed one last time and frozen. */
export async function shareParticipation(client: PrismaClient, userId: string, code: string, now = new Date()) {
  const campaign = await client.campaign.findUnique({ where: { code } });
  if (!campaign) return { ok: false as const, error: 'Campagne introuvable.', code: 'not_found' as const };
  const participation = await client.campaignParticipation.findFirst({ where: { campaignId: campaign.id, userId, isImproved: false }, orderBy: { createdAt: 'desc' } });
  if (!participation) return { ok: false as const, error: 'Vous ne participez pas à cette campagne.', code: 'not_participating' as const };
  if (participation.status === 'SHARED') return { ok: true as const, participationId: participation.id, campaignId: campaign.id };
  if (participation.status === 'STARTED') return { ok: false as const, error: 'Terminez d’abord le parcours de la campagne.', code: 'not_finished' as const };
  await client.campaignParticipation.update({ where: { id: participation.id }, data: { status: 'SHARED', sharedAt: now } });
  await refreshParticipationResult(client, participation.id, { force: true });
  return { ok: true as const, participationId: participation.id, campaignId: campaign.id };
}

// ─────────────────────────────── Aggregates ───────────────────────────────

export interface CampaignAggregateData {
  totals: { participants: number; toShare: number; started: number; shared: number };
  activity: { day: string; participants: number; shared: number }[];
  bands: Record<string, number>;
  byCompetence: { key: string; title: string; area: string; targeted: number; masteryRate: number }[];
  byTube: { key: string; name: string; title: string; competence: string; targeted: number; masteryRate: number }[];
  recommendations: { tubeId: string; name: string; title: string; competence: string; score: number; dots: number }[];
  competencesToTarget: { competence: string; title: string; score: number; dots: number }[];
  stages: { title: string; threshold: number; count: number }[];
  badges: { title: string; count: number }[];
  questions: { challengeId: string; skill: string; answers: number; successes: number; rate: number }[];
  divisions: string[];
  sharedCount: number;
}

/** Computes a campaign's aggregate from its participant results (collective figures on shared ones). */
export async function computeCampaignAggregate(client: PrismaClient, campaignId: string): Promise<CampaignAggregateData> {
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const [source, rows, { skills, tubeInfo }, rules, answers] = await Promise.all([
    aggregateSource(client, campaignId),
    // A retried participation's earlier result is kept aside (isImproved): one row per learner counts.
    client.campaignParticipantResult.findMany({ where: { campaignId, participation: { isImproved: false } }, select: { status: true, masteryPercent: true, stageIndex: true, badges: true, tubes: true, createdAt: true, sharedAt: true, division: true } }),
    targetedSkillsOf(client, campaign.targetProfileId),
    profileRules(client, campaign.targetProfileId),
    client.$queryRaw<{ challengeId: string; skill: string; answers: bigint; successes: bigint }[]>`
      SELECT an."challengeId", s.name AS skill, count(*) AS answers, count(*) FILTER (WHERE an.result = 'ok') AS successes
      FROM "Answer" an JOIN "Assessment" a ON a.id = an."assessmentId" JOIN "CampaignParticipation" p ON p.id = a."participationId"
      JOIN "Challenge" c ON c.id = an."challengeId" JOIN "Skill" s ON s.id = c."skillId"
      WHERE p."campaignId" = ${campaignId} GROUP BY an."challengeId", s.name`,
  ]);
  const shared = rows.filter((r) => r.status === 'SHARED');
  const participants = shared.map((r) => ({ tubes: fromStoredTubes(r.tubes as StoredTubes) }));
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
  const activity = [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, v]) => ({ day, participants: (cumStarted += v.started), shared: (cumShared += v.shared) }));
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
      .map((r) => ({ ...r, title: competenceTitles.get(r.key) ?? '', area: [...tubeInfo.values()].find((t) => t.competence === r.key)?.area ?? '' }))
      .sort((a, b) => a.key.localeCompare(b.key, 'fr', { numeric: true })),
    byTube: collectiveMastery(participants, skills)
      .map((r) => ({ ...r, name: info(r.key).name, title: info(r.key).title, competence: info(r.key).competence }))
      .sort((a, b) => a.competence.localeCompare(b.competence, 'fr', { numeric: true }) || a.name.localeCompare(b.name)),
    recommendations: recommendations.map((r) => ({ ...r, name: info(r.tubeId).name, title: info(r.tubeId).title, competence: info(r.tubeId).competence })),
    competencesToTarget: competencesToTarget(recommendations, (t) => info(t).competence).map((c) => ({ ...c, title: competenceTitles.get(c.competence) ?? '' })),
    stages: rules.stages.map((s, i) => ({ title: s.title, threshold: s.threshold, count: shared.filter((r) => r.stageIndex === i).length })),
    badges: rules.badges.map((b) => ({ title: b.title, count: shared.filter((r) => r.badges.includes(b.title)).length })),
    questions: answers.map((a) => ({ challengeId: a.challengeId, skill: a.skill, answers: Number(a.answers), successes: Number(a.successes), rate: Number(a.successes) / Number(a.answers) })).sort((a, b) => a.rate - b.rate),
    divisions: [...new Set(rows.map((r) => r.division).filter((d): d is string => !!d))].sort(),
    sharedCount: source.count,
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
 */
export async function campaignAggregate(client: PrismaClient, campaignId: string): Promise<{ data: CampaignAggregateData; computedAt: Date; fresh: boolean }> {
  const [stored, source] = await Promise.all([client.campaignAggregate.findUnique({ where: { campaignId } }), aggregateSource(client, campaignId)]);
  if (stored && stored.sourceCount === source.count && (stored.sourceAt?.getTime() ?? 0) === (source.at?.getTime() ?? 0)) {
    return { data: stored.data as unknown as CampaignAggregateData, computedAt: stored.computedAt, fresh: true };
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
  const [total, rows] = await Promise.all([
    client.campaignParticipantResult.count({ where }),
    client.campaignParticipantResult.findMany({
      where,
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { participationId: 'asc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { participationId: true, lastName: true, firstName: true, division: true, status: true, masteryPercent: true, progress: true, stageIndex: true, badges: true },
    }),
  ]);
  return { total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), rows };
}

/** One participant's results by competence and tube (404 when the participation is not of this campaign). */
export async function participantDetail(client: PrismaClient, campaignId: string, participationId: string) {
  const result = await client.campaignParticipantResult.findFirst({ where: { participationId, campaignId } });
  if (!result) throw new Response('Participant introuvable', { status: 404 });
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const [{ tubeInfo }, rules] = await Promise.all([targetedSkillsOf(client, campaign.targetProfileId), profileRules(client, campaign.targetProfileId)]);
  const competences = new Map<string, { code: string; title: string; targeted: number; validated: number; tubes: { name: string; title: string; targeted: number; validated: number; reached: number }[] }>();
  for (const [tubeId, [targeted, validated, reached]] of Object.entries(result.tubes as StoredTubes)) {
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
    shared: result.status === 'SHARED',
    masteryPercent: result.masteryPercent,
    validated: result.validatedCount,
    stage: result.stageIndex !== null ? rules.stages[result.stageIndex]?.title ?? null : null,
    badges: result.badges,
    sharedAt: result.sharedAt?.toISOString() ?? null,
    competences: [...competences.values()].sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true })),
  };
}

/** Tutorials of the skills of some tubes (a few per tube), for the recommended topics. */
export async function tutorialsOfTubes(client: PrismaClient, tubeIds: string[], perTube = 3) {
  const links = await client.skillTutorial.findMany({
    where: { skill: { tubeId: { in: tubeIds } } },
    include: { tutorial: { select: { id: true, title: true, url: true, source: true, format: true, duration: true } }, skill: { select: { tubeId: true, level: true } } },
    orderBy: [{ skill: { level: 'asc' } }, { kind: 'asc' }, { position: 'asc' }],
  });
  const out: Record<string, { id: string; title: string; url: string; source: string; format: string; duration: string }[]> = {};
  for (const l of links) {
    const list = (out[l.skill.tubeId] ??= []);
    if (list.length < perTube && !list.some((t) => t.id === l.tutorial.id)) list.push(l.tutorial);
  }
  return out;
}

export { requireMembership };

/** The learner's current participation in a campaign (by code), with the campaign's name; null when none. */
export async function currentParticipation(client: PrismaClient, userId: string, code: string) {
  const campaign = await client.campaign.findUnique({ where: { code }, select: { id: true, code: true, name: true, title: true } });
  if (!campaign) return null;
  const participation = await client.campaignParticipation.findFirst({ where: { campaignId: campaign.id, userId, isImproved: false }, orderBy: { createdAt: 'desc' }, select: { id: true, status: true } });
  return participation ? { campaign, participation } : null;
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
  return { participants: r.participants, started: r.started, toShare: r.toShare, shared: r.shared, completed: r.toShare + r.shared, averageProgress: Number(r.averageProgress ?? 0) };
}

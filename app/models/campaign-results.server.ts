/**
 * A participant's results in a campaign: computed from the learner's knowledge elements on the
 * profile's targeted skills, with the profile's stages and badges, and stored as one row per
 * participation (CampaignParticipantResult) that the dashboards and the export read.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { badgeEarned, masteryPercent, participantResult, reachedStageIndex, sortStages, type Badge, type TubeResults } from '../../engine/campaigns';
import { parseJsonColumn } from '../lib/json-column';
import { badgeCriteriaOf, targetedSkillsOf } from './target-profile.server';
import { campaignTestProgressOf } from './campaign-assessment.server';
import { validatedSkillIds } from './knowledge.server';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
/** The client or a transaction: sending results recomputes them in the transaction that changes the status. */
type Client = PrismaClient | Tx;

/** A profile's stages (by threshold) and badges (by title), for the results. */
export async function profileRules(client: Client, targetProfileId: string | null) {
  if (!targetProfileId) return { stages: [], badges: [] as (Badge & { id: string })[] };
  const [stages, badges] = await Promise.all([
    client.targetProfileStage.findMany({ where: { targetProfileId } }),
    client.targetProfileBadge.findMany({ where: { targetProfileId }, orderBy: { title: 'asc' } }),
  ]);
  return { stages: sortStages(stages), badges: badges.map((b) => ({ id: b.id, key: b.id, title: b.title, criteria: badgeCriteriaOf(b) })) };
}

/** What `CampaignParticipantResult.tubes` holds: { tubeId: [targeted, validated, reached] }. */
export const storedTubesSchema = z.record(z.tuple([z.number(), z.number(), z.number()]));
export type StoredTubes = z.infer<typeof storedTubesSchema>;

/** A result row's tube results, checked (an error names the participation when the column is malformed). */
export function storedTubesOf(result: { participationId: string; tubes: unknown }): StoredTubes {
  return parseJsonColumn(storedTubesSchema, result.tubes, { table: 'CampaignParticipantResult', column: 'tubes', row: result.participationId });
}
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
export async function refreshParticipationResult(client: Client, participationId: string, { force = false } = {}) {
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
  const progress =
    participation.status === 'STARTED' && participation.campaign.type === 'ASSESSMENT' ? await campaignTestProgressOf(client, participationId) : 1;
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
  await client.campaignParticipation.update({
    where: { id: participationId },
    data: { masteryRate: result.masteryRate, validatedSkillsCount: result.validated },
  });
  return participation;
}

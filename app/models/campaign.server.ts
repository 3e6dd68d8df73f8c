/**
 * Campaigns: creation with a unique code, lists, archiving; and the learner's side (join by code,
 * results, sharing, retry). A participant's results are campaign-results.server.ts; what the teachers'
 * dashboards read (access check, aggregate, participants) is campaign-dashboard.server.ts.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import type { Titles } from '../i18n';
import { generateCampaignCode, improvementAllowed, availableAt, IMPROVEMENT_DELAY_DAYS, isValidCampaignCode, normalizeCode } from '../../engine/framework';
import { masteryBand, masteryPercent, matchClassList } from '../../engine/campaigns';
import { targetedSkillsOf } from './target-profile.server';
import { startCampaignTest } from './campaign-assessment.server';
import { campaignOfViewer } from './campaign-dashboard.server';
import { profileRules, refreshParticipationResult, storedTubesOf } from './campaign-results.server';
import { isLearnerOnlyAccount } from './learner-account.server';

// What other modules took from here before the split (the worker, some tests).
export { campaignOfViewer };
export { refreshParticipationResult } from './campaign-results.server';
export { campaignParticipants, liveActivity, refreshCampaignAggregate } from './campaign-dashboard.server';

// ─────────────────────────────── Teachers: campaigns ───────────────────────────────

export const campaignInput = z
  .object({
    name: z.string().trim().min(1, 'Donnez un nom à la campagne.').max(200),
    type: z.enum(['ASSESSMENT', 'PROFILES_COLLECTION'], { message: 'Choisissez le type de campagne.' }),
    targetProfileId: z
      .string()
      .optional()
      .transform((v) => v || null),
    title: z
      .string()
      .trim()
      .max(200)
      .optional()
      .transform((v) => v || null),
    landingText: z
      .string()
      .trim()
      .max(5000)
      .optional()
      .transform((v) => v || null),
    externalIdLabel: z
      .string()
      .trim()
      .max(100)
      .optional()
      .transform((v) => v || null),
    multipleSendings: z.boolean().default(false),
    autoShare: z.boolean().default(false),
  })
  .refine((c) => c.type !== 'ASSESSMENT' || c.targetProfileId, { message: 'Une campagne d’évaluation a besoin d’un profil cible.', path: ['targetProfileId'] });
export type CampaignInput = z.infer<typeof campaignInput>;

/** Creates a campaign with a fresh code: a collision with an existing code draws again (up to 20 times). */
export async function createCampaign(
  client: PrismaClient,
  organisationId: string,
  creatorId: string,
  input: Omit<CampaignInput, 'autoShare'> & { autoShare?: boolean },
  rng: () => number = () => crypto.randomInt(0, 2 ** 32) / 2 ** 32,
) {
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
    ? await client.campaignParticipation.groupBy({
        by: ['campaignId', 'status'],
        where: { campaignId: { in: campaigns.map((c) => c.id) }, isImproved: false },
        _count: { _all: true },
      })
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

// ─────────────────────────────── Learners: join, results, share ───────────────────────────────

export type CodeCheck = { ok: true; code: string } | { ok: false; reason: 'empty' | 'format' | 'unknown' | 'archived'; code: string; error: string };

export async function checkCampaignCode(client: PrismaClient, typed: string): Promise<CodeCheck> {
  const code = normalizeCode(typed);
  if (!code) return { ok: false, reason: 'empty', code, error: 'Saisissez le code de la campagne que votre enseignant vous a donné.' };
  if (!isValidCampaignCode(code))
    return {
      ok: false,
      reason: 'format',
      code,
      error: `« ${typed.trim()} » n’est pas un code de campagne : un code a 6 lettres puis 3 chiffres, par exemple ABCDEF234.`,
    };
  const campaign = await client.campaign.findUnique({ where: { code }, select: { archivedAt: true } });
  if (!campaign) return { ok: false, reason: 'unknown', code, error: `Aucune campagne n’a le code ${code}. Vérifiez-le auprès de votre enseignant.` };
  if (campaign.archivedAt) return { ok: false, reason: 'archived', code, error: `La campagne ${code} est archivée : elle n’accepte plus de participants.` };
  return { ok: true, code };
}

/** What the learner sees on /campagnes/CODE. */
export async function learnerCampaign(client: PrismaClient, userId: string, code: string, now = new Date()) {
  const campaign = await client.campaign.findUnique({
    where: { code },
    include: { organisation: { select: { name: true } }, targetProfile: { select: { name: true } } },
  });
  if (!campaign) return null;
  const participation = await client.campaignParticipation.findFirst({
    where: { campaignId: campaign.id, userId, isImproved: false },
    orderBy: { createdAt: 'desc' },
    include: { result: true },
  });
  let results = null;
  if (participation?.result) {
    const r = participation.result;
    const rules = await profileRules(client, campaign.targetProfileId);
    const { tubeInfo } = await targetedSkillsOf(client, campaign.targetProfileId);
    const byCompetence = new Map<string, { code: string; title: Titles; targeted: number; validated: number }>();
    for (const [tubeId, [targeted, validated]] of Object.entries(storedTubesOf(r))) {
      const info = tubeInfo.get(tubeId);
      if (!info) continue;
      const c = byCompetence.get(info.competence) ?? { code: info.competence, title: info.competenceTitle, targeted: 0, validated: 0 };
      c.targeted += targeted;
      c.validated += validated;
      byCompetence.set(info.competence, c);
    }
    const stage = r.stageIndex !== null ? (rules.stages[r.stageIndex] ?? null) : null;
    results = {
      masteryPercent: r.masteryPercent,
      band: masteryBand(r.masteryPercent / 100),
      validated: r.validatedCount,
      stage: stage ? { title: stage.title, message: stage.message, index: r.stageIndex! + 1, count: rules.stages.length } : null,
      badges: r.badges,
      competences: [...byCompetence.values()]
        .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }))
        .map((c) => ({ ...c, percent: c.targeted ? masteryPercent(c.validated / c.targeted) : 0 })),
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
    retryFrom:
      campaign.multipleSendings && participation?.status === 'SHARED' && !canRetry && !complete
        ? (availableAt(lastShared, IMPROVEMENT_DELAY_DAYS)?.toISOString() ?? null)
        : null,
  };
}

/** What the learner typed when joining, to find them on the class list: birth date (yyyy-mm-dd), student number. */
export interface JoinAnswers {
  birthDate?: string | null;
  studentNumber?: string | null;
}

const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/**
 * The organisation's learner for this user: linked already, or the row of the imported class list that
 * is them (engine `matchClassList`: name and birth date, then the student number where it is checked),
 * or a new row when they are not on the list. `needs`/`wrong` when the learner must say more first.
 */
async function organisationLearnerFor(client: PrismaClient, organisationId: string, userId: string, answers: JoinAnswers) {
  const linked = await client.organisationLearner.findFirst({ where: { organisationId, userId, detachedAt: null } });
  if (linked) return { ok: true as const, learner: linked };
  const [user, organisation, rows] = await Promise.all([
    client.user.findUniqueOrThrow({ where: { id: userId } }),
    client.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { type: true } }),
    client.organisationLearner.findMany({
      where: { organisationId, userId: null, detachedAt: null },
      select: { id: true, firstName: true, lastName: true, birthDate: true, studentNumber: true },
    }),
  ]);
  const match = matchClassList(
    rows.map((r) => ({ ...r, birthDate: isoDay(r.birthDate) })),
    {
      firstName: user.firstName,
      lastName: user.lastName,
      birthDate: isoDay(user.birthDate) ?? answers.birthDate ?? null,
      studentNumber: answers.studentNumber ?? null,
    },
    { checkStudentNumber: organisation.type === 'SUP' },
  );
  if (match.kind === 'matched') {
    // Linked only if still free: two accounts never take the same row.
    const taken = await client.organisationLearner.updateMany({ where: { id: match.id, userId: null }, data: { userId } });
    if (taken.count === 1) return { ok: true as const, learner: await client.organisationLearner.findUniqueOrThrow({ where: { id: match.id } }) };
  } else if (match.kind !== 'none') return { ok: false as const, code: match.kind };
  return {
    ok: true as const,
    learner: await client.organisationLearner.create({ data: { organisationId, userId, firstName: user.firstName, lastName: user.lastName } }),
  };
}

const JOIN_IDENTITY_ERRORS = {
  birth_date_needed: 'Indiquez votre date de naissance pour être retrouvé dans la liste de votre classe.',
  birth_date_wrong: 'Cette date de naissance ne correspond pas à la liste de votre classe. Vérifiez-la, ou demandez à votre enseignant.',
  student_number_needed: 'Indiquez votre numéro étudiant pour être retrouvé dans la liste de votre établissement.',
  student_number_wrong: 'Ce numéro étudiant ne correspond pas à la liste de votre établissement. Vérifiez-le auprès de votre enseignant.',
} as const;

export type JoinError =
  'not_found' | 'archived' | 'external_id' | 'no_profile' | 'not_learner' | 'birth_date_needed' | 'student_number_needed' | 'student_number_wrong';

/**
 * Starts (or retries) a participation. An assessment campaign starts its adaptive test on the target
 * profile (campaign-assessment.server.ts): the participation stays STARTED until the test ends, then
 * waits to be sent (TO_SHARE), or is sent at once when the campaign sends automatically. A profile
 * collection has nothing to pass: the participation is ready to send (TO_SHARE) at once.
 * A retry (4 days after sending, where the campaign allows several sendings) is a new participation;
 * the earlier one is kept, marked improved, and its results stay with the organisation.
 */
export async function startParticipation(
  client: PrismaClient,
  userId: string,
  code: string,
  externalId: string | null,
  now = new Date(),
  options: { locale?: string; answers?: JoinAnswers } = {},
) {
  // Joining links the account to the organisation's learner list (and so to its teachers): only a
  // learner-only account takes part, never an administrator's, an author's, a teacher's or a centre's.
  if (!(await isLearnerOnlyAccount(client, userId)))
    return {
      ok: false as const,
      error: 'Seul un compte élève peut participer à une campagne : connectez-vous avec un compte élève.',
      code: 'not_learner' as JoinError,
    };
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
  if (view.campaign.externalIdLabel && !externalId?.trim())
    return { ok: false as const, error: `Indiquez votre ${view.campaign.externalIdLabel}.`, code: 'external_id' as JoinError };
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: view.campaign.id } });
  const assessment = campaign.type === 'ASSESSMENT';
  if (assessment && !campaign.targetProfileId) return { ok: false as const, error: 'Cette campagne n’a pas de profil cible.', code: 'no_profile' as JoinError };
  const found = await organisationLearnerFor(client, campaign.organisationId, userId, options.answers ?? {});
  if (!found.ok) return { ok: false as const, error: JOIN_IDENTITY_ERRORS[found.code], code: found.code as JoinError };
  const learner = found.learner;
  const retry = Boolean(view.participation);
  const participation = await client.$transaction(async (tx) => {
    // One participation under way per learner and campaign, even on a double click.
    await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`participation:${campaign.id}:${userId}`}))`;
    const current = await tx.campaignParticipation.findFirst({ where: { campaignId: campaign.id, userId, isImproved: false }, orderBy: { createdAt: 'desc' } });
    if (current && current.id !== view.participation?.id) return current;
    if (current) await tx.campaignParticipation.update({ where: { id: current.id }, data: { isImproved: true } });
    return tx.campaignParticipation.create({
      data: {
        campaignId: campaign.id,
        userId,
        organisationLearnerId: learner.id,
        status: assessment ? 'STARTED' : 'TO_SHARE',
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
  const participation = await client.campaignParticipation.findFirstOrThrow({
    where: { id: participationId, userId },
    include: { campaign: { select: { targetProfileId: true } } },
  });
  const improving = (await client.campaignParticipation.count({ where: { campaignId: participation.campaignId, userId, isImproved: true } })) > 0;
  const test = await startCampaignTest(
    client,
    { participationId, userId, targetProfileId: participation.campaign.targetProfileId!, improving, locale, now },
    completeParticipation,
  );
  return { ok: true as const, participationId, testing: !test.completed };
}

/** How long the transaction that sends results (status + recomputed results) may take. */
const SENDING_TIMEOUT_MS = 30_000;

/**
 * The campaign test of a participation has ended: the participation waits to be sent (TO_SHARE), or
 * is sent at once when the campaign sends automatically; its results are computed. Idempotent.
 */
export async function completeParticipation(client: PrismaClient, participationId: string, now: Date): Promise<void> {
  const participation = await client.campaignParticipation.findUnique({
    where: { id: participationId },
    include: { campaign: { select: { autoShare: true } } },
  });
  if (!participation || participation.status !== 'STARTED') return;
  const shared = participation.campaign.autoShare;
  // The status and the results it freezes change together, or not at all.
  await client.$transaction(
    async (tx) => {
      const moved = await tx.campaignParticipation.updateMany({
        where: { id: participationId, status: 'STARTED' },
        data: shared ? { status: 'SHARED', sharedAt: now } : { status: 'TO_SHARE' },
      });
      if (moved.count === 1) await refreshParticipationResult(tx, participationId, { force: true });
    },
    { timeout: SENDING_TIMEOUT_MS },
  );
}

/** Sends the results to the organisation: the results are recomputed one last time and frozen. */
export async function shareParticipation(client: PrismaClient, userId: string, code: string, now = new Date()) {
  const campaign = await client.campaign.findUnique({ where: { code } });
  if (!campaign) return { ok: false as const, error: 'Campagne introuvable.', code: 'not_found' as const };
  const participation = await client.campaignParticipation.findFirst({
    where: { campaignId: campaign.id, userId, isImproved: false },
    orderBy: { createdAt: 'desc' },
  });
  if (!participation) return { ok: false as const, error: 'Vous ne participez pas à cette campagne.', code: 'not_participating' as const };
  if (participation.status === 'SHARED') return { ok: true as const, participationId: participation.id, campaignId: campaign.id };
  if (participation.status === 'STARTED') return { ok: false as const, error: 'Terminez d’abord le parcours de la campagne.', code: 'not_finished' as const };
  // One transaction: the status, the sending date and the results recomputed and frozen, or nothing
  // (a failure leaves the participation waiting to be sent, with its results still the learner's).
  await client.$transaction(
    async (tx) => {
      const moved = await tx.campaignParticipation.updateMany({
        where: { id: participation.id, status: 'TO_SHARE' },
        data: { status: 'SHARED', sharedAt: now },
      });
      if (moved.count === 1) await refreshParticipationResult(tx, participation.id, { force: true });
    },
    { timeout: SENDING_TIMEOUT_MS },
  );
  return { ok: true as const, participationId: participation.id, campaignId: campaign.id };
}

/** The learner's current participation in a campaign (by code), with the campaign's name; null when none. */
export async function currentParticipation(client: PrismaClient, userId: string, code: string) {
  const campaign = await client.campaign.findUnique({ where: { code }, select: { id: true, code: true, name: true, title: true } });
  if (!campaign) return null;
  const participation = await client.campaignParticipation.findFirst({
    where: { campaignId: campaign.id, userId, isImproved: false },
    orderBy: { createdAt: 'desc' },
    select: { id: true, status: true },
  });
  return participation ? { campaign, participation } : null;
}

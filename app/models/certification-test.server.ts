/**
 * The candidate's side of a certification session (issue 8, part 3): entering the session (access code
 * and identity checked against an enrolled candidate, rate-limited), waiting until the invigilator lets
 * them in, then the adaptive test on the session's frozen parameter set (engine/certification), with the
 * time limit (session duration + extra time) enforced here, on the server.
 *
 * As in positioning (positioning.server.ts), the answers are the truth: the next question is re-derived
 * from them by the engine with a generator fixed by the assessment's seed and the number of answers, so
 * two requests at the same point (two tabs, a reload, a retry) ask the same question once (unique
 * (assessment, position)); an answer is stored once (unique (assessment, challenge)); a closed browser
 * comes back to the question asked, with the clock still running from the start of the test. The
 * candidate's page only ever gets the redacted view of a challenge.
 *
 * No knowledge element is written: a certification measures the candidate, it does not change the profile.
 * Challenges the candidate was shown before — in any assessment: positioning, campaigns, an earlier
 * certification — are never served, nor any challenge of their family (prototype and declinations): the
 * families are read from the stored answers and questions when the test starts and frozen on it
 * (decision 019), with the per-competence θ intervals the score reads.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import { rawRows } from '../lib/db.server';
import type { ChallengeBody, LearnerChallengeView } from '../../engine/challenges';
import {
  certificationDeadline,
  certificationStepRandom,
  certificationTimeIsUp,
  certificationTimeLeft,
  MAX_QUESTIONS,
  nextCertificationChallenge,
  competenceIntervals,
  type CertificationAnswer,
  type CertificationChallenge,
  type ExposureCounts,
  type PositionedCompetence,
} from '../../engine/certification';
import { normalizeCode } from '../../engine/framework';
import {
  askChallenge as askOnce,
  askedView,
  presentationFor,
  submitTestAnswer,
  toEngineResult,
  type AnswerInput,
  type AskedChallenge,
  type TestOnAnswer,
} from './answer.server';
import { storedBodyOf } from './challenge-body.server';
import { filterApplicable } from './parameter-set.server';
import { attemptSucceeded, reserveAttempt, THROTTLE_LIMITS } from '../lib/throttle.server';
import { recordAudit } from './audit.server';
import { maxReachableLevel } from '../lib/settings.server';
import { CANDIDATE_ENTERED } from './certification-labels';
import { isoDay, normaliseName, parseBirthDate, userCertifiability } from './certification-session.server';

type Client = PrismaClient;

/** Session-code attempts of candidates: throttled per (learner, address) and per address (app/lib/throttle.server.ts). */
export const MAX_CANDIDATE_FAILURES = THROTTLE_LIMITS.candidate.perSubject!;
export const MAX_ADDRESS_FAILURES = THROTTLE_LIMITS.candidate.perAddress;

// =============================================================================================
// Entering a session

export type EntryRefusal =
  'missing' | 'bad_birth_date' | 'rate_limited' | 'unknown_code' | 'not_enrolled' | 'other_account' | 'not_certifiable' | 'no_parameter_set' | 'closed';

export const ENTRY_REFUSALS: Record<EntryRefusal, string> = {
  missing: 'Saisissez le code de session, votre nom de naissance, votre prénom et votre date de naissance.',
  bad_birth_date: 'Saisissez votre date de naissance au format jj/mm/aaaa.',
  rate_limited: 'Trop de tentatives. Réessayez dans quelques minutes ou adressez-vous au surveillant.',
  unknown_code: 'Ce code de session n’existe pas. Vérifiez-le auprès du surveillant (4 lettres puis 2 chiffres).',
  not_enrolled: 'Aucun candidat inscrit à cette session ne porte ce nom avec cette date de naissance. Vérifiez la saisie ou adressez-vous au surveillant.',
  other_account: 'Ce candidat est déjà lié à un autre compte. Adressez-vous au surveillant.',
  not_certifiable:
    'Votre profil n’est pas certifiable : il faut le niveau 1 dans au moins 5 compétences. Vous ne pouvez pas commencer le test de certification.',
  no_parameter_set: 'Cette session ne peut pas encore se dérouler : aucun jeu de paramètres approuvé n’y est rattaché. Adressez-vous au surveillant.',
  closed: 'Cette session est close : on ne peut plus y entrer.',
};

export type EntryResult = { ok: true; candidateId: string } | { ok: false; refusal: EntryRefusal };

/**
 * A signed-in learner enters a session: the code must exist, and an enrolled candidate of it must have
 * the name and birth date given (accents and case ignored), not linked to another account; the learner
 * must be certifiable; the session must have a frozen parameter set. The candidate is then linked to the
 * account. Failures count against the learner and the address (rate limit).
 */
export async function enterSession(
  client: Client,
  input: { userId: string; code: string; lastName: string; firstName: string; birthDate: string; ip: string; now: Date },
): Promise<EntryResult> {
  const { now } = input;
  if (!input.code.trim() || !input.lastName.trim() || !input.firstName.trim() || !input.birthDate.trim()) return { ok: false, refusal: 'missing' };
  // Reserved before anything is looked up: the attempt counts as a failure until it succeeds.
  if (!(await reserveAttempt(client, 'candidate', input.userId, input.ip, now)).ok) return { ok: false, refusal: 'rate_limited' };
  const fail = async (refusal: EntryRefusal): Promise<EntryResult> => ({ ok: false, refusal });
  const birthDate = parseBirthDate(input.birthDate);
  if (!birthDate) return fail('bad_birth_date');
  const session = await client.certificationSession.findUnique({
    where: { accessCode: normalizeCode(input.code) },
    select: { id: true, status: true, parameterSetId: true },
  });
  if (!session) return fail('unknown_code');
  const candidates = await client.certificationCandidate.findMany({
    where: { sessionId: session.id, birthDate: new Date(`${birthDate}T00:00:00Z`) },
    select: { id: true, userId: true, lastName: true, firstName: true },
  });
  const candidate = candidates.find(
    (c) => normaliseName(c.lastName) === normaliseName(input.lastName) && normaliseName(c.firstName) === normaliseName(input.firstName),
  );
  if (!candidate) return fail('not_enrolled');
  if (candidate.userId && candidate.userId !== input.userId) return fail('other_account');
  if (session.status !== 'CREATED') return fail('closed');
  if (!session.parameterSetId) return fail('no_parameter_set');
  const check = await userCertifiability(client, input.userId);
  await client.certificationCandidate.update({
    where: { id: candidate.id },
    data: { certifiable: check.certifiable, competencesWithLevel: check.competencesWithLevel, certifiabilityCheckedAt: now },
  });
  if (!check.certifiable) return fail('not_certifiable');
  // Linked once: a candidate can only ever be this account's.
  const linked = await client.certificationCandidate.updateMany({
    where: { id: candidate.id, OR: [{ userId: null }, { userId: input.userId }] },
    data: { userId: input.userId },
  });
  if (linked.count !== 1) return fail('other_account');
  // The invigilator's page reads this entry: the candidate is in the room, waiting (CANDIDATE_ENTERED).
  await recordAudit(client, {
    actorId: input.userId,
    action: CANDIDATE_ENTERED,
    targetType: 'certification-candidate',
    targetId: candidate.id,
    details: { sessionId: session.id },
    ip: input.ip,
  });
  await attemptSucceeded(client, 'candidate', input.userId, input.ip);
  return { ok: true, candidateId: candidate.id };
}

// =============================================================================================
// The bank of a session: live calibrated challenges of a release with the frozen parameters

interface LoadedCertificationBank {
  releaseId: string;
  parameterSetId: string;
  challenges: CertificationChallenge[];
  versions: ReadonlyMap<string, { versionId: string; body: ChallengeBody; competenceCode: string }>;
}

const banks = new Map<string, Promise<LoadedCertificationBank>>();

function loadCertificationBank(client: Client, releaseId: string, parameterSetId: string): Promise<LoadedCertificationBank> {
  const key = `${releaseId}|${parameterSetId}`;
  const hit = banks.get(key);
  if (hit) return hit;
  const loading = readCertificationBank(client, releaseId, parameterSetId);
  banks.set(key, loading);
  if (banks.size > 16) banks.delete(banks.keys().next().value as string);
  loading.catch(() => banks.delete(key));
  return loading;
}

async function readCertificationBank(client: Client, releaseId: string, parameterSetId: string): Promise<LoadedCertificationBank> {
  const [items, skills, params] = await Promise.all([
    client.releaseChallenge.findMany({
      where: { releaseId },
      select: { challengeId: true, versionId: true, skillId: true, version: { select: { body: true } }, challenge: { select: { prototypeId: true } } },
      orderBy: { challengeId: 'asc' },
    }),
    client.skill.findMany({ select: { id: true, level: true, tubeId: true, status: true, tube: { select: { competence: { select: { code: true } } } } } }),
    client.itemParameter.findMany({ where: { parameterSetId }, select: { challengeId: true, versionId: true, a: true, d: true } }),
  ]);
  const skillById = new Map(skills.map((s) => [s.id, s]));
  // Parameters apply to the version they were calibrated on (or an equivalent one): a changed key is not certified.
  const applicable = await filterApplicable(client, params, items);
  const paramsById = new Map([...applicable].map(([id, p]) => [id, { a: p.a, d: p.d }]));
  const challenges: CertificationChallenge[] = [];
  const versions = new Map<string, { versionId: string; body: ChallengeBody; competenceCode: string }>();
  for (const item of items) {
    const skill = skillById.get(item.skillId);
    const p = paramsById.get(item.challengeId);
    const body = storedBodyOf({ id: item.versionId, body: item.version.body });
    if (!skill) continue;
    versions.set(item.challengeId, { versionId: item.versionId, body, competenceCode: skill.tube.competence.code });
    // Only calibrated challenges of active skills are asked in certification.
    if (!p || skill.status !== 'actif') continue;
    challenges.push({
      id: item.challengeId,
      skillId: skill.id,
      tubeId: skill.tubeId,
      competenceCode: skill.tube.competence.code,
      level: skill.level,
      locales: body.locales,
      params: p,
      timed: body.timer !== null && body.timer !== undefined,
      familyId: item.challenge.prototypeId ?? item.challengeId,
    });
  }
  return { releaseId, parameterSetId, challenges, versions };
}

// =============================================================================================
// What the candidate saw before

/**
 * The families (prototype ids) of every challenge this account was shown or answered in any assessment
 * other than `exceptAssessmentId`: a challenge's family is its prototype, or itself when it is one.
 */
export async function seenFamilies(client: Client, userId: string, exceptAssessmentId: string | null = null): Promise<string[]> {
  const rows = await client.$queryRaw<{ family: string }[]>`
    SELECT DISTINCT COALESCE(c."prototypeId", c.id) AS family
    FROM (
      SELECT x."challengeId" FROM "Answer" x JOIN "Assessment" a ON a.id = x."assessmentId"
        WHERE a."userId" = ${userId} AND a.id IS DISTINCT FROM ${exceptAssessmentId}
      UNION
      SELECT ac."challengeId" FROM "AssessmentChallenge" ac JOIN "Assessment" a ON a.id = ac."assessmentId"
        WHERE a."userId" = ${userId} AND a.id IS DISTINCT FROM ${exceptAssessmentId}
    ) seen JOIN "Challenge" c ON c.id = seen."challengeId"
    ORDER BY family`;
  return rows.map((r) => r.family);
}

// =============================================================================================
// Exposure: how often each challenge was shown in certification tests on the same parameter set

/** Seconds an exposure count is reused: it moves by one test at a time, and each step would otherwise read it. */
const EXPOSURE_TTL_MS = 30_000;
const exposures = new Map<string, { at: number; counts: Promise<ExposureCounts> }>();

async function readExposure(client: Client, parameterSetId: string): Promise<ExposureCounts> {
  const [tests, shown] = await Promise.all([
    client.assessment.count({ where: { type: 'CERTIFICATION', parameterSetId } }),
    client.$queryRaw<{ challengeId: string; n: number }[]>`
      SELECT ac."challengeId", count(*)::int AS n
      FROM "AssessmentChallenge" ac JOIN "Assessment" a ON a.id = ac."assessmentId"
      WHERE a.type = 'CERTIFICATION' AND a."parameterSetId" = ${parameterSetId}
      GROUP BY ac."challengeId"`,
  ]);
  return { tests, shown: Object.fromEntries(shown.map((r) => [r.challengeId, r.n])) };
}

/**
 * The exposure counts the engine's ceiling reads (engine/certification, decision 008): tests started on
 * this parameter set and, per challenge, how many of them showed it. Kept for a few seconds per process.
 */
export function exposureCounts(client: Client, parameterSetId: string, now = Date.now()): Promise<ExposureCounts> {
  const hit = exposures.get(parameterSetId);
  if (hit && now - hit.at < EXPOSURE_TTL_MS) return hit.counts;
  const counts = readExposure(client, parameterSetId);
  exposures.set(parameterSetId, { at: now, counts });
  counts.catch(() => exposures.delete(parameterSetId));
  return counts;
}

// =============================================================================================
// What the assessment stores

const engineStateSchema = z.object({
  seed: z.string(),
  locale: z.string().default('fr'),
  positioned: z.array(z.object({ competenceCode: z.string(), level: z.number().int(), pix: z.number().optional() })),
  /** Families the candidate had seen when the test started (never served). Absent on tests started before decision 019. */
  excludedFamilies: z.array(z.string()).default([]),
  /** Per-competence θ intervals of the bank on the frozen set, read by the score (decision 019). */
  intervals: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  /** How the test ended: completed (engine done), time_up, ended_by_invigilator. */
  endReason: z.enum(['completed', 'time_up', 'ended_by_invigilator', 'abandoned']).optional(),
});
type EngineState = z.infer<typeof engineStateSchema>;

// =============================================================================================
// The candidate's state

export interface CandidateRow {
  id: string;
  sessionId: string;
  userId: string | null;
  firstName: string;
  lastName: string;
  extraTimePercentage: number;
  presentAt: Date | null;
  authorizedAt: Date | null;
  session: {
    id: string;
    status: string;
    durationMinutes: number;
    parameterSetId: string | null;
    date: Date;
    time: string;
    room: string;
    address: string;
    centre: { name: string };
  };
  course: { id: string; status: string; startedAt: Date; endedAt: Date | null } | null;
}

export class CertificationTestError extends Error {
  constructor(
    readonly code:
      'not_found' | 'not_authorised' | 'not_certifiable' | 'no_parameter_set' | 'no_release' | 'not_asked' | 'bad_response' | 'response_too_large' | 'closed',
    readonly status = code === 'not_found' ? 404 : code === 'bad_response' ? 400 : code === 'response_too_large' ? 413 : 409,
  ) {
    super(code);
  }
}

export const TEST_ERRORS: Record<CertificationTestError['code'], string> = {
  not_found: 'Vous n’êtes pas inscrit à cette session de certification.',
  not_authorised: 'Le surveillant ne vous a pas encore autorisé à commencer.',
  not_certifiable: ENTRY_REFUSALS.not_certifiable,
  no_parameter_set: ENTRY_REFUSALS.no_parameter_set,
  no_release: 'Aucune version publiée du contenu : le test ne peut pas commencer.',
  not_asked: 'Cette question n’est pas la question en cours : la page a été rechargée avec la bonne question.',
  bad_response: 'Réponse illisible : vérifiez la saisie et renvoyez.',
  response_too_large: 'Réponse trop longue : 10 000 caractères au plus par champ, et pas plus de choix que de propositions. Raccourcissez-la et renvoyez.',
  closed: 'Cette session est close.',
};

/**
 * The certification test this account has under way (course started, not ended), if any. While there is
 * one, the candidate's other pages are closed (app/lib/certification-lock.server.ts) and the navigation is
 * hidden (root): nothing of their profile, results, answers, tutorials or campaigns is one tab away.
 */
export async function ongoingCertificationOf(client: Client, userId: string): Promise<{ candidateId: string } | null> {
  // Every learner page asks (when its session came from the shared second): sent without Prisma's runtime.
  const [course] = await rawRows<{ candidateId: string }>(
    client,
    Prisma.sql`SELECT "candidateId" FROM "CertificationCourse" WHERE "userId" = ${userId} AND status = 'STARTED' LIMIT 1`,
  );
  return course ? { candidateId: course.candidateId } : null;
}

/** An SQL condition: the account has no certification test under way (what ongoingCertificationOf reads, inside another statement). */
export function noCertificationUnderWaySql(userId: string): Prisma.Sql {
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM "CertificationCourse" WHERE "userId" = ${userId} AND status = 'STARTED')`;
}

/** The candidate if it is this account's (anything else: not found). */
export async function candidateOf(client: Client, userId: string, candidateId: string): Promise<CandidateRow> {
  const candidate = await client.certificationCandidate.findFirst({
    where: { id: candidateId, userId },
    select: {
      id: true,
      sessionId: true,
      userId: true,
      firstName: true,
      lastName: true,
      extraTimePercentage: true,
      presentAt: true,
      authorizedAt: true,
      session: {
        select: {
          id: true,
          status: true,
          durationMinutes: true,
          parameterSetId: true,
          date: true,
          time: true,
          room: true,
          address: true,
          centre: { select: { name: true } },
        },
      },
      course: { select: { id: true, status: true, startedAt: true, endedAt: true } },
    },
  });
  if (!candidate) throw new CertificationTestError('not_found');
  return candidate;
}

export interface CertificationChallengeStep {
  kind: 'challenge';
  candidateId: string;
  assessmentId: string;
  challengeId: string;
  /** 0-based; the question number shown is position + 1. */
  position: number;
  maxQuestions: number;
  view: LearnerChallengeView;
  /** Seconds left on the challenge's own timer (timed challenges), or null. */
  challengeSecondsLeft: number | null;
  /** Seconds left for the whole test. */
  secondsLeft: number;
}

export type CandidateStep =
  | { kind: 'waiting'; present: boolean }
  | { kind: 'ready' }
  | CertificationChallengeStep
  | { kind: 'finished'; reason: 'completed' | 'time_up' | 'ended_by_invigilator' | 'abandoned' };

interface OpenCourse {
  candidate: CandidateRow;
  courseId: string;
  assessmentId: string;
  engine: EngineState;
  bank: LoadedCertificationBank;
  startedAt: Date;
}

function deadlineOf(candidate: CandidateRow, startedAt: Date): number {
  return certificationDeadline({ startedAt, durationMinutes: candidate.session.durationMinutes, extraTimePercentage: candidate.extraTimePercentage });
}

function timeIsUp(candidate: CandidateRow, startedAt: Date, now: Date): boolean {
  return certificationTimeIsUp({ startedAt, now, durationMinutes: candidate.session.durationMinutes, extraTimePercentage: candidate.extraTimePercentage });
}

function secondsLeftOf(candidate: CandidateRow, startedAt: Date, now: Date): number {
  return certificationTimeLeft({ startedAt, now, durationMinutes: candidate.session.durationMinutes, extraTimePercentage: candidate.extraTimePercentage });
}

async function openCourse(client: Client, candidate: CandidateRow): Promise<OpenCourse | null> {
  if (!candidate.course) return null;
  const assessment = await client.assessment.findUnique({
    where: { certificationCourseId: candidate.course.id },
    select: { id: true, releaseId: true, parameterSetId: true, engineState: true },
  });
  if (!assessment || !assessment.releaseId || !assessment.parameterSetId) return null;
  return {
    candidate,
    courseId: candidate.course.id,
    assessmentId: assessment.id,
    engine: engineStateSchema.parse(assessment.engineState),
    bank: await loadCertificationBank(client, assessment.releaseId, assessment.parameterSetId),
    startedAt: candidate.course.startedAt,
  };
}

function finishedReason(status: string, engine: EngineState | null): 'completed' | 'time_up' | 'ended_by_invigilator' | 'abandoned' {
  if (status === 'ENDED_BY_INVIGILATOR') return 'ended_by_invigilator';
  if (status === 'ABANDONED') return 'abandoned';
  return engine?.endReason === 'time_up' ? 'time_up' : 'completed';
}

/** Where the candidate stands: waiting to be let in, ready to start, the current question, or finished. */
export async function candidateStep(client: Client, input: { userId: string; candidateId: string; now: Date }): Promise<CandidateStep> {
  const candidate = await candidateOf(client, input.userId, input.candidateId);
  if (!candidate.course) {
    if (!candidate.authorizedAt) return { kind: 'waiting', present: candidate.presentAt !== null };
    return { kind: 'ready' };
  }
  if (candidate.course.status !== 'STARTED') {
    // A finished test needs only how it ended, not its bank.
    const assessment = await client.assessment.findUnique({ where: { certificationCourseId: candidate.course.id }, select: { engineState: true } });
    const engine = assessment ? engineStateSchema.safeParse(assessment.engineState) : null;
    return { kind: 'finished', reason: finishedReason(candidate.course.status, engine?.success ? engine.data : null) };
  }
  const open = await openCourse(client, candidate);
  if (!open) throw new Error('Test de certification sans évaluation');
  if (timeIsUp(candidate, open.startedAt, input.now)) {
    await closeCourse(client, open, 'time_up', input.now);
    return { kind: 'finished', reason: 'time_up' };
  }
  return advance(client, open, input.now);
}

type AskedRow = AskedChallenge;

async function testFacts(client: Client, assessmentId: string) {
  const [asked, answers] = await Promise.all([
    client.assessmentChallenge.findMany({
      where: { assessmentId },
      orderBy: { position: 'asc' },
      select: { challengeId: true, position: true, presentation: true, askedAt: true },
    }),
    client.answer.findMany({ where: { assessmentId }, select: { id: true, challengeId: true, result: true, neutralisation: { select: { answerId: true } } } }),
  ]);
  return { asked, answers };
}

function engineAnswers(
  asked: readonly AskedRow[],
  answers: readonly { challengeId: string; result: string; neutralisation: unknown }[],
): CertificationAnswer[] {
  const byChallenge = new Map(answers.map((a) => [a.challengeId, a]));
  const out: CertificationAnswer[] = [];
  for (const a of asked) {
    const answer = byChallenge.get(a.challengeId);
    if (!answer) continue;
    out.push({ challengeId: a.challengeId, result: toEngineResult(answer.result), ...(answer.neutralisation ? { neutralised: true } : {}) });
  }
  return out;
}

function challengeStep(open: OpenCourse, asked: AskedRow, now: Date): CertificationChallengeStep {
  const version = open.bank.versions.get(asked.challengeId);
  if (!version) throw new Error(`Épreuve ${asked.challengeId} absente de la version publiée`);
  const { view, secondsLeft } = askedView(open.assessmentId, asked, version.body, now);
  return {
    kind: 'challenge',
    candidateId: open.candidate.id,
    assessmentId: open.assessmentId,
    challengeId: asked.challengeId,
    position: asked.position,
    maxQuestions: MAX_QUESTIONS,
    view,
    challengeSecondsLeft: secondsLeft,
    secondsLeft: secondsLeftOf(open.candidate, open.startedAt, now),
  };
}

/**
 * The question asked and not answered yet, or the next one (chosen by the engine from the answers and
 * asked now, once: unique position), or the end of the test.
 */
async function advance(client: Client, open: OpenCourse, now: Date): Promise<CandidateStep> {
  const { asked, answers } = await testFacts(client, open.assessmentId);
  const answered = new Set(answers.map((a) => a.challengeId));
  const pending = asked.find((a) => !answered.has(a.challengeId));
  if (pending) return challengeStep(open, pending, now);
  const exposure = await exposureCounts(client, open.bank.parameterSetId);
  const next = nextCertificationChallenge(
    {
      bank: open.bank.challenges,
      positioned: open.engine.positioned,
      answers: engineAnswers(asked, answers),
      locale: open.engine.locale,
      exposure,
      excludedFamilies: open.engine.excludedFamilies,
    },
    certificationStepRandom(open.engine.seed, answers.length),
  );
  if (next.kind === 'done') {
    await closeCourse(client, open, 'completed', now);
    return { kind: 'finished', reason: 'completed' };
  }
  const row = await askChallenge(client, open, next.challengeId, asked.length, now);
  return challengeStep(open, row, now);
}

function askChallenge(client: Client, open: Pick<OpenCourse, 'assessmentId' | 'bank'>, challengeId: string, position: number, now: Date): Promise<AskedRow> {
  const version = open.bank.versions.get(challengeId);
  if (!version) throw new Error(`Épreuve ${challengeId} absente de la version publiée`);
  return askOnce(client, {
    assessmentId: open.assessmentId,
    challengeId,
    position,
    presentation: presentationFor(open.assessmentId, challengeId, version.body),
    now,
  });
}

/** Ends the test once (only a STARTED course changes): course status, assessment state, the reason kept. */
async function closeCourse(
  client: Client,
  open: Pick<OpenCourse, 'courseId' | 'assessmentId' | 'candidate' | 'startedAt'>,
  reason: 'completed' | 'time_up' | 'ended_by_invigilator',
  now: Date,
): Promise<boolean> {
  const endedAt = reason === 'time_up' ? new Date(Math.min(now.getTime(), deadlineOf(open.candidate, open.startedAt))) : now;
  return client.$transaction(async (tx) => {
    const done = await tx.certificationCourse.updateMany({
      where: { id: open.courseId, status: 'STARTED' },
      data: { status: reason === 'ended_by_invigilator' ? 'ENDED_BY_INVIGILATOR' : 'FINISHED', endedAt },
    });
    if (done.count !== 1) return false;
    await tx.$executeRaw`
      UPDATE "Assessment" SET state = ${reason === 'ended_by_invigilator' ? 'ENDED_BY_INVIGILATOR' : 'COMPLETED'}::"AssessmentState",
        "completedAt" = ${endedAt.toISOString()}::timestamp, "updatedAt" = ${now.toISOString()}::timestamp,
        "engineState" = "engineState" || jsonb_build_object('endReason', ${reason}::text)
      WHERE id = ${open.assessmentId}`;
    return true;
  });
}

// =============================================================================================
// Starting

/**
 * Starts the candidate's test, or resumes it: the candidate must be let in by the invigilator, the
 * session open with a frozen parameter set, and the learner certifiable now. The positioned profile is
 * frozen on the assessment (selection and scoring read it). One course per candidate (unique), one
 * assessment per course (unique): a double click or two tabs start it once.
 */
export async function startCertification(client: Client, input: { userId: string; candidateId: string; locale: string; now: Date }): Promise<CandidateStep> {
  const candidate = await candidateOf(client, input.userId, input.candidateId);
  if (candidate.course) return candidateStep(client, input);
  if (candidate.session.status !== 'CREATED') throw new CertificationTestError('closed');
  if (!candidate.authorizedAt) throw new CertificationTestError('not_authorised');
  const parameterSetId = candidate.session.parameterSetId;
  if (!parameterSetId) throw new CertificationTestError('no_parameter_set');
  const release = await client.release.findFirst({ orderBy: { number: 'desc' }, select: { id: true } });
  if (!release) throw new CertificationTestError('no_release');
  const check = await userCertifiability(client, input.userId);
  if (!check.certifiable) {
    await client.certificationCandidate.update({
      where: { id: candidate.id },
      data: { certifiable: false, competencesWithLevel: check.competencesWithLevel, certifiabilityCheckedAt: input.now },
    });
    throw new CertificationTestError('not_certifiable');
  }
  const positioned: PositionedCompetence[] = check.levels.map((l) => ({ competenceCode: l.competenceCode, level: l.level, pix: l.pix }));
  const bank = await loadCertificationBank(client, release.id, parameterSetId);
  const engineState: EngineState = {
    seed: crypto.randomBytes(16).toString('hex'),
    locale: input.locale,
    positioned,
    excludedFamilies: await seenFamilies(client, input.userId),
    intervals: competenceIntervals(bank.challenges, maxReachableLevel()),
  };
  const exposure = await exposureCounts(client, parameterSetId);
  const first = nextCertificationChallenge(
    { bank: bank.challenges, positioned, answers: [], locale: input.locale, exposure, excludedFamilies: engineState.excludedFamilies },
    certificationStepRandom(engineState.seed, 0),
  );
  if (first.kind === 'done') throw new CertificationTestError('no_release');
  const courseId = crypto.randomUUID();
  const assessmentId = crypto.randomUUID();
  const version = bank.versions.get(first.challengeId)!;
  await client.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`certification-start:${candidate.id}`}))`;
      const existing = await tx.certificationCourse.findUnique({ where: { candidateId: candidate.id }, select: { id: true } });
      if (existing) return;
      await tx.certificationCourse.create({
        data: { id: courseId, sessionId: candidate.sessionId, candidateId: candidate.id, userId: input.userId, status: 'STARTED', startedAt: input.now },
      });
      await tx.assessment.create({
        data: {
          id: assessmentId,
          userId: input.userId,
          type: 'CERTIFICATION',
          state: 'STARTED',
          certificationCourseId: courseId,
          releaseId: release.id,
          parameterSetId,
          engineState,
          createdAt: input.now,
        },
      });
      await tx.assessmentChallenge.create({
        data: {
          assessmentId,
          challengeId: first.challengeId,
          position: 0,
          presentation: presentationFor(assessmentId, first.challengeId, version.body),
          askedAt: input.now,
        },
      });
    },
    { timeout: 15_000, maxWait: 15_000 },
  );
  return candidateStep(client, input);
}

// =============================================================================================
// Answering

export interface CertificationAnswerInput extends AnswerInput {
  userId: string;
  candidateId: string;
}

export interface CertificationAnswerOutcome {
  /** True when this challenge already had an answer (double submit, another tab): it counted once. */
  duplicate: boolean;
  /** True when the answer came after the time limit and was not taken. */
  late: boolean;
  step: CandidateStep;
}

/** A certification test as the answer path sees it. */
interface CertificationTest extends TestOnAnswer {
  open: OpenCourse;
  candidate: CandidateRow;
  courseStatus: string;
}

/**
 * Takes the answer to the question in course (the shared rules of answer.server.ts): checked on the
 * frozen version, stored once (a second submission of the same challenge, from another tab, is a
 * no-op), refused after the time limit (the test then ends), refused for a challenge that was not asked.
 * Returns what comes next. No knowledge element is written.
 */
export async function submitCertificationAnswer(client: Client, input: CertificationAnswerInput): Promise<CertificationAnswerOutcome> {
  return submitTestAnswer<CertificationTest, CertificationAnswerOutcome>(
    {
      kind: 'certification',
      refuse: (code) => new CertificationTestError(code === 'not_found' || code === 'aborted' ? 'not_authorised' : code),
      read: async () => {
        const candidate = await candidateOf(client, input.userId, input.candidateId);
        const open = await openCourse(client, candidate);
        if (!open || !candidate.course) return null;
        const { asked, answers } = await testFacts(client, open.assessmentId);
        return {
          assessmentId: open.assessmentId,
          status: candidate.course.status === 'STARTED' ? 'open' : 'closed',
          asked,
          answered: new Set(answers.map((a) => a.challengeId)),
          versionOf: (challengeId) => open.bank.versions.get(challengeId),
          open,
          candidate,
          courseStatus: candidate.course.status,
        };
      },
      duplicate: async () => ({ duplicate: true, late: false, step: await candidateStep(client, input) }),
      notOpen: async (test) => ({ duplicate: false, late: false, step: { kind: 'finished', reason: finishedReason(test.courseStatus, test.open.engine) } }),
      gate: async (test) => {
        if (!timeIsUp(test.candidate, test.open.startedAt, input.now)) return null;
        await closeCourse(client, test.open, 'time_up', input.now);
        return { duplicate: false, late: true, step: { kind: 'finished', reason: 'time_up' } };
      },
      record: async (test, answer) => {
        const inserted = await client.answer.createMany({
          data: [
            {
              assessmentId: test.assessmentId,
              challengeId: answer.challengeId,
              challengeVersionId: answer.versionId,
              value: answer.value as object,
              result: answer.result,
              timeSpentSeconds: answer.elapsedSeconds,
              createdAt: answer.now,
            },
          ],
          skipDuplicates: true,
        });
        return { duplicate: inserted.count === 0, late: false, step: await advance(client, test.open, answer.now) };
      },
    },
    input,
  );
}

// =============================================================================================
// Invigilator's actions on a test (certification-invigilator.server.ts checks the session)

/** Ends a candidate's test (the invigilator's decision). */
export async function endCourseByInvigilator(client: Client, candidateId: string, now: Date): Promise<boolean> {
  const candidate = await client.certificationCandidate.findUnique({ where: { id: candidateId }, select: { userId: true } });
  if (!candidate?.userId) return false;
  const row = await candidateOf(client, candidate.userId, candidateId);
  const open = await openCourse(client, row);
  if (!open) return false;
  return closeCourse(client, open, 'ended_by_invigilator', now);
}

/** Courses whose time ran out while nobody was there: closed as time up (read by the invigilator's page). */
export async function closeExpiredCourses(client: Client, sessionId: string, now: Date): Promise<number> {
  const started = await client.certificationCourse.findMany({ where: { sessionId, status: 'STARTED' }, select: { candidateId: true, userId: true } });
  let closed = 0;
  for (const c of started) {
    const row = await candidateOf(client, c.userId, c.candidateId);
    if (!row.course || !timeIsUp(row, row.course.startedAt, now)) continue;
    const open = await openCourse(client, row);
    if (open && (await closeCourse(client, open, 'time_up', now))) closed++;
  }
  return closed;
}

type Tx = Parameters<Parameters<Client['$transaction']>[0]>[0];

/** What neutralising a question needs, read before the transaction that writes it. */
export interface NeutralisationPlan {
  open: OpenCourse;
  started: boolean;
  challengeId: string;
  versionId: string;
}

/** The question at `position` of a candidate's test, ready to be neutralised; null when none was asked there. */
export async function planNeutralisation(client: Client, input: { candidateId: string; position: number }): Promise<NeutralisationPlan | null> {
  const candidate = await client.certificationCandidate.findUnique({ where: { id: input.candidateId }, select: { userId: true } });
  if (!candidate?.userId) return null;
  const row = await candidateOf(client, candidate.userId, input.candidateId);
  const open = await openCourse(client, row);
  if (!open) return null;
  const asked = await client.assessmentChallenge.findUnique({
    where: { assessmentId_position: { assessmentId: open.assessmentId, position: input.position } },
    select: { challengeId: true },
  });
  if (!asked) return null;
  const version = open.bank.versions.get(asked.challengeId);
  if (!version) return null;
  return { open, started: row.course?.status === 'STARTED', challengeId: asked.challengeId, versionId: version.versionId };
}

/**
 * Writes a planned neutralisation inside the caller's transaction: the answer (skipped, when the
 * question was still in course) and its neutralisation. Returns the challenge, or null.
 */
export async function writeNeutralisation(tx: Tx, plan: NeutralisationPlan, input: { reason: string; decidedBy: string; now: Date }): Promise<string | null> {
  await tx.answer.createMany({
    data: [
      {
        assessmentId: plan.open.assessmentId,
        challengeId: plan.challengeId,
        challengeVersionId: plan.versionId,
        value: { skipped: true },
        result: 'skipped',
        createdAt: input.now,
      },
    ],
    skipDuplicates: true,
  });
  const answer = await tx.answer.findUnique({
    where: { assessmentId_challengeId: { assessmentId: plan.open.assessmentId, challengeId: plan.challengeId } },
    select: { id: true },
  });
  if (!answer) return null;
  await tx.neutralisation.createMany({
    data: [{ answerId: answer.id, reason: input.reason, decidedBy: input.decidedBy, createdAt: input.now }],
    skipDuplicates: true,
  });
  return plan.challengeId;
}

/** After a neutralisation is committed: the candidate's next question is asked now (same choice as their page would make). */
export async function advanceAfterNeutralisation(client: Client, plan: NeutralisationPlan, now: Date): Promise<void> {
  if (plan.started) await advance(client, plan.open, now);
}

/**
 * Neutralises the question at `position` of a candidate's test (an incident in the question). Answered:
 * its answer is neutralised. Still in course: it is recorded as skipped and neutralised at once (one
 * transaction), and the candidate moves on to the next question (their page shows it at the next
 * refresh or answer). Returns the challenge concerned, or null when no question was asked at that position.
 */
export async function neutraliseQuestion(
  client: Client,
  input: { candidateId: string; position: number; reason: string; decidedBy: string; now: Date },
): Promise<string | null> {
  const plan = await planNeutralisation(client, input);
  if (!plan) return null;
  const challengeId = await client.$transaction((tx) => writeNeutralisation(tx, plan, input));
  if (challengeId) await advanceAfterNeutralisation(client, plan, input.now);
  return challengeId;
}

/** For the invigilator's page: questions asked and answered per course. */
export async function courseProgress(client: Client, courseIds: string[]) {
  if (courseIds.length === 0) return new Map<string, { asked: number; answered: number; neutralised: number }>();
  const rows = await client.$queryRaw<{ courseId: string; asked: number; answered: number; neutralised: number }[]>`
    SELECT a."certificationCourseId" AS "courseId",
      (SELECT count(*)::int FROM "AssessmentChallenge" c WHERE c."assessmentId" = a.id) AS asked,
      (SELECT count(*)::int FROM "Answer" x WHERE x."assessmentId" = a.id) AS answered,
      (SELECT count(*)::int FROM "Answer" x JOIN "Neutralisation" n ON n."answerId" = x.id WHERE x."assessmentId" = a.id) AS neutralised
    FROM "Assessment" a WHERE a."certificationCourseId" = ANY(${courseIds}::text[])`;
  return new Map(rows.map((r) => [r.courseId, { asked: r.asked, answered: r.answered, neutralised: r.neutralised }]));
}

export function courseSecondsLeft(candidate: { extraTimePercentage: number }, session: { durationMinutes: number }, startedAt: Date, now: Date): number {
  return certificationTimeLeft({ startedAt, now, durationMinutes: session.durationMinutes, extraTimePercentage: candidate.extraTimePercentage });
}

/** The candidate's page reports leaving the test window: the invigilator sees "needs attention". */
export async function reportAttention(client: Client, input: { userId: string; candidateId: string; reason: string; now: Date }): Promise<void> {
  const candidate = await candidateOf(client, input.userId, input.candidateId);
  if (!candidate.course || candidate.course.status !== 'STARTED') return;
  await client.certificationCourse.updateMany({
    where: { id: candidate.course.id, status: 'STARTED', attentionAt: null },
    data: { attentionAt: input.now, attentionReason: input.reason.slice(0, 200) },
  });
}

export { isoDay };

/**
 * After the certification test: the centre finalises its session (attendance, incidents, comment), each
 * candidate's test is scored with the session's frozen parameter set, the jury decides on the incidents
 * (cancel a result, neutralise a question and re-score, validate), and the session is published.
 * Certificates carry a verification code anyone can check: what a certificate shows and the public
 * lookup are certificate-view.server.ts.
 *
 * The scoring rule lives in `engine/certification` (`scoreCertification`); this module only reads what
 * it needs from the database and writes what it returns.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import {
  scoreCertification,
  type CertificationAnswer,
  type CertificationEndReason,
  type CertificationScore,
  type CertifiedCompetence,
  type CompetenceIntervals,
  type PositionedCompetence,
} from '../../engine/certification';
import { generateVerificationCode } from '../../engine/framework';
import { parseJsonColumn } from '../lib/json-column';
import { parametersOfSet } from './parameter-set.server';
import { learnerProfile } from './profile.server';

type Db = PrismaClient;
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type Client = Db | Tx;

/** A certificate is valid for 3 years from its delivery. */
export const CERTIFICATE_VALIDITY_YEARS = 3;

export type CertificateStatus = 'validated' | 'rejected' | 'cancelled';

/** What the jury can decide on an incident. */
export type IssueDecision = 'validate' | 'neutralise' | 'cancel';
export const ISSUE_RESOLUTIONS: Record<IssueDecision, string> = { validate: 'validated', neutralise: 'neutralised', cancel: 'cancelled' };

/**
 * Categories the centre picks from when it reports an incident at finalisation: the invigilator's
 * (certification-invigilator.server.ts) and « other ».
 */
export const INCIDENT_CATEGORIES = ['TECHNICAL', 'IN_CHALLENGE', 'FRAUD', 'LATE_OR_LEAVING', 'OTHER'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export class CertificateError extends Error {
  constructor(
    public readonly code: CertificateErrorCode,
    public readonly count = 0,
  ) {
    super(code);
  }
}

export type CertificateErrorCode =
  | 'not_found'
  | 'already_finalised'
  | 'not_finalised'
  | 'already_published'
  | 'open_incidents'
  | 'absent_with_test'
  | 'no_parameter_set'
  | 'unknown_candidate'
  | 'bad_question'
  | 'no_answer_at_position'
  | 'no_certificate'
  | 'incident_missing_description'
  | 'incident_bad_category'
  | 'abort_reason_missing';

const uniform = () => crypto.randomInt(0, 2 ** 32) / 2 ** 32;

// ─────────────────────────────── Permissions ───────────────────────────────

/** The session if the viewer is a member of its centre; 404 otherwise (existence is not revealed). */
export async function sessionOfCentreMember(client: Client, viewer: Pick<Viewer, 'centres'> | null, sessionId: string) {
  const session = await client.certificationSession.findUnique({ where: { id: sessionId }, include: { centre: { select: { id: true, name: true } } } });
  if (!viewer || !session || !viewer.centres.some((c) => c.id === session.centreId)) throw new Response('Session introuvable', { status: 404 });
  return session;
}

/** Jury work is for administrators. */
export function assertJury(viewer: Pick<Viewer, 'roles'> | null): void {
  if (!viewer || !viewer.roles.includes('ADMIN')) throw new Response('Accès refusé', { status: 403 });
}

// ─────────────────────────────── Scoring ───────────────────────────────

function answerResult(result: string): CertificationAnswer['result'] {
  if (result === 'ok' || result === 'ko' || result === 'skipped' || result === 'timedout') return result;
  return 'skipped'; // 'aband': the candidate left the question; it counts as wrong.
}

/**
 * How the test ended, for the abandon rule. Ended by the invigilator because of a technical incident
 * (not the candidate's doing): the questions not reached are not counted wrong.
 */
function endReasonOf(status: string, issues: readonly { category: string }[], engineState: unknown): CertificationEndReason {
  switch (status) {
    case 'FINISHED':
      return engineState && typeof engineState === 'object' && (engineState as { endReason?: unknown }).endReason === 'time_up' ? 'time_up' : 'completed';
    case 'ENDED_BY_INVIGILATOR':
      return issues.some((i) => i.category === 'TECHNICAL') ? 'technical_issue' : 'ended_by_invigilator';
    default:
      // STARTED at finalisation, ABANDONED: the rest counts as wrong (abandon rule).
      return 'abandoned';
  }
}

const intervalsSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** The per-competence θ intervals frozen with the test (decision 019); null on tests started before them. */
function intervalsFromState(state: unknown): CompetenceIntervals | null {
  const raw = state && typeof state === 'object' ? (state as { intervals?: unknown }).intervals : undefined;
  const parsed = intervalsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function positionedFromState(state: unknown): PositionedCompetence[] | null {
  const list = state && typeof state === 'object' ? (state as { positioned?: unknown }).positioned : null;
  if (!Array.isArray(list)) return null;
  const out: PositionedCompetence[] = [];
  for (const p of list) {
    if (p && typeof p === 'object' && typeof (p as PositionedCompetence).competenceCode === 'string' && Number.isInteger((p as PositionedCompetence).level)) {
      const { competenceCode, level, pix } = p as PositionedCompetence;
      out.push(typeof pix === 'number' ? { competenceCode, level, pix } : { competenceCode, level });
    }
  }
  return out;
}

/** What `Certificate.competenceLevels` holds: the engine's certified competences. */
export const storedCertifiedCompetences = z.array(
  z.object({ competenceCode: z.string(), level: z.number(), pix: z.number(), positionedLevel: z.number(), positionedPix: z.number() }),
) satisfies z.ZodType<CertifiedCompetence[]>;

/** The certified competences stored on a certificate, checked: an error names the certificate when the column is malformed. */
export function storedCompetences(certificate: { id: string; competenceLevels: unknown }): CertifiedCompetence[] {
  return parseJsonColumn(storedCertifiedCompetences, certificate.competenceLevels, { table: 'Certificate', column: 'competenceLevels', row: certificate.id });
}

export interface CourseScoring {
  score: CertificationScore;
  parameterSetId: string;
  positioned: PositionedCompetence[];
}

/**
 * Scores one candidate's test with the session's frozen parameter set: answers in the order shown,
 * neutralised ones marked, the abandon rule from how the test ended, θ through the competence intervals
 * frozen with the test (decision 019; a test without them goes through the set's cut scores). The
 * positioned profile (reported beside each certified level, never used to compute it) is the one
 * frozen with the test (`engineState.positioned`), else the one recorded on an earlier score, else the
 * learner's profile now (first score of a test that did not record it).
 */
export async function scoreCourse(client: Client, courseId: string): Promise<CourseScoring> {
  const course = await client.certificationCourse.findUnique({
    where: { id: courseId },
    include: {
      session: { select: { parameterSetId: true } },
      issues: { select: { category: true } },
      certificate: { select: { id: true, competenceLevels: true, parameterSetId: true } },
      assessment: {
        select: {
          engineState: true,
          parameterSetId: true,
          asked: { select: { challengeId: true, position: true }, orderBy: { position: 'asc' } },
          answers: { select: { id: true, challengeId: true, result: true, neutralisation: { select: { answerId: true } } } },
        },
      },
    },
  });
  if (!course) throw new CertificateError('not_found');
  const parameterSetId = course.certificate?.parameterSetId ?? course.session.parameterSetId ?? course.assessment?.parameterSetId ?? null;
  if (!parameterSetId) throw new CertificateError('no_parameter_set');
  const set = await parametersOfSet(client, parameterSetId);
  if (!set) throw new CertificateError('no_parameter_set');

  const byChallenge = new Map((course.assessment?.answers ?? []).map((a) => [a.challengeId, a]));
  const answers: CertificationAnswer[] = [];
  for (const asked of course.assessment?.asked ?? []) {
    const answer = byChallenge.get(asked.challengeId);
    if (!answer) continue; // shown but not answered: the abandon rule counts it
    answers.push(
      answer.neutralisation
        ? { challengeId: answer.challengeId, result: answerResult(answer.result), neutralised: true }
        : { challengeId: answer.challengeId, result: answerResult(answer.result) },
    );
  }

  let positioned = positionedFromState(course.assessment?.engineState);
  if (!positioned && course.certificate) {
    const stored = storedCompetences(course.certificate);
    if (stored.length > 0) positioned = stored.map((c) => ({ competenceCode: c.competenceCode, level: c.positionedLevel, pix: c.positionedPix }));
  }
  if (!positioned) {
    const profile = await learnerProfile(course.userId, new Date(), client as Db);
    positioned = profile.competences.map((c) => ({ competenceCode: c.code, level: c.level, pix: c.pix }));
  }

  const items: Record<string, { a: number; d: number }> = {};
  for (const [id, p] of set.params) items[id] = p;
  const intervals = intervalsFromState(course.assessment?.engineState);
  const score = scoreCertification({
    parameterSet: { version: set.version, items, cutScores: set.cutScores },
    positioned,
    ...(intervals ? { intervals } : {}),
    answers,
    endReason: endReasonOf(course.status, course.issues, course.assessment?.engineState),
  });
  return { score, parameterSetId, positioned };
}

function scoreFields(s: CourseScoring) {
  return {
    pixScore: s.score.pixScore,
    // Checked on the way in too; the parsed copy is plain JSON for Prisma.
    competenceLevels: storedCertifiedCompetences.parse(s.score.competences),
    theta: s.score.theta,
    thetaSe: s.score.thetaSe,
    parameterSetId: s.parameterSetId,
    answersCounted: s.score.scoredCount,
    abandoned: s.score.missingCountedWrong > 0,
    scoredAt: new Date(),
  };
}

/** A verification code nobody holds yet (drawn again on a collision). */
async function freshVerificationCode(client: Client, rng: () => number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const code = generateVerificationCode(rng);
    if (!(await client.certificate.findUnique({ where: { verificationCode: code }, select: { id: true } }))) return code;
  }
  throw new Error('Impossible de trouver un code de vérification libre.');
}

/** Re-scores a certificate with its frozen set (after a neutralisation); a cancelled result stays cancelled. */
export async function rescoreCertificate(client: Client, courseId: string): Promise<CourseScoring> {
  const scoring = await scoreCourse(client, courseId);
  const current = await client.certificate.findUnique({ where: { courseId }, select: { status: true } });
  if (!current) throw new CertificateError('no_certificate');
  await client.certificate.update({
    where: { courseId },
    data: { ...scoreFields(scoring), status: current.status === 'cancelled' ? 'cancelled' : scoring.score.status },
  });
  return scoring;
}

// ─────────────────────────────── Finalisation (centre) ───────────────────────────────

/** What the centre sees on its finalisation page. */
export async function finalisationView(client: Client, sessionId: string) {
  const session = await client.certificationSession.findUnique({
    where: { id: sessionId },
    include: {
      centre: { select: { name: true } },
      candidates: {
        orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
        include: {
          course: {
            select: {
              id: true,
              status: true,
              endedAt: true,
              abortReason: true,
              issues: { orderBy: { createdAt: 'asc' } },
              certificate: { select: { status: true, pixScore: true } },
              assessment: { select: { _count: { select: { answers: true } } } },
            },
          },
        },
      },
    },
  });
  if (!session) throw new CertificateError('not_found');
  return session;
}

export interface IncidentInput {
  candidateId: string;
  category: string;
  description: string;
  /** 1-based question number, or null. */
  questionNumber: number | null;
  neutralise: boolean;
}

/** The centre reports an incident of a candidate before finalising (it needs a jury decision). */
export async function reportIncident(client: Db, sessionId: string, input: IncidentInput) {
  if (!(INCIDENT_CATEGORIES as readonly string[]).includes(input.category)) throw new CertificateError('incident_bad_category');
  const description = input.description.trim();
  if (!description) throw new CertificateError('incident_missing_description');
  if (input.questionNumber !== null && !(Number.isInteger(input.questionNumber) && input.questionNumber >= 1 && input.questionNumber <= 64))
    throw new CertificateError('bad_question');
  return client.$transaction(async (tx) => {
    const session = await tx.certificationSession.findUnique({ where: { id: sessionId }, select: { status: true } });
    if (!session) throw new CertificateError('not_found');
    if (session.status !== 'CREATED') throw new CertificateError('already_finalised');
    const candidate = await tx.certificationCandidate.findFirst({ where: { id: input.candidateId, sessionId }, include: { course: { select: { id: true } } } });
    if (!candidate) throw new CertificateError('unknown_candidate');
    if (!candidate.course) throw new CertificateError('no_certificate');
    const position = input.questionNumber === null ? null : input.questionNumber - 1;
    let challengeId: string | null = null;
    if (position !== null) {
      const asked = await tx.assessmentChallenge.findFirst({
        where: { position, assessment: { certificationCourseId: candidate.course.id } },
        select: { challengeId: true },
      });
      challengeId = asked?.challengeId ?? null;
    }
    return tx.certificationIssue.create({
      data: {
        courseId: candidate.course.id,
        category: input.category,
        description: description.slice(0, 2000),
        questionPosition: position,
        challengeId,
        neutralise: input.neutralise && position !== null,
        needsAction: true,
      },
    });
  });
}

export interface FinalisationInput {
  sessionId: string;
  /** candidateId → present. Candidates not listed keep what the invigilator recorded. */
  attendance: ReadonlyMap<string, boolean>;
  comment: string;
  /** candidateId → why their test ended early; required for each test left unfinished or ended by the invigilator. */
  abortReasons?: ReadonlyMap<string, CourseAbortReason>;
  now: Date;
  rng?: () => number;
}

export const COURSE_ABORT_REASONS = ['CANDIDATE', 'TECHNICAL'] as const;
export type CourseAbortReason = (typeof COURSE_ABORT_REASONS)[number];

/** A test that ended before its end (left unfinished, or ended by the invigilator): the centre says why when finalising. */
export function endedEarly(courseStatus: string): boolean {
  return courseStatus === 'STARTED' || courseStatus === 'ENDED_BY_INVIGILATOR' || courseStatus === 'ABANDONED';
}

export interface FinalisationResult {
  scored: number;
  validated: number;
  rejected: number;
  /** Incidents that need a jury decision; 0 → the session may be published at once. */
  openIncidents: number;
}

/** An incident that still needs a decision. */
const openIssue = { needsAction: true, resolvedAt: null } as const;

/**
 * Finalises a session (irreversible): records attendance and the comment, ends the tests still open
 * (abandon rule), scores every test with the frozen set and writes the certificates (validated or
 * rejected, each with a fresh verification code). With incidents needing a decision the session goes to
 * the jury (IN_REVIEW), else it is ready to publish (FINALIZED).
 */
export async function finaliseSession(client: Db, input: FinalisationInput): Promise<FinalisationResult> {
  const rng = input.rng ?? uniform;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.$transaction(async (tx) => finaliseIn(tx, input, rng), { timeout: 60_000, maxWait: 10_000 });
    } catch (error) {
      // Two finalisations drew the same verification code at the same time: draw again.
      if ((error as { code?: string }).code === 'P2002' && attempt < 5) continue;
      throw error;
    }
  }
}

async function finaliseIn(tx: Tx, input: FinalisationInput, rng: () => number): Promise<FinalisationResult> {
  const claimed = await tx.certificationSession.updateMany({
    where: { id: input.sessionId, status: 'CREATED' },
    data: { status: 'FINALIZED', finalizedAt: input.now, comment: input.comment.trim().slice(0, 5000) || null },
  });
  if (claimed.count === 0) {
    const exists = await tx.certificationSession.findUnique({ where: { id: input.sessionId }, select: { id: true } });
    throw new CertificateError(exists ? 'already_finalised' : 'not_found');
  }
  const session = await tx.certificationSession.findUniqueOrThrow({
    where: { id: input.sessionId },
    include: { centre: { select: { name: true } }, candidates: { include: { course: { select: { id: true, status: true, abortReason: true } } } } },
  });
  if (!session.parameterSetId) throw new CertificateError('no_parameter_set');
  // Every test that ended early needs its reason, given now (or before): nothing is saved until all are.
  const early = session.candidates.filter((c) => c.course && endedEarly(c.course.status));
  const unexplained = early.filter((c) => !input.abortReasons?.get(c.id) && !c.course!.abortReason);
  if (unexplained.length > 0) throw new CertificateError('abort_reason_missing', unexplained.length);
  for (const c of early) {
    const reason = input.abortReasons?.get(c.id);
    if (reason) await tx.certificationCourse.update({ where: { id: c.course!.id }, data: { abortReason: reason } });
  }
  for (const [candidateId, present] of input.attendance) {
    const candidate = session.candidates.find((c) => c.id === candidateId);
    if (!candidate) throw new CertificateError('unknown_candidate');
    if (!present && candidate.course) throw new CertificateError('absent_with_test');
    if (present !== Boolean(candidate.presentAt)) {
      await tx.certificationCandidate.update({ where: { id: candidateId }, data: { presentAt: present ? input.now : null } });
    }
  }
  const result: FinalisationResult = { scored: 0, validated: 0, rejected: 0, openIncidents: 0 };
  for (const candidate of session.candidates) {
    const course = candidate.course;
    if (!course) continue;
    if (course.status === 'STARTED') {
      await tx.certificationCourse.update({ where: { id: course.id }, data: { status: 'ABANDONED', endedAt: input.now } });
      await tx.assessment.updateMany({ where: { certificationCourseId: course.id, state: 'STARTED' }, data: { state: 'ABORTED' } });
    }
    const scoring = await scoreCourse(tx, course.id);
    const status = course.status === 'CANCELLED' ? 'cancelled' : scoring.score.status;
    await tx.certificate.create({
      data: {
        courseId: course.id,
        verificationCode: await freshVerificationCode(tx, rng),
        status,
        ...scoreFields(scoring),
        firstName: candidate.firstName,
        lastName: candidate.lastName,
        birthDate: candidate.birthDate,
        birthPlace: candidate.birthPlace,
        centreName: session.centre.name,
        takenOn: session.date,
      },
    });
    result.scored++;
    if (status === 'validated') result.validated++;
    else result.rejected++;
  }
  result.openIncidents = await tx.certificationIssue.count({ where: { ...openIssue, course: { sessionId: session.id } } });
  if (result.openIncidents > 0) await tx.certificationSession.update({ where: { id: session.id }, data: { status: 'IN_REVIEW' } });
  return result;
}

// ─────────────────────────────── Jury ───────────────────────────────

/** Finalised sessions not yet published, the ones needing decisions first. */
export async function juryQueue(client: Client) {
  const sessions = await client.certificationSession.findMany({
    where: { status: { in: ['FINALIZED', 'IN_REVIEW'] } },
    orderBy: [{ finalizedAt: 'asc' }],
    include: { centre: { select: { name: true } }, _count: { select: { courses: true } } },
  });
  const open = await client.certificationIssue.groupBy({
    by: ['courseId'],
    where: { ...openIssue, course: { sessionId: { in: sessions.map((s) => s.id) } } },
    _count: { _all: true },
  });
  const courses = await client.certificationCourse.findMany({ where: { id: { in: open.map((o) => o.courseId) } }, select: { id: true, sessionId: true } });
  const openBySession = new Map<string, number>();
  for (const o of open) {
    const sessionId = courses.find((c) => c.id === o.courseId)?.sessionId;
    if (sessionId) openBySession.set(sessionId, (openBySession.get(sessionId) ?? 0) + o._count._all);
  }
  return sessions
    .map((s) => ({
      id: s.id,
      centre: s.centre.name,
      date: s.date,
      time: s.time,
      room: s.room,
      finalizedAt: s.finalizedAt,
      comment: s.comment,
      candidates: s._count.courses,
      openIncidents: openBySession.get(s.id) ?? 0,
    }))
    .sort((a, b) => b.openIncidents - a.openIncidents || (a.finalizedAt?.getTime() ?? 0) - (b.finalizedAt?.getTime() ?? 0));
}

/** One session for the jury: each candidate's result and incidents. */
export async function jurySession(client: Client, sessionId: string) {
  const session = await client.certificationSession.findUnique({
    where: { id: sessionId },
    include: {
      centre: { select: { name: true } },
      courses: {
        include: {
          candidate: { select: { firstName: true, lastName: true } },
          issues: { orderBy: { createdAt: 'asc' } },
          certificate: true,
          assessment: { select: { _count: { select: { answers: true } } } },
        },
      },
    },
  });
  if (!session) throw new CertificateError('not_found');
  session.courses.sort(
    (a, b) => a.candidate.lastName.localeCompare(b.candidate.lastName, 'fr') || a.candidate.firstName.localeCompare(b.candidate.firstName, 'fr'),
  );
  const openIncidents = session.courses.reduce((n, c) => n + c.issues.filter((i) => i.needsAction && !i.resolvedAt).length, 0);
  return { session, openIncidents };
}

async function sessionInReview(tx: Tx, courseId: string) {
  const course = await tx.certificationCourse.findUnique({ where: { id: courseId }, select: { id: true, session: { select: { id: true, status: true } } } });
  if (!course) throw new CertificateError('not_found');
  if (course.session.status === 'PUBLISHED') throw new CertificateError('already_published');
  if (course.session.status === 'CREATED') throw new CertificateError('not_finalised');
  return course;
}

async function neutraliseAt(tx: Tx, courseId: string, position: number, reason: string, userId: string | null): Promise<void> {
  const asked = await tx.assessmentChallenge.findFirst({
    where: { position, assessment: { certificationCourseId: courseId } },
    select: { challengeId: true, assessmentId: true },
  });
  const answer = asked
    ? await tx.answer.findUnique({
        where: { assessmentId_challengeId: { assessmentId: asked.assessmentId, challengeId: asked.challengeId } },
        select: { id: true },
      })
    : null;
  if (!answer) throw new CertificateError('no_answer_at_position');
  await tx.neutralisation.upsert({
    where: { answerId: answer.id },
    create: { answerId: answer.id, reason: reason.slice(0, 500), decidedBy: userId },
    update: {},
  });
}

async function afterDecision(tx: Tx, sessionId: string): Promise<number> {
  const open = await tx.certificationIssue.count({ where: { ...openIssue, course: { sessionId } } });
  await tx.certificationSession.update({ where: { id: sessionId }, data: { status: open > 0 ? 'IN_REVIEW' : 'FINALIZED' } });
  return open;
}

export interface IssueDecisionInput {
  issueId: string;
  decision: IssueDecision;
  comment: string;
  userId: string | null;
  now: Date;
  /** For 'neutralise' on an incident that names no question: the 1-based question number. */
  questionNumber?: number | null;
}

/** The jury decides on an incident: validate (no effect), neutralise its question (re-score), or cancel the result. */
export async function decideIssue(client: Db, input: IssueDecisionInput): Promise<{ openIncidents: number }> {
  return client.$transaction(
    async (tx) => {
      const issue = await tx.certificationIssue.findUnique({ where: { id: input.issueId }, select: { id: true, courseId: true, questionPosition: true } });
      if (!issue) throw new CertificateError('not_found');
      const course = await sessionInReview(tx, issue.courseId);
      const comment = input.comment.trim().slice(0, 2000);
      if (input.decision === 'neutralise') {
        const position = issue.questionPosition ?? (input.questionNumber ? input.questionNumber - 1 : null);
        if (position === null || position < 0) throw new CertificateError('bad_question');
        await neutraliseAt(tx, course.id, position, comment || 'Neutralisée par le jury', input.userId);
        await rescoreCertificate(tx, course.id);
      } else if (input.decision === 'cancel') {
        await tx.certificate.update({ where: { courseId: course.id }, data: { status: 'cancelled', juryComment: comment || null } });
      }
      await tx.certificationIssue.update({
        where: { id: issue.id },
        data: { resolution: ISSUE_RESOLUTIONS[input.decision] + (comment ? ` : ${comment}` : ''), resolvedAt: input.now },
      });
      if (comment && input.decision !== 'cancel') await tx.certificate.update({ where: { courseId: course.id }, data: { juryComment: comment } });
      return { openIncidents: await afterDecision(tx, course.session.id) };
    },
    { timeout: 30_000 },
  );
}

export interface CandidateDecisionInput {
  courseId: string;
  decision: 'cancel' | 'neutralise' | 'restore';
  comment: string;
  questionNumber?: number | null;
  userId: string | null;
}

/** The jury acts on a candidate without an incident: cancel the result, neutralise a question, or restore a cancelled result. */
export async function decideCandidate(client: Db, input: CandidateDecisionInput): Promise<void> {
  await client.$transaction(
    async (tx) => {
      const course = await sessionInReview(tx, input.courseId);
      const comment = input.comment.trim().slice(0, 2000);
      const certificate = await tx.certificate.findUnique({ where: { courseId: course.id }, select: { id: true } });
      if (!certificate) throw new CertificateError('no_certificate');
      if (input.decision === 'cancel') {
        await tx.certificate.update({ where: { courseId: course.id }, data: { status: 'cancelled', juryComment: comment || null } });
      } else if (input.decision === 'neutralise') {
        const n = input.questionNumber ?? null;
        if (n === null || !Number.isInteger(n) || n < 1) throw new CertificateError('bad_question');
        await neutraliseAt(tx, course.id, n - 1, comment || 'Neutralisée par le jury', input.userId);
        await rescoreCertificate(tx, course.id);
        if (comment) await tx.certificate.update({ where: { courseId: course.id }, data: { juryComment: comment } });
      } else {
        const scoring = await scoreCourse(tx, course.id);
        await tx.certificate.update({
          where: { courseId: course.id },
          data: { ...scoreFields(scoring), status: scoring.score.status, juryComment: comment || null },
        });
      }
    },
    { timeout: 30_000 },
  );
}

/**
 * Publishes a finalised session: refused while an incident needs a decision. Certificates get their
 * publication and delivery date; validated ones then show on the learner's profile and on the public
 * verification page.
 */
export async function publishSession(client: Db, sessionId: string, now: Date): Promise<{ published: number }> {
  return client.$transaction(async (tx) => {
    const session = await tx.certificationSession.findUnique({ where: { id: sessionId }, select: { id: true, status: true } });
    if (!session) throw new CertificateError('not_found');
    if (session.status === 'PUBLISHED') throw new CertificateError('already_published');
    if (session.status === 'CREATED') throw new CertificateError('not_finalised');
    const open = await tx.certificationIssue.count({ where: { ...openIssue, course: { sessionId } } });
    if (open > 0) throw new CertificateError('open_incidents', open);
    const claimed = await tx.certificationSession.updateMany({
      where: { id: sessionId, status: { in: ['FINALIZED', 'IN_REVIEW'] } },
      data: { status: 'PUBLISHED', publishedAt: now },
    });
    if (claimed.count === 0) throw new CertificateError('already_published');
    await tx.certificate.updateMany({ where: { course: { sessionId } }, data: { publishedAt: now } });
    const delivered = await tx.certificate.updateMany({ where: { course: { sessionId }, status: 'validated' }, data: { deliveredAt: now } });
    return { published: delivered.count };
  });
}

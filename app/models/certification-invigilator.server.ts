/**
 * The invigilator's portal (issue 8, part 2). An invigilator has no account: they sign in to ONE session
 * with its access code and the invigilator password (throttled per (code, address) and per address, as
 * the account sign-in is: app/lib/throttle.server.ts), and get an access row whose random id the cookie
 * holds. Everything here takes the session id of that access, so an invigilator only ever sees and acts
 * on their session, and only while it is not finalised (the access is closed with the session).
 */
import crypto from 'node:crypto';
import { createCookie } from '@remix-run/node';
import type { PrismaClient } from '../../prisma/client';
import { normalizeCode } from '../../engine/framework';
import { secureCookies } from '../lib/env.server';
import {
  advanceAfterNeutralisation,
  closeExpiredCourses,
  courseProgress,
  courseSecondsLeft,
  endCourseByInvigilator,
  planNeutralisation,
  writeNeutralisation,
} from './certification-test.server';
import { attemptSucceeded, reserveAttempt, THROTTLE_LIMITS } from '../lib/throttle.server';
import { isoDay } from './certification-session.server';
import { CANDIDATE_ENTERED, INCIDENT_CATEGORIES, IN_CHALLENGE_SUBCATEGORIES, type IncidentCategory, type InChallengeSubcategory } from './certification-labels';

type Client = PrismaClient;

export const ACCESS_HOURS = 12;
export const MAX_INVIGILATOR_FAILURES_PER_CODE = THROTTLE_LIMITS.invigilator.perSubject!;

let cookie: ReturnType<typeof createCookie> | null = null;
/** Holds the access id (32 random bytes): nothing to sign, it is looked up in the database. */
export function invigilatorCookie() {
  cookie ??= createCookie('__surveillance', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/surveillance',
    secure: secureCookies(),
    maxAge: ACCESS_HOURS * 3600,
  });
  return cookie;
}

export type InvigilatorSignIn = { ok: true; accessId: string; sessionId: string } | { ok: false; reason: 'missing' | 'invalid' | 'rate_limited' | 'closed' };

export const INVIGILATOR_SIGN_IN_ERRORS: Record<Exclude<InvigilatorSignIn, { ok: true }>['reason'], string> = {
  missing: 'Saisissez le code de la session et le mot de passe surveillant.',
  invalid: 'Le code de session ou le mot de passe surveillant est incorrect.',
  rate_limited: 'Trop de tentatives pour cette session depuis cet appareil. Réessayez dans quelques minutes ou demandez au centre de lever le blocage.',
  closed: 'Cette session est finalisée : l’espace surveillant est fermé.',
};

function sameSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

export async function signInInvigilator(client: Client, input: { code: string; password: string; ip: string; now: Date }): Promise<InvigilatorSignIn> {
  const code = normalizeCode(input.code);
  const password = input.password.trim().toUpperCase();
  if (!code || !password) return { ok: false, reason: 'missing' };
  // Reserved before the password is compared (counted as a failure until it proves right).
  if (!(await reserveAttempt(client, 'invigilator', code, input.ip, input.now)).ok) return { ok: false, reason: 'rate_limited' };
  const session = await client.certificationSession.findUnique({ where: { accessCode: code }, select: { id: true, invigilatorPassword: true, status: true } });
  const valid = session !== null && sameSecret(session.invigilatorPassword.toUpperCase(), password);
  if (!session || !valid) return { ok: false, reason: 'invalid' };
  await attemptSucceeded(client, 'invigilator', code, input.ip);
  if (session.status !== 'CREATED') return { ok: false, reason: 'closed' };
  const accessId = crypto.randomBytes(32).toString('base64url');
  await client.invigilatorAccess.create({
    data: {
      id: accessId,
      sessionId: session.id,
      csrfToken: crypto.randomBytes(24).toString('base64url'),
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + ACCESS_HOURS * 3600_000),
    },
  });
  return { ok: true, accessId, sessionId: session.id };
}

export interface InvigilatorAccessRow {
  id: string;
  sessionId: string;
  csrfToken: string;
}

export async function accessFromRequest(client: Client, request: Request, now: Date): Promise<InvigilatorAccessRow | null> {
  const value = await invigilatorCookie().parse(request.headers.get('Cookie'));
  if (typeof value !== 'string' || !value) return null;
  const access = await client.invigilatorAccess.findUnique({
    where: { id: value },
    select: { id: true, sessionId: true, csrfToken: true, expiresAt: true, session: { select: { status: true } } },
  });
  // A finalised session closes the portal: its accesses no longer open anything.
  if (!access || access.expiresAt < now || access.session.status !== 'CREATED') return null;
  return { id: access.id, sessionId: access.sessionId, csrfToken: access.csrfToken };
}

export async function signOutInvigilator(client: Client, accessId: string): Promise<void> {
  await client.invigilatorAccess.deleteMany({ where: { id: accessId } });
}

// =============================================================================================
// The portal

export type CandidateStatus = 'not_arrived' | 'waiting' | 'present' | 'authorised' | 'in_test' | 'needs_attention' | 'finished' | 'ended_by_invigilator';

export { INCIDENT_CATEGORIES, IN_CHALLENGE_SUBCATEGORIES };
export type { IncidentCategory, InChallengeSubcategory };

export async function portalView(client: Client, sessionId: string, now: Date) {
  await closeExpiredCourses(client, sessionId, now);
  const session = await client.certificationSession.findUniqueOrThrow({
    where: { id: sessionId },
    select: {
      id: true,
      accessCode: true,
      date: true,
      time: true,
      room: true,
      address: true,
      examiner: true,
      durationMinutes: true,
      parameterSetId: true,
      centre: { select: { name: true } },
    },
  });
  const candidates = await client.certificationCandidate.findMany({
    where: { sessionId },
    orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
    select: {
      id: true,
      firstName: true,
      lastName: true,
      birthDate: true,
      extraTimePercentage: true,
      userId: true,
      presentAt: true,
      authorizedAt: true,
      course: {
        select: {
          id: true,
          status: true,
          startedAt: true,
          endedAt: true,
          attentionAt: true,
          attentionReason: true,
          issues: {
            orderBy: { createdAt: 'asc' },
            select: { id: true, category: true, subcategory: true, description: true, questionPosition: true, neutralise: true, createdAt: true },
          },
        },
      },
    },
  });
  const progress = await courseProgress(
    client,
    candidates.flatMap((c) => (c.course ? [c.course.id] : [])),
  );
  // Candidates who entered the session with the code (they wait for the invigilator): not "not arrived".
  const entered = new Set(
    (
      await client.auditLog.findMany({
        where: { action: CANDIDATE_ENTERED, targetType: 'certification-candidate', targetId: { in: candidates.map((c) => c.id) } },
        select: { targetId: true },
        distinct: ['targetId'],
      })
    ).map((e) => e.targetId),
  );
  return {
    session: { ...session, date: isoDay(session.date), centre: session.centre.name, ready: session.parameterSetId !== null },
    candidates: candidates.map((c) => {
      const course = c.course;
      const secondsLeft = course && course.status === 'STARTED' ? courseSecondsLeft(c, session, course.startedAt, now) : null;
      let status: CandidateStatus;
      if (course) {
        if (course.status === 'ENDED_BY_INVIGILATOR') status = 'ended_by_invigilator';
        else if (course.status !== 'STARTED') status = 'finished';
        else status = course.attentionAt || secondsLeft === 0 ? 'needs_attention' : 'in_test';
      } else status = c.authorizedAt ? 'authorised' : c.presentAt ? 'present' : entered.has(c.id) ? 'waiting' : 'not_arrived';
      const p = course ? progress.get(course.id) : undefined;
      return {
        id: c.id,
        firstName: c.firstName,
        lastName: c.lastName,
        birthDate: isoDay(c.birthDate),
        extraTimePercentage: c.extraTimePercentage,
        accountLinked: c.userId !== null,
        status,
        attentionReason: course?.attentionAt ? (course.attentionReason ?? '') : null,
        asked: p?.asked ?? 0,
        answered: p?.answered ?? 0,
        neutralised: p?.neutralised ?? 0,
        secondsLeft,
        issues: (course?.issues ?? []).map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
      };
    }),
  };
}

/** What the invigilator portal refuses; the page says it in its language (app/i18n/certif.ts, `invigilator.<code>`). */
export type InvigilatorProblem =
  | 'candidateNotFound'
  | 'presenceAfterStart'
  | 'alreadyStarted'
  | 'noTestUnderWay'
  | 'incidentNeedsTest'
  | 'chooseCategory'
  | 'descriptionTooLong'
  | 'chooseSubcategory'
  | 'questionNumber'
  | 'questionNotAsked'
  | 'describe'
  | 'sessionClosed';

export class InvigilatorError extends Error {
  constructor(
    readonly code: InvigilatorProblem,
    readonly params: Record<string, string> = {},
  ) {
    super(`invigilator: ${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''}`);
  }
}

type Tx = Parameters<Parameters<Client['$transaction']>[0]>[0];

/** Every invigilator action: refused once the session is finalised (read under a share lock inside a transaction). */
async function assertSessionOpen(client: Client | Tx, sessionId: string): Promise<void> {
  const rows = await client.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "CertificationSession" WHERE id = ${sessionId} FOR SHARE`;
  if (rows[0]?.status !== 'CREATED') throw new InvigilatorError('sessionClosed');
}

async function candidateOfSession(client: Client, sessionId: string, candidateId: string) {
  await assertSessionOpen(client, sessionId);
  const candidate = await client.certificationCandidate.findFirst({
    where: { id: candidateId, sessionId },
    select: { id: true, presentAt: true, authorizedAt: true, userId: true, course: { select: { id: true, status: true } } },
  });
  if (!candidate) throw new InvigilatorError('candidateNotFound');
  return candidate;
}

/** Presence and identity checked (the invigilator saw the candidate's ID). Undone while the test has not started. */
export async function setPresence(client: Client, sessionId: string, candidateId: string, present: boolean, now: Date): Promise<void> {
  const candidate = await candidateOfSession(client, sessionId, candidateId);
  if (!present && candidate.course) throw new InvigilatorError('presenceAfterStart');
  await client.certificationCandidate.update({
    where: { id: candidate.id },
    data: present ? { presentAt: candidate.presentAt ?? now } : { presentAt: null, authorizedAt: null },
  });
}

/** Lets the candidate start (presence is confirmed at the same time), or withdraws it before they started. */
export async function setAuthorised(client: Client, sessionId: string, candidateId: string, authorised: boolean, now: Date): Promise<void> {
  const candidate = await candidateOfSession(client, sessionId, candidateId);
  if (!authorised && candidate.course) throw new InvigilatorError('alreadyStarted');
  await client.certificationCandidate.update({
    where: { id: candidate.id },
    data: authorised ? { presentAt: candidate.presentAt ?? now, authorizedAt: candidate.authorizedAt ?? now } : { authorizedAt: null },
  });
}

export async function endTest(client: Client, sessionId: string, candidateId: string, now: Date): Promise<void> {
  const candidate = await candidateOfSession(client, sessionId, candidateId);
  if (!candidate.course || candidate.course.status !== 'STARTED') throw new InvigilatorError('noTestUnderWay');
  await endCourseByInvigilator(client, candidate.id, now);
}

export async function clearAttention(client: Client, sessionId: string, candidateId: string): Promise<void> {
  const candidate = await candidateOfSession(client, sessionId, candidateId);
  if (candidate.course) await client.certificationCourse.update({ where: { id: candidate.course.id }, data: { attentionAt: null, attentionReason: null } });
}

export interface IncidentInput {
  candidateId: string;
  category: string;
  subcategory: string;
  description: string;
  /** Question number as shown (1-based), for an in-question incident. */
  questionNumber: string;
  neutralise: boolean;
}

/**
 * Records an incident on a candidate's test. An in-question incident names the question (its number)
 * and may neutralise it (see neutraliseQuestion): the answer no longer counts, and a question still in
 * course is skipped for the candidate.
 */
export async function recordIncident(client: Client, sessionId: string, input: IncidentInput, now: Date): Promise<{ neutralised: boolean }> {
  const candidate = await candidateOfSession(client, sessionId, input.candidateId);
  if (!candidate.course) throw new InvigilatorError('incidentNeedsTest');
  if (!(input.category in INCIDENT_CATEGORIES)) throw new InvigilatorError('chooseCategory');
  const category = input.category as IncidentCategory;
  const description = input.description.trim();
  if (description.length > 2000) throw new InvigilatorError('descriptionTooLong');
  let subcategory: InChallengeSubcategory | null = null;
  let position: number | null = null;
  let challengeId: string | null = null;
  if (category === 'IN_CHALLENGE') {
    if (!(input.subcategory in IN_CHALLENGE_SUBCATEGORIES)) throw new InvigilatorError('chooseSubcategory');
    subcategory = input.subcategory as InChallengeSubcategory;
    const n = Number(input.questionNumber);
    if (!Number.isInteger(n) || n < 1) throw new InvigilatorError('questionNumber');
    position = n - 1;
    const progress = (await courseProgress(client, [candidate.course.id])).get(candidate.course.id);
    if (!progress || position >= progress.asked) throw new InvigilatorError('questionNotAsked', { n: String(n), asked: String(progress?.asked ?? 0) });
  } else if (!description) {
    throw new InvigilatorError('describe');
  }
  const neutralise = category === 'IN_CHALLENGE' && input.neutralise;
  const plan = neutralise && position !== null ? await planNeutralisation(client, { candidateId: candidate.id, position }) : null;
  if (!neutralise && position !== null) {
    const asked = await client.assessmentChallenge.findFirst({
      where: { assessment: { certificationCourseId: candidate.course.id }, position },
      select: { challengeId: true },
    });
    challengeId = asked?.challengeId ?? null;
  }
  const courseId = candidate.course.id;
  // The skipped answer, its neutralisation and the incident: one transaction, and none once the session is finalised.
  challengeId = await client.$transaction(async (tx) => {
    await assertSessionOpen(tx, sessionId);
    const neutralised = plan
      ? await writeNeutralisation(tx, plan, {
          reason: `Incident signalé par le surveillant : ${IN_CHALLENGE_SUBCATEGORIES[subcategory!]}`,
          decidedBy: 'surveillant',
          now,
        })
      : challengeId;
    await tx.certificationIssue.create({
      data: {
        courseId,
        category,
        subcategory,
        description: description || (subcategory ? IN_CHALLENGE_SUBCATEGORIES[subcategory] : ''),
        challengeId: neutralised,
        questionPosition: position,
        neutralise,
        // A neutralised question is settled; anything else goes to the jury.
        needsAction: !neutralise,
        createdAt: now,
      },
    });
    return neutralised;
  });
  if (plan && challengeId) await advanceAfterNeutralisation(client, plan, now);
  return { neutralised: neutralise && challengeId !== null };
}

/** The form's token must be the access's (as assertCsrf does for accounts). */
export function assertInvigilatorCsrf(access: InvigilatorAccessRow, form: FormData): void {
  const token = Buffer.from(String(form.get('csrf') ?? ''));
  const expected = Buffer.from(access.csrfToken);
  if (token.length !== expected.length || !crypto.timingSafeEqual(token, expected)) {
    throw new Response('Jeton de sécurité invalide : rechargez la page et recommencez.', { status: 403 });
  }
}

/**
 * Certification sessions on the centre's side (issue 8, part 1): a centre's staff create and edit
 * sessions, each with a unique session access code and an invigilator password, and the parameter set
 * in force frozen on it; they enrol candidates one by one or from a CSV file, each checked certifiable
 * before the day when an account has the candidate's email.
 *
 * Every function that reads or changes a session takes the viewer's centre ids and refuses a session
 * of another centre as if it did not exist (404), so that a route cannot forget the scope.
 * Functions take the Prisma client (and the time where it matters) so that tests pass their own.
 */
import crypto from 'node:crypto';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { certifiability, generateSessionAccessCode, profile, type KnowledgeElement, type Skill } from '../../engine/framework';
import { maxReachableLevel } from '../lib/settings.server';
import { clearSubject, currentLocks, type ThrottleLock } from '../lib/throttle.server';
import { recordAudit } from './audit.server';
import { countingKnowledge } from './knowledge.server';

type Client = PrismaClient;

import { CANDIDATE_CSV_HEADERS, DEFAULT_SESSION_MINUTES } from './certification-labels';

export { DEFAULT_SESSION_MINUTES };
/** Invigilator password: 8 characters of an alphabet without look-alikes (read aloud, typed on the day). */
export const INVIGILATOR_PASSWORD_ALPHABET = '2346789BCDFGHJKMPQRTVWXY';
export const INVIGILATOR_PASSWORD_LENGTH = 8;
export const MAX_CANDIDATES_PER_SESSION = 250;

/** Refusals people are told about (routes show the French message). */
export class CertificationSessionError extends Error {
  constructor(
    readonly code: 'not_found' | 'finalised' | 'too_many',
    readonly status = code === 'not_found' ? 404 : 409,
  ) {
    super(code);
  }
}

export const SESSION_ERROR_MESSAGES: Record<CertificationSessionError['code'], string> = {
  not_found: 'Session introuvable dans vos centres de certification.',
  finalised: 'Cette session est finalisée : elle ne peut plus être modifiée.',
  too_many: `Une session accueille au plus ${MAX_CANDIDATES_PER_SESSION} candidats.`,
};

// =============================================================================================
// Scope

export interface CentreScope {
  /** The viewer's centres (Viewer.centres ids). */
  centreIds: readonly string[];
}

/** The session if it belongs to one of the viewer's centres; otherwise not found (same answer as a wrong id). */
export async function sessionInScope(client: Client, scope: CentreScope, sessionId: string) {
  const session = await client.certificationSession.findFirst({
    where: { id: sessionId, centreId: { in: [...scope.centreIds] } },
    include: { centre: { select: { id: true, name: true } }, parameterSet: { select: { id: true, version: true } } },
  });
  if (!session) throw new CertificationSessionError('not_found');
  return session;
}

export async function listSessions(client: Client, scope: CentreScope) {
  const centres = await client.certificationCentre.findMany({
    where: { id: { in: [...scope.centreIds] } },
    orderBy: { name: 'asc' },
    include: {
      sessions: {
        orderBy: [{ date: 'desc' }, { time: 'desc' }],
        take: 100,
        include: { _count: { select: { candidates: true } }, parameterSet: { select: { version: true } } },
      },
    },
  });
  return centres.map((c) => ({
    id: c.id,
    name: c.name,
    sessions: c.sessions.map((s) => ({
      id: s.id,
      date: isoDay(s.date),
      time: s.time,
      address: s.address,
      room: s.room,
      examiner: s.examiner,
      status: s.status,
      accessCode: s.accessCode,
      candidates: s._count.candidates,
      parameterSetVersion: s.parameterSet?.version ?? null,
    })),
  }));
}

// =============================================================================================
// Sessions

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * What can be wrong in a session form, as codes: the page says them in its language (certif messages
 * `form.error.<code>`).
 */
export type SessionFormError =
  | 'dateFormat'
  | 'dateInvalid'
  | 'datePast'
  | 'timeFormat'
  | 'addressMissing'
  | 'addressTooLong'
  | 'roomMissing'
  | 'roomTooLong'
  | 'examinerMissing'
  | 'examinerTooLong'
  | 'descriptionTooLong'
  | 'durationNotNumber'
  | 'durationNotInteger'
  | 'durationTooShort'
  | 'durationTooLong';

const code = (c: SessionFormError) => c;

export const sessionInputSchema = z.object({
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, code('dateFormat'))
    .refine((d) => parseIsoDay(d) !== null, code('dateInvalid')),
  time: z.string().trim().regex(TIME, code('timeFormat')),
  address: z.string().trim().min(1, code('addressMissing')).max(300, code('addressTooLong')),
  room: z.string().trim().min(1, code('roomMissing')).max(100, code('roomTooLong')),
  examiner: z.string().trim().min(1, code('examinerMissing')).max(300, code('examinerTooLong')),
  description: z.string().trim().max(2000, code('descriptionTooLong')).default(''),
  durationMinutes: z.coerce
    .number({ invalid_type_error: code('durationNotNumber') })
    .int(code('durationNotInteger'))
    .min(30, code('durationTooShort'))
    .max(240, code('durationTooLong'))
    .default(DEFAULT_SESSION_MINUTES),
});
export type SessionInput = z.infer<typeof sessionInputSchema>;

/** Today in Paris, as an ISO day (yyyy-mm-dd): the day a centre means by "today". */
export function parisToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Field errors of a session form (codes, by field), or the parsed input. With `notBefore` (an ISO day, for
 * a new session: today in Paris), an earlier date is refused.
 */
export function readSessionForm(
  form: FormData,
  options: { notBefore?: string } = {},
): { ok: true; input: SessionInput } | { ok: false; errors: Record<string, SessionFormError> } {
  const raw = Object.fromEntries(['date', 'time', 'address', 'room', 'examiner', 'description', 'durationMinutes'].map((k) => [k, form.get(k) ?? undefined]));
  if (raw.durationMinutes === '') raw.durationMinutes = undefined;
  const parsed = sessionInputSchema.safeParse(raw);
  if (parsed.success) {
    // ISO days compare as strings.
    if (options.notBefore && parsed.data.date < options.notBefore) return { ok: false, errors: { date: 'datePast' } };
    return { ok: true, input: parsed.data };
  }
  const errors: Record<string, SessionFormError> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    // A field absent from the form (zod's own "Required") says the field is missing, as a code too.
    errors[key] ??= (issue.code === 'invalid_type' ? MISSING[key] : undefined) ?? (issue.message as SessionFormError);
  }
  return { ok: false, errors };
}

const MISSING: Record<string, SessionFormError> = {
  date: 'dateFormat',
  time: 'timeFormat',
  address: 'addressMissing',
  room: 'roomMissing',
  examiner: 'examinerMissing',
};

function cryptoRng(): number {
  return crypto.randomInt(0, 2 ** 32) / 2 ** 32;
}

export function generateInvigilatorPassword(): string {
  let out = '';
  for (let i = 0; i < INVIGILATOR_PASSWORD_LENGTH; i++) out += INVIGILATOR_PASSWORD_ALPHABET[crypto.randomInt(0, INVIGILATOR_PASSWORD_ALPHABET.length)];
  return out;
}

async function activeParameterSetId(client: Pick<Client, 'parameterSet'>): Promise<string | null> {
  const set = await client.parameterSet.findFirst({ where: { active: true }, orderBy: { version: 'desc' }, select: { id: true } });
  return set?.id ?? null;
}

/**
 * Creates a session in one of the viewer's centres: a fresh access code (retried on the rare collision,
 * the column is unique), a random invigilator password, and the active parameter set frozen on it
 * (none approved yet: the session is created but cannot run; the page says so).
 */
export async function createSession(
  client: Client,
  scope: CentreScope,
  input: { centreId: string; userId: string; session: SessionInput; rng?: () => number },
) {
  if (!scope.centreIds.includes(input.centreId)) throw new CertificationSessionError('not_found');
  const parameterSetId = await activeParameterSetId(client);
  const rng = input.rng ?? cryptoRng;
  for (let attempt = 0; attempt < 20; attempt++) {
    const accessCode = generateSessionAccessCode(rng);
    const created = await client.certificationSession.createMany({
      data: [
        {
          centreId: input.centreId,
          createdById: input.userId,
          date: parseIsoDay(input.session.date)!,
          time: input.session.time,
          address: input.session.address,
          room: input.session.room,
          examiner: input.session.examiner,
          description: input.session.description,
          durationMinutes: input.session.durationMinutes,
          accessCode,
          invigilatorPassword: generateInvigilatorPassword(),
          parameterSetId,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 1) {
      return client.certificationSession.findUniqueOrThrow({ where: { accessCode } });
    }
  }
  throw new Error('Impossible de trouver un code de session libre.');
}

/**
 * Edits a session not yet finalised. While no candidate has started, the frozen parameter set follows
 * the one in force (a session created before the first approval can then run).
 */
export async function updateSession(client: Client, scope: CentreScope, sessionId: string, input: SessionInput) {
  const session = await sessionInScope(client, scope, sessionId);
  if (session.status !== 'CREATED') throw new CertificationSessionError('finalised');
  const started = await client.certificationCourse.count({ where: { sessionId } });
  const parameterSetId = started === 0 ? ((await activeParameterSetId(client)) ?? session.parameterSetId) : session.parameterSetId;
  return client.certificationSession.update({
    where: { id: sessionId },
    data: {
      date: parseIsoDay(input.date)!,
      time: input.time,
      address: input.address,
      room: input.room,
      examiner: input.examiner,
      description: input.description,
      durationMinutes: input.durationMinutes,
      parameterSetId,
    },
  });
}

/**
 * A new invigilator password (e.g. after it leaked); invigilators signed in with the old one are signed
 * out, and the session's invigilator sign-in locks are lifted (the old password's failures no longer say
 * anything).
 */
export async function renewInvigilatorPassword(client: Client, scope: CentreScope, sessionId: string): Promise<string> {
  const session = await sessionInScope(client, scope, sessionId);
  const password = generateInvigilatorPassword();
  await client.$transaction([
    client.certificationSession.update({ where: { id: sessionId }, data: { invigilatorPassword: password } }),
    client.invigilatorAccess.deleteMany({ where: { sessionId } }),
    client.throttleBucket.deleteMany({ where: { scope: 'invigilator', subject: session.accessCode } }),
  ]);
  return password;
}

/** The invigilator sign-in locks of a session now in force: from which address, after how many failures, until when. */
export async function invigilatorLocks(client: Client, scope: CentreScope, sessionId: string, now: Date): Promise<ThrottleLock[]> {
  const session = await sessionInScope(client, scope, sessionId);
  return currentLocks(client, 'invigilator', session.accessCode, now);
}

/** Centre staff lift the invigilator sign-in lock of one address (audited `throttle.lift`). Returns whether one was lifted. */
export async function liftInvigilatorLock(
  client: Client,
  scope: CentreScope,
  input: { sessionId: string; address: string; actorId: string; ip: string },
): Promise<boolean> {
  const session = await sessionInScope(client, scope, input.sessionId);
  return client.$transaction(async (tx) => {
    const removed = await clearSubject(tx, 'invigilator', session.accessCode, input.address);
    if (removed > 0)
      await recordAudit(tx, {
        actorId: input.actorId,
        action: 'throttle.lift',
        targetType: 'certificationSession',
        targetId: session.id,
        details: { scope: 'invigilator', address: input.address },
        ip: input.ip,
      });
    return removed > 0;
  });
}

// =============================================================================================
// Certifiability

export interface UserCertifiability {
  certifiable: boolean;
  competencesWithLevel: number;
  /** Level and pix per competence code (what the certification test is built on). */
  levels: { competenceCode: string; level: number; pix: number }[];
}

/** Whether a learner is certifiable now (level ≥ 1 in ≥ 5 competences, engine/framework), from their knowledge elements. */
export async function userCertifiability(client: Client, userId: string): Promise<UserCertifiability> {
  const [competences, skills, knowledge] = await Promise.all([
    client.competence.findMany({ orderBy: { code: 'asc' }, select: { code: true } }),
    client.skill.findMany({ select: { id: true, tubeId: true, level: true, status: true, tube: { select: { competence: { select: { code: true } } } } } }),
    countingKnowledge(client, userId),
  ]);
  const engineSkills: Skill[] = skills.map((s) => ({ id: s.id, tubeId: s.tubeId, competenceCode: s.tube.competence.code, level: s.level, status: s.status }));
  const kes: KnowledgeElement[] = knowledge.kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i }));
  const codes = competences.map((c) => c.code);
  const result = profile(kes, engineSkills, maxReachableLevel(), codes);
  const levels = result.competences.map((c) => ({ competenceCode: c.competenceCode, level: c.level, pix: c.pix }));
  const check = certifiability(levels, codes);
  return { certifiable: check.certifiable, competencesWithLevel: check.competencesWithLevel.length, levels };
}

// =============================================================================================
// Candidates

export interface CandidateInput {
  lastName: string;
  firstName: string;
  /** yyyy-mm-dd */
  birthDate: string;
  birthPlace: string;
  email: string | null;
  externalId: string | null;
  extraTimePercentage: number;
}

export type CandidateProblem =
  | 'missing_last_name'
  | 'missing_first_name'
  | 'missing_birth_date'
  | 'bad_birth_date'
  | 'future_birth_date'
  | 'missing_birth_place'
  | 'bad_email'
  | 'bad_extra_time'
  | 'duplicate_in_session'
  | 'duplicate_in_file'
  | 'duplicate_email'
  | 'not_certifiable'
  | 'too_long';

/** A problem with the candidates file itself; the page says it in its language (app/i18n/certif.ts, `csvFile.<code>`). */
export interface CandidateFileProblem {
  code: 'unreadable' | 'empty' | 'missingColumns' | 'tooMany';
  params: Record<string, string>;
}

export interface CandidateCheck {
  input: CandidateInput;
  problems: CandidateProblem[];
  /** Account found by email (null: none, or no email). */
  userId: string | null;
  /** null: no account to check before the day (checked when the candidate enters the session). */
  certifiable: boolean | null;
  competencesWithLevel: number | null;
}

/** Lower case, no accents, single spaces: two spellings of one name compare equal. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’'`-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function candidateKey(c: { lastName: string; firstName: string; birthDate: string }): string {
  return `${normaliseName(c.lastName)}|${normaliseName(c.firstName)}|${c.birthDate}`;
}

function parseIsoDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]) ? date : null;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A birth date as people write it (jj/mm/aaaa, j/m/aaaa, aaaa-mm-jj) → yyyy-mm-dd, or null. */
export function parseBirthDate(value: string): string | null {
  const v = value.trim();
  let iso: string | null = null;
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (fr) iso = `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(v)) iso = v;
  return iso && parseIsoDay(iso) ? iso : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks one candidate's fields on their own (no database). */
export function checkCandidateFields(raw: Record<string, string | undefined>, now: Date): { input: CandidateInput; problems: CandidateProblem[] } {
  const get = (k: string) => (raw[k] ?? '').trim();
  const problems: CandidateProblem[] = [];
  const lastName = get('lastName');
  const firstName = get('firstName');
  const birthPlace = get('birthPlace');
  const email = get('email').toLowerCase();
  const externalId = get('externalId');
  const extra = get('extraTimePercentage').replace(/\s*%$/, '');
  if (!lastName) problems.push('missing_last_name');
  if (!firstName) problems.push('missing_first_name');
  let birthDate = '';
  if (!get('birthDate')) problems.push('missing_birth_date');
  else {
    const parsed = parseBirthDate(get('birthDate'));
    if (!parsed) problems.push('bad_birth_date');
    else {
      birthDate = parsed;
      const tenYearsAgo = new Date(Date.UTC(now.getUTCFullYear() - 10, now.getUTCMonth(), now.getUTCDate()));
      if (parseIsoDay(parsed)! > tenYearsAgo) problems.push('future_birth_date');
    }
  }
  if (!birthPlace) problems.push('missing_birth_place');
  if (email && !EMAIL.test(email)) problems.push('bad_email');
  let extraTimePercentage = 0;
  if (extra) {
    const n = Number(extra.replace(',', '.'));
    if (!Number.isInteger(n) || n < 0 || n > 100) problems.push('bad_extra_time');
    else extraTimePercentage = n;
  }
  if ([lastName, firstName, birthPlace, email, externalId].some((f) => f.length > 200)) problems.push('too_long');
  return {
    input: { lastName, firstName, birthDate, birthPlace, email: email || null, externalId: externalId || null, extraTimePercentage },
    problems,
  };
}

/**
 * Checks candidates against the session and the accounts: duplicates (in the session, in the list
 * itself, same email), the account found by email, and its certifiability. A candidate whose account is
 * not certifiable is refused; one without an account is accepted and checked on the day.
 */
async function checkAgainstSession(
  client: Client,
  sessionId: string,
  rows: { input: CandidateInput; problems: CandidateProblem[] }[],
): Promise<CandidateCheck[]> {
  const existing = await client.certificationCandidate.findMany({
    where: { sessionId },
    select: { lastName: true, firstName: true, birthDate: true, email: true },
  });
  const keys = new Set(existing.map((e) => candidateKey({ ...e, birthDate: isoDay(e.birthDate) })));
  const emails = new Set(existing.map((e) => e.email?.toLowerCase()).filter((e): e is string => Boolean(e)));
  const emailsToFind = [...new Set(rows.map((r) => r.input.email).filter((e): e is string => Boolean(e)))];
  const users = emailsToFind.length
    ? await client.user.findMany({ where: { email: { in: emailsToFind }, disabledAt: null }, select: { id: true, email: true } })
    : [];
  const userByEmail = new Map(users.map((u) => [u.email, u.id]));
  const certifiabilityCache = new Map<string, UserCertifiability>();
  const seenKeys = new Set<string>();
  const seenEmails = new Set<string>();
  const out: CandidateCheck[] = [];
  for (const row of rows) {
    const problems = [...row.problems];
    const named = row.input.lastName && row.input.firstName && row.input.birthDate;
    if (named) {
      const key = candidateKey(row.input);
      if (keys.has(key)) problems.push('duplicate_in_session');
      else if (seenKeys.has(key)) problems.push('duplicate_in_file');
      seenKeys.add(key);
    }
    if (row.input.email && !problems.includes('bad_email')) {
      if (emails.has(row.input.email) || seenEmails.has(row.input.email)) {
        if (!problems.includes('duplicate_in_session') && !problems.includes('duplicate_in_file')) problems.push('duplicate_email');
      }
      seenEmails.add(row.input.email);
    }
    const userId = row.input.email ? (userByEmail.get(row.input.email) ?? null) : null;
    let certifiable: boolean | null = null;
    let competencesWithLevel: number | null = null;
    if (userId) {
      let check = certifiabilityCache.get(userId);
      if (!check) {
        check = await userCertifiability(client, userId);
        certifiabilityCache.set(userId, check);
      }
      certifiable = check.certifiable;
      competencesWithLevel = check.competencesWithLevel;
      if (!certifiable) problems.push('not_certifiable');
    }
    out.push({ input: row.input, problems, userId, certifiable, competencesWithLevel });
  }
  return out;
}

async function insertCandidates(client: Client, sessionId: string, checks: CandidateCheck[], now: Date): Promise<number> {
  const ok = checks.filter((c) => c.problems.length === 0);
  if (ok.length === 0) return 0;
  await client.certificationCandidate.createMany({
    data: ok.map((c) => ({
      sessionId,
      userId: c.userId,
      lastName: c.input.lastName,
      firstName: c.input.firstName,
      birthDate: parseIsoDay(c.input.birthDate)!,
      birthPlace: c.input.birthPlace,
      email: c.input.email,
      externalId: c.input.externalId,
      extraTimePercentage: c.input.extraTimePercentage,
      certifiable: c.certifiable,
      competencesWithLevel: c.competencesWithLevel,
      certifiabilityCheckedAt: c.userId ? now : null,
    })),
  });
  return ok.length;
}

/** Enrolment runs one at a time per session, so that two imports cannot both add the same candidate. */
async function withSessionLock<T>(client: Client, sessionId: string, work: (tx: Client) => Promise<T>): Promise<T> {
  return client.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`certification-enrol:${sessionId}`}))`;
      return work(tx as unknown as Client);
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

async function editableSession(client: Client, scope: CentreScope, sessionId: string) {
  const session = await sessionInScope(client, scope, sessionId);
  if (session.status !== 'CREATED') throw new CertificationSessionError('finalised');
  return session;
}

/** Enrols one candidate (form fields as CandidateInput keys). Returns the problems when refused. */
export async function enrolCandidate(
  client: Client,
  scope: CentreScope,
  sessionId: string,
  raw: Record<string, string | undefined>,
  now: Date,
): Promise<{ ok: true; check: CandidateCheck } | { ok: false; check: CandidateCheck }> {
  await editableSession(client, scope, sessionId);
  return withSessionLock(client, sessionId, async (tx) => {
    const [check] = await checkAgainstSession(tx, sessionId, [checkCandidateFields(raw, now)]);
    if (!check) throw new Error('no check');
    if (check.problems.length > 0) return { ok: false as const, check };
    if ((await tx.certificationCandidate.count({ where: { sessionId } })) >= MAX_CANDIDATES_PER_SESSION) throw new CertificationSessionError('too_many');
    await insertCandidates(tx, sessionId, [check], now);
    return { ok: true as const, check };
  });
}

export async function removeCandidate(client: Client, scope: CentreScope, sessionId: string, candidateId: string): Promise<boolean> {
  await editableSession(client, scope, sessionId);
  // A candidate who started the test stays (their answers are the record).
  const removed = await client.certificationCandidate.deleteMany({ where: { id: candidateId, sessionId, course: null } });
  return removed.count === 1;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Column headers of the candidate list (French, as the template gives them) and the fields they fill. */
export const CANDIDATE_CSV_COLUMNS: { field: keyof CandidateInput; header: string; aliases: string[]; required: boolean }[] = [
  { field: 'lastName', header: CANDIDATE_CSV_HEADERS[0], aliases: ['nom', 'nom de naissance', 'last name', 'lastname'], required: true },
  { field: 'firstName', header: CANDIDATE_CSV_HEADERS[1], aliases: ['prenom', 'first name', 'firstname'], required: true },
  {
    field: 'birthDate',
    header: CANDIDATE_CSV_HEADERS[2],
    aliases: ['date de naissance', 'date de naissance (jj/mm/aaaa)', 'birth date', 'birthdate'],
    required: true,
  },
  {
    field: 'birthPlace',
    header: CANDIDATE_CSV_HEADERS[3],
    aliases: ['lieu de naissance', 'commune de naissance', 'birth place', 'birthplace'],
    required: true,
  },
  { field: 'email', header: CANDIDATE_CSV_HEADERS[4], aliases: ['e-mail', 'email', 'adresse e-mail', 'courriel'], required: false },
  { field: 'externalId', header: CANDIDATE_CSV_HEADERS[5], aliases: ['identifiant externe', 'external id', 'externalid'], required: false },
  {
    field: 'extraTimePercentage',
    header: CANDIDATE_CSV_HEADERS[6],
    aliases: ['temps majore (%)', 'temps majore', 'tiers temps', 'extra time', 'extra time (%)'],
    required: false,
  },
];

export const CANDIDATE_CSV_TEMPLATE = `\uFEFF${CANDIDATE_CSV_COLUMNS.map((c) => c.header).join(';')}\r\nDupont;Inès;04/07/2008;Lyon;ines.dupont@exemple.fr;EXT-001;0\r\n`;

export interface CsvReportRow {
  /** Line of the file (1 = header). */
  line: number;
  label: string;
  input: CandidateInput;
  problems: CandidateProblem[];
  certifiable: boolean | null;
  competencesWithLevel: number | null;
  accountFound: boolean;
}

export interface CsvReport {
  fileError: CandidateFileProblem | null;
  rows: CsvReportRow[];
  accepted: number;
  rejected: number;
}

function normaliseHeader(h: string): string {
  return normaliseName(h.replace(/^\uFEFF/, ''));
}

/** Reads the file: the header line names the columns (any order); `;` or `,` separated. */
export function readCandidateCsv(
  text: string,
  now: Date,
): { fileError: CandidateFileProblem | null; rows: { line: number; input: CandidateInput; problems: CandidateProblem[] }[] } {
  let records: string[][];
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/,/g)?.length ?? 0) > (firstLine.match(/;/g)?.length ?? 0) ? ',' : ';';
  try {
    records = parseCsvSync(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { fileError: { code: 'unreadable', params: { line: line ? String(line) : '?' } }, rows: [] };
  }
  const header = records[0];
  if (!header) return { fileError: { code: 'empty', params: {} }, rows: [] };
  const columns = new Map<keyof CandidateInput, number>();
  header.forEach((h, i) => {
    const n = normaliseHeader(h);
    const column = CANDIDATE_CSV_COLUMNS.find((c) => c.aliases.includes(n) || normaliseHeader(c.header) === n);
    if (column && !columns.has(column.field)) columns.set(column.field, i);
  });
  const missing = CANDIDATE_CSV_COLUMNS.filter((c) => c.required && !columns.has(c.field)).map((c) => c.header);
  if (missing.length) return { fileError: { code: 'missingColumns', params: { columns: missing.join(', ') } }, rows: [] };
  if (records.length - 1 > MAX_CANDIDATES_PER_SESSION) return { fileError: { code: 'tooMany', params: { max: String(MAX_CANDIDATES_PER_SESSION) } }, rows: [] };
  const rows = records.slice(1).map((record, i) => {
    const raw: Record<string, string> = {};
    for (const [field, index] of columns) raw[field] = record[index] ?? '';
    return { line: i + 2, ...checkCandidateFields(raw, now) };
  });
  return { fileError: null, rows };
}

async function csvReport(client: Client, sessionId: string, text: string, now: Date): Promise<{ report: CsvReport; checks: CandidateCheck[] }> {
  const read = readCandidateCsv(text, now);
  if (read.fileError) return { report: { fileError: read.fileError, rows: [], accepted: 0, rejected: 0 }, checks: [] };
  const checks = await checkAgainstSession(client, sessionId, read.rows);
  const rows: CsvReportRow[] = checks.map((c, i) => ({
    line: read.rows[i]!.line,
    label: `${c.input.lastName || '?'} ${c.input.firstName || '?'}`.trim(),
    input: c.input,
    problems: c.problems,
    certifiable: c.certifiable,
    competencesWithLevel: c.competencesWithLevel,
    accountFound: c.userId !== null,
  }));
  const accepted = rows.filter((r) => r.problems.length === 0).length;
  return { report: { fileError: null, rows, accepted, rejected: rows.length - accepted }, checks };
}

/** What an import would do, row by row, without writing anything. */
export async function previewCandidateCsv(client: Client, scope: CentreScope, sessionId: string, text: string, now: Date): Promise<CsvReport> {
  await editableSession(client, scope, sessionId);
  return (await csvReport(client, sessionId, text, now)).report;
}

/** Imports the rows without problems (checked again at the time of the import) and reports every row. */
export async function importCandidateCsv(
  client: Client,
  scope: CentreScope,
  sessionId: string,
  text: string,
  now: Date,
): Promise<CsvReport & { imported: number }> {
  await editableSession(client, scope, sessionId);
  return withSessionLock(client, sessionId, async (tx) => {
    const { report, checks } = await csvReport(tx, sessionId, text, now);
    const count = await tx.certificationCandidate.count({ where: { sessionId } });
    if (count + report.accepted > MAX_CANDIDATES_PER_SESSION) throw new CertificationSessionError('too_many');
    const imported = await insertCandidates(tx, sessionId, checks, now);
    return { ...report, imported };
  });
}

/** Checks again the certifiability of the session's candidates (accounts found by email, or already linked). */
export async function recheckCertifiability(client: Client, scope: CentreScope, sessionId: string, now: Date): Promise<number> {
  await sessionInScope(client, scope, sessionId);
  const candidates = await client.certificationCandidate.findMany({ where: { sessionId, course: null }, select: { id: true, userId: true, email: true } });
  let checked = 0;
  for (const c of candidates) {
    const userId = c.userId ?? (c.email ? ((await client.user.findUnique({ where: { email: c.email }, select: { id: true } }))?.id ?? null) : null);
    if (!userId) continue;
    const check = await userCertifiability(client, userId);
    await client.certificationCandidate.update({
      where: { id: c.id },
      data: { userId: c.userId ?? userId, certifiable: check.certifiable, competencesWithLevel: check.competencesWithLevel, certifiabilityCheckedAt: now },
    });
    checked++;
  }
  return checked;
}

// =============================================================================================
// The session page

export async function sessionDetail(client: Client, scope: CentreScope, sessionId: string) {
  const session = await sessionInScope(client, scope, sessionId);
  const candidates = await client.certificationCandidate.findMany({
    where: { sessionId },
    orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
    include: { course: { select: { status: true, startedAt: true, endedAt: true } } },
  });
  return {
    session: {
      id: session.id,
      centre: session.centre,
      date: isoDay(session.date),
      time: session.time,
      address: session.address,
      room: session.room,
      examiner: session.examiner,
      description: session.description,
      durationMinutes: session.durationMinutes,
      status: session.status,
      accessCode: session.accessCode,
      invigilatorPassword: session.invigilatorPassword,
      parameterSetVersion: session.parameterSet?.version ?? null,
    },
    candidates: candidates.map((c) => ({
      id: c.id,
      lastName: c.lastName,
      firstName: c.firstName,
      birthDate: isoDay(c.birthDate),
      birthPlace: c.birthPlace,
      email: c.email,
      externalId: c.externalId,
      extraTimePercentage: c.extraTimePercentage,
      certifiable: c.certifiable,
      competencesWithLevel: c.competencesWithLevel,
      linked: c.userId !== null,
      courseStatus: c.course?.status ?? null,
    })),
  };
}

// =============================================================================================
// For routes

export function scopeOf(viewer: { centres: readonly { id: string }[] }): CentreScope {
  return { centreIds: viewer.centres.map((c) => c.id) };
}

/** A refusal as the HTTP response the route throws (anything else is rethrown). */
export function throwAsResponse(error: unknown): never {
  if (error instanceof CertificationSessionError) throw new Response(SESSION_ERROR_MESSAGES[error.code], { status: error.status });
  throw error;
}

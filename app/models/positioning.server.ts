/**
 * A learner's positioning on one competence (issue 6, docs/domain/measurement.md "Positioning"): start or resume an
 * assessment on the latest release with the active parameter set, serve the current challenge (the
 * redacted view only), take answers (checked on the version frozen in the release, stored once, refused
 * for a challenge that was not asked), write knowledge elements, and close the test.
 *
 * The answers are the truth: the engine's state is re-derived from them (engine/positioning `replay`)
 * with the learner's earlier knowledge elements on the competence. The assessment stores only what is
 * not derivable: the session seed, the challenges left out (seen in earlier tests), the content locale,
 * the max reachable level and the reset point in force when it started.
 *
 * Every function takes the Prisma client and the current time (`now`), so that tests can pass their
 * own database and move the clock.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import {
  checkAnswer,
  redactForLearner,
  responseToOriginal,
  ResponseShapeError,
  type ChallengeBody,
  type LearnerChallengeView,
  type LearnerResponse,
  type PublicAnswer,
} from '../../engine/challenges';
import {
  availableAt,
  competenceScore,
  improvementAllowed,
  latestKnowledgeElements,
  resetAllowed,
  IMPROVEMENT_DELAY_DAYS,
  RESET_DELAY_DAYS,
  type CompetenceScore,
  type KnowledgeElement,
} from '../../engine/framework';
import {
  applyAnswer,
  chooseNext,
  finishPositioning,
  replay,
  resolveSettings,
  stepRandom,
  type AnswerResult,
  type PositioningAnswer,
  type PositioningContext,
  type PositioningState,
} from '../../engine/positioning';
import { maxReachableLevel } from '../lib/settings.server';
import { bankWithout, competenceByCode, loadBank, type CompetenceRow, type LoadedBank } from './positioning-bank.server';

type Client = PrismaClient;
type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Seconds allowed after a timer runs out (network, a slow click) before an answer counts as timed out. */
export const TIMER_GRACE_SECONDS = 5;

export type PositioningErrorCode =
  | 'unknown_competence'
  | 'no_release'
  | 'no_content'
  | 'nothing_to_improve'
  | 'not_found'
  | 'not_asked'
  | 'aborted'
  | 'bad_response'
  | 'too_early_improve'
  | 'too_early_reset'
  | 'nothing_to_reset';

const STATUS: Record<PositioningErrorCode, number> = {
  unknown_competence: 404,
  no_release: 409,
  no_content: 409,
  nothing_to_improve: 409,
  not_found: 404,
  not_asked: 403,
  aborted: 409,
  bad_response: 400,
  too_early_improve: 409,
  too_early_reset: 409,
  nothing_to_reset: 409,
};

/** A refusal the learner is told about (routes turn the code into a French message). */
export class PositioningError extends Error {
  readonly status: number;
  constructor(
    readonly code: PositioningErrorCode,
    /** For the delays: when the action becomes possible. */
    readonly availableAt: Date | null = null,
  ) {
    super(code);
    this.name = 'PositioningError';
    this.status = STATUS[code];
  }
}

// =============================================================================================
// What an assessment stores

const engineStateSchema = z.object({
  seed: z.string(),
  /** Challenges answered in this learner's earlier tests on the competence: never asked again. */
  excluded: z.array(z.string()).default([]),
  /** The reset in force when the test started (ISO date): knowledge elements before it do not count. */
  since: z.string().nullable().default(null),
  locale: z.string().default('fr'),
  maxReachableLevel: z.number().int().min(1).max(8).optional(),
  /**
   * Whether the learner had knowledge elements on the competence when the test started (elements are
   * append-only and those before the start are fixed, so without any there is nothing to read back).
   */
  prior: z.boolean().default(true),
});
type EngineState = z.infer<typeof engineStateSchema>;

const presentationSchema = z.object({
  /** Seed of the shuffle of proposals (redactForLearner) and the permutation it gave. */
  shuffleSeed: z.string(),
  permutation: z.array(z.number().int()).nullable(),
  /** Share of the test done when the challenge was asked, 0..1 (for the progress bar). */
  progress: z.number().min(0).max(1).default(0),
});
export type Presentation = z.infer<typeof presentationSchema>;

function parseEngineState(json: unknown): EngineState {
  return engineStateSchema.parse(json ?? {});
}

export function parsePresentation(json: unknown, assessmentId: string, challengeId: string): Presentation {
  const parsed = presentationSchema.safeParse(json);
  return parsed.success ? parsed.data : { shuffleSeed: `${assessmentId}:${challengeId}`, permutation: null, progress: 0 };
}

// =============================================================================================
// Opening an assessment: its bank and the engine's context

interface AssessmentRow {
  id: string;
  userId: string;
  competenceId: string | null;
  releaseId: string | null;
  parameterSetId: string | null;
  engineState: unknown;
  createdAt: Date;
}

interface OpenAssessment {
  row: AssessmentRow;
  engine: EngineState;
  competence: CompetenceRow;
  loaded: LoadedBank;
  settings: { maxReachableLevel: number; locale: string };
  context: (client: Pick<Client, 'knowledgeElement'>) => Promise<PositioningContext>;
}

async function requireCompetence(client: Client, code: string): Promise<CompetenceRow> {
  const competence = await competenceByCode(client, code);
  if (!competence) throw new PositioningError('unknown_competence');
  return competence;
}

async function openAssessment(client: Client, row: AssessmentRow, competence: CompetenceRow): Promise<OpenAssessment> {
  if (!row.releaseId) throw new PositioningError('no_release');
  const engine = parseEngineState(row.engineState);
  const loaded = await loadBank(client, competence, row.releaseId, row.parameterSetId);
  const bank = bankWithout(loaded, row.id, engine.excluded);
  const settings = { maxReachableLevel: engine.maxReachableLevel ?? maxReachableLevel(), locale: engine.locale };
  return {
    row,
    engine,
    competence,
    loaded,
    settings,
    context: async (kes) => ({
      bank,
      settings,
      knowledgeElements: engine.prior ? await priorKnowledge(kes, row.userId, competence.id, engine.since ? new Date(engine.since) : null, row.createdAt) : [],
    }),
  };
}

/**
 * The learner's knowledge on the competence before this test (since the reset point): the latest
 * element per skill, validated ones only. Skills known to be mastered are not asked again; the
 * invalidated ones may be, which is what improving a competence is for.
 */
async function priorKnowledge(
  client: Pick<Client, 'knowledgeElement'>,
  userId: string,
  competenceId: string,
  since: Date | null,
  before: Date,
): Promise<KnowledgeElement[]> {
  const rows = await client.knowledgeElement.findMany({
    where: { userId, competenceId, createdAt: since ? { gt: since, lt: before } : { lt: before } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { skillId: true, status: true, source: true },
  });
  const latest = latestKnowledgeElements(rows.map((r, i) => ({ ...r, createdAt: i })));
  return [...latest.values()].filter((ke) => ke.status === 'validated').map((ke) => ({ ...ke, createdAt: 0 }));
}

export const toEngineResult = (result: string): AnswerResult => (result === 'ok' || result === 'ko' || result === 'timedout' ? result : 'skipped');

/** The session's answers in the order the challenges were asked. */
export function orderedAnswers(asked: readonly { challengeId: string }[], answers: readonly { challengeId: string; result: string }[]): PositioningAnswer[] {
  const byChallenge = new Map(answers.map((a) => [a.challengeId, a]));
  const out: PositioningAnswer[] = [];
  for (const a of asked) {
    const answer = byChallenge.get(a.challengeId);
    if (answer) out.push({ challengeId: a.challengeId, result: toEngineResult(answer.result) });
  }
  return out;
}

/** Share of the test done: the larger of the skills known over the reachable ones and the answers over the maximum length. */
function progressOf(context: PositioningContext, state: PositioningState): number {
  const settings = resolveSettings(context.settings);
  const reachable = context.bank.skills.filter((s) => s.status === 'actif' && s.level <= settings.maxReachableLevel);
  const known = new Set([...(context.knowledgeElements ?? []), ...state.knowledgeElements, ...state.estimatedKnowledgeElements].map((k) => k.skillId));
  const bySkills = reachable.length === 0 ? 1 : reachable.filter((s) => known.has(s.id)).length / reachable.length;
  return Math.min(1, Math.max(bySkills, state.answers.length / settings.maxLength));
}

// =============================================================================================
// Steps

export interface ChallengeStep {
  kind: 'challenge';
  assessmentId: string;
  competence: CompetenceRow;
  challengeId: string;
  /** 0-based; the question number shown is position + 1. */
  position: number;
  /** The learner-safe view: no right answer, no accepted answer, no explanation. */
  view: LearnerChallengeView;
  askedAt: Date;
  timer: number | null;
  /** Seconds left on the timer now (may be negative once it ran out), or null when untimed. */
  secondsLeft: number | null;
  progress: number;
}

export type Step = ChallengeStep | { kind: 'completed'; assessmentId: string; competence: CompetenceRow } | { kind: 'none'; competence: CompetenceRow };

function challengeStep(open: OpenAssessment, asked: { challengeId: string; position: number; presentation: unknown; askedAt: Date }, now: Date): ChallengeStep {
  const version = open.loaded.versions.get(asked.challengeId);
  if (!version) throw new Error(`Épreuve ${asked.challengeId} absente de la version publiée ${open.loaded.releaseId}`);
  const presentation = parsePresentation(asked.presentation, open.row.id, asked.challengeId);
  const { view } = redactForLearner(version.body, presentation.shuffleSeed);
  const timer = version.body.timer ?? null;
  return {
    kind: 'challenge',
    assessmentId: open.row.id,
    competence: open.competence,
    challengeId: asked.challengeId,
    position: asked.position,
    view,
    askedAt: asked.askedAt,
    timer,
    secondsLeft: timer === null ? null : Math.ceil(timer - (now.getTime() - asked.askedAt.getTime()) / 1000),
    progress: presentation.progress,
  };
}

/**
 * After `state` (answers.length answers, `askedCount` challenges asked): the next challenge, asked now
 * and stored at the next position, or the end of the test. Idempotent: the engine's choice at a given
 * point is fixed by the session seed, and the position is unique, so two requests at the same point
 * ask the same challenge once.
 */
async function nextStep(client: Client, open: OpenAssessment, context: PositioningContext, state: PositioningState, askedCount: number, now: Date): Promise<Step> {
  const next = chooseNext(context, state, stepRandom(open.engine.seed, state.answers.length));
  if (next.done) {
    await finish(client, open, context, state, now);
    return { kind: 'completed', assessmentId: open.row.id, competence: open.competence };
  }
  const row = await askChallenge(client, open, next.challengeId, askedCount, progressOf(context, state), now);
  return challengeStep(open, row, now);
}

async function askChallenge(
  client: Pick<Client, 'assessmentChallenge'>,
  open: Pick<OpenAssessment, 'row' | 'loaded'>,
  challengeId: string,
  position: number,
  progress: number,
  now: Date,
) {
  const version = open.loaded.versions.get(challengeId);
  if (!version) throw new Error(`Épreuve ${challengeId} absente de la version publiée`);
  const shuffleSeed = `${open.row.id}:${challengeId}`;
  const presentation: Presentation = { shuffleSeed, permutation: redactForLearner(version.body, shuffleSeed).permutation, progress };
  await client.assessmentChallenge.createMany({
    data: [{ assessmentId: open.row.id, challengeId, position, presentation, askedAt: now }],
    skipDuplicates: true,
  });
  const row = await client.assessmentChallenge.findUnique({
    where: { assessmentId_position: { assessmentId: open.row.id, position } },
    select: { challengeId: true, position: true, presentation: true, askedAt: true },
  });
  if (!row) throw new Error('Question introuvable après sa création');
  return row;
}

/** Closes the test once: the engine's closing knowledge elements (estimated from θ), then COMPLETED. */
async function finish(client: Client, open: OpenAssessment, context: PositioningContext, state: PositioningState, now: Date): Promise<void> {
  const result = finishPositioning(context, state);
  const closing = result.knowledgeElements.slice(state.knowledgeElements.length);
  // Stamped after the last answer's elements, so that they are the latest and count.
  const stamp = new Date(now.getTime() + 1);
  await client.$transaction(async (tx) => {
    const done = await tx.assessment.updateMany({ where: { id: open.row.id, state: 'STARTED' }, data: { state: 'COMPLETED', completedAt: now } });
    if (done.count !== 1 || closing.length === 0) return;
    await tx.knowledgeElement.createMany({ data: closing.map((ke) => knowledgeRow(open, ke, stamp)) });
  });
}

function knowledgeRow(open: OpenAssessment, ke: KnowledgeElement, createdAt: Date) {
  const skill = open.loaded.skills.get(ke.skillId);
  return {
    userId: open.row.userId,
    skillId: ke.skillId,
    competenceId: open.competence.id,
    assessmentId: open.row.id,
    status: ke.status,
    source: ke.source,
    earnedPix: ke.status === 'validated' ? (skill?.pixValue ?? 0) : 0,
    createdAt,
  };
}

/** An asked challenge as json_build_object gives it (timestamps without zone are UTC). */
export interface AskedJson {
  challengeId: string;
  position: number;
  presentation: unknown;
  askedAt: string;
}

function utc(timestamp: string): Date {
  return new Date(/Z$|[+-]\d\d:?\d\d$/.test(timestamp) ? timestamp : `${timestamp}Z`);
}

export function askedFromJson(a: AskedJson) {
  return { challengeId: a.challengeId, position: a.position, presentation: a.presentation, askedAt: utc(a.askedAt) };
}

/** A test with what was asked (in order) and answered: what answering or showing the next step needs. */
export interface TestWithAnswers {
  id: string;
  userId: string;
  competenceId: string | null;
  participationId: string | null;
  releaseId: string | null;
  parameterSetId: string | null;
  engineState: unknown;
  createdAt: Date;
  state: string;
  asked: AskedJson[];
  answers: { challengeId: string; result: string }[];
}

/**
 * The tests that `filter` selects (a condition on the assessment `a`, with any ORDER BY or LIMIT after
 * it), each with its asked challenges and answers, in one query. Shared by positioning and campaign tests.
 */
export function readTestsWithAnswers(client: Client, filter: Prisma.Sql): Promise<TestWithAnswers[]> {
  return client.$queryRaw<TestWithAnswers[]>`
    SELECT a.id, a."userId", a."competenceId", a."participationId", a."releaseId", a."parameterSetId", a."engineState", a."createdAt", a.state::text AS state,
      COALESCE((SELECT json_agg(json_build_object('challengeId', c."challengeId", 'position', c.position, 'presentation', c.presentation, 'askedAt', c."askedAt") ORDER BY c.position)
         FROM "AssessmentChallenge" c WHERE c."assessmentId" = a.id), '[]'::json) AS asked,
      COALESCE((SELECT json_agg(json_build_object('challengeId', x."challengeId", 'result', x.result))
         FROM "Answer" x WHERE x."assessmentId" = a.id), '[]'::json) AS answers
    FROM "Assessment" a
    WHERE ${filter}`;
}


/**
 * Where the learner stands on a competence: the current challenge of the started test (asking the next
 * one if the last was answered), or 'none' when no test is under way.
 */
export async function currentStep(client: Client, input: { userId: string; competenceCode: string; now: Date }): Promise<Step> {
  const competence = await requireCompetence(client, input.competenceCode);
  // One query on the hot path: the test under way, its last asked challenge and how many answers it has.
  const rows = await client.$queryRaw<(AssessmentRow & { last: AskedJson | null; answered: number })[]>`
    SELECT a.id, a."userId", a."competenceId", a."releaseId", a."parameterSetId", a."engineState", a."createdAt",
      (SELECT json_build_object('challengeId', c."challengeId", 'position', c.position, 'presentation', c.presentation, 'askedAt', c."askedAt")
         FROM "AssessmentChallenge" c WHERE c."assessmentId" = a.id ORDER BY c.position DESC LIMIT 1) AS last,
      (SELECT count(*)::int FROM "Answer" x WHERE x."assessmentId" = a.id) AS answered
    FROM "Assessment" a
    WHERE a."userId" = ${input.userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING' AND a.state = 'STARTED'
    ORDER BY a."createdAt" DESC LIMIT 1`;
  const row = rows[0];
  if (!row) return { kind: 'none', competence };
  const open = await openAssessment(client, row, competence);
  const last = row.last ? askedFromJson(row.last) : null;
  if (last && row.answered <= last.position) return challengeStep(open, last, input.now);
  return advance(client, open, input.now);
}

/** Re-derives the state from the answers and moves on (the last asked challenge was answered). */
async function advance(client: Client, open: OpenAssessment, now: Date): Promise<Step> {
  const [context, asked, answers] = await Promise.all([
    open.context(client),
    client.assessmentChallenge.findMany({ where: { assessmentId: open.row.id }, orderBy: { position: 'asc' }, select: { challengeId: true } }),
    client.answer.findMany({ where: { assessmentId: open.row.id }, select: { challengeId: true, result: true } }),
  ]);
  const state = replay({ ...context, answers: orderedAnswers(asked, answers) });
  return nextStep(client, open, context, state, asked.length, now);
}

// =============================================================================================
// Starting

export interface StartResult {
  assessmentId: string;
  resumed: boolean;
}

/**
 * Starts a positioning test on the competence, or resumes the one under way. A new test after a
 * completed one (improving) waits 4 days from its completion. The test is served from the latest
 * release with the active parameter set (none: every challenge is pretested as uncalibrated).
 */
export async function startPositioning(
  client: Client,
  input: { userId: string; competenceCode: string; locale?: string; now: Date },
): Promise<StartResult> {
  const competence = await requireCompetence(client, input.competenceCode);
  const { userId, now } = input;
  // Everything the start depends on, in one query: the content to serve, a test under way, the last
  // reset, the last completed test since, whether the learner knew anything, what they already answered.
  const [facts] = await client.$queryRaw<
    {
      releaseId: string | null;
      parameterSetId: string | null;
      startedId: string | null;
      resetAt: Date | null;
      completedAt: Date | null;
      prior: boolean;
      excluded: string[];
    }[]
  >`
    WITH r AS (SELECT max("createdAt") AS at FROM "CompetenceReset" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id})
    SELECT
      (SELECT id FROM "Release" ORDER BY number DESC LIMIT 1) AS "releaseId",
      (SELECT id FROM "ParameterSet" WHERE active ORDER BY version DESC LIMIT 1) AS "parameterSetId",
      (SELECT id FROM "Assessment" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id} AND type = 'POSITIONING' AND state = 'STARTED'
        ORDER BY "createdAt" DESC LIMIT 1) AS "startedId",
      r.at AS "resetAt",
      (SELECT max(a."completedAt") FROM "Assessment" a WHERE a."userId" = ${userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'
        AND a.state = 'COMPLETED' AND (r.at IS NULL OR a."createdAt" > r.at)) AS "completedAt",
      EXISTS (SELECT 1 FROM "KnowledgeElement" k WHERE k."userId" = ${userId} AND k."competenceId" = ${competence.id}
        AND (r.at IS NULL OR k."createdAt" > r.at) AND k."createdAt" < ${now.toISOString()}::timestamp) AS prior,
      COALESCE((SELECT array_agg(DISTINCT x."challengeId" ORDER BY x."challengeId") FROM "Answer" x JOIN "Assessment" a ON a.id = x."assessmentId"
        WHERE a."userId" = ${userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'), '{}') AS excluded
    FROM r`;
  if (!facts) throw new Error('start: no row');
  if (facts.startedId) return { assessmentId: facts.startedId, resumed: true };
  if (!facts.releaseId) throw new PositioningError('no_release');
  const reset = facts.resetAt;
  const completedAt = facts.completedAt;
  if (completedAt && !improvementAllowed(completedAt, now)) {
    throw new PositioningError('too_early_improve', availableAt(completedAt, IMPROVEMENT_DELAY_DAYS));
  }
  const engineState: EngineState = {
    prior: facts.prior,
    seed: crypto.randomBytes(16).toString('hex'),
    excluded: facts.excluded,
    since: reset ? reset.toISOString() : null,
    locale: input.locale ?? 'fr',
    maxReachableLevel: maxReachableLevel(),
  };
  const row: AssessmentRow = {
    id: crypto.randomUUID(),
    userId,
    competenceId: competence.id,
    releaseId: facts.releaseId,
    parameterSetId: facts.parameterSetId,
    engineState,
    createdAt: now,
  };
  // The first question is chosen before writing (the content is immutable and loaded once per process).
  const open = await openAssessment(client, row, competence);
  const context = await open.context(client);
  const state = replay({ ...context, answers: [] });
  const first = chooseNext(context, state, stepRandom(engineState.seed, 0));
  if (first.done) throw new PositioningError(first.reason === 'all_known' && (context.knowledgeElements ?? []).length > 0 ? 'nothing_to_improve' : 'no_content');
  const version = open.loaded.versions.get(first.challengeId)!;
  const shuffleSeed = `${row.id}:${first.challengeId}`;
  const presentation: Presentation = { shuffleSeed, permutation: redactForLearner(version.body, shuffleSeed).permutation, progress: progressOf(context, state) };
  const stamp = now.toISOString();
  // One test at a time per learner and competence (a double click, two tabs): the unique index
  // "Assessment_one_started_positioning" refuses a second STARTED test, and the insert then does nothing.
  const [result] = await client.$queryRaw<{ existing: string | null; created: string | null }[]>`
    WITH s AS (
      SELECT id FROM "Assessment" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id} AND type = 'POSITIONING' AND state = 'STARTED'
      ORDER BY "createdAt" DESC LIMIT 1
    ), ins AS (
      INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "parameterSetId", "engineState", "createdAt", "updatedAt")
      SELECT ${row.id}, ${userId}, 'POSITIONING', 'STARTED', ${competence.id}, ${row.releaseId}, ${row.parameterSetId}, ${JSON.stringify(engineState)}::jsonb,
             ${stamp}::timestamp, ${stamp}::timestamp
      WHERE NOT EXISTS (SELECT 1 FROM s)
      ON CONFLICT ("userId", "competenceId") WHERE type = 'POSITIONING' AND state = 'STARTED' DO NOTHING
      RETURNING id
    ), ask AS (
      INSERT INTO "AssessmentChallenge" ("assessmentId", "challengeId", position, presentation, "askedAt")
      SELECT ins.id, ${first.challengeId}, 0, ${JSON.stringify(presentation)}::jsonb, ${stamp}::timestamp FROM ins
      RETURNING 1
    )
    SELECT (SELECT id FROM s) AS existing, (SELECT id FROM ins) AS created`;
  let started: StartResult;
  if (result?.created) started = { assessmentId: result.created, resumed: false };
  else if (result?.existing) started = { assessmentId: result.existing, resumed: true };
  else {
    // Another request opened the test between this statement's snapshot and its insert: resume that one.
    const other = await client.assessment.findFirst({
      where: { userId, competenceId: competence.id, type: 'POSITIONING', state: 'STARTED' },
      orderBy: { createdAt: 'desc' },
      select: { id: true },
    });
    if (!other) throw new Error('start: the test that won the race is gone');
    started = { assessmentId: other.id, resumed: true };
  }
  // The first answer can then be taken without reading the test back (see submitAnswer).
  if (!started.resumed) {
    keepSnapshot(row.id, { open, context, asked: [{ challengeId: first.challengeId, position: 0, presentation, askedAt: now }], answers: [], state });
  }
  return started;
}

async function lastReset(client: Pick<Client, 'competenceReset'>, userId: string, competenceId: string): Promise<Date | null> {
  const row = await client.competenceReset.findFirst({ where: { userId, competenceId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  return row?.createdAt ?? null;
}

// =============================================================================================
// Answering

export interface AnswerInput {
  userId: string;
  competenceCode: string;
  assessmentId: string;
  challengeId: string;
  /**
   * The learner's response with choice indices as displayed (shuffled), or a function that reads it
   * from the challenge's public view (e.g. responseFromForm on the posted form).
   */
  response: LearnerResponse | ((answer: PublicAnswer) => LearnerResponse);
  now: Date;
}

export interface AnswerOutcome {
  /** What comes next: a challenge (in `step`, or read with currentStep for a duplicate) or the end of the test. */
  next: 'challenge' | 'completed';
  /** True when this answer had already been stored (double submit, retry): it counted once. */
  duplicate: boolean;
  /** The stored result (never shown to the learner before the end of the test). */
  result: AnswerResult | null;
  /** The next challenge, asked by this answer (null when the test ended, or for a duplicate: read it with currentStep). */
  step: ChallengeStep | null;
}

/**
 * Takes the learner's answer to an asked challenge: checked on the version frozen in the release, timed
 * out when it comes after the timer and a grace, stored once (a second submission of the same challenge
 * is a no-op that leads to the same next step), with the direct and inferred knowledge elements it
 * creates; then the next challenge is asked, or the test closes. An answer to a challenge that was not
 * asked in this test is refused.
 */
export async function submitAnswer(client: Client, input: AnswerInput): Promise<AnswerOutcome> {
  const competence = await requireCompetence(client, input.competenceCode);
  const cached = takeSnapshot(input, competence);
  if (cached) {
    // Fast path: what this process wrote last for this test, checked by the write itself (same numbers
    // of asked challenges and answers, test still under way). Anything else: the full path below.
    const outcome = await answerFrom(client, input, cached, true);
    if (outcome) return outcome;
  }
  // One query: the test (the learner's own, on this competence), what was asked and what was answered.
  const rows = await readTestsWithAnswers(
    client,
    Prisma.sql`a.id = ${input.assessmentId} AND a."userId" = ${input.userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'`,
  );
  const row = rows[0];
  if (!row) throw new PositioningError('not_found');
  const askedRows = row.asked.map(askedFromJson);
  const asked = askedRows.find((a) => a.challengeId === input.challengeId);
  if (!asked) throw new PositioningError('not_asked');
  const previous = row.answers.find((a) => a.challengeId === input.challengeId);
  if (previous) return { next: row.state === 'COMPLETED' ? 'completed' : 'challenge', duplicate: true, result: toEngineResult(previous.result), step: null };
  if (row.state === 'ABORTED') throw new PositioningError('aborted');
  if (row.state !== 'STARTED') throw new PositioningError('not_found');

  const open = await openAssessment(client, row, competence);
  if (!open.loaded.versions.has(input.challengeId)) throw new PositioningError('not_asked');
  const context = await open.context(client);
  const answers = orderedAnswers(askedRows, row.answers);
  const state = replay({ ...context, answers });
  return (await answerFrom(client, input, { open, context, asked: askedRows, answers, state }, false)) as AnswerOutcome;
}

/**
 * What the answer path needs of a test under way: the opened assessment and engine context, the asked
 * challenges, the answers in order and the engine state they give. Read from the database (full path)
 * or kept from this process's last write for the test (a snapshot).
 */
interface TestSnapshot {
  open: OpenAssessment;
  context: PositioningContext;
  asked: { challengeId: string; position: number; presentation: unknown; askedAt: Date }[];
  answers: PositioningAnswer[];
  state: PositioningState;
}

const MAX_SNAPSHOTS = 4000;
const snapshots = new Map<string, TestSnapshot>();

/**
 * The snapshot of a test if it can serve this answer: the learner's own test on this competence, the
 * answer is to its last asked challenge, and that one is still unanswered here. Taken out of the cache
 * (put back after a successful write), so two requests never share one.
 */
function takeSnapshot(input: AnswerInput, competence: CompetenceRow): TestSnapshot | null {
  const snap = snapshots.get(input.assessmentId);
  if (!snap) return null;
  snapshots.delete(input.assessmentId);
  const last = snap.asked[snap.asked.length - 1];
  const fits =
    snap.open.row.userId === input.userId &&
    snap.open.competence.id === competence.id &&
    last?.challengeId === input.challengeId &&
    snap.answers.length === snap.asked.length - 1;
  return fits ? snap : null;
}

function keepSnapshot(assessmentId: string, snap: TestSnapshot): void {
  snapshots.set(assessmentId, snap);
  if (snapshots.size > MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value as string);
}

/** For tests: forget every snapshot (as another process would know nothing). */
export function clearAnswerSnapshots(): void {
  snapshots.clear();
}

/**
 * Checks, scores and stores the answer to the asked challenge `input.challengeId` of the test in
 * `snap`, with the next challenge or the closing. `guarded`: the snapshot is not read from the database
 * in this request, so the write happens only if the test still has exactly the snapshot's asked
 * challenges and answers and is under way; null when it does not (the caller reads the test again).
 */
async function answerFrom(client: Client, input: AnswerInput, snap: TestSnapshot, guarded: boolean): Promise<AnswerOutcome | null> {
  const { open, context, state } = snap;
  const row = open.row;
  const asked = snap.asked.find((a) => a.challengeId === input.challengeId);
  const version = open.loaded.versions.get(input.challengeId);
  if (!asked || !version) throw new PositioningError('not_asked');
  const presentation = parsePresentation(asked.presentation, row.id, input.challengeId);
  const { view, permutation } = redactForLearner(version.body, presentation.shuffleSeed);
  const displayed = typeof input.response === 'function' ? input.response(view.answer) : input.response;
  const response = responseToOriginal(displayed, presentation.permutation ?? permutation);
  const result = verdictOf(version.body, response, asked.askedAt, input.now);
  const elapsed = Math.max(0, Math.round((input.now.getTime() - asked.askedAt.getTime()) / 1000));

  const after = applyAnswer(context, state, { challengeId: input.challengeId, result });
  const created = after.knowledgeElements.slice(state.knowledgeElements.length);
  // What comes next is decided now, so that the answer, its knowledge elements and the next question
  // (or the closing of the test) are written in one statement, once.
  const next = chooseNext(context, after, stepRandom(open.engine.seed, after.answers.length));
  let ask: { challengeId: string; position: number; presentation: Presentation } | null = null;
  let closing: KnowledgeElement[] = [];
  if (next.done) {
    closing = finishPositioning(context, after).knowledgeElements.slice(after.knowledgeElements.length);
  } else {
    const nextVersion = open.loaded.versions.get(next.challengeId);
    if (!nextVersion) throw new Error(`Épreuve ${next.challengeId} absente de la version publiée`);
    const shuffleSeed = `${row.id}:${next.challengeId}`;
    ask = {
      challengeId: next.challengeId,
      position: snap.asked.length,
      presentation: { shuffleSeed, permutation: redactForLearner(nextVersion.body, shuffleSeed).permutation, progress: progressOf(context, after) },
    };
  }
  const written = await writeAnswer(client, open, {
    challengeId: input.challengeId,
    versionId: version.versionId,
    value: response,
    result,
    elapsed,
    created,
    ask,
    finish: next.done,
    closing,
    now: input.now,
    expect: guarded ? { asked: snap.asked.length, answers: snap.answers.length } : null,
  });
  if (!written.inserted) {
    if (guarded) return null;
    // Not inserted: the same challenge was answered at the same moment by another request; that one counts.
    return { next: 'challenge', duplicate: true, result: null, step: null };
  }
  if (ask && written.asked) {
    keepSnapshot(row.id, {
      open,
      context,
      asked: [...snap.asked, { challengeId: ask.challengeId, position: ask.position, presentation: ask.presentation, askedAt: input.now }],
      answers: after.answers,
      state: after,
    });
  }
  const step = ask ? challengeStep(open, { ...ask, askedAt: input.now }, input.now) : null;
  return { next: next.done ? 'completed' : 'challenge', duplicate: false, result, step };
}

interface AnswerWrite {
  challengeId: string;
  versionId: string;
  value: LearnerResponse;
  result: AnswerResult;
  elapsed: number;
  created: KnowledgeElement[];
  ask: { challengeId: string; position: number; presentation: Presentation } | null;
  finish: boolean;
  closing: KnowledgeElement[];
  now: Date;
  /** Write only if the test is under way with exactly these numbers of asked challenges and answers. */
  expect: { asked: number; answers: number } | null;
}

/** Knowledge elements as the answer statement writes them: one array per column. */
export interface KnowledgeRows {
  skills: string[];
  competences: string[];
  statuses: string[];
  sources: string[];
  pix: number[];
}

/** Knowledge elements to rows, with each skill's competence and pix value. */
export function knowledgeRows(kes: readonly KnowledgeElement[], competenceOf: (skillId: string) => string, pixOf: (skillId: string) => number): KnowledgeRows {
  return {
    skills: kes.map((k) => k.skillId),
    competences: kes.map((k) => competenceOf(k.skillId)),
    statuses: kes.map((k) => k.status),
    sources: kes.map((k) => k.source),
    pix: kes.map((k) => (k.status === 'validated' ? pixOf(k.skillId) : 0)),
  };
}

function keArrays(open: OpenAssessment, kes: readonly KnowledgeElement[]): KnowledgeRows {
  return knowledgeRows(kes, () => open.competence.id, (id) => open.loaded.skills.get(id)?.pixValue ?? 0);
}

function writeAnswer(client: Client, open: OpenAssessment, w: AnswerWrite): Promise<{ inserted: boolean; asked: boolean }> {
  return writeAnswerStatement(client, {
    assessmentId: open.row.id,
    userId: open.row.userId,
    challengeId: w.challengeId,
    versionId: w.versionId,
    value: w.value,
    result: w.result,
    elapsed: w.elapsed,
    created: keArrays(open, w.created),
    ask: w.ask,
    finish: w.finish,
    closing: keArrays(open, w.closing),
    now: w.now,
    expect: w.expect,
  });
}

export interface AnswerStatement {
  assessmentId: string;
  userId: string;
  challengeId: string;
  versionId: string;
  value: LearnerResponse;
  result: AnswerResult;
  elapsed: number;
  created: KnowledgeRows;
  ask: { challengeId: string; position: number; presentation: Presentation } | null;
  finish: boolean;
  closing: KnowledgeRows;
  now: Date;
  /** Write only if the test is under way with exactly these numbers of asked challenges and answers. */
  expect?: { asked: number; answers: number } | null;
}

/**
 * One statement, one commit: the answer (nothing at all when the challenge already has one: unique
 * (assessment, challenge)), its knowledge elements, and either the next asked challenge or the closing
 * of the test with its estimated knowledge elements (stamped 1 ms later, so that they count). With
 * `expect`, nothing at all unless the test is under way with exactly that many asked challenges and
 * answers. Returns whether the answer was inserted, and whether the next challenge was asked. Shared by
 * positioning and campaign tests.
 */
export async function writeAnswerStatement(client: Client, w: AnswerStatement): Promise<{ inserted: boolean; asked: boolean }> {
  const now = w.now.toISOString();
  const later = new Date(w.now.getTime() + 1).toISOString();
  const kes = w.created;
  const closing = w.closing;
  const expect = w.expect ?? null;
  const rows = await client.$queryRaw<{ inserted: number; asked: number }[]>`
    WITH a AS (
      INSERT INTO "Answer" ("assessmentId", "challengeId", "challengeVersionId", "value", "result", "timeSpentSeconds", "createdAt")
      SELECT ${w.assessmentId}, ${w.challengeId}, ${w.versionId}, ${JSON.stringify(w.value)}::jsonb, ${w.result}::"AnswerResult", ${w.elapsed}, ${now}::timestamp
      WHERE NOT ${expect !== null}::boolean OR (
        EXISTS (SELECT 1 FROM "Assessment" WHERE id = ${w.assessmentId} AND state = 'STARTED')
        AND (SELECT count(*) FROM "AssessmentChallenge" WHERE "assessmentId" = ${w.assessmentId}) = ${expect?.asked ?? 0}::int
        AND (SELECT count(*) FROM "Answer" WHERE "assessmentId" = ${w.assessmentId}) = ${expect?.answers ?? 0}::int)
      ON CONFLICT ("assessmentId", "challengeId") DO NOTHING
      RETURNING id
    ), k AS (
      INSERT INTO "KnowledgeElement" ("userId", "skillId", "competenceId", "assessmentId", "answerId", "status", "source", "earnedPix", "createdAt")
      SELECT ${w.userId}, s.skill, s.competence, ${w.assessmentId}, a.id, s.status::"KnowledgeStatus", s.source::"KnowledgeSource", s.pix, ${now}::timestamp
      FROM a, unnest(${kes.skills}::text[], ${kes.competences}::text[], ${kes.statuses}::text[], ${kes.sources}::text[], ${kes.pix}::float8[]) AS s(skill, competence, status, source, pix)
      RETURNING 1
    ), n AS (
      INSERT INTO "AssessmentChallenge" ("assessmentId", "challengeId", "position", "presentation", "askedAt")
      SELECT ${w.assessmentId}, ${w.ask?.challengeId ?? null}::text, ${w.ask?.position ?? 0}::int, ${JSON.stringify(w.ask?.presentation ?? null)}::jsonb, ${now}::timestamp
      FROM a WHERE ${w.ask !== null}::boolean
      ON CONFLICT DO NOTHING
      RETURNING 1
    ), f AS (
      UPDATE "Assessment" SET state = 'COMPLETED', "completedAt" = ${now}::timestamp, "updatedAt" = ${now}::timestamp
      WHERE id = ${w.assessmentId} AND state = 'STARTED' AND ${w.finish}::boolean AND EXISTS (SELECT 1 FROM a)
      RETURNING id
    ), c AS (
      INSERT INTO "KnowledgeElement" ("userId", "skillId", "competenceId", "assessmentId", "answerId", "status", "source", "earnedPix", "createdAt")
      SELECT ${w.userId}, s.skill, s.competence, ${w.assessmentId}, NULL, s.status::"KnowledgeStatus", s.source::"KnowledgeSource", s.pix, ${later}::timestamp
      FROM f, unnest(${closing.skills}::text[], ${closing.competences}::text[], ${closing.statuses}::text[], ${closing.sources}::text[], ${closing.pix}::float8[]) AS s(skill, competence, status, source, pix)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM a)::int AS inserted, (SELECT count(*) FROM n)::int AS asked`;
  return { inserted: (rows[0]?.inserted ?? 0) > 0, asked: (rows[0]?.asked ?? 0) > 0 };
}

export function verdictOf(body: ChallengeBody, response: LearnerResponse, askedAt: Date, now: Date): AnswerResult {
  let result: AnswerResult;
  try {
    result = checkAnswer(body.answer, response).result;
  } catch (error) {
    if (error instanceof ResponseShapeError) throw new PositioningError('bad_response');
    throw error;
  }
  if (result === 'skipped' || body.timer === null || body.timer === undefined) return result;
  const late = now.getTime() - askedAt.getTime() > (body.timer + TIMER_GRACE_SECONDS) * 1000;
  return late ? 'timedout' : result;
}

// =============================================================================================
// Resetting

/**
 * "Remettre à zéro": 7 days after the last knowledge element on the competence, a reset point after
 * which only new elements count (the old ones stay, append-only). A test under way is abandoned.
 */
export async function resetCompetence(client: Client, input: { userId: string; competenceCode: string; now: Date }): Promise<void> {
  const competence = await requireCompetence(client, input.competenceCode);
  const since = await lastReset(client, input.userId, competence.id);
  const last = await client.knowledgeElement.findFirst({
    where: { userId: input.userId, competenceId: competence.id, ...(since ? { createdAt: { gt: since } } : {}) },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  if (!last) throw new PositioningError('nothing_to_reset');
  if (!resetAllowed(last.createdAt, input.now)) throw new PositioningError('too_early_reset', availableAt(last.createdAt, RESET_DELAY_DAYS));
  await client.$transaction([
    client.competenceReset.create({ data: { userId: input.userId, competenceId: competence.id, createdAt: input.now } }),
    client.assessment.updateMany({
      where: { userId: input.userId, competenceId: competence.id, type: 'POSITIONING', state: 'STARTED' },
      data: { state: 'ABORTED' },
    }),
  ]);
}

// =============================================================================================
// Scores

/** The learner's knowledge elements per competence that count: those after the competence's latest reset. */
export async function countingKnowledge(
  client: Pick<Client, 'knowledgeElement' | 'competenceReset'>,
  userId: string,
  competenceId?: string,
): Promise<{ kes: { skillId: string; competenceId: string; status: 'validated' | 'invalidated'; source: 'direct' | 'inferred' | 'estimated'; createdAt: Date }[]; resets: Map<string, Date> }> {
  const [kes, resets] = await Promise.all([
    client.knowledgeElement.findMany({
      where: { userId, ...(competenceId ? { competenceId } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { skillId: true, competenceId: true, status: true, source: true, createdAt: true },
    }),
    client.competenceReset.findMany({ where: { userId, ...(competenceId ? { competenceId } : {}) }, select: { competenceId: true, createdAt: true } }),
  ]);
  const latestReset = new Map<string, Date>();
  for (const r of resets) {
    const current = latestReset.get(r.competenceId);
    if (!current || r.createdAt > current) latestReset.set(r.competenceId, r.createdAt);
  }
  return {
    kes: kes.filter((k) => {
      const reset = latestReset.get(k.competenceId);
      return !reset || k.createdAt > reset;
    }),
    resets: latestReset,
  };
}

/** Level and pix of the learner on one competence now. */
export async function competenceScoreOf(client: Client, userId: string, competence: CompetenceRow): Promise<CompetenceScore> {
  const [{ kes }, skills] = await Promise.all([
    countingKnowledge(client, userId, competence.id),
    client.skill.findMany({ where: { tube: { competenceId: competence.id } }, select: { id: true, tubeId: true, level: true, status: true } }),
  ]);
  return competenceScore(
    kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i })),
    skills.map((s) => ({ ...s, competenceCode: competence.code })),
    maxReachableLevel(),
  );
}

export { competenceByCode };
export type { CompetenceRow };

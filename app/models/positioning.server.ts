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
import { rawRows } from '../lib/db.server';
import { randomText } from '../lib/random-block.server';
import type { LearnerChallengeView } from '../../engine/challenges';
import { availableAt, improvementAllowed, latestKnowledgeElements, IMPROVEMENT_DELAY_DAYS, type KnowledgeElement } from '../../engine/framework';
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
import {
  askChallenge as askOnce,
  askedFromJson,
  askedView,
  knowledgeRows,
  orderedAnswers,
  presentationFor,
  readTestsWithAnswers,
  statusOfState,
  submitTestAnswer,
  toEngineResult,
  writeAnswerStatement,
  type AnswerInput as TestAnswerInput,
  type AnswerRefusal,
  type AnswerToRecord,
  type AskedChallenge,
  type AskedJson,
  type Presentation,
  type TestOnAnswer,
} from './answer.server';
import { PositioningError } from './positioning-error.server';
import { countsAfterReset } from './knowledge.server';

type Client = PrismaClient;

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

export function parseEngineState(json: unknown): EngineState {
  return engineStateSchema.parse(json ?? {});
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

/** `built`: the engine state when this process has just built it (a new test: typed, its level from env()'s checked setting), else read from the row. */
async function openAssessment(client: Client, row: AssessmentRow, competence: CompetenceRow, built?: EngineState): Promise<OpenAssessment> {
  if (!row.releaseId) throw new PositioningError('no_release');
  const engine = built ?? parseEngineState(row.engineState);
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

function challengeStep(open: OpenAssessment, asked: AskedChallenge, now: Date): ChallengeStep {
  const version = open.loaded.versions.get(asked.challengeId);
  if (!version) throw new Error(`Épreuve ${asked.challengeId} absente de la version publiée ${open.loaded.releaseId}`);
  return {
    kind: 'challenge',
    assessmentId: open.row.id,
    competence: open.competence,
    challengeId: asked.challengeId,
    position: asked.position,
    askedAt: asked.askedAt,
    ...askedView(open.row.id, asked, version.body, now),
  };
}

/**
 * After `state` (answers.length answers, `askedCount` challenges asked): the next challenge, asked now
 * and stored at the next position, or the end of the test. Idempotent: the engine's choice at a given
 * point is fixed by the session seed, and the position is unique, so two requests at the same point
 * ask the same challenge once.
 */
async function nextStep(
  client: Client,
  open: OpenAssessment,
  context: PositioningContext,
  state: PositioningState,
  askedCount: number,
  now: Date,
): Promise<Step> {
  const next = chooseNext(context, state, stepRandom(open.engine.seed, state.answers.length));
  if (next.done) {
    await finish(client, open, context, state, now);
    return { kind: 'completed', assessmentId: open.row.id, competence: open.competence };
  }
  const row = await askChallenge(client, open, next.challengeId, askedCount, progressOf(context, state), now);
  return challengeStep(open, row, now);
}

function askChallenge(
  client: Pick<Client, 'assessmentChallenge'>,
  open: Pick<OpenAssessment, 'row' | 'loaded'>,
  challengeId: string,
  position: number,
  progress: number,
  now: Date,
) {
  const version = open.loaded.versions.get(challengeId);
  if (!version) throw new Error(`Épreuve ${challengeId} absente de la version publiée`);
  return askOnce(client, {
    assessmentId: open.row.id,
    challengeId,
    position,
    presentation: presentationFor(open.row.id, challengeId, version.body, progress),
    now,
  });
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

/**
 * Where the learner stands on a competence: the current challenge of the started test (asking the next
 * one if the last was answered), or 'none' when no test is under way.
 */
export async function currentStep(client: Client, input: { userId: string; competenceCode: string; now: Date }): Promise<Step> {
  const competence = await requireCompetence(client, input.competenceCode);
  // One query on the hot path: the test under way, its last asked challenge and how many answers it has.
  const rows = await rawRows<AssessmentRow & { last: AskedJson | null; answered: number }>(
    client,
    Prisma.sql`
    SELECT a.id, a."userId", a."competenceId", a."releaseId", a."parameterSetId", a."engineState", a."createdAt",
      (SELECT json_build_object('challengeId', c."challengeId", 'position', c.position, 'presentation', c.presentation, 'askedAt', c."askedAt")
         FROM "AssessmentChallenge" c WHERE c."assessmentId" = a.id ORDER BY c.position DESC LIMIT 1) AS last,
      (SELECT count(*)::int FROM "Answer" x WHERE x."assessmentId" = a.id) AS answered
    FROM "Assessment" a
    WHERE a."userId" = ${input.userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING' AND a.state = 'STARTED'
    ORDER BY a."createdAt" DESC LIMIT 1`,
  );
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
  /** The first question of a test this call opened (asked in the start's statement); null when it resumed one (read it with currentStep). */
  step: ChallengeStep | null;
}

/**
 * Starts a positioning test on the competence, or resumes the one under way. A new test after a
 * completed one (improving) waits 4 days from its completion. The test is served from the latest
 * release with the active parameter set (none: every challenge is pretested as uncalibrated).
 */
export async function startPositioning(client: Client, input: StartInput): Promise<StartResult> {
  return start(client, input, null);
}

/**
 * A new test with the guards of the request in its insert (decision 021, fourth part), as
 * submitAnswerIfAdmitted does for an answer: the session is not read first, and the test is opened only
 * if `admit` holds when the insert runs. Null, with nothing written, when it is not a new test that this
 * call opened (a test to resume, a refusal: the guards must speak first) or the condition is false; the
 * caller then takes the usual way.
 */
export async function startPositioningIfAdmitted(client: Client, input: StartInput, admit: Prisma.Sql): Promise<StartResult | null> {
  try {
    return await start(client, input, admit);
  } catch (error) {
    if (error instanceof NotHere) return null;
    throw error;
  }
}

interface StartInput {
  userId: string;
  competenceCode: string;
  locale?: string;
  now: Date;
}

/** What a start reads before opening a test (one row of its facts' statement). */
interface StartFacts {
  releaseId: string | null;
  parameterSetId: string | null;
  startedId: string | null;
  resetAt: Date | null;
  completedAt: Date | null;
  prior: boolean;
  excluded: string[];
}

/**
 * The release and parameter set that this process's last start found (the content new tests are served
 * from). Only a guess, checked by the database: with it, a learner's first test on a competence (nothing
 * started, reset, completed, known or answered there) is chosen before any statement and written by the
 * facts' statement itself when the facts are those (decision 021, h38). Nothing another process needs.
 */
let lastContent: { releaseId: string; parameterSetId: string | null } | null = null;

/** A new test's row and first question, chosen from its facts before anything is written. */
interface OpenedTest {
  row: AssessmentRow;
  open: OpenAssessment;
  context: PositioningContext;
  state: PositioningState;
  asked: AskedChallenge;
}

async function openTest(client: Client, input: StartInput, competence: CompetenceRow, facts: StartFacts & { releaseId: string }): Promise<OpenedTest> {
  const { userId, now } = input;
  const engineState: EngineState = {
    prior: facts.prior,
    seed: randomText(16, 'hex'),
    excluded: facts.excluded,
    since: facts.resetAt ? facts.resetAt.toISOString() : null,
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
  const open = await openAssessment(client, row, competence, engineState);
  const context = await open.context(client);
  const state = replay({ ...context, answers: [] });
  const first = chooseNext(context, state, stepRandom(engineState.seed, 0));
  if (first.done)
    throw new PositioningError(first.reason === 'all_known' && (context.knowledgeElements ?? []).length > 0 ? 'nothing_to_improve' : 'no_content');
  const version = open.loaded.versions.get(first.challengeId)!;
  const presentation = presentationFor(row.id, first.challengeId, version.body, progressOf(context, state));
  return { row, open, context, state, asked: { challengeId: first.challengeId, position: 0, presentation, askedAt: now } };
}

/**
 * The inserts of a new test and its first question (CTEs `ins` and `ask`), done only if `condition` holds.
 * One test at a time per learner and competence (a double click, two tabs): the unique index
 * "Assessment_one_started_positioning" refuses a second STARTED test, and the insert then does nothing.
 */
function insertTest(opened: OpenedTest, condition: Prisma.Sql): Prisma.Sql {
  const { row, asked } = opened;
  const stamp = asked.askedAt.toISOString();
  return Prisma.sql`ins AS (
      INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "parameterSetId", "engineState", "createdAt", "updatedAt")
      SELECT ${row.id}, ${row.userId}, 'POSITIONING', 'STARTED', ${row.competenceId}, ${row.releaseId}, ${row.parameterSetId}, ${JSON.stringify(row.engineState)}::jsonb,
             ${stamp}::timestamp, ${stamp}::timestamp
      WHERE ${condition}
      ON CONFLICT ("userId", "competenceId") WHERE type = 'POSITIONING' AND state = 'STARTED' DO NOTHING
      RETURNING id
    ), ask AS (
      INSERT INTO "AssessmentChallenge" ("assessmentId", "challengeId", position, presentation, "askedAt")
      SELECT ins.id, ${asked.challengeId}, 0, ${JSON.stringify(asked.presentation)}::jsonb, ${stamp}::timestamp FROM ins
      RETURNING 1
    )`;
}

/** Whether the facts are those of a first test on the competence, served from `content`. */
function firstTestFacts(facts: StartFacts, content: NonNullable<typeof lastContent>): boolean {
  return (
    facts.releaseId === content.releaseId &&
    facts.parameterSetId === content.parameterSetId &&
    !facts.startedId &&
    !facts.resetAt &&
    !facts.completedAt &&
    !facts.prior &&
    facts.excluded.length === 0
  );
}

async function start(client: Client, input: StartInput, admit: Prisma.Sql | null): Promise<StartResult> {
  // With guards in the statement, anything but a new test goes the usual way (its guards speak first).
  const notHere = <E>(outcome: E): E => {
    if (admit) throw new NotHere();
    return outcome;
  };
  const competence = (await competenceByCode(client, input.competenceCode)) ?? notHere(null);
  if (!competence) throw new PositioningError('unknown_competence');
  const { userId, now } = input;
  // A learner's first test on the competence, guessed: its first question chosen now, from the content
  // the last start found, and written by the facts' statement below if the facts are those of a first
  // test on that content (else nothing is written there and the start goes on from the facts as read).
  const content = lastContent;
  let guessed: OpenedTest | null = null;
  if (content) {
    try {
      guessed = await openTest(client, input, competence, { ...content, startedId: null, resetAt: null, completedAt: null, prior: false, excluded: [] });
    } catch (error) {
      if (!(error instanceof PositioningError)) throw error;
    }
  }
  const guards = admit ?? Prisma.sql`TRUE`;
  // Everything the start depends on, in one query: the content to serve, a test under way, the last
  // reset, the last completed test since, whether the learner knew anything, what they already answered.
  const [facts] = await rawRows<StartFacts & { created: string | null }>(
    client,
    Prisma.sql`
    WITH r AS (SELECT max("createdAt") AS at FROM "CompetenceReset" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id}),
    f AS (SELECT
      (SELECT id FROM "Release" ORDER BY number DESC LIMIT 1) AS "releaseId",
      (SELECT id FROM "ParameterSet" WHERE active ORDER BY version DESC LIMIT 1) AS "parameterSetId",
      (SELECT id FROM "Assessment" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id} AND type = 'POSITIONING' AND state = 'STARTED'
        ORDER BY "createdAt" DESC LIMIT 1) AS "startedId",
      r.at AS "resetAt",
      (SELECT max(a."completedAt") FROM "Assessment" a WHERE a."userId" = ${userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'
        AND a.state = 'COMPLETED' AND (r.at IS NULL OR a."createdAt" > r.at)) AS "completedAt",
      EXISTS (SELECT 1 FROM "KnowledgeElement" k WHERE k."userId" = ${userId} AND k."competenceId" = ${competence.id}
        AND ${countsAfterReset('k')} AND k."createdAt" < ${now.toISOString()}::timestamp) AS prior,
      COALESCE((SELECT array_agg(DISTINCT x."challengeId" ORDER BY x."challengeId") FROM "Answer" x JOIN "Assessment" a ON a.id = x."assessmentId"
        WHERE a."userId" = ${userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'), '{}') AS excluded
    FROM r)${
      guessed && content
        ? Prisma.sql`, ${insertTest(
            guessed,
            Prisma.sql`EXISTS (SELECT 1 FROM f WHERE f."releaseId" = ${content.releaseId} AND ${
              content.parameterSetId === null ? Prisma.sql`f."parameterSetId" IS NULL` : Prisma.sql`f."parameterSetId" = ${content.parameterSetId}`
            } AND f."startedId" IS NULL AND f."resetAt" IS NULL AND f."completedAt" IS NULL AND NOT f.prior AND cardinality(f.excluded) = 0) AND ${guards}`,
          )}
    SELECT f.*, (SELECT id FROM ins) AS created FROM f`
        : Prisma.sql`
    SELECT f.*, NULL::text AS created FROM f`
    }`,
  );
  if (!facts) throw new Error('start: no row');
  if (facts.releaseId) lastContent = { releaseId: facts.releaseId, parameterSetId: facts.parameterSetId };
  let opened: OpenedTest;
  let result: { existing: string | null; created: string | null } | undefined;
  if (guessed && content && firstTestFacts(facts, content)) {
    // The guess held: the facts' statement tried the insert (done, or refused by the guards or a race).
    opened = guessed;
    result = { existing: null, created: facts.created };
  } else {
    if (facts.startedId) return notHere({ assessmentId: facts.startedId, resumed: true, step: null });
    if (!facts.releaseId) throw notHere(new PositioningError('no_release'));
    const completedAt = facts.completedAt;
    if (completedAt && !improvementAllowed(completedAt, now)) {
      throw notHere(new PositioningError('too_early_improve', availableAt(completedAt, IMPROVEMENT_DELAY_DAYS)));
    }
    try {
      opened = await openTest(client, input, competence, { ...facts, releaseId: facts.releaseId });
    } catch (error) {
      throw error instanceof PositioningError ? notHere(error) : error;
    }
    [result] = await rawRows<{ existing: string | null; created: string | null }>(
      client,
      Prisma.sql`
    WITH s AS (
      SELECT id FROM "Assessment" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id} AND type = 'POSITIONING' AND state = 'STARTED'
      ORDER BY "createdAt" DESC LIMIT 1
    ), ${insertTest(opened, Prisma.sql`NOT EXISTS (SELECT 1 FROM s) AND ${guards}`)}
    SELECT (SELECT id FROM s) AS existing, (SELECT id FROM ins) AS created`,
    );
  }
  if (!result?.created) notHere(null);
  const { row, open, context, state, asked } = opened;
  let started: StartResult;
  if (result?.created) started = { assessmentId: result.created, resumed: false, step: challengeStep(open, asked, now) };
  else if (result?.existing) started = { assessmentId: result.existing, resumed: true, step: null };
  else {
    // Another request opened the test between this statement's snapshot and its insert: resume that one.
    const other = await client.assessment.findFirst({
      where: { userId, competenceId: competence.id, type: 'POSITIONING', state: 'STARTED' },
      orderBy: { createdAt: 'desc' },
      select: { id: true },
    });
    if (!other) throw new Error('start: the test that won the race is gone');
    started = { assessmentId: other.id, resumed: true, step: null };
  }
  // The first answer can then be taken without reading the test back (see submitAnswer).
  if (!started.resumed) {
    keepSnapshot(row.id, { open, context, asked: [asked], answers: [], state });
  }
  return started;
}

// =============================================================================================
// Answering (the shared answer path, answer.server.ts, with what is particular to positioning)

export interface AnswerInput extends TestAnswerInput {
  userId: string;
  competenceCode: string;
  assessmentId: string;
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
 * What the answer path needs of a test under way: the opened assessment and engine context, the asked
 * challenges, the answers in order and the engine state they give. Read from the database or kept from
 * this process's last write for the test (a snapshot).
 */
interface TestSnapshot {
  open: OpenAssessment;
  context: PositioningContext;
  asked: AskedChallenge[];
  answers: PositioningAnswer[];
  state: PositioningState;
}

/** A positioning test as the answer path sees it; the engine's side is worked out only when an answer is recorded. */
interface PositioningTest extends TestOnAnswer {
  open: OpenAssessment;
  completed: boolean;
  stored: { challengeId: string; result: string }[];
  snapshot: TestSnapshot | null;
}

function positioningTest(
  open: OpenAssessment,
  state: string,
  asked: AskedChallenge[],
  stored: { challengeId: string; result: string }[],
  snapshot: TestSnapshot | null,
): PositioningTest {
  return {
    assessmentId: open.row.id,
    status: statusOfState(state),
    asked,
    answered: new Set(stored.map((a) => a.challengeId)),
    versionOf: (challengeId) => open.loaded.versions.get(challengeId),
    open,
    completed: state === 'COMPLETED',
    stored,
    snapshot,
  };
}

/**
 * Takes the learner's answer to an asked challenge of their positioning test (the shared rules of
 * answer.server.ts), with the direct and inferred knowledge elements it creates; then the next challenge
 * is asked, or the test closes, in the same statement.
 */
export async function submitAnswer(client: Client, input: AnswerInput): Promise<AnswerOutcome> {
  const competence = await requireCompetence(client, input.competenceCode);
  return submitTestAnswer(answerRules(client, input, competence, null), input);
}

/** Why a request's write was not done in one statement with its guards: the caller then takes the usual way. */
class NotHere extends Error {}

/**
 * The answer with the guards of the request in its statement (decision 021, fourth part): the learner's
 * session is not read first, and the answer is written only if `admit` (an SQL condition: the session and
 * the page's guards) holds when the statement runs. Null, with nothing written, when it cannot be done
 * so: a refusal or a duplicate (the guards must speak first), the condition false, the test changed. The
 * caller then takes the usual way (session, guards, submitAnswer), which answers exactly as before,
 * refusals and their order included.
 */
export async function submitAnswerIfAdmitted(client: Client, input: AnswerInput, admit: Prisma.Sql): Promise<AnswerOutcome | null> {
  const competence = await competenceByCode(client, input.competenceCode);
  if (!competence) return null;
  const taken: { snapshot: TestSnapshot | null } = { snapshot: null };
  const rules = answerRules(client, input, competence, admit);
  try {
    return await submitTestAnswer(
      {
        ...rules,
        refuse: () => new NotHere(),
        cached: () => {
          taken.snapshot = takeSnapshot(input, competence);
          return taken.snapshot ? positioningTest(taken.snapshot.open, 'STARTED', taken.snapshot.asked, taken.snapshot.answers, taken.snapshot) : null;
        },
        duplicate: () => Promise.reject(new NotHere()),
      },
      input,
    );
  } catch (error) {
    if (!(error instanceof NotHere)) throw error;
    // Nothing was written (the statement's insert is what every other write hangs on): the snapshot holds.
    if (taken.snapshot) keepSnapshot(input.assessmentId, taken.snapshot);
    return null;
  }
}

function answerRules(client: Client, input: AnswerInput, competence: CompetenceRow, admit: Prisma.Sql | null) {
  return {
    kind: 'positioning' as const,
    refuse: (code: AnswerRefusal) => new PositioningError(code),
    cached: () => {
      // What this process wrote last for this test; the write then checks that it still holds.
      const snap = takeSnapshot(input, competence);
      return snap ? positioningTest(snap.open, 'STARTED', snap.asked, snap.answers, snap) : null;
    },
    read: async () => {
      // One query: the test (the learner's own, on this competence), what was asked and what was answered.
      const [row] = await readTestsWithAnswers(
        client,
        Prisma.sql`a.id = ${input.assessmentId} AND a."userId" = ${input.userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING'`,
      );
      if (!row) return null;
      return positioningTest(await openAssessment(client, row, competence), row.state, row.asked.map(askedFromJson), row.answers, null);
    },
    duplicate: async (test: PositioningTest): Promise<AnswerOutcome> => {
      const previous = test.stored.find((a) => a.challengeId === input.challengeId);
      return { next: test.completed ? 'completed' : 'challenge', duplicate: true, result: previous ? toEngineResult(previous.result) : null, step: null };
    },
    record: async (test: PositioningTest, answer: AnswerToRecord, guarded: boolean) => {
      let snap = test.snapshot;
      if (!snap) {
        const context = await test.open.context(client);
        const answers = orderedAnswers(test.asked, test.stored);
        snap = { open: test.open, context, asked: [...test.asked], answers, state: replay({ ...context, answers }) };
      }
      return recordAnswer(client, snap, answer, guarded, admit);
    },
  };
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
 * Records a judged answer to the test in `snap`: its knowledge elements, and the next challenge or the
 * closing, decided now so that everything is written in one statement, once. `guarded`: the snapshot was
 * not read in this request, so the write happens only if the test still has exactly the snapshot's asked
 * challenges and answers and is under way; null when it does not (the answer path reads the test again).
 */
async function recordAnswer(
  client: Client,
  snap: TestSnapshot,
  answer: AnswerToRecord,
  guarded: boolean,
  admit: Prisma.Sql | null,
): Promise<AnswerOutcome | null> {
  const { open, context, state } = snap;
  const row = open.row;
  const after = applyAnswer(context, state, { challengeId: answer.challengeId, result: answer.result });
  const created = after.knowledgeElements.slice(state.knowledgeElements.length);
  const next = chooseNext(context, after, stepRandom(open.engine.seed, after.answers.length));
  let ask: { challengeId: string; position: number; presentation: Presentation } | null = null;
  let closing: KnowledgeElement[] = [];
  if (next.done) {
    closing = finishPositioning(context, after).knowledgeElements.slice(after.knowledgeElements.length);
  } else {
    const nextVersion = open.loaded.versions.get(next.challengeId);
    if (!nextVersion) throw new Error(`Épreuve ${next.challengeId} absente de la version publiée`);
    ask = {
      challengeId: next.challengeId,
      position: snap.asked.length,
      presentation: presentationFor(row.id, next.challengeId, nextVersion.body, progressOf(context, after)),
    };
  }
  const written = await writeAnswerStatement(client, {
    assessmentId: row.id,
    userId: row.userId,
    answer,
    created: keArrays(open, created),
    ask,
    finish: next.done,
    closing: keArrays(open, closing),
    expect: guarded ? { asked: snap.asked.length, answers: snap.answers.length } : null,
    admit,
  });
  if (!written.inserted) {
    // With guards in the statement, not writing may be theirs: the usual way then says why.
    if (admit) throw new NotHere();
    if (guarded) return null;
    // Not inserted: the same challenge was answered at the same moment by another request; that one counts.
    return { next: 'challenge', duplicate: true, result: null, step: null };
  }
  if (ask && written.asked) {
    keepSnapshot(row.id, {
      open,
      context,
      asked: [...snap.asked, { challengeId: ask.challengeId, position: ask.position, presentation: ask.presentation, askedAt: answer.now }],
      answers: after.answers,
      state: after,
    });
  }
  const step = ask ? challengeStep(open, { ...ask, askedAt: answer.now }, answer.now) : null;
  return { next: next.done ? 'completed' : 'challenge', duplicate: false, result: answer.result, step };
}

function keArrays(open: OpenAssessment, kes: readonly KnowledgeElement[]) {
  return knowledgeRows(
    kes,
    () => open.competence.id,
    (id) => open.loaded.skills.get(id)?.pixValue ?? 0,
  );
}

export { competenceByCode };
export type { CompetenceRow };

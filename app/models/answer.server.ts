/**
 * Submitting an answer: the one use case behind the three kinds of test a learner takes (positioning on a
 * competence, a campaign's test, a certification test), as Pix's API shares one correction service.
 *
 * Every kind applies the same integrity rules, here and only here:
 *  - only a challenge asked in the learner's own test is answered (else `not_asked`; another learner's
 *    test is `not_found`);
 *  - once: a challenge that already has an answer is a duplicate that counted once (double click, two
 *    tabs, a retry), and the write itself is idempotent (unique (assessment, challenge));
 *  - within time: the verdict is the engine's (`judgeAnswer`: proposals read in the order shown, the
 *    challenge's timer plus a grace), on the server's clock;
 *  - the solution never leaves the server: what comes back is the kind's next step, built from the
 *    redacted learner view.
 *
 * What differs between kinds is passed in as `AnswerRules`: how the test is read, what a test that is
 * no longer under way answers, a kind's own gate (certification's time limit), and what an answer
 * records (knowledge elements and the next question in one statement for positioning and campaigns; the
 * answer then the next question for certification).
 *
 * The module also holds what the three kinds share about asked challenges: how a challenge is presented
 * (shuffle seed and permutation), the learner's view of an asked challenge, and the asking itself.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import { rawRows } from '../lib/db.server';
import {
  judgeAnswer,
  redactForLearner,
  OversizedResponseError,
  ResponseShapeError,
  type AnswerResult,
  type ChallengeBody,
  type LearnerChallengeView,
  type LearnerResponse,
  type PublicAnswer,
} from '../../engine/challenges';
import type { KnowledgeElement } from '../../engine/framework';

type Client = PrismaClient;

export type TestKind = 'positioning' | 'campaign' | 'certification';

/** Why an answer is refused; nothing is stored. Each kind turns the code into its own error. */
export type AnswerRefusal = 'not_found' | 'not_asked' | 'aborted' | 'bad_response' | 'response_too_large';

// =============================================================================================
// Asked challenges: presentation, view, asking

const presentationSchema = z.object({
  /** Seed of the shuffle of proposals (redactForLearner) and the permutation it gave. */
  shuffleSeed: z.string(),
  permutation: z.array(z.number().int()).nullable(),
  /** Share of the test done when the challenge was asked, 0..1 (progress bar; positioning and campaigns). */
  progress: z.number().min(0).max(1).default(0),
});
export type Presentation = z.infer<typeof presentationSchema>;

/**
 * The stored presentation of an asked challenge. Rows written before the permutation was stored have
 * none: the shuffle is then re-derived from the seed every kind uses, `${assessmentId}:${challengeId}`.
 */
export function parsePresentation(json: unknown, assessmentId: string, challengeId: string): Presentation {
  // A presentation checked before (or made here) is not checked again: the answer path meets the same
  // object twice per answer (the answer's check, the next question's view) and keeps it in its snapshot.
  const known = json !== null && typeof json === 'object' ? checkedPresentations.get(json) : undefined;
  if (known) return known;
  const parsed = presentationSchema.safeParse(json);
  if (parsed.success && json !== null && typeof json === 'object') checkedPresentations.set(json, parsed.data);
  return parsed.success ? parsed.data : { shuffleSeed: shuffleSeedOf(assessmentId, challengeId), permutation: null, progress: 0 };
}

const checkedPresentations = new WeakMap<object, Presentation>();

function shuffleSeedOf(assessmentId: string, challengeId: string): string {
  return `${assessmentId}:${challengeId}`;
}

/** How a challenge is shown when it is asked in a test: its shuffle, fixed for the test. */
export function presentationFor(assessmentId: string, challengeId: string, body: ChallengeBody, progress = 0): Presentation {
  const shuffleSeed = shuffleSeedOf(assessmentId, challengeId);
  const presentation: Presentation = { shuffleSeed, permutation: redactForLearner(body, shuffleSeed).permutation, progress };
  checkedPresentations.set(presentation, presentation);
  return presentation;
}

/** A challenge asked in a test. */
export interface AskedChallenge {
  challengeId: string;
  position: number;
  presentation: unknown;
  askedAt: Date;
}

/** What the learner's page gets of an asked challenge: the redacted view, its timer and the progress. Never a solution. */
export interface AskedView {
  view: LearnerChallengeView;
  timer: number | null;
  /** Seconds left on the challenge's timer now (may be negative once it ran out), or null when untimed. */
  secondsLeft: number | null;
  progress: number;
}

export function askedView(assessmentId: string, asked: AskedChallenge, body: ChallengeBody, now: Date): AskedView {
  const presentation = parsePresentation(asked.presentation, assessmentId, asked.challengeId);
  const { view } = redactForLearner(body, presentation.shuffleSeed);
  const timer = body.timer ?? null;
  return {
    view,
    timer,
    secondsLeft: timer === null ? null : Math.ceil(timer - (now.getTime() - asked.askedAt.getTime()) / 1000),
    progress: presentation.progress,
  };
}

/**
 * Asks `challengeId` at `position` of the test, once: the position is unique, so two requests at the same
 * point (the engine's choice there is fixed by the test's seed) ask it once; returns the stored row.
 */
export async function askChallenge(
  client: Pick<Client, 'assessmentChallenge'>,
  input: { assessmentId: string; challengeId: string; position: number; presentation: Presentation; now: Date },
): Promise<AskedChallenge> {
  await client.assessmentChallenge.createMany({
    data: [
      { assessmentId: input.assessmentId, challengeId: input.challengeId, position: input.position, presentation: input.presentation, askedAt: input.now },
    ],
    skipDuplicates: true,
  });
  const row = await client.assessmentChallenge.findUnique({
    where: { assessmentId_position: { assessmentId: input.assessmentId, position: input.position } },
    select: { challengeId: true, position: true, presentation: true, askedAt: true },
  });
  if (!row) throw new Error('Question introuvable après sa création');
  return row;
}

// =============================================================================================
// Reading a test with what was asked and answered

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

export function askedFromJson(a: AskedJson): AskedChallenge {
  return { challengeId: a.challengeId, position: a.position, presentation: a.presentation, askedAt: utc(a.askedAt) };
}

/** A test with what was asked (in order) and answered. */
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
 * it), each with its asked challenges and answers, in one query.
 */
export function readTestsWithAnswers(client: Client, filter: Prisma.Sql): Promise<TestWithAnswers[]> {
  return rawRows<TestWithAnswers>(
    client,
    Prisma.sql`
    SELECT a.id, a."userId", a."competenceId", a."participationId", a."releaseId", a."parameterSetId", a."engineState", a."createdAt", a.state::text AS state,
      COALESCE((SELECT json_agg(json_build_object('challengeId', c."challengeId", 'position', c.position, 'presentation', c.presentation, 'askedAt', c."askedAt") ORDER BY c.position)
         FROM "AssessmentChallenge" c WHERE c."assessmentId" = a.id), '[]'::json) AS asked,
      COALESCE((SELECT json_agg(json_build_object('challengeId', x."challengeId", 'result', x.result))
         FROM "Answer" x WHERE x."assessmentId" = a.id), '[]'::json) AS answers
    FROM "Assessment" a
    WHERE ${filter}`,
  );
}

/** A stored answer's result as the engines take it. */
export const toEngineResult = (result: string): AnswerResult => (result === 'ok' || result === 'ko' || result === 'timedout' ? result : 'skipped');

/** The test's answers in the order the challenges were asked. */
export function orderedAnswers(
  asked: readonly { challengeId: string }[],
  answers: readonly { challengeId: string; result: string }[],
): { challengeId: string; result: AnswerResult }[] {
  const byChallenge = new Map(answers.map((a) => [a.challengeId, a]));
  const out: { challengeId: string; result: AnswerResult }[] = [];
  for (const a of asked) {
    const answer = byChallenge.get(a.challengeId);
    if (answer) out.push({ challengeId: a.challengeId, result: toEngineResult(answer.result) });
  }
  return out;
}

// =============================================================================================
// The use case

/** What the answer path needs to know of a test when an answer comes in. */
export interface TestOnAnswer {
  assessmentId: string;
  /** `open`: answers are taken; `aborted` (reset, abandoned) or `closed` (completed, ended): not. */
  status: 'open' | 'aborted' | 'closed';
  asked: readonly AskedChallenge[];
  /** Challenges of the test that have an answer. */
  answered: ReadonlySet<string>;
  /** The version of an asked challenge that the test serves (frozen in its release). */
  versionOf(challengeId: string): { versionId: string; body: ChallengeBody } | undefined;
}

/** A judged answer, ready to be recorded. */
export interface AnswerToRecord {
  challengeId: string;
  versionId: string;
  /** The response in the body's order. */
  value: LearnerResponse;
  result: AnswerResult;
  elapsedSeconds: number;
  asked: AskedChallenge;
  now: Date;
}

/** The parts of answering that differ between kinds of test. */
export interface AnswerRules<T extends TestOnAnswer, Outcome> {
  kind: TestKind;
  /** The kind's error for a refusal (the routes know how to say it). */
  refuse(code: AnswerRefusal): Error;
  /** The learner's own test, read from the database; null when they have none by that reference. */
  read(): Promise<T | null>;
  /**
   * The test as this process last wrote it, if the kind keeps it (no read). `record` is then asked for a
   * guarded write and may answer null when the test changed meanwhile; the test is then read.
   */
  cached?(): T | null;
  /** The challenge already has an answer: it counted once; what the learner sees next. */
  duplicate(test: T): Promise<Outcome>;
  /** The test is no longer under way. Default: refused (`aborted`, or `not_found` for a closed test). */
  notOpen?(test: T): Promise<Outcome>;
  /** A kind's own check before the answer is judged (certification's overall time limit); null to go on. */
  gate?(test: T): Promise<Outcome | null>;
  /** Stores the answer with the kind's consequences; null only for a guarded write that did not happen. */
  record(test: T, answer: AnswerToRecord, guarded: boolean): Promise<Outcome | null>;
}

export interface AnswerInput {
  challengeId: string;
  /** The response with indices as displayed, or a function that reads it from the public view shown. */
  response: LearnerResponse | ((answer: PublicAnswer) => LearnerResponse);
  now: Date;
}

/** Takes a learner's answer in a test of any kind (see the module's comment for the rules). */
export async function submitTestAnswer<T extends TestOnAnswer, Outcome>(rules: AnswerRules<T, Outcome>, input: AnswerInput): Promise<Outcome> {
  let test = rules.cached?.() ?? null;
  let guarded = test !== null;
  for (;;) {
    if (!test) {
      test = await rules.read();
      guarded = false;
    }
    if (!test) throw rules.refuse('not_found');
    const asked = test.asked.find((a) => a.challengeId === input.challengeId);
    if (!asked) throw rules.refuse('not_asked');
    if (test.answered.has(input.challengeId)) return rules.duplicate(test);
    if (test.status !== 'open') {
      if (rules.notOpen) return rules.notOpen(test);
      throw rules.refuse(test.status === 'aborted' ? 'aborted' : 'not_found');
    }
    const stop = rules.gate ? await rules.gate(test) : null;
    if (stop !== null) return stop;
    const version = test.versionOf(input.challengeId);
    if (!version) throw rules.refuse('not_asked');
    let judged;
    try {
      judged = judgeAnswer({
        body: version.body,
        presentation: parsePresentation(asked.presentation, test.assessmentId, input.challengeId),
        response: input.response,
        askedAt: asked.askedAt,
        now: input.now,
      });
    } catch (error) {
      if (error instanceof OversizedResponseError) throw rules.refuse('response_too_large');
      if (error instanceof ResponseShapeError) throw rules.refuse('bad_response');
      throw error;
    }
    const outcome = await rules.record(
      test,
      {
        challengeId: input.challengeId,
        versionId: version.versionId,
        value: judged.response,
        result: judged.result,
        elapsedSeconds: judged.elapsedSeconds,
        asked,
        now: input.now,
      },
      guarded,
    );
    if (outcome !== null) return outcome;
    if (!guarded) throw new Error('Réponse non enregistrée alors que le test a été relu');
    // The test changed since this process last wrote it (another process, a reset): read it and start again.
    test = null;
  }
}

// =============================================================================================
// The answer statement of positioning and campaign tests

/** Knowledge elements as the answer statement writes them: one array per column. */
export interface KnowledgeRows {
  skills: string[];
  competences: string[];
  statuses: string[];
  sources: string[];
  pix: number[];
}

/** Knowledge elements to rows, with each skill's competence and pix value (earned only when validated). */
export function knowledgeRows(kes: readonly KnowledgeElement[], competenceOf: (skillId: string) => string, pixOf: (skillId: string) => number): KnowledgeRows {
  return {
    skills: kes.map((k) => k.skillId),
    competences: kes.map((k) => competenceOf(k.skillId)),
    statuses: kes.map((k) => k.status),
    sources: kes.map((k) => k.source),
    pix: kes.map((k) => (k.status === 'validated' ? pixOf(k.skillId) : 0)),
  };
}

export interface AnswerStatement {
  assessmentId: string;
  userId: string;
  answer: AnswerToRecord;
  created: KnowledgeRows;
  ask: { challengeId: string; position: number; presentation: Presentation } | null;
  finish: boolean;
  closing: KnowledgeRows;
  /** Write only if the test is under way with exactly these numbers of asked challenges and answers. */
  expect?: { asked: number; answers: number } | null;
  /**
   * Write only if this condition holds when the statement runs (the learner's session and the guards of
   * the page, checked in the answer's own statement: decision 021, fourth part).
   */
  admit?: Prisma.Sql | null;
}

/**
 * One statement, one commit: the answer (nothing at all when the challenge already has one: unique
 * (assessment, challenge)), its knowledge elements, and either the next asked challenge or the closing
 * of the test with its estimated knowledge elements (stamped 1 ms later, so that they count). With
 * `expect`, nothing at all unless the test is under way with exactly that many asked challenges and
 * answers; with `admit`, nothing at all unless that condition holds. Returns whether the answer was
 * inserted, and whether the next challenge was asked.
 */
export async function writeAnswerStatement(client: Client, w: AnswerStatement): Promise<{ inserted: boolean; asked: boolean }> {
  const a = w.answer;
  const now = a.now.toISOString();
  const later = new Date(a.now.getTime() + 1).toISOString();
  const kes = w.created;
  const closing = w.closing;
  const expect = w.expect ?? null;
  const rows = await rawRows<{ inserted: number; asked: number }>(
    client,
    Prisma.sql`
    WITH a AS (
      INSERT INTO "Answer" ("assessmentId", "challengeId", "challengeVersionId", "value", "result", "timeSpentSeconds", "createdAt")
      SELECT ${w.assessmentId}, ${a.challengeId}, ${a.versionId}, ${JSON.stringify(a.value)}::jsonb, ${a.result}::"AnswerResult", ${a.elapsedSeconds}, ${now}::timestamp
      WHERE ${w.admit ?? Prisma.sql`TRUE`} AND (NOT ${expect !== null}::boolean OR (
        EXISTS (SELECT 1 FROM "Assessment" WHERE id = ${w.assessmentId} AND state = 'STARTED')
        AND (SELECT count(*) FROM "AssessmentChallenge" WHERE "assessmentId" = ${w.assessmentId}) = ${expect?.asked ?? 0}::int
        AND (SELECT count(*) FROM "Answer" WHERE "assessmentId" = ${w.assessmentId}) = ${expect?.answers ?? 0}::int))
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
    SELECT (SELECT count(*) FROM a)::int AS inserted, (SELECT count(*) FROM n)::int AS asked`,
  );
  return { inserted: (rows[0]?.inserted ?? 0) > 0, asked: (rows[0]?.asked ?? 0) > 0 };
}

/** Status of a positioning or campaign test row for the answer path. */
export function statusOfState(state: string): TestOnAnswer['status'] {
  if (state === 'STARTED') return 'open';
  return state === 'ABORTED' ? 'aborted' : 'closed';
}

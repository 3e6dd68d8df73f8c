/**
 * The adaptive test of an assessment campaign (issue 7, decision 011): the positioning engine driven
 * across the competences of the campaign's target profile (engine/campaigns `replayCampaignTest`), on
 * the latest release and the active parameter set, with the guarantees of the positioning test
 * (positioning.server.ts): the answers are the truth and the state is re-derived from them; one
 * statement per answer (a double submit counts once); an answer to a challenge that was not asked is
 * refused; the learner sees only the redacted view of a challenge; timers on the server clock.
 *
 * The assessment is of type CAMPAIGN with the participation's id. Its knowledge elements are the
 * learner's like any others: they count for the profile (per skill, with the skill's competence).
 * Skills the learner already has in their profile (latest element before the test, after the
 * competence's latest reset) are not asked again; on a retry, only validated ones count as known, so
 * failed skills may be asked again. Challenges the learner ever answered are left out of the bank.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { randomText } from '../lib/random-block.server';
import type { PrismaClient } from '../../prisma/client';
import type { ChallengeBody, LearnerChallengeView } from '../../engine/challenges';
import { latestKnowledgeElements, type KnowledgeElement } from '../../engine/framework';
import {
  answerKnowledge,
  campaignTestProgress,
  finishCampaignTest,
  nextCampaignChallenge,
  replayCampaignTest,
  restrictBank,
  type CampaignTestContext,
  type CampaignTestState,
} from '../../engine/campaigns';
import type { CompetenceBank } from '../../engine/positioning';
import { Prisma } from '../../prisma/generated/client';
import { maxReachableLevel } from '../lib/settings.server';
import { competenceByCode, loadBank, type LoadedBank } from './positioning-bank.server';
import {
  askChallenge,
  askedFromJson,
  askedView,
  knowledgeRows,
  orderedAnswers,
  parsePresentation,
  presentationFor as presentationOf,
  readTestsWithAnswers,
  statusOfState,
  submitTestAnswer,
  writeAnswerStatement,
  type AnswerInput,
  type AskedChallenge,
  type Presentation,
  type TestOnAnswer,
} from './answer.server';
import { countsAfterReset } from './knowledge.server';
import { PositioningError } from './positioning-error.server';

type Client = PrismaClient;

const engineStateSchema = z.object({
  seed: z.string(),
  /** Competence codes of the target profile, in the order they take turns. */
  competences: z.array(z.string()),
  /** The targeted skills (frozen at the start; a profile in use by a campaign cannot change anyway). */
  targeted: z.array(z.string()),
  /** Challenges the learner had answered before (in any test): never asked again. */
  excluded: z.array(z.string()).default([]),
  locale: z.string().default('fr'),
  maxReachableLevel: z.number().int().min(1).max(8).optional(),
  /** A retry: only validated skills of the profile count as known. */
  improving: z.boolean().default(false),
});
type EngineState = z.infer<typeof engineStateSchema>;

interface AssessmentRow {
  id: string;
  userId: string;
  participationId: string | null;
  releaseId: string | null;
  parameterSetId: string | null;
  engineState: unknown;
  createdAt: Date;
}

interface OpenTest {
  row: AssessmentRow;
  engine: EngineState;
  loaded: LoadedBank[];
  /** What the engine sees. */
  context: CampaignTestContext;
  versions: Map<string, { versionId: string; body: ChallengeBody }>;
  competenceIdOf: (skillId: string) => string;
  pixOf: (skillId: string) => number;
}

const MAX_CACHED = 2000;
const restricted = new Map<string, CompetenceBank[]>();

/** The banks of the test (per competence, restricted to the targeted skills, without excluded challenges), kept per assessment. */
async function banksOf(client: Client, row: AssessmentRow, engine: EngineState): Promise<{ loaded: LoadedBank[]; banks: CompetenceBank[] }> {
  if (!row.releaseId) throw new PositioningError('no_release');
  const loaded: LoadedBank[] = [];
  for (const code of engine.competences) {
    const competence = await competenceByCode(client, code);
    if (!competence) continue;
    loaded.push(await loadBank(client, competence, row.releaseId, row.parameterSetId));
  }
  const hit = restricted.get(row.id);
  if (hit) return { loaded, banks: hit };
  const targeted = new Set(engine.targeted);
  const skip = new Set(engine.excluded);
  const banks: CompetenceBank[] = [];
  for (const l of loaded) {
    const bank = restrictBank(l.bank, targeted);
    if (bank) banks.push({ ...bank, challenges: bank.challenges.filter((c) => !skip.has(c.id)) });
  }
  restricted.set(row.id, banks);
  if (restricted.size > MAX_CACHED) restricted.delete(restricted.keys().next().value as string);
  return { loaded, banks };
}

/**
 * The learner's knowledge on the targeted skills before the test: the latest element per skill
 * created before the test and after its competence's latest reset before the test. On a retry only
 * the validated ones.
 */
async function priorKnowledge(client: Client, row: AssessmentRow, engine: EngineState): Promise<KnowledgeElement[]> {
  // Timestamps are stored without zone, in UTC (as the positioning test writes them).
  const start = row.createdAt.toISOString();
  const rows = await client.$queryRaw<{ skillId: string; status: 'validated' | 'invalidated'; source: 'direct' | 'inferred' | 'estimated' }[]>`
    SELECT k."skillId", k.status::text AS status, k.source::text AS source FROM "KnowledgeElement" k
    WHERE k."userId" = ${row.userId} AND k."skillId" = ANY(${engine.targeted}::text[]) AND k."createdAt" < ${start}::timestamp
      AND ${countsAfterReset('k', start)}
    ORDER BY k."createdAt", k.id`;
  const latest = latestKnowledgeElements(rows.map((r, i) => ({ ...r, createdAt: i })));
  return [...latest.values()].filter((k) => !engine.improving || k.status === 'validated').map((k) => ({ ...k, createdAt: 0 }));
}

async function openTest(client: Client, row: AssessmentRow): Promise<OpenTest> {
  const engine = engineStateSchema.parse(row.engineState ?? {});
  const [{ loaded, banks }, knowledgeElements] = await Promise.all([banksOf(client, row, engine), priorKnowledge(client, row, engine)]);
  const versions = new Map<string, { versionId: string; body: ChallengeBody }>();
  const competenceOfSkill = new Map<string, string>();
  const pix = new Map<string, number>();
  for (const l of loaded) {
    for (const [id, v] of l.versions) versions.set(id, v);
    for (const [id, s] of l.skills) {
      competenceOfSkill.set(id, l.competence.id);
      pix.set(id, s.pixValue);
    }
  }
  return {
    row,
    engine,
    loaded,
    context: { banks, settings: { locale: engine.locale, maxReachableLevel: engine.maxReachableLevel ?? maxReachableLevel() }, knowledgeElements },
    versions,
    competenceIdOf: (id) => competenceOfSkill.get(id) as string,
    pixOf: (id) => pix.get(id) ?? 0,
  };
}

function presentationFor(open: OpenTest, challengeId: string, progress: number): Presentation {
  const version = open.versions.get(challengeId);
  if (!version) throw new Error(`Épreuve ${challengeId} absente de la version publiée`);
  return presentationOf(open.row.id, challengeId, version.body, progress);
}

// ─────────────────────────────── Steps ───────────────────────────────

export interface CampaignChallengeStep {
  kind: 'challenge';
  assessmentId: string;
  challengeId: string;
  position: number;
  /** The learner-safe view only. */
  view: LearnerChallengeView;
  timer: number | null;
  secondsLeft: number | null;
  progress: number;
}

export type CampaignStep = CampaignChallengeStep | { kind: 'completed'; assessmentId: string } | { kind: 'none' };

function challengeStep(open: OpenTest, asked: AskedChallenge, now: Date): CampaignChallengeStep {
  const version = open.versions.get(asked.challengeId);
  if (!version) throw new Error(`Épreuve ${asked.challengeId} absente de la version publiée`);
  return {
    kind: 'challenge',
    assessmentId: open.row.id,
    challengeId: asked.challengeId,
    position: asked.position,
    ...askedView(open.row.id, asked, version.body, now),
  };
}

/** Called once a test is completed (or found completed with a participation still STARTED): results, sending. */
export type OnCompleted = (client: Client, participationId: string, now: Date) => Promise<void>;

function stateOf(open: OpenTest, asked: readonly { challengeId: string }[], answers: readonly { challengeId: string; result: string }[]): CampaignTestState {
  return replayCampaignTest({ ...open.context, answers: orderedAnswers(asked, answers) }, open.engine.seed);
}

/**
 * Starts the campaign test of a participation (or returns the one it has). The first challenge is
 * asked at once; when nothing is left to ask (every targeted skill already known), the test is
 * completed at once. Returns the assessment id and whether it is completed.
 */
export async function startCampaignTest(
  client: Client,
  input: { participationId: string; userId: string; targetProfileId: string; improving: boolean; locale: string; now: Date },
  onCompleted: OnCompleted,
): Promise<{ assessmentId: string; completed: boolean }> {
  const existing = await client.assessment.findFirst({
    where: { participationId: input.participationId, type: 'CAMPAIGN' },
    orderBy: { createdAt: 'desc' },
    select: { id: true, state: true },
  });
  if (existing) return { assessmentId: existing.id, completed: existing.state === 'COMPLETED' };
  const [facts] = await client.$queryRaw<{ releaseId: string | null; parameterSetId: string | null; excluded: string[] }[]>`
    SELECT (SELECT id FROM "Release" ORDER BY number DESC LIMIT 1) AS "releaseId",
      (SELECT id FROM "ParameterSet" WHERE active ORDER BY version DESC LIMIT 1) AS "parameterSetId",
      COALESCE((SELECT array_agg(DISTINCT x."challengeId" ORDER BY x."challengeId") FROM "Answer" x JOIN "Assessment" a ON a.id = x."assessmentId"
        WHERE a."userId" = ${input.userId} AND a.type IN ('POSITIONING', 'CAMPAIGN')), '{}') AS excluded`;
  if (!facts?.releaseId) throw new PositioningError('no_release');
  const tubes = await client.targetProfileTube.findMany({ where: { targetProfileId: input.targetProfileId }, select: { tubeId: true, maxLevel: true } });
  const cap = new Map(tubes.map((t) => [t.tubeId, t.maxLevel]));
  const skills = await client.skill.findMany({
    where: { tubeId: { in: tubes.map((t) => t.tubeId) }, status: 'actif' },
    select: { id: true, tubeId: true, level: true, tube: { select: { competence: { select: { code: true } } } } },
  });
  const targeted = skills.filter((s) => s.level <= (cap.get(s.tubeId) ?? 0));
  const competences = [...new Set(targeted.map((s) => s.tube.competence.code))].sort((a, b) => a.localeCompare(b, 'fr', { numeric: true }));
  const engineState: EngineState = {
    seed: randomText(16, 'hex'),
    competences,
    targeted: targeted.map((s) => s.id).sort(),
    excluded: facts.excluded,
    locale: input.locale,
    maxReachableLevel: maxReachableLevel(),
    improving: input.improving,
  };
  const row: AssessmentRow = {
    id: crypto.randomUUID(),
    userId: input.userId,
    participationId: input.participationId,
    releaseId: facts.releaseId,
    parameterSetId: facts.parameterSetId,
    engineState,
    createdAt: input.now,
  };
  const open = await openTest(client, row);
  const state = stateOf(open, [], []);
  const first = nextCampaignChallenge(open.context, state);
  const stamp = input.now.toISOString();
  const created = await client.$transaction(async (tx) => {
    // One test per participation: a double click must not open two.
    await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext(${`campaign-test:${input.participationId}`}))`;
    const again = await tx.assessment.findFirst({ where: { participationId: input.participationId, type: 'CAMPAIGN' }, select: { id: true, state: true } });
    if (again) return { id: again.id, completed: again.state === 'COMPLETED', fresh: false };
    await tx.assessment.create({
      data: {
        id: row.id,
        userId: row.userId,
        type: 'CAMPAIGN',
        state: first.done ? 'COMPLETED' : 'STARTED',
        participationId: row.participationId,
        releaseId: row.releaseId,
        parameterSetId: row.parameterSetId,
        engineState,
        createdAt: input.now,
        completedAt: first.done ? input.now : null,
      },
    });
    if (!first.done) {
      await tx.assessmentChallenge.create({
        data: {
          assessmentId: row.id,
          challengeId: first.challengeId,
          position: 0,
          presentation: presentationFor(open, first.challengeId, campaignTestProgress(state)),
          askedAt: new Date(stamp),
        },
      });
    }
    return { id: row.id, completed: first.done, fresh: true };
  });
  if (created.completed && created.fresh) await onCompleted(client, input.participationId, input.now);
  return { assessmentId: created.id, completed: created.completed };
}

/** The learner's campaign test for a participation: the current challenge, or completed, or none. */
export async function campaignStep(
  client: Client,
  input: { userId: string; participationId: string; now: Date },
  onCompleted: OnCompleted,
): Promise<CampaignStep> {
  const rows = await readTestsWithAnswers(
    client,
    Prisma.sql`a."participationId" = ${input.participationId} AND a."userId" = ${input.userId} AND a.type = 'CAMPAIGN' ORDER BY a."createdAt" DESC LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return { kind: 'none' };
  if (row.state === 'COMPLETED') {
    await onCompleted(client, input.participationId, input.now);
    return { kind: 'completed', assessmentId: row.id };
  }
  if (row.state !== 'STARTED') return { kind: 'none' };
  const open = await openTest(client, row);
  const asked = row.asked.map(askedFromJson);
  const last = asked[asked.length - 1];
  if (last && !row.answers.some((a) => a.challengeId === last.challengeId)) return challengeStep(open, last, input.now);
  // The last asked challenge was answered but nothing was asked after it (an interrupted write): move on.
  const state = stateOf(open, asked, row.answers);
  const next = nextCampaignChallenge(open.context, state);
  if (next.done) {
    await closeTest(client, open, state, input.now);
    await onCompleted(client, input.participationId, input.now);
    return { kind: 'completed', assessmentId: row.id };
  }
  const stored = await askChallenge(client, {
    assessmentId: row.id,
    challengeId: next.challengeId,
    position: asked.length,
    presentation: presentationFor(open, next.challengeId, campaignTestProgress(state)),
    now: input.now,
  });
  return challengeStep(open, stored, input.now);
}

async function closeTest(client: Client, open: OpenTest, state: CampaignTestState, now: Date): Promise<void> {
  const closing = finishCampaignTest(open.context, state).flatMap((c) => c.knowledgeElements);
  const stamp = new Date(now.getTime() + 1);
  await client.$transaction(async (tx) => {
    const done = await tx.assessment.updateMany({ where: { id: open.row.id, state: 'STARTED' }, data: { state: 'COMPLETED', completedAt: now } });
    if (done.count !== 1 || closing.length === 0) return;
    await tx.knowledgeElement.createMany({
      data: closing.map((ke) => ({
        userId: open.row.userId,
        skillId: ke.skillId,
        competenceId: open.competenceIdOf(ke.skillId),
        assessmentId: open.row.id,
        status: ke.status,
        source: ke.source,
        earnedPix: ke.status === 'validated' ? open.pixOf(ke.skillId) : 0,
        createdAt: stamp,
      })),
    });
  });
}

export interface CampaignAnswerOutcome {
  next: 'challenge' | 'completed';
  duplicate: boolean;
  step: CampaignChallengeStep | null;
  progress: number | null;
}

/** A campaign test as the answer path sees it. */
interface CampaignTest extends TestOnAnswer {
  open: OpenTest;
  completed: boolean;
  stored: { challengeId: string; result: string }[];
}

/**
 * The learner's answer to the asked challenge of their campaign test (the shared rules of
 * answer.server.ts): stored once with its knowledge elements and the next question (or the closing of
 * the test) in one statement.
 */
export async function submitCampaignAnswer(
  client: Client,
  input: AnswerInput & { userId: string; participationId: string; assessmentId: string },
  onCompleted: OnCompleted,
): Promise<CampaignAnswerOutcome> {
  const duplicate: CampaignAnswerOutcome = { next: 'challenge', duplicate: true, step: null, progress: null };
  return submitTestAnswer<CampaignTest, CampaignAnswerOutcome>(
    {
      kind: 'campaign',
      refuse: (code) => new PositioningError(code),
      read: async () => {
        const [row] = await readTestsWithAnswers(
          client,
          Prisma.sql`a.id = ${input.assessmentId} AND a."userId" = ${input.userId} AND a."participationId" = ${input.participationId} AND a.type = 'CAMPAIGN'`,
        );
        if (!row) return null;
        const open = await openTest(client, row);
        return {
          assessmentId: row.id,
          status: statusOfState(row.state),
          asked: row.asked.map(askedFromJson),
          answered: new Set(row.answers.map((a) => a.challengeId)),
          versionOf: (challengeId) => open.versions.get(challengeId),
          open,
          completed: row.state === 'COMPLETED',
          stored: row.answers,
        };
      },
      duplicate: async (test) => ({ ...duplicate, next: test.completed ? 'completed' : 'challenge' }),
      record: async (test, answer) => {
        const { open } = test;
        const state = stateOf(open, test.asked, test.stored);
        const { after, created } = answerKnowledge(open.context, state, { challengeId: answer.challengeId, result: answer.result }, open.engine.seed);
        const next = nextCampaignChallenge(open.context, after);
        const progress = next.done ? 1 : campaignTestProgress(after);
        const ask = next.done
          ? null
          : { challengeId: next.challengeId, position: test.asked.length, presentation: presentationFor(open, next.challengeId, progress) };
        const closing = next.done ? finishCampaignTest(open.context, after).flatMap((c) => c.knowledgeElements) : [];
        const { inserted } = await writeAnswerStatement(client, {
          assessmentId: open.row.id,
          userId: open.row.userId,
          answer,
          created: knowledgeRows(created, open.competenceIdOf, open.pixOf),
          ask,
          finish: next.done,
          closing: knowledgeRows(closing, open.competenceIdOf, open.pixOf),
        });
        // Not inserted: the same challenge was answered at the same moment by another request; that one counts.
        if (!inserted) return duplicate;
        if (!ask) {
          await onCompleted(client, input.participationId, answer.now);
          return { next: 'completed', duplicate: false, step: null, progress: 1 };
        }
        // The dashboards read the participation's progress from the test.
        await client.campaignParticipantResult.updateMany({ where: { participationId: input.participationId }, data: { progress } });
        return { next: 'challenge', duplicate: false, step: challengeStep(open, { ...ask, askedAt: answer.now }, answer.now), progress };
      },
    },
    input,
  );
}

/** Share of a participation's test done (1 once completed; 0 before the first answer). */
export async function campaignTestProgressOf(client: Pick<Client, 'assessment'>, participationId: string): Promise<number> {
  const row = await client.assessment.findFirst({
    where: { participationId, type: 'CAMPAIGN' },
    orderBy: { createdAt: 'desc' },
    select: { id: true, state: true, asked: { orderBy: { position: 'desc' }, take: 1, select: { challengeId: true, presentation: true } } },
  });
  if (!row) return 0;
  if (row.state === 'COMPLETED') return 1;
  const last = row.asked[0];
  return last ? parsePresentation(last.presentation, row.id, last.challengeId).progress : 0;
}

/**
 * The end of a competence test: level and pix, then « Réponses et tutoriels » — each question with the
 * learner's answer, the right answer, the solution explanation and the tutorials of its skill. Only for
 * a COMPLETED test: while a test is under way, nothing here is ever read.
 */
import type { PrismaClient } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import { rawRows } from '../lib/db.server';
import type { ChallengeBody, RichDoc } from '../../engine/challenges';
import { summariseResponse, summariseSolution, type ResponseSummary, type SolutionSummary } from './answer-summary';
import { tutorialCard, type TutorialCard } from './learner-tutorials.server';
import { competenceScore, type Skill } from '../../engine/framework';
import { maxReachableLevel } from '../lib/settings.server';
import { competenceByCode } from './positioning-bank.server';
import { PositioningError } from './positioning-error.server';
import { countsAfterReset } from './knowledge.server';

export interface ResultItem {
  position: number;
  challengeId: string;
  skillName: string;
  instruction: RichDoc;
  result: 'ok' | 'ko' | 'skipped' | 'timedout';
  answer: ResponseSummary;
  solution: SolutionSummary;
  explanation: RichDoc | null;
  tutorials: (TutorialCard & { kind: 'UNDERSTAND' | 'LEARN_MORE' })[];
}

/**
 * The results of the learner's latest completed test on the competence since its last reset (or of
 * `assessmentId` when given, if it is theirs and completed); null when there is none.
 */
export async function positioningResults(client: PrismaClient, input: { userId: string; competenceCode: string; assessmentId?: string | null }) {
  const competence = await competenceByCode(client, input.competenceCode);
  if (!competence) throw new PositioningError('unknown_competence');
  const { userId } = input;
  const assessmentId = input.assessmentId ?? null;
  // One statement: the test (without one named, the latest completed since the competence's last reset,
  // before which nothing counts), what it asked and the answers with the versions answered, the
  // knowledge that counts for the score, the competence's skills, the tutorials of the asked skills
  // with the learner's marks, and whether a test is under way on the competence.
  const [row] = await rawRows<ResultsRow>(
    client,
    Prisma.sql`
    WITH r AS (SELECT max("createdAt") AS at FROM "CompetenceReset" WHERE "userId" = ${userId} AND "competenceId" = ${competence.id}),
    t AS (
      SELECT a.id, a."createdAt", a."completedAt" FROM "Assessment" a, r
      WHERE a."userId" = ${userId} AND a."competenceId" = ${competence.id} AND a.type = 'POSITIONING' AND a.state = 'COMPLETED'
        AND (${assessmentId}::text IS NULL OR a.id = ${assessmentId}::text)
        AND (${assessmentId}::text IS NOT NULL OR r.at IS NULL OR a."createdAt" > r.at)
      ORDER BY a."completedAt" DESC NULLS LAST LIMIT 1
    ),
    asked AS (
      SELECT q."challengeId", q.position, c."skillId" FROM "AssessmentChallenge" q JOIN "Challenge" c ON c.id = q."challengeId"
      WHERE q."assessmentId" = (SELECT id FROM t)
    )
    SELECT t.id, t."completedAt",
      COALESCE((SELECT json_agg(json_build_object('challengeId', q."challengeId", 'position', q.position, 'skillId', q."skillId") ORDER BY q.position) FROM asked q), '[]'::json) AS asked,
      COALESCE((SELECT json_agg(json_build_object('challengeId', x."challengeId", 'result', x.result, 'value', x.value, 'body', v.body))
        FROM "Answer" x JOIN "ChallengeVersion" v ON v.id = x."challengeVersionId" WHERE x."assessmentId" = t.id), '[]'::json) AS answers,
      COALESCE((SELECT json_agg(json_build_object('skillId', k."skillId", 'status', k.status, 'source', k.source) ORDER BY k."createdAt", k.id)
        FROM "KnowledgeElement" k WHERE k."userId" = ${userId} AND k."competenceId" = ${competence.id} AND ${countsAfterReset('k')}), '[]'::json) AS kes,
      COALESCE((SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'tubeId', s."tubeId", 'level', s.level, 'status', s.status))
        FROM "Skill" s JOIN "Tube" tb ON tb.id = s."tubeId" WHERE tb."competenceId" = ${competence.id}), '[]'::json) AS skills,
      COALESCE((SELECT json_agg(json_build_object('skillId', st."skillId", 'kind', st.kind, 'id', tu.id, 'title', tu.title, 'url', tu.url, 'source', tu.source,
          'format', tu.format, 'duration', tu.duration, 'saved', ut.saved, 'useful', ut.useful) ORDER BY st.kind, st.position)
        FROM "SkillTutorial" st JOIN "Tutorial" tu ON tu.id = st."tutorialId"
        LEFT JOIN "UserTutorial" ut ON ut."tutorialId" = tu.id AND ut."userId" = ${userId}
        WHERE st."skillId" IN (SELECT "skillId" FROM asked)), '[]'::json) AS tutorials,
      EXISTS (SELECT 1 FROM "Assessment" s WHERE s."userId" = ${userId} AND s."competenceId" = ${competence.id} AND s.type = 'POSITIONING' AND s.state = 'STARTED') AS "inProgress"
    FROM r JOIN t ON true`,
  );
  if (!row) return null;
  const score = competenceScore(
    row.kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i })),
    row.skills.map((s) => ({ id: s.id, tubeId: s.tubeId, level: s.level, status: s.status, competenceCode: competence.code })),
    maxReachableLevel(),
  );
  const skillName = new Map(row.skills.map((s) => [s.id, s.name]));
  const answers = new Map(row.answers.map((a) => [a.challengeId, a]));

  const items: ResultItem[] = [];
  for (const asked of row.asked) {
    const answer = answers.get(asked.challengeId);
    if (!answer) continue;
    const body = answer.body;
    const result = answer.result === 'aband' ? 'skipped' : answer.result;
    items.push({
      position: asked.position,
      challengeId: asked.challengeId,
      skillName: skillName.get(asked.skillId) ?? '',
      instruction: body.instruction,
      result,
      answer: summariseResponse(body.answer, answer.value, result),
      solution: summariseSolution(body.answer),
      explanation: body.solutionExplanation,
      tutorials: row.tutorials
        .filter((t) => t.skillId === asked.skillId)
        .map((t) => ({ ...tutorialCard(t, t.saved === null ? null : { saved: t.saved, useful: t.useful }), kind: t.kind })),
    });
  }
  return {
    assessmentId: row.id,
    completedAt: row.completedAt,
    competence,
    level: score.level,
    pix: score.pix,
    pixToNextLevel: score.pixToNextLevel,
    progress: score.progress,
    isMaxLevel: score.isMaxLevel,
    /** A test is under way on the competence (an improvement started). */
    inProgress: row.inProgress,
    items,
  };
}

interface ResultsRow {
  id: string;
  completedAt: Date | null;
  asked: { challengeId: string; position: number; skillId: string }[];
  answers: { challengeId: string; result: 'ok' | 'ko' | 'skipped' | 'timedout' | 'aband'; value: unknown; body: ChallengeBody }[];
  kes: { skillId: string; status: 'validated' | 'invalidated'; source: 'direct' | 'inferred' | 'estimated' }[];
  skills: { id: string; name: string; tubeId: string; level: number; status: Skill['status'] }[];
  /** A tutorial of an asked skill; saved and useful are null when the learner never marked it. */
  tutorials: (Omit<TutorialCard, 'saved'> & { skillId: string; kind: 'UNDERSTAND' | 'LEARN_MORE'; saved: boolean | null })[];
  inProgress: boolean;
}

export type PositioningResults = NonNullable<Awaited<ReturnType<typeof positioningResults>>>;

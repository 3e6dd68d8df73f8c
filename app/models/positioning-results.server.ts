/**
 * The end of a competence test: level and pix, then « Réponses et tutoriels » — each question with the
 * learner's answer, the right answer, the solution explanation and the tutorials of its skill. Only for
 * a COMPLETED test: while a test is under way, nothing here is ever read.
 */
import type { PrismaClient } from '../../prisma/client';
import type { ChallengeBody, RichDoc } from '../../engine/challenges';
import { summariseResponse, summariseSolution, type ResponseSummary, type SolutionSummary } from './answer-summary';
import { tutorialCard, type TutorialCard } from './learner-tutorials.server';
import { competenceByCode, competenceScoreOf, PositioningError } from './positioning.server';

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
export async function positioningResults(
  client: PrismaClient,
  input: { userId: string; competenceCode: string; assessmentId?: string | null },
) {
  const competence = await competenceByCode(client, input.competenceCode);
  if (!competence) throw new PositioningError('unknown_competence');
  // Without a test named, the latest one since the competence's last reset (before it, nothing counts).
  const reset = input.assessmentId
    ? null
    : await client.competenceReset.findFirst({ where: { userId: input.userId, competenceId: competence.id }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  const row = await client.assessment.findFirst({
    where: {
      userId: input.userId,
      competenceId: competence.id,
      type: 'POSITIONING',
      state: 'COMPLETED',
      ...(input.assessmentId ? { id: input.assessmentId } : {}),
      ...(reset ? { createdAt: { gt: reset.createdAt } } : {}),
    },
    orderBy: { completedAt: 'desc' },
    select: {
      id: true,
      createdAt: true,
      completedAt: true,
      asked: { orderBy: { position: 'asc' }, select: { challengeId: true, position: true, challenge: { select: { skillId: true } } } },
      answers: { select: { challengeId: true, result: true, value: true, version: { select: { body: true } } } },
    },
  });
  if (!row) return null;
  const skillIds = [...new Set(row.asked.map((a) => a.challenge.skillId))];
  const [skills, score] = await Promise.all([
    client.skill.findMany({
      where: { id: { in: skillIds } },
      select: {
        id: true,
        name: true,
        tutorials: { orderBy: [{ kind: 'asc' }, { position: 'asc' }], select: { kind: true, tutorial: true } },
      },
    }),
    competenceScoreOf(client, input.userId, competence),
  ]);
  const tutorialIds = [...new Set(skills.flatMap((s) => s.tutorials.map((t) => t.tutorial.id)))];
  const mine = tutorialIds.length
    ? await client.userTutorial.findMany({ where: { userId: input.userId, tutorialId: { in: tutorialIds } } })
    : [];
  const mineById = new Map(mine.map((m) => [m.tutorialId, m]));
  const skillById = new Map(skills.map((s) => [s.id, s]));
  const answers = new Map(row.answers.map((a) => [a.challengeId, a]));

  const items: ResultItem[] = [];
  for (const asked of row.asked) {
    const answer = answers.get(asked.challengeId);
    if (!answer) continue;
    const body = answer.version.body as unknown as ChallengeBody;
    const skill = skillById.get(asked.challenge.skillId);
    const result = answer.result === 'aband' ? 'skipped' : answer.result;
    items.push({
      position: asked.position,
      challengeId: asked.challengeId,
      skillName: skill?.name ?? '',
      instruction: body.instruction,
      result,
      answer: summariseResponse(body.answer, answer.value, result),
      solution: summariseSolution(body.answer),
      explanation: body.solutionExplanation,
      tutorials: (skill?.tutorials ?? []).map((t) => ({ ...tutorialCard(t.tutorial, mineById.get(t.tutorial.id)), kind: t.kind })),
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
    items,
  };
}

export type PositioningResults = NonNullable<Awaited<ReturnType<typeof positioningResults>>>;

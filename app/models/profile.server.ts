import {
  availableAt,
  certifiability,
  improvementAllowed,
  latestKnowledgeElements,
  profile,
  resetAllowed,
  IMPROVEMENT_DELAY_DAYS,
  RESET_DELAY_DAYS,
  type KnowledgeElement,
  type Skill,
} from '../../engine/framework';
import type { PrismaClient } from '../../prisma/client';
import { db } from '../lib/db.server';
import { maxReachableLevel } from '../lib/settings.server';
import { countingKnowledge } from './knowledge.server';
import { tutorialCard, type TutorialCard } from './learner-tutorials.server';

/** Recommended tutorials shown on the profile, at most. */
export const MAX_RECOMMENDED_TUTORIALS = 8;

export type CompetenceState = 'new' | 'started' | 'completed';

/**
 * A learner's profile: the 16 competences with level and pix from their knowledge elements (after each
 * competence's reset point), what the learner may do on each (start, resume, improve after 4 days,
 * reset after 7), whether they are certifiable, tutorials recommended for the skills they did not
 * master, and their saved tutorials.
 */
export async function learnerProfile(userId: string, now: Date = new Date(), client: PrismaClient = db()) {
  const [competences, skills, knowledge, assessments, userTutorials] = await Promise.all([
    client.competence.findMany({ orderBy: { code: 'asc' }, include: { area: true } }),
    client.skill.findMany({
      select: { id: true, name: true, tubeId: true, level: true, status: true, tube: { select: { competence: { select: { code: true } } } } },
    }),
    countingKnowledge(client, userId),
    client.assessment.findMany({
      where: { userId, type: 'POSITIONING', state: { in: ['STARTED', 'COMPLETED'] } },
      orderBy: { createdAt: 'asc' },
      select: { id: true, competenceId: true, state: true, createdAt: true, completedAt: true, _count: { select: { answers: true } } },
    }),
    client.userTutorial.findMany({ where: { userId }, include: { tutorial: true }, orderBy: { updatedAt: 'desc' } }),
  ]);
  const engineSkills: Skill[] = skills.map((s) => ({ id: s.id, tubeId: s.tubeId, competenceCode: s.tube.competence.code, level: s.level, status: s.status }));
  const engineKes: KnowledgeElement[] = knowledge.kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i }));
  const maxLevel = maxReachableLevel();
  const result = profile(
    engineKes,
    engineSkills,
    maxLevel,
    competences.map((c) => c.code),
  );
  const levels = result.competences.map((c) => ({ competenceCode: c.competenceCode, level: c.level }));

  const lastKnowledgeAt = new Map<string, Date>();
  for (const k of knowledge.kes) lastKnowledgeAt.set(k.competenceId, k.createdAt);

  const userTutorialById = new Map(userTutorials.map((u) => [u.tutorialId, u]));

  // Tutorials for the skills whose latest element is invalidated ("to understand" ones first).
  const latest = latestKnowledgeElements(engineKes);
  const invalidated = [...latest.values()].filter((ke) => ke.status === 'invalidated').map((ke) => ke.skillId);
  const links = invalidated.length
    ? await client.skillTutorial.findMany({
        where: { skillId: { in: invalidated } },
        include: { tutorial: true, skill: { select: { name: true } } },
        orderBy: [{ kind: 'asc' }, { position: 'asc' }],
      })
    : [];
  const recommended: (TutorialCard & { skillName: string })[] = [];
  const seen = new Set<string>();
  for (const link of links) {
    if (seen.has(link.tutorialId)) continue;
    seen.add(link.tutorialId);
    recommended.push({ ...tutorialCard(link.tutorial, userTutorialById.get(link.tutorialId)), skillName: link.skill.name });
    if (recommended.length >= MAX_RECOMMENDED_TUTORIALS) break;
  }

  return {
    maxLevel,
    totalPix: result.totalPix,
    maxPix: result.maxPix,
    certifiability: certifiability(
      levels,
      competences.map((c) => c.code),
    ),
    recommended,
    saved: userTutorials.filter((u) => u.saved).map((u) => tutorialCard(u.tutorial, u)),
    competences: competences.map((c) => {
      const score = result.competences.find((s) => s.competenceCode === c.code)!;
      const reset = knowledge.resets.get(c.id) ?? null;
      const mine = assessments.filter((a) => a.competenceId === c.id && (!reset || a.createdAt > reset));
      const started = mine.find((a) => a.state === 'STARTED') ?? null;
      const completed = mine.filter((a) => a.state === 'COMPLETED').at(-1) ?? null;
      const lastKe = lastKnowledgeAt.get(c.id) ?? null;
      const completedAt = completed?.completedAt ?? null;
      const state: CompetenceState = started ? 'started' : completed || lastKe ? 'completed' : 'new';
      return {
        code: c.code,
        titleFr: c.titleFr,
        titleEn: c.titleEn,
        area: { code: c.area.code, titleFr: c.area.titleFr, titleEn: c.area.titleEn },
        level: score.level,
        pix: score.pix,
        pixToNextLevel: score.pixToNextLevel,
        progress: score.progress,
        state,
        /** Questions already answered in the test under way. */
        answered: started?._count.answers ?? 0,
        hasResults: completed !== null,
        canImprove: state === 'completed' && improvementAllowed(completedAt, now),
        improveFrom: state === 'completed' && !improvementAllowed(completedAt, now) ? availableAt(completedAt, IMPROVEMENT_DELAY_DAYS) : null,
        canReset: lastKe !== null && resetAllowed(lastKe, now),
        resetFrom: lastKe !== null && !resetAllowed(lastKe, now) ? availableAt(lastKe, RESET_DELAY_DAYS) : null,
      };
    }),
  };
}

export type LearnerProfile = Awaited<ReturnType<typeof learnerProfile>>;

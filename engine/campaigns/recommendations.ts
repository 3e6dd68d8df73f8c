/**
 * Recommended topics (sujets à travailler), with Pix Orga's formula. Per participant and targeted tube T:
 *   40/maxDiff(T)·reached + 30/maxSkillLevel·maxDiff(T) + 20/|skills(T)|·validated + 10/nextLevel·reached
 * (last term 0 when nothing is validated), averaged over participants; lowest score = most needed.
 */
import type { TargetedSkill, TubeResults } from './results';

export interface TubeShape {
  tubeId: string;
  /** Targeted levels of the tube, ascending. */
  levels: number[];
}

export function tubeShapes(targeted: readonly TargetedSkill[]): TubeShape[] {
  const by = new Map<string, number[]>();
  for (const s of targeted) {
    const levels = by.get(s.tubeId) ?? [];
    levels.push(s.level);
    by.set(s.tubeId, levels);
  }
  return [...by.entries()].map(([tubeId, levels]) => ({ tubeId, levels: levels.sort((a, b) => a - b) }));
}

/**
 * The next level to reach in a tube: the lowest targeted level above `reached`; when every targeted
 * level is reached, the tube's top level.
 */
export function nextLevelToReach(shape: TubeShape, reached: number): number {
  const next = shape.levels.find((l) => l > reached);
  return next ?? shape.levels[shape.levels.length - 1] ?? 1;
}

/** One participant's score on one tube, 0–100. */
export function recommendationScore(shape: TubeShape, maxSkillLevel: number, reached: number, validated: number): number {
  const maxDiff = shape.levels[shape.levels.length - 1] ?? 0;
  if (maxDiff === 0 || maxSkillLevel === 0) return 0;
  const count = shape.levels.length;
  const levelScore = (40 / maxDiff) * reached;
  const difficultyScore = (30 / maxSkillLevel) * maxDiff;
  const progressScore = (20 / count) * validated;
  const nextLevelScore = validated === 0 ? 0 : (10 / nextLevelToReach(shape, reached)) * reached;
  return levelScore + difficultyScore + progressScore + nextLevelScore;
}

/** ≤ 25 → 4 dots, ≤ 50 → 3, ≤ 75 → 2, else 1. */
export function recommendationDots(score: number): 1 | 2 | 3 | 4 {
  if (score <= 25) return 4;
  if (score <= 50) return 3;
  if (score <= 75) return 2;
  return 1;
}

export interface TubeRecommendation {
  tubeId: string;
  score: number;
  dots: 1 | 2 | 3 | 4;
}

/**
 * Every targeted tube with its averaged score and dots, lowest score first (ties by tube id, so the
 * order is stable). Without participants, each tube scores as if nothing were validated.
 */
export function recommendedTopics(targeted: readonly TargetedSkill[], participants: readonly { tubes: TubeResults }[]): TubeRecommendation[] {
  const shapes = tubeShapes(targeted);
  const maxSkillLevel = Math.max(0, ...targeted.map((s) => s.level));
  return shapes
    .map((shape) => {
      let sum = 0;
      const list = participants.length ? participants : [{ tubes: {} as TubeResults }];
      for (const p of list) {
        const t = p.tubes[shape.tubeId];
        sum += recommendationScore(shape, maxSkillLevel, t?.reached ?? 0, t?.validated ?? 0);
      }
      const score = sum / list.length;
      return { tubeId: shape.tubeId, score, dots: recommendationDots(score) };
    })
    .sort((a, b) => a.score - b.score || (a.tubeId < b.tubeId ? -1 : 1));
}

/**
 * Competences to target in a next campaign: the competences whose tubes score lowest on average,
 * lowest first, with the mean of their tubes' scores.
 */
export function competencesToTarget(
  recommendations: readonly TubeRecommendation[],
  competenceOfTube: (tubeId: string) => string,
): { competence: string; score: number; dots: 1 | 2 | 3 | 4 }[] {
  const by = new Map<string, number[]>();
  for (const r of recommendations) {
    const c = competenceOfTube(r.tubeId);
    by.set(c, [...(by.get(c) ?? []), r.score]);
  }
  return [...by.entries()]
    .map(([competence, scores]) => {
      const score = scores.reduce((a, b) => a + b, 0) / scores.length;
      return { competence, score, dots: recommendationDots(score) };
    })
    .sort((a, b) => a.score - b.score || (a.competence < b.competence ? -1 : 1));
}

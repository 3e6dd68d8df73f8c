/**
 * Baseline for comparison only: Pix's rule-based "smart random" positioning, as described in
 * docs/domain/pix-algorithms.md (our own implementation of the published rules).
 *
 * - A skill's difficulty is its level. The learner's level is estimated on 0.5, 1, …, 7.5: the candidate
 *   λ making Σ(outcome − P) over the directly asked skills closest to 0, P = 1/(1 + exp(−(λ − level))),
 *   with a pseudo success at difficulty 0 and a pseudo failure at difficulty 7 added.
 * - First challenge: untested skills, preferring easy tubes (top level ≤ 3), untimed, of level 2
 *   (else the lowest level).
 * - Next: untested skills (no knowledge element, direct or inferred), at most 2 levels above λ and at
 *   most maxReachableLevel, no timed challenge right after a time-out; reward p·(untested easier-or-equal
 *   skills of the tube) + (1 − p)·(untested harder-or-equal skills of the tube), p the success
 *   probability at λ; a skill drawn among the highest rewards, then one of its challenges.
 * - The test ends when no skill with a positive reward is left (no maximum length).
 * Knowledge elements: direct and tube-inferred; pix and level by the framework's rules.
 *
 * Of the settings it uses maxReachableLevel, locale and firstChallengeLevel only.
 */
import { competenceScore, inferKnowledgeElements, latestKnowledgeElements, type KnowledgeElement, type Skill } from '../framework';
import type { RandomGenerator } from '../random';
import { openSession, reachableSkills, servableChallenges, type Session } from './bank';
import type { NextChallenge, PositioningAnswer, PositioningChallenge, PositioningInput } from './types';

/** Candidate levels of the estimate. */
export const SMART_RANDOM_LEVELS: readonly number[] = Array.from({ length: 15 }, (_, i) => 0.5 + 0.5 * i);
/** Easy tubes: top level at most this. */
export const SMART_RANDOM_EASY_TUBE_MAX_LEVEL = 3;

export interface SmartRandomState {
  answers: PositioningAnswer[];
  /** Direct and inferred knowledge elements of this session. */
  knowledgeElements: KnowledgeElement[];
  /** The level estimate λ. */
  predictedLevel: number;
  pix: number;
  level: number;
}

function successProbability(level: number, difficulty: number): number {
  return 1 / (1 + Math.exp(-(level - difficulty)));
}

/** λ from the outcomes of directly asked skills (difficulty = level, outcome 1 = validated). */
export function smartRandomPredictedLevel(direct: readonly { difficulty: number; outcome: 0 | 1 }[]): number {
  const answers = [...direct, { difficulty: 0, outcome: 1 as const }, { difficulty: 7, outcome: 0 as const }];
  let best = SMART_RANDOM_LEVELS[0] as number;
  let bestGap = Infinity;
  for (const level of SMART_RANDOM_LEVELS) {
    let sum = 0;
    for (const a of answers) sum += a.outcome - successProbability(level, a.difficulty);
    const gap = Math.abs(sum);
    if (gap < bestGap - 1e-12) {
      best = level;
      bestGap = gap;
    }
  }
  return best;
}

function allKnowledge(session: Session, state: Pick<SmartRandomState, 'knowledgeElements'>): KnowledgeElement[] {
  return [...session.priorKnowledge, ...state.knowledgeElements];
}

function summarise(session: Session, answers: PositioningAnswer[], knowledgeElements: KnowledgeElement[]): SmartRandomState {
  const { cb, settings } = session;
  const all = [...session.priorKnowledge, ...knowledgeElements];
  const direct = [...latestKnowledgeElements(all.filter((ke) => ke.source === 'direct')).values()].map((ke) => ({
    difficulty: (cb.skillById.get(ke.skillId) as Skill).level,
    outcome: ke.status === 'validated' ? (1 as const) : (0 as const),
  }));
  const score = competenceScore(all, cb.bank.skills, settings.maxReachableLevel);
  return { answers, knowledgeElements, predictedLevel: smartRandomPredictedLevel(direct), pix: score.pix, level: score.level };
}

export function smartRandomStartState(session: Session): SmartRandomState {
  return summarise(session, [], []);
}

export function smartRandomApplyAnswer(session: Session, state: SmartRandomState, answer: PositioningAnswer): SmartRandomState {
  const { cb } = session;
  const challenge = cb.challengeById.get(answer.challengeId);
  if (!challenge) throw new RangeError(`smart random: unknown challenge ${answer.challengeId}`);
  const skill = cb.skillById.get(challenge.skillId) as Skill;
  const created = inferKnowledgeElements(cb.skillsByTube.get(skill.tubeId) ?? [], skill, answer.result === 'ok', {
    existing: allKnowledge(session, state),
    createdAt: answer.createdAt ?? state.answers.length + 1,
  });
  return summarise(session, [...state.answers, { ...answer }], [...state.knowledgeElements, ...created]);
}

export function smartRandomChoose(session: Session, state: SmartRandomState, rng: RandomGenerator): NextChallenge {
  const { cb, settings } = session;
  const tested = new Set(allKnowledge(session, state).map((ke) => ke.skillId));
  const asked = new Set(state.answers.map((a) => a.challengeId));
  const reachable = reachableSkills(session);
  const servable = servableChallenges(session).filter((c) => !asked.has(c.id));
  const servableSkills = new Set(servable.map((c) => c.skillId));
  if (servableSkills.size > 0 && [...servableSkills].every((id) => tested.has(id))) return { done: true, reason: 'all_known' };

  const last = state.answers[state.answers.length - 1];
  const afterTimeout = last?.result === 'timedout';
  const challengesOf = new Map<string, PositioningChallenge[]>();
  for (const c of servable) {
    if (tested.has(c.skillId) || (afterTimeout && c.timed)) continue;
    const list = challengesOf.get(c.skillId) ?? [];
    list.push(c);
    challengesOf.set(c.skillId, list);
  }
  const untestedByTube = new Map<string, Skill[]>();
  for (const s of reachable) {
    if (tested.has(s.id)) continue;
    const list = untestedByTube.get(s.tubeId) ?? [];
    list.push(s);
    untestedByTube.set(s.tubeId, list);
  }
  let skills = reachable.filter((s) => challengesOf.has(s.id));
  const byId = (x: Skill, y: Skill) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

  let chosen: Skill | undefined;
  if (state.answers.length === 0) {
    const topLevel = new Map<string, number>();
    for (const s of reachable) topLevel.set(s.tubeId, Math.max(topLevel.get(s.tubeId) ?? 0, s.level));
    const easy = skills.filter((s) => (topLevel.get(s.tubeId) as number) <= SMART_RANDOM_EASY_TUBE_MAX_LEVEL);
    if (easy.length > 0) skills = easy;
    const untimed = skills.filter((s) => (challengesOf.get(s.id) as PositioningChallenge[]).some((c) => !c.timed));
    if (untimed.length > 0) skills = untimed;
    if (skills.length === 0) return { done: true, reason: 'no_challenge' };
    const atDefault = skills.filter((s) => s.level === settings.firstChallengeLevel);
    const lowest = Math.min(...skills.map((s) => s.level));
    const pool = (atDefault.length > 0 ? atDefault : skills.filter((s) => s.level === lowest)).sort(byId);
    chosen = pool[Math.floor(rng.next() * pool.length)] as Skill;
    const challenges = (challengesOf.get(chosen.id) as PositioningChallenge[]).filter((c) => !c.timed);
    const pick = challenges.length > 0 ? challenges : (challengesOf.get(chosen.id) as PositioningChallenge[]);
    return { done: false, challengeId: (pick[Math.floor(rng.next() * pick.length)] as PositioningChallenge).id, reason: 'smart_random' };
  }

  const lambda = state.predictedLevel;
  skills = skills.filter((s) => s.level - lambda <= 2);
  let bestReward = 0;
  let best: Skill[] = [];
  for (const s of skills.sort(byId)) {
    const p = successProbability(lambda, s.level);
    const tube = untestedByTube.get(s.tubeId) ?? [];
    const easier = tube.filter((t) => t.level <= s.level).length;
    const harder = tube.filter((t) => t.level >= s.level).length;
    const reward = p * easier + (1 - p) * harder;
    if (reward > bestReward + 1e-12) {
      bestReward = reward;
      best = [s];
    } else if (reward > 0 && Math.abs(reward - bestReward) <= 1e-12) {
      best.push(s);
    }
  }
  if (best.length === 0) return { done: true, reason: 'no_challenge' };
  chosen = best[Math.floor(rng.next() * best.length)] as Skill;
  const challenges = (challengesOf.get(chosen.id) as PositioningChallenge[]).slice().sort((x, y) => (x.id < y.id ? -1 : 1));
  return {
    done: false,
    challengeId: (challenges[Math.floor(rng.next() * challenges.length)] as PositioningChallenge).id,
    reason: 'smart_random',
  };
}

/** The smart-random state re-derived from the answers. */
export function smartRandomReplay(input: PositioningInput): SmartRandomState {
  const session = openSession(input);
  let state = smartRandomStartState(session);
  for (const answer of input.answers) state = smartRandomApplyAnswer(session, state, answer);
  return state;
}

/** The next challenge by Pix's smart-random rules (baseline), or why the test is over. */
export function smartRandomNext(input: PositioningInput, rng: RandomGenerator): NextChallenge {
  return smartRandomChoose(openSession(input), smartRandomReplay(input), rng);
}

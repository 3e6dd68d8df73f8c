/**
 * Choosing the next challenge, and deciding when the session is over.
 */
import type { Skill } from '../framework';
import { itemInformation, type ItemParameters } from '../irt';
import { createRandom, type RandomGenerator } from '../random';
import { openSession, provisionalParameters, servableChallenges, type Session } from './bank';
import { knownKnowledge, firmKnowledge, levelByNode, nearestNode, openSkills, replay } from './session';
import type { NextChallenge, PositioningChallenge, PositioningContext, PositioningInput, PositioningState } from './types';

/**
 * The generator for step `step` (= number of answers so far) of a session seeded with `seed`: asking
 * twice at the same point (a reload, a retry) gives the same challenge, with nothing stored but the seed.
 */
export function stepRandom(seed: string | number, step: number): RandomGenerator {
  return createRandom(`${String(seed)}#${step}`);
}

/**
 * Randomesque exposure control: `ranked` best first; take the first with probability p, else recurse
 * on the rest, among the best k (the k-th takes what is left). The best is chosen most often.
 */
export function randomesque<T>(ranked: readonly T[], k: number, p: number, rng: RandomGenerator): T {
  if (ranked.length === 0) throw new RangeError('randomesque: nothing to choose from');
  const top = Math.min(k, ranked.length);
  for (let i = 0; i < top - 1; i++) if (rng.next() < p) return ranked[i] as T;
  return ranked[top - 1] as T;
}

/** Challenges ranked by information at θ, best first (ties by id, so the order is reproducible). */
function rankByInformation(
  challenges: readonly PositioningChallenge[],
  theta: number,
  params: (c: PositioningChallenge) => ItemParameters,
): PositioningChallenge[] {
  return challenges
    .map((c) => ({ c, info: itemInformation(params(c), theta) }))
    .sort((x, y) => y.info - x.info || (x.c.id < y.c.id ? -1 : x.c.id > y.c.id ? 1 : 0))
    .map((x) => x.c);
}

/** Why the session is over, or null when it goes on. */
function stopReason(session: Session, state: PositioningState, servable: readonly PositioningChallenge[]): NextChallenge | null {
  const { settings } = session;
  if (state.answers.length >= settings.maxLength) return { done: true, reason: 'max_length' };
  const known = new Set([...knownKnowledge(session, state), ...state.estimatedKnowledgeElements].map((ke) => ke.skillId));
  const servableSkills = new Set(servable.map((c) => c.skillId));
  if (servableSkills.size === 0) return { done: true, reason: 'no_challenge' };
  if ([...servableSkills].every((id) => known.has(id))) return { done: true, reason: 'all_known' };
  // Certainty needs evidence: at least one calibrated answer (before it, θ is the population prior).
  if (state.answers.length >= settings.minLength && state.calibratedAnswerCount > 0) {
    if (Math.max(...state.levelProbabilities) >= settings.levelCertainty) return { done: true, reason: 'level_certain' };
    if (state.sd <= settings.seStop) return { done: true, reason: 'level_certain' };
  }
  return null;
}

/**
 * The challenges the next question may be drawn from, before the tube turn and the first-question
 * rule: servable, not asked yet, skill unknown (no earlier, direct, inferred or estimated knowledge
 * element) and within reach; untimed only right after a time-out when untimed ones remain.
 */
export function candidateChallenges(session: Session, state: PositioningState): PositioningChallenge[] {
  const { cb, settings } = session;
  const asked = new Set(state.answers.map((a) => a.challengeId));
  const firm = firmKnowledge(session, state);
  const known = new Set([...knownKnowledge(session, state), ...state.estimatedKnowledgeElements].map((ke) => ke.skillId));
  // The current estimated level: the level at θ̂ (EAP) with the open skills settled by θ̂.
  const estimatedLevel = levelByNode(session, firm, openSkills(session, firm))[nearestNode(session, state.theta)] as number;
  let candidates = servableChallenges(session).filter((c) => {
    const skill = cb.skillById.get(c.skillId) as Skill;
    return !asked.has(c.id) && !known.has(skill.id) && skill.level <= estimatedLevel + settings.reachAboveLevel;
  });
  const last = state.answers[state.answers.length - 1];
  if (last?.result === 'timedout' && candidates.some((c) => !c.timed)) candidates = candidates.filter((c) => !c.timed);
  return candidates;
}

function choose(session: Session, state: PositioningState, rng: RandomGenerator): NextChallenge {
  const { cb, settings } = session;
  const asked = new Set(state.answers.map((a) => a.challengeId));
  const stop = stopReason(session, state, servableChallenges(session).filter((c) => !asked.has(c.id)));
  if (stop) return stop;
  let candidates = candidateChallenges(session, state);
  if (candidates.length === 0) return { done: true, reason: 'no_challenge' };
  const skillOf = (c: PositioningChallenge) => cb.skillById.get(c.skillId) as Skill;
  const last = state.answers[state.answers.length - 1];

  if (state.answers.length === 0) {
    // First challenge: an easy one, untimed, calibrated when possible, at the level nearest to
    // firstChallengeLevel (the lower on a tie), drawn uniformly.
    let pool = candidates.some((c) => !c.timed) ? candidates.filter((c) => !c.timed) : candidates;
    if (pool.some((c) => c.params)) pool = pool.filter((c) => c.params);
    const distance = (c: PositioningChallenge) => {
      const gap = skillOf(c).level - settings.firstChallengeLevel;
      return gap >= 0 ? 2 * gap : -2 * gap - 1;
    };
    const best = Math.min(...pool.map(distance));
    const level = pool.filter((c) => distance(c) === best).sort((x, y) => (x.id < y.id ? -1 : 1));
    return { done: false, challengeId: (level[Math.floor(rng.next() * level.length)] as PositioningChallenge).id, reason: 'first' };
  }

  // A turn through the tubes: not the last answer's tube when another tube has candidates.
  const lastTube = cb.skillById.get(cb.challengeById.get((last as { challengeId: string }).challengeId)?.skillId ?? '')?.tubeId;
  if (candidates.some((c) => skillOf(c).tubeId !== lastTube)) candidates = candidates.filter((c) => skillOf(c).tubeId !== lastTube);

  const calibrated = candidates.filter((c) => c.params);
  const uncalibrated = candidates.filter((c) => !c.params);
  const provisional = (c: PositioningChallenge) => provisionalParameters(skillOf(c).level);
  const pick = (pool: PositioningChallenge[], params: (c: PositioningChallenge) => ItemParameters) => {
    const ranked = rankByInformation(pool, state.theta, params);
    return randomesque(ranked, settings.exposureTopK, settings.exposurePickProbability, rng).id;
  };

  const coin = rng.next();
  if (uncalibrated.length > 0 && state.pretestAnswerCount < settings.maxPretest && coin < settings.pretestRate) {
    return { done: false, challengeId: pick(uncalibrated, provisional), reason: 'pretest' };
  }
  if (calibrated.length > 0) {
    return { done: false, challengeId: pick(calibrated, (c) => c.params as ItemParameters), reason: 'information' };
  }
  // Nothing calibrated left: serve uncalibrated ones by their provisional difficulty (θ will not move).
  return { done: false, challengeId: pick(uncalibrated, provisional), reason: 'uncalibrated' };
}

/** The next challenge for a session in a known state (incremental use: a simulation, a cached state). */
export function chooseNext(context: PositioningContext, state: PositioningState, rng: RandomGenerator): NextChallenge {
  return choose(openSession(context), state, rng);
}

/**
 * The next challenge of the session, or why it is over. Candidates: live challenges in the learner's
 * language, of an active skill that is still unknown (no earlier, direct, inferred or estimated
 * knowledge element), at most maxReachableLevel and at most reachAboveLevel levels above the current
 * estimated level, not timed right after a time-out. The first is easy; then the most informative at
 * θ̂ with randomesque exposure control, not in the last answer's tube when another tube has candidates;
 * now and then (pretestRate) an uncalibrated one.
 */
export function nextChallenge(input: PositioningInput, rng: RandomGenerator): NextChallenge {
  const session = openSession(input);
  return choose(session, replay(input), rng);
}

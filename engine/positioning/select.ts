/**
 * Choosing the next challenge, and deciding when the session is over.
 */
import type { Skill } from '../framework';
import { itemInformation, probability, type ItemParameters } from '../irt';
import { createRandom, type RandomGenerator } from '../random';
import { openSession, provisionalParameters, servableChallenges, type Session } from './bank';
import { firmKnowledge, knownKnowledge, levelByNode, nearestNode, openSkills, replay, thetaMayValidate } from './session';
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

/**
 * Calibrated challenges ranked by the mutual information between the final level and their answer,
 * best first: I(L; Y) = H(L) − E_Y[H(L | Y)], with P(L = ℓ) the posterior mass of the nodes where the
 * level is ℓ (`levels`) and P(Y = 1 | node) the challenge's success curve. Ties by Fisher information at
 * θ̂, then by id. Only the expected conditional entropy depends on the challenge, so it alone is ranked.
 */
export function rankByLevelInformation(
  session: Session,
  challenges: readonly PositioningChallenge[],
  posterior: readonly number[],
  levels: Int32Array,
  theta: number,
): PositioningChallenge[] {
  const { nodes } = session.cb;
  const L = session.settings.maxReachableLevel + 1;
  const m1 = new Float64Array(L);
  const m0 = new Float64Array(L);
  const h = (m: Float64Array, total: number) => {
    let sum = 0;
    if (total <= 0) return 0;
    for (let l = 0; l < L; l++) {
      const x = (m[l] as number) / total;
      if (x > 0) sum -= x * Math.log(x);
    }
    return total * sum;
  };
  return challenges
    .map((c) => {
      const params = c.params as ItemParameters;
      m1.fill(0);
      m0.fill(0);
      let t1 = 0;
      for (let q = 0; q < nodes.length; q++) {
        const w = posterior[q] as number;
        if (w < 1e-12) continue;
        const p = probability(params, nodes[q] as number);
        const l = levels[q] as number;
        m1[l] = (m1[l] as number) + w * p;
        m0[l] = (m0[l] as number) + w * (1 - p);
        t1 += w * p;
      }
      const conditional = h(m1, t1) + h(m0, 1 - t1);
      return { c, conditional, info: itemInformation(params, theta) };
    })
    .sort((x, y) => x.conditional - y.conditional || y.info - x.info || (x.c.id < y.c.id ? -1 : x.c.id > y.c.id ? 1 : 0))
    .map((x) => x.c);
}

/**
 * The level-certainty stop: the most probable level holds at least `levelCertainty` of the posterior,
 * and that level or a neighbour at least `withinOneCertainty`.
 */
export function levelIsCertain(levelProbabilities: readonly number[], levelCertainty: number, withinOneCertainty: number): boolean {
  let best = 0;
  for (let l = 1; l < levelProbabilities.length; l++) if ((levelProbabilities[l] as number) > (levelProbabilities[best] as number)) best = l;
  if ((levelProbabilities[best] as number) < levelCertainty) return false;
  const near = (levelProbabilities[best - 1] ?? 0) + (levelProbabilities[best] as number) + (levelProbabilities[best + 1] ?? 0);
  return near >= withinOneCertainty;
}

/** Why the session is over before any choice (length, nothing servable, everything known), or null. */
function hardStop(session: Session, state: PositioningState, servable: readonly PositioningChallenge[]): NextChallenge | null {
  const { settings } = session;
  if (state.answers.length >= settings.maxLength) return { done: true, reason: 'max_length' };
  const known = askedOrSettled(session, state);
  const servableSkills = new Set(servable.map((c) => c.skillId));
  if (servableSkills.size === 0) return { done: true, reason: 'no_challenge' };
  if ([...servableSkills].every((id) => known.has(id))) return { done: true, reason: 'all_known' };
  return null;
}

/** The level is settled to the stated certainty (most probable level, within-one, or SD of θ). */
function certain(session: Session, state: PositioningState): boolean {
  const { settings } = session;
  // Certainty needs evidence: at least one calibrated answer (before it, θ is the population prior).
  if (state.answers.length < settings.minLength || state.calibratedAnswerCount === 0) return false;
  // No ceiling seen yet: a learner who answered everything right is asked on (decision 017).
  if (state.answers.every((a) => a.result === 'ok')) return false;
  return levelIsCertain(state.levelProbabilities, settings.levelCertainty, settings.withinOneCertainty) || state.sd <= settings.seStop;
}

/** The highest level of a skill answered right in the session (0 when none). */
export function highestRightLevel(session: Session, state: Pick<PositioningState, 'answers'>): number {
  let h = 0;
  for (const a of state.answers) {
    if (a.result !== 'ok') continue;
    const skill = session.cb.skillById.get(session.cb.challengeById.get(a.challengeId)?.skillId ?? '');
    if (skill && skill.level > h) h = skill.level;
  }
  return h;
}

/**
 * The candidates at the levels still to try before the test may stop on certainty: levels from one
 * above the highest right answer up to `tryLevelsAbove` above it (at most maxReachableLevel) with no
 * answer in the session. Empty when every such level was tried or has no candidate.
 */
export function untriedLevelCandidates(session: Session, state: PositioningState, candidates: readonly PositioningChallenge[]): PositioningChallenge[] {
  const { cb, settings } = session;
  const h = highestRightLevel(session, state);
  const top = Math.min(settings.maxReachableLevel, h + settings.tryLevelsAbove);
  const tried = new Set<number>();
  for (const a of state.answers) {
    const skill = cb.skillById.get(cb.challengeById.get(a.challengeId)?.skillId ?? '');
    if (skill) tried.add(skill.level);
  }
  return candidates.filter((c) => {
    const level = (cb.skillById.get(c.skillId) as Skill).level;
    return level > h && level <= top && !tried.has(level);
  });
}

/**
 * Skills that are not asked any more: those with an earlier, direct or estimated knowledge element, and
 * those with an inferred one unless `askInferredSkills` (a direct answer is the stronger evidence).
 */
function askedOrSettled(session: Session, state: PositioningState): Set<string> {
  const askInferred = session.settings.askInferredSkills;
  const known = new Set<string>();
  for (const ke of knownKnowledge(session, state)) if (!askInferred || ke.source !== 'inferred') known.add(ke.skillId);
  for (const ke of state.estimatedKnowledgeElements) known.add(ke.skillId);
  return known;
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
  const known = askedOrSettled(session, state);
  // The current estimated level: the level at θ̂ (EAP) with the open skills settled by θ̂ (as the
  // evidence rules allow: no validation by θ before a right answer).
  const estimatedLevel = levelByNode(session, firm, openSkills(session, firm), thetaMayValidate(state))[nearestNode(session, state.theta)] as number;
  // Reach counts from the higher of that level and the highest skill level answered right: in a bank with
  // few skills per level the pix level lags the skills, and a right answer must open the levels above it.
  const reachFrom = Math.max(estimatedLevel, highestRightLevel(session, state));
  let candidates = servableChallenges(session).filter((c) => {
    const skill = cb.skillById.get(c.skillId) as Skill;
    return !asked.has(c.id) && !known.has(skill.id) && skill.level <= reachFrom + settings.reachAboveLevel;
  });
  const last = state.answers[state.answers.length - 1];
  if (last?.result === 'timedout' && candidates.some((c) => !c.timed)) candidates = candidates.filter((c) => !c.timed);
  return candidates;
}

function choose(session: Session, state: PositioningState, rng: RandomGenerator): NextChallenge {
  const { cb, settings } = session;
  const asked = new Set(state.answers.map((a) => a.challengeId));
  const stop = hardStop(
    session,
    state,
    servableChallenges(session).filter((c) => !asked.has(c.id)),
  );
  if (stop) return stop;
  let candidates = candidateChallenges(session, state);
  if (candidates.length === 0) return { done: true, reason: 'no_challenge' };
  // The level is settled: stop, unless a level above the last right answer is still to try; then ask there.
  if (certain(session, state)) {
    const untried = untriedLevelCandidates(session, state, candidates);
    if (untried.length === 0) return { done: true, reason: 'level_certain' };
    candidates = untried;
  }
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
    if (settings.selection === 'level') {
      const firm = firmKnowledge(session, state);
      const levels = levelByNode(session, firm, openSkills(session, firm), thetaMayValidate(state));
      const ranked = rankByLevelInformation(session, calibrated, state.posterior, levels, state.theta);
      const id = randomesque(ranked, settings.exposureTopK, settings.exposurePickProbability, rng).id;
      return { done: false, challengeId: id, reason: 'information' };
    }
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

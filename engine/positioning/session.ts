/**
 * The state of a positioning session, derived from its answers: knowledge elements (direct, inferred,
 * estimated), the posterior of θ on a grid, the probabilities of the final level, pix and level.
 */
import { competenceScore, inferKnowledgeElements, type CompetenceScore, type KnowledgeElement, type Skill } from '../framework';
import { summarisePosterior, updatePosterior } from '../irt';
import { openSession, reachableSkills, type Session } from './bank';
import type { PositioningAnswer, PositioningContext, PositioningInput, PositioningState } from './types';

/** Earlier knowledge elements and this session's direct and inferred ones: what makes a skill known. */
export function knownKnowledge(session: Session, state: Pick<PositioningState, 'knowledgeElements'>): KnowledgeElement[] {
  return [...session.priorKnowledge, ...state.knowledgeElements];
}

/**
 * The evidence rules (README, "Evidence rules"; decision 017), stated once:
 * 1. the knowledge elements of the answers stand: a direct one for the asked skill, inferred ones by the
 *    tube rule (a right answer validates the easier untested skills of its tube, a wrong one invalidates
 *    the harder ones). So a skill answered wrong in the session is never validated in it, and a skill is
 *    validated by a right answer on it or by inference from a harder skill of its tube answered right;
 * 2. θ settles only the skills nothing touched (no earlier, direct or inferred element: `openSkills`),
 *    never overruling the elements of rule 1;
 * 3. θ may validate a skill only once the learner gave a right answer in the session
 *    (`thetaMayValidate`); before that it may only invalidate. With no right answer the learner keeps
 *    what earlier tests validated, and has level 0 and 0 pix on a first test.
 * The firm knowledge (rule 1 plus the earlier elements) is what θ never overrules.
 */
export function firmKnowledge(session: Session, state: Pick<PositioningState, 'knowledgeElements'>): KnowledgeElement[] {
  return knownKnowledge(session, state);
}

/** Rule 3 of the evidence rules: θ may validate a skill once the session holds a right answer. */
export function thetaMayValidate(state: Pick<PositioningState, 'answers'>): boolean {
  return state.answers.some((a) => a.result === 'ok');
}

/** Reachable skills with no earlier, direct or inferred knowledge element: the ones θ settles. */
export function openSkills(session: Session, firm: readonly KnowledgeElement[]): Skill[] {
  const known = new Set(firm.map((ke) => ke.skillId));
  return reachableSkills(session).filter((s) => !known.has(s.id));
}

/**
 * The level the knowledge elements would give at each grid node if every open skill were settled by θ
 * (validated where its curve is ≥ 0.5 at that node, invalidated elsewhere). Non-decreasing in θ. When θ
 * may not validate (`mayValidate` false: no right answer yet), the level of the firm elements alone at
 * every node.
 */
export function levelByNode(session: Session, firm: readonly KnowledgeElement[], open: readonly Skill[], mayValidate = true): Int32Array {
  const { cb, settings } = session;
  const N = cb.nodes.length;
  const levels = new Int32Array(N);
  if (!mayValidate) return levels.fill(competenceScore(firm, cb.bank.skills, settings.maxReachableLevel).level);
  const order = open.map((s) => ({ skill: s, t: cb.thresholds.get(s.id) as number })).sort((x, y) => x.t - y.t || (x.skill.id < y.skill.id ? -1 : 1));
  const kes: KnowledgeElement[] = [...firm];
  let i = 0;
  let start = 0;
  while (start < N) {
    while (i < order.length && (order[i] as { t: number }).t <= start) {
      kes.push({ skillId: (order[i] as { skill: Skill }).skill.id, status: 'validated', source: 'estimated', createdAt: 0 });
      i++;
    }
    const end = i < order.length ? Math.min(N, (order[i] as { t: number }).t) : N;
    levels.fill(competenceScore(kes, cb.bank.skills, settings.maxReachableLevel).level, start, end);
    start = end;
  }
  return levels;
}

/** Index of the grid node nearest to θ. */
export function nearestNode(session: Session, theta: number): number {
  const { nodes } = session.cb;
  const first = nodes[0] as number;
  const step = ((nodes[nodes.length - 1] as number) - first) / (nodes.length - 1);
  return Math.min(nodes.length - 1, Math.max(0, Math.round((theta - first) / step)));
}

/** Index of the posterior median node: the first whose cumulative weight reaches 0.5. */
export function medianNode(posterior: readonly number[]): number {
  let cumulative = 0;
  for (let q = 0; q < posterior.length; q++) {
    cumulative += posterior[q] as number;
    if (cumulative >= 0.5) return q;
  }
  return posterior.length - 1;
}

/**
 * The level the session closes at, from the posterior mass of each level (`levelDecision`):
 * - 'bayes' (default): the Bayes decision under the loss 1[level missed] + w·1[missed by more than one]
 *   (w = `withinOneWeight`): the level d maximising P(L = d) + w·P(|L − d| ≤ 1). With w = 0 it is the
 *   most probable level.
 * - 'median': the level at the posterior median θ.
 * Ties go to the median's level, then to the lower level.
 */
export function decisionLevel(session: Session, levels: Int32Array, posterior: readonly number[]): number {
  const median = medianNode(posterior);
  const atMedian = levels[median] as number;
  if (session.settings.levelDecision === 'median') return atMedian;
  const w = session.settings.withinOneWeight;
  const mass = new Array<number>(session.settings.maxReachableLevel + 1).fill(0);
  for (let q = 0; q < levels.length; q++) mass[levels[q] as number] = (mass[levels[q] as number] as number) + (posterior[q] as number);
  const value = (d: number) => (mass[d] as number) + w * ((mass[d - 1] ?? 0) + (mass[d] as number) + (mass[d + 1] ?? 0));
  let best = atMedian;
  for (let d = 0; d < mass.length; d++) if (value(d) > value(best) + 1e-12) best = d;
  return best;
}

/**
 * The grid node whose settled skills give the final level (`decisionLevel`): the node nearest to the
 * posterior median inside that level's band of nodes (the level function is non-decreasing, so each
 * level's nodes form one band).
 */
export function decisionNode(session: Session, levels: Int32Array, posterior: readonly number[]): number {
  const median = medianNode(posterior);
  const best = decisionLevel(session, levels, posterior);
  if (levels[median] === best) return median;
  if ((levels[median] as number) > best) {
    for (let q = median; q >= 0; q--) if (levels[q] === best) return q;
  } else {
    for (let q = median; q < levels.length; q++) if (levels[q] === best) return q;
  }
  return median;
}

/** Posterior predictive probability of success on a skill's challenges. */
export function predictiveSuccess(session: Session, posterior: readonly number[], skillId: string): number {
  const curve = session.cb.curves.get(skillId) as Float64Array;
  let p = 0;
  for (let q = 0; q < posterior.length; q++) p += (posterior[q] as number) * (curve[q] as number);
  return p;
}

/** Everything in the state that follows from the answers' knowledge elements and the posterior. */
function derive(
  session: Session,
  base: Pick<PositioningState, 'answers' | 'knowledgeElements' | 'posterior' | 'calibratedAnswerCount' | 'pretestAnswerCount'>,
): PositioningState {
  const { settings } = session;
  const { theta, sd } = summarisePosterior({ nodes: session.cb.nodes, weights: Float64Array.from(base.posterior) });
  const firm = firmKnowledge(session, base);
  const open = openSkills(session, firm);
  const mayValidate = thetaMayValidate(base);
  const stamp = base.answers.length === 0 ? 0 : lastStamp(base.answers);
  const estimatedKnowledgeElements: KnowledgeElement[] = [];
  // θ says nothing beyond the population prior until a calibrated answer came in.
  if (base.calibratedAnswerCount > 0)
    for (const skill of open) {
      const p = predictiveSuccess(session, base.posterior, skill.id);
      if (p >= settings.estimateValidatedAt && mayValidate) {
        estimatedKnowledgeElements.push({ skillId: skill.id, status: 'validated', source: 'estimated', createdAt: stamp });
      } else if (p <= settings.estimateInvalidatedAt) {
        estimatedKnowledgeElements.push({ skillId: skill.id, status: 'invalidated', source: 'estimated', createdAt: stamp });
      }
    }
  const levels = levelByNode(session, firm, open, mayValidate);
  const levelProbabilities = new Array<number>(settings.maxReachableLevel + 1).fill(0);
  for (let q = 0; q < levels.length; q++) {
    const l = levels[q] as number;
    levelProbabilities[l] = (levelProbabilities[l] as number) + (base.posterior[q] as number);
  }
  const closing = closingKnowledge(session, base, stamp + 1, levels);
  const score = competenceScore([...knownKnowledge(session, base), ...closing], session.cb.bank.skills, settings.maxReachableLevel);
  return {
    answers: base.answers,
    knowledgeElements: base.knowledgeElements,
    estimatedKnowledgeElements,
    posterior: base.posterior,
    theta,
    sd,
    calibratedAnswerCount: base.calibratedAnswerCount,
    pretestAnswerCount: base.pretestAnswerCount,
    levelProbabilities,
    pix: score.pix,
    level: score.level,
  };
}

function stampOf(answer: PositioningAnswer, index: number): number {
  return answer.createdAt ?? index + 1;
}

function lastStamp(answers: readonly PositioningAnswer[]): number {
  return stampOf(answers[answers.length - 1] as PositioningAnswer, answers.length - 1);
}

function start(session: Session): PositioningState {
  return derive(session, {
    answers: [],
    knowledgeElements: [],
    posterior: Array.from(session.cb.prior),
    calibratedAnswerCount: 0,
    pretestAnswerCount: 0,
  });
}

function apply(session: Session, state: PositioningState, answer: PositioningAnswer): PositioningState {
  const { cb } = session;
  const challenge = cb.challengeById.get(answer.challengeId);
  if (!challenge) throw new RangeError(`positioning: unknown challenge ${answer.challengeId}`);
  if (!['ok', 'ko', 'skipped', 'timedout'].includes(answer.result)) {
    throw new RangeError(`positioning: unknown answer result ${String(answer.result)}`);
  }
  if (state.answers.some((a) => a.challengeId === answer.challengeId)) {
    throw new RangeError(`positioning: challenge ${answer.challengeId} was already answered in this session`);
  }
  const index = state.answers.length;
  const correct = answer.result === 'ok'; // skipped and timed out count as wrong
  const skill = cb.skillById.get(challenge.skillId) as Skill;
  const created = inferKnowledgeElements(cb.skillsByTube.get(skill.tubeId) ?? [], skill, correct, {
    existing: knownKnowledge(session, state),
    createdAt: stampOf(answer, index),
  });
  let posterior = state.posterior;
  let { calibratedAnswerCount, pretestAnswerCount } = state;
  if (challenge.params) {
    const next = updatePosterior(
      { nodes: cb.nodes, weights: Float64Array.from(state.posterior), logMarginal: 0 },
      { a: challenge.params.a, d: challenge.params.d, score: correct ? 1 : 0 },
    );
    posterior = Array.from(next.weights);
    calibratedAnswerCount++;
  } else {
    pretestAnswerCount++; // scored for pix through its knowledge elements, θ unchanged
  }
  return derive(session, {
    answers: [...state.answers, { ...answer }],
    knowledgeElements: [...state.knowledgeElements, ...created],
    posterior,
    calibratedAnswerCount,
    pretestAnswerCount,
  });
}

/** The state of a session with no answer yet. */
export function startPositioning(context: PositioningContext): PositioningState {
  return start(openSession(context));
}

/**
 * The state after one more answer: a direct knowledge element for the asked skill, inferred ones in its
 * tube, θ updated when the challenge is calibrated, estimated knowledge elements and level
 * probabilities recomputed. Throws on an unknown challenge or a challenge answered twice.
 */
export function applyAnswer(context: PositioningContext, state: PositioningState, answer: PositioningAnswer): PositioningState {
  return apply(openSession(context), state, answer);
}

/** The whole state re-derived from the list of answers. */
export function replay(input: PositioningInput): PositioningState {
  const session = openSession(input);
  let state = start(session);
  for (const answer of input.answers) state = apply(session, state, answer);
  return state;
}

export interface PositioningResult {
  /**
   * This session's knowledge elements to store, in order: its direct and inferred ones, then the
   * estimated ones of the closing (which, being later, count where they differ).
   */
  knowledgeElements: KnowledgeElement[];
  /** Pix and level from the earlier and new knowledge elements. */
  score: CompetenceScore;
  theta: number;
  sd: number;
  levelProbabilities: number[];
  questionCount: number;
}

/**
 * The estimated knowledge elements that close a session: every open skill (reachable, nothing in the
 * session or before touched it) is settled at the decision node θ* (`decisionNode`: inside the band of
 * the level chosen by the Bayes decision, as near the posterior median as possible) — validated when its
 * success probability at θ* is ≥ 0.5 (mastery) and θ may validate (a right answer in the session),
 * invalidated otherwise. The elements of the answers are never touched (the evidence rules), so the
 * level the knowledge elements give is the one the decision chose among those the evidence allows.
 */
function closingKnowledge(
  session: Session,
  state: Pick<PositioningState, 'knowledgeElements' | 'answers' | 'posterior' | 'calibratedAnswerCount'>,
  createdAt: number,
  levels?: Int32Array,
): KnowledgeElement[] {
  if (state.calibratedAnswerCount === 0) return []; // nothing measured: θ is still the population prior
  const firm = firmKnowledge(session, state);
  const open = openSkills(session, firm);
  const mayValidate = thetaMayValidate(state);
  const node = decisionNode(session, levels ?? levelByNode(session, firm, open, mayValidate), state.posterior);
  return open.map((skill) => ({
    skillId: skill.id,
    status: mayValidate && (session.cb.thresholds.get(skill.id) as number) <= node ? 'validated' : 'invalidated',
    source: 'estimated',
    createdAt,
  }));
}

/**
 * Closes a session (normally once `nextChallenge` says done) with `closingKnowledge`. The level is
 * then the one `levelProbabilities` gives at θ̃, so when the session stopped on 'level_certain' it is
 * the level that holds at least `levelCertainty` of the posterior. `createdAt` stamps the closing
 * elements (default: one more than the last answer's stamp).
 */
export function finishPositioning(context: PositioningContext, state: PositioningState, createdAt?: number): PositioningResult {
  const session = openSession(context);
  const stamp = createdAt ?? (state.answers.length === 0 ? 0 : lastStamp(state.answers)) + 1;
  const knowledgeElements = [...state.knowledgeElements, ...closingKnowledge(session, state, stamp)];
  return {
    knowledgeElements,
    score: competenceScore([...session.priorKnowledge, ...knowledgeElements], session.cb.bank.skills, session.settings.maxReachableLevel),
    theta: state.theta,
    sd: state.sd,
    levelProbabilities: state.levelProbabilities,
    questionCount: state.answers.length,
  };
}

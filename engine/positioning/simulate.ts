/**
 * Simulation with known truth (pure, seeded): a competence bank with true 2PL parameters consistent
 * with the skills' levels, simulated learners with a true θ, and both positioning policies — ours
 * ('irt') and Pix's rule-based baseline ('smartRandom') — run on the same bank and learners.
 *
 * A learner's true level is what the framework's pix rules give when exactly the skills whose true
 * success probability (mean over the skill's live challenges) is at least 0.5 are validated.
 */
import { DEFAULT_MAX_REACHABLE_LEVEL, competenceScore, latestKnowledgeElements, type KnowledgeElement, type Skill, type Tube } from '../framework';
import { probability, type ItemParameters } from '../irt';
import { forkRandom, createRandom, logNormal, normal, randomInt, type RandomGenerator } from '../random';
import { openSession, provisionalDifficulty } from './bank';
import { chooseNext } from './select';
import { applyAnswer, finishPositioning, startPositioning } from './session';
import { smartRandomApplyAnswer, smartRandomChoose, smartRandomStartState } from './smart-random';
import type { CompetenceBank, DoneReason, PositioningChallenge, PositioningSettings } from './types';

export interface CompetenceBankSimulationSettings {
  competenceCode?: string;
  /** Number of tubes (default 6). */
  tubes?: number;
  /** Highest skill level of the content (default 7, one above the default max reachable level). */
  maxLevel?: number;
  /** Challenges per skill: a prototype and its declinations (default 3). */
  challengesPerSkill?: number;
  /** Chance that a level strictly inside a tube's range has no skill (default 0.2). */
  levelGapProbability?: number;
  /** Share of timed challenges (default 0.1). */
  timedShare?: number;
  /** Share of challenges the engine sees as uncalibrated (params null; default 0). */
  uncalibratedShare?: number;
  /** True slopes a ~ logN(slopeMeanLog, slopeSdLog) (default 0.2, 0.25: a around 1.2). */
  slopeMeanLog?: number;
  slopeSdLog?: number;
  /**
   * True difficulty b = (level − 3.5) × 0.8 (the provisional mapping) + a tube shift N(0, tubeShiftSd²)
   * + a challenge shift N(0, challengeShiftSd²) (defaults 0.25 and 0.2).
   */
  tubeShiftSd?: number;
  challengeShiftSd?: number;
  /**
   * The engine never sees the truth: its parameters are the true ones with calibration error,
   * b + N(0, difficultySd²) and a·exp(N(0, logSlopeSd²)) (defaults 0.15 and 0.1).
   */
  calibrationError?: { difficultySd?: number; logSlopeSd?: number };
  locale?: string;
}

export interface SimulatedCompetenceBank {
  /** What the engine sees (estimated parameters). */
  bank: CompetenceBank;
  /** True parameters by challenge id. */
  truth: Record<string, ItemParameters>;
}

export function simulateCompetenceBank(rng: RandomGenerator, settings: CompetenceBankSimulationSettings = {}): SimulatedCompetenceBank {
  const competenceCode = settings.competenceCode ?? '4.1';
  const tubeCount = settings.tubes ?? 6;
  const maxLevel = settings.maxLevel ?? 7;
  const perSkill = settings.challengesPerSkill ?? 3;
  const gap = settings.levelGapProbability ?? 0.2;
  const timedShare = settings.timedShare ?? 0.1;
  const uncalibratedShare = settings.uncalibratedShare ?? 0;
  const bSd = settings.calibrationError?.difficultySd ?? 0.15;
  const aSd = settings.calibrationError?.logSlopeSd ?? 0.1;
  const locale = settings.locale ?? 'fr-fr';

  const tubes: Tube[] = [];
  const skills: Skill[] = [];
  const challenges: PositioningChallenge[] = [];
  const truth: Record<string, ItemParameters> = {};
  for (let t = 0; t < tubeCount; t++) {
    const name = `@sujet${String.fromCharCode(97 + (t % 26))}${t >= 26 ? Math.floor(t / 26) : ''}`;
    tubes.push({ id: name, name, competenceCode });
    const lo = 1 + randomInt(rng, 2);
    const hi = Math.min(maxLevel, 4 + randomInt(rng, Math.max(1, maxLevel - 3)));
    const tubeShift = normal(rng, 0, settings.tubeShiftSd ?? 0.25);
    for (let level = lo; level <= hi; level++) {
      if (level !== lo && level !== hi && rng.next() < gap) continue;
      const skill: Skill = { id: `${name}${level}`, tubeId: name, competenceCode, level, status: 'actif' };
      skills.push(skill);
      for (let k = 0; k < perSkill; k++) {
        const a = logNormal(rng, settings.slopeMeanLog ?? 0.2, settings.slopeSdLog ?? 0.25);
        const b = provisionalDifficulty(level) + tubeShift + normal(rng, 0, settings.challengeShiftSd ?? 0.2);
        const id = `${skill.id}-${k === 0 ? 'p' : `d${k}`}`;
        truth[id] = { a, d: -a * b };
        const aHat = a * Math.exp(normal(rng, 0, aSd));
        const bHat = b + normal(rng, 0, bSd);
        const uncalibrated = rng.next() < uncalibratedShare;
        challenges.push({
          id,
          skillId: skill.id,
          locales: [locale],
          status: 'valide',
          params: uncalibrated ? null : { a: aHat, d: -aHat * bHat },
          timed: rng.next() < timedShare,
        });
      }
    }
  }
  return { bank: { competenceCode, tubes, skills, challenges }, truth };
}

/** True pix and level at θ: the skills whose mean true success probability is ≥ 0.5 are validated. */
export function trueCompetenceLevel(sim: SimulatedCompetenceBank, theta: number, maxReachableLevel: number): { pix: number; level: number } {
  const kes: KnowledgeElement[] = [];
  for (const skill of sim.bank.skills) {
    const items = sim.bank.challenges.filter((c) => c.skillId === skill.id && c.status === 'valide');
    if (items.length === 0) continue;
    const p = items.reduce((sum, c) => sum + probability(sim.truth[c.id] as ItemParameters, theta), 0) / items.length;
    if (p >= 0.5) kes.push({ skillId: skill.id, status: 'validated', source: 'direct', createdAt: 0 });
  }
  const score = competenceScore(kes, sim.bank.skills, maxReachableLevel);
  return { pix: score.pix, level: score.level };
}

export interface SimulatedLearner {
  id: string;
  theta: number;
  trueLevel: number;
  truePix: number;
}

export function simulateLearners(
  rng: RandomGenerator,
  sim: SimulatedCompetenceBank,
  options: { count: number; mean?: number; sd?: number; maxReachableLevel: number },
): SimulatedLearner[] {
  const learners: SimulatedLearner[] = [];
  for (let i = 0; i < options.count; i++) {
    const theta = normal(rng, options.mean ?? 0, options.sd ?? 1);
    const truth = trueCompetenceLevel(sim, theta, options.maxReachableLevel);
    learners.push({ id: `learner${i + 1}`, theta, trueLevel: truth.level, truePix: truth.pix });
  }
  return learners;
}

export type PolicyName = 'irt' | 'smartRandom';

export interface SimulatedSession {
  learnerId: string;
  policy: PolicyName;
  challengeIds: string[];
  level: number;
  pix: number;
  stopReason: DoneReason | 'safety_cap';
  /** Skills validated at the end although the learner answered them wrong in the session (must be 0). */
  wronglyValidatedSkills: number;
}

/** Skills whose latest knowledge element is validated although their direct answer in the session was wrong. */
export function wronglyValidatedSkills(
  bank: CompetenceBank,
  answers: readonly { challengeId: string; result: string }[],
  knowledgeElements: readonly KnowledgeElement[],
): number {
  const skillOf = new Map(bank.challenges.map((c) => [c.id, c.skillId]));
  const failed = new Set(answers.filter((a) => a.result !== 'ok').map((a) => skillOf.get(a.challengeId)));
  let count = 0;
  for (const [skillId, ke] of latestKnowledgeElements(knowledgeElements)) if (ke.status === 'validated' && failed.has(skillId)) count++;
  return count;
}

/** Answers one challenge as the learner with true ability θ would (θ = ±Infinity: always right or wrong). */
function simulatedResult(sim: SimulatedCompetenceBank, challengeId: string, theta: number, rng: RandomGenerator): 'ok' | 'ko' {
  if (theta === Infinity) return 'ok';
  if (theta === -Infinity) return 'ko';
  return rng.next() < probability(sim.truth[challengeId] as ItemParameters, theta) ? 'ok' : 'ko';
}

const SAFETY_CAP = 500;

/**
 * One learner through one policy. `engineRng` drives the policy's choices, `answerRng` the learner's
 * answers.
 */
export function simulateSession(
  sim: SimulatedCompetenceBank,
  learner: SimulatedLearner,
  policy: PolicyName,
  settings: Partial<PositioningSettings>,
  engineRng: RandomGenerator,
  answerRng: RandomGenerator,
): SimulatedSession {
  const context = { bank: sim.bank, settings };
  const challengeIds: string[] = [];
  let stopReason: SimulatedSession['stopReason'] = 'safety_cap';
  if (policy === 'irt') {
    let state = startPositioning(context);
    for (let step = 0; step < SAFETY_CAP; step++) {
      const next = chooseNext(context, state, engineRng);
      if (next.done) {
        stopReason = next.reason;
        break;
      }
      challengeIds.push(next.challengeId);
      state = applyAnswer(context, state, { challengeId: next.challengeId, result: simulatedResult(sim, next.challengeId, learner.theta, answerRng) });
    }
    const result = finishPositioning(context, state);
    const wrong = wronglyValidatedSkills(sim.bank, state.answers, result.knowledgeElements);
    return { learnerId: learner.id, policy, challengeIds, level: result.score.level, pix: result.score.pix, stopReason, wronglyValidatedSkills: wrong };
  }
  const session = openSession(context);
  let state = smartRandomStartState(session);
  for (let step = 0; step < SAFETY_CAP; step++) {
    const next = smartRandomChoose(session, state, engineRng);
    if (next.done) {
      stopReason = next.reason;
      break;
    }
    challengeIds.push(next.challengeId);
    state = smartRandomApplyAnswer(session, state, {
      challengeId: next.challengeId,
      result: simulatedResult(sim, next.challengeId, learner.theta, answerRng),
    });
  }
  const wrong = wronglyValidatedSkills(sim.bank, state.answers, state.knowledgeElements);
  return { learnerId: learner.id, policy, challengeIds, level: state.level, pix: state.pix, stopReason, wronglyValidatedSkills: wrong };
}

/** The figures the issue asks for, per policy (rates as fractions). */
export interface PolicyReport {
  exactLevelRate: number;
  withinOneLevelRate: number;
  meanQuestions: number;
  p95Questions: number;
  /** Highest share of learners who were shown one challenge. */
  maxExposure: number;
  /** Skills validated although the learner answered them wrong in the session, over all sessions (must be 0). */
  wronglyValidatedSkills: number;
}

export interface PolicyDetails {
  stopReasons: Record<string, number>;
  /** Mean of (estimated level − true level). */
  meanLevelBias: number;
}

function report(learners: readonly SimulatedLearner[], sessions: readonly SimulatedSession[]): { report: PolicyReport; details: PolicyDetails } {
  const n = sessions.length;
  let exact = 0;
  let withinOne = 0;
  let bias = 0;
  let wrong = 0;
  const exposure = new Map<string, number>();
  const stopReasons: Record<string, number> = {};
  sessions.forEach((s, i) => {
    const truth = (learners[i] as SimulatedLearner).trueLevel;
    if (s.level === truth) exact++;
    if (Math.abs(s.level - truth) <= 1) withinOne++;
    bias += s.level - truth;
    wrong += s.wronglyValidatedSkills;
    for (const id of new Set(s.challengeIds)) exposure.set(id, (exposure.get(id) ?? 0) + 1);
    stopReasons[s.stopReason] = (stopReasons[s.stopReason] ?? 0) + 1;
  });
  const lengths = sessions.map((s) => s.challengeIds.length).sort((x, y) => x - y);
  return {
    report: {
      exactLevelRate: exact / n,
      withinOneLevelRate: withinOne / n,
      meanQuestions: lengths.reduce((sum, l) => sum + l, 0) / n,
      p95Questions: lengths[Math.max(0, Math.ceil(0.95 * n) - 1)] as number,
      maxExposure: Math.max(0, ...exposure.values()) / n,
      wronglyValidatedSkills: wrong,
    },
    details: { stopReasons, meanLevelBias: bias / n },
  };
}

export interface PolicyComparisonOptions {
  seed: number | string;
  learners: number;
  bank?: CompetenceBankSimulationSettings;
  /** Learners' θ ~ N(mean, sd²) (default N(0, 1), the calibration population). */
  abilities?: { mean?: number; sd?: number };
  settings?: Partial<PositioningSettings>;
}

export interface PolicyComparison {
  policies: { irt: PolicyReport; smartRandom: PolicyReport };
  details: { irt: PolicyDetails; smartRandom: PolicyDetails };
  /** Distribution of the learners' true levels, index = level. */
  trueLevels: number[];
}

/** Both policies on the same simulated bank and learners. */
export function comparePolicies(options: PolicyComparisonOptions): PolicyComparison {
  const root = createRandom(options.seed);
  const sim = simulateCompetenceBank(forkRandom(root, 'bank'), options.bank);
  const settings = options.settings ?? {};
  const maxReachableLevel = settings.maxReachableLevel ?? DEFAULT_MAX_REACHABLE_LEVEL;
  const learners = simulateLearners(forkRandom(root, 'learners'), sim, {
    count: options.learners,
    mean: options.abilities?.mean,
    sd: options.abilities?.sd,
    maxReachableLevel,
  });
  const sessionsRng = forkRandom(root, 'sessions');
  const irt: SimulatedSession[] = [];
  const smartRandom: SimulatedSession[] = [];
  for (const learner of learners) {
    const streams = forkRandom(sessionsRng, learner.id);
    irt.push(simulateSession(sim, learner, 'irt', settings, forkRandom(streams, 'irt-engine'), forkRandom(streams, 'irt-answers')));
    smartRandom.push(simulateSession(sim, learner, 'smartRandom', settings, forkRandom(streams, 'sr-engine'), forkRandom(streams, 'sr-answers')));
  }
  const a = report(learners, irt);
  const b = report(learners, smartRandom);
  const trueLevels = new Array<number>(maxReachableLevel + 1).fill(0);
  for (const l of learners) trueLevels[l.trueLevel] = (trueLevels[l.trueLevel] as number) + 1;
  return { policies: { irt: a.report, smartRandom: b.report }, details: { irt: a.details, smartRandom: b.details }, trueLevels };
}

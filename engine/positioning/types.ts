/**
 * Types and settings of the adaptive positioning session (docs/domain/measurement.md, "Positioning").
 *
 * Everything a caller stores is plain JSON: the bank is data, the answers are data, and the state is
 * data that `replay` re-derives from the answers alone. Randomness comes in as a seeded generator.
 */
import type { ChallengeStatus } from '../challenges';
import { DEFAULT_MAX_REACHABLE_LEVEL, type KnowledgeElement, type Skill, type Tube } from '../framework';
import type { ItemParameters } from '../irt';

/** How an answer ended. Skipped and timed-out answers count as wrong. */
export type AnswerResult = 'ok' | 'ko' | 'skipped' | 'timedout';

/** A challenge as the positioning engine sees it (no wording, no solution). */
export interface PositioningChallenge {
  id: string;
  skillId: string;
  /**
   * Optional copies of the skill's tube and level. The skill is the single source of truth; when these
   * are given they must agree with it (checked when the bank is compiled).
   */
  tubeId?: string;
  level?: number;
  /** Locales the challenge is written for, e.g. ['fr-fr', 'fr']. */
  locales: readonly string[];
  /** Only 'valide' (live) challenges are served. */
  status: ChallengeStatus;
  /** Approved 2PL parameters, or null for an uncalibrated (pretest) challenge. */
  params: ItemParameters | null;
  /** True when the challenge has a timer. */
  timed: boolean;
}

/** The content of one competence, from one release, with the active parameter set. */
export interface CompetenceBank {
  competenceCode: string;
  tubes: readonly Tube[];
  /** All skills of the competence (every status: active ones fix the pix values). */
  skills: readonly Skill[];
  challenges: readonly PositioningChallenge[];
}

export interface PositioningSettings {
  /** The highest level a learner can reach (platform setting; 6 today). Skills above are never asked. */
  maxReachableLevel: number;
  /** Most questions in one session (pretest questions included). */
  maxLength: number;
  /** No 'level_certain' stop before this many answers (default 5, from the simulation: decision 017). */
  minLength: number;
  /** Stop when the posterior probability of the most probable level reaches this (default 0.85, decision 017's amendment). */
  levelCertainty: number;
  /**
   * ...and, at the same time, the probability that the final level is within one of the most probable
   * one reaches this (default 0.96; 0: no such condition). Lets a low levelCertainty stop early only when a large miss is unlikely.
   */
  withinOneCertainty: number;
  /** Stop when the posterior SD of θ falls to this (after at least one calibrated answer). */
  seStop: number;
  /** Exposure control: choose among the best k challenges by information... */
  exposureTopK: number;
  /** ...taking the best with this probability, else recursing on the rest (the last one takes what is left). */
  exposurePickProbability: number;
  /** Chance, at each question after the first, of serving an uncalibrated challenge (pretest). */
  pretestRate: number;
  /** Most pretest questions in one session. */
  maxPretest: number;
  /** Level of the first challenge (the nearest available level, lower on a tie). */
  firstChallengeLevel: number;
  /** Skills more than this many levels above the current estimated level are out of reach. */
  reachAboveLevel: number;
  /** Estimated knowledge element 'validated' when the posterior predictive success ≥ this. */
  estimateValidatedAt: number;
  /** Estimated knowledge element 'invalidated' when the posterior predictive success ≤ this. */
  estimateInvalidatedAt: number;
  /**
   * The evidence condition of the level-certainty stop (README, "Evidence rules"): the test does not stop
   * on certainty while a level from one above the highest level answered right in this session (0 when
   * none) up to this many levels above it (and at most maxReachableLevel) still has a candidate
   * challenge and no answer in this session. 0: no such condition.
   */
  tryLevelsAbove: number;
  /** The learner's language, e.g. 'fr-fr' or 'fr': a challenge matches on its primary language subtag. */
  locale: string;
  /**
   * How the next calibrated challenge is ranked (README, "Next challenges"):
   * - 'level' (default): mutual information between the final level and the answer under the posterior
   *   (a classification criterion: questions whose answer best separates the levels still in play);
   * - 'theta': Fisher information a²P(1−P) at the EAP θ̂.
   */
  selection: 'level' | 'theta';
  /**
   * A skill with only an inferred knowledge element (from an answer in its tube) may still be asked
   * (default false: Pix's rule, inferred skills are known). A direct answer then replaces the inferred
   * element (direct evidence is the stronger).
   */
  askInferredSkills: boolean;
  /**
   * The final level (README, "Final level"): 'bayes' (default), the level d maximising
   * P(L = d) + withinOneWeight × P(|L − d| ≤ 1) under the posterior; or 'median', the level at the
   * posterior median θ.
   */
  levelDecision: 'bayes' | 'median';
  /** Weight of a miss by more than one level against a miss, in the 'bayes' decision (0: the most probable level). */
  withinOneWeight: number;
}

export const DEFAULT_POSITIONING_SETTINGS: Readonly<PositioningSettings> = Object.freeze({
  maxReachableLevel: DEFAULT_MAX_REACHABLE_LEVEL,
  maxLength: 20,
  minLength: 5,
  levelCertainty: 0.85,
  withinOneCertainty: 0.96,
  seStop: 0.3,
  exposureTopK: 5,
  exposurePickProbability: 0.5,
  pretestRate: 0.1,
  maxPretest: 2,
  firstChallengeLevel: 2,
  reachAboveLevel: 2,
  estimateValidatedAt: 0.95,
  estimateInvalidatedAt: 0.05,
  tryLevelsAbove: 2,
  locale: 'fr-fr',
  selection: 'level',
  askInferredSkills: false,
  levelDecision: 'bayes',
  withinOneWeight: 1,
});

/** One answer of the session, in the order given. */
export interface PositioningAnswer {
  challengeId: string;
  result: AnswerResult;
  /**
   * Ordinal stamped on the knowledge elements this answer creates (a timestamp or a sequence number:
   * larger is later). Default: the answer's position in the session, 1-based.
   */
  createdAt?: number;
}

/** What does not change during a session. */
export interface PositioningContext {
  bank: CompetenceBank;
  settings?: Partial<PositioningSettings>;
  /**
   * The learner's knowledge elements from earlier assessments (any competence: those on other
   * competences' skills are ignored). A skill with one is known and never asked again.
   */
  knowledgeElements?: readonly KnowledgeElement[];
}

/** A session as stored between requests: the context and the list of answers. */
export interface PositioningInput extends PositioningContext {
  answers: readonly PositioningAnswer[];
}

/**
 * The state of a session after its answers. Plain JSON data; `replay(input)` re-derives it, so a caller
 * may store it as a cache or not at all.
 */
export interface PositioningState {
  answers: PositioningAnswer[];
  /** Direct and inferred knowledge elements created by this session's answers, in order. */
  knowledgeElements: KnowledgeElement[];
  /**
   * Estimated knowledge elements for skills with no direct, inferred or earlier element, recomputed
   * after each answer from the posterior (predictive success ≥ estimateValidatedAt or ≤ estimateInvalidatedAt).
   */
  estimatedKnowledgeElements: KnowledgeElement[];
  /** Posterior weights of θ on POSITIONING_GRID (sum 1). Prior N(0, 1). */
  posterior: number[];
  /** Posterior mean (EAP) and standard deviation of θ. */
  theta: number;
  sd: number;
  /** Answers that moved θ (calibrated challenges). */
  calibratedAnswerCount: number;
  /** Answers to uncalibrated challenges (scored for pix, θ unchanged). */
  pretestAnswerCount: number;
  /**
   * Posterior probability of each final level, index = level 0..maxReachableLevel: the level the
   * knowledge elements would give if every still-unknown skill were settled by θ (see README).
   */
  levelProbabilities: number[];
  /** Pix and level if the session closed now (`finishPositioning`). */
  pix: number;
  level: number;
}

export type NextChallengeReason = 'first' | 'information' | 'pretest' | 'uncalibrated' | 'smart_random';
export type DoneReason = 'all_known' | 'level_certain' | 'max_length' | 'no_challenge';

export type NextChallenge = { done: false; challengeId: string; reason: NextChallengeReason } | { done: true; reason: DoneReason };

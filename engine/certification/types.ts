/**
 * Types, constants and settings of the certification test (issue 8, issue 15; docs/domain/measurement.md;
 * decisions 008 and 019).
 *
 * Everything a caller stores or passes is plain JSON: the frozen bank, the positioned profile, the answers,
 * the parameter set and every result. Randomness comes in as a seeded generator (`engine/random`), time as
 * a value. Re-running a function on the same input gives the same output, so a certificate can be
 * re-scored months later with the parameter set frozen for its session.
 */
import type { ItemParameters } from '../irt';
import type { AnswerResult } from '../positioning';
import type { CompetenceIntervals } from './intervals';

export type { AnswerResult, CompetenceIntervals };

/** Most questions of one certification test (Pix: 32). */
export const MAX_QUESTIONS = 32;
/** A test is scored only with at least this many scored (non-neutralised) answers (Pix: 20). */
export const MIN_ANSWERS = 20;
/** Default duration of the test in minutes, before the candidate's extra time. */
export const DEFAULT_DURATION_MINUTES = 105;
/** Highest level a competence can be certified at (the platform's max reachable level, 6 today). */
export { DEFAULT_MAX_REACHABLE_LEVEL } from '../framework';

/**
 * A live, calibrated challenge of the bank frozen for the session (no wording, no solution). The caller
 * passes only live challenges that have parameters in the session's frozen set.
 */
export interface CertificationChallenge {
  id: string;
  skillId: string;
  tubeId: string;
  /** Competence code, e.g. '1.1'. */
  competenceCode: string;
  /** The skill's level (1–8). */
  level: number;
  /** Locales the challenge is written for, e.g. ['fr-fr', 'fr']. Matched on the primary subtag. */
  locales: readonly string[];
  /** The frozen 2PL parameters (slope a, intercept d; b = −d/a). */
  params: ItemParameters;
  /** True when the challenge has a timer. */
  timed: boolean;
  /**
   * The challenge's family: its prototype's id (a prototype is its own family; absent = its own id). A
   * candidate who saw one challenge of a family is served none of it (decision 019).
   */
  familyId?: string;
}

/**
 * The candidate's level (and pix) on one competence, from their profile when the test starts (store it
 * with the candidate's test). Selection reads it to choose where the test starts; scoring only reports it
 * beside the certified level (the result comes from the certification answers alone, decision 019).
 */
export interface PositionedCompetence {
  competenceCode: string;
  level: number;
  /** Pix of the competence in the profile (defaults to 8 × level when absent). */
  pix?: number;
}

/** One answer of the test, in the order the questions were shown. */
export interface CertificationAnswer {
  challengeId: string;
  /** Skipped and timed-out answers count as wrong. */
  result: AnswerResult;
  /** A neutralised question (incident) leaves θ untouched; it was still shown (it counts as reached). */
  neutralised?: boolean;
}

export interface CertificationSettings {
  /** Most questions (default MAX_QUESTIONS = 32). */
  maxQuestions: number;
  /** Scored answers needed to score the test (default MIN_ANSWERS = 20). */
  minAnswers: number;
  /** Highest level a competence is certified at (default 6). */
  maxReachableLevel: number;
  /** Exposure control: choose among the best k challenges by information at θ̂ (default 5)... */
  exposureTopK: number;
  /** ...the best with this probability, else recurse on the rest (default 0.51, Pix's Flash). */
  exposurePickProbability: number;
  /**
   * Exposure-rate ceiling: once `exposure.tests` ≥ exposureWarmUp, a challenge shown in at least this share
   * of tests is not served (default 0.2, under the 25 % target), unless the test would otherwise end before
   * minAnswers.
   */
  maxExposureRate: number;
  exposureWarmUp: number;
  /**
   * The competences of the last `recentCompetences` questions are avoided when another competence has a
   * candidate challenge (default 2, as Flash); the last question's competence is never repeated while
   * another competence has one.
   */
  recentCompetences: number;
  /**
   * Content balance: a competence may get a question only while its count is below the smallest count
   * among the competences still askable plus this (default 1: rounds through the competences).
   */
  maxSpread: number;
  /** Prior of θ for the EAP of the score (default N(0, 1), the calibration population). */
  priorMean: number;
  priorSd: number;
  /**
   * Variable length (decision 019): when set, the test ends as soon as minAnswers scored answers are in
   * and the posterior SD of θ (the score's) is at most this; maxQuestions stays the ceiling. Default null:
   * fixed length (maxQuestions).
   */
  targetSe: number | null;
}

/** What `nextCertificationChallenge` needs; all JSON. */
export interface CertificationTestInput {
  /** Live calibrated challenges of the frozen set (any competences; only reachable ones are asked). */
  bank: readonly CertificationChallenge[];
  /** The candidate's positioned level per competence; absent or level 0 = not reachable. */
  positioned: readonly PositionedCompetence[];
  /** Answers so far, in order. */
  answers: readonly CertificationAnswer[];
  /** The candidate's language, e.g. 'fr-fr' ('fr' matches 'fr-fr'). */
  locale: string;
  /**
   * Families (prototype ids, see `CertificationChallenge.familyId`) of every challenge the candidate was
   * shown before this test (positioning, campaigns, earlier tests): none of their challenges is served.
   */
  excludedFamilies?: readonly string[];
  /**
   * How often each challenge was shown in earlier certification tests (optional but recommended: without
   * it only the randomesque draw limits exposure, which a small bank cannot keep under 25 %).
   */
  exposure?: ExposureCounts;
  settings?: Partial<CertificationSettings>;
}

/** Exposure so far: tests started (sessions of any candidates) and, per challenge, tests that showed it. */
export interface ExposureCounts {
  tests: number;
  shown: Readonly<Record<string, number>>;
}

export type CertificationDoneReason =
  /** maxQuestions questions were shown. */
  | 'max_questions'
  /** No challenge satisfies the rules any more (small bank). */
  | 'no_challenge'
  /** Variable length: the SE of θ reached settings.targetSe after at least minAnswers answers. */
  | 'precision_reached'
  /** The candidate has no reachable competence with a challenge in their language. */
  | 'no_reachable_competence';

export type CertificationNext =
  | {
      kind: 'challenge';
      challengeId: string;
      /** 1-based number of the question about to be shown. */
      questionNumber: number;
    }
  | { kind: 'done'; reason: CertificationDoneReason };

/** The frozen parameter set of the session (as `ParametersInForce`, in JSON). */
export interface FrozenParameterSet {
  /** Version (or id) recorded for traceability; not used in computations. */
  version?: number | string;
  /** challengeId → frozen 2PL parameters. */
  items: Readonly<Record<string, ItemParameters>>;
  /** θ cut score per level, { "1": θ, "2": θ, … } as the set stores it. */
  cutScores: Readonly<Record<string, number>>;
}

/**
 * How the test ended. 'completed': the engine said done (32 questions or nothing left). 'abandoned',
 * 'ended_by_invigilator', 'time_up': the questions not reached (up to maxQuestions) count as wrong.
 * 'technical_issue': ended by an incident the jury does not hold against the candidate: nothing is added.
 */
export type CertificationEndReason = 'completed' | 'abandoned' | 'ended_by_invigilator' | 'time_up' | 'technical_issue';

export interface ScoreCertificationInput {
  parameterSet: FrozenParameterSet;
  /**
   * The competences to certify, in this order, with the profile frozen when the test started (reported
   * beside the result, never used to compute it).
   */
  positioned: readonly PositionedCompetence[];
  /**
   * Per-competence θ intervals (`competenceIntervals` of the session's bank, frozen with the test). A
   * competence without intervals is mapped through the set's global cut scores.
   */
  intervals?: CompetenceIntervals;
  answers: readonly CertificationAnswer[];
  endReason: CertificationEndReason;
  settings?: Partial<CertificationSettings>;
}

export type CertificationRejectionReason =
  /** Fewer than minAnswers scored answers. */
  | 'too_few_answers'
  /** An answered, non-neutralised challenge has no parameters in the frozen set. */
  | 'unknown_challenge'
  /** The frozen set has no cut score at or below maxReachableLevel. */
  | 'no_cut_scores';

export interface CertifiedCompetence {
  competenceCode: string;
  /** Certified level (0–maxReachableLevel): ⌊pix / 8⌋. */
  level: number;
  /** Certified pix of the competence: θ̂ through the competence's intervals. */
  pix: number;
  positionedLevel: number;
  positionedPix: number;
}

export interface CertificationScore {
  status: 'validated' | 'rejected';
  reason?: CertificationRejectionReason;
  /** Questions shown (answers given, neutralised included). */
  answeredCount: number;
  /** Answers that moved θ (not neutralised). */
  scoredCount: number;
  neutralisedCount: number;
  /** Questions not reached that were counted as wrong (abandon, end by invigilator, time up). */
  missingCountedWrong: number;
  /** EAP of θ and posterior SD (computed even when rejected, for information). */
  theta: number;
  thetaSe: number;
  /** Total certified pix (0 when rejected). */
  pixScore: number;
  /** One entry per positioned competence (level 0 included), in the order given. All 0 when rejected. */
  competences: CertifiedCompetence[];
}

export interface TimeLeftInput {
  /** When the candidate started (epoch milliseconds or a Date). */
  startedAt: number | Date;
  /** The current time (epoch milliseconds or a Date). */
  now: number | Date;
  /** Session duration in minutes (default DEFAULT_DURATION_MINUTES). */
  durationMinutes?: number;
  /** The candidate's extra time, in percent of the duration (e.g. 30 → 30 % more). Default 0. */
  extraTimePercentage?: number;
}

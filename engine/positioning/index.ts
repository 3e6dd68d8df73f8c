/**
 * Adaptive positioning per competence (docs/domain/measurement.md, "Positioning"): the public face of the folder.
 * See README.md for the rules (selection, exposure, knowledge elements, stop rule).
 */
export type {
  AnswerResult,
  PositioningChallenge,
  CompetenceBank,
  PositioningSettings,
  PositioningAnswer,
  PositioningContext,
  PositioningInput,
  PositioningState,
  NextChallenge,
  NextChallengeReason,
  DoneReason,
} from './types';
export { DEFAULT_POSITIONING_SETTINGS } from './types';
export {
  POSITIONING_GRID,
  PROVISIONAL_CENTRE_LEVEL,
  PROVISIONAL_LEVEL_STEP,
  PROVISIONAL_SLOPE,
  provisionalDifficulty,
  provisionalParameters,
  matchesLocale,
  resolveSettings,
} from './bank';
export type { PositioningResult } from './session';
export { startPositioning, applyAnswer, replay, finishPositioning } from './session';
export { nextChallenge, chooseNext, stepRandom, randomesque } from './select';
export type { SmartRandomState } from './smart-random';
export { smartRandomNext, smartRandomReplay, smartRandomPredictedLevel, SMART_RANDOM_LEVELS } from './smart-random';
export type {
  CompetenceBankSimulationSettings,
  SimulatedCompetenceBank,
  SimulatedLearner,
  SimulatedSession,
  PolicyName,
  PolicyReport,
  PolicyDetails,
  PolicyComparisonOptions,
  PolicyComparison,
} from './simulate';
export { simulateCompetenceBank, trueCompetenceLevel, simulateLearners, simulateSession, comparePolicies, wronglyValidatedSkills } from './simulate';

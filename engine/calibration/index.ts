/**
 * Calibration: marginal maximum likelihood by EM over fixed quadrature (2PL, Rasch), standard
 * errors, fit statistics, DIF and drift. Pure TypeScript on typed arrays; the worker-thread
 * runner lives in ./parallel (it uses Node's worker_threads).
 */
export type { ResponseData, CollapsedData } from './data';
export { ResponseDataBuilder, responseDataFromRows, rowCount, sliceRows, selectItems, shardBoundaries, collapsePatterns } from './data';

export type { ItemParameterArrays, Quadrature, SufficientStatistics, DataSummary, DiagnosticStatistics, DiagnosticOptions, ProbabilityTable } from './kernel';
export {
  buildProbabilityTable,
  computeShardExpectationsInJs,
  mergeStatistics,
  computeShardSummary,
  mergeSummaries,
  computeShardDiagnosticsInJs,
  mergeDiagnostics,
  computeRowAbilities,
  concatRowScores,
} from './kernel';
export type { ExpectationKernel, KernelKind } from './estep-wasm';
export { computeShardExpectations, computeShardDiagnostics, createExpectationKernel, wasmKernelAvailable } from './estep-wasm';

export type { CalibrationModel, SlopePrior, InterceptPrior, PriorSettings, ModelState, MStepSettings, GuessingSettings } from './mstep';
export { DEFAULT_PRIORS, NO_PRIORS, SLOPE_BOUNDS, INTERCEPT_BOUNDS, mStep, maximiseItems, latentStep, itemArraysFor, logPrior, type ItemCounts } from './mstep';
export { DEFAULT_GUESSING_MODE, DEFAULT_GUESSING_WEIGHT, GUESSING_BOUNDS, logGuessingPrior } from './mstep';

export type { EStepRunner } from './runner';
export { createLocalRunner, type KernelOptions } from './runner';

export type {
  QuadratureSettings,
  CalibrationSettings,
  CalibrationProgress,
  CalibrationHooks,
  CalibrationResult,
  ResolvedSettings,
  CalibrateOptions,
  GuessingOptions,
} from './em';
export {
  calibrate,
  calibrateWithRunner,
  resolveSettings,
  checkIdentified,
  CalibrationDataError,
  CalibrationCancelledError,
  OBSERVED_INFORMATION_BUDGET,
} from './em';

export type { ItemFlag, FlagThresholds, ItemCalibration } from './items';
export { ITEM_FLAGS, DEFAULT_FLAG_THRESHOLDS, pointBiserialFromSums } from './items';

export type { StandardErrorMethod, ItemStandardErrors } from './standard-errors';

export { scorePersons, scoreRows, type RowScores } from './persons';

export type { InformationCriteria, LikelihoodRatioTest, PersonFit, Q3Pair } from './diagnostics';
export { informationCriteria, likelihoodRatioTest, marginalReliability, empiricalReliability, lz, personFit, personFitOf, yenQ3 } from './diagnostics';
export type { PersonFitDistribution, ItemPlace, DependentPair, LocalDependenceReport } from './run-diagnostics';
export { PERSON_FIT_HISTOGRAM, summarisePersonFit, personFitDistribution, localDependence } from './run-diagnostics';

export type { DifClass, DifSettings, ItemDif } from './dif';
export { mantelHaenszelDif, REFERENCE_GROUP, FOCAL_GROUP } from './dif';

export type { DriftStatus, DriftSettings, ItemDrift, DriftReport, ParameterSet } from './drift';
export { compareParameterSets, toParameterMap, driftStatus, DRIFT_STATUSES, DRIFT_THRESHOLDS } from './drift';

export type { DifEntry, Signal, SignalSource } from './signals';
export { parseDif, worstDifClass, SIGNALS, SIGNAL_SEVERITY, itemSignals, mainSignal } from './signals';

export type { LevelledItem, CutScoreSettings, LevelCutScore, CutScoreReport } from './cut-scores';
export { levelCutScores, levelAt } from './cut-scores';

export type { ItemSx2 } from './item-fit';
export { sx2ItemFit } from './item-fit';

export type { ObservedInformation } from './information';
export { louisObservedInformation } from './information';
export type { LouisBlocks, LouisPartial } from './louis-pass';
export { louisShardPartial, louisShardPartialInJs, mergeLouisHalves, mergeLouisPartials, louisInformationFromPartial } from './louis-pass';
export { louisRegionBytes, louisWasmAvailable, type LouisMatrixTarget } from './louis-wasm';
export type { ExactCovariance } from './exact-covariance';
export { exactCovariance, exactInformationCost, paddedInformation, EXACT_INFORMATION_BUDGET, EXACT_INFORMATION_MAX_PARAMETERS } from './exact-covariance';
export {
  BLOCK,
  SOLVE_ROWS,
  paddedSize,
  factorDiagonalBlock,
  solvePanel,
  updateTrailing,
  trailingSplit,
  inverseSplit,
  columnBlocks,
  inverseBand,
} from './linalg-blocked';
export { createSharedMatrix, createDotsKernel, type DotsKernel, type SharedMatrix } from './linalg-wasm';
export { freeParameters, parameterGroups } from './standard-errors';

export type { ModelQuality } from './quality';
export { modelQuality } from './quality';

export type { InformationGrid, InformationCurve } from './test-information';
export { testInformationCurves, INFORMATION_GRID } from './test-information';

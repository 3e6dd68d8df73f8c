/**
 * Marginal maximum likelihood by EM (Bock–Aitkin) over fixed quadrature, with SQUAREM acceleration.
 *
 * The driver never touches the data itself: it asks an EStepRunner for summaries, E-steps and the
 * final diagnostic pass, and does the M-step, the acceleration and the bookkeeping. Time, progress
 * and cancellation come in through hooks.
 */
import { gridNodes, normalWeights, type ItemParameters } from '../irt';
import { collapsePatterns, type ResponseData } from './data';
import { toParameterMap, type ParameterSet } from './drift';
import { itemReports, DEFAULT_FLAG_THRESHOLDS, type FlagThresholds, type ItemCalibration } from './items';
import type { DataSummary, Quadrature, SufficientStatistics } from './kernel';
import {
  DEFAULT_GUESSING_MODE,
  DEFAULT_GUESSING_WEIGHT,
  DEFAULT_PRIORS,
  GUESSING_BOUNDS,
  INTERCEPT_BOUNDS,
  NO_PRIORS,
  SLOPE_BOUNDS,
  clampTo,
  logGuessingPrior,
  logPrior,
  mStep,
  type CalibrationModel,
  type GuessingSettings,
  type ModelState,
  type MStepSettings,
  type PriorSettings,
} from './mstep';
import { createLocalRunner, type EStepRunner } from './runner';
import type { RowScores } from './persons';
import { informationCriteria, marginalReliability } from './diagnostics';
import {
  itemErrorsFromCovariance,
  itemErrorsFromGroupCovariance,
  louisBlockErrors,
  observedCovariance,
  type ItemStandardErrors,
  type StandardErrorMethod,
} from './standard-errors';
import { EXACT_INFORMATION_BUDGET, EXACT_INFORMATION_MAX_PARAMETERS, exactCovariance, exactInformationCost } from './exact-covariance';

export interface QuadratureSettings {
  /** Number of nodes (default 61). */
  readonly points?: number;
  /** Range (default [−6, 6]). */
  readonly min?: number;
  readonly max?: number;
}

/** 3PL: how each item's lower asymptote c is treated. */
export interface GuessingOptions {
  /**
   * Mode of each item's Beta prior on c, by item id (e.g. 1 / number of proposals of a QCU);
   * items not listed take `defaultMode`.
   */
  readonly modes?: ReadonlyMap<string, number>;
  /** c held fixed at these values, by item id (anchors take theirs from here, else 0). */
  readonly fixed?: ReadonlyMap<string, number>;
  /** Default DEFAULT_GUESSING_MODE (0.2: five proposals). */
  readonly defaultMode?: number;
  /**
   * Prior weight w: c ~ Beta(w·mode + 1, w·(1 − mode) + 1). Default DEFAULT_GUESSING_WEIGHT (20) with
   * priors on, 0 (no prior) with `priors: false`.
   */
  readonly weight?: number;
}

export interface CalibrationSettings {
  /** '2pl' (default), 'rasch' (slopes 1, latent SD estimated) or '3pl' (lower asymptote c, see `guessing`). */
  readonly model?: CalibrationModel;
  /** 3PL only: the prior on c and the items whose c is fixed. */
  readonly guessing?: GuessingOptions;
  readonly quadrature?: QuadratureSettings;
  /**
   * true (default): a ~ logN(0, 0.5), d ~ N(0, 2); false: none (maximum likelihood, as textbook
   * results are computed); or explicit priors (null = no prior on that parameter).
   */
  readonly priors?: boolean | Partial<PriorSettings>;
  /** Converged when no parameter moves more than this in an EM cycle (default 1e-4). */
  readonly tolerance?: number;
  /** Most EM cycles (E-step + M-step) before giving up (default 2000). */
  readonly maxCycles?: number;
  /** 'squarem' (default) or 'none' (plain EM). */
  readonly acceleration?: 'squarem' | 'none';
  /** Items whose parameters are held fixed, by id. Ids not in the data are ignored. */
  readonly anchors?: ParameterSet;
  /**
   * Latent distribution N(mean, sd²). Defaults: 2PL without anchors fixes N(0, 1) (the model's
   * metric); Rasch estimates the SD; with anchors, the anchors carry the metric and both mean
   * and SD are estimated.
   */
  readonly latent?: { readonly estimateMean?: boolean; readonly estimateSd?: boolean };
  /**
   * 'auto' (default): full observed information — exactly by Louis' identity in one pass when the
   * runner or this process holds the data and its estimated cost fits (EXACT_INFORMATION_BUDGET,
   * at most EXACT_INFORMATION_MAX_PARAMETERS), else by differences of the gradient when cheap enough
   * (see OBSERVED_INFORMATION_BUDGET) — and Louis per-item blocks otherwise. The result names the
   * method (`standardErrors`) and says why (`standardErrorsNote`).
   */
  readonly standardErrors?: 'auto' | StandardErrorMethod;
  readonly flags?: Partial<FlagThresholds>;
  /** Starting values by item id (default a = 1 and d from the item's facility). */
  readonly start?: ParameterSet;
  /**
   * Starting latent distribution, for the parts of it that are estimated (default N(0, 1)); with
   * `start`, a warm start from an earlier run's estimates. EM reaches the same fixed point from any
   * start; a start near it takes fewer cycles.
   */
  readonly startLatent?: { readonly mean: number; readonly sd: number };
}

export interface CalibrationProgress {
  /** EM cycles done so far. */
  readonly cycle: number;
  /** Marginal log-likelihood at the parameters the cycle started from. */
  readonly logLik: number;
  /** Largest parameter change of this cycle. */
  readonly maxChange: number;
}

export interface CalibrationHooks {
  readonly onProgress?: (progress: CalibrationProgress) => void;
  /** Asked before every E-step; returning true stops the run with CalibrationCancelledError. */
  readonly shouldCancel?: () => boolean | Promise<boolean>;
  /** Milliseconds from any fixed origin (e.g. performance.now); used only to report `seconds`. */
  readonly now?: () => number;
  /** With `now`: also time the parts of the exact standard errors (result.standardErrorsSeconds). */
  readonly timeStandardErrors?: boolean;
  /**
   * The response data, when this process holds it: lets the standard errors come from the exact
   * full observed information (Louis' identity over all parameters, one pass) instead of 2 E-steps
   * per parameter.
   */
  readonly data?: ResponseData;
  /**
   * Ask the final pass for each row's θ̂, SD and lz at the final parameters (result.rowScores, rows of the
   * runner's data), when the runner gives them (DiagnosticOptions).
   */
  readonly rowScores?: boolean;
}

export interface CalibrationResult {
  readonly model: CalibrationModel;
  /** Marginal log-likelihood at the final parameters (without the priors). */
  readonly logLik: number;
  /** logLik plus the log prior densities of the estimated parameters (what was maximised). */
  readonly logPosterior: number;
  /** EM cycles (each one E-step and one M-step; SQUAREM extrapolations count their E-steps). */
  readonly iterations: number;
  readonly converged: boolean;
  /** Wall seconds measured with hooks.now, or null when no clock was given. */
  readonly seconds: number | null;
  /** Weighted number of persons and of answers. */
  readonly persons: number;
  readonly answers: number;
  /** The latent distribution N(mean, sd²) the parameters are on (for Rasch, sd is estimated). */
  readonly latent: { readonly mean: number; readonly sd: number };
  /** How the standard errors were computed. */
  readonly standardErrors: StandardErrorMethod;
  /** How exactly, in words (which identity, or why an approximation was used). */
  readonly standardErrorsNote: string;
  /**
   * Exact information only, with hooks.now and hooks.timeStandardErrors: seconds of the pass over the data and of the
   * factorisation (diagonal blocks of the inverse).
   */
  readonly standardErrorsSeconds?: { readonly pass: number; readonly factorisation: number };
  /** Free parameters: estimated item parameters, plus the latent mean and SD when estimated. */
  readonly parameterCount: number;
  /** −2 logLik + 2 parameterCount. */
  readonly aic: number;
  /** −2 logLik + parameterCount · ln(persons). */
  readonly bic: number;
  /** Marginal reliability of the test of all the run's items over the latent distribution (see marginalReliability). */
  readonly marginalReliability: number;
  readonly settings: ResolvedSettings;
  readonly items: ItemCalibration[];
  /** Final parameters as arrays (index-aligned with items), for person scoring. */
  readonly parameters: ModelState;
  /** 3PL only: the prior on c (mode per item, weight) and which items' c was estimated. */
  readonly guessing?: GuessingSettings;
  readonly quadrature: Quadrature;
  /**
   * With calibrate's `rowScores` option: θ̂ (EAP), posterior SD and person fit lz of every row of the
   * data given, at the final parameters (the values of scorePersons and personFit, computed on the
   * runner's threads, in its final pass where it can).
   */
  readonly rowScores?: RowScores;
}

export interface ResolvedSettings {
  readonly model: CalibrationModel;
  readonly quadrature: Required<QuadratureSettings>;
  readonly priors: PriorSettings;
  readonly tolerance: number;
  readonly maxCycles: number;
  readonly acceleration: 'squarem' | 'none';
  readonly anchors: number;
  readonly estimateMean: boolean;
  readonly estimateSd: boolean;
  readonly flags: FlagThresholds;
  /** 3PL only: the guessing prior (weight, default mode) and how many items have c fixed. */
  readonly guessing?: { readonly weight: number; readonly defaultMode: number; readonly fixed: number; readonly modes: number };
}

/** The data cannot be calibrated as it is (an item nobody answered, no variance at all, …). */
export class CalibrationDataError extends Error {
  constructor(
    message: string,
    readonly items: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CalibrationDataError';
  }
}

export class CalibrationCancelledError extends Error {
  constructor(readonly cycle: number) {
    super(`calibration cancelled after ${cycle} cycles`);
    this.name = 'CalibrationCancelledError';
  }
}

/**
 * Observed information costs 2 E-steps per free parameter; it is used by 'auto' while
 * (stored answers × nodes × 2 × free parameters) stays under this many operations.
 */
export const OBSERVED_INFORMATION_BUDGET = 2e9;

export interface CalibrateOptions {
  readonly hooks?: CalibrationHooks;
  /** Merge identical response patterns before the E-steps (default true). */
  readonly collapse?: boolean;
  /** Builds the runner for the (collapsed) data; default: in-process. It is closed afterwards. */
  readonly createRunner?: (data: ResponseData) => EStepRunner | Promise<EStepRunner>;
  /**
   * Also score every row of `data` at the final parameters (θ̂, SD, lz: result.rowScores), on the runner's
   * threads, once per pattern: in the final pass, from each pattern's posterior. A runner whose final pass
   * ignores the option gives none (result.rowScores undefined: the caller scores the rows itself). Default false.
   */
  readonly rowScores?: boolean;
}

/** Calibrates response data. */
export async function calibrate(data: ResponseData, settings: CalibrationSettings = {}, options: CalibrateOptions = {}): Promise<CalibrationResult> {
  const collapsed = options.collapse === false ? null : collapsePatterns(data);
  const prepared = collapsed === null ? data : collapsed.data;
  const runner = options.createRunner ? await options.createRunner(prepared) : createLocalRunner(prepared);
  try {
    const wanted = options.rowScores === true;
    const { rowScores: scores, ...result } = await calibrateWithRunner(runner, settings, { ...options.hooks, data: prepared, rowScores: wanted });
    if (!wanted || scores === undefined) return result;
    const rowScores = collapsed === null ? scores : patternScoresByRow(scores, collapsed.patternOfRow);
    return rowScores === null ? result : { ...result, rowScores };
  } finally {
    await runner.close?.();
  }
}

/** Each row's pattern's scores; null when a row has no pattern (weight 0: not scored by the runner). */
function patternScoresByRow(scores: RowScores, patternOfRow: Int32Array): RowScores | null {
  const rows = patternOfRow.length;
  const theta = new Float64Array(rows);
  const sd = new Float64Array(rows);
  const lz = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const p = patternOfRow[r] as number;
    if (p < 0) return null;
    theta[r] = scores.theta[p] as number;
    sd[r] = scores.sd[p] as number;
    lz[r] = scores.lz[p] as number;
  }
  return { theta, sd, lz };
}

export function resolveSettings(
  settings: CalibrationSettings,
  itemIds: readonly string[],
): { settings: ResolvedSettings; free: Uint8Array; anchorParameters: Map<string, ItemParameters>; guessing?: GuessingSettings; guessingStart?: Float64Array } {
  const model = settings.model ?? '2pl';
  const priors: PriorSettings =
    settings.priors === undefined || settings.priors === true
      ? DEFAULT_PRIORS
      : settings.priors === false
        ? NO_PRIORS
        : {
            slope: settings.priors.slope === undefined ? DEFAULT_PRIORS.slope : settings.priors.slope,
            intercept: settings.priors.intercept === undefined ? DEFAULT_PRIORS.intercept : settings.priors.intercept,
          };
  const free = new Uint8Array(itemIds.length).fill(1);
  const anchorSet = toParameterMap(settings.anchors ?? []);
  let anchors = 0;
  itemIds.forEach((id, i) => {
    if (anchorSet.has(id)) {
      free[i] = 0;
      anchors++;
    }
  });
  const quadrature = {
    points: settings.quadrature?.points ?? 61,
    min: settings.quadrature?.min ?? -6,
    max: settings.quadrature?.max ?? 6,
  };
  const tolerance = settings.tolerance ?? 1e-4;
  const maxCycles = settings.maxCycles ?? 2000;
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be positive, got ${tolerance}`);
  if (!(maxCycles >= 1)) throw new RangeError(`maxCycles must be at least 1, got ${maxCycles}`);
  if (!Number.isInteger(quadrature.points) || quadrature.points < 5) {
    throw new RangeError(`quadrature needs at least 5 points, got ${quadrature.points}`);
  }
  let guessing: GuessingSettings | undefined;
  let guessingStart: Float64Array | undefined;
  let guessingSummary: ResolvedSettings['guessing'];
  if (model === '3pl') {
    const options = settings.guessing ?? {};
    const weight = options.weight ?? (settings.priors === false ? 0 : DEFAULT_GUESSING_WEIGHT);
    const defaultMode = options.defaultMode ?? DEFAULT_GUESSING_MODE;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`the guessing prior weight must be ≥ 0, got ${weight}`);
    if (!(defaultMode > 0 && defaultMode < 1)) throw new RangeError(`the guessing prior mode must be in (0, 1), got ${defaultMode}`);
    const mode = new Float64Array(itemIds.length).fill(defaultMode);
    const freeC = new Uint8Array(itemIds.length).fill(1);
    guessingStart = new Float64Array(itemIds.length);
    let modes = 0;
    let fixed = 0;
    itemIds.forEach((id, i) => {
      const m = options.modes?.get(id);
      if (m !== undefined) {
        if (!(m > 0 && m < 1)) throw new RangeError(`item ${id}: the guessing prior mode must be in (0, 1), got ${m}`);
        mode[i] = m;
        modes++;
      }
      const value = options.fixed?.get(id);
      if (value !== undefined) {
        if (!(value >= 0 && value < 1)) throw new RangeError(`item ${id}: a fixed c must be in [0, 1), got ${value}`);
        freeC[i] = 0;
        (guessingStart as Float64Array)[i] = value;
        fixed++;
      } else if (free[i] === 0) {
        // An anchor without a given c comes from a 2PL bank: c = 0.
        freeC[i] = 0;
      } else {
        (guessingStart as Float64Array)[i] = mode[i] as number;
      }
    });
    guessing = { mode, weight, free: freeC };
    guessingSummary = { weight, defaultMode, fixed, modes };
  }
  return {
    guessing,
    guessingStart,
    settings: {
      ...(guessingSummary === undefined ? {} : { guessing: guessingSummary }),
      model,
      quadrature,
      priors,
      tolerance,
      maxCycles,
      acceleration: settings.acceleration ?? 'squarem',
      anchors,
      estimateMean: settings.latent?.estimateMean ?? anchors > 0,
      estimateSd: settings.latent?.estimateSd ?? (model === 'rasch' || anchors > 0),
      flags: { ...DEFAULT_FLAG_THRESHOLDS, ...settings.flags },
    },
    free,
    anchorParameters: anchorSet,
  };
}

function checkSummary(summary: DataSummary, itemIds: readonly string[]): void {
  const unanswered = itemIds.filter((_, i) => !((summary.answers[i] as number) > 0));
  if (unanswered.length > 0) {
    throw new CalibrationDataError(`nobody answered item${unanswered.length > 1 ? 's' : ''} ${unanswered.join(', ')}`, unanswered);
  }
  let correct = 0;
  for (let i = 0; i < itemIds.length; i++) correct += summary.correct[i] as number;
  if (correct === 0 || correct === summary.totalAnswers) {
    throw new CalibrationDataError(`no variance: every answer is ${correct === 0 ? 'wrong' : 'correct'}`);
  }
}

/**
 * Refuses a model the data cannot identify, instead of returning the starting values with huge SEs:
 * - fewer than 2 items: θ and a single item's parameters cannot be told apart (one answer per person
 *   gives one proportion, the model has 2 or more unknowns);
 * - a 2PL on 2 items without a slope prior and without anchors: the 3 independent frequencies of
 *   the 4 answer patterns cannot determine 4 parameters (only a₁·a₂ is identified);
 * - without an intercept prior, an estimated item that everyone got right (or wrong): its
 *   maximum-likelihood intercept is infinite.
 */
export function checkIdentified(
  summary: DataSummary,
  itemIds: readonly string[],
  resolved: ResolvedSettings,
  free: Uint8Array,
  guessing?: GuessingSettings,
): void {
  if (itemIds.length < 2) {
    throw new CalibrationDataError(
      `the model is not identified: ${itemIds.length === 1 ? `one item (${itemIds[0]})` : 'no item'} cannot be calibrated, ` +
        'since a person answering one item gives one proportion and the model has more unknowns; give at least 2 items (3 for a 2PL without priors)',
      [...itemIds],
    );
  }
  if (resolved.model === '2pl' && resolved.priors.slope === null && resolved.anchors === 0 && itemIds.length < 3) {
    throw new CalibrationDataError(
      'the model is not identified: a 2PL on 2 items without a slope prior has 4 parameters for 3 independent pattern frequencies; ' +
        'use the Rasch model, priors, anchors or a third item',
      [...itemIds],
    );
  }
  if (resolved.model === '3pl' && guessing !== undefined) {
    const estimated = itemIds.filter((_, i) => free[i] === 1 && guessing.free[i] === 1);
    if (guessing.weight === 0 && estimated.length > 0) {
      throw new CalibrationDataError(
        `the 3PL is not identified in practice without a prior on the lower asymptote c: its likelihood is nearly flat along (c, a, d) ` +
          `for item${estimated.length > 1 ? 's' : ''} ${estimated.slice(0, 10).join(', ')}${estimated.length > 10 ? ', …' : ''}; ` +
          'calibrate with priors (Beta prior on c) or fix c for these items',
        estimated,
      );
    }
    if (resolved.priors.slope === null && resolved.anchors === 0 && itemIds.length < 3) {
      throw new CalibrationDataError(
        'the model is not identified: a 3PL on 2 items without a slope prior has more parameters than the 3 independent pattern frequencies; ' +
          'use priors, anchors or more items',
        [...itemIds],
      );
    }
  }
  if (resolved.priors.intercept === null) {
    const constant = itemIds.filter((_, i) => free[i] === 1 && ((summary.correct[i] as number) === 0 || summary.correct[i] === summary.answers[i]));
    if (constant.length > 0) {
      throw new CalibrationDataError(
        `the model is not identified without priors: every answer to item${constant.length > 1 ? 's' : ''} ${constant.join(', ')} ` +
          `is the same (all right or all wrong), so ${constant.length > 1 ? 'their intercepts have' : 'its intercept has'} no finite estimate; ` +
          'calibrate with priors or leave the item out',
        constant,
      );
    }
  }
}

/** EM on whatever runner holds the data. */
export async function calibrateWithRunner(runner: EStepRunner, settings: CalibrationSettings = {}, hooks: CalibrationHooks = {}): Promise<CalibrationResult> {
  const started = hooks.now?.();
  const itemIds = runner.itemIds;
  const { settings: resolved, free, anchorParameters, guessing, guessingStart } = resolveSettings(settings, itemIds);
  const { model, priors, tolerance, maxCycles } = resolved;
  const summary = await runner.summary();
  checkSummary(summary, itemIds);
  checkIdentified(summary, itemIds, resolved, free, guessing);
  const nodes = gridNodes(resolved.quadrature.min, resolved.quadrature.max, resolved.quadrature.points);
  const mSettings: MStepSettings = {
    model,
    priors,
    free,
    estimateMean: resolved.estimateMean,
    estimateSd: resolved.estimateSd,
    ...(guessing === undefined ? {} : { guessing }),
  };

  // Starting values: anchors as given; otherwise a = 1 and d matching the facility under N(0, 1)
  // (logistic ≈ normal ogive: marginal P ≈ logistic(d / sqrt(1 + a²/2.9))).
  const a0 = new Float64Array(itemIds.length);
  const d0 = new Float64Array(itemIds.length);
  const startSet = toParameterMap(settings.start ?? []);
  itemIds.forEach((id, i) => {
    const anchor = anchorParameters.get(id);
    const start = anchor ?? startSet.get(id);
    if (start !== undefined) {
      a0[i] = model === 'rasch' && anchor === undefined ? 1 : start.a;
      d0[i] = start.d;
      return;
    }
    let p = Math.min(0.99, Math.max(0.01, (summary.correct[i] as number) / (summary.answers[i] as number)));
    // 3PL: the logistic part carries (p − c) / (1 − c) of the facility.
    if (guessingStart !== undefined) {
      const c = guessingStart[i] as number;
      p = Math.min(0.99, Math.max(0.01, (p - c) / (1 - c)));
    }
    a0[i] = 1;
    d0[i] = Math.log(p / (1 - p)) * Math.sqrt(1 + 1 / 2.9);
  });

  let cycles = 0;
  const quadratureOf = (s: ModelState): Quadrature => ({ nodes, weights: normalWeights(nodes, s.mean, s.sd) });
  const expectations = async (s: ModelState): Promise<SufficientStatistics> => {
    if (await hooks.shouldCancel?.()) throw new CalibrationCancelledError(cycles);
    return runner.expectations(s.c === undefined ? { a: s.a, d: s.d } : { a: s.a, d: s.d, c: s.c }, quadratureOf(s));
  };
  const objective = (s: ModelState, stats: SufficientStatistics): number => {
    let value = stats.logLik;
    for (let i = 0; i < itemIds.length; i++) {
      if (free[i] === 1) value += logPrior(s.a[i] as number, s.d[i] as number, model, priors);
      if (free[i] === 1 && guessing !== undefined && guessing.free[i] === 1 && s.c !== undefined) {
        value += logGuessingPrior(s.c[i] as number, guessing.mode[i] as number, guessing.weight);
      }
    }
    return value;
  };
  const maxChange = (x: ModelState, y: ModelState): number => {
    let m = 0;
    for (let i = 0; i < itemIds.length; i++) {
      if (free[i] !== 1) continue;
      m = Math.max(m, Math.abs((x.a[i] as number) - (y.a[i] as number)), Math.abs((x.d[i] as number) - (y.d[i] as number)));
      if (x.c !== undefined && y.c !== undefined) m = Math.max(m, Math.abs((x.c[i] as number) - (y.c[i] as number)));
    }
    return Math.max(m, Math.abs(x.mean - y.mean), Math.abs(x.sd - y.sd));
  };
  // One EM cycle from `s` whose E-step is `stats`.
  const emCycle = async (s: ModelState, stats: SufficientStatistics): Promise<{ next: ModelState; change: number }> => {
    // A runner that shares the M-step out (threads idle meanwhile) gives mStep's result bit for bit.
    const next = runner.mStep ? await runner.mStep(stats, s, quadratureOf(s), mSettings) : mStep(stats, s, quadratureOf(s), mSettings);
    const change = maxChange(next, s);
    cycles++;
    hooks.onProgress?.({ cycle: cycles, logLik: stats.logLik, maxChange: change });
    return { next, change };
  };

  // SQUAREM works on a vector where constrained parameters are unconstrained: log a when a
  // lognormal prior keeps a positive, log sd.
  // For the 3PL, logit c follows the other parameters.
  const logSlopes = model !== 'rasch' && priors.slope !== null;
  const n = itemIds.length;
  const toVector = (s: ModelState): Float64Array => {
    const v = new Float64Array(2 * n + 2 + (s.c === undefined ? 0 : n));
    for (let i = 0; i < n; i++) {
      v[2 * i] = logSlopes ? Math.log(s.a[i] as number) : (s.a[i] as number);
      v[2 * i + 1] = s.d[i] as number;
    }
    v[2 * n] = s.mean;
    v[2 * n + 1] = Math.log(s.sd);
    if (s.c !== undefined) {
      for (let i = 0; i < n; i++) {
        const c = Math.min(1 - 1e-12, Math.max(1e-12, s.c[i] as number));
        v[2 * n + 2 + i] = Math.log(c / (1 - c));
      }
    }
    return v;
  };
  const fromVector = (v: Float64Array, template: ModelState): ModelState => {
    const a = new Float64Array(template.a);
    const d = new Float64Array(template.d);
    for (let i = 0; i < itemIds.length; i++) {
      if (free[i] !== 1) continue;
      const av = v[2 * i] as number;
      a[i] = model === 'rasch' ? 1 : clampTo(logSlopes ? Math.exp(av) : av, SLOPE_BOUNDS);
      d[i] = clampTo(v[2 * i + 1] as number, INTERCEPT_BOUNDS);
    }
    let c: Float64Array | undefined;
    if (template.c !== undefined && guessing !== undefined) {
      c = new Float64Array(template.c);
      for (let i = 0; i < n; i++) {
        if (free[i] !== 1 || guessing.free[i] !== 1) continue;
        c[i] = clampTo(1 / (1 + Math.exp(-(v[2 * n + 2 + i] as number))), GUESSING_BOUNDS);
      }
    }
    return {
      ...(c === undefined ? {} : { c }),
      a,
      d,
      mean: mSettings.estimateMean ? (v[2 * itemIds.length] as number) : template.mean,
      sd: mSettings.estimateSd ? Math.exp(v[2 * itemIds.length + 1] as number) : template.sd,
    };
  };

  // How the standard errors will be computed: known before the EM (a runner may prepare the final pass meanwhile).
  let freeCount = 0;
  let freeGuessing = 0;
  for (let i = 0; i < itemIds.length; i++) {
    freeCount += free[i] as number;
    if (guessing !== undefined && free[i] === 1 && guessing.free[i] === 1) freeGuessing++;
  }
  const parameterCount = freeCount * (model === 'rasch' ? 1 : 2) + freeGuessing + (mSettings.estimateMean ? 1 : 0) + (mSettings.estimateSd ? 1 : 0);
  const requested = settings.standardErrors ?? 'auto';
  if (model === '3pl' && requested === 'louis-block') {
    throw new RangeError("per-item Louis blocks are not implemented for the 3PL: use standardErrors 'observed' (or 'auto')");
  }
  const differencesAffordable = summary.storedAnswers * nodes.length * 2 * parameterCount <= OBSERVED_INFORMATION_BUDGET && parameterCount <= 1000;
  const data = hooks.data;
  const exact =
    runner.exactCovariance !== undefined
      ? runner.exactCovariance.bind(runner)
      : data === undefined
        ? undefined
        : (s: ModelState, m: MStepSettings, n: Float64Array, now?: () => number) => exactCovariance(data, s, m, n, now);
  const exactCost = exactInformationCost(summary.storedRows, summary.storedAnswers, parameterCount, nodes.length);
  const louisFull =
    exact !== undefined && parameterCount <= EXACT_INFORMATION_MAX_PARAMETERS && (requested === 'observed' || exactCost <= EXACT_INFORMATION_BUDGET);
  const method: StandardErrorMethod =
    requested !== 'auto' ? requested : louisFull || differencesAffordable ? 'observed' : model === '3pl' ? 'none' : 'louis-block';
  const fuse = method === 'observed' && louisFull && runner.diagnosticsWithCovariance !== undefined;

  const mean0 = mSettings.estimateMean && Number.isFinite(settings.startLatent?.mean) ? (settings.startLatent?.mean as number) : 0;
  const sd0 = mSettings.estimateSd && (settings.startLatent?.sd as number) > 0 ? (settings.startLatent?.sd as number) : 1;
  let state: ModelState = guessingStart === undefined ? { a: a0, d: d0, mean: mean0, sd: sd0 } : { a: a0, d: d0, c: guessingStart, mean: mean0, sd: sd0 };
  if (fuse) runner.prepareCovariance?.(state, mSettings, nodes);
  let stats = await expectations(state);
  let converged = false;
  let stepMax = 1;
  while (cycles < maxCycles) {
    const first = await emCycle(state, stats);
    if (first.change < tolerance) {
      state = first.next;
      converged = true;
      break;
    }
    if (resolved.acceleration === 'none' || cycles >= maxCycles) {
      state = first.next;
      stats = await expectations(state);
      continue;
    }
    const s1 = first.next;
    const stats1 = await expectations(s1);
    const second = await emCycle(s1, stats1);
    if (second.change < tolerance) {
      state = second.next;
      converged = true;
      break;
    }
    const s2 = second.next;
    // SqS3 step length α = −‖r‖/‖v‖, r = x1 − x0, v = x2 − 2x1 + x0; α ∈ [−stepMax, −1].
    const x0 = toVector(state);
    const x1 = toVector(s1);
    const x2 = toVector(s2);
    let rr = 0;
    let vv = 0;
    for (let k = 0; k < x0.length; k++) {
      const r = (x1[k] as number) - (x0[k] as number);
      const v = (x2[k] as number) - 2 * (x1[k] as number) + (x0[k] as number);
      rr += r * r;
      vv += v * v;
    }
    let alpha = vv > 0 ? -Math.sqrt(rr / vv) : -1;
    if (!Number.isFinite(alpha)) alpha = -1;
    alpha = Math.min(-1, Math.max(alpha, -stepMax));
    const atStepMax = alpha === -stepMax;
    if (alpha === -1) {
      // No extrapolation beyond the second EM iterate.
      if (atStepMax) stepMax *= 4;
      state = s2;
      stats = await expectations(state);
      continue;
    }
    const xp = new Float64Array(x0.length);
    for (let k = 0; k < x0.length; k++) {
      const r = (x1[k] as number) - (x0[k] as number);
      const v = (x2[k] as number) - 2 * (x1[k] as number) + (x0[k] as number);
      xp[k] = (x0[k] as number) - 2 * alpha * r + alpha * alpha * v;
    }
    const sp = fromVector(xp, state);
    const statsP = await expectations(sp);
    if (Number.isFinite(statsP.logLik) && objective(sp, statsP) >= objective(state, stats)) {
      if (atStepMax) stepMax *= 4;
      state = sp;
      stats = statsP;
    } else {
      // The extrapolation lost ground: keep the plain EM iterate and be more cautious.
      stepMax = Math.max(1, stepMax / 4);
      state = s2;
      stats = await expectations(state);
    }
  }

  const quadrature = quadratureOf(state);
  const atBounds = new Uint8Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) {
    const a = state.a[i] as number;
    const d = state.d[i] as number;
    if (free[i] === 1 && (a <= SLOPE_BOUNDS[0] || a >= SLOPE_BOUNDS[1] || d <= INTERCEPT_BOUNDS[0] || d >= INTERCEPT_BOUNDS[1])) {
      atBounds[i] = 1;
    }
    if (free[i] === 1 && state.c !== undefined && guessing?.free[i] === 1 && (state.c[i] as number) >= GUESSING_BOUNDS[1]) atBounds[i] = 1;
  }

  // Final pass at the final parameters. With exact SEs on a runner that can, the Louis pass walks the data with it
  // (reading its posteriors: the SEs agree with the separate pass's to rounding; the diagnostics are the same bits).
  const finalParams = state.c === undefined ? { a: state.a, d: state.d } : { a: state.a, d: state.d, c: state.c };
  // scoreOuter is read only by the per-item Louis blocks: the pass forms it only when they give the SEs.
  const diagnosticOptions = { ...(hooks.rowScores === true ? { rowScores: true } : {}), ...(method === 'louis-block' ? {} : { scoreOuter: false }) };
  if (fuse && (await hooks.shouldCancel?.())) throw new CalibrationCancelledError(cycles);
  const fused = fuse
    ? await runner.diagnosticsWithCovariance?.(
        finalParams,
        quadrature,
        diagnosticOptions,
        state,
        mSettings,
        hooks.timeStandardErrors === true ? hooks.now : undefined,
      )
    : undefined;
  const diagnostics = fused?.diagnostics ?? (await runner.diagnostics(finalParams, quadrature, diagnosticOptions));
  let errors: ItemStandardErrors;
  let standardErrorsNote: string;
  let standardErrorsSeconds: CalibrationResult['standardErrorsSeconds'];
  if (method === 'observed' && louisFull && exact !== undefined) {
    // The exact information is a long step on a large bank (tens of seconds): a cancelled run stops before it.
    if (fused === undefined && (await hooks.shouldCancel?.())) throw new CalibrationCancelledError(cycles);
    const covariance = fused?.covariance ?? (await exact(state, mSettings, nodes, hooks.timeStandardErrors === true ? hooks.now : undefined));
    errors = itemErrorsFromGroupCovariance(itemIds.length, covariance.parameters, covariance.band);
    if (covariance.milliseconds !== null) {
      standardErrorsSeconds = { pass: covariance.milliseconds.pass / 1000, factorisation: covariance.milliseconds.factorisation / 1000 };
    }
    standardErrorsNote =
      `full observed information of the marginal log-posterior over all ${parameterCount} free parameters, exact, by Louis' identity ` +
      '(one pass over the data; the diagonal blocks of its inverse from a Cholesky factorisation)' +
      (covariance.band === null ? ': the matrix is not positive definite, so there are no standard errors' : '');
  } else if (method === 'observed') {
    const { parameters, covariance } = await observedCovariance(state, mSettings, nodes, (p, q) => Promise.resolve(runner.expectations(p, q)));
    errors = itemErrorsFromCovariance(itemIds.length, parameters, covariance);
    standardErrorsNote = `full observed information over all ${parameterCount} free parameters, by central differences (h = 1e-4) of the exact gradient (Fisher's identity; the matrix Oakes' identity gives)`;
  } else if (method === 'louis-block') {
    errors = louisBlockErrors(diagnostics, state, quadrature, mSettings);
    standardErrorsNote =
      requested === 'louis-block'
        ? "Louis' formula per item (a, d) block, as asked: ignores covariances between items, slightly understates SEs"
        : `Louis' formula per item (a, d) block because the full matrix was too costly here (${parameterCount} free parameters${exact === undefined ? ', data not held in this process' : `, about ${exactCost.toPrecision(2)} multiply-adds`}): ignores covariances between items, slightly understates SEs`;
  } else {
    const nan = () => new Float64Array(itemIds.length).fill(NaN);
    errors = { seA: nan(), seD: nan(), covAD: nan(), method: 'none' };
    standardErrorsNote =
      requested === 'none'
        ? 'not computed'
        : `not computed: the 3PL's standard errors come only from the full observed information, too costly here (${parameterCount} free parameters${exact === undefined ? ', data not held in this process' : ''})`;
  }
  if (model === 'rasch') errors.seA.fill(NaN);

  const items = itemReports({
    itemIds,
    state,
    free,
    atBounds,
    summary,
    diagnostics,
    errors,
    converged,
    thresholds: resolved.flags,
  });
  const logLik = diagnostics.expectations.logLik;
  const criteria = informationCriteria(logLik, parameterCount, summary.persons);
  const finished = hooks.now?.();
  return {
    model,
    logLik,
    logPosterior: objective(state, diagnostics.expectations),
    iterations: cycles,
    converged,
    seconds: started !== undefined && finished !== undefined ? (finished - started) / 1000 : null,
    persons: summary.persons,
    answers: summary.totalAnswers,
    latent: { mean: state.mean, sd: state.sd },
    standardErrors: method,
    standardErrorsNote,
    ...(standardErrorsSeconds === undefined ? {} : { standardErrorsSeconds }),
    parameterCount,
    aic: criteria.aic,
    bic: criteria.bic,
    marginalReliability: marginalReliability(state),
    settings: resolved,
    items,
    parameters: state,
    ...(guessing === undefined ? {} : { guessing }),
    quadrature,
    ...(diagnostics.rowScores === undefined ? {} : { rowScores: diagnostics.rowScores }),
  };
}

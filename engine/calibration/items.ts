/**
 * Per-item report of a calibration run: parameters, standard errors, counts, classical and fit
 * statistics, and flags from a fixed vocabulary.
 */
import type { DataSummary, DiagnosticStatistics } from './kernel';
import type { ModelState } from './mstep';
import type { ItemStandardErrors } from './standard-errors';

/**
 * - too_few_answers: fewer (weighted) answers than `minAnswers`.
 * - low_discrimination: 0 ≤ a < `lowDiscrimination`.
 * - negative_discrimination: a < 0, or a negative point-biserial.
 * - misfit: infit or outfit, divided by its expectation under the fitted model for this design
 *   (expectedInfit / expectedOutfit), outside the `infit` or `outfit` range. The classical
 *   ranges (infit 0.7–1.3; outfit 0.5–1.5, Linacre's "productive for measurement") are applied
 *   to these ratios, so that a design where persons answer few items does not flag every item.
 * - not_converged: the run did not converge, or the item's parameters ran into their bounds (no
 *   finite estimate, e.g. an item everyone got right, calibrated without priors).
 */
export type ItemFlag = 'too_few_answers' | 'low_discrimination' | 'negative_discrimination' | 'misfit' | 'not_converged';

export const ITEM_FLAGS: readonly ItemFlag[] = ['too_few_answers', 'low_discrimination', 'negative_discrimination', 'misfit', 'not_converged'];

export interface FlagThresholds {
  readonly minAnswers: number;
  readonly lowDiscrimination: number;
  readonly infit: readonly [number, number];
  readonly outfit: readonly [number, number];
}

export const DEFAULT_FLAG_THRESHOLDS: FlagThresholds = {
  minAnswers: 100,
  lowDiscrimination: 0.35,
  infit: [0.7, 1.3],
  outfit: [0.5, 1.5],
};

export interface ItemCalibration {
  readonly item: string;
  readonly a: number;
  readonly d: number;
  /** b = −d / a (for the 3PL, where P = (1 + c)/2). */
  readonly b: number;
  /** 3PL only: the lower asymptote (estimated, or held fixed). */
  readonly c?: number;
  /** Standard errors; null for parameters held fixed (anchors, Rasch slopes, fixed c) or not estimable. */
  readonly se: { readonly a: number | null; readonly d: number | null; readonly b: number | null; readonly c?: number | null };
  /** Weighted number of answers. */
  readonly n: number;
  /** Facility: share of correct answers. */
  readonly pValue: number;
  /**
   * Correlation of the item score with the EAP θ̂ from the person's other answers; null when it is
   * undefined (the item score or that rest score constant), never a rounding residue.
   */
  readonly pointBiserial: number | null;
  /**
   * Information-weighted mean-square Σ(y − P̂)² / Σ P̂(1 − P̂), P̂ at each person's EAP θ̂; null (as outfit)
   * for an item everyone got right or everyone got wrong.
   */
  readonly infit: number | null;
  /** Unweighted mean-square: mean of (y − P̂)² / (P̂(1 − P̂)). */
  readonly outfit: number | null;
  /**
   * What infit and outfit would be on average if the fitted model were true, for the same persons
   * and design (below 1 when persons answered few items: EAP θ̂ is shrunk towards the mean).
   */
  readonly expectedInfit: number | null;
  readonly expectedOutfit: number | null;
  readonly flags: ItemFlag[];
  /** True when the item was an anchor: its parameters were given, not estimated. */
  readonly anchored: boolean;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Pearson correlation of an item score y with a rest score t from the weighted sums Σw, Σw·y, Σw·t,
 * Σw·t², Σw·y·t. Null when it is undefined: no weight, the item score constant (everyone right or
 * everyone wrong), or the rest score constant up to rounding (e.g. a single item, or every person with
 * the same other answers: Σw·t²/Σw − (Σw·t/Σw)² is then a rounding residue, whose sign and size say
 * nothing). A rounding overshoot of a perfect correlation is clamped to [−1, 1].
 */
export function pointBiserialFromSums(sumW: number, sumY: number, sumT: number, sumTT: number, sumYT: number): number | null {
  if (!(sumW > 0)) return null;
  const my = sumY / sumW;
  const mt = sumT / sumW;
  const vy = my * (1 - my);
  const vt = sumTT / sumW - mt * mt;
  // Relative tolerance: the variance of t is computed as a difference of two numbers of size mt²
  // and Σw·t²/Σw, which loses about 1e-16 of their size per operation.
  if (!(vy > 1e-12) || !(vt > 1e-10 * Math.max(1, sumTT / sumW))) return null;
  const r = (sumYT / sumW - my * mt) / Math.sqrt(vy * vt);
  return Number.isFinite(r) ? Math.min(1, Math.max(-1, r)) : null;
}

export function itemReports(options: {
  itemIds: readonly string[];
  state: ModelState;
  free: Uint8Array;
  atBounds: Uint8Array;
  summary: DataSummary;
  diagnostics: DiagnosticStatistics;
  errors: ItemStandardErrors;
  converged: boolean;
  thresholds: FlagThresholds;
}): ItemCalibration[] {
  const { itemIds, state, free, summary, diagnostics: dg, errors, thresholds } = options;
  return itemIds.map((item, i) => {
    const a = state.a[i] as number;
    const d = state.d[i] as number;
    const b = -d / a;
    const anchored = free[i] !== 1;
    const seA = errors.seA[i] as number;
    const seD = errors.seD[i] as number;
    const cov = errors.covAD[i] as number;
    // Delta method for b = −d/a: ∂b/∂a = d/a², ∂b/∂d = −1/a.
    const ga = d / (a * a);
    const gd = -1 / a;
    const varB = ga * ga * (Number.isNaN(seA) ? 0 : seA * seA) + 2 * ga * gd * (Number.isNaN(cov) ? 0 : cov) + gd * gd * seD * seD;
    const n = summary.answers[i] as number;
    const pValue = (summary.correct[i] as number) / n;
    const w = dg.sumW[i] as number;
    const pointBiserial = pointBiserialFromSums(w, dg.sumY[i] as number, dg.sumT[i] as number, dg.sumTT[i] as number, dg.sumYT[i] as number);
    // An item everyone got right (or wrong) has no variance: its residuals say nothing about fit.
    const constant = !(pValue > 0 && pValue < 1);
    const infit = constant ? null : finiteOrNull((dg.squaredResidual[i] as number) / (dg.variance[i] as number));
    const outfit = constant ? null : finiteOrNull((dg.standardisedSquaredResidual[i] as number) / w);
    const flags: ItemFlag[] = [];
    if (n < thresholds.minAnswers) flags.push('too_few_answers');
    if (a >= 0 && a < thresholds.lowDiscrimination) flags.push('low_discrimination');
    if (a < 0 || (pointBiserial !== null && pointBiserial < 0)) flags.push('negative_discrimination');
    const expectedInfit = finiteOrNull((dg.expectedSquaredResidual[i] as number) / (dg.expectedVariance[i] as number));
    const expectedOutfit = finiteOrNull((dg.expectedStandardisedSquaredResidual[i] as number) / w);
    const outside = (x: number | null, expected: number | null, range: readonly [number, number]) =>
      x !== null && expected !== null && (x / expected < range[0] || x / expected > range[1]);
    if (outside(infit, expectedInfit, thresholds.infit) || outside(outfit, expectedOutfit, thresholds.outfit)) flags.push('misfit');
    if (!anchored && (!options.converged || options.atBounds[i] === 1)) flags.push('not_converged');
    return {
      item,
      a,
      d,
      b,
      ...(state.c === undefined ? {} : { c: state.c[i] as number }),
      se: {
        a: anchored ? null : finiteOrNull(seA),
        d: anchored ? null : finiteOrNull(seD),
        b: anchored ? null : finiteOrNull(Math.sqrt(varB)),
        ...(state.c === undefined ? {} : { c: anchored || errors.seC === undefined ? null : finiteOrNull(errors.seC[i] as number) }),
      },
      n,
      pValue,
      pointBiserial,
      infit,
      outfit,
      expectedInfit,
      expectedOutfit,
      flags,
      anchored,
    };
  });
}

/**
 * What a reviewer signs a calibration on, beyond the parameters: model comparison (information
 * criteria, likelihood-ratio test of nested models), reliability (marginal, from the test
 * information, and empirical, from the persons' EAP scores) and person fit (lz). Formulas and
 * sources in docs/decisions/015-psychometric-diagnostics.md.
 */
import { gridNodes, normalWeights } from '../irt';
import { chiSquareUpper } from '../statistics';
import type { ResponseData } from './data';
import type { CalibrationResult } from './em';
import type { ModelState } from './mstep';
import { addToLz, lzOf, scorePersons } from './persons';

export interface InformationCriteria {
  readonly logLik: number;
  /** Free parameters: estimated item parameters, plus the latent mean and SD when estimated. */
  readonly parameters: number;
  /** Weighted number of persons (the N of BIC). */
  readonly persons: number;
  /** −2 logL + 2k. */
  readonly aic: number;
  /** −2 logL + k ln N. */
  readonly bic: number;
}

export function informationCriteria(logLik: number, parameters: number, persons: number): InformationCriteria {
  return {
    logLik,
    parameters,
    persons,
    aic: -2 * logLik + 2 * parameters,
    bic: -2 * logLik + parameters * Math.log(persons),
  };
}

export interface LikelihoodRatioTest {
  /** 2 (logL general − logL restricted), floored at 0. */
  readonly statistic: number;
  /** Difference in the number of free parameters. */
  readonly df: number;
  /** Upper tail of χ²(df) at the statistic. */
  readonly p: number;
}

/**
 * Likelihood-ratio test of a restricted model against a more general one fitted to the same data
 * (e.g. Rasch inside the 2PL: the 2PL with equal slopes and θ ~ N(0, 1) is the Rasch model with
 * θ ~ N(0, σ²), σ the common slope). Refuses runs on different persons or answers, or a
 * "restricted" model with as many parameters.
 */
export function likelihoodRatioTest(
  restricted: Pick<CalibrationResult, 'logLik' | 'parameterCount' | 'persons' | 'answers'>,
  general: Pick<CalibrationResult, 'logLik' | 'parameterCount' | 'persons' | 'answers'>,
): LikelihoodRatioTest {
  if (restricted.persons !== general.persons || restricted.answers !== general.answers) {
    throw new RangeError('a likelihood-ratio test needs both models fitted to the same data');
  }
  const df = general.parameterCount - restricted.parameterCount;
  if (!(df > 0)) throw new RangeError(`the general model must have more free parameters (${general.parameterCount} vs ${restricted.parameterCount})`);
  const statistic = Math.max(0, 2 * (general.logLik - restricted.logLik));
  return { statistic, df, p: chiSquareUpper(statistic, df) };
}

/**
 * Marginal reliability from the test information of all the run's items, as mirt's `marginal_rxx`:
 * ∫ σ²·I(θ) / (σ²·I(θ) + 1) g(θ) dθ over the latent distribution g = N(μ, σ²), on 1,001 nodes over
 * μ ± 6σ (with σ = 1, mirt's metric for the 2PL, this is mirt's TI / (TI + 1)). It is the reliability of
 * a test made of every item: on a sparse design (each person answers a few items of a bank) it
 * overstates what one person's score achieves; the empirical reliability does not.
 */
export function marginalReliability(parameters: ModelState, points = 1001): number {
  const { mean, sd } = parameters;
  const nodes = gridNodes(mean - 6 * sd, mean + 6 * sd, points);
  const weights = normalWeights(nodes, mean, sd);
  const variance = sd * sd;
  let total = 0;
  for (let q = 0; q < nodes.length; q++) {
    const theta = nodes[q] as number;
    let info = 0;
    for (let i = 0; i < parameters.a.length; i++) {
      const a = parameters.a[i] as number;
      const p = 1 / (1 + Math.exp(-(a * theta + (parameters.d[i] as number))));
      if (parameters.c === undefined) {
        info += a * a * p * (1 - p);
      } else {
        // 3PL (Lord 1980): I = a² (1 − c)² s²(1 − s)² / (P(1 − P)), s the logistic part.
        const c = parameters.c[i] as number;
        const P = c + (1 - c) * p;
        const dp = (1 - c) * p * (1 - p);
        info += (a * a * dp * dp) / (P * (1 - P));
      }
    }
    total += ((weights[q] as number) * variance * info) / (variance * info + 1);
  }
  return total;
}

/**
 * Empirical reliability of EAP scores, as mirt's `empirical_rxx`: var(θ̂) / (var(θ̂) + mean(SE²)),
 * with SE the posterior SD, every mean weighted by `weights` (null: 1 each). Null with fewer than
 * 2 persons or no spread at all.
 */
export function empiricalReliability(theta: ArrayLike<number>, se: ArrayLike<number>, weights: ArrayLike<number> | null = null): number | null {
  let w = 0;
  let m = 0;
  let e = 0;
  for (let r = 0; r < theta.length; r++) {
    const wr = weights === null ? 1 : (weights[r] as number);
    w += wr;
    m += wr * (theta[r] as number);
    e += wr * (se[r] as number) ** 2;
  }
  if (!(w > 1)) return null;
  m /= w;
  let v = 0;
  for (let r = 0; r < theta.length; r++) {
    const wr = weights === null ? 1 : (weights[r] as number);
    v += wr * ((theta[r] as number) - m) ** 2;
  }
  // Sample variance, as R's var(): the weighted count stands for that many persons.
  v /= w - 1;
  e /= w;
  return v + e > 0 ? v / (v + e) : null;
}

/**
 * Drasgow, Levine & Williams' (1985) standardised log-likelihood of one response pattern at θ:
 * lz = (l₀ − E[l₀]) / √Var[l₀], l₀ = Σ y ln P + (1 − y) ln(1 − P), E[l₀] = Σ P ln P + (1 − P) ln(1 − P),
 * Var[l₀] = Σ P(1 − P) [ln(P / (1 − P))]². Large negative values: a pattern unlikely under the model
 * (e.g. hard items right and easy ones wrong). Null when the variance is 0 (no answers).
 */
export function lz(answers: readonly { readonly a: number; readonly d: number; readonly c?: number; readonly score: 0 | 1 }[], theta: number): number | null {
  const sums = new Float64Array(3);
  for (const { a, d, c, score } of answers) addToLz(sums, a, d, c ?? 0, score, theta);
  return lzOf(sums);
}

export interface PersonFit {
  /** lz of every row of the data at the row's EAP θ̂ (NaN where undefined: no answer to a known item). */
  readonly lz: Float64Array;
  /** Weighted share of persons with lz below `threshold` (among those with an lz). */
  readonly misfitting: number;
  readonly threshold: number;
}

/**
 * Person fit lz of every row of `data` under a calibration run, at the row's EAP θ̂ (mirt's
 * `personfit` computes it at the θ of `fscores`, EAP by default; pass `theta` when already scored).
 * Misfit: lz < threshold, default −1.645 (one-sided 5 %).
 */
export function personFit(
  data: ResponseData,
  result: CalibrationResult,
  options: { readonly threshold?: number; readonly theta?: Float64Array } = {},
): PersonFit {
  const threshold = options.threshold ?? -1.645;
  const theta = options.theta ?? scorePersons(data, result).theta;
  const index = new Map(result.items.map((item, i) => [item.item, i] as const));
  const known = data.itemIds.map((id) => index.get(id) ?? -1);
  const rows = data.rowStart.length - 1;
  const out = new Float64Array(rows);
  const sums = new Float64Array(3);
  const { a, d, c } = result.parameters;
  for (let r = 0; r < rows; r++) {
    sums.fill(0);
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
      const k = known[data.items[j] as number] as number;
      if (k < 0) continue;
      addToLz(sums, a[k] as number, d[k] as number, c === undefined ? 0 : (c[k] as number), data.scores[j] === 1 ? 1 : 0, theta[r] as number);
    }
    out[r] = lzOf(sums) ?? NaN;
  }
  return personFitOf(out, data.weights, threshold);
}

/**
 * Person fit from lz already computed per row (NaN: no lz), e.g. by the calibration's threads
 * (`rowScores` of calibrate): the weighted share below `threshold` among the rows with an lz.
 */
export function personFitOf(lz: Float64Array, weights: ArrayLike<number> | null, threshold = -1.645): PersonFit {
  let weighted = 0;
  let below = 0;
  for (let r = 0; r < lz.length; r++) {
    const value = lz[r] as number;
    if (Number.isNaN(value)) continue;
    const w = weights === null ? 1 : (weights[r] as number);
    weighted += w;
    if (value < threshold) below += w;
  }
  return { lz, misfitting: weighted > 0 ? below / weighted : 0, threshold };
}

export interface Q3Pair {
  /** Item indices (i < j) and ids. */
  readonly i: number;
  readonly j: number;
  readonly items: readonly [string, string];
  /** Correlation of the residuals y − P(θ̂) of the two items over the persons who answered both. */
  readonly q3: number;
  /** Weighted number of persons who answered both. */
  readonly n: number;
}

/**
 * Yen's (1984) Q3 for local dependence: for every pair of items answered together by at least
 * `minPersons` (weighted) persons, the Pearson correlation of their residuals y − P(θ̂), θ̂ the EAP.
 * Under local independence Q3 is near −1/(n − 1) for a test of n items (Yen 1993), not 0; a pair well
 * above the others (the rule of thumb: 0.2) shares something θ does not explain. Pairs come
 * sorted by decreasing Q3; a pair whose residuals do not vary is left out.
 */
export function yenQ3(
  data: ResponseData,
  result: CalibrationResult,
  options: {
    readonly minPersons?: number;
    readonly theta?: Float64Array;
    /** Only the pairs of result item indices (i < j) for which this is true (default: all). */
    readonly include?: (i: number, j: number) => boolean;
  } = {},
): Q3Pair[] {
  const minPersons = options.minPersons ?? 30;
  const include = options.include;
  const theta = options.theta ?? scorePersons(data, result).theta;
  const index = new Map(result.items.map((item, k) => [item.item, k] as const));
  const known = data.itemIds.map((id) => index.get(id) ?? -1);
  const n = result.items.length;
  if (n > 46_340) throw new RangeError(`Q3 needs item pairs numbered below 2^31: ${n} items`);
  // Sums per pair, Σw, Σw·x, Σw·y, Σw·x², Σw·y², Σw·x·y, in an open-addressing table keyed by i·n + j
  // (typed arrays: a Map of small arrays cost seconds at millions of answers); pairs kept in order of first sight.
  let capacity = 1024;
  let keys = new Float64Array(capacity).fill(-1);
  let slotPair = new Int32Array(capacity);
  let pairKey = new Float64Array(capacity / 2);
  let sums = new Float64Array((capacity / 2) * 6);
  let pairCount = 0;
  const slotOf = (key: number): number => {
    const mask = capacity - 1;
    let slot = Math.imul(key | 0, 0x9e3779b1) & mask;
    for (;;) {
      const k = keys[slot] as number;
      if (k === key) return slotPair[slot] as number;
      if (k < 0) break;
      slot = (slot + 1) & mask;
    }
    if (pairCount === capacity / 2) {
      // Grow (the table stays at most half full) and insert again.
      const oldKeys = pairKey.subarray(0, pairCount);
      capacity *= 2;
      keys = new Float64Array(capacity).fill(-1);
      slotPair = new Int32Array(capacity);
      const grownKeys = new Float64Array(capacity / 2);
      grownKeys.set(oldKeys);
      pairKey = grownKeys;
      const grownSums = new Float64Array((capacity / 2) * 6);
      grownSums.set(sums);
      sums = grownSums;
      for (let q = 0; q < pairCount; q++) {
        let at = Math.imul((pairKey[q] as number) | 0, 0x9e3779b1) & (capacity - 1);
        while ((keys[at] as number) >= 0) at = (at + 1) & (capacity - 1);
        keys[at] = pairKey[q] as number;
        slotPair[at] = q;
      }
      return slotOf(key);
    }
    keys[slot] = key;
    slotPair[slot] = pairCount;
    pairKey[pairCount] = key;
    return pairCount++;
  };
  const rows = data.rowStart.length - 1;
  const itemsOf: number[] = [];
  const residuals: number[] = [];
  for (let r = 0; r < rows; r++) {
    itemsOf.length = 0;
    residuals.length = 0;
    for (let t = data.rowStart[r] as number; t < (data.rowStart[r + 1] as number); t++) {
      const k = known[data.items[t] as number] as number;
      if (k < 0) continue;
      const c = result.parameters.c === undefined ? 0 : (result.parameters.c[k] as number);
      const p = c + (1 - c) / (1 + Math.exp(-((result.parameters.a[k] as number) * (theta[r] as number) + (result.parameters.d[k] as number))));
      itemsOf.push(k);
      residuals.push((data.scores[t] as number) - p);
    }
    const w = data.weights === null ? 1 : (data.weights[r] as number);
    for (let u = 0; u < itemsOf.length; u++) {
      for (let v = u + 1; v < itemsOf.length; v++) {
        const swap = (itemsOf[u] as number) > (itemsOf[v] as number);
        const i = swap ? (itemsOf[v] as number) : (itemsOf[u] as number);
        const j = swap ? (itemsOf[u] as number) : (itemsOf[v] as number);
        if (include !== undefined && !include(i, j)) continue;
        const x = (swap ? residuals[v] : residuals[u]) as number;
        const y = (swap ? residuals[u] : residuals[v]) as number;
        const at = slotOf(i * n + j) * 6;
        sums[at] = (sums[at] as number) + w;
        sums[at + 1] = (sums[at + 1] as number) + w * x;
        sums[at + 2] = (sums[at + 2] as number) + w * y;
        sums[at + 3] = (sums[at + 3] as number) + w * x * x;
        sums[at + 4] = (sums[at + 4] as number) + w * y * y;
        sums[at + 5] = (sums[at + 5] as number) + w * x * y;
      }
    }
  }
  const pairs: Q3Pair[] = [];
  for (let q = 0; q < pairCount; q++) {
    const key = pairKey[q] as number;
    const s = sums.subarray(q * 6, q * 6 + 6);
    const w = s[0] as number;
    if (w < minPersons) continue;
    const mx = (s[1] as number) / w;
    const my = (s[2] as number) / w;
    const vx = (s[3] as number) / w - mx * mx;
    const vy = (s[4] as number) / w - my * my;
    if (!(vx > 1e-12) || !(vy > 1e-12)) continue;
    const q3 = Math.min(1, Math.max(-1, ((s[5] as number) / w - mx * my) / Math.sqrt(vx * vy)));
    const i = Math.floor(key / n);
    const j = key % n;
    pairs.push({ i, j, items: [result.items[i]?.item ?? '', result.items[j]?.item ?? ''], q3, n: w });
  }
  return pairs.sort((p, q) => q.q3 - p.q3);
}

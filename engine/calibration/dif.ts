/**
 * Differential item functioning by the Mantel–Haenszel procedure, persons matched on θ̂ strata.
 *
 * For each item and stratum k: A/B = reference group right/wrong, C/D = focal group right/wrong,
 * N = A + B + C + D. α_MH = Σ(A·D/N) / Σ(B·C/N) is the common odds ratio (reference vs focal);
 * Δ_MH = −2.35·ln α_MH, on the ETS delta scale: negative Δ means the item is harder for the
 * focal group than for reference persons of the same ability (it favours the reference group).
 *
 * ETS classes: A when |Δ| < 1 or the MH chi-square (continuity corrected) is not significant;
 * C when |Δ| ≥ 1.5 and |Δ| is significantly above 1 (one-sided, with the Robins–Breslow–Greenland
 * standard error); B otherwise.
 */
import type { ResponseData } from './data';
import { chiSquare1Upper, normalUpper } from '../statistics';

export type DifClass = 'A' | 'B' | 'C';

export interface DifSettings {
  /** Number of θ̂ strata, of about equal numbers of persons (default 10). */
  readonly strata?: number;
  /** Significance level of the tests (default 0.05). */
  readonly significance?: number;
}

export interface ItemDif {
  readonly item: string;
  /** Weighted answers in each group. */
  readonly reference: number;
  readonly focal: number;
  readonly alphaMH: number | null;
  readonly deltaMH: number | null;
  readonly seDelta: number | null;
  readonly chiSquare: number | null;
  readonly pValue: number | null;
  /** null when the item cannot be tested (a group did not answer it in any shared stratum). */
  readonly class: DifClass | null;
  /** Which group the item favours, when Δ ≠ 0. */
  readonly favours: 'reference' | 'focal' | null;
}

/** Group codes per row of the data: 0 = reference, 1 = focal, anything else = left out. */
export const REFERENCE_GROUP = 0;
export const FOCAL_GROUP = 1;

/** Cut points splitting the weighted θ̂ values into `count` strata; equal θ̂ share a stratum. */
function stratumCuts(theta: ArrayLike<number>, weight: (row: number) => number, include: (row: number) => boolean, count: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < theta.length; r++) if (include(r)) rows.push(r);
  rows.sort((x, y) => (theta[x] as number) - (theta[y] as number));
  let total = 0;
  for (const r of rows) total += weight(r);
  const cuts: number[] = [];
  let cumulative = 0;
  let k = 1;
  for (const r of rows) {
    cumulative += weight(r);
    while (k < count && cumulative >= (total * k) / count) {
      const value = theta[r] as number;
      if (cuts.length === 0 || value > (cuts[cuts.length - 1] as number)) cuts.push(value);
      k++;
    }
  }
  return cuts; // stratum of θ = number of cuts strictly below θ
}

function stratumOf(cuts: readonly number[], value: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cuts[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function mantelHaenszelDif(data: ResponseData, groups: ArrayLike<number>, theta: ArrayLike<number>, settings: DifSettings = {}): ItemDif[] {
  const rows = data.rowStart.length - 1;
  if (groups.length !== rows || theta.length !== rows) {
    throw new RangeError(`groups and theta need one value per row (${rows})`);
  }
  const strataWanted = settings.strata ?? 10;
  const significance = settings.significance ?? 0.05;
  const weight = (r: number) => (data.weights === null ? 1 : (data.weights[r] as number));
  const inGroup = (r: number) => groups[r] === REFERENCE_GROUP || groups[r] === FOCAL_GROUP;
  const cuts = stratumCuts(theta, weight, inGroup, strataWanted);
  const K = cuts.length + 1;
  const itemCount = data.itemIds.length;
  // counts[(i·K + k)·4 + c], c: 0 = A (ref right), 1 = B (ref wrong), 2 = C (focal right), 3 = D (focal wrong)
  const counts = new Float64Array(itemCount * K * 4);
  for (let r = 0; r < rows; r++) {
    if (!inGroup(r)) continue;
    const w = weight(r);
    const k = stratumOf(cuts, theta[r] as number);
    const groupOffset = groups[r] === REFERENCE_GROUP ? 0 : 2;
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
      const i = data.items[j] as number;
      const cell = ((i * K + k) << 2) + groupOffset + (data.scores[j] === 1 ? 0 : 1);
      counts[cell] = (counts[cell] as number) + w;
    }
  }
  const z = inverseNormalUpper(significance); // one-sided critical value (1.645 at 0.05)
  return data.itemIds.map((item, i) => {
    let R = 0;
    let S = 0;
    let sumA = 0;
    let sumE = 0;
    let sumV = 0;
    let pr = 0;
    let psqr = 0;
    let qs = 0;
    let reference = 0;
    let focal = 0;
    for (let k = 0; k < K; k++) {
      const base = (i * K + k) << 2;
      const A = counts[base] as number;
      const B = counts[base + 1] as number;
      const C = counts[base + 2] as number;
      const D = counts[base + 3] as number;
      reference += A + B;
      focal += C + D;
      const N = A + B + C + D;
      const nR = A + B;
      const nF = C + D;
      if (nR === 0 || nF === 0 || N < 2) continue;
      const m1 = A + C;
      const m0 = B + D;
      const Rk = (A * D) / N;
      const Sk = (B * C) / N;
      const Pk = (A + D) / N;
      const Qk = (B + C) / N;
      R += Rk;
      S += Sk;
      pr += Pk * Rk;
      psqr += Pk * Sk + Qk * Rk;
      qs += Qk * Sk;
      sumA += A;
      sumE += (nR * m1) / N;
      sumV += (nR * nF * m1 * m0) / (N * N * (N - 1));
    }
    if (!(R > 0) || !(S > 0) || !(sumV > 0)) {
      return { item, reference, focal, alphaMH: null, deltaMH: null, seDelta: null, chiSquare: null, pValue: null, class: null, favours: null };
    }
    const alphaMH = R / S;
    const deltaMH = -2.35 * Math.log(alphaMH);
    const varLogAlpha = pr / (2 * R * R) + psqr / (2 * R * S) + qs / (2 * S * S);
    const seDelta = 2.35 * Math.sqrt(varLogAlpha);
    const excess = Math.max(0, Math.abs(sumA - sumE) - 0.5);
    const chiSquare = (excess * excess) / sumV;
    const pValue = chiSquare1Upper(chiSquare);
    const size = Math.abs(deltaMH);
    let difClass: DifClass;
    if (size < 1 || pValue >= significance) difClass = 'A';
    else if (size >= 1.5 && (size - 1) / seDelta > z) difClass = 'C';
    else difClass = 'B';
    return {
      item,
      reference,
      focal,
      alphaMH,
      deltaMH,
      seDelta,
      chiSquare,
      pValue,
      class: difClass,
      favours: deltaMH < 0 ? 'reference' : deltaMH > 0 ? 'focal' : null,
    };
  });
}

/** z such that P(Z > z) = p, by bisection on the normal tail (p in (0, 1)). */
function inverseNormalUpper(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let iter = 0; iter < 100; iter++) {
    const mid = 0.5 * (lo + hi);
    if (normalUpper(mid) > p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Correlations: Pearson's r (e.g. b of one run against b of another) and Spearman's ρ (e.g. the authors'
 * skill levels against measured difficulty b). simple-statistics computes them; what it leaves to us:
 * an answer of null rather than NaN when the correlation is undefined (too few pairs, a constant
 * variable), pairs with a missing value left out, and the p-value of ρ.
 */
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
import { studentTwoSided } from './distributions';

/** Fewest pairs for which a correlation is reported. */
const MIN_PAIRS = 3;

function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

/** A correlation, or null when it is undefined: fewer than 3 pairs or either variable constant. */
function correlationOrNull(x: readonly number[], y: readonly number[], correlation: (x: number[], y: number[]) => number): number | null {
  if (x.length !== y.length) throw new RangeError('correlation: x and y differ in length');
  if (x.length < MIN_PAIRS || isConstant(x) || isConstant(y)) return null;
  const r = correlation([...x], [...y]);
  // Rounding can put a perfect correlation a hair outside [−1, 1].
  return Number.isFinite(r) ? Math.min(1, Math.max(-1, r)) : null;
}

/** Pearson correlation; null when fewer than 3 pairs or either variable is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  return correlationOrNull(x, y, sampleCorrelation);
}

export interface RankCorrelation {
  /** Spearman's ρ (Pearson on mid-ranks, so ties are handled). */
  readonly rho: number;
  /** Pairs with both values finite. */
  readonly n: number;
  /** Two-sided p-value from t = ρ·√((n−2)/(1−ρ²)) on n − 2 degrees of freedom (n ≥ 4). */
  readonly pValue: number | null;
}

/**
 * Spearman rank correlation of the pairs where both values are finite (a value missing from the shorter
 * list counts as not finite); null when fewer than 3 such pairs or either variable is constant.
 */
export function spearman(x: readonly number[], y: readonly number[]): RankCorrelation | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  const rho = correlationOrNull(xs, ys, sampleRankCorrelation);
  if (rho === null) return null;
  const n = xs.length;
  let pValue: number | null = null;
  if (n >= 4) pValue = Math.abs(rho) >= 1 ? 0 : studentTwoSided(rho * Math.sqrt((n - 2) / (1 - rho * rho)), n - 2);
  return { rho, n, pValue };
}

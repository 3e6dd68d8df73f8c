/** Confidence interval of a proportion (simple-statistics has none for a binomial proportion). */
import { Z95 } from './distributions';

export interface Proportion {
  /** successes / n (NaN when n = 0). */
  readonly p: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927). Unlike the Wald interval it stays
 * inside [0, 1] and keeps its coverage for small groups and proportions near 0 or 1.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Proportion {
  if (!(n > 0)) return { p: NaN, low: 0, high: 1 };
  if (successes < 0 || successes > n) throw new RangeError(`successes ${successes} outside [0, ${n}]`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Exact bounds at the edges (rounding would otherwise give 1e-17 instead of 0).
  return { p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

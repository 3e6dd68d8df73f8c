/**
 * Summaries of a list of values: mean, standard deviation, root mean square (null for too few values
 * rather than simple-statistics' exception), and the Tukey box-plot summary.
 */
import { max, mean as ssMean, min, quantileSorted, rootMeanSquare as ssRootMeanSquare, sampleStandardDeviation } from 'simple-statistics';

/** Arithmetic mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length > 0 ? ssMean([...values]) : null;
}

/** Sample standard deviation (n − 1 in the denominator); null for fewer than two values. */
export function sampleSd(values: readonly number[]): number | null {
  return values.length > 1 ? sampleStandardDeviation([...values]) : null;
}

/** √(mean of the squares), e.g. the root mean square difference between two runs; null for no values. */
export function rootMeanSquare(values: readonly number[]): number | null {
  return values.length > 0 ? ssRootMeanSquare([...values]) : null;
}

export interface BoxStats {
  readonly n: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
  readonly mean: number;
  /** Most extreme values within 1.5 IQR of the quartiles (Tukey's whiskers). */
  readonly lowerWhisker: number;
  readonly upperWhisker: number;
  /** Values beyond the whiskers, ascending. */
  readonly outliers: number[];
}

/**
 * Tukey box-plot summary of the finite values (null when there are none); quartiles by linear
 * interpolation (R type 7, as simple-statistics, d3 and most packages).
 */
export function boxStats(values: readonly number[]): BoxStats | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return null;
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const lowFence = q1 - 1.5 * (q3 - q1);
  const highFence = q3 + 1.5 * (q3 - q1);
  const inside = sorted.filter((v) => v >= lowFence && v <= highFence);
  return {
    n: sorted.length,
    min: min(sorted),
    q1,
    median: quantileSorted(sorted, 0.5),
    q3,
    max: max(sorted),
    mean: ssMean(sorted),
    lowerWhisker: inside[0] ?? q1,
    upperWhisker: inside[inside.length - 1] ?? q3,
    outliers: sorted.filter((v) => v < lowFence || v > highFence),
  };
}

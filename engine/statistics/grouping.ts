/**
 * Grouping values: groups of about equal size by ascending value (persons by θ̂, for observed proportions
 * correct), and histogram counts in bins aligned on a step (persons' θ̂ for a Wright map).
 */

/**
 * Splits items into `count` groups of about equal size by ascending `value`, items whose value is not
 * finite left out. Equal values always fall in the same group (so there may be fewer groups than
 * asked). Returns the groups in order.
 */
export function quantileGroups<T>(items: readonly T[], value: (item: T) => number, count: number): T[][] {
  if (!(count >= 1)) throw new RangeError(`quantileGroups needs at least one group, got ${count}`);
  const sorted = items.filter((item) => Number.isFinite(value(item))).sort((x, y) => value(x) - value(y));
  const n = sorted.length;
  const groups: T[][] = [];
  let start = 0;
  for (let k = 1; k <= count && start < n; k++) {
    let end = k === count ? n : Math.round((n * k) / count);
    if (end <= start) continue;
    // Keep ties together: extend the group over values equal to its last one.
    while (end < n && value(sorted[end] as T) === value(sorted[end - 1] as T)) end++;
    groups.push(sorted.slice(start, end));
    start = end;
  }
  return groups;
}

/** How many θ̂ groups to make for n persons: about `perGroup` persons each, between 1 and `max`. */
export function groupCount(n: number, max = 10, perGroup = 30): number {
  return Math.max(1, Math.min(max, Math.floor(n / perGroup)));
}

export interface HistogramBin {
  /** Lower edge (inclusive). */
  readonly x0: number;
  /** Upper edge (exclusive, except for the last bin). */
  readonly x1: number;
  readonly count: number;
}

/**
 * Counts of the finite `values` in bins of width `step` aligned on multiples of `step`, covering
 * `domain` (values outside it go to the first or last bin, so nothing is dropped).
 */
export function histogram(values: readonly number[], step: number, domain: readonly [number, number]): HistogramBin[] {
  if (!(step > 0)) throw new RangeError(`histogram step must be positive, got ${step}`);
  const lo = Math.floor(domain[0] / step) * step;
  const hi = Math.max(lo + step, Math.ceil(domain[1] / step) * step);
  const bins = Math.round((hi - lo) / step);
  // Inner edges, rounded so that 0.1-steps give 0.3 rather than 0.30000000000000004.
  const inner: number[] = [];
  for (let k = 1; k < bins; k++) inner.push(roundTo(lo + k * step, 10));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[binIndex(inner, Math.min(Math.max(v, lo), hi))]! += 1;
  }
  return counts.map((count, k) => ({ x0: k === 0 ? lo : (inner[k - 1] as number), x1: k === bins - 1 ? hi : (inner[k] as number), count }));
}

/** Number of inner edges at or below v: a value on an edge opens the bin above it. */
function binIndex(inner: readonly number[], v: number): number {
  let low = 0;
  let high = inner.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((inner[mid] as number) <= v) low = mid + 1;
    else high = mid;
  }
  return low;
}

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

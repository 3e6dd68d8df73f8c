/**
 * Small statistics for the psychometric charts: Wilson intervals, box-plot summaries, ranks and rank
 * correlation, θ̂ quantile groups and histograms. Pure functions on plain arrays, shared by the server
 * (analysis queries) and the chart components.
 */
import { bin as d3bin, quantileSorted } from 'd3';

/** z of a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

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

/** Tukey box-plot summary; quartiles by linear interpolation (R type 7, as d3 and most packages). */
export function boxStats(values: readonly number[]): BoxStats | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  const n = sorted.length;
  if (n === 0) return null;
  const q1 = quantileSorted(sorted, 0.25) as number;
  const median = quantileSorted(sorted, 0.5) as number;
  const q3 = quantileSorted(sorted, 0.75) as number;
  const iqr = q3 - q1;
  const lowFence = q1 - 1.5 * iqr;
  const highFence = q3 + 1.5 * iqr;
  const inside = sorted.filter((v) => v >= lowFence && v <= highFence);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    min: sorted[0] as number,
    q1,
    median,
    q3,
    max: sorted[n - 1] as number,
    mean: sum / n,
    lowerWhisker: inside[0] ?? q1,
    upperWhisker: inside[inside.length - 1] ?? q3,
    outliers: sorted.filter((v) => v < lowFence || v > highFence),
  };
}

/** Ranks 1..n, ties sharing the mean of their ranks. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[(order[k] as readonly [number, number])[1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation; null when fewer than 3 pairs or either variable is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError('pearson: x and y differ in length');
  const n = x.length;
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  return sxy / Math.sqrt(sxx * syy);
}

export interface RankCorrelation {
  /** Spearman's ρ (Pearson on mid-ranks, so ties are handled). */
  readonly rho: number;
  readonly n: number;
  /** Two-sided p-value from t = ρ·√((n−2)/(1−ρ²)) on n − 2 degrees of freedom (n ≥ 4). */
  readonly pValue: number | null;
}

/** Spearman rank correlation, e.g. between authors' skill levels and measured difficulty b. */
export function spearman(x: readonly number[], y: readonly number[]): RankCorrelation | null {
  const pairs: [number, number][] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) pairs.push([a, b]);
  }
  const rho = pearson(ranks(pairs.map((p) => p[0])), ranks(pairs.map((p) => p[1])));
  if (rho === null) return null;
  const n = pairs.length;
  let pValue: number | null = null;
  if (n >= 4) {
    if (Math.abs(rho) >= 1) pValue = 0;
    else {
      const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
      pValue = studentTwoSided(t, n - 2);
    }
  }
  return { rho, n, pValue };
}

/** Two-sided tail probability of Student's t with `df` degrees of freedom. */
export function studentTwoSided(t: number, df: number): number {
  const x = df / (df + t * t);
  return Math.min(1, Math.max(0, regularisedIncompleteBeta(x, df / 2, 0.5)));
}

/** I_x(a, b) by the continued fraction (Numerical Recipes, betacf), accurate to ~1e-12. */
function regularisedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xm = x - 1;
  let s = c[0] as number;
  for (let i = 1; i < g + 2; i++) s += (c[i] as number) / (xm + i);
  const t = xm + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(s);
}

/**
 * Splits items into `count` groups of about equal size by ascending `value`. Equal values always
 * fall in the same group (so there may be fewer groups than asked). Returns the groups in order.
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

/** How many θ̂ groups to draw for n persons: about `perGroup` persons each, between 1 and `max`. */
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
 * Counts of `values` in bins of width `step` aligned on multiples of `step`, covering `domain`
 * (values outside it go to the first or last bin, so nothing is dropped).
 */
export function histogram(values: readonly number[], step: number, domain: readonly [number, number]): HistogramBin[] {
  if (!(step > 0)) throw new RangeError(`histogram step must be positive, got ${step}`);
  const lo = Math.floor(domain[0] / step) * step;
  const hi = Math.max(lo + step, Math.ceil(domain[1] / step) * step);
  const thresholds: number[] = [];
  const edges = Math.round((hi - lo) / step);
  for (let k = 1; k < edges; k++) thresholds.push(roundTo(lo + k * step, 10));
  const clamped = values.filter((v) => Number.isFinite(v)).map((v) => Math.min(Math.max(v, lo), hi));
  const bins = d3bin<number, number>().domain([lo, hi]).thresholds(thresholds)(clamped);
  return bins.map((b) => ({ x0: b.x0 as number, x1: b.x1 as number, count: b.length }));
}

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** [min, max] of the finite values, widened by `pad` on each side and to at least `minSpan`. */
export function paddedExtent(values: readonly number[], pad = 0, minSpan = 0): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  lo -= pad;
  hi += pad;
  if (hi - lo < minSpan) {
    const mid = (lo + hi) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
  }
  return [lo, hi];
}

/** Values of f on an evenly spaced grid from `from` to `to` (inclusive), for drawing curves. */
export function sampleCurve(f: (x: number) => number, from: number, to: number, points = 121): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let k = 0; k < points; k++) {
    const x = from + ((to - from) * k) / (points - 1);
    out.push({ x, y: f(x) });
  }
  return out;
}

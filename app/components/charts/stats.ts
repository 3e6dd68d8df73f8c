/**
 * Drawing helpers on plain arrays: a padded extent for an axis and a curve sampled on a grid. The
 * statistics the charts show (box plots, correlations, intervals, histograms) are computed in the
 * engine (engine/statistics).
 */

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

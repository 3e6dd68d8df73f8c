/**
 * S-X² item fit (Orlando & Thissen 2000): for each item, persons are grouped by their summed score
 * on the test, and the observed proportion correct in each group is compared with what the fitted
 * model predicts for that group — Σ_θ P_i(θ) f⁻ⁱ(k − 1 | θ) g(θ) / Σ_θ f(k | θ) g(θ), with the
 * summed-score distributions f from the Lord–Wingersky recursion over the quadrature nodes.
 *
 * Only persons who answered every item enter (a summed score needs a common test; sparse data has
 * none, and then the statistic is null). Groups are scores 1 … n − 1 (0 and n carry no
 * information); adjacent groups are merged from each tail inwards until every group's expected
 * number correct and incorrect are both ≥ 1. df = groups − estimated parameters of the item
 * (2 for a 2PL item, 1 for Rasch, 3 for a 3PL item whose c is estimated, 2 when c is fixed: pass
 * a number per item); null when df < 1. With `state.c` the trace lines are the 3PL's,
 * P = c + (1 − c)·logistic(aθ + d).
 */
import type { ResponseData } from './data';
import type { ItemParameterArrays, Quadrature } from './kernel';
import { chiSquareUpper } from '../statistics/distributions';

export interface ItemSx2 {
  readonly statistic: number;
  readonly df: number;
  readonly p: number;
}

/**
 * One step of the Lord–Wingersky recursion in place: f holds P(score s | θ_q) at f[s * Q + q] over some
 * items (`size` scores, 0 … size − 1) and gets item i added (size + 1 scores; f must have room for them).
 * Descending scores read each old value before overwriting it; each new value is the same two products
 * summed as by a fresh array (f[s] = f[s − 1]·p + f[s]·(1 − p)), so the results are bit for bit those of
 * the recursion into a new array per item.
 */
function addItem(f: Float64Array, size: number, prob: Float64Array, i: number, Q: number): void {
  const base = i * Q;
  for (let q = 0; q < Q; q++) f[size * Q + q] = (f[(size - 1) * Q + q] as number) * (prob[base + q] as number);
  for (let s = size - 1; s >= 1; s--) {
    for (let q = 0; q < Q; q++) {
      const p = prob[base + q] as number;
      f[s * Q + q] = (f[(s - 1) * Q + q] as number) * p + (f[s * Q + q] as number) * (1 - p);
    }
  }
  for (let q = 0; q < Q; q++) f[q] = (f[q] as number) * (1 - (prob[base + q] as number));
}

/**
 * Calls `visit(i, rest)` for i = 0 … n − 1 in order, `rest` holding the summed-score distribution over every
 * item but i (rest[s * Q + q] = P(score s | θ_q), s = 0 … n − 1), by divide and conquer: a range of items
 * gets the distribution over every item outside it, and each half of the range adds the other half's items
 * to it. Each item is added about log₂ n times (≈ n² log₂ n · Q steps, against n³ · Q / 3 for the prefix
 * of items 0 … i − 1 followed by items i + 1 … n − 1 for each i: ×6 fewer at 100 items). The same
 * recursion adding the items in another order: the values agree with that order's to rounding (all the
 * terms are positive, no cancellation; ≤ 1e-13 relative in the tests).
 */
function leaveOneOut(prob: Float64Array, n: number, Q: number, visit: (i: number, rest: Float64Array) => void): void {
  let levels = 1;
  while (1 << (levels - 1) < n) levels++;
  const buffers = Array.from({ length: levels }, () => new Float64Array((n + 1) * Q));
  (buffers[0] as Float64Array).fill(1, 0, Q);
  // `complement` (at `level`) holds the distribution over the `outside` items not in [lo, hi).
  const solve = (lo: number, hi: number, level: number, outside: number): void => {
    const complement = buffers[level] as Float64Array;
    if (hi - lo === 1) {
      visit(lo, complement);
      return;
    }
    const mid = (lo + hi) >> 1;
    const next = buffers[level + 1] as Float64Array;
    next.set(complement.subarray(0, (outside + 1) * Q));
    for (let j = mid; j < hi; j++) addItem(next, outside + 1 + j - mid, prob, j, Q);
    solve(lo, mid, level + 1, outside + hi - mid);
    next.set(complement.subarray(0, (outside + 1) * Q));
    for (let j = lo; j < mid; j++) addItem(next, outside + 1 + j - lo, prob, j, Q);
    solve(mid, hi, level + 1, outside + mid - lo);
  };
  solve(0, n, 0, 0);
}

/** Summed-score distribution per node: result[s * Q + q] = P(score s | θ_q), over items 0 … n − 1. */
function lordWingersky(prob: Float64Array, n: number, Q: number): Float64Array {
  const f = new Float64Array((n + 1) * Q);
  f.fill(1, 0, Q);
  for (let i = 0; i < n; i++) addItem(f, i + 1, prob, i, Q);
  return f;
}

export function sx2ItemFit(
  data: ResponseData,
  state: ItemParameterArrays,
  quadrature: Quadrature,
  parametersPerItem: number | readonly number[],
): (ItemSx2 | null)[] {
  const n = state.a.length;
  const Q = quadrature.nodes.length;
  const empty = (): (ItemSx2 | null)[] => new Array<ItemSx2 | null>(n).fill(null);
  if (n < 3) return empty();
  const prob = new Float64Array(n * Q);
  for (let i = 0; i < n; i++) {
    const c = state.c === undefined ? 0 : (state.c[i] as number);
    for (let q = 0; q < Q; q++)
      prob[i * Q + q] = c + (1 - c) / (1 + Math.exp(-((state.a[i] as number) * (quadrature.nodes[q] as number) + (state.d[i] as number))));
  }
  // Observed: persons and correct answers to each item by summed score (complete rows only).
  const persons = new Float64Array(n + 1);
  const correct = new Float64Array(n * (n + 1));
  const rows = data.rowStart.length - 1;
  let complete = 0;
  for (let r = 0; r < rows; r++) {
    const from = data.rowStart[r] as number;
    const to = data.rowStart[r + 1] as number;
    if (to - from !== n) continue;
    const w = data.weights === null ? 1 : (data.weights[r] as number);
    let score = 0;
    for (let k = from; k < to; k++) score += data.scores[k] as number;
    persons[score] = (persons[score] as number) + w;
    for (let k = from; k < to; k++)
      if (data.scores[k] === 1) correct[(data.items[k] as number) * (n + 1) + score] = (correct[(data.items[k] as number) * (n + 1) + score] as number) + w;
    complete += w;
  }
  if (complete === 0) return empty();
  const full = lordWingersky(prob, n, Q);
  const g = quadrature.weights;
  const denominator = new Float64Array(n + 1);
  for (let s = 0; s <= n; s++) {
    let acc = 0;
    for (let q = 0; q < Q; q++) acc += (full[s * Q + q] as number) * (g[q] as number);
    denominator[s] = acc;
  }
  const fit = new Array<ItemSx2 | null>(n).fill(null);
  leaveOneOut(prob, n, Q, (i, rest) => {
    // Groups k = 1 … n − 1: N_k persons, O_k correct, E_k expected proportion correct.
    const groups: ScoreGroup[] = [];
    for (let k = 1; k <= n - 1; k++) {
      let acc = 0;
      for (let q = 0; q < Q; q++) acc += (prob[i * Q + q] as number) * (rest[(k - 1) * Q + q] as number) * (g[q] as number);
      const e = (denominator[k] as number) > 0 ? acc / (denominator[k] as number) : 0;
      const count = persons[k] as number;
      groups.push({ count, observed: correct[i * (n + 1) + k] as number, expected: e * count });
    }
    fit[i] = sx2FromGroups(groups, typeof parametersPerItem === 'number' ? parametersPerItem : (parametersPerItem[i] as number));
  });
  return fit;
}

/** One score group of an item: persons, correct answers observed, correct answers expected. */
export interface ScoreGroup {
  count: number;
  observed: number;
  expected: number;
}

/**
 * S-X² of one item from its score groups 1 … n − 1 (merged here, in place): adjacent groups are merged
 * from each tail inwards until every group's expected numbers correct and incorrect are both ≥ 1; null
 * when df = groups − `parameters` < 1.
 */
export function sx2FromGroups(groups: ScoreGroup[], parameters: number): ItemSx2 | null {
  const small = (x: { count: number; expected: number }) => x.expected < 1 || x.count - x.expected < 1;
  const merge = (x: (typeof groups)[number], y: (typeof groups)[number]) => ({
    count: x.count + y.count,
    observed: x.observed + y.observed,
    expected: x.expected + y.expected,
  });
  // From the low tail upwards, then from the high tail downwards.
  while (groups.length > 1 && small(groups[0]!)) groups.splice(0, 2, merge(groups[0]!, groups[1]!));
  while (groups.length > 1 && small(groups[groups.length - 1]!))
    groups.splice(groups.length - 2, 2, merge(groups[groups.length - 2]!, groups[groups.length - 1]!));
  // Any small group left in the middle joins its neighbour.
  for (let k = 0; k < groups.length && groups.length > 1;) {
    if (small(groups[k]!)) {
      const j = k + 1 < groups.length ? k + 1 : k - 1;
      const lo = Math.min(j, k);
      groups.splice(lo, 2, merge(groups[lo]!, groups[lo + 1]!));
      k = Math.max(0, lo - 1);
    } else k++;
  }
  const df = groups.length - parameters;
  if (df < 1) return null;
  let statistic = 0;
  for (const x of groups) {
    const e = x.expected / x.count;
    statistic += (x.count * (x.observed / x.count - e) ** 2) / (e * (1 - e));
  }
  return { statistic, df, p: chiSquareUpper(statistic, df) };
}

/**
 * The M-step: new item parameters from expected counts, one item at a time (Newton–Raphson with
 * step halving on each item's expected complete-data log-posterior), and the latent
 * distribution's mean and SD from the expected number of persons at each node.
 */
import { normalWeights } from '../irt';
import type { Quadrature, SufficientStatistics } from './kernel';

/**
 * '2pl': P = logistic(a·θ + d); 'rasch': a = 1; '3pl': P = c + (1 − c)·logistic(a·θ + d), c the lower
 * asymptote (guessing floor), with a Beta prior or held fixed per item.
 */
export type CalibrationModel = '2pl' | 'rasch' | '3pl';

/** Prior on the slope: a ~ logN(meanlog, sdlog). */
export interface SlopePrior {
  readonly meanlog: number;
  readonly sdlog: number;
}

/** Prior on the intercept: d ~ N(mean, sd²). */
export interface InterceptPrior {
  readonly mean: number;
  readonly sd: number;
}

export interface PriorSettings {
  readonly slope: SlopePrior | null;
  readonly intercept: InterceptPrior | null;
}

export const DEFAULT_PRIORS: PriorSettings = {
  slope: { meanlog: 0, sdlog: 0.5 },
  intercept: { mean: 0, sd: 2 },
};

export const NO_PRIORS: PriorSettings = { slope: null, intercept: null };

/** Parameters kept within these bounds so that no probability under- or overflows. */
export const SLOPE_BOUNDS = [-10, 10] as const;
export const INTERCEPT_BOUNDS = [-30, 30] as const;

/** Everything the EM iterates on: item parameters and the latent distribution N(mean, sd²). */
export interface ModelState {
  readonly a: Float64Array;
  readonly d: Float64Array;
  /** 3PL only: lower asymptotes (absent for the 2PL and Rasch models). */
  readonly c?: Float64Array;
  readonly mean: number;
  readonly sd: number;
}

export interface MStepSettings {
  readonly model: CalibrationModel;
  readonly priors: PriorSettings;
  /** free[i] = 1 when item i is estimated, 0 when it is an anchor (held fixed). */
  readonly free: Uint8Array;
  readonly estimateMean: boolean;
  readonly estimateSd: boolean;
  /** 3PL only: the prior on c and which items' c is estimated. */
  readonly guessing?: GuessingSettings;
}

/**
 * The 3PL's lower asymptote c: a Beta(w·mode + 1, w·(1 − mode) + 1) prior (mode `mode[i]`, the
 * weight w acting as w prior observations: Swaminathan & Gifford 1986, m = 20 in Harwell & Baker 1991), or c
 * held at its value (free[i] = 0).
 */
export interface GuessingSettings {
  /** Per item: mode of the Beta prior (e.g. 1 / number of proposals). */
  readonly mode: Float64Array;
  /** Prior weight w ≥ 0 (0: no prior on c, maximum likelihood). */
  readonly weight: number;
  /** 1 when item i's c is estimated, 0 when it is held fixed. */
  readonly free: Uint8Array;
}

/** Default guessing prior: mode 0.2 (five proposals), weight 20 — Beta(5, 17). */
export const DEFAULT_GUESSING_MODE = 0.2;
export const DEFAULT_GUESSING_WEIGHT = 20;
/** c is kept within these bounds while estimated. */
export const GUESSING_BOUNDS = [0, 0.95] as const;

/** log Beta(w·mode + 1, w·(1 − mode) + 1) density of c, up to a constant; −∞ outside (0, 1) when w > 0. */
export function logGuessingPrior(c: number, mode: number, weight: number): number {
  if (weight === 0) return 0;
  if (!(c > 0 && c < 1)) return -Infinity;
  return weight * mode * Math.log(c) + weight * (1 - mode) * Math.log(1 - c);
}

/** First and second derivatives of logGuessingPrior in c. */
export function logGuessingPriorDerivatives(c: number, mode: number, weight: number): { g: number; h: number } {
  if (weight === 0 || !(c > 0 && c < 1)) return { g: 0, h: 0 };
  const alpha1 = weight * mode;
  const beta1 = weight * (1 - mode);
  return { g: alpha1 / c - beta1 / (1 - c), h: -alpha1 / (c * c) - beta1 / ((1 - c) * (1 - c)) };
}

/** log prior density of one item's parameters (up to a constant); −∞ outside the support. */
export function logPrior(a: number, d: number, model: CalibrationModel, priors: PriorSettings): number {
  let value = 0;
  if (model !== 'rasch' && priors.slope !== null) {
    if (!(a > 0)) return -Infinity;
    const la = Math.log(a) - priors.slope.meanlog;
    value += -Math.log(a) - (la * la) / (2 * priors.slope.sdlog * priors.slope.sdlog);
  }
  if (priors.intercept !== null) {
    const z = d - priors.intercept.mean;
    value += -(z * z) / (2 * priors.intercept.sd * priors.intercept.sd);
  }
  return value;
}

/** Gradient and Hessian of logPrior in (a, d). */
export function logPriorDerivatives(
  a: number,
  d: number,
  model: CalibrationModel,
  priors: PriorSettings,
): { ga: number; gd: number; haa: number; hdd: number } {
  let ga = 0;
  let gd = 0;
  let haa = 0;
  let hdd = 0;
  if (model !== 'rasch' && priors.slope !== null && a > 0) {
    const s2 = priors.slope.sdlog * priors.slope.sdlog;
    const la = Math.log(a) - priors.slope.meanlog;
    ga = -1 / a - la / (s2 * a);
    haa = 1 / (a * a) - (1 - la) / (s2 * a * a);
  }
  if (priors.intercept !== null) {
    const v = priors.intercept.sd * priors.intercept.sd;
    gd = -(d - priors.intercept.mean) / v;
    hdd = -1 / v;
  }
  return { ga, gd, haa, hdd };
}

/**
 * Expected complete-data log-likelihood of one item, Σ_q r log P + (n − r) log(1 − P),
 * with its gradient and Hessian in (a, d).
 */
export function itemObjective(
  r: Float64Array,
  n: Float64Array,
  offset: number,
  nodes: Float64Array,
  a: number,
  d: number,
): { value: number; ga: number; gd: number; haa: number; had: number; hdd: number } {
  let value = 0;
  let ga = 0;
  let gd = 0;
  let haa = 0;
  let had = 0;
  let hdd = 0;
  const Q = nodes.length;
  for (let q = 0; q < Q; q++) {
    const nq = n[offset + q] as number;
    if (nq === 0) continue;
    const rq = r[offset + q] as number;
    const t = nodes[q] as number;
    const z = a * t + d;
    // log P = −log(1 + e^{−z}), log(1 − P) = −log(1 + e^{z}), computed stably.
    let logP: number;
    let logQ: number;
    let p: number;
    if (z >= 0) {
      const e = Math.exp(-z);
      logP = -Math.log1p(e);
      logQ = -z + logP;
      p = 1 / (1 + e);
    } else {
      const e = Math.exp(z);
      logQ = -Math.log1p(e);
      logP = z + logQ;
      p = e / (1 + e);
    }
    value += rq * logP + (nq - rq) * logQ;
    const resid = rq - nq * p;
    gd += resid;
    ga += resid * t;
    const w = nq * p * (1 - p);
    hdd -= w;
    had -= w * t;
    haa -= w * t * t;
  }
  return { value, ga, gd, haa, had, hdd };
}

/** x limited to [bounds[0], bounds[1]]. */
export function clampTo(x: number, bounds: readonly [number, number]): number {
  return x < bounds[0] ? bounds[0] : x > bounds[1] ? bounds[1] : x;
}

/** Maximises one item's expected complete-data log-posterior from the current values. */
export function maximiseItem(
  stats: SufficientStatistics,
  item: number,
  nodes: Float64Array,
  a0: number,
  d0: number,
  model: CalibrationModel,
  priors: PriorSettings,
): { a: number; d: number } {
  const offset = item * stats.nodeCount;
  // The objective with its derivatives: an accepted step's evaluation serves the next Newton step
  // (the same function at the same point, so the same numbers as evaluating it again).
  const evaluate = (a: number, d: number): { value: number; f: ReturnType<typeof itemObjective> | null } => {
    const prior = logPrior(a, d, model, priors);
    if (prior === -Infinity) return { value: -Infinity, f: null };
    const f = itemObjective(stats.r, stats.n, offset, nodes, a, d);
    return { value: f.value + prior, f };
  };
  let a = model === 'rasch' ? 1 : a0;
  let d = d0;
  let at = evaluate(a, d);
  let current = at.value;
  for (let iter = 0; iter < 50; iter++) {
    const f = at.f ?? itemObjective(stats.r, stats.n, offset, nodes, a, d);
    const pr = logPriorDerivatives(a, d, model, priors);
    const gd = f.gd + pr.gd;
    const hdd = f.hdd + pr.hdd;
    let stepA = 0;
    let stepD: number;
    if (model === 'rasch') {
      stepD = hdd < 0 ? -gd / hdd : gd * 0.1;
    } else {
      const ga = f.ga + pr.ga;
      const haa = f.haa + pr.haa;
      const had = f.had;
      const det = haa * hdd - had * had;
      if (haa < 0 && det > 0) {
        // Newton step: −H⁻¹ g
        stepA = -(hdd * ga - had * gd) / det;
        stepD = -(-had * ga + haa * gd) / det;
      } else {
        // Not concave here: a scaled gradient step instead.
        const scale = 1 / Math.max(1e-8, Math.abs(haa) + Math.abs(hdd));
        stepA = ga * scale;
        stepD = gd * scale;
      }
    }
    // Keep steps moderate; halve until the objective does not decrease.
    const size = Math.max(Math.abs(stepA), Math.abs(stepD));
    if (size > 1) {
      stepA /= size;
      stepD /= size;
    }
    let accepted = false;
    for (let half = 0; half < 30; half++) {
      const na = model === 'rasch' ? 1 : clampTo(a + stepA, SLOPE_BOUNDS);
      const nd = clampTo(d + stepD, INTERCEPT_BOUNDS);
      const candidate = evaluate(na, nd);
      if (candidate.value >= current) {
        const moved = Math.max(Math.abs(na - a), Math.abs(nd - d));
        a = na;
        d = nd;
        at = candidate;
        current = candidate.value;
        accepted = moved > 0;
        break;
      }
      stepA *= 0.5;
      stepD *= 0.5;
    }
    if (!accepted || Math.max(Math.abs(stepA), Math.abs(stepD)) < 1e-10) break;
  }
  return { a, d };
}

/**
 * Latent mean and SD that maximise Σ_q N_q log w_q(mean, sd), with w the normal weights
 * normalised on the nodes (the same discrete prior the E-step uses).
 */
export function maximiseLatent(
  nodeTotals: Float64Array,
  nodes: Float64Array,
  mean0: number,
  sd0: number,
  estimateMean: boolean,
  estimateSd: boolean,
): { mean: number; sd: number } {
  let total = 0;
  let m1 = 0;
  for (let q = 0; q < nodes.length; q++) {
    total += nodeTotals[q] as number;
    m1 += (nodeTotals[q] as number) * (nodes[q] as number);
  }
  const targetMean = m1 / total;
  let mean = mean0;
  let sd = sd0;
  // Fixed point: match the moments of the discrete prior to the expected moments.
  for (let iter = 0; iter < 20; iter++) {
    const w = normalWeights(nodes, mean, sd);
    let wm = 0;
    for (let q = 0; q < nodes.length; q++) wm += (w[q] as number) * (nodes[q] as number);
    const nextMean = estimateMean ? mean + (targetMean - wm) : mean;
    let target2 = 0;
    let wv = 0;
    for (let q = 0; q < nodes.length; q++) {
      const dev = (nodes[q] as number) - nextMean;
      target2 += ((nodeTotals[q] as number) * dev * dev) / total;
      wv += (w[q] as number) * ((nodes[q] as number) - wm) * ((nodes[q] as number) - wm);
    }
    const nextSd = estimateSd ? sd * Math.sqrt(target2 / wv) : sd;
    const change = Math.abs(nextMean - mean) + Math.abs(nextSd - sd);
    mean = nextMean;
    sd = nextSd;
    if (change < 1e-12) break;
  }
  return { mean, sd };
}

/**
 * The 3PL at one node: P = c + (1 − c)·s, s = logistic(z), with 1 − P = (1 − c)(1 − s) computed without
 * cancellation; pz = ∂P/∂z = (1 − c)s(1 − s), pzz = ∂²P/∂z² = pz(1 − 2s), pc = ∂P/∂c = 1 − s and
 * pzc = ∂²P/∂z∂c = −s(1 − s).
 */
export function threePlAt(z: number, c: number): { p: number; q: number; logP: number; logQ: number; pz: number; pzz: number; pc: number; pzc: number } {
  let s: number;
  let sq: number; // 1 − s
  if (z >= 0) {
    const e = Math.exp(-z);
    s = 1 / (1 + e);
    sq = e / (1 + e);
  } else {
    const e = Math.exp(z);
    s = e / (1 + e);
    sq = 1 / (1 + e);
  }
  const p = c + (1 - c) * s;
  const q = (1 - c) * sq;
  const logP = c === 0 ? (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z))) : Math.log(p);
  const logQ = Math.log1p(-c) + (z >= 0 ? -z - Math.log1p(Math.exp(-z)) : -Math.log1p(Math.exp(z)));
  const pz = (1 - c) * s * sq;
  return { p, q, logP, logQ, pz, pzz: pz * (1 - 2 * s), pc: sq, pzc: -s * sq };
}

/**
 * One 3PL item's expected complete-data log-likelihood Σ_q r log P + (n − r) log(1 − P) in (a, d, c),
 * its gradient, its exact Hessian and its expected (Fisher) information, each 3 × 3 row-major.
 */
export function itemObjective3pl(
  r: Float64Array,
  n: Float64Array,
  offset: number,
  nodes: Float64Array,
  a: number,
  d: number,
  c: number,
): { value: number; gradient: Float64Array; hessian: Float64Array; fisher: Float64Array } {
  let value = 0;
  const gradient = new Float64Array(3);
  const hessian = new Float64Array(9);
  const fisher = new Float64Array(9);
  const dp = new Float64Array(3);
  const d2p = new Float64Array(9);
  for (let q = 0; q < nodes.length; q++) {
    const nq = n[offset + q] as number;
    if (nq === 0) continue;
    const rq = r[offset + q] as number;
    const t = nodes[q] as number;
    const at = threePlAt(a * t + d, c);
    value += rq * at.logP + (nq - rq) * at.logQ;
    const pq = Math.max(at.p * at.q, 1e-300);
    // ∂ℓ/∂P and ∂²ℓ/∂P².
    const u = (rq - nq * at.p) / pq;
    const v = -rq / Math.max(at.p * at.p, 1e-300) - (nq - rq) / Math.max(at.q * at.q, 1e-300);
    dp[0] = at.pz * t;
    dp[1] = at.pz;
    dp[2] = at.pc;
    d2p[0] = at.pzz * t * t;
    d2p[1] = d2p[3] = at.pzz * t;
    d2p[4] = at.pzz;
    d2p[2] = d2p[6] = at.pzc * t;
    d2p[5] = d2p[7] = at.pzc;
    d2p[8] = 0;
    for (let j = 0; j < 3; j++) {
      gradient[j] = (gradient[j] as number) + u * (dp[j] as number);
      for (let k = 0; k < 3; k++) {
        const outer = (dp[j] as number) * (dp[k] as number);
        hessian[3 * j + k] = (hessian[3 * j + k] as number) + v * outer + u * (d2p[3 * j + k] as number);
        fisher[3 * j + k] = (fisher[3 * j + k] as number) - (nq * outer) / pq;
      }
    }
  }
  return { value, gradient, hessian, fisher };
}

/**
 * The Newton step −M⁻¹g for a symmetric negative definite m × m M (m ≤ 3, row-major 3 × 3 storage),
 * by Cholesky of −M; null if M is not negative definite.
 */
function solveNegativeDefinite(M: Float64Array, g: Float64Array, m: number): Float64Array | null {
  // Cholesky of −M.
  const L = new Float64Array(9);
  for (let j = 0; j < m; j++) {
    let diag = -(M[3 * j + j] as number);
    for (let k = 0; k < j; k++) diag -= (L[3 * j + k] as number) ** 2;
    if (!(diag > 1e-12)) return null;
    const ljj = Math.sqrt(diag);
    L[3 * j + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let acc = -(M[3 * i + j] as number);
      for (let k = 0; k < j; k++) acc -= (L[3 * i + k] as number) * (L[3 * j + k] as number);
      L[3 * i + j] = acc / ljj;
    }
  }
  // (−M) y = g, i.e. y = −M⁻¹g.
  const y = new Float64Array(3);
  for (let i = 0; i < m; i++) {
    let acc = g[i] as number;
    for (let k = 0; k < i; k++) acc -= (L[3 * i + k] as number) * (y[k] as number);
    y[i] = acc / (L[3 * i + i] as number);
  }
  for (let i = m - 1; i >= 0; i--) {
    let acc = y[i] as number;
    for (let k = i + 1; k < m; k++) acc -= (L[3 * k + i] as number) * (y[k] as number);
    y[i] = acc / (L[3 * i + i] as number);
  }
  return y;
}

/**
 * Maximises one 3PL item's expected complete-data log-posterior in (a, d, c) — or (a, d) when c is
 * held fixed: Newton steps on the exact Hessian where it is negative definite, Fisher scoring
 * otherwise, halved until the objective does not decrease.
 */
export function maximiseItem3pl(
  stats: SufficientStatistics,
  item: number,
  nodes: Float64Array,
  start: { readonly a: number; readonly d: number; readonly c: number },
  priors: PriorSettings,
  guessing: { readonly mode: number; readonly weight: number; readonly free: boolean },
): { a: number; d: number; c: number } {
  const offset = item * stats.nodeCount;
  const m = guessing.free ? 3 : 2;
  const objective = (a: number, d: number, c: number): number => {
    const prior = logPrior(a, d, '3pl', priors) + (guessing.free ? logGuessingPrior(c, guessing.mode, guessing.weight) : 0);
    if (prior === -Infinity) return -Infinity;
    return itemObjective3pl(stats.r, stats.n, offset, nodes, a, d, c).value + prior;
  };
  let { a, d, c } = start;
  let current = objective(a, d, c);
  for (let iter = 0; iter < 100; iter++) {
    const f = itemObjective3pl(stats.r, stats.n, offset, nodes, a, d, c);
    const pr = logPriorDerivatives(a, d, '3pl', priors);
    const gp = guessing.free ? logGuessingPriorDerivatives(c, guessing.mode, guessing.weight) : { g: 0, h: 0 };
    const g = new Float64Array([(f.gradient[0] as number) + pr.ga, (f.gradient[1] as number) + pr.gd, (f.gradient[2] as number) + gp.g]);
    const withPrior = (H: Float64Array): Float64Array => {
      const out = new Float64Array(H);
      out[0] = (out[0] as number) + pr.haa;
      out[4] = (out[4] as number) + pr.hdd;
      out[8] = (out[8] as number) + gp.h;
      return out;
    };
    // Newton step −H⁻¹g, or the scoring step with the Fisher information.
    let step = solveNegativeDefinite(withPrior(f.hessian), g, m) ?? solveNegativeDefinite(withPrior(f.fisher), g, m);
    if (step === null) {
      const scale = 1 / Math.max(1e-8, Math.abs(f.fisher[0] as number) + Math.abs(f.fisher[4] as number));
      step = new Float64Array([(g[0] as number) * scale, (g[1] as number) * scale, m === 3 ? (g[2] as number) * scale : 0]);
    }
    if (m === 2) step[2] = 0;
    // Moderate steps: at most 1 in a or d, 0.1 in c.
    const size = Math.max(Math.abs(step[0] as number), Math.abs(step[1] as number), 10 * Math.abs(step[2] as number));
    if (size > 1) for (let k = 0; k < 3; k++) step[k] = (step[k] as number) / size;
    let accepted = false;
    for (let half = 0; half < 30; half++) {
      const na = clampTo(a + (step[0] as number), SLOPE_BOUNDS);
      const nd = clampTo(d + (step[1] as number), INTERCEPT_BOUNDS);
      const nc = m === 3 ? clampTo(c + (step[2] as number), GUESSING_BOUNDS) : c;
      const value = objective(na, nd, nc);
      if (value >= current) {
        const moved = Math.max(Math.abs(na - a), Math.abs(nd - d), Math.abs(nc - c));
        a = na;
        d = nd;
        c = nc;
        current = value;
        accepted = moved > 0;
        break;
      }
      for (let k = 0; k < 3; k++) step[k] = (step[k] as number) * 0.5;
    }
    if (!accepted || Math.max(Math.abs(step[0] as number), Math.abs(step[1] as number), Math.abs(step[2] as number)) < 1e-10) break;
  }
  return { a, d, c };
}

/** The expected counts of some items: row k of r and n (nodeCount values each) is item `first` + k's. */
export type ItemCounts = Pick<SufficientStatistics, 'r' | 'n' | 'nodeCount'>;

/**
 * The free items of [from, to) maximised from `current` (maximiseItem, or maximiseItem3pl when `c` is given), their new
 * values written into `a`, `d` (and `c`) at the items' own indices; the other entries are left as they are. `counts`
 * holds the rows of items first … (M-step on threads, decision 021 h56: each thread a range of items, the same bits).
 */
export function maximiseItems(
  counts: ItemCounts,
  first: number,
  current: ModelState,
  nodes: Float64Array,
  settings: MStepSettings,
  from: number,
  to: number,
  out: { readonly a: Float64Array; readonly d: Float64Array; readonly c?: Float64Array | undefined },
): void {
  // maximiseItem reads row `item` of its counts: the rows given start at item `first`.
  const rows = { r: counts.r, n: counts.n, nodeCount: counts.nodeCount } as SufficientStatistics;
  if (settings.model === '3pl') {
    const guessing = settings.guessing;
    if (current.c === undefined || guessing === undefined || out.c === undefined) {
      throw new RangeError('a 3PL M-step needs the lower asymptotes c and the guessing settings');
    }
    for (let i = from; i < to; i++) {
      if (settings.free[i] !== 1) continue;
      const next = maximiseItem3pl(
        rows,
        i - first,
        nodes,
        { a: current.a[i] as number, d: current.d[i] as number, c: current.c[i] as number },
        settings.priors,
        { mode: guessing.mode[i] as number, weight: guessing.weight, free: guessing.free[i] === 1 },
      );
      out.a[i] = next.a;
      out.d[i] = next.d;
      out.c[i] = next.c;
    }
    return;
  }
  for (let i = from; i < to; i++) {
    if (settings.free[i] !== 1) continue;
    const next = maximiseItem(rows, i - first, nodes, current.a[i] as number, current.d[i] as number, settings.model, settings.priors);
    out.a[i] = next.a;
    out.d[i] = next.d;
  }
}

/** The latent distribution's part of the M-step (after the items): its mean and SD, or the current ones when fixed. */
export function latentStep(stats: SufficientStatistics, current: ModelState, quadrature: Quadrature, settings: MStepSettings): { mean: number; sd: number } {
  return settings.estimateMean || settings.estimateSd
    ? maximiseLatent(stats.nodeTotals, quadrature.nodes, current.mean, current.sd, settings.estimateMean, settings.estimateSd)
    : { mean: current.mean, sd: current.sd };
}

/**
 * The arrays an M-step writes its items into: copies of `current`'s a and d, and of c for the 3PL (refused without
 * c or the guessing settings), for maximiseItems (in mStep, the M-step threads and their parent).
 */
export function itemArraysFor(current: ModelState, settings: MStepSettings): { a: Float64Array; d: Float64Array; c?: Float64Array } {
  const a = new Float64Array(current.a);
  const d = new Float64Array(current.d);
  if (settings.model !== '3pl') return { a, d };
  if (current.c === undefined || settings.guessing === undefined) throw new RangeError('a 3PL M-step needs the lower asymptotes c and the guessing settings');
  return { a, d, c: new Float64Array(current.c) };
}

/** One M-step: every free item maximised, anchors copied, then the latent distribution. */
export function mStep(stats: SufficientStatistics, current: ModelState, quadrature: Quadrature, settings: MStepSettings): ModelState {
  const out = itemArraysFor(current, settings);
  maximiseItems(stats, 0, current, quadrature.nodes, settings, 0, current.a.length, out);
  const latent = latentStep(stats, current, quadrature, settings);
  return { ...out, mean: latent.mean, sd: latent.sd };
}

/**
 * The M-step: new item parameters from expected counts, one item at a time (Newton–Raphson with
 * step halving on each item's expected complete-data log-posterior), and the latent
 * distribution's mean and SD from the expected number of persons at each node.
 */
import { normalWeights } from '../irt';
import type { Quadrature, SufficientStatistics } from './kernel';

export type CalibrationModel = '2pl' | 'rasch';

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
}

/** log prior density of one item's parameters (up to a constant); −∞ outside the support. */
export function logPrior(a: number, d: number, model: CalibrationModel, priors: PriorSettings): number {
  let value = 0;
  if (model === '2pl' && priors.slope !== null) {
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
  if (model === '2pl' && priors.slope !== null && a > 0) {
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
  const objective = (a: number, d: number): number => {
    const prior = logPrior(a, d, model, priors);
    if (prior === -Infinity) return -Infinity;
    return itemObjective(stats.r, stats.n, offset, nodes, a, d).value + prior;
  };
  let a = model === 'rasch' ? 1 : a0;
  let d = d0;
  let current = objective(a, d);
  for (let iter = 0; iter < 50; iter++) {
    const f = itemObjective(stats.r, stats.n, offset, nodes, a, d);
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
      const value = objective(na, nd);
      if (value >= current) {
        const moved = Math.max(Math.abs(na - a), Math.abs(nd - d));
        a = na;
        d = nd;
        current = value;
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

/** One M-step: every free item maximised, anchors copied, then the latent distribution. */
export function mStep(stats: SufficientStatistics, current: ModelState, quadrature: Quadrature, settings: MStepSettings): ModelState {
  const itemCount = current.a.length;
  const a = new Float64Array(current.a);
  const d = new Float64Array(current.d);
  for (let i = 0; i < itemCount; i++) {
    if (settings.free[i] !== 1) continue;
    const next = maximiseItem(stats, i, quadrature.nodes, current.a[i] as number, current.d[i] as number, settings.model, settings.priors);
    a[i] = next.a;
    d[i] = next.d;
  }
  const latent =
    settings.estimateMean || settings.estimateSd
      ? maximiseLatent(stats.nodeTotals, quadrature.nodes, current.mean, current.sd, settings.estimateMean, settings.estimateSd)
      : { mean: current.mean, sd: current.sd };
  return { a, d, mean: latent.mean, sd: latent.sd };
}

/**
 * Ability estimation for one person's sparse response pattern: EAP on a grid, MAP and ML by a
 * safeguarded Newton method.
 */
import { gridNodes, normalWeights, type GridSettings } from './grid';
import { itemInformation, logistic, logLikelihood, logLikelihoodDerivatives, type ItemResponse } from './model';

export interface NormalPrior {
  /** Prior mean of θ (default 0). */
  readonly mean?: number;
  /** Prior standard deviation of θ (default 1). */
  readonly sd?: number;
}

export interface EapSettings {
  readonly prior?: NormalPrior;
  /** Grid for the numerical integration (default 121 points on [−6, 6]). */
  readonly grid?: GridSettings;
}

export interface Posterior {
  /** Grid nodes. */
  readonly nodes: Float64Array;
  /** Posterior probability of each node (sums to 1). */
  readonly weights: Float64Array;
  /** log of the marginal likelihood Σ_q L(θ_q)·prior_q (prior normalised on the grid). */
  readonly logMarginal: number;
}

export interface EapEstimate {
  /** Posterior mean. */
  readonly theta: number;
  /** Posterior standard deviation. */
  readonly sd: number;
}

export const DEFAULT_EAP_GRID = { min: -6, max: 6, points: 121 } as const;

/** The posterior of θ on a grid, computed in the log domain (any number of answers). */
export function posteriorOnGrid(responses: readonly ItemResponse[], settings: EapSettings = {}): Posterior {
  const g = settings.grid ?? {};
  const nodes = gridNodes(g.min ?? DEFAULT_EAP_GRID.min, g.max ?? DEFAULT_EAP_GRID.max, g.points ?? DEFAULT_EAP_GRID.points);
  const prior = normalWeights(nodes, settings.prior?.mean ?? 0, settings.prior?.sd ?? 1);
  const logPost = new Float64Array(nodes.length);
  let top = -Infinity;
  for (let q = 0; q < nodes.length; q++) {
    const v = logLikelihood(responses, nodes[q] as number) + Math.log(prior[q] as number);
    logPost[q] = v;
    if (v > top) top = v;
  }
  const weights = new Float64Array(nodes.length);
  let total = 0;
  for (let q = 0; q < nodes.length; q++) {
    const v = Math.exp((logPost[q] as number) - top);
    weights[q] = v;
    total += v;
  }
  for (let q = 0; q < nodes.length; q++) weights[q] = (weights[q] as number) / total;
  return { nodes, weights, logMarginal: top + Math.log(total) };
}

/**
 * The posterior after one more answer: multiply by the item's likelihood and renormalise
 * (for adaptive tests that update θ answer by answer).
 */
export function updatePosterior(posterior: Posterior, response: ItemResponse): Posterior {
  const { nodes } = posterior;
  const weights = new Float64Array(nodes.length);
  let total = 0;
  for (let q = 0; q < nodes.length; q++) {
    const p = logistic(response.a * (nodes[q] as number) + response.d);
    const v = (posterior.weights[q] as number) * (response.score === 1 ? p : 1 - p);
    weights[q] = v;
    total += v;
  }
  if (!(total > 0)) throw new RangeError('updatePosterior: the answer has zero likelihood on the whole grid');
  for (let q = 0; q < nodes.length; q++) weights[q] = (weights[q] as number) / total;
  return { nodes, weights, logMarginal: posterior.logMarginal + Math.log(total) };
}

/** Mean and standard deviation of a posterior on a grid. */
export function summarisePosterior(posterior: Pick<Posterior, 'nodes' | 'weights'>): EapEstimate {
  const { nodes, weights } = posterior;
  let mean = 0;
  for (let q = 0; q < nodes.length; q++) mean += (weights[q] as number) * (nodes[q] as number);
  let variance = 0;
  for (let q = 0; q < nodes.length; q++) {
    const dev = (nodes[q] as number) - mean;
    variance += (weights[q] as number) * dev * dev;
  }
  return { theta: mean, sd: Math.sqrt(variance) };
}

/** Expected a posteriori estimate (posterior mean) and posterior SD, with a normal prior. */
export function estimateEap(responses: readonly ItemResponse[], settings: EapSettings = {}): EapEstimate {
  return summarisePosterior(posteriorOnGrid(responses, settings));
}

export interface PointEstimate {
  readonly theta: number;
  /** Standard error: 1 / sqrt(−second derivative of the objective) at the estimate. */
  readonly se: number;
  /** Newton/bisection iterations used. */
  readonly iterations: number;
  /**
   * 'interior' for an ordinary maximum. For ML only: 'lower-bound' / 'upper-bound' when the
   * likelihood keeps rising towards the edge of the search range (all wrong / all correct
   * patterns), the estimate is then that edge; 'no-answers' when there is nothing to estimate from.
   */
  readonly status: 'interior' | 'lower-bound' | 'upper-bound' | 'no-answers';
}

/**
 * Maximises a strictly concave function on [lo, hi] given its first and second derivatives:
 * Newton steps, replaced by bisection whenever a step leaves the current bracket or the curvature
 * is not negative. Returns the root of the gradient (or the bound it pushes towards).
 */
function maximiseConcave(
  derivatives: (theta: number) => { gradient: number; hessian: number },
  lo: number,
  hi: number,
  start: number,
): { theta: number; iterations: number; status: 'interior' | 'lower-bound' | 'upper-bound' } {
  const atLo = derivatives(lo).gradient;
  if (atLo <= 0) return { theta: lo, iterations: 0, status: 'lower-bound' };
  const atHi = derivatives(hi).gradient;
  if (atHi >= 0) return { theta: hi, iterations: 0, status: 'upper-bound' };
  let theta = Math.min(Math.max(start, lo), hi);
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    const { gradient, hessian } = derivatives(theta);
    if (gradient === 0) break;
    if (gradient > 0) lo = theta;
    else hi = theta;
    let next = hessian < 0 ? theta - gradient / hessian : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const step = Math.abs(next - theta);
    theta = next;
    if (step < 1e-12 * (1 + Math.abs(theta)) || hi - lo < 1e-14) break;
  }
  return { theta, iterations: iterations + 1, status: 'interior' };
}

export interface MapSettings {
  readonly prior?: NormalPrior;
}

/** Maximum a posteriori estimate with a normal prior (always finite: the prior bounds it). */
export function estimateMap(responses: readonly ItemResponse[], settings: MapSettings = {}): PointEstimate {
  const mean = settings.prior?.mean ?? 0;
  const sd = settings.prior?.sd ?? 1;
  const precision = 1 / (sd * sd);
  const derivatives = (theta: number) => {
    const ll = logLikelihoodDerivatives(responses, theta);
    return { gradient: ll.gradient - (theta - mean) * precision, hessian: ll.hessian - precision };
  };
  // Bracket the maximum: the log-posterior gradient is strictly decreasing.
  let lo = mean - 4 * sd;
  let hi = mean + 4 * sd;
  while (derivatives(lo).gradient <= 0) lo -= 4 * sd;
  while (derivatives(hi).gradient >= 0) hi += 4 * sd;
  const found = maximiseConcave(derivatives, lo, hi, mean);
  const curvature = -derivatives(found.theta).hessian;
  return { theta: found.theta, se: 1 / Math.sqrt(curvature), iterations: found.iterations, status: 'interior' };
}

export interface MlSettings {
  /** Search range; an estimate that would lie outside is reported at the edge (default [−6, 6]). */
  readonly min?: number;
  readonly max?: number;
}

/**
 * Maximum likelihood estimate. All-correct and all-wrong patterns (and any pattern whose likelihood
 * still rises at an edge) have no finite maximum: the estimate is the edge of the range, with
 * status 'lower-bound' or 'upper-bound' so callers can tell it apart from a real estimate.
 */
export function estimateMl(responses: readonly ItemResponse[], settings: MlSettings = {}): PointEstimate {
  const min = settings.min ?? -6;
  const max = settings.max ?? 6;
  if (responses.length === 0) return { theta: 0, se: Infinity, iterations: 0, status: 'no-answers' };
  const derivatives = (theta: number) => logLikelihoodDerivatives(responses, theta);
  const found = maximiseConcave(derivatives, min, max, 0);
  let information = 0;
  for (const r of responses) information += itemInformation(r, found.theta);
  return { theta: found.theta, se: 1 / Math.sqrt(information), iterations: found.iterations, status: found.status };
}

/**
 * Standard errors of the item parameters from the observed information of the marginal
 * (penalised) log-likelihood.
 *
 * - 'observed': the full observed information matrix, each column the central difference of the
 *   exact gradient (Fisher's identity: the gradient of the marginal log-likelihood is the
 *   gradient of the expected complete-data log-likelihood, which an E-step gives). This is the
 *   Hessian Oakes' identity yields, and what mirt's default reports. Costs 2 E-steps per free
 *   parameter, so it is for small and medium runs.
 * - 'louis-block': Louis' formula restricted to each item's own (a, d) block, exact for that block
 *   and computed in the final diagnostic pass at no extra E-step. It ignores the covariance
 *   between items (through the shared θ), so it slightly understates SEs; used for large runs.
 */
import type { DiagnosticStatistics, ItemParameterArrays, Quadrature, SufficientStatistics } from './kernel';
import { invertSymmetricPositiveDefinite } from './linalg';
import { logGuessingPriorDerivatives, logPriorDerivatives, threePlAt, type ModelState, type MStepSettings } from './mstep';
import { normalWeights } from '../irt';

export type StandardErrorMethod = 'observed' | 'louis-block' | 'none';

export interface ItemStandardErrors {
  /** Per item: SE of a, SE of d, covariance of (a, d). NaN when not available. */
  readonly seA: Float64Array;
  readonly seD: Float64Array;
  readonly covAD: Float64Array;
  /** 3PL only: SE of c per item (NaN when c is fixed or not available). */
  readonly seC?: Float64Array;
  readonly method: StandardErrorMethod;
}

/** A free parameter of the model, as the observed information sees it. */
interface FreeParameter {
  readonly kind: 'a' | 'd' | 'c' | 'mean' | 'sd';
  readonly item: number;
}

export function freeParameters(state: ModelState, settings: MStepSettings): FreeParameter[] {
  const list: FreeParameter[] = [];
  for (let i = 0; i < state.a.length; i++) {
    if (settings.free[i] !== 1) continue;
    if (settings.model !== 'rasch') list.push({ kind: 'a', item: i });
    list.push({ kind: 'd', item: i });
    if (settings.model === '3pl' && settings.guessing?.free[i] === 1) list.push({ kind: 'c', item: i });
  }
  if (settings.estimateMean) list.push({ kind: 'mean', item: -1 });
  if (settings.estimateSd) list.push({ kind: 'sd', item: -1 });
  return list;
}

function valueOf(state: ModelState, p: FreeParameter): number {
  switch (p.kind) {
    case 'a':
      return state.a[p.item] as number;
    case 'd':
      return state.d[p.item] as number;
    case 'c':
      return state.c?.[p.item] as number;
    case 'mean':
      return state.mean;
    case 'sd':
      return state.sd;
  }
}

function withValue(state: ModelState, p: FreeParameter, value: number): ModelState {
  switch (p.kind) {
    case 'a': {
      const a = new Float64Array(state.a);
      a[p.item] = value;
      return { ...state, a };
    }
    case 'd': {
      const d = new Float64Array(state.d);
      d[p.item] = value;
      return { ...state, d };
    }
    case 'c': {
      const c = new Float64Array(state.c ?? new Float64Array(state.a.length));
      c[p.item] = value;
      return { ...state, c };
    }
    case 'mean':
      return { ...state, mean: value };
    case 'sd':
      return { ...state, sd: value };
  }
}

/**
 * Gradient of the marginal log-posterior in the free parameters, from an E-step taken at `state`
 * (Fisher's identity).
 */
export function marginalGradient(
  stats: SufficientStatistics,
  state: ModelState,
  quadrature: Quadrature,
  settings: MStepSettings,
  parameters: readonly FreeParameter[],
): Float64Array {
  const Q = stats.nodeCount;
  const nodes = quadrature.nodes;
  const g = new Float64Array(parameters.length);
  const itemGradient = new Map<number, { ga: number; gd: number; gc: number }>();
  const gradientOf = (i: number) => {
    let cached = itemGradient.get(i);
    if (cached !== undefined) return cached;
    const a = state.a[i] as number;
    const d = state.d[i] as number;
    if (settings.model === '3pl' && state.c !== undefined) {
      const c = state.c[i] as number;
      let ga = 0;
      let gd = 0;
      let gc = 0;
      for (let q = 0; q < Q; q++) {
        const at = threePlAt(a * (nodes[q] as number) + d, c);
        const u = ((stats.r[i * Q + q] as number) - (stats.n[i * Q + q] as number) * at.p) / Math.max(at.p * at.q, 1e-300);
        gd += u * at.pz;
        ga += u * at.pz * (nodes[q] as number);
        gc += u * at.pc;
      }
      const prior = logPriorDerivatives(a, d, settings.model, settings.priors);
      const g = settings.guessing;
      const guess = g === undefined ? { g: 0 } : logGuessingPriorDerivatives(c, g.mode[i] as number, g.weight);
      cached = { ga: ga + prior.ga, gd: gd + prior.gd, gc: gc + guess.g };
      itemGradient.set(i, cached);
      return cached;
    }
    let ga = 0;
    let gd = 0;
    for (let q = 0; q < Q; q++) {
      const p = 1 / (1 + Math.exp(-(a * (nodes[q] as number) + d)));
      const resid = (stats.r[i * Q + q] as number) - (stats.n[i * Q + q] as number) * p;
      gd += resid;
      ga += resid * (nodes[q] as number);
    }
    const prior = logPriorDerivatives(a, d, settings.model, settings.priors);
    cached = { ga: ga + prior.ga, gd: gd + prior.gd, gc: 0 };
    itemGradient.set(i, cached);
    return cached;
  };
  // Latent distribution: d/dθ of Σ_q N_q log w_q(mean, sd), w the normalised normal weights.
  let total = 0;
  let e1 = 0;
  let e2 = 0;
  let w1 = 0;
  let w2 = 0;
  if (settings.estimateMean || settings.estimateSd) {
    const w = normalWeights(nodes, state.mean, state.sd);
    for (let q = 0; q < Q; q++) {
      const dev = (nodes[q] as number) - state.mean;
      const nq = stats.nodeTotals[q] as number;
      total += nq;
      e1 += nq * dev;
      e2 += nq * dev * dev;
      w1 += (w[q] as number) * dev;
      w2 += (w[q] as number) * dev * dev;
    }
  }
  const s = state.sd;
  parameters.forEach((p, k) => {
    if (p.kind === 'a') g[k] = gradientOf(p.item).ga;
    else if (p.kind === 'd') g[k] = gradientOf(p.item).gd;
    else if (p.kind === 'c') g[k] = gradientOf(p.item).gc;
    else if (p.kind === 'mean') g[k] = (e1 - total * w1) / (s * s);
    else g[k] = (e2 - total * w2) / (s * s * s);
  });
  return g;
}

/**
 * The full observed information by central differences of the exact gradient; returns the
 * covariance matrix (its inverse) or null if it is not positive definite.
 */
export async function observedCovariance(
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  expectations: (params: ItemParameterArrays, quadrature: Quadrature) => Promise<SufficientStatistics>,
): Promise<{ parameters: FreeParameter[]; information: Float64Array; covariance: Float64Array | null }> {
  const parameters = freeParameters(state, settings);
  const P = parameters.length;
  const hessian = new Float64Array(P * P);
  const gradientAt = async (s: ModelState): Promise<Float64Array> => {
    const quadrature = { nodes, weights: normalWeights(nodes, s.mean, s.sd) };
    const stats = await expectations(s.c === undefined ? { a: s.a, d: s.d } : { a: s.a, d: s.d, c: s.c }, quadrature);
    return marginalGradient(stats, s, quadrature, settings, parameters);
  };
  for (let j = 0; j < P; j++) {
    const p = parameters[j] as FreeParameter;
    const x = valueOf(state, p);
    const h = 1e-4 * Math.max(1, Math.abs(x));
    const up = await gradientAt(withValue(state, p, x + h));
    const down = await gradientAt(withValue(state, p, x - h));
    for (let k = 0; k < P; k++) hessian[k * P + j] = ((up[k] as number) - (down[k] as number)) / (2 * h);
  }
  // Information = −Hessian, symmetrised.
  const information = new Float64Array(P * P);
  for (let j = 0; j < P; j++) {
    for (let k = 0; k < P; k++) {
      information[j * P + k] = -0.5 * ((hessian[j * P + k] as number) + (hessian[k * P + j] as number));
    }
  }
  return { parameters, information, covariance: invertSymmetricPositiveDefinite(information, P) };
}

export function itemErrorsFromCovariance(itemCount: number, parameters: readonly FreeParameter[], covariance: Float64Array | null): ItemStandardErrors {
  const P = parameters.length;
  return itemErrors(itemCount, parameters, covariance === null ? null : (k, l) => covariance[k * P + l] as number);
}

/**
 * Starts of the groups of consecutive free parameters that belong together (one item's a, d, c; the
 * latent mean and SD), followed by the parameter count.
 */
export function parameterGroups(parameters: readonly FreeParameter[]): Int32Array {
  const starts: number[] = [];
  parameters.forEach((p, k) => {
    const previous = parameters[k - 1];
    const together = previous !== undefined && (p.item === -1 ? previous.item === -1 : previous.item === p.item);
    if (!together) starts.push(k);
  });
  starts.push(parameters.length);
  return Int32Array.from(starts);
}

/**
 * The same from the covariance entries within each group only (band[3k + e] = Cov(k, k + e), see
 * inverseDiagonalBlocks), null when the information was not positive definite.
 */
export function itemErrorsFromGroupCovariance(itemCount: number, parameters: readonly FreeParameter[], band: Float64Array | null): ItemStandardErrors {
  return itemErrors(itemCount, parameters, band === null ? null : (k, l) => band[3 * Math.min(k, l) + Math.abs(l - k)] as number);
}

function itemErrors(itemCount: number, parameters: readonly FreeParameter[], covariance: ((k: number, l: number) => number) | null): ItemStandardErrors {
  const seA = new Float64Array(itemCount).fill(NaN);
  const seD = new Float64Array(itemCount).fill(NaN);
  const covAD = new Float64Array(itemCount).fill(NaN);
  const seC = new Float64Array(itemCount).fill(NaN);
  if (covariance !== null) {
    parameters.forEach((p, k) => {
      if (p.kind === 'c') seC[p.item] = Math.sqrt(covariance(k, k));
    });
    const indexA = new Map<number, number>();
    parameters.forEach((p, k) => {
      if (p.kind === 'a') {
        indexA.set(p.item, k);
        seA[p.item] = Math.sqrt(covariance(k, k));
      }
    });
    parameters.forEach((p, k) => {
      if (p.kind !== 'd') return;
      seD[p.item] = Math.sqrt(covariance(k, k));
      const ka = indexA.get(p.item);
      covAD[p.item] = ka === undefined ? 0 : covariance(ka, k);
    });
  }
  return { seA, seD, covAD, seC, method: 'observed' };
}

/**
 * Louis' formula, per item: I = Σ_p w_p (E_p[−∂² log f] − E_p[s sᵀ] + E_p[s] E_p[s]ᵀ) for the
 * item's own parameters, plus the prior's curvature.
 */
export function louisBlockErrors(diagnostics: DiagnosticStatistics, state: ModelState, quadrature: Quadrature, settings: MStepSettings): ItemStandardErrors {
  const stats = diagnostics.expectations;
  const Q = stats.nodeCount;
  const nodes = quadrature.nodes;
  const itemCount = stats.itemCount;
  const seA = new Float64Array(itemCount).fill(NaN);
  const seD = new Float64Array(itemCount).fill(NaN);
  const covAD = new Float64Array(itemCount).fill(NaN);
  for (let i = 0; i < itemCount; i++) {
    if (settings.free[i] !== 1) continue;
    const a = state.a[i] as number;
    const d = state.d[i] as number;
    let iaa = 0;
    let iad = 0;
    let idd = 0;
    for (let q = 0; q < Q; q++) {
      const t = nodes[q] as number;
      const p = 1 / (1 + Math.exp(-(a * t + d)));
      const nq = stats.n[i * Q + q] as number;
      const rq = stats.r[i * Q + q] as number;
      // E[−H] − E[s sᵀ] in the expected counts: n·PQ − (r·Q² + (n − r)·P²)
      const c = nq * p * (1 - p) - (rq * (1 - p) * (1 - p) + (nq - rq) * p * p);
      iaa += c * t * t;
      iad += c * t;
      idd += c;
    }
    iaa += diagnostics.scoreOuter[3 * i] as number;
    iad += diagnostics.scoreOuter[3 * i + 1] as number;
    idd += diagnostics.scoreOuter[3 * i + 2] as number;
    const prior = logPriorDerivatives(a, d, settings.model, settings.priors);
    iaa -= prior.haa;
    idd -= prior.hdd;
    if (settings.model === 'rasch') {
      if (idd > 0) {
        seD[i] = Math.sqrt(1 / idd);
        covAD[i] = 0;
      }
      continue;
    }
    const det = iaa * idd - iad * iad;
    if (iaa > 0 && det > 0) {
      seA[i] = Math.sqrt(idd / det);
      seD[i] = Math.sqrt(iaa / det);
      covAD[i] = -iad / det;
    }
  }
  return { seA, seD, covAD, method: 'louis-block' };
}

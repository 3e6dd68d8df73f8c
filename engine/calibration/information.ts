/**
 * The full observed information matrix of the marginal (penalised) log-likelihood, exactly, by
 * Louis' identity (Louis 1982) over every free parameter at once:
 *
 *   I(ψ) = Σ_p w_p ( E_p[−∂² log f(x_p, θ)] − Cov_p[∂ log f(x_p, θ)] ) − ∂² log prior
 *
 * where E_p and Cov_p are taken over person p's posterior of θ at the quadrature nodes, f is the
 * complete-data density (answers and θ), and the score covers the item parameters (a, d) of the
 * items p answered and the latent mean and SD when they are estimated. The covariance term couples
 * the items a person answered together (and the latent parameters), which the per-item Louis blocks
 * leave out. This is the same matrix as the negative Hessian of the marginal log-posterior that
 * Oakes' identity (Oakes 1999) or central differences of the exact gradient give, computed in one
 * pass over the data.
 *
 * For the 3PL, P = c + (1 − c)·logistic(aθ + d): the score of an answer x is (x − P)/(P(1 − P))·∇P
 * over (a, d, c), and the complete-data information of an item is −Σ_q [v_q ∇P∇Pᵀ + u_q ∇²P] with
 * u = r/P − (n − r)/(1 − P), v = −r/P² − (n − r)/(1 − P)² at the expected counts (r, n) — which,
 * unlike the 2PL's n·P(1 − P), depends on the expected number correct.
 *
 * Cost: one pass, Σ_p (answers_p · k + 2)² · nodes (k = 2, or 3 for the 3PL), plus a dense P × P
 * matrix (P free parameters). This is the reference; louis-pass.ts computes the same matrix faster
 * and on threads, and is what calibrations use.
 */
import type { ResponseData } from './data';
import { logGuessingPriorDerivatives, logPriorDerivatives, threePlAt, type ModelState, type MStepSettings } from './mstep';
import { freeParameters } from './standard-errors';
import { normalWeights } from '../irt';

export interface ObservedInformation {
  readonly parameters: ReturnType<typeof freeParameters>;
  /** Row-major P × P observed information (negative Hessian of the marginal log-posterior). */
  readonly information: Float64Array;
}

export function louisObservedInformation(data: ResponseData, state: ModelState, settings: MStepSettings, nodes: Float64Array): ObservedInformation {
  const index = parameterIndex(state, settings);
  const { parameters, indexA, indexD, indexC, indexMean, indexSd } = index;
  const P = parameters.length;
  const itemCount = state.a.length;
  const Q = nodes.length;
  const twoPl = settings.model !== 'rasch';
  const threePl = settings.model === '3pl' && state.c !== undefined;
  const latent = latentNodes(nodes, state.mean, state.sd);
  const { logW, scoreMean, scoreSd } = latent;
  const tables = probabilityTables(state, threePl, nodes);
  const { prob, logP, logQ, pz, pc, inversePQ } = tables;

  const information = new Float64Array(P * P);
  const expectedAnswers = new Float64Array(itemCount * Q);
  const expectedCorrect = threePl ? new Float64Array(itemCount * Q) : expectedAnswers;
  const expectedPersons = new Float64Array(Q);
  const rows = data.rowStart.length - 1;
  let post = new Float64Array(Q);
  let local = new Int32Array(64);
  let scores = new Float64Array(64 * Q);
  let mean = new Float64Array(64);
  let cov = new Float64Array(64 * 64);
  for (let r = 0; r < rows; r++) {
    const from = data.rowStart[r] as number;
    const to = data.rowStart[r + 1] as number;
    const weight = data.weights === null ? 1 : (data.weights[r] as number);
    if (to === from || weight === 0) continue;
    const total = rowPosterior(data, from, to, logW, logP, logQ, post);
    for (let q = 0; q < Q; q++) post[q] = (post[q] as number) / total;
    for (let q = 0; q < Q; q++) expectedPersons[q] = (expectedPersons[q] as number) + weight * (post[q] as number);

    // Local score vectors s_q (m components) for this row.
    const maxM = (threePl ? 3 : 2) * (to - from) + 2;
    if (local.length < maxM) {
      local = new Int32Array(maxM * 2);
      scores = new Float64Array(maxM * 2 * Q);
      mean = new Float64Array(maxM * 2);
      cov = new Float64Array(maxM * 2 * maxM * 2);
    }
    if (post.length < Q) post = new Float64Array(Q);
    let m = 0;
    for (let k = from; k < to; k++) {
      const i = data.items[k] as number;
      const x = data.scores[k] as number;
      for (let q = 0; q < Q; q++) expectedAnswers[i * Q + q] = (expectedAnswers[i * Q + q] as number) + weight * (post[q] as number);
      if (threePl && x === 1) for (let q = 0; q < Q; q++) expectedCorrect[i * Q + q] = (expectedCorrect[i * Q + q] as number) + weight * (post[q] as number);
      if (indexD[i] === -1) continue;
      if (threePl) {
        // u_q = (x − P)/(P(1 − P)); scores u·∂P/∂z·θ, u·∂P/∂z, u·∂P/∂c.
        const ka = indexA[i] as number;
        const kd = indexD[i] as number;
        const kc = indexC[i] as number;
        const mA = m;
        const mD = m + 1;
        const mC = m + 2;
        local[mA] = ka;
        local[mD] = kd;
        if (kc !== -1) local[mC] = kc;
        for (let q = 0; q < Q; q++) {
          const u = (x - (prob[i * Q + q] as number)) * (inversePQ[i * Q + q] as number);
          const sz = u * (pz[i * Q + q] as number);
          scores[mA * Q + q] = sz * (nodes[q] as number);
          scores[mD * Q + q] = sz;
          if (kc !== -1) scores[mC * Q + q] = u * (pc[i * Q + q] as number);
        }
        m += kc !== -1 ? 3 : 2;
        continue;
      }
      if (twoPl && indexA[i] !== -1) {
        local[m] = indexA[i] as number;
        for (let q = 0; q < Q; q++) scores[m * Q + q] = (x - (prob[i * Q + q] as number)) * (nodes[q] as number);
        m++;
      }
      local[m] = indexD[i] as number;
      for (let q = 0; q < Q; q++) scores[m * Q + q] = x - (prob[i * Q + q] as number);
      m++;
    }
    if (indexMean !== -1) {
      local[m] = indexMean;
      for (let q = 0; q < Q; q++) scores[m * Q + q] = scoreMean[q] as number;
      m++;
    }
    if (indexSd !== -1) {
      local[m] = indexSd;
      for (let q = 0; q < Q; q++) scores[m * Q + q] = scoreSd[q] as number;
      m++;
    }
    if (m === 0) continue;
    // Posterior mean of the score, then its posterior covariance.
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let q = 0; q < Q; q++) acc += (post[q] as number) * (scores[j * Q + q] as number);
      mean[j] = acc;
    }
    for (let j = 0; j < m; j++) {
      const mj = mean[j] as number;
      for (let q = 0; q < Q; q++) scores[j * Q + q] = (scores[j * Q + q] as number) - mj;
    }
    for (let j = 0; j < m; j++) {
      for (let l = j; l < m; l++) {
        let acc = 0;
        for (let q = 0; q < Q; q++) acc += (post[q] as number) * (scores[j * Q + q] as number) * (scores[l * Q + q] as number);
        cov[j * m + l] = acc;
      }
    }
    for (let j = 0; j < m; j++) {
      const gj = local[j] as number;
      for (let l = j; l < m; l++) {
        const gl = local[l] as number;
        const c = weight * (cov[j * m + l] as number);
        information[gj * P + gl] = (information[gj * P + gl] as number) - c;
        if (gl !== gj) information[gl * P + gj] = (information[gl * P + gj] as number) - c;
      }
    }
  }

  addCompleteDataInformation(
    information,
    index,
    { answers: expectedAnswers, correct: expectedCorrect, persons: expectedPersons },
    tables,
    latent,
    state,
    settings,
    nodes,
  );
  return { parameters, information };
}

/**
 * A row's posterior at the nodes, unnormalised with its largest value 1, into `post`; returns its sum.
 * `logP` and `logQ` are item × node tables of log P and log(1 − P), `logW` the log latent weights.
 */
export function rowPosterior(
  data: ResponseData,
  from: number,
  to: number,
  logW: Float64Array,
  logP: Float64Array,
  logQ: Float64Array,
  post: Float64Array,
): number {
  const Q = logW.length;
  let top = -Infinity;
  for (let q = 0; q < Q; q++) {
    let l = logW[q] as number;
    for (let k = from; k < to; k++) {
      const base = (data.items[k] as number) * Q + q;
      l += data.scores[k] === 1 ? (logP[base] as number) : (logQ[base] as number);
    }
    post[q] = l;
    if (l > top) top = l;
  }
  return exponentiateFromTop(post, top);
}

/** Replaces each value v by exp(v − top) (`top` the largest, so no overflow) and returns their sum. */
export function exponentiateFromTop(values: Float64Array, top: number): number {
  let total = 0;
  for (let q = 0; q < values.length; q++) {
    const e = Math.exp((values[q] as number) - top);
    values[q] = e;
    total += e;
  }
  return total;
}

/** Global index of each item's a, d and c in the free-parameter list (−1 when fixed), and of the latent mean and SD. */
export interface ParameterIndex {
  readonly parameters: ReturnType<typeof freeParameters>;
  readonly indexA: Int32Array;
  readonly indexD: Int32Array;
  readonly indexC: Int32Array;
  readonly indexMean: number;
  readonly indexSd: number;
}

export function parameterIndex(state: ModelState, settings: MStepSettings): ParameterIndex {
  const parameters = freeParameters(state, settings);
  const itemCount = state.a.length;
  const indexA = new Int32Array(itemCount).fill(-1);
  const indexD = new Int32Array(itemCount).fill(-1);
  const indexC = new Int32Array(itemCount).fill(-1);
  let indexMean = -1;
  let indexSd = -1;
  parameters.forEach((p, k) => {
    if (p.kind === 'a') indexA[p.item] = k;
    else if (p.kind === 'd') indexD[p.item] = k;
    else if (p.kind === 'c') indexC[p.item] = k;
    else if (p.kind === 'mean') indexMean = k;
    else indexSd = k;
  });
  return { parameters, indexA, indexD, indexC, indexMean, indexSd };
}

/** The latent weights at the nodes, their logarithms, and the latent scores ∂ log w_q / ∂mean, ∂sd. */
export interface LatentNodes {
  readonly w: Float64Array;
  readonly logW: Float64Array;
  /** ∂ log w_q / ∂mean = u_q − E_w u, u = (θ_q − mean)/sd². */
  readonly scoreMean: Float64Array;
  /** ∂ log w_q / ∂sd = v_q − E_w v, v = (θ_q − mean)²/sd³. */
  readonly scoreSd: Float64Array;
  readonly eu: number;
  readonly ev: number;
}

export function latentNodes(nodes: Float64Array, mean: number, sd: number): LatentNodes {
  const Q = nodes.length;
  const w = normalWeights(nodes, mean, sd);
  const logW = new Float64Array(Q);
  for (let q = 0; q < Q; q++) logW[q] = Math.log(Math.max(w[q] as number, 1e-300));
  const s = sd;
  let eu = 0;
  let ev = 0;
  for (let q = 0; q < Q; q++) {
    const dev = (nodes[q] as number) - mean;
    eu += (w[q] as number) * (dev / (s * s));
    ev += (w[q] as number) * ((dev * dev) / (s * s * s));
  }
  const scoreMean = new Float64Array(Q);
  const scoreSd = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    const dev = (nodes[q] as number) - mean;
    scoreMean[q] = dev / (s * s) - eu;
    scoreSd[q] = (dev * dev) / (s * s * s) - ev;
  }
  return { w, logW, scoreMean, scoreSd, eu, ev };
}

/**
 * Per (item, node), row-major item × node: P, log P, log(1 − P); for the 3PL also ∂P/∂z, ∂P/∂c and
 * 1 / (P(1 − P)) (for the 2PL these three are the `prob` array itself, unused).
 */
export interface ProbabilityTables {
  readonly prob: Float64Array;
  readonly logP: Float64Array;
  readonly logQ: Float64Array;
  readonly pz: Float64Array;
  readonly pc: Float64Array;
  readonly inversePQ: Float64Array;
}

export function probabilityTables(state: ModelState, threePl: boolean, nodes: Float64Array): ProbabilityTables {
  const itemCount = state.a.length;
  const Q = nodes.length;
  const prob = new Float64Array(itemCount * Q);
  const logP = new Float64Array(itemCount * Q);
  const logQ = new Float64Array(itemCount * Q);
  const pz = threePl ? new Float64Array(itemCount * Q) : prob;
  const pc = threePl ? new Float64Array(itemCount * Q) : prob;
  const inversePQ = threePl ? new Float64Array(itemCount * Q) : prob;
  for (let i = 0; i < itemCount; i++) {
    const a = state.a[i] as number;
    const d = state.d[i] as number;
    if (threePl) {
      const c = state.c?.[i] as number;
      for (let q = 0; q < Q; q++) {
        const at = threePlAt(a * (nodes[q] as number) + d, c);
        prob[i * Q + q] = at.p;
        logP[i * Q + q] = at.logP;
        logQ[i * Q + q] = at.logQ;
        pz[i * Q + q] = at.pz;
        pc[i * Q + q] = at.pc;
        inversePQ[i * Q + q] = 1 / Math.max(at.p * at.q, 1e-300);
      }
      continue;
    }
    for (let q = 0; q < Q; q++) {
      const z = a * (nodes[q] as number) + d;
      const p = 1 / (1 + Math.exp(-z));
      prob[i * Q + q] = p;
      // log σ(z) and log σ(−z), stable for large |z|.
      logP[i * Q + q] = z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
      logQ[i * Q + q] = z >= 0 ? -z - Math.log1p(Math.exp(-z)) : -Math.log1p(Math.exp(z));
    }
  }
  return { prob, logP, logQ, pz, pc, inversePQ };
}

/** The posterior expected counts that the complete-data part of the information needs. */
export interface ExpectedCounts {
  /** Expected answers per (item, node). */
  readonly answers: Float64Array;
  /** 3PL: expected correct answers per (item, node) (otherwise unused). */
  readonly correct: Float64Array;
  /** Expected persons per node. */
  readonly persons: Float64Array;
}

/**
 * Adds to `information` (row-major P × P, or rows `stride` apart) the expected complete-data information of the items and
 * of the latent distribution, minus the priors' curvature.
 */
export function addCompleteDataInformation(
  information: Float64Array,
  index: ParameterIndex,
  counts: ExpectedCounts,
  tables: ProbabilityTables,
  latent: LatentNodes,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  stride: number = index.parameters.length,
): void {
  const { indexA, indexD, indexC, indexMean, indexSd } = index;
  const P = stride;
  const itemCount = state.a.length;
  const Q = nodes.length;
  const threePl = settings.model === '3pl' && state.c !== undefined;
  const expectedAnswers = counts.answers;
  const expectedCorrect = counts.correct;
  const expectedPersons = counts.persons;
  const prob = tables.prob;
  const { w, eu, ev } = latent;
  const s = state.sd;
  // Expected complete-data information of the items, minus the prior curvature.
  for (let i = 0; i < itemCount; i++) {
    const kd = indexD[i] as number;
    if (kd === -1) continue;
    const ka = indexA[i] as number;
    if (threePl) {
      const a = state.a[i] as number;
      const d = state.d[i] as number;
      const c = state.c?.[i] as number;
      const kc = indexC[i] as number;
      const ks = [ka, kd, kc];
      const block = new Float64Array(9); // −∂² of the expected complete-data log-likelihood, (a, d, c)
      for (let q = 0; q < Q; q++) {
        const t = nodes[q] as number;
        const at = threePlAt(a * t + d, c);
        const n = expectedAnswers[i * Q + q] as number;
        const r = expectedCorrect[i * Q + q] as number;
        const u = r / at.p - (n - r) / at.q;
        const v = -r / (at.p * at.p) - (n - r) / (at.q * at.q);
        const dp = [at.pz * t, at.pz, at.pc];
        const d2p = [at.pzz * t * t, at.pzz * t, at.pzc * t, at.pzz * t, at.pzz, at.pzc, at.pzc * t, at.pzc, 0];
        for (let j = 0; j < 3; j++) {
          for (let k = 0; k < 3; k++)
            block[3 * j + k] = (block[3 * j + k] as number) - (v * (dp[j] as number) * (dp[k] as number) + u * (d2p[3 * j + k] as number));
        }
      }
      const prior = logPriorDerivatives(a, d, settings.model, settings.priors);
      block[0] = (block[0] as number) - prior.haa;
      block[4] = (block[4] as number) - prior.hdd;
      const g = settings.guessing;
      if (g !== undefined) block[8] = (block[8] as number) - logGuessingPriorDerivatives(c, g.mode[i] as number, g.weight).h;
      for (let j = 0; j < 3; j++) {
        const gj = ks[j] as number;
        if (gj === -1) continue;
        for (let k = 0; k < 3; k++) {
          const gk = ks[k] as number;
          if (gk === -1) continue;
          information[gj * P + gk] = (information[gj * P + gk] as number) + (block[3 * j + k] as number);
        }
      }
      continue;
    }
    let iaa = 0;
    let iad = 0;
    let idd = 0;
    for (let q = 0; q < Q; q++) {
      const t = nodes[q] as number;
      const p = prob[i * Q + q] as number;
      const c = (expectedAnswers[i * Q + q] as number) * p * (1 - p);
      iaa += c * t * t;
      iad += c * t;
      idd += c;
    }
    const prior = logPriorDerivatives(state.a[i] as number, state.d[i] as number, settings.model, settings.priors);
    information[kd * P + kd] = (information[kd * P + kd] as number) + idd - prior.hdd;
    if (ka !== -1) {
      information[ka * P + ka] = (information[ka * P + ka] as number) + iaa - prior.haa;
      information[ka * P + kd] = (information[ka * P + kd] as number) + iad;
      information[kd * P + ka] = (information[kd * P + ka] as number) + iad;
    }
  }

  // Expected complete-data information of the latent distribution: −Σ_q N_q ∂² log w_q.
  if (indexMean !== -1 || indexSd !== -1) {
    // Second derivatives of log w_q (w the normalised normal weights at the nodes):
    //   ∂²/∂m²  = −Var_w(u)
    //   ∂²/∂s²  = −3 dev_q²/s⁴ + 3 E_w[dev²]/s⁴ − Var_w(v)
    //   ∂²/∂m∂s = −2 dev_q/s³ + 2 E_w[dev]/s³ − Cov_w(u, v)
    let edev = 0;
    let edev2 = 0;
    let vu = 0;
    let vv = 0;
    let cuv = 0;
    for (let q = 0; q < Q; q++) {
      const dev = (nodes[q] as number) - state.mean;
      const wq = w[q] as number;
      edev += wq * dev;
      edev2 += wq * dev * dev;
      const du = dev / (s * s) - eu;
      const dv = (dev * dev) / (s * s * s) - ev;
      vu += wq * du * du;
      vv += wq * dv * dv;
      cuv += wq * du * dv;
    }
    let hmm = 0;
    let hss = 0;
    let hms = 0;
    for (let q = 0; q < Q; q++) {
      const dev = (nodes[q] as number) - state.mean;
      const nq = expectedPersons[q] as number;
      hmm += nq * -vu;
      hss += nq * ((-3 * dev * dev) / s ** 4 + (3 * edev2) / s ** 4 - vv);
      hms += nq * ((-2 * dev) / s ** 3 + (2 * edev) / s ** 3 - cuv);
    }
    if (indexMean !== -1) information[indexMean * P + indexMean] = (information[indexMean * P + indexMean] as number) - hmm;
    if (indexSd !== -1) information[indexSd * P + indexSd] = (information[indexSd * P + indexSd] as number) - hss;
    if (indexMean !== -1 && indexSd !== -1) {
      information[indexMean * P + indexSd] = (information[indexMean * P + indexSd] as number) - hms;
      information[indexSd * P + indexMean] = (information[indexSd * P + indexMean] as number) - hms;
    }
  }
}

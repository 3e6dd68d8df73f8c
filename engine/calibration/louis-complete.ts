/**
 * The Louis pass (louis-pass.ts) when every person answered every item once (a complete design, as
 * a fixed test or the 1M benchmark), for the 2PL and the Rasch model without latent scores: the same
 * partial sums, from a few sums over persons instead of the node moments of every pair of answers.
 *
 * Given the answers, an item's complete-data scores are functions of θ alone plus constants: for
 * d, x − P(θ); for a, x·θ − θ·P(θ). So the posterior covariance of two scores of one person is
 *   Cov(d_i, d_j) = Cov(P_i, P_j),
 *   Cov(a_i, d_j) = −x_i Cov(θ, P_j) + Cov(θP_i, P_j),
 *   Cov(a_i, a_j) = x_i x_j Var(θ) − x_i Cov(θ, θP_j) − x_j Cov(θ, θP_i) + Cov(θP_i, θP_j),
 * and, when everybody answered both items, the sum over persons of the covariances of two functions
 * of θ is F K Gᵀ with K = diag(N) − Σ_p w_p π_p π_pᵀ (nodes × nodes; N the expected persons per node);
 * the terms in x are H Pᵀ and H (θP)ᵀ with H = Σ_p w_p x_p (π_p ∘ (θ − E_p θ)) (items × nodes), and
 * Σ_p w_p Var_p(θ) x_p x_pᵀ over the pairs of correct answers. A person costs a few node vectors per
 * correct answer instead of three node moments per pair of answers (~30× fewer operations at 100
 * items). Every node's posterior weight is kept (the pair pass leaves out nodes below 1e-14 of the
 * largest), so the sums agree with the pair pass to rounding (tests: 1e-9 relative on the SEs).
 */
import type { ResponseData } from './data';
import { exponentiateFromTop, latentNodes, probabilityTables } from './information';
import { addSlice } from './kernel';
import type { LouisPartial } from './louis-pass';
import type { ModelState, MStepSettings } from './mstep';

/** Offset of the block of free items (j ≤ k) in the packed upper triangle, in blocks (as louis-pass.ts). */
function blockOffset(j: number, k: number, F: number): number {
  return (j * (2 * F - j + 1)) / 2 + (k - j);
}

/** Whether every row with a weight answers each of `itemCount` items exactly once, scored 0 or 1. */
function isComplete(data: ResponseData, itemCount: number): boolean {
  const rows = data.rowStart.length - 1;
  const seen = new Int32Array(itemCount).fill(-1);
  for (let r = 0; r < rows; r++) {
    const from = data.rowStart[r] as number;
    const to = data.rowStart[r + 1] as number;
    if (to === from || (data.weights !== null && data.weights[r] === 0)) continue;
    if (to - from !== itemCount) return false;
    for (let k = from; k < to; k++) {
      const i = data.items[k] as number;
      if (seen[i] === r || (data.scores[k] as number) > 1) return false;
      seen[i] = r;
    }
  }
  return true;
}

/**
 * The row's Σ a_i over its correct answers, and their free indices listed in `correct` (the count
 * returned in `found`). In a complete design the log-likelihood at θ is Σ_i log(1 − P_i(θ)) plus
 * Σ_{i correct} (a_i θ + d_i): the first sum is the same for every row, and the d's shift every node
 * alike, so the posterior depends on the row only through this Σ a_i.
 */
function correctSlopes(
  items: Int32Array,
  scores: Uint8Array,
  from: number,
  to: number,
  a: Float64Array,
  freeIndex: Int32Array,
  correct: Int32Array,
  found: Int32Array,
): number {
  let slopes = 0;
  let count = 0;
  for (let k = from; k < to; k++) {
    if (scores[k] !== 1) continue;
    const i = items[k] as number;
    slopes += a[i] as number;
    const f = freeIndex[i] as number;
    if (f !== -1) correct[count++] = f;
  }
  found[0] = count;
  return slopes;
}

/** Sums over rows of the posterior (N and Σ w π πᵀ), and the last row's w π (θ − E θ). */
interface PosteriorSums {
  readonly persons: Float64Array;
  readonly pairs: Float64Array;
  readonly centred: Float64Array;
}

/**
 * The row's posterior over the nodes from its Σ a_i (`base` + θ·slopes, normalised), added with the
 * row's weight w to N and to Σ w π πᵀ (upper triangle); `centred` receives w π (θ − E θ). Returns Var(θ).
 */
function addPosterior(base: Float64Array, nodes: Float64Array, slopes: number, weight: number, post: Float64Array, sums: PosteriorSums): number {
  const { persons, centred, pairs } = sums;
  const Q = nodes.length;
  let top = -Infinity;
  for (let q = 0; q < Q; q++) {
    const l = (base[q] as number) + slopes * (nodes[q] as number);
    post[q] = l;
    if (l > top) top = l;
  }
  const total = exponentiateFromTop(post, top);
  let mean = 0;
  for (let q = 0; q < Q; q++) {
    const p = (post[q] as number) / total;
    post[q] = p;
    mean += p * (nodes[q] as number);
  }
  let variance = 0;
  for (let q = 0; q < Q; q++) {
    const p = post[q] as number;
    const dev = (nodes[q] as number) - mean;
    variance += p * dev * dev;
    persons[q] = (persons[q] as number) + weight * p;
    centred[q] = weight * p * dev;
  }
  for (let q = 0; q < Q; q++) {
    const wp = weight * (post[q] as number);
    if (wp === 0) continue;
    const at = q * Q;
    // Unrolled by four (the same sums, element by element: bit for bit the plain loop's).
    const end4 = q + ((Q - q) & ~3);
    let s = q;
    for (; s < end4; s += 4) {
      pairs[at + s] = (pairs[at + s] as number) + wp * (post[s] as number);
      pairs[at + s + 1] = (pairs[at + s + 1] as number) + wp * (post[s + 1] as number);
      pairs[at + s + 2] = (pairs[at + s + 2] as number) + wp * (post[s + 2] as number);
      pairs[at + s + 3] = (pairs[at + s + 3] as number) + wp * (post[s + 3] as number);
    }
    for (; s < Q; s++) pairs[at + s] = (pairs[at + s] as number) + wp * (post[s] as number);
  }
  return variance;
}

/** Adds the row's centred posterior to H for each correct answer, and w·Var(θ) to the Gram sums of each pair of them. */
function addCorrect(sorted: Int32Array, centred: Float64Array, h: Float64Array, gram: Float64Array, F: number, wv: number): void {
  const Q = centred.length;
  const count = sorted.length;
  for (let n = 0; n < count; n++) {
    const f = sorted[n] as number;
    addSlice(h, f * Q, centred, 0, Q);
    const g = f * F;
    for (let m = n; m < count; m++) {
      const at2 = g + (sorted[m] as number);
      gram[at2] = (gram[at2] as number) + wv;
    }
  }
}

/** True when louisCompletePartial computes the shard's partial (a complete design, 2PL or Rasch, no latent mean or SD estimated). */
export function louisCompleteApplies(data: ResponseData, state: ModelState, settings: MStepSettings): boolean {
  if ((settings.model === '3pl' && state.c !== undefined) || settings.estimateMean || settings.estimateSd) return false;
  return isComplete(data, state.a.length);
}

/**
 * The shard's Louis partial for a complete design (2PL or Rasch, no latent mean or SD estimated);
 * null when the design, the model or the settings are not those (the pair pass then runs).
 */
export function louisCompletePartial(data: ResponseData, state: ModelState, settings: MStepSettings, nodes: Float64Array): LouisPartial | null {
  if (!louisCompleteApplies(data, state, settings)) return null;
  const itemCount = state.a.length;
  const rasch = settings.model === 'rasch';
  const b = rasch ? 1 : 2;
  const Q = nodes.length;
  const freeIndex = new Int32Array(itemCount).fill(-1);
  let F = 0;
  for (let i = 0; i < itemCount; i++) if (settings.free[i] === 1) freeIndex[i] = F++;

  const { logW } = latentNodes(nodes, state.mean, state.sd);
  const { prob, logQ } = probabilityTables(state, false, nodes);

  const persons = new Float64Array(Q); // N_q = Σ_p w π_pq
  const pairs = new Float64Array(Q * Q); // Σ_p w π_pq π_pq' (upper triangle, q ≤ q')
  const h = new Float64Array(F * Q); // H, rows by free index
  const gram = new Float64Array(F * F); // Σ_p w Var_p(θ) x_pi x_pj, upper triangle by free index
  const post = new Float64Array(Q);
  const centred = new Float64Array(Q);
  const sums: PosteriorSums = { persons, pairs, centred };
  const correct = new Int32Array(itemCount);
  const found = new Int32Array(1);
  // log w_q + Σ_i log(1 − P_i(θ_q)): every row's log-likelihood if it had no correct answer.
  const base = Float64Array.from(logW);
  for (let i = 0; i < itemCount; i++) for (let q = 0; q < Q; q++) base[q] = (base[q] as number) + (logQ[i * Q + q] as number);
  const rows = data.rowStart.length - 1;
  for (let r = 0; r < rows; r++) {
    const from = data.rowStart[r] as number;
    const to = data.rowStart[r + 1] as number;
    const weight = data.weights === null ? 1 : (data.weights[r] as number);
    if (to === from || weight === 0) continue;
    const slopes = correctSlopes(data.items, data.scores, from, to, state.a, freeIndex, correct, found);
    const count = found[0] as number;
    const variance = addPosterior(base, nodes, slopes, weight, post, sums);
    // Correct answers by increasing free index, for the upper triangle of the Gram sums.
    addCorrect(correct.subarray(0, count).sort(), centred, h, gram, F, weight * variance);
  }

  // K = diag(N) − Σ_p w π πᵀ, symmetric.
  const kMatrix = new Float64Array(Q * Q);
  for (let q = 0; q < Q; q++) {
    for (let s = q; s < Q; s++) {
      const v = (q === s ? (persons[q] as number) : 0) - (pairs[q * Q + s] as number);
      kMatrix[q * Q + s] = v;
      kMatrix[s * Q + q] = v;
    }
  }
  // P and θP of the free items, and their products with K.
  const pFree = new Float64Array(F * Q);
  const aFree = new Float64Array(F * Q);
  for (let i = 0; i < itemCount; i++) {
    const f = freeIndex[i] as number;
    if (f === -1) continue;
    for (let q = 0; q < Q; q++) {
      const p = prob[i * Q + q] as number;
      pFree[f * Q + q] = p;
      aFree[f * Q + q] = p * (nodes[q] as number);
    }
  }
  const times = (m: Float64Array): Float64Array => {
    const out = new Float64Array(F * Q);
    for (let f = 0; f < F; f++) {
      for (let q = 0; q < Q; q++) {
        const v = m[f * Q + q] as number;
        if (v === 0) continue;
        const row = q * Q;
        const at = f * Q;
        for (let s = 0; s < Q; s++) out[at + s] = (out[at + s] as number) + v * (kMatrix[row + s] as number);
      }
    }
    return out;
  };
  const kp = times(pFree);
  const ka = rasch ? kp : times(aFree);
  const dot = (x: Float64Array, i: number, y: Float64Array, j: number): number => {
    let s = 0;
    const xi = i * Q;
    const yj = j * Q;
    for (let q = 0; q < Q; q++) s += (x[xi + q] as number) * (y[yj + q] as number);
    return s;
  };

  const blocks = new Float64Array(((F * (F + 1)) / 2) * b * b);
  for (let i = 0; i < F; i++) {
    for (let j = i; j < F; j++) {
      const at = blockOffset(i, j, F) * b * b;
      const dd = dot(kp, i, pFree, j);
      if (rasch) {
        blocks[at] = -dd;
        continue;
      }
      const aa = (gram[i * F + j] as number) - dot(h, i, aFree, j) - dot(h, j, aFree, i) + dot(ka, i, aFree, j);
      blocks[at] = -aa;
      blocks[at + 1] = -(dot(ka, i, pFree, j) - dot(h, i, pFree, j));
      blocks[at + 2] = -(dot(ka, j, pFree, i) - dot(h, j, pFree, i));
      blocks[at + 3] = -dd;
    }
  }
  const expectedAnswers = new Float64Array(itemCount * Q);
  for (let i = 0; i < itemCount; i++) expectedAnswers.set(persons, i * Q);
  return {
    freeItems: F,
    blockSize: b,
    blocks,
    latentItems: new Float64Array(0),
    latentLatent: new Float64Array(0),
    expectedAnswers,
    expectedCorrect: new Float64Array(0),
    expectedPersons: persons,
  };
}

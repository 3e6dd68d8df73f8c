/**
 * The pass over the data for the exact observed information (Louis' identity, see information.ts),
 * shaped for worker threads and for speed; it computes the same matrix as louisObservedInformation.
 *
 * Each person's complete-data score is a set of node vectors times a fixed basis: for an item of a
 * 2PL, r_q = x − P(θ_q) gives the score of a as r_q·θ_q and of d as r_q; Rasch has d only; the 3PL has
 * r_q = u_q ∂P/∂z (a: r·θ, d: r) and t_q = u_q ∂P/∂c (c), u = (x − P)/(P(1 − P)); the latent mean and
 * SD have the node vectors ∂ log w_q. So the posterior covariance of two scores needs, per pair of the
 * person's vectors (x, y), only the three node moments G_m = Σ_q π_q x_q y_q θ_q^m (m = 0, 1, 2) and
 * the means Σ_q π_q x_q θ_q^m (m = 0, 1) — a small matrix product (vectors × nodes) instead of the
 * outer products of the whole score vector (2·answers + 2 components) at every node. Nodes where the
 * posterior is below 1e-14 of its largest value are left out, as in the E-step.
 *
 * The sums go into a packed upper triangle of item blocks (b × b per pair of free items, b = 1 for
 * Rasch, 2 for the 2PL, 3 for the 3PL): a pair of items is one contiguous block, and a partial from a
 * shard of persons is added to another element by element (mergeLouisPartials).
 */
import type { ResponseData } from './data';
import type { KernelKind } from './estep-wasm';
import { louisCompleteApplies, louisCompletePartial } from './louis-complete';
import { louisPartialInWasm, louisPassInWasm, type LouisMatrixTarget, type LouisWasmInput, type LouisWasmPass } from './louis-wasm';
import type { ModelState, MStepSettings } from './mstep';
import {
  addCompleteDataInformation,
  latentNodes,
  parameterIndex,
  probabilityTables,
  rowPosterior,
  type ObservedInformation,
  type ParameterIndex,
} from './information';

/** Partial sums of one shard of persons. */
export interface LouisPartial {
  /** Free items F and the block size b. */
  readonly freeItems: number;
  readonly blockSize: number;
  /** −Σ_p w_p Cov_p of the item scores, packed upper triangle of b × b item blocks. */
  readonly blocks: Float64Array;
  /** −Σ_p w_p Cov_p between item scores (F·b rows) and the latent ones (L columns, L ≤ 2). */
  readonly latentItems: Float64Array;
  /** −Σ_p w_p Cov_p of the latent scores, L × L. */
  readonly latentLatent: Float64Array;
  /** Expected answers and (3PL) correct answers per (item, node), expected persons per node. */
  readonly expectedAnswers: Float64Array;
  readonly expectedCorrect: Float64Array;
  readonly expectedPersons: Float64Array;
  /**
   * Set when the WebAssembly pass summed the blocks straight into a padded matrix (a LouisMatrixTarget):
   * `blocks` is then empty, and for the lower half `diagonal` holds the F diagonal blocks (b × b each).
   */
  readonly inMatrix?: 'upper' | 'lower';
  readonly diagonal?: Float64Array;
  /**
   * Set when the pass left the expected answers to its caller (the fused pass, h52: the E-step that gave it its
   * posteriors has them, its n): `expectedAnswers` is then empty, and must be replaced before the information is formed.
   */
  readonly expectedAnswersLeft?: true;
}

/** Relative posterior weight below which a node is skipped (as in the E-step kernel). */
const NODE_CUTOFF = 1e-14;

/** Offset of the block of free items (j ≤ k) in the packed upper triangle, in blocks. */
function blockOffset(j: number, k: number, F: number): number {
  return (j * (2 * F - j + 1)) / 2 + (k - j);
}

interface Layout {
  readonly F: number;
  readonly b: number;
  /** Compact index of each item among the free ones, −1 for a fixed item. */
  readonly freeIndex: Int32Array;
  /** 3PL: whether the item's c is estimated. */
  readonly freeC: Uint8Array | null;
  readonly latentCount: number;
  readonly threePl: boolean;
  readonly rasch: boolean;
}

function layoutOf(state: ModelState, settings: MStepSettings): Layout {
  const itemCount = state.a.length;
  const freeIndex = new Int32Array(itemCount).fill(-1);
  let F = 0;
  for (let i = 0; i < itemCount; i++) if (settings.free[i] === 1) freeIndex[i] = F++;
  const threePl = settings.model === '3pl' && state.c !== undefined;
  const rasch = settings.model === 'rasch';
  return {
    F,
    b: rasch ? 1 : threePl ? 3 : 2,
    freeIndex,
    freeC: threePl ? (settings.guessing?.free ?? new Uint8Array(itemCount)) : null,
    latentCount: (settings.estimateMean ? 1 : 0) + (settings.estimateSd ? 1 : 0),
    threePl,
    rasch,
  };
}

/** Subtracts weight·value at (sx, sy) of the item block at `base` (transposed, or also at (sy, sx) when `mirror`). */
function put(blocks: Float64Array, base: number, b: number, transposed: boolean, mirror: boolean, weight: number, sx: number, sy: number, value: number): void {
  const at = transposed ? base + sy * b + sx : base + sx * b + sy;
  blocks[at] = (blocks[at] as number) - weight * value;
  if (mirror) {
    const back = base + sy * b + sx;
    blocks[back] = (blocks[back] as number) - weight * value;
  }
}

/**
 * 2PL (b = 2) or Rasch (b = 1), owner[x] < owner[y] or x = y: subtracts weight·(G − means) into the
 * block (owner[x], owner[y]), which starts (owner[y] − owner[x]) blocks into owner[x]'s block row.
 */
function addDirect(
  blocks: Float64Array,
  b: number,
  rowStart: number,
  owner: Int32Array,
  mean0: Float64Array,
  mean1: Float64Array,
  x: number,
  y: number,
  g0: number,
  g1: number,
  g2: number,
  weight: number,
): void {
  const mx0 = mean0[x] as number;
  const my0 = mean0[y] as number;
  if (b === 1) {
    const at = rowStart + ((owner[y] as number) - (owner[x] as number));
    blocks[at] = (blocks[at] as number) - weight * (g0 - mx0 * my0);
    return;
  }
  const mx1 = mean1[x] as number;
  const my1 = mean1[y] as number;
  const at = rowStart + ((owner[y] as number) - (owner[x] as number)) * 4;
  blocks[at] = (blocks[at] as number) - weight * (g2 - mx1 * my1);
  blocks[at + 1] = (blocks[at + 1] as number) - weight * (g1 - mx1 * my0);
  blocks[at + 2] = (blocks[at + 2] as number) - weight * (g1 - mx0 * my1);
  blocks[at + 3] = (blocks[at + 3] as number) - weight * (g0 - mx0 * my0);
}

// Vector kinds: which parameters a node vector is the score of, with the power of θ.
const KIND_SLOPE_INTERCEPT = 0; // slot 0: a (θ¹), slot 1: d (θ⁰)
const KIND_INTERCEPT = 1; // Rasch: slot 0: d (θ⁰)
const KIND_GUESSING = 2; // 3PL: slot 2: c (θ⁰)
const KIND_LATENT = 3; // latent slot (θ⁰)

/**
 * The shard's share of the observed information: one pass over its rows. `kernel` 'wasm' (the default)
 * takes the complete design's sums (louis-complete.ts) where every person answered every item, else runs
 * the WebAssembly SIMD pass (louis-wasm.ts) for the 2PL and the Rasch model where it applies, the
 * JavaScript pass (the reference) otherwise; 'js' always runs the JavaScript pass. With `target`, the
 * WebAssembly pass sums its blocks into that matrix (the partial's inMatrix says so; the other passes
 * ignore it).
 */
export function louisShardPartial(
  data: ResponseData,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  kernel: KernelKind = 'wasm',
  target?: LouisMatrixTarget,
): LouisPartial {
  const layout = layoutOf(state, settings);
  if (kernel === 'wasm') {
    const complete = louisCompletePartial(data, state, settings, nodes);
    if (complete !== null) return complete;
  }
  if (kernel === 'wasm' && !layout.threePl) {
    const partial = louisPartialInWasm(data, wasmInput(layout, state, settings, nodes), target);
    if (partial !== null) return partial;
  }
  return louisShardPartialInJs(data, state, settings, nodes);
}

/** The WebAssembly pass's input (2PL or Rasch): the layout, the latent scores and the tables. */
function wasmInput(layout: ReturnType<typeof layoutOf>, state: ModelState, settings: MStepSettings, nodes: Float64Array): LouisWasmInput {
  const { logW, scoreMean, scoreSd } = latentNodes(nodes, state.mean, state.sd);
  const { prob, logP, logQ } = probabilityTables(state, false, nodes);
  const latentScores = [...(settings.estimateMean ? [scoreMean] : []), ...(settings.estimateSd ? [scoreSd] : [])];
  return { F: layout.F, b: layout.rasch ? 1 : 2, freeIndex: layout.freeIndex, latentScores, nodes, logW, prob, logP, logQ };
}

/**
 * The WebAssembly pass of louisShardPartial fed by ranges of rows (louis-wasm.ts, LouisWasmPass), with room for
 * given posteriors (the diagnostic pass's, so that one walk over the rows serves both), where louisShardPartial
 * would run it; null where it would take another path (a complete design, the 3PL, the JavaScript kernel, …).
 * `expectedAnswers` false: the pass leaves them to the caller (LouisPartial.expectedAnswersLeft; the E-step's n).
 */
export function louisShardPass(
  data: ResponseData,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  kernel: KernelKind = 'wasm',
  target?: LouisMatrixTarget,
  expectedAnswers = true,
): LouisWasmPass | null {
  const layout = layoutOf(state, settings);
  if (kernel !== 'wasm' || layout.threePl || louisCompleteApplies(data, state, settings)) return null;
  return louisPassInWasm(data, wasmInput(layout, state, settings, nodes), target, { given: true, expectedAnswers });
}

/** The JavaScript pass (the reference of the WebAssembly one, and the 3PL's). */
export function louisShardPartialInJs(data: ResponseData, state: ModelState, settings: MStepSettings, nodes: Float64Array): LouisPartial {
  const layout = layoutOf(state, settings);
  const { F, b, freeIndex, freeC, latentCount: L, threePl, rasch } = layout;
  const itemCount = state.a.length;
  const Q = nodes.length;
  const latent = latentNodes(nodes, state.mean, state.sd);
  const { logW, scoreMean, scoreSd } = latent;
  const { prob, logP, logQ, pz, pc, inversePQ } = probabilityTables(state, threePl, nodes);
  const theta2 = new Float64Array(Q);
  for (let q = 0; q < Q; q++) theta2[q] = (nodes[q] as number) * (nodes[q] as number);

  const blocks = new Float64Array(((F * (F + 1)) / 2) * b * b);
  const latentItems = new Float64Array(F * b * L);
  const latentLatent = new Float64Array(L * L);
  const expectedAnswers = new Float64Array(itemCount * Q);
  const expectedCorrect = threePl ? new Float64Array(itemCount * Q) : new Float64Array(0);
  const expectedPersons = new Float64Array(Q);

  const post = new Float64Array(Q);
  let capacity = 0;
  let vectors = new Float64Array(0); // V × Q node vectors
  let a0 = new Float64Array(0); // V × Q: π·x, π·x·θ, π·x·θ²
  let a1 = new Float64Array(0);
  let a2 = new Float64Array(0);
  let mean0 = new Float64Array(0); // Σ π x, Σ π x θ per vector
  let mean1 = new Float64Array(0);
  let owner = new Int32Array(0); // compact item index or latent slot
  let kind = new Uint8Array(0);
  let order = new Int32Array(0);
  const rows = data.rowStart.length - 1;
  const b2 = b * b;
  // Start of each free item's block row in the packed triangle (blocks (f, f), (f, f + 1), …).
  const blockRow = new Float64Array(F);
  for (let f = 0; f < F; f++) blockRow[f] = blockOffset(f, f, F) * b2;

  // Adds −weight·(G − mean·mean) for one pair of vectors (x ≤ y) into the packed sums.
  const addPair = (x: number, y: number, g0: number, g1: number, g2: number, weight: number): void => {
    const kx = kind[x] as number;
    const ky = kind[y] as number;
    const ox = owner[x] as number;
    const oy = owner[y] as number;
    const mx0 = mean0[x] as number;
    const my0 = mean0[y] as number;
    if (kx === KIND_LATENT || ky === KIND_LATENT) {
      if (kx === KIND_LATENT && ky === KIND_LATENT) {
        const v = weight * (g0 - mx0 * my0);
        latentLatent[ox * L + oy] = (latentLatent[ox * L + oy] as number) - v;
        if (x !== y) latentLatent[oy * L + ox] = (latentLatent[oy * L + ox] as number) - v;
        return;
      }
      // One item vector and one latent vector (latent vectors come last: y is the latent one).
      const base = ox * b * L + oy;
      if (kx === KIND_SLOPE_INTERCEPT) {
        latentItems[base] = (latentItems[base] as number) - weight * (g1 - (mean1[x] as number) * my0);
        latentItems[base + L] = (latentItems[base + L] as number) - weight * (g0 - mx0 * my0);
      } else {
        const slot = kx === KIND_GUESSING ? 2 : 0;
        latentItems[base + slot * L] = (latentItems[base + slot * L] as number) - weight * (g0 - mx0 * my0);
      }
      return;
    }
    // Both item vectors. Entries (slot, power) of each: SI → (0, 1), (1, 0); I → (0, 0); G → (2, 0).
    const transposed = ox > oy;
    const base = blockOffset(transposed ? oy : ox, transposed ? ox : oy, F) * b2;
    const same = ox === oy;
    const mirror = same && x !== y;
    const mx1 = mean1[x] as number;
    const my1 = mean1[y] as number;
    if (kx === KIND_SLOPE_INTERCEPT && ky === KIND_SLOPE_INTERCEPT) {
      put(blocks, base, b, transposed, mirror, weight, 0, 0, g2 - mx1 * my1);
      put(blocks, base, b, transposed, mirror, weight, 0, 1, g1 - mx1 * my0);
      put(blocks, base, b, transposed, mirror, weight, 1, 0, g1 - mx0 * my1);
      put(blocks, base, b, transposed, mirror, weight, 1, 1, g0 - mx0 * my0);
      return;
    }
    const sx = kx === KIND_GUESSING ? 2 : 0;
    const sy = ky === KIND_GUESSING ? 2 : 0;
    if (kx === KIND_SLOPE_INTERCEPT) {
      put(blocks, base, b, transposed, mirror, weight, 0, sy, g1 - mx1 * my0);
      put(blocks, base, b, transposed, mirror, weight, 1, sy, g0 - mx0 * my0);
    } else if (ky === KIND_SLOPE_INTERCEPT) {
      put(blocks, base, b, transposed, mirror, weight, sx, 0, g1 - mx0 * my1);
      put(blocks, base, b, transposed, mirror, weight, sx, 1, g0 - mx0 * my0);
    } else {
      put(blocks, base, b, transposed, mirror, weight, sx, sy, g0 - mx0 * my0);
    }
  };

  for (let r = 0; r < rows; r++) {
    const from = data.rowStart[r] as number;
    const to = data.rowStart[r + 1] as number;
    const weight = data.weights === null ? 1 : (data.weights[r] as number);
    if (to === from || weight === 0) continue;
    const total = rowPosterior(data, from, to, logW, logP, logQ, post);
    let lo = Q;
    let hi = 0;
    for (let q = 0; q < Q; q++) {
      const p = (post[q] as number) / total;
      post[q] = p;
      if (p * total >= NODE_CUTOFF) {
        if (q < lo) lo = q;
        hi = q + 1;
      }
    }
    for (let q = lo; q < hi; q++) expectedPersons[q] = (expectedPersons[q] as number) + weight * (post[q] as number);

    // Node vectors of this row.
    const most = (threePl ? 2 : 1) * (to - from) + L;
    if (most > capacity) {
      capacity = Math.max(most, 2 * capacity);
      vectors = new Float64Array(capacity * Q);
      a0 = new Float64Array(capacity * Q);
      a1 = new Float64Array(capacity * Q);
      a2 = new Float64Array(capacity * Q);
      mean0 = new Float64Array(capacity);
      mean1 = new Float64Array(capacity);
      owner = new Int32Array(capacity);
      kind = new Uint8Array(capacity);
    }
    // The row's answers by compact item index: each vector's pairs then fall in its own block row.
    const count = to - from;
    if (order.length < count) order = new Int32Array(2 * count);
    let increasing = true;
    for (let k = 0; k < count; k++) {
      const key = freeIndex[data.items[from + k] as number] as number;
      let at = k;
      while (at > 0 && (freeIndex[data.items[from + (order[at - 1] as number)] as number] as number) > key) {
        order[at] = order[at - 1] as number;
        at--;
      }
      order[at] = k;
    }
    let V = 0;
    for (let n = 0; n < count; n++) {
      const k = from + (order[n] as number);
      const i = data.items[k] as number;
      const x = data.scores[k] as number;
      const row = i * Q;
      for (let q = lo; q < hi; q++) expectedAnswers[row + q] = (expectedAnswers[row + q] as number) + weight * (post[q] as number);
      if (threePl && x === 1) for (let q = lo; q < hi; q++) expectedCorrect[row + q] = (expectedCorrect[row + q] as number) + weight * (post[q] as number);
      const f = freeIndex[i] as number;
      if (f === -1) continue;
      const at = V * Q;
      if (threePl) {
        const guessing = freeC?.[i] === 1;
        for (let q = lo; q < hi; q++) {
          const u = (x - (prob[row + q] as number)) * (inversePQ[row + q] as number);
          vectors[at + q] = u * (pz[row + q] as number);
          if (guessing) vectors[at + Q + q] = u * (pc[row + q] as number);
        }
        owner[V] = f;
        kind[V++] = KIND_SLOPE_INTERCEPT;
        if (guessing) {
          owner[V] = f;
          kind[V++] = KIND_GUESSING;
        }
        continue;
      }
      for (let q = lo; q < hi; q++) vectors[at + q] = x - (prob[row + q] as number);
      if (V > 0 && (owner[V - 1] as number) >= f) increasing = false;
      owner[V] = f;
      kind[V++] = rasch ? KIND_INTERCEPT : KIND_SLOPE_INTERCEPT;
    }
    for (let l = 0; l < L; l++) {
      const source = l === 0 && settings.estimateMean ? scoreMean : scoreSd;
      vectors.set(source.subarray(lo, hi), V * Q + lo);
      owner[V] = l;
      kind[V++] = KIND_LATENT;
    }
    if (V === 0) continue;
    // 2PL or Rasch, items in increasing order, no latent score: pairs go straight to their block.
    const direct = !threePl && L === 0 && increasing;
    // π·x·θ^m and the means.
    for (let v = 0; v < V; v++) {
      const at = v * Q;
      let s0 = 0;
      let s1 = 0;
      for (let q = lo; q < hi; q++) {
        const t0 = (post[q] as number) * (vectors[at + q] as number);
        const t1 = t0 * (nodes[q] as number);
        a0[at + q] = t0;
        a1[at + q] = t1;
        a2[at + q] = t0 * (theta2[q] as number);
        s0 += t0;
        s1 += t1;
      }
      mean0[v] = s0;
      mean1[v] = s1;
    }
    // Node moments of every pair (x ≤ y), three y at a time.
    for (let x = 0; x < V; x++) {
      const ax = x * Q;
      const ox = owner[x] as number;
      let y = x;
      for (; y + 2 < V; y += 3) {
        const ay = y * Q;
        const az = ay + Q;
        const aw = az + Q;
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let h0 = 0;
        let h1 = 0;
        let h2 = 0;
        let k0 = 0;
        let k1 = 0;
        let k2 = 0;
        for (let q = lo; q < hi; q++) {
          const p0 = a0[ax + q] as number;
          const p1 = a1[ax + q] as number;
          const p2 = a2[ax + q] as number;
          const vy = vectors[ay + q] as number;
          g0 += p0 * vy;
          g1 += p1 * vy;
          g2 += p2 * vy;
          const vz = vectors[az + q] as number;
          h0 += p0 * vz;
          h1 += p1 * vz;
          h2 += p2 * vz;
          const vw = vectors[aw + q] as number;
          k0 += p0 * vw;
          k1 += p1 * vw;
          k2 += p2 * vw;
        }
        if (direct) {
          addDirect(blocks, b, blockRow[ox] as number, owner, mean0, mean1, x, y, g0, g1, g2, weight);
          addDirect(blocks, b, blockRow[ox] as number, owner, mean0, mean1, x, y + 1, h0, h1, h2, weight);
          addDirect(blocks, b, blockRow[ox] as number, owner, mean0, mean1, x, y + 2, k0, k1, k2, weight);
        } else {
          addPair(x, y, g0, g1, g2, weight);
          addPair(x, y + 1, h0, h1, h2, weight);
          addPair(x, y + 2, k0, k1, k2, weight);
        }
      }
      for (; y < V; y++) {
        const ay = y * Q;
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        for (let q = lo; q < hi; q++) {
          const vy = vectors[ay + q] as number;
          g0 += (a0[ax + q] as number) * vy;
          g1 += (a1[ax + q] as number) * vy;
          g2 += (a2[ax + q] as number) * vy;
        }
        if (direct) addDirect(blocks, b, blockRow[ox] as number, owner, mean0, mean1, x, y, g0, g1, g2, weight);
        else addPair(x, y, g0, g1, g2, weight);
      }
    }
  }
  return { freeItems: F, blockSize: b, blocks, latentItems, latentLatent, expectedAnswers, expectedCorrect, expectedPersons };
}

/** Adds shard partials element by element (into the first one's arrays). */
export function mergeLouisPartials(parts: readonly LouisPartial[]): LouisPartial {
  const first = parts[0];
  if (first === undefined) throw new RangeError('mergeLouisPartials needs at least one part');
  const add = (into: Float64Array, from: Float64Array): void => {
    if (into.length !== from.length) throw new RangeError('mergeLouisPartials: parts computed on different layouts');
    for (let k = 0; k < into.length; k++) into[k] = (into[k] as number) + (from[k] as number);
  };
  for (const part of parts.slice(1)) {
    add(first.blocks, part.blocks);
    add(first.latentItems, part.latentItems);
    add(first.latentLatent, part.latentLatent);
    add(first.expectedAnswers, part.expectedAnswers);
    add(first.expectedCorrect, part.expectedCorrect);
    add(first.expectedPersons, part.expectedPersons);
  }
  return first;
}

/** Global index of (free item f, slot s), −1 when absent (a Rasch slope, a fixed c). */
function globalSlots(layout: Layout, state: ModelState, index: ParameterIndex): Int32Array {
  const { F, b, freeIndex } = layout;
  const global = new Int32Array(F * b).fill(-1);
  for (let i = 0; i < state.a.length; i++) {
    const f = freeIndex[i] as number;
    if (f === -1) continue;
    if (layout.rasch) {
      global[f] = index.indexD[i] as number;
      continue;
    }
    global[f * b] = index.indexA[i] as number;
    global[f * b + 1] = index.indexD[i] as number;
    if (b === 3) global[f * b + 2] = index.indexC[i] as number;
  }
  return global;
}

/** Items whose rows writeLouisItemRows fills together. */
const ROW_TILE = 16;

/**
 * Writes the item–item entries of the information's rows of the free items [itemFrom, itemTo) (every
 * column of each of their parameters) from the packed blocks of the shards' partials, added in the
 * order given — the same sums as mergeLouisPartials. Different ranges touch different rows, so threads
 * can write them into one shared matrix at once (rows `stride` apart). Without a range: every item.
 */
export function writeLouisItemRows(
  blocks: readonly Float64Array[],
  state: ModelState,
  settings: MStepSettings,
  matrix: Float64Array,
  stride: number,
  itemFrom = 0,
  itemTo?: number,
): void {
  const layout = layoutOf(state, settings);
  const { F, b } = layout;
  const global = globalSlots(layout, state, parameterIndex(state, settings));
  const first = blocks[0];
  if (first === undefined) throw new RangeError('writeLouisItemRows needs at least one partial');
  const parts = blocks.length;
  const end = itemTo ?? F;
  // Rows by tiles of items: for k < j the blocks (k, j) of a tile are contiguous in k's packed row.
  for (let j0 = itemFrom; j0 < end; j0 += ROW_TILE) {
    const j1 = Math.min(end, j0 + ROW_TILE);
    for (let k = 0; k < F; k++) {
      for (let j = j0; j < j1; j++) {
        const base = (j <= k ? blockOffset(j, k, F) : blockOffset(k, j, F)) * b * b;
        for (let sj = 0; sj < b; sj++) {
          const gj = global[j * b + sj] as number;
          if (gj === -1) continue;
          for (let sk = 0; sk < b; sk++) {
            const gk = global[k * b + sk] as number;
            if (gk === -1) continue;
            // Block (j, k) stored as is for j < k, transposed for j > k; a diagonal block's lower entry for both.
            const at = j < k ? base + sj * b + sk : j > k ? base + sk * b + sj : base + Math.max(sj, sk) * b + Math.min(sj, sk);
            let v = first[at] as number;
            for (let p = 1; p < parts; p++) v += (blocks[p] as Float64Array)[at] as number;
            matrix[gj * stride + gk] = v;
          }
        }
      }
    }
  }
}

/** One shard's item blocks for mergeLouisHalves, in whichever form its pass left them (see LouisPartial). */
export type LouisBlocks = Pick<LouisPartial, 'blocks' | 'inMatrix' | 'diagonal'>;

/**
 * The lower triangle of the item rows of the free items [itemFrom, itemTo) of a padded matrix (rows
 * `stride` apart) from the shards' blocks added in the order given — the same sums, bit for bit, as
 * writeLouisItemRows, whose upper triangle the factorisation never reads — where some shards summed
 * theirs into this matrix: one its upper triangle ('upper'), one its lower triangle transposed
 * ('lower', diagonal blocks apart), the others in packed blocks. Item parameters come first, b per
 * free item in free order (freeParameters: 2PL or Rasch). Each row range reads only entries above the
 * diagonal, which no range writes, and its own diagonal blocks: threads can take different ranges of
 * one shared matrix at once. The upper triangle keeps the 'upper' shard's share only.
 */
export function mergeLouisHalves(parts: readonly LouisBlocks[], F: number, b: number, matrix: Float64Array, stride: number, itemFrom = 0, itemTo = F): void {
  if (parts.length === 0) throw new RangeError('mergeLouisHalves needs at least one partial');
  if (parts.length === 2 && parts[0]?.inMatrix === 'upper' && parts[1]?.inMatrix === 'lower' && parts[1].diagonal !== undefined) {
    mergeTwoHalves(parts[1].diagonal, F, b, matrix, stride, itemFrom, itemTo);
    return;
  }
  const b2 = b * b;
  const diagonal = new Float64Array(b2);
  // The share of part t of the entry (row slot sj of item j, column slot sk of item k), k ≤ j; a diagonal block's lower entry.
  const share = (part: LouisBlocks, j: number, sj: number, k: number, sk: number): number => {
    if (k === j && sk > sj) return share(part, j, sk, k, sj);
    // 'upper' holds block (k, j)'s entry [sk][sj] at row k·b + sk, column j·b + sj; 'lower' at the transposed place.
    if (part.inMatrix === 'upper') return matrix[k === j ? (j * b + sj) * stride + j * b + sk : (k * b + sk) * stride + j * b + sj] as number;
    if (part.inMatrix === 'lower') return k === j ? (part.diagonal?.[j * b2 + sk * b + sj] as number) : (matrix[(j * b + sj) * stride + k * b + sk] as number);
    return part.blocks[blockOffset(k, j, F) * b2 + (k === j ? sj * b + sk : sk * b + sj)] as number;
  };
  const sum = (j: number, sj: number, k: number, sk: number): number => {
    let v = share(parts[0] as LouisBlocks, j, sj, k, sk);
    for (let t = 1; t < parts.length; t++) v += share(parts[t] as LouisBlocks, j, sj, k, sk);
    return v;
  };
  // Rows by tiles of items: for each column item k, the upper entries (k, j) of a tile are contiguous.
  for (let j0 = itemFrom; j0 < itemTo; j0 += ROW_TILE) {
    const j1 = Math.min(itemTo, j0 + ROW_TILE);
    for (let k = 0; k < j1; k++) {
      for (let j = Math.max(j0, k); j < j1; j++) {
        if (k < j) {
          for (let sj = 0; sj < b; sj++) for (let sk = 0; sk < b; sk++) matrix[(j * b + sj) * stride + k * b + sk] = sum(j, sj, k, sk);
          continue;
        }
        // The diagonal block: every entry from the lower ones, all read before any is written.
        for (let sj = 0; sj < b; sj++) for (let sk = 0; sk <= sj; sk++) diagonal[sj * b + sk] = sum(j, sj, j, sk);
        for (let sj = 0; sj < b; sj++)
          for (let sk = 0; sk < b; sk++) matrix[(j * b + sj) * stride + j * b + sk] = diagonal[Math.max(sj, sk) * b + Math.min(sj, sk)] as number;
      }
    }
  }
}

/**
 * mergeLouisHalves for its usual case, the two threads' halves alone (worker 0's 'upper', worker 1's 'lower' with
 * its diagonal blocks apart): below the diagonal blocks every entry is upper share + lower share, i.e. the
 * lower entry plus its transposed upper one — the same sums, bit for bit, as the general loop's (x + y in
 * worker order), in plain loops over the rows instead of a closure per entry and share (h52: ≈ 4× less CPU).
 */
function mergeTwoHalves(diagonal: Float64Array, F: number, b: number, matrix: Float64Array, stride: number, itemFrom: number, itemTo: number): void {
  const b2 = b * b;
  const block = new Float64Array(b2);
  // Rows by tiles of items, columns in the outer loop: for a column c the upper entries (c, row) of a tile are contiguous.
  for (let j0 = itemFrom; j0 < itemTo; j0 += ROW_TILE) {
    const j1 = Math.min(itemTo, j0 + ROW_TILE);
    const rowFrom = j0 * b;
    const rowTo = j1 * b;
    for (let c = 0; c < rowTo - b; c++) {
      const upper = c * stride;
      // Rows of the tile whose item is above column c's: row ≥ (item of c + 1)·b.
      for (let row = Math.max(rowFrom, (Math.floor(c / b) + 1) * b); row < rowTo; row++) {
        const at = row * stride + c;
        matrix[at] = (matrix[upper + row] as number) + (matrix[at] as number);
      }
    }
    // The diagonal blocks: entry (sj, sk), sk ≤ sj, from upper's at (j·b + sj, j·b + sk) and lower's [sk][sj] in `diagonal`.
    for (let j = j0; j < j1; j++) {
      const base = j * b;
      for (let sj = 0; sj < b; sj++)
        for (let sk = 0; sk <= sj; sk++) block[sj * b + sk] = (matrix[(base + sj) * stride + base + sk] as number) + (diagonal[j * b2 + sk * b + sj] as number);
      for (let sj = 0; sj < b; sj++)
        for (let sk = 0; sk < b; sk++) matrix[(base + sj) * stride + base + sk] = block[Math.max(sj, sk) * b + Math.min(sj, sk)] as number;
    }
  }
}

/**
 * The observed information (row-major P × P over freeParameters' order) from the merged partial:
 * the covariance sums unpacked, plus the expected complete-data information and the priors.
 * `into` may give the array to fill (zeros, rows `stride` ≥ P apart: a padded, shared matrix).
 */
export function louisInformationFromPartial(
  partial: LouisPartial,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  into?: {
    readonly matrix: Float64Array;
    readonly stride: number;
    /** True when the item rows are already written (writeLouisItemRows on threads); partial.blocks is then not read. */
    readonly itemRowsWritten?: boolean;
  },
): ObservedInformation {
  if (partial.expectedAnswersLeft === true) throw new Error('louisInformationFromPartial: the expected answers were left to the E-step (its n) and not put in');
  const layout = layoutOf(state, settings);
  const { F, b, latentCount: L } = layout;
  const index: ParameterIndex = parameterIndex(state, settings);
  const P = index.parameters.length;
  const global = globalSlots(layout, state, index);
  const latentGlobal = [index.indexMean, index.indexSd].filter((k) => k !== -1);
  const information = into?.matrix ?? new Float64Array(P * P);
  const S = into?.stride ?? P;
  if (into?.itemRowsWritten !== true) writeLouisItemRows([partial.blocks], state, settings, information, S);
  for (let row = 0; row < F * b; row++) {
    const g = global[row] as number;
    if (g === -1) continue;
    for (let l = 0; l < L; l++) {
      const gl = latentGlobal[l] as number;
      const v = partial.latentItems[row * L + l] as number;
      information[g * S + gl] = v;
      information[gl * S + g] = v;
    }
  }
  for (let l = 0; l < L; l++) {
    for (let m = 0; m < L; m++) information[(latentGlobal[l] as number) * S + (latentGlobal[m] as number)] = partial.latentLatent[l * L + m] as number;
  }
  const threePl = layout.threePl;
  addCompleteDataInformation(
    information,
    index,
    { answers: partial.expectedAnswers, correct: partial.expectedCorrect, persons: partial.expectedPersons },
    probabilityTables(state, threePl, nodes),
    latentNodes(nodes, state.mean, state.sd),
    state,
    settings,
    nodes,
    S,
  );
  return { parameters: index.parameters, information };
}

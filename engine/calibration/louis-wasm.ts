/**
 * The Louis pass (louis-pass.ts) in WebAssembly SIMD, for the 2PL and the Rasch model: the same sums
 * as the JavaScript pass, to rounding (its sums over nodes run in two lanes, and its exp is its own),
 * from the hand-written louis.wat (compiled bytes in louis-wasm-bytes.ts).
 *
 * One instance per call (per shard): its linear memory holds, in this order (byte offsets, each
 * region 16-aligned), the tables — log P(score | θ) and the residual score − P per (item, score) row
 * of `stride` bytes (nodes padded to an even count: 0 in the padding, −∞ for log w), each item's free
 * index, log w, θ, θ², the latent scores' node vectors —, the scratch of one row (posterior, answer
 * offsets, order, vector rows, owners, means (Σπvθ, Σπv), moments π·v·θ^m, the queue of block
 * updates), the sums (expected persons, expected answers per item row, each free item's block-row
 * address, latentItems, latentLatent, the packed blocks) and one chunk of rows at a time (row starts
 * from 0, items, scores, weights), which the pass is called on.
 *
 * With a LouisMatrixTarget the same regions (but the packed blocks) lie in a region of the padded
 * matrix's shared memory (linalg-wasm.ts), and the blocks are summed straight into the matrix: its
 * upper triangle, or its lower one transposed (the diagonal blocks then in a small array of the
 * region). Two threads' passes then fill one matrix without a packed triangle each (64 MB of fresh
 * pages each at 2,000 items); mergeLouisHalves (louis-pass.ts) adds the halves in place.
 */
import type { ResponseData } from './data';
import { lazyWasmModule } from './wasm-module';
import { LOUIS_WASM_BASE64 } from './louis-wasm-bytes';
import type { LouisPartial } from './louis-pass';

interface LouisExports {
  readonly louis: (...args: number[]) => void;
}

const louisModule = lazyWasmModule(LOUIS_WASM_BASE64);

/** True when this runtime compiles the Louis kernel (WebAssembly with SIMD). */
export function louisWasmAvailable(): boolean {
  return louisModule() !== null;
}

/** What the WebAssembly pass needs from louis-pass.ts (the 2PL or Rasch layout and the tables). */
export interface LouisWasmInput {
  /** Free items and block size (1: Rasch, 2: 2PL). */
  readonly F: number;
  readonly b: 1 | 2;
  readonly freeIndex: Int32Array;
  /** The latent scores' node vectors (mean, then SD, as estimated), Q each. */
  readonly latentScores: readonly Float64Array[];
  readonly nodes: Float64Array;
  readonly logW: Float64Array;
  /** item × node: P, log P, log(1 − P). */
  readonly prob: Float64Array;
  readonly logP: Float64Array;
  readonly logQ: Float64Array;
}

/** Where the pass puts its blocks instead of a packed triangle in its own memory (see the header). */
export interface LouisMatrixTarget {
  /** The shared memory of the padded N × N matrix (doubles [0, N²)), e.g. a SharedMatrix's. */
  readonly memory: WebAssembly.Memory;
  readonly size: number;
  /** The pass's scratch in that memory: bytes [regionAt, regionAt + regionBytes) (louisRegionBytes). */
  readonly regionAt: number;
  readonly regionBytes: number;
  /** 'upper': block (j, k), j ≤ k, at rows of j and columns of k; 'lower': transposed, diagonal blocks apart. */
  readonly half: 'upper' | 'lower';
}

/** Answers per chunk of rows copied into the instance's memory. */
const CHUNK = 1 << 16;
/** Block updates queued before they are applied together (louis.wat's $flush2pl). */
const QUEUE = 512;
const PAGE = 65536;
const align = (offset: number): number => (offset + 15) & ~15;
/** Rows of given posteriors copied into the memory at a time (louisPassInWasm's feed; estep-wasm.ts's POSTERIOR_ROWS). */
const GIVEN_ROWS = 4096;

/** True when some row answers an item twice (the kernel assumes it does not; the JavaScript pass handles it). */
function hasRepeatedItem(data: ResponseData): boolean {
  const seen = new Int32Array(data.itemIds.length).fill(-1);
  for (let r = 0; r + 1 < data.rowStart.length; r++) {
    for (let k = data.rowStart[r] as number; k < (data.rowStart[r + 1] as number); k++) {
      const item = data.items[k] as number;
      if (seen[item] === r) return true;
      seen[item] = r;
    }
  }
  return false;
}

/** The regions of the pass's memory from `start` (bytes; see the header), and where they end. */
function louisLayout(itemCount: number, F: number, b: number, L: number, Q: number, longest: number, start: number, half?: 'upper' | 'lower', given = false) {
  const stride = 16 * ((Q + 1) >> 1);
  const capacity = Math.max(CHUNK, longest);
  let at = align(start);
  const take = (bytes: number): number => {
    const from = at;
    at = align(at + bytes);
    return from;
  };
  const regions = {
    logTableAt: take(2 * itemCount * stride),
    residAt: take(2 * itemCount * stride),
    freeIndexAt: take(4 * itemCount),
    logWAt: take(stride),
    thetaAt: take(stride),
    theta2At: take(stride),
    latentAt: take(Math.max(1, L) * stride),
    postAt: take(stride),
    basesAt: take(4 * longest),
    orderAt: take(4 * longest),
    vecRowAt: take(4 * (longest + L)),
    ownerAt: take(4 * (longest + L)),
    meansAt: take(16 * (longest + L)),
    momentsAt: take(3 * stride * (longest + L)),
    queueAt: take(48 * (QUEUE + longest)),
    // The sums: expected persons and answers, latent sums, a lower half's diagonal blocks.
    expectedPersonsAt: take(stride),
    expectedAnswersAt: take(itemCount * stride),
    latentItemsAt: take(8 * F * b * L),
    latentLatentAt: take(8 * L * L),
    diagonalAt: take(half === 'lower' ? 8 * F * b * b : 0),
    rowAddrAt: take(4 * F),
    diagAddrAt: take(4 * F),
    rowStartAt: take(4 * (CHUNK + 1)),
    itemsAt: take(4 * capacity),
    scoresAt: take(capacity),
    weightsAt: take(8 * CHUNK),
    givenAt: take(given ? GIVEN_ROWS * stride : 0),
    blocksAt: take(half === undefined ? 8 * ((F * (F + 1)) / 2) * b * b : 0),
  };
  return { ...regions, end: at };
}

/**
 * Bytes of a LouisMatrixTarget's region for a pass over rows at most `longest` answers long (the
 * layout without the packed blocks, with a lower half's diagonal blocks).
 */
export function louisRegionBytes(itemCount: number, F: number, b: 1 | 2, L: number, Q: number, longest: number, given = false): number {
  return louisLayout(itemCount, F, b, L, Q, longest, 0, 'lower', given).end + 16;
}

/**
 * The WebAssembly pass over a shard fed by ranges of rows, in order: `feed(from, to)` forms each row's posterior
 * itself; `feed(from, to, posteriors, width)` takes them given (row r at posteriors[(r − from)·width …], normalised,
 * before the weight: the diagnostic pass's, estep-wasm.ts) instead of its own log-likelihood and exp — the
 * same sums to rounding (the two posteriors agree to rounding). `finish()` gives the partial once every row was fed.
 */
export interface LouisWasmPass {
  feed(fromRow: number, toRow: number, posteriors?: Float64Array, width?: number): void;
  finish(): LouisPartial;
}

/** How louisPassInWasm's pass is fed. */
export interface LouisPassOptions {
  /** Room for given posteriors (feed's third argument). */
  readonly given?: boolean;
  /**
   * False: the pass does not sum the expected answers per (item, node) — the partial's expectedAnswers is then
   * empty and `expectedAnswersLeft` set — because the caller has them: the E-step that gave the posteriors sums
   * the same posterior × weight over the same nodes into its n (to rounding; h52). Default true.
   */
  readonly expectedAnswers?: boolean;
}

/**
 * The shard's partial sums by the WebAssembly kernel, or null where it does not apply (no WebAssembly
 * SIMD, an item answered twice in a row, a memory too large to allocate): the caller then runs the
 * JavaScript pass.
 */
export function louisPartialInWasm(data: ResponseData, input: LouisWasmInput, target?: LouisMatrixTarget): LouisPartial | null {
  const pass = louisPassInWasm(data, input, target);
  if (pass === null) return null;
  pass.feed(0, data.rowStart.length - 1);
  return pass.finish();
}

/** The WebAssembly pass fed by ranges of rows (LouisWasmPass), or null where it does not apply (louisPartialInWasm). */
export function louisPassInWasm(data: ResponseData, input: LouisWasmInput, target?: LouisMatrixTarget, options: LouisPassOptions = {}): LouisWasmPass | null {
  const given = options.given === true;
  const countAnswers = options.expectedAnswers !== false;
  const compiledModule = louisModule();
  if (compiledModule === null || hasRepeatedItem(data)) return null;
  const { F, b, freeIndex, latentScores, nodes, logW, prob, logP, logQ } = input;
  const itemCount = freeIndex.length;
  const L = latentScores.length;
  const Q = nodes.length;
  const vectors = (Q + 1) >> 1;
  const stride = 16 * vectors;
  const width = stride / 8;
  const rows = data.rowStart.length - 1;
  let longest = 0;
  for (let r = 0; r < rows; r++) longest = Math.max(longest, (data.rowStart[r + 1] as number) - (data.rowStart[r] as number));
  const capacity = Math.max(CHUNK, longest);
  const blockLength = ((F * (F + 1)) / 2) * b * b;

  const layout = louisLayout(itemCount, F, b, L, Q, longest, target === undefined ? 16 : target.regionAt, target?.half, given);
  const { logTableAt, residAt, freeIndexAt, logWAt, thetaAt, theta2At, latentAt, postAt, basesAt, orderAt, vecRowAt, ownerAt, meansAt, momentsAt } = layout;
  const { queueAt, expectedPersonsAt, expectedAnswersAt, rowAddrAt, diagAddrAt, latentItemsAt, latentLatentAt, rowStartAt, itemsAt, scoresAt, weightsAt } =
    layout;
  const { blocksAt, diagonalAt, givenAt, end: at } = layout;
  if (at > 2 ** 32 - PAGE || (target !== undefined && at > target.regionAt + target.regionBytes)) return null;

  let memory: WebAssembly.Memory;
  if (target !== undefined) memory = target.memory;
  else {
    try {
      const pages = Math.ceil(at / PAGE);
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    } catch {
      return null;
    }
  }
  const exports = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as LouisExports;
  const buffer = memory.buffer;
  // The sums and the tables' padding start at zero, as in a fresh memory (a target's region may have been used before).
  if (target !== undefined) new Uint8Array(buffer, target.regionAt, at - target.regionAt).fill(0);
  const logTable = new Float64Array(buffer, logTableAt, 2 * itemCount * width);
  const resid = new Float64Array(buffer, residAt, 2 * itemCount * width);
  for (let i = 0; i < itemCount; i++) {
    const wrong = 2 * i * width;
    const right = wrong + width;
    for (let q = 0; q < Q; q++) {
      const p = prob[i * Q + q] as number;
      logTable[wrong + q] = logQ[i * Q + q] as number;
      logTable[right + q] = logP[i * Q + q] as number;
      resid[wrong + q] = 0 - p;
      resid[right + q] = 1 - p;
    }
  }
  new Int32Array(buffer, freeIndexAt, itemCount).set(freeIndex);
  new Float64Array(buffer, logWAt, width).fill(-Infinity).set(logW);
  new Float64Array(buffer, thetaAt, width).set(nodes);
  const theta2 = new Float64Array(buffer, theta2At, width);
  for (let q = 0; q < Q; q++) theta2[q] = (nodes[q] as number) * (nodes[q] as number);
  latentScores.forEach((score, l) => new Float64Array(buffer, latentAt + l * stride, width).set(score));
  // Where each pair's block goes (louis.wat, $blockAt): block (ox, oy) at rowAddr[ox] + oy·colStep, block (f, f) at diagAddr[f].
  const rowAddr = new Int32Array(buffer, rowAddrAt, F);
  const diagAddr = new Int32Array(buffer, diagAddrAt, F);
  const N = target?.size ?? 0;
  let colStep = b * b * 8;
  let rowStep = 16;
  let diagRowStep = 16;
  for (let f = 0; f < F; f++) {
    if (target === undefined) {
      // Packed: block (f, f) starts after the rows of the items before f, Σ_{j<f} (F − j) blocks.
      diagAddr[f] = blocksAt + ((f * (2 * F - f + 1)) / 2) * b * b * 8;
      rowAddr[f] = (diagAddr[f] as number) - f * b * b * 8;
    } else if (target.half === 'upper') {
      rowAddr[f] = f * b * N * 8;
      diagAddr[f] = (rowAddr[f] as number) + f * b * 8;
    } else {
      rowAddr[f] = f * b * 8;
      diagAddr[f] = diagonalAt + f * b * b * 8;
    }
  }
  if (target !== undefined) {
    colStep = target.half === 'upper' ? b * 8 : b * N * 8;
    rowStep = N * 8;
    if (target.half === 'upper') diagRowStep = N * 8;
  }

  const rowStart = new Int32Array(buffer, rowStartAt, CHUNK + 1);
  const items = new Int32Array(buffer, itemsAt, capacity);
  const scores = new Uint8Array(buffer, scoresAt, capacity);
  const weights = new Float64Array(buffer, weightsAt, CHUNK);
  const givenRows = given ? new Float64Array(buffer, givenAt, GIVEN_ROWS * width) : null;
  const feed = (fromRow: number, toRow: number, posteriors?: Float64Array, postWidth = width): void => {
    if (posteriors !== undefined && (givenRows === null || postWidth !== width))
      throw new Error('louisPassInWasm: posteriors given to a pass made without room for them, or of another width');
    const limit = posteriors === undefined ? CHUNK : GIVEN_ROWS;
    for (let from = fromRow; from < toRow;) {
      const first = data.rowStart[from] as number;
      let to = from + 1;
      while (to < toRow && to - from < limit && (data.rowStart[to + 1] as number) - first <= CHUNK) to++;
      if (posteriors !== undefined && givenRows !== null) givenRows.set(posteriors.subarray((from - fromRow) * width, (to - fromRow) * width));
      const last = data.rowStart[to] as number;
      for (let r = from; r <= to; r++) rowStart[r - from] = (data.rowStart[r] as number) - first;
      items.set(data.items.subarray(first, last));
      scores.set(data.scores.subarray(first, last));
      if (data.weights !== null) weights.set(data.weights.subarray(from, to));
      exports.louis(
        to - from,
        rowStartAt,
        itemsAt,
        scoresAt,
        data.weights === null ? 0 : weightsAt,
        Q,
        vectors,
        logTableAt,
        residAt,
        freeIndexAt,
        logWAt,
        thetaAt,
        theta2At,
        latentAt,
        L,
        b,
        rowAddrAt,
        colStep,
        rowStep,
        diagAddrAt,
        diagRowStep,
        target?.half === 'lower' ? 1 : 0,
        latentItemsAt,
        latentLatentAt,
        countAnswers ? expectedAnswersAt : 0,
        expectedPersonsAt,
        postAt,
        basesAt,
        orderAt,
        vecRowAt,
        ownerAt,
        meansAt,
        momentsAt,
        queueAt,
        QUEUE,
        posteriors === undefined ? 0 : givenAt,
      );
      from = to;
    }
  };

  const finish = (): LouisPartial => {
    const expectedAnswers = new Float64Array(countAnswers ? itemCount * Q : 0);
    const paddedAnswers = new Float64Array(buffer, expectedAnswersAt, itemCount * width);
    if (countAnswers) for (let i = 0; i < itemCount; i++) expectedAnswers.set(paddedAnswers.subarray(i * width, i * width + Q), i * Q);
    return {
      freeItems: F,
      blockSize: b,
      // A view on the shared memory, not a copy: 64 MB at 2,000 items, whose fresh pages cost more than the copy itself.
      blocks: target === undefined ? new Float64Array(buffer, blocksAt, blockLength) : new Float64Array(0),
      ...(target === undefined ? {} : { inMatrix: target.half }),
      ...(target?.half === 'lower' ? { diagonal: new Float64Array(buffer, diagonalAt, F * b * b).slice() } : {}),
      latentItems: new Float64Array(buffer, latentItemsAt, F * b * L).slice(),
      latentLatent: new Float64Array(buffer, latentLatentAt, L * L).slice(),
      expectedAnswers,
      ...(countAnswers ? {} : { expectedAnswersLeft: true as const }),
      expectedCorrect: new Float64Array(0),
      expectedPersons: new Float64Array(buffer, expectedPersonsAt, Q).slice(),
    };
  };
  return { feed, finish };
}

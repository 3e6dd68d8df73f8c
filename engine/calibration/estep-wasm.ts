/**
 * The E-step in WebAssembly SIMD: the same sums as the JavaScript kernel (kernel.ts), bit for bit,
 * from the hand-written estep.wat (compiled bytes in estep-wasm-bytes.ts).
 *
 * A kernel is made for one shard of rows: the shard's answers are copied once into its linear
 * memory, and each E-step writes the probability table there, runs `estep`, and reads the expected
 * counts back. The module is compiled synchronously from bytes (no I/O, no wabt at run time), once
 * per thread; each kernel has its own instance and memory, so kernels never share state.
 *
 * Layout of the linear memory (byte offsets, each region 16-aligned): the shard (row starts, item
 * indices, scores, weights), then per E-step the table and the counts (one row of `stride` bytes per
 * (item, score), nodes padded to an even count), each (item, score) row's smallest probability, the
 * prior, the row being computed, the node totals, two scratch lists as long as the longest row, and
 * per row its likelihood total and its power-of-two scale.
 */
import { sliceRows, type ResponseData } from './data';
import { ESTEP_WASM_BASE64 } from './estep-wasm-bytes';
import {
  addAnswerScore,
  buildProbabilityTable,
  computeShardDiagnosticsInJs,
  computeShardExpectationsInJs,
  emptyDiagnosticSums,
  type DiagnosticOptions,
  type DiagnosticStatistics,
  type DiagnosticSums,
  type ItemParameterArrays,
  type Quadrature,
  type RowScores,
  type SufficientStatistics,
} from './kernel';
import { rowLz, scoreRows } from './persons';

interface EstepExports {
  readonly memory: WebAssembly.Memory;
  readonly estep: (
    fromRow: number,
    toRow: number,
    nodes: number,
    vectors: number,
    rowStart: number,
    items: number,
    scores: number,
    weights: number,
    table: number,
    smallest: number,
    prior: number,
    priorMax: number,
    like: number,
    bases: number,
    cuts: number,
    acc: number,
    nodeTotals: number,
    rowTotal: number,
    rowExponent: number,
    inverse: number,
    theta: number,
    out: number,
    firstAnswer: number,
    rowTheta: number,
    rowSd: number,
    posts: number,
    postRow0: number,
    withScore: number,
    fitParams: number,
    fitAcc: number,
  ) => void;
}

/** The compiled module, or null where WebAssembly (with SIMD) is not available. */
let compiled: WebAssembly.Module | null | undefined;

function estepModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const text = atob(ESTEP_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
    try {
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Which E-step kernel runs: WebAssembly SIMD (the default) or the JavaScript reference. */
export type KernelKind = 'wasm' | 'js';

/** True when this runtime compiles the WebAssembly kernel (WebAssembly with SIMD). */
export function wasmKernelAvailable(): boolean {
  return estepModule() !== null;
}

const PAGE = 65536;
const align = (offset: number): number => (offset + 15) & ~15;

/** The passes over one shard, with the shard held in WebAssembly memory. */
export interface ExpectationKernel {
  /** The E-step. */
  expectations(params: ItemParameterArrays, quadrature: Quadrature): SufficientStatistics;
  /**
   * The final diagnostic pass (its expectations are the E-step's, bit for bit); with `rowScores`, also each
   * row's θ̂, SD and lz (those of scoreRows, bit for bit).
   */
  diagnostics(params: ItemParameterArrays, quadrature: Quadrature, options?: DiagnosticOptions, posteriors?: PosteriorConsumer): DiagnosticStatistics;
  /** True when `diagnostics` hands its posteriors to a PosteriorConsumer (the WebAssembly kernel; the JavaScript one ignores it). */
  readonly givesPosteriors: boolean;
}

/**
 * Receives the diagnostic pass's posteriors chunk by chunk, in row order: row r of [fromRow, toRow) (the
 * shard's rows) at posteriors[(r − fromRow)·width …] (width: the nodes padded to an even count, 0 in the
 * padding), normalised to a total of 1, before the row's weight; rows of weight 0 are left as they were.
 */
export type PosteriorConsumer = (fromRow: number, toRow: number, posteriors: Float64Array, width: number) => void;

/** Rows per chunk of the diagnostic pass when it hands out its posteriors (their buffer holds this many rows). */
export const POSTERIOR_ROWS = 4096;

/**
 * The fit sums per item the kernel adds up (estep.wat's $fit), in its order: DiagnosticSums' own order (that of
 * emptyDiagnosticSums) without scoreOuter. A test compares each of them with addAnswerFit's, bit for bit.
 */
const FIT_KEYS = (Object.keys(emptyDiagnosticSums(0)) as (keyof DiagnosticSums)[]).filter((key) => key !== 'scoreOuter');
const FIT_SUMS = FIT_KEYS.length;

/** The kernel's item-major fit sums into the per-item arrays. */
function fitSumsInto(sums: DiagnosticSums, fit: Float64Array): void {
  FIT_KEYS.forEach((key, k) => {
    const out = sums[key];
    for (let i = 0; i < out.length; i++) out[i] = fit[FIT_SUMS * i + k] as number;
  });
}

/** Answers per chunk of the diagnostic pass (its per-answer sums go through a buffer this long). */
const DIAGNOSTIC_CHUNK = 1 << 15;

/**
 * The E-step kernel for one shard, made once and called every cycle. The WebAssembly kernel copies
 * the shard into its own memory: the shard must not change afterwards. `kind` 'js' (or a runtime
 * without WebAssembly SIMD) gives the JavaScript kernel, which reads the shard in place.
 */
export function createExpectationKernel(shard: ResponseData, kind: KernelKind = 'wasm'): ExpectationKernel {
  const compiledModule = kind === 'wasm' ? estepModule() : null;
  if (compiledModule === null) {
    return {
      givesPosteriors: false,
      expectations: (params, quadrature) => computeShardExpectationsInJs(shard, params, quadrature),
      diagnostics: (params, quadrature, options) => {
        const sums = computeShardDiagnosticsInJs(shard, params, quadrature, options);
        return options?.rowScores === true ? { ...sums, rowScores: scoreRows(shard, params, quadrature) } : sums;
      },
    };
  }
  return createWasmKernel(shard, compiledModule);
}

/** The E-step over one shard of rows: expected counts at the given parameters. */
export function computeShardExpectations(shard: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): SufficientStatistics {
  return createExpectationKernel(shard).expectations(params, quadrature);
}

/**
 * Per-item sums for fit statistics, point-biserials and per-item observed information at the final
 * parameters, over one shard (see DiagnosticStatistics).
 */
export function computeShardDiagnostics(
  shard: ResponseData,
  params: ItemParameterArrays,
  quadrature: Quadrature,
  options?: DiagnosticOptions,
): DiagnosticStatistics {
  return createExpectationKernel(shard).diagnostics(params, quadrature, options);
}

/**
 * The WebAssembly kernel for one shard from a compiled module of estep.wat's interface: createExpectationKernel's, given
 * the module (bench/estep-parts.ts times variants of the source this way).
 */
export function createWasmKernel(shard: ResponseData, compiledModule: WebAssembly.Module): ExpectationKernel {
  // Math.exp itself: the fit sums in the kernel call the function addAnswerFit calls.
  const exports = new WebAssembly.Instance(compiledModule, { math: { exp: Math.exp } }).exports as unknown as EstepExports;
  const memory = exports.memory;
  const shardRows = shard.rowStart.length - 1;
  const answers = shard.rowStart[shardRows] as number;
  const itemCount = shard.itemIds.length;
  let longest = 0;
  for (let row = 0; row < shardRows; row++) longest = Math.max(longest, (shard.rowStart[row + 1] as number) - (shard.rowStart[row] as number));

  // The shard, copied once. Offset 0 stays unused: a weights offset of 0 means "all 1".
  const rowStartAt = 16;
  const itemsAt = align(rowStartAt + 4 * (shardRows + 1));
  const scoresAt = align(itemsAt + 4 * answers);
  const weightsAt = shard.weights === null ? 0 : align(scoresAt + answers);
  const rowTotalAt = align(shard.weights === null ? scoresAt + answers : weightsAt + 8 * shardRows);
  const rowExponentAt = align(rowTotalAt + 8 * shardRows);
  const perStepAt = align(rowExponentAt + 4 * shardRows);
  const ensure = (bytes: number): void => {
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  };
  ensure(perStepAt);
  // rowStart[0] is 0 (ResponseData's contract), so the answers are items[0 .. answers).
  new Int32Array(memory.buffer, rowStartAt, shardRows + 1).set(shard.rowStart.subarray(0, shardRows + 1));
  new Int32Array(memory.buffer, itemsAt, answers).set(shard.items.subarray(0, answers));
  new Uint8Array(memory.buffer, scoresAt, answers).set(shard.scores.subarray(0, answers));
  if (shard.weights !== null) new Float64Array(memory.buffer, weightsAt, shardRows).set(shard.weights.subarray(0, shardRows));

  /**
   * Lays the parameters out, runs `estep` over the rows (chunk by chunk for the diagnostics: `onChunk` gets
   * the answers' sums and, with `rows`, the rows' θ̂), sums up.
   */
  const pass = (
    params: ItemParameterArrays,
    quadrature: Quadrature,
    onChunk?: (fromRow: number, toRow: number, sums: Float64Array, rowTheta: Float64Array | null) => void,
    rows = false,
    posteriors?: PosteriorConsumer,
    withScore = true,
  ) => {
    const Q = quadrature.nodes.length;
    const vectors = (Q + 1) >> 1;
    const stride = 16 * vectors; // bytes per (item, score) row
    const width = stride / 8; // f64 per row
    const tableAt = perStepAt;
    const accAt = tableAt + 2 * itemCount * stride;
    const inverseAt = onChunk === undefined ? 0 : accAt + 2 * itemCount * stride;
    const smallestAt = onChunk === undefined ? accAt + 2 * itemCount * stride : inverseAt + 2 * itemCount * stride;
    const priorAt = align(smallestAt + 16 * itemCount);
    const likeAt = priorAt + stride;
    const nodeTotalsAt = likeAt + stride;
    const thetaAt = nodeTotalsAt + stride;
    const basesAt = thetaAt + stride;
    const cutsAt = align(basesAt + 4 * longest);
    const outAt = onChunk === undefined ? 0 : align(cutsAt + 4 * longest);
    const rowThetaAt = onChunk === undefined || !rows ? 0 : align(outAt + 48 * (DIAGNOSTIC_CHUNK + longest));
    const rowSdAt = rowThetaAt === 0 ? 0 : rowThetaAt + 8 * shardRows;
    const chunkEnd = onChunk === undefined ? cutsAt + 4 * longest : rowThetaAt === 0 ? outAt + 48 * (DIAGNOSTIC_CHUNK + longest) : rowSdAt + 8 * shardRows;
    const postsAt = onChunk === undefined || posteriors === undefined ? 0 : align(chunkEnd);
    const postsEnd = postsAt === 0 ? chunkEnd : postsAt + stride * POSTERIOR_ROWS;
    // The diagnostic pass's fit sums (FIT_SUMS per item) from (a, d, c) per item, in the kernel.
    const fitParamsAt = onChunk === undefined ? 0 : align(postsEnd);
    const fitAccAt = onChunk === undefined ? 0 : fitParamsAt + 24 * itemCount;
    ensure(onChunk === undefined ? postsEnd : fitAccAt + 8 * FIT_SUMS * itemCount);
    const buffer = memory.buffer;

    const probabilities = buildProbabilityTable(params, quadrature.nodes);
    const table = new Float64Array(buffer, tableAt, 2 * itemCount * width);
    for (let k = 0; k < 2 * itemCount; k++) {
      table.set(probabilities.values.subarray(k * Q, (k + 1) * Q), k * width);
      if (width > Q) table[k * width + Q] = 1;
    }
    if (onChunk !== undefined) {
      const fitParams = new Float64Array(buffer, fitParamsAt, 3 * itemCount);
      for (let i = 0; i < itemCount; i++) {
        fitParams[3 * i] = params.a[i] as number;
        fitParams[3 * i + 1] = params.d[i] as number;
        fitParams[3 * i + 2] = params.c === undefined ? 0 : (params.c[i] as number);
      }
      new Float64Array(buffer, fitAccAt, FIT_SUMS * itemCount).fill(0);
      const inverse = new Float64Array(buffer, inverseAt, 2 * itemCount * width);
      for (let k = 0; k < inverse.length; k++) inverse[k] = 1 / (table[k] as number);
      new Float64Array(buffer, thetaAt, width).fill(0).set(quadrature.nodes);
    }
    new Float64Array(buffer, smallestAt, 2 * itemCount).set(probabilities.smallest);
    const acc = new Float64Array(buffer, accAt, 2 * itemCount * width).fill(0);
    const prior = new Float64Array(buffer, priorAt, width).fill(0);
    prior.set(quadrature.weights);
    let priorMax = 0;
    for (let q = 0; q < Q; q++) if ((prior[q] as number) > priorMax) priorMax = prior[q] as number;
    const nodeTotals = new Float64Array(buffer, nodeTotalsAt, width).fill(0);
    const run = (fromRow: number, toRow: number, firstAnswer: number): void =>
      exports.estep(
        fromRow,
        toRow,
        Q,
        vectors,
        rowStartAt,
        itemsAt,
        scoresAt,
        weightsAt,
        tableAt,
        smallestAt,
        priorAt,
        priorMax,
        likeAt,
        basesAt,
        cutsAt,
        accAt,
        nodeTotalsAt,
        rowTotalAt,
        rowExponentAt,
        inverseAt,
        thetaAt,
        outAt,
        firstAnswer,
        rowThetaAt,
        rowSdAt,
        postsAt,
        fromRow,
        withScore ? 1 : 0,
        fitParamsAt,
        fitAccAt,
      );
    if (onChunk === undefined) run(0, shardRows, 0);
    else {
      const sums = new Float64Array(buffer, outAt, 6 * (DIAGNOSTIC_CHUNK + longest));
      const rowTheta = rowThetaAt === 0 ? null : new Float64Array(buffer, rowThetaAt, shardRows);
      for (let from = 0; from < shardRows;) {
        const firstAnswer = shard.rowStart[from] as number;
        let to = from + 1;
        // With posteriors, at most POSTERIOR_ROWS rows (the chunks only cut the same sums, in the same order, elsewhere).
        while (to < shardRows && (shard.rowStart[to + 1] as number) - firstAnswer <= DIAGNOSTIC_CHUNK && (postsAt === 0 || to - from < POSTERIOR_ROWS)) to++;
        run(from, to, firstAnswer);
        onChunk(from, to, sums, rowTheta);
        if (posteriors !== undefined && postsAt !== 0) posteriors(from, to, new Float64Array(memory.buffer, postsAt, (to - from) * width), width);
        from = to;
      }
    }

    const rowTotal = new Float64Array(buffer, rowTotalAt, shardRows);
    const rowExponent = new Int32Array(buffer, rowExponentAt, shardRows);
    let logLik = 0;
    let persons = 0;
    for (let row = 0; row < shardRows; row++) {
      const w = shard.weights === null ? 1 : (shard.weights[row] as number);
      if (w === 0) continue;
      logLik += w * (Math.log(rowTotal[row] as number) + (rowExponent[row] as number) * Math.LN2);
      persons += w;
    }
    const r = new Float64Array(itemCount * Q);
    const n = new Float64Array(itemCount * Q);
    for (let i = 0; i < itemCount; i++) {
      const wrong = 2 * i * width;
      const right = wrong + width;
      for (let q = 0; q < Q; q++) {
        const correct = acc[right + q] as number;
        r[i * Q + q] = correct;
        n[i * Q + q] = correct + (acc[wrong + q] as number);
      }
    }
    const expectations: SufficientStatistics = { itemCount, nodeCount: Q, r, n, nodeTotals: nodeTotals.slice(0, Q), logLik, persons };
    const abilities =
      rowThetaAt === 0 ? null : { theta: new Float64Array(buffer, rowThetaAt, shardRows).slice(), sd: new Float64Array(buffer, rowSdAt, shardRows).slice() };
    const fit = fitAccAt === 0 ? null : new Float64Array(buffer, fitAccAt, FIT_SUMS * itemCount).slice();
    return { expectations, abilities, fit };
  };

  return {
    givesPosteriors: true,
    expectations: (params, quadrature) => pass(params, quadrature).expectations,
    diagnostics(params, quadrature, options, posteriors) {
      const sums = emptyDiagnosticSums(itemCount);
      const rows = options?.rowScores === true;
      const withScore = options?.scoreOuter !== false;
      // With the row scores: θ̂ and SD from the kernel (read back after the pass), lz per row here.
      const lz = rows ? new Float64Array(shardRows) : null;
      const lzSums = new Float64Array(3);
      let unweighted = false;
      const passed = pass(
        params,
        quadrature,
        (fromRow, toRow, answerSums, rowTheta) => {
          const firstAnswer = shard.rowStart[fromRow] as number;
          for (let row = fromRow; row < toRow; row++) {
            const w = shard.weights === null ? 1 : (shard.weights[row] as number);
            if (w === 0) {
              unweighted = true;
              continue;
            }
            if (lz !== null && rowTheta !== null) lz[row] = rowLz(shard, row, params, rowTheta[row] as number, lzSums);
            // The fit sums are the kernel's (estep.wat's $fit); scoreOuter, when asked for, here.
            const end = shard.rowStart[row + 1] as number;
            for (let j = shard.rowStart[row] as number; withScore && j < end; j++) {
              const o = 6 * (j - firstAnswer);
              addAnswerScore(sums, shard.items[j] as number, shard.scores[j] as number, w, answerSums[o + 4] as number, answerSums[o + 5] as number);
            }
          }
        },
        rows,
        posteriors,
        withScore,
      );
      const { expectations, abilities, fit } = passed;
      if (fit !== null) fitSumsInto(sums, fit);
      if (lz === null || abilities === null) return { expectations, ...sums };
      const rowScores: RowScores = { theta: abilities.theta, sd: abilities.sd, lz };
      // Rows of weight 0 are not in the pass: scored apart (scoreRows on the row alone, the same arithmetic).
      for (let row = 0; unweighted && row < shardRows; row++) {
        if ((shard.weights?.[row] as number) !== 0) continue;
        const one = scoreRows(sliceRows(shard, row, row + 1), params, quadrature);
        rowScores.theta[row] = one.theta[0] as number;
        rowScores.sd[row] = one.sd[0] as number;
        rowScores.lz[row] = one.lz[0] as number;
      }
      return { expectations, ...sums, rowScores };
    },
  };
}

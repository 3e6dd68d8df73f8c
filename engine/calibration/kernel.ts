/**
 * The E-step and the diagnostic pass over response data: pure functions on typed arrays.
 *
 * Both are sums over persons, so any split of the rows into shards gives the same totals once the
 * shards' statistics are merged. That is what lets a job queue (or worker threads) compute shards
 * elsewhere and a parent add them up and run the M-step.
 *
 * Per row, the likelihood at every quadrature node is a product of per-(item, node) probabilities
 * taken from a table built once per cycle, rescaled only when long patterns could underflow.
 * No logarithm or exponential is taken per answer.
 */
import type { ResponseData } from './data';

/** Item parameters as parallel arrays, index-aligned with `ResponseData.itemIds`. */
export interface ItemParameterArrays {
  readonly a: Float64Array;
  readonly d: Float64Array;
  /** 3PL lower asymptotes; absent (or undefined) for the 2PL and Rasch models. */
  readonly c?: Float64Array | undefined;
}

/** Fixed quadrature: nodes and the latent-distribution weights at them (summing to 1). */
export interface Quadrature {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/** What the M-step needs from an E-step: expected counts per item per node. Additive over shards. */
export interface SufficientStatistics {
  readonly itemCount: number;
  readonly nodeCount: number;
  /** Expected number of correct answers to item i at node q, at [i * nodeCount + q]. */
  readonly r: Float64Array;
  /** Expected number of answers to item i at node q, at [i * nodeCount + q]. */
  readonly n: Float64Array;
  /** Expected number of persons at node q (for the latent distribution). */
  readonly nodeTotals: Float64Array;
  /** Marginal log-likelihood of the rows, Σ weight · log Σ_q L(θ_q) w_q. */
  readonly logLik: number;
  /** Total weight (number of persons). */
  readonly persons: number;
}

const RESCALE_BELOW = 1e-200; // rescale a row once its largest value could fall below this
const TINY = 1e-250; // values below this (relative to the row maximum) are flushed to zero
const MIN_PROBABILITY = 1e-300;
/**
 * Posterior weights below this share of a row's largest weight are not added to the expected
 * counts (their total effect is far below any tolerance the M-step works to).
 */
const NEGLIGIBLE_POSTERIOR = 1e-14;

/**
 * Per (item, score, node) probabilities, values[(2i + s) · Q + q] = P(score s on item i | θ_q),
 * and the smallest value of each (item, score) row, which bounds how fast a row's likelihood can
 * shrink (so rescaling happens only when underflow is actually possible).
 */
export interface ProbabilityTable {
  readonly values: Float64Array;
  readonly smallest: Float64Array;
}

export function buildProbabilityTable(params: ItemParameterArrays, nodes: Float64Array): ProbabilityTable {
  const items = params.a.length;
  const Q = nodes.length;
  const values = new Float64Array(items * 2 * Q);
  const smallest = new Float64Array(items * 2).fill(1);
  const guessing = params.c;
  for (let i = 0; i < items; i++) {
    const a = params.a[i] as number;
    const d = params.d[i] as number;
    const wrong = 2 * i * Q;
    const right = wrong + Q;
    for (let q = 0; q < Q; q++) {
      const z = a * (nodes[q] as number) + d;
      // Both tails computed directly so neither loses precision; floored at MIN_PROBABILITY so
      // that no node can get a zero likelihood factor.
      let pRight: number;
      let pWrong: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        pRight = 1 / (1 + e);
        pWrong = Math.max(e / (1 + e), MIN_PROBABILITY);
      } else {
        const e = Math.exp(z);
        pRight = Math.max(e / (1 + e), MIN_PROBABILITY);
        pWrong = 1 / (1 + e);
      }
      if (guessing !== undefined) {
        // 3PL: P = c + (1 − c)·logistic(z), 1 − P = (1 − c)·(1 − logistic(z)).
        const c = guessing[i] as number;
        pRight = c + (1 - c) * pRight;
        pWrong = Math.max((1 - c) * pWrong, MIN_PROBABILITY);
      }
      values[right + q] = pRight;
      values[wrong + q] = pWrong;
      if (pWrong < (smallest[2 * i] as number)) smallest[2 * i] = pWrong;
      if (pRight < (smallest[2 * i + 1] as number)) smallest[2 * i + 1] = pRight;
    }
  }
  return { values, smallest };
}

const bits = new DataView(new ArrayBuffer(8));

/** e such that 2^e ≤ x < 2^(e+1), for a positive normal double x (read from its exponent bits). */
export function binaryExponent(x: number): number {
  bits.setFloat64(0, x, true);
  return ((bits.getUint32(4, true) >>> 20) & 0x7ff) - 1023;
}

/** 2^e exactly, for an integer e in [−1022, 1023]. */
export function powerOfTwo(e: number): number {
  bits.setUint32(0, 0, true);
  bits.setUint32(4, (e + 1023) << 20, true);
  return bits.getFloat64(0, true);
}

/**
 * Fills `like` with the row's likelihood × prior at every node, scaled by 2^−exponent;
 * returns the exponent. The caller normalises. `bound` is a lower bound on the largest entry of
 * `like` (the product of the smallest factors); the row is rescaled only when it gets near
 * the bottom of the double range, by a power of two (exact, and the same in the WebAssembly
 * kernel, estep.wat).
 */
function rowLikelihood(data: ResponseData, row: number, table: ProbabilityTable, prior: Float64Array, priorMax: number, Q: number, like: Float64Array): number {
  const items = data.items;
  const scores = data.scores;
  const values = table.values;
  const smallest = table.smallest;
  const start = data.rowStart[row] as number;
  const end = data.rowStart[row + 1] as number;
  like.set(prior);
  let exponent = 0;
  let bound = priorMax;
  const Q4 = Q & ~3;
  for (let j = start; j < end; j++) {
    const code = ((items[j] as number) << 1) | (scores[j] as number);
    const base = code * Q;
    // Unrolled by four: about a third faster in V8 than the plain loop.
    let q = 0;
    for (; q < Q4; q += 4) {
      like[q] = (like[q] as number) * (values[base + q] as number);
      like[q + 1] = (like[q + 1] as number) * (values[base + q + 1] as number);
      like[q + 2] = (like[q + 2] as number) * (values[base + q + 2] as number);
      like[q + 3] = (like[q + 3] as number) * (values[base + q + 3] as number);
    }
    for (; q < Q; q++) like[q] = (like[q] as number) * (values[base + q] as number);
    bound *= smallest[code] as number;
    if (bound < RESCALE_BELOW && j + 1 < end) {
      let top = 0;
      for (let k = 0; k < Q; k++) if ((like[k] as number) > top) top = like[k] as number;
      const e = binaryExponent(top);
      const scale = powerOfTwo(-e);
      for (let k = 0; k < Q; k++) {
        const v = (like[k] as number) * scale;
        like[k] = v < TINY ? 0 : v;
      }
      exponent += e;
      bound = 1;
    }
  }
  return exponent;
}

function largest(values: Float64Array): number {
  let top = 0;
  for (let k = 0; k < values.length; k++) if ((values[k] as number) > top) top = values[k] as number;
  return top;
}

/**
 * target[at + q] += source[q] for q in [lo, hi), unrolled by four (about a third faster in V8 than the
 * plain loop; the same additions, element by element).
 */
export function addSlice(target: Float64Array, at: number, source: Float64Array, lo: number, hi: number): void {
  const hi4 = lo + ((hi - lo) & ~3);
  let q = lo;
  for (; q < hi4; q += 4) {
    target[at + q] = (target[at + q] as number) + (source[q] as number);
    target[at + q + 1] = (target[at + q + 1] as number) + (source[q + 1] as number);
    target[at + q + 2] = (target[at + q + 2] as number) + (source[q + 2] as number);
    target[at + q + 3] = (target[at + q + 3] as number) + (source[q + 3] as number);
  }
  for (; q < hi; q++) target[at + q] = (target[at + q] as number) + (source[q] as number);
}

/** Called once per row by expectationPass: `like` holds the row's posterior times its weight. */
export type RowVisitor = (row: number, weight: number, like: Float64Array) => void;

/**
 * One pass over the rows: the expected counts, and for each row a call to `visit` (if given),
 * used by the diagnostic pass (and by tests that form the WebAssembly pass's sums in JavaScript).
 */
export function expectationPass(shard: ResponseData, quadrature: Quadrature, table: ProbabilityTable, visit?: RowVisitor): SufficientStatistics {
  const itemCount = shard.itemIds.length;
  const Q = quadrature.nodes.length;
  const prior = quadrature.weights;
  const priorMax = largest(prior);
  const acc = new Float64Array(itemCount * 2 * Q); // same layout as the table
  const nodeTotals = new Float64Array(Q);
  const like = new Float64Array(Q);
  const rows = shard.rowStart.length - 1;
  const items = shard.items;
  const scores = shard.scores;
  const weights = shard.weights;
  let logLik = 0;
  let persons = 0;
  for (let row = 0; row < rows; row++) {
    const w = weights === null ? 1 : (weights[row] as number);
    if (w === 0) continue;
    const exponent = rowLikelihood(shard, row, table, prior, priorMax, Q, like);
    let total = 0;
    for (let q = 0; q < Q; q++) total += like[q] as number;
    logLik += w * (Math.log(total) + exponent * Math.LN2);
    persons += w;
    const f = w / total;
    let top = 0;
    for (let q = 0; q < Q; q++) {
      const v = (like[q] as number) * f;
      like[q] = v;
      nodeTotals[q] = (nodeTotals[q] as number) + v;
      if (v > top) top = v;
    }
    // Only nodes carrying a non-negligible share of the posterior are accumulated.
    const floor = top * NEGLIGIBLE_POSTERIOR;
    let lo = 0;
    while ((like[lo] as number) < floor) lo++;
    let hi = Q;
    while ((like[hi - 1] as number) < floor) hi--;
    const end = shard.rowStart[row + 1] as number;
    for (let j = shard.rowStart[row] as number; j < end; j++) {
      addSlice(acc, (((items[j] as number) << 1) | (scores[j] as number)) * Q, like, lo, hi);
    }
    if (visit !== undefined) visit(row, w, like);
  }
  const r = new Float64Array(itemCount * Q);
  const n = new Float64Array(itemCount * Q);
  for (let i = 0; i < itemCount; i++) {
    const wrong = 2 * i * Q;
    for (let q = 0; q < Q; q++) {
      const right = acc[wrong + Q + q] as number;
      r[i * Q + q] = right;
      n[i * Q + q] = right + (acc[wrong + q] as number);
    }
  }
  return { itemCount, nodeCount: Q, r, n, nodeTotals, logLik, persons };
}

/**
 * The E-step over one shard of rows in JavaScript: expected counts at the given parameters. The
 * WebAssembly kernel (estep-wasm.ts) gives the same bits faster; this one is its reference and the
 * fallback where WebAssembly SIMD is missing.
 */
export function computeShardExpectationsInJs(shard: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): SufficientStatistics {
  return expectationPass(shard, quadrature, buildProbabilityTable(params, quadrature.nodes));
}

/** Adds shards' expected counts. */
export function mergeStatistics(parts: readonly SufficientStatistics[]): SufficientStatistics {
  const first = parts[0];
  if (first === undefined) throw new RangeError('mergeStatistics needs at least one part');
  const r = new Float64Array(first.r.length);
  const n = new Float64Array(first.n.length);
  const nodeTotals = new Float64Array(first.nodeCount);
  let logLik = 0;
  let persons = 0;
  for (const part of parts) {
    if (part.itemCount !== first.itemCount || part.nodeCount !== first.nodeCount) {
      throw new RangeError('mergeStatistics: parts computed on different items or quadrature');
    }
    addInto(r, part.r);
    addInto(n, part.n);
    addInto(nodeTotals, part.nodeTotals);
    logLik += part.logLik;
    persons += part.persons;
  }
  return { itemCount: first.itemCount, nodeCount: first.nodeCount, r, n, nodeTotals, logLik, persons };
}

function addInto(target: Float64Array, source: Float64Array): void {
  for (let k = 0; k < target.length; k++) target[k] = (target[k] as number) + (source[k] as number);
}

/** Counts that do not depend on parameters: answers and correct answers per item. Additive over shards. */
export interface DataSummary {
  readonly itemCount: number;
  /** Weighted number of answers per item. */
  readonly answers: Float64Array;
  /** Weighted number of correct answers per item. */
  readonly correct: Float64Array;
  /** Total weight of the rows (persons). */
  readonly persons: number;
  /** Weighted number of answers. */
  readonly totalAnswers: number;
  /** Stored rows and stored answers (unweighted: the work one E-step does). */
  readonly storedRows: number;
  readonly storedAnswers: number;
}

export function computeShardSummary(shard: ResponseData): DataSummary {
  const itemCount = shard.itemIds.length;
  const answers = new Float64Array(itemCount);
  const correct = new Float64Array(itemCount);
  const { rowStart, items, scores, weights } = shard;
  const rows = rowStart.length - 1;
  let persons = 0;
  let totalAnswers = 0;
  for (let row = 0; row < rows; row++) {
    const w = weights === null ? 1 : (weights[row] as number);
    const start = rowStart[row] as number;
    const end = rowStart[row + 1] as number;
    persons += w;
    totalAnswers += w * (end - start);
    for (let j = start; j < end; j++) {
      const i = items[j] as number;
      answers[i] = (answers[i] as number) + w;
      // Without a branch (scores are 0 or 1, a coin toss on random data): adding w × 0 = +0 leaves the sum's bits as they are.
      correct[i] = (correct[i] as number) + w * (scores[j] as number);
    }
  }
  return {
    itemCount,
    answers,
    correct,
    persons,
    totalAnswers,
    storedRows: rows,
    storedAnswers: rowStart[rows] as number,
  };
}

export function mergeSummaries(parts: readonly DataSummary[]): DataSummary {
  const first = parts[0];
  if (first === undefined) throw new RangeError('mergeSummaries needs at least one part');
  const answers = new Float64Array(first.itemCount);
  const correct = new Float64Array(first.itemCount);
  let persons = 0;
  let totalAnswers = 0;
  let storedRows = 0;
  let storedAnswers = 0;
  for (const part of parts) {
    addInto(answers, part.answers);
    addInto(correct, part.correct);
    persons += part.persons;
    totalAnswers += part.totalAnswers;
    storedRows += part.storedRows;
    storedAnswers += part.storedAnswers;
  }
  return { itemCount: first.itemCount, answers, correct, persons, totalAnswers, storedRows, storedAnswers };
}

/**
 * Per-item sums for fit statistics, point-biserials and per-item observed information, taken at
 * the final parameters. Additive over shards.
 *
 * θ̂ is each row's EAP. Infit/outfit use P̂ = P(correct | θ̂). The point-biserial correlates the
 * item score with the EAP computed from the person's *other* answers (leave-one-out), the
 * sparse-data counterpart of the item–rest correlation.
 */
export interface DiagnosticStatistics {
  /** The E-step at the final parameters (also gives the final log-likelihood). */
  readonly expectations: SufficientStatistics;
  /** Σ w (y − P̂)² per item. */
  readonly squaredResidual: Float64Array;
  /** Σ w P̂(1 − P̂) per item. */
  readonly variance: Float64Array;
  /** Σ w (y − P̂)² / (P̂(1 − P̂)) per item. */
  readonly standardisedSquaredResidual: Float64Array;
  /**
   * The same three sums as the model expects them: for each answer, the average over y' ∈ {0, 1},
   * weighted by the posterior predictive probability of y' given the person's other answers, of
   * the term computed with y' in place of y (and θ̂ recomputed with y'). With few answers per
   * person EAP θ̂ is shrunk and the classical mean-squares fall below 1 even when the model is
   * true; their ratio to these expectations does not.
   */
  readonly expectedSquaredResidual: Float64Array;
  readonly expectedVariance: Float64Array;
  readonly expectedStandardisedSquaredResidual: Float64Array;
  /** Point-biserial sums per item: Σw, Σw·y, Σw·t, Σw·t², Σw·y·t (t = leave-one-out EAP). */
  readonly sumW: Float64Array;
  readonly sumY: Float64Array;
  readonly sumT: Float64Array;
  readonly sumTT: Float64Array;
  readonly sumYT: Float64Array;
  /**
   * Σ w g gᵀ per item, where g = E_posterior[(y − P(θ))·(θ, 1)] is the person's score for the
   * item's (a, d): entries aa, ad, dd at [3i], [3i+1], [3i+2]. Used by Louis' formula. That score is
   * the 2PL's: for a 3PL run these sums are not the 3PL scores' (the 3PL's SEs come from the full
   * observed information instead).
   */
  readonly scoreOuter: Float64Array;
  /**
   * When the pass was asked for them (DiagnosticOptions): each row's EAP θ̂, posterior SD and person fit lz
   * at these parameters, the values of scoreRows (persons.ts) bit for bit. Concatenated over shards.
   */
  readonly rowScores?: RowScores;
}

/** Per row of some data: EAP θ̂, posterior SD, and person fit lz at θ̂ (NaN where the row has no answer). */
export interface RowScores {
  readonly theta: Float64Array;
  readonly sd: Float64Array;
  readonly lz: Float64Array;
}

/** What the final diagnostic pass also computes. */
export interface DiagnosticOptions {
  /** Each row's θ̂, SD and lz (DiagnosticStatistics.rowScores), from the posterior the pass forms anyway. */
  readonly rowScores?: boolean;
  /**
   * false: DiagnosticStatistics.scoreOuter is left 0 (its per-answer sums over the nodes are not formed). Only the
   * per-item Louis blocks (louisBlockErrors) read it; calibrate asks for it only when they give the SEs. Default true.
   */
  readonly scoreOuter?: boolean;
}

/** The per-item sums of the diagnostic pass (all of DiagnosticStatistics but the expectations and row scores). */
export type DiagnosticSums = Omit<DiagnosticStatistics, 'expectations' | 'rowScores'>;

export function emptyDiagnosticSums(itemCount: number): DiagnosticSums {
  const zeros = (): Float64Array => new Float64Array(itemCount);
  return {
    squaredResidual: zeros(),
    variance: zeros(),
    standardisedSquaredResidual: zeros(),
    expectedSquaredResidual: zeros(),
    expectedVariance: zeros(),
    expectedStandardisedSquaredResidual: zeros(),
    sumW: zeros(),
    sumY: zeros(),
    sumT: zeros(),
    sumTT: zeros(),
    sumYT: zeros(),
    scoreOuter: new Float64Array(itemCount * 3),
  };
}

/**
 * Adds one answer (item i, score y, row weight w) to the diagnostic sums but scoreOuter (addAnswerScore), from its
 * sums over the nodes of the row's posterior times w: the leave-one-out posterior's total and first moment, and
 * the same had the answer been right.
 */
export function addAnswerFit(
  sums: DiagnosticSums,
  params: ItemParameterArrays,
  i: number,
  y: number,
  w: number,
  looTotal: number,
  looMoment: number,
  rightTotal: number,
  rightMoment: number,
): void {
  const loo = looMoment / looTotal;
  // EAP θ̂ had the answer been right (1) or wrong (0); the observed one is the row's EAP.
  const predictedRight = rightTotal / looTotal;
  const eap1 = rightMoment / rightTotal;
  const eap0 = (looMoment - rightMoment) / (looTotal - rightTotal);
  const ai = params.a[i] as number;
  const di = params.d[i] as number;
  const ci = params.c === undefined ? 0 : (params.c[i] as number);
  const p1 = ci + (1 - ci) / (1 + Math.exp(-(ai * eap1 + di)));
  const p0 = ci + (1 - ci) / (1 + Math.exp(-(ai * eap0 + di)));
  const res1 = (1 - p1) * (1 - p1);
  const res0 = p0 * p0;
  const var1 = p1 * (1 - p1);
  const var0 = p0 * (1 - p0);
  const res2 = y === 1 ? res1 : res0;
  const pq = y === 1 ? var1 : var0;
  sums.squaredResidual[i] = (sums.squaredResidual[i] as number) + w * res2;
  sums.variance[i] = (sums.variance[i] as number) + w * pq;
  sums.standardisedSquaredResidual[i] = (sums.standardisedSquaredResidual[i] as number) + (w * res2) / pq;
  const predictedWrong = 1 - predictedRight;
  sums.expectedSquaredResidual[i] = (sums.expectedSquaredResidual[i] as number) + w * (predictedRight * res1 + predictedWrong * res0);
  sums.expectedVariance[i] = (sums.expectedVariance[i] as number) + w * (predictedRight * var1 + predictedWrong * var0);
  sums.expectedStandardisedSquaredResidual[i] =
    (sums.expectedStandardisedSquaredResidual[i] as number) + w * (predictedRight * (res1 / var1) + predictedWrong * (res0 / var0));
  sums.sumW[i] = (sums.sumW[i] as number) + w;
  sums.sumY[i] = (sums.sumY[i] as number) + w * y;
  sums.sumT[i] = (sums.sumT[i] as number) + w * loo;
  sums.sumTT[i] = (sums.sumTT[i] as number) + w * loo * loo;
  sums.sumYT[i] = (sums.sumYT[i] as number) + w * y * loo;
}

/** One answer's w·g·gᵀ into scoreOuter, g = ±(gA, gD) / w, from Σ posterior·w·(1 − P(y)) times θ (gA) and not (gD). */
export function addAnswerScore(sums: DiagnosticSums, i: number, y: number, w: number, gA: number, gD: number): void {
  // The score vector uses (y − P(θ_q)) = ±(1 − table entry of the observed score).
  const sign = y === 1 ? 1 : -1;
  const scoreA = (sign * gA) / w;
  const scoreD = (sign * gD) / w;
  sums.scoreOuter[3 * i] = (sums.scoreOuter[3 * i] as number) + w * scoreA * scoreA;
  sums.scoreOuter[3 * i + 1] = (sums.scoreOuter[3 * i + 1] as number) + w * scoreA * scoreD;
  sums.scoreOuter[3 * i + 2] = (sums.scoreOuter[3 * i + 2] as number) + w * scoreD * scoreD;
}

/**
 * The diagnostic pass in JavaScript. The WebAssembly kernel (estep-wasm.ts) gives the same sums to
 * rounding (its sums over nodes run in two lanes) and the same expectations bit for bit.
 */
export function computeShardDiagnosticsInJs(
  shard: ResponseData,
  params: ItemParameterArrays,
  quadrature: Quadrature,
  options?: DiagnosticOptions,
): DiagnosticStatistics {
  const withScore = options?.scoreOuter !== false;
  const table = buildProbabilityTable(params, quadrature.nodes);
  const inverse = new Float64Array(table.values.length); // 1 / P, to divide an answer back out
  for (let k = 0; k < inverse.length; k++) inverse[k] = 1 / (table.values[k] as number);
  const Q = quadrature.nodes.length;
  const nodes = quadrature.nodes;
  const sums = emptyDiagnosticSums(shard.itemIds.length);
  // `like` holds the row's posterior times its weight w (see expectationPass).
  const expectations = expectationPass(shard, quadrature, table, (row, w, like) => {
    const end = shard.rowStart[row + 1] as number;
    for (let j = shard.rowStart[row] as number; j < end; j++) {
      const i = shard.items[j] as number;
      const y = shard.scores[j] as number;
      // The leave-one-out posterior divides this answer's probability back out.
      const base = ((i << 1) | y) * Q;
      const rightBase = ((i << 1) | 1) * Q;
      let looTotal = 0;
      let looMoment = 0;
      let rightTotal = 0;
      let rightMoment = 0;
      let gA = 0;
      let gD = 0;
      for (let q = 0; q < Q; q++) {
        const v = like[q] as number;
        const t = table.values[base + q] as number;
        const theta = nodes[q] as number;
        const loo = v * (inverse[base + q] as number);
        looTotal += loo;
        looMoment += loo * theta;
        const right = loo * (table.values[rightBase + q] as number);
        rightTotal += right;
        rightMoment += right * theta;
        const resid = v * (1 - t);
        gD += resid;
        gA += resid * theta;
      }
      addAnswerFit(sums, params, i, y, w, looTotal, looMoment, rightTotal, rightMoment);
      if (withScore) addAnswerScore(sums, i, y, w, gA, gD);
    }
  });
  return { expectations, ...sums };
}

export function mergeDiagnostics(parts: readonly DiagnosticStatistics[]): DiagnosticStatistics {
  const first = parts[0];
  if (first === undefined) throw new RangeError('mergeDiagnostics needs at least one part');
  const sum = (pick: (d: DiagnosticStatistics) => Float64Array): Float64Array => {
    const out = new Float64Array(pick(first).length);
    for (const part of parts) addInto(out, pick(part));
    return out;
  };
  return {
    expectations: mergeStatistics(parts.map((p) => p.expectations)),
    squaredResidual: sum((p) => p.squaredResidual),
    variance: sum((p) => p.variance),
    standardisedSquaredResidual: sum((p) => p.standardisedSquaredResidual),
    expectedSquaredResidual: sum((p) => p.expectedSquaredResidual),
    expectedVariance: sum((p) => p.expectedVariance),
    expectedStandardisedSquaredResidual: sum((p) => p.expectedStandardisedSquaredResidual),
    sumW: sum((p) => p.sumW),
    sumY: sum((p) => p.sumY),
    sumT: sum((p) => p.sumT),
    sumTT: sum((p) => p.sumTT),
    sumYT: sum((p) => p.sumYT),
    scoreOuter: sum((p) => p.scoreOuter),
    ...(parts.every((p) => p.rowScores !== undefined) ? { rowScores: concatRowScores(parts.map((p) => p.rowScores as RowScores)) } : {}),
  };
}

/** Row scores of shards of consecutive rows, in order, as one. */
export function concatRowScores(parts: readonly RowScores[]): RowScores {
  const join = (pick: (part: RowScores) => Float64Array): Float64Array => {
    const out = new Float64Array(parts.reduce((total, part) => total + pick(part).length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(pick(part), at);
      at += pick(part).length;
    }
    return out;
  };
  return { theta: join((p) => p.theta), sd: join((p) => p.sd), lz: join((p) => p.lz) };
}

/** EAP and posterior SD of every row at the given parameters (for reports, DIF strata, fit). */
export function computeRowAbilities(data: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): { theta: Float64Array; sd: Float64Array } {
  const table = buildProbabilityTable(params, quadrature.nodes);
  const Q = quadrature.nodes.length;
  const nodes = quadrature.nodes;
  const rows = data.rowStart.length - 1;
  const theta = new Float64Array(rows);
  const sd = new Float64Array(rows);
  const like = new Float64Array(Q);
  for (let row = 0; row < rows; row++) {
    rowLikelihood(data, row, table, quadrature.weights, largest(quadrature.weights), Q, like);
    let total = 0;
    let m1 = 0;
    for (let q = 0; q < Q; q++) {
      total += like[q] as number;
      m1 += (like[q] as number) * (nodes[q] as number);
    }
    const mean = m1 / total;
    let m2 = 0;
    for (let q = 0; q < Q; q++) {
      const dev = (nodes[q] as number) - mean;
      m2 += (like[q] as number) * dev * dev;
    }
    theta[row] = mean;
    sd[row] = Math.sqrt(m2 / total);
  }
  return { theta, sd };
}

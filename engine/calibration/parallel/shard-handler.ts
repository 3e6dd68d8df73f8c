/**
 * What an E-step worker does with each message (worker.ts), and the calling thread with its own shard
 * (ThreadOptions.inline): computes the expectations (or the diagnostic pass, the Louis pass, a step of the
 * factorisation) for its range of rows of the shared data and sends the sums back.
 */
import { gridNodes, normalWeights } from '../../irt/grid';
import { sliceRows, type ResponseData } from '../data';
import { createExpectationKernel, wasmKernelAvailable, type ExpectationKernel } from '../estep-wasm';
import type { DiagnosticStatistics, SufficientStatistics } from '../kernel';
import { DEFAULT_PRIORS, itemArraysFor, maximiseItems, type MStepSettings } from '../mstep';
import { louisShardPartial, louisShardPass, mergeLouisHalves, writeLouisItemRows, type LouisPartial } from '../louis-pass';
import { BLOCK, inverseBand, SOLVE_ROWS, solvePanel, updateTrailing } from '../linalg-blocked';
import { createDotsKernel } from '../linalg-wasm';
import { diagnosticOptionsOf, type WorkerMessage, type WorkerReply, type WorkerSetup } from './protocol';

/** The worker's rows and its kernel, once it has its data. */
interface Shard {
  readonly setup: WorkerSetup;
  readonly rows: ResponseData;
  readonly kernel: ExpectationKernel;
}

function shardOf(setup: WorkerSetup): Shard {
  const whole: ResponseData = {
    itemIds: setup.itemIds,
    rowStart: new Int32Array(setup.rowStart),
    items: new Int32Array(setup.items),
    scores: new Uint8Array(setup.scores),
    weights: setup.weights === null ? null : new Float64Array(setup.weights),
  };
  const rows = sliceRows(whole, setup.fromRow, setup.toRow);
  const kernel = createExpectationKernel(rows, setup.kernel);
  if (setup.kernel === 'wasm' && rows.items.length >= WARM_FROM_ANSWERS) warmUp(rows, setup.itemIds.length);
  return { setup, rows, kernel };
}

/** A shard of at least this many answers warms its kernel up when it gets its data (warmUp). */
const WARM_FROM_ANSWERS = 2_000_000;

/**
 * One E-step over the shard's first 2,000 rows at a = 1, d = 0, its sums discarded (no state is kept: a kernel of
 * its own). V8 runs a WebAssembly function in baseline code until it has spent a budget there and compiles the
 * optimised code in the background, for the next call; `estep` is called once per E-step, so without this the
 * first E-step ran ≈ 1.3–1.7× as long as the next ones at 10.5M answers (decision 021, h65). It costs 20–60 ms,
 * while the calling thread makes the data's summary; below WARM_FROM_ANSWERS the first E-step's extra is smaller
 * than that, and the shard does without.
 */
export function warmUp(rows: ResponseData, itemCount: number): void {
  const few = sliceRows(rows, 0, Math.min(2000, rows.rowStart.length - 1));
  const nodes = gridNodes(-6, 6, 61);
  const params = { a: new Float64Array(itemCount).fill(1), d: new Float64Array(itemCount) };
  createExpectationKernel(few, 'wasm').expectations(params, { nodes, weights: normalWeights(nodes) });
}

/** Items of warmUpMStep's made-up M-step. */
const WARM_ITEMS = 64;

/**
 * One M-step over WARM_ITEMS made-up 2PL items (the default priors, a = 1, d = 0, counts of 1,000 persons at a
 * spread of difficulties), the result discarded: the code a worker's M-steps run compiled before the first one,
 * which otherwise ran cold, ≈ 40–60 ms against 10–20 for the next ones at 2,000 items (decision 021, h65). It costs
 * 6–11 ms and takes 15–25 ms off the first two M-steps (1,000 items each): done by threads started ahead only, before
 * their data comes, when the thread is idle anyway (decision 021, h68).
 */
export function warmUpMStep(): void {
  const nodes = gridNodes(-6, 6, 61);
  const weights = normalWeights(nodes);
  const q = nodes.length;
  const r = new Float64Array(WARM_ITEMS * q);
  const n = new Float64Array(WARM_ITEMS * q);
  for (let i = 0; i < WARM_ITEMS; i++) {
    const b = (i / (WARM_ITEMS - 1)) * 4 - 2;
    for (let k = 0; k < q; k++) {
      n[i * q + k] = 1000 * (weights[k] as number);
      r[i * q + k] = (n[i * q + k] as number) / (1 + Math.exp(b - (nodes[k] as number)));
    }
  }
  const state = { a: new Float64Array(WARM_ITEMS).fill(1), d: new Float64Array(WARM_ITEMS), mean: 0, sd: 1 };
  const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(WARM_ITEMS).fill(1), estimateMean: false, estimateSd: false };
  maximiseItems({ r, n, nodeCount: q }, 0, state, nodes, settings, 0, WARM_ITEMS, itemArraysFor(state, settings));
}

function buffersOf(stats: SufficientStatistics): ArrayBuffer[] {
  return [stats.r.buffer, stats.n.buffer, stats.nodeTotals.buffer] as ArrayBuffer[];
}

function diagnosticBuffers(dg: DiagnosticStatistics): ArrayBuffer[] {
  const { expectations, rowScores, ...rest } = dg;
  const rows = rowScores === undefined ? [] : [rowScores.theta, rowScores.sd, rowScores.lz];
  return [...buffersOf(expectations), ...[...Object.values(rest), ...rows].map((v) => (v as Float64Array).buffer as ArrayBuffer)];
}

function partialBuffers(partial: LouisPartial): ArrayBuffer[] {
  const { blocks, latentItems, latentLatent, expectedAnswers, expectedCorrect, expectedPersons } = partial;
  // The WebAssembly pass's blocks are a view on its shared memory: posted as such, not transferred.
  return [blocks, latentItems, latentLatent, expectedAnswers, expectedCorrect, expectedPersons]
    .map((v) => v.buffer)
    .filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

/** Sends a reply (with the buffers it may transfer). */
export type Send = (reply: WorkerReply, transfer?: ArrayBuffer[]) => void;

/**
 * The handler of one shard's messages: its data now (`setup`), or later in a 'setup' message (null: a thread
 * started ahead, whose E-step module is compiled meanwhile).
 */
export function createShardHandler(initial: WorkerSetup | null): (message: WorkerMessage, send: Send) => void {
  let current: Shard | null = initial === null ? null : shardOf(initial);
  // A thread started ahead compiles its E-step module and warms its M-step up while the data is read.
  if (current === null) {
    wasmKernelAvailable();
    warmUpMStep();
  }
  let panel = new Float64Array(0);
  return handle;

  function handle(message: WorkerMessage, send: Send): void {
    if (message.kind === 'setup') {
      current = shardOf(message.setup);
      return;
    }
    const request = message;
    try {
      // The M-step of a range of items needs no data: a thread started ahead does it too.
      if (request.kind === 'mstep') {
        const { itemFrom, itemTo, state } = request;
        const out = itemArraysFor(state, request.settings);
        maximiseItems(request, itemFrom, state, request.nodes, request.settings, itemFrom, itemTo, out);
        const a = out.a.slice(itemFrom, itemTo);
        const d = out.d.slice(itemFrom, itemTo);
        const c = out.c?.slice(itemFrom, itemTo);
        const reply: WorkerReply = { id: request.id, kind: 'mstep', result: { a, d, ...(c === undefined ? {} : { c }) } };
        send(reply, [a.buffer, d.buffer, ...(c === undefined ? [] : [c.buffer])] as ArrayBuffer[]);
        return;
      }
      if (current === null) throw new Error('E-step worker asked for a pass before its data');
      const { setup, rows: shard, kernel } = current;
      if (request.kind === 'expectations' || request.kind === 'diagnostics') {
        const quadrature = { nodes: request.nodes, weights: request.weights };
        const params = { a: request.a, d: request.d, c: request.c };
        if (request.kind === 'expectations') {
          const result = kernel.expectations(params, quadrature);
          const reply: WorkerReply = { id: request.id, kind: 'expectations', result };
          send(reply, buffersOf(result));
        } else {
          const result = kernel.diagnostics(params, quadrature, diagnosticOptionsOf(request));
          const reply: WorkerReply = { id: request.id, kind: 'diagnostics', result };
          send(reply, diagnosticBuffers(result));
        }
        return;
      }
      if (request.kind === 'diagnostics-louis') {
        const quadrature = { nodes: request.nodes, weights: request.weights };
        const params = { a: request.a, d: request.d, c: request.c };
        const { state, settings, nodes, target } = request;
        // The Louis pass fed the diagnostic pass's posteriors chunk by chunk, where both run in WebAssembly; its
        // expected answers are then the diagnostic pass's n (the runner puts them in: expectedAnswersLeft).
        const fused = kernel.givesPosteriors ? louisShardPass(shard, state, settings, nodes, setup.exactKernel, target, false) : null;
        const diagnostics = kernel.diagnostics(
          params,
          quadrature,
          diagnosticOptionsOf(request),
          fused === null ? undefined : (fromRow, toRow, posteriors, width) => fused.feed(fromRow, toRow, posteriors, width),
        );
        const louis = fused === null ? louisShardPartial(shard, state, settings, nodes, setup.exactKernel, target) : fused.finish();
        const reply: WorkerReply = { id: request.id, kind: 'diagnostics-louis', result: { diagnostics, louis } };
        send(reply, [...diagnosticBuffers(diagnostics), ...partialBuffers(louis)]);
        return;
      }
      if (request.kind === 'louis') {
        const result = louisShardPartial(shard, request.state, request.settings, request.nodes, setup.exactKernel, request.target);
        const reply: WorkerReply = { id: request.id, kind: 'louis', result };
        send(reply, partialBuffers(result));
        return;
      }
      if (request.kind === 'louis-halves' || request.kind === 'louis-rows') {
        const matrix = new Float64Array(request.matrix, 0, request.size * request.size);
        if (request.kind === 'louis-halves')
          mergeLouisHalves(request.parts, request.freeItems, request.blockSize, matrix, request.size, request.itemFrom, request.itemTo);
        else writeLouisItemRows(request.blocks, request.state, request.settings, matrix, request.size, request.itemFrom, request.itemTo);
        const reply: WorkerReply = { id: request.id, kind: 'done' };
        send(reply);
        return;
      }
      {
        const N = request.size;
        // With the WebAssembly kernel the matrix is a view on the shared WebAssembly memory.
        const dots =
          request.memory === undefined || request.scratchAt === undefined
            ? undefined
            : (createDotsKernel(request.memory, N, request.scratchAt, BLOCK, SOLVE_ROWS) ?? undefined);
        const matrix = dots === undefined ? new Float64Array(request.matrix) : dots.heap.subarray(0, N * N);
        if (request.kind === 'inverse') {
          const band = new Float64Array(3 * (request.groups[request.groups.length - 1] as number));
          inverseBand(matrix, N, request.groups, request.bounds, request.blockFrom, request.blockTo, band, dots);
          const reply: WorkerReply = { id: request.id, kind: 'inverse', result: band };
          send(reply, [band.buffer]);
          return;
        }
        if (request.kind === 'panel') solvePanel(matrix, N, request.k0, request.rowFrom, request.rowTo, dots);
        else if (dots !== undefined) updateTrailing(matrix, N, request.k0, request.rowFrom, request.rowTo, dots.scratch(0, N * BLOCK), dots);
        else {
          if (panel.length < N * BLOCK) panel = new Float64Array(N * BLOCK);
          updateTrailing(matrix, N, request.k0, request.rowFrom, request.rowTo, panel);
        }
        const reply: WorkerReply = { id: request.id, kind: 'done' };
        send(reply);
        return;
      }
    } catch (error) {
      const reply: WorkerReply = { id: request.id, kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      send(reply);
    }
  }
}

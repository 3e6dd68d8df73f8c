/**
 * E-step worker: computes the expectations (or the diagnostic pass) for its range of rows of the
 * shared data and sends the sums back. Loaded by the threaded runner in this folder.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sliceRows, type ResponseData } from '../data';
import { createExpectationKernel } from '../estep-wasm';
import type { DiagnosticStatistics, SufficientStatistics } from '../kernel';
import { louisShardPartial, mergeLouisHalves, writeLouisItemRows, type LouisPartial } from '../louis-pass';
import { scoreRows } from '../persons';
import { BLOCK, inverseBand, SOLVE_ROWS, solvePanel, updateTrailing } from '../linalg-blocked';
import { createDotsKernel } from '../linalg-wasm';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './protocol';

const setup = workerData as WorkerSetup;
const whole: ResponseData = {
  itemIds: setup.itemIds,
  rowStart: new Int32Array(setup.rowStart),
  items: new Int32Array(setup.items),
  scores: new Uint8Array(setup.scores),
  weights: setup.weights === null ? null : new Float64Array(setup.weights),
};
const shard = sliceRows(whole, setup.fromRow, setup.toRow);
const kernel = createExpectationKernel(shard, setup.kernel);

function buffersOf(stats: SufficientStatistics): ArrayBuffer[] {
  return [stats.r.buffer, stats.n.buffer, stats.nodeTotals.buffer] as ArrayBuffer[];
}

function diagnosticBuffers(dg: DiagnosticStatistics): ArrayBuffer[] {
  const { expectations, ...rest } = dg;
  return [...buffersOf(expectations), ...Object.values(rest).map((v) => (v as Float64Array).buffer as ArrayBuffer)];
}

function partialBuffers(partial: LouisPartial): ArrayBuffer[] {
  const { blocks, latentItems, latentLatent, expectedAnswers, expectedCorrect, expectedPersons } = partial;
  // The WebAssembly pass's blocks are a view on its shared memory: posted as such, not transferred.
  return [blocks, latentItems, latentLatent, expectedAnswers, expectedCorrect, expectedPersons]
    .map((v) => v.buffer)
    .filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

let panel = new Float64Array(0);

const port = parentPort;
if (port === null) throw new Error('the E-step worker must run in a worker thread');
port.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'expectations' || request.kind === 'diagnostics') {
      const quadrature = { nodes: request.nodes, weights: request.weights };
      const params = { a: request.a, d: request.d, c: request.c };
      if (request.kind === 'expectations') {
        const result = kernel.expectations(params, quadrature);
        const reply: WorkerReply = { id: request.id, kind: 'expectations', result };
        port.postMessage(reply, buffersOf(result));
      } else {
        const result = kernel.diagnostics(params, quadrature);
        const reply: WorkerReply = { id: request.id, kind: 'diagnostics', result };
        port.postMessage(reply, diagnosticBuffers(result));
      }
      return;
    }
    if (request.kind === 'rows') {
      const result = scoreRows(shard, { a: request.a, d: request.d, c: request.c }, { nodes: request.nodes, weights: request.weights });
      const reply: WorkerReply = { id: request.id, kind: 'rows', result };
      port.postMessage(reply, [result.theta.buffer, result.sd.buffer, result.lz.buffer] as ArrayBuffer[]);
      return;
    }
    if (request.kind === 'louis') {
      const result = louisShardPartial(shard, request.state, request.settings, request.nodes, setup.exactKernel, request.target);
      const reply: WorkerReply = { id: request.id, kind: 'louis', result };
      port.postMessage(reply, partialBuffers(result));
      return;
    }
    if (request.kind === 'louis-halves' || request.kind === 'louis-rows') {
      const matrix = new Float64Array(request.matrix, 0, request.size * request.size);
      if (request.kind === 'louis-halves')
        mergeLouisHalves(request.parts, request.freeItems, request.blockSize, matrix, request.size, request.itemFrom, request.itemTo);
      else writeLouisItemRows(request.blocks, request.state, request.settings, matrix, request.size, request.itemFrom, request.itemTo);
      const reply: WorkerReply = { id: request.id, kind: 'done' };
      port.postMessage(reply);
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
        port.postMessage(reply, [band.buffer]);
        return;
      }
      if (request.kind === 'panel') solvePanel(matrix, N, request.k0, request.rowFrom, request.rowTo, dots);
      else if (dots !== undefined) updateTrailing(matrix, N, request.k0, request.rowFrom, request.rowTo, dots.scratch(0, N * BLOCK), dots);
      else {
        if (panel.length < N * BLOCK) panel = new Float64Array(N * BLOCK);
        updateTrailing(matrix, N, request.k0, request.rowFrom, request.rowTo, panel);
      }
      const reply: WorkerReply = { id: request.id, kind: 'done' };
      port.postMessage(reply);
      return;
    }
  } catch (error) {
    const reply: WorkerReply = { id: request.id, kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    port.postMessage(reply);
  }
});

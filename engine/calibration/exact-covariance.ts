/**
 * Exact standard errors for a whole bank: the full observed information by Louis' identity
 * (louis-pass.ts), then only the diagonal blocks of its inverse (linalg-blocked.ts). This file runs
 * both in the calling thread; the worker-thread runner (./parallel) runs the same steps on threads.
 */
import type { ResponseData } from './data';
import type { KernelKind } from './estep-wasm';
import type { ModelState, MStepSettings } from './mstep';
import { freeParameters, parameterGroups } from './standard-errors';
import { louisInformationFromPartial, louisShardPartial, type LouisPartial } from './louis-pass';
import { BLOCK, inverseDiagonalBlocksInPlace, paddedSize, SOLVE_ROWS } from './linalg-blocked';
import { createDotsKernel, createSharedMatrix } from './linalg-wasm';

export interface ExactCovariance {
  readonly parameters: ReturnType<typeof freeParameters>;
  /** Cov(k, k + e) within each group of parameters as band[3k + e]; null when the information is not positive definite. */
  readonly band: Float64Array | null;
  /** Milliseconds by part, measured with the given clock (null without one). */
  readonly milliseconds: { readonly pass: number; readonly factorisation: number } | null;
}

/**
 * Largest number of free parameters for which the exact information is built: its dense matrix is
 * P² doubles (10,000 parameters: 800 MB).
 */
export const EXACT_INFORMATION_MAX_PARAMETERS = 10_000;

/**
 * Multiply–adds that 'auto' accepts for the exact information (about a minute on the 2-core
 * development machine, figures in bench/README.md): the pass, Σ_rows (vectors·(vectors + 1)/2)·3·nodes,
 * plus the factorisation and the diagonal blocks of the inverse, about 2P³/3.
 */
export const EXACT_INFORMATION_BUDGET = 2e11;

/**
 * Estimated multiply–adds of the exact information (see EXACT_INFORMATION_BUDGET), from the stored rows
 * and answers (rows taken as equally long: a lower bound of the pass when they are not).
 */
export function exactInformationCost(storedRows: number, storedAnswers: number, parameters: number, nodes: number): number {
  const perRow = storedRows > 0 ? storedAnswers / storedRows : 0;
  return 3 * nodes * storedRows * ((perRow * (perRow + 1)) / 2) + (2 / 3) * parameters ** 3;
}

/**
 * The padded matrix (zeros, identity on the padding) that the information is written into;
 * `itemRowsWritten` when the threads have already written its item rows (writeLouisItemRows).
 */
export function paddedInformation(
  partial: LouisPartial,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  matrix: Float64Array,
  N: number,
  itemRowsWritten = false,
) {
  const information = louisInformationFromPartial(partial, state, settings, nodes, { matrix, stride: N, itemRowsWritten });
  const P = information.parameters.length;
  for (let i = P; i < N; i++) matrix[i * N + i] = 1;
  return information.parameters;
}

/**
 * Everything in the calling thread. `kernel` picks the Louis pass and the factorisation's dot products:
 * WebAssembly SIMD (the default) or the JavaScript reference.
 */
export function exactCovariance(
  data: ResponseData,
  state: ModelState,
  settings: MStepSettings,
  nodes: Float64Array,
  now?: () => number,
  kernel: KernelKind = 'wasm',
): ExactCovariance {
  const started = now?.();
  const partial = louisShardPartial(data, state, settings, nodes, kernel);
  const size = freeParameters(state, settings).length;
  const N = paddedSize(size);
  const shared = kernel === 'wasm' ? createSharedMatrix(N, 1, BLOCK, SOLVE_ROWS) : null;
  const matrix = shared?.matrix ?? new Float64Array(N * N);
  const dots = shared === null ? null : createDotsKernel(shared.memory, N, shared.scratchAt(0), BLOCK, SOLVE_ROWS);
  const parameters = paddedInformation(partial, state, settings, nodes, matrix, N);
  const passed = now?.();
  const band = inverseDiagonalBlocksInPlace(matrix, N, parameterGroups(parameters), dots ?? undefined);
  const finished = now?.();
  return {
    parameters,
    band,
    milliseconds: started === undefined || passed === undefined || finished === undefined ? null : { pass: passed - started, factorisation: finished - passed },
  };
}

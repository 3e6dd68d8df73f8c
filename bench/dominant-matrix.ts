/**
 * The factorisation benches' matrix (bench/factorisation.ts, bench/factorisation-split.ts): a random diagonally
 * dominant matrix of `size` parameters, padded to the blocked layout, in the shared memory of the WebAssembly dot
 * kernel; `fill` writes it afresh (seed 5), so each round factors the same matrix. Also `cpuMs`, the process's CPU
 * time (user + system) in milliseconds.
 */
import { BLOCK, paddedSize, SOLVE_ROWS } from '../engine/calibration/linalg-blocked';
import { createDotsKernel, createSharedMatrix, type DotsKernel } from '../engine/calibration/linalg-wasm';
import { createRandom } from '../engine/random';

export interface DominantMatrix {
  readonly N: number;
  readonly m: Float64Array;
  readonly dots: DotsKernel;
  fill(): void;
}

export function dominantMatrix(size: number): DominantMatrix {
  const N = paddedSize(size);
  const shared = createSharedMatrix(N, 1, BLOCK, SOLVE_ROWS);
  const dots = shared === null ? null : createDotsKernel(shared.memory, N, shared.scratchAt(0), BLOCK, SOLVE_ROWS);
  if (shared === null || dots === null) throw new Error('WebAssembly SIMD with shared memory is needed');
  const m = shared.matrix;
  const fill = (): void => {
    const rng = createRandom(5);
    m.fill(0);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < i; j++) m[i * N + j] = m[j * N + i] = rng.next() - 0.5;
      m[i * N + i] = N;
    }
  };
  return { N, m, dots, fill };
}

export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

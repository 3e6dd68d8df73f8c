/**
 * The factorisation's dot products in WebAssembly SIMD (dots.wat) give the JavaScript kernel's
 * results to rounding: subtractDots on odd shapes, and the diagonal blocks of the inverse of a
 * matrix spanning several factorisation steps to 1e-12 (relative to √(var_p·var_q)), in the calling
 * thread and over worker threads sharing one WebAssembly memory. Since h59 the trailing update and the products of
 * the columns of L⁻¹ run as outer products (subtractOuter) with the JavaScript loops' order: the factor and the
 * inverse blocks are then the JavaScript path's bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, createSharedMatrix, createDotsKernel, type DotsKernel } from '.';
import { createThreadedRunner } from './parallel';
import {
  BLOCK,
  choleskyInPlace,
  columnBlocks,
  factorDiagonalBlock,
  inverseBand,
  inverseDiagonalBlocksInPlace,
  padMatrix,
  paddedSize,
  SOLVE_ROWS,
  solvePanel,
  subtractDots,
  trailingSplit,
  updateTrailing,
} from './linalg-blocked';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

/** A random symmetric positive-definite matrix (B Bᵀ + size·I), row-major. */
function randomSpd(size: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  const b = Float64Array.from({ length: size * size }, () => rng.next() - 0.5);
  const m = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? size / 4 : 0;
      for (let k = 0; k < size; k++) s += b[i * size + k]! * b[j * size + k]!;
      m[i * size + j] = s;
      m[j * size + i] = s;
    }
  }
  return m;
}

/** How many entries of the lower triangles of two N × N matrices are not the same bits. */
function differingLower(a: Float64Array, b: Float64Array, N: number): number {
  let differing = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j <= i; j++) if (!Object.is(a[i * N + j], b[i * N + j])) differing++;
  return differing;
}

/** A kernel on a fresh shared memory for an N × N matrix, counting its calls (its triangle solves apart). */
function countingKernel(N: number): { matrix: Float64Array; kernel: DotsKernel; calls: () => number; solves: () => number } {
  const shared = createSharedMatrix(N, 1, BLOCK, SOLVE_ROWS);
  expect(shared).not.toBeNull();
  const dots = createDotsKernel(shared!.memory, N, shared!.scratchAt(0), BLOCK, SOLVE_ROWS);
  expect(dots).not.toBeNull();
  let count = 0;
  let solveCount = 0;
  const kernel: DotsKernel = {
    heap: dots!.heap,
    scratch: (slot, length) => dots!.scratch(slot, length),
    subtract: (...args) => {
      count++;
      dots!.subtract(...args);
    },
    solve: (...args) => {
      solveCount++;
      dots!.solve(...args);
    },
    subtractOuter: (...args) => {
      count++;
      dots!.subtractOuter(...args);
    },
  };
  return { matrix: shared!.matrix, kernel, calls: () => count, solves: () => solveCount };
}

/** The kernel with its triangle solve in JavaScript: the loops solvePanel and inverseBand ran before h53. */
function jsSolve(kernel: DotsKernel): DotsKernel {
  const heap = kernel.heap;
  return {
    heap,
    scratch: (slot, length) => kernel.scratch(slot, length),
    subtract: (...args) => kernel.subtract(...args),
    subtractOuter: (...args) => kernel.subtractOuter(...args),
    solve: (xAt, xStride, rows, tAt, tStride, n) => {
      for (let r = 0; r < rows; r++) {
        const x = xAt + r * xStride;
        for (let j = 0; j < n; j++) {
          const t = tAt + j * tStride;
          let sum = heap[x + j]!;
          for (let k = 0; k < j; k++) sum -= heap[x + k]! * heap[t + k]!;
          heap[x + j] = sum / heap[t + j]!;
        }
      }
    },
  };
}

describe('WebAssembly dot products of the blocked factorisation', () => {
  it('subtract the same dot products as JavaScript on odd shapes (rows, columns and K not multiples of 3 or 2)', () => {
    const { kernel, calls } = countingKernel(96);
    const heap = kernel.heap;
    const rng = createRandom(7);
    for (const [rows, cols, K] of [
      [7, 5, 13],
      [9, 9, 96],
      [1, 2, 1],
      [4, 11, 0],
    ] as const) {
      const a = heap.subarray(0, rows * 101);
      const b = heap.subarray(2000, 2000 + cols * 103);
      const out = heap.subarray(6000, 6000 + rows * cols);
      for (const array of [a, b, out]) for (let k = 0; k < array.length; k++) array[k] = rng.next() - 0.5;
      const expected = Float64Array.from(out);
      subtractDots(a, 1, 101, b, 2, 103, K, expected, 0, cols, 1, rows, cols);
      subtractDots(a, 1, 101, b, 2, 103, K, out, 0, cols, 1, rows, cols, kernel);
      out.forEach((value, k) =>
        expect(Math.abs(value - expected[k]!), `${rows}×${cols}, K ${K}`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected[k]!))),
      );
    }
    expect(calls()).toBe(4);
  });

  it('compute every dot product in two lanes whatever the tile (even k, odd k, their sum, then the last odd k): the same bits', () => {
    const { kernel } = countingKernel(96);
    const heap = kernel.heap;
    const rng = createRandom(11);
    for (const [rows, cols, K] of [
      [6, 8, 96],
      [7, 9, 13],
      [3, 5, 2],
    ] as const) {
      const a = heap.subarray(0, rows * 101);
      const b = heap.subarray(2000, 2000 + cols * 103);
      const out = heap.subarray(6000, 6000 + rows * cols);
      for (const array of [a, b, out]) for (let k = 0; k < array.length; k++) array[k] = rng.next() - 0.5;
      const before = Float64Array.from(out);
      subtractDots(a, 1, 101, b, 2, 103, K, out, 0, cols, 1, rows, cols, kernel);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          let even = 0;
          let odd = 0;
          for (let k = 0; k + 1 < K; k += 2) {
            even += a[1 + r * 101 + k]! * b[2 + c * 103 + k]!;
            odd += a[1 + r * 101 + k + 1]! * b[2 + c * 103 + k + 1]!;
          }
          let sum = even + odd;
          if (K % 2 === 1) sum += a[1 + r * 101 + K - 1]! * b[2 + c * 103 + K - 1]!;
          expect(out[r * cols + c], `${rows}×${cols}, K ${K}, (${r}, ${c})`).toBe(before[r * cols + c]! - sum);
        }
      }
    }
  });

  it('solve triangles in place as the JavaScript loops do, product by product (rows 0–9, n 0–25, strides apart): the same bits', () => {
    const { kernel } = countingKernel(96);
    const heap = kernel.heap;
    const rng = createRandom(31);
    for (const [rows, n, xStride, tStride] of [
      [9, 24, 31, 29],
      [4, 25, 25, 27],
      [1, 7, 8, 8],
      [6, 1, 5, 3],
      [3, 0, 4, 4],
      [0, 5, 9, 9],
      [8, 13, 100, 13],
    ] as const) {
      const xAt = 17;
      const tAt = 3000;
      for (let k = 0; k < 3000; k++) heap[k] = rng.next() - 0.5;
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < tStride; k++) heap[tAt + j * tStride + k] = rng.next() - 0.5;
        heap[tAt + j * tStride + j] = 0.5 + rng.next();
      }
      const expected = Float64Array.from(heap.subarray(0, 3000));
      for (let r = 0; r < rows; r++) {
        const x = xAt + r * xStride;
        for (let j = 0; j < n; j++) {
          let sum = expected[x + j]!;
          for (let k = 0; k < j; k++) sum -= expected[x + k]! * heap[tAt + j * tStride + k]!;
          expected[x + j] = sum / heap[tAt + j * tStride + j]!;
        }
      }
      kernel.solve(xAt, xStride, rows, tAt, tStride, n);
      // Every entry, the ones between the vectors included (untouched), equals the loop's bit for bit.
      for (let k = 0; k < 3000; k++) expect(heap[k], `rows ${rows}, n ${n}, entry ${k}`).toBe(expected[k]);
    }
  });

  it('give the factor and the inverse blocks of the triangles solved in JavaScript bit for bit (sizes 5, 97, 301: padding, odd groups)', () => {
    for (const size of [301, 97, 5]) {
      const matrix = randomSpd(size, 40 + size);
      const groupStart = Int32Array.from({ length: Math.ceil(size / 2) + 1 }, (_, g) => Math.min(size, 2 * g));
      const N = paddedSize(size);
      const before = countingKernel(N);
      before.matrix.set(padMatrix(matrix, size));
      const old = inverseDiagonalBlocksInPlace(before.matrix, N, groupStart, jsSolve(before.kernel));
      const now = countingKernel(N);
      now.matrix.set(padMatrix(matrix, size));
      const band = inverseDiagonalBlocksInPlace(now.matrix, N, groupStart, now.kernel);
      expect(before.solves()).toBe(0);
      expect(now.solves()).toBeGreaterThanOrEqual(size > 96 ? 10 : 4);
      expect(old).not.toBeNull();
      expect(Array.from(band!)).toEqual(Array.from(old!));
      expect(Array.from(now.matrix)).toEqual(Array.from(before.matrix));
    }
  });

  it('subtract outer products on a packed panel as the JavaScript loops sum them, k in order (odd rows, lags, K 0–97): the same bits', () => {
    const { kernel } = countingKernel(96);
    const heap = kernel.heap;
    const rng = createRandom(59);
    for (const [rows, groups, K, lag, bGroup] of [
      [7, 3, 13, 0, 8 * 13],
      [1, 1, 1, 0, 8],
      [2, 2, 96, 5, 8 * 96 + 16],
      [5, 3, 97, 20, 8 * 97],
      [9, 2, 6, 2, 8 * 7],
      [4, 1, 0, 0, 0],
      [0, 2, 5, 0, 40],
      [6, 4, 11, -3, 8 * 11],
    ] as const) {
      const aAt = 3;
      const aStride = K + 5;
      const bAt = 1500;
      const outAt = 4000;
      const outRow = 8 * groups + 3;
      for (let k = 0; k < 6000; k++) heap[k] = rng.next() - 0.5;
      const expected = Float64Array.from(heap.subarray(0, 6000));
      for (let g = 0; g < groups; g++) {
        for (let r = Math.max(0, 8 * g - lag); r < rows; r++) {
          for (let c = 0; c < 8; c++) {
            let sum = 0;
            for (let k = 0; k < K; k++) sum += heap[aAt + r * aStride + k]! * heap[bAt + g * bGroup + 8 * k + c]!;
            const o = outAt + r * outRow + 8 * g + c;
            expected[o] = expected[o]! - sum;
          }
        }
      }
      kernel.subtractOuter(aAt, aStride, bAt, bGroup, K, outAt, outRow, rows, groups, lag);
      // Every entry: the tiles' equal the loop's bit for bit, the rows above each group's diagonal and the rest untouched.
      for (let k = 0; k < 6000; k++) expect(heap[k], `${rows} rows, ${groups} groups, K ${K}, lag ${lag}, entry ${k}`).toBe(expected[k]);
    }
  });

  it("give the JavaScript path's factor and inverse blocks bit for bit (sizes 5, 97, 301, 400: padding, odd groups, a partial group of eight)", () => {
    for (const size of [301, 97, 5, 400]) {
      const matrix = randomSpd(size, 59 + size);
      const groupStart = Int32Array.from({ length: Math.ceil(size / 3) + 1 }, (_, g) => Math.min(size, 3 * g));
      const N = paddedSize(size);
      const js = padMatrix(matrix, size);
      const jsBand = inverseDiagonalBlocksInPlace(js, N, groupStart);
      const { matrix: heapMatrix, kernel, calls } = countingKernel(N);
      heapMatrix.set(padMatrix(matrix, size));
      const band = inverseDiagonalBlocksInPlace(heapMatrix, N, groupStart, kernel);
      expect(calls()).toBeGreaterThan(size > 96 ? 10 : 2);
      expect(jsBand).not.toBeNull();
      expect(Array.from(band!)).toEqual(Array.from(jsBand!));
      expect(differingLower(heapMatrix, js, N), `entries of L that differ, size ${size}`).toBe(0);
    }
  });

  it('update the trailing rows in parts as the threads do (row ranges not multiples of 8): the JavaScript factor bit for bit', () => {
    const size = 330; // N = 384
    const matrix = randomSpd(size, 63);
    const N = paddedSize(size);
    const js = padMatrix(matrix, size);
    expect(choleskyInPlace(js, N)).toBe(true);
    const { matrix: heapMatrix, kernel } = countingKernel(N);
    heapMatrix.set(padMatrix(matrix, size));
    const panel = kernel.scratch(0, N * BLOCK);
    for (let k0 = 0; k0 < N; k0 += BLOCK) {
      expect(factorDiagonalBlock(heapMatrix, N, k0)).toBe(true);
      solvePanel(heapMatrix, N, k0, k0 + BLOCK, N, kernel);
      const split = trailingSplit(N, k0 + BLOCK, 3);
      for (let t = split.length - 2; t >= 0; t--) updateTrailing(heapMatrix, N, k0, split[t]!, split[t + 1]!, panel, kernel);
    }
    expect(differingLower(heapMatrix, js, N)).toBe(0);
  });

  it('give the inverse blocks of the dot products (the path before h59) to 1e-12, and fall back to them for blocks wider than 48', () => {
    const size = 301;
    const matrix = randomSpd(size, 61);
    const N = paddedSize(size);
    const { matrix: heapMatrix, kernel } = countingKernel(N);
    heapMatrix.set(padMatrix(matrix, size));
    expect(choleskyInPlace(heapMatrix, N, kernel)).toBe(true);
    const js = padMatrix(matrix, size);
    expect(choleskyInPlace(js, N)).toBe(true);
    for (const groupSize of [2, 7]) {
      // Groups of 7: blocks of 49 columns, X and its packed copy (56) do not fit in BLOCK columns of scratch.
      const groupStart = Int32Array.from({ length: Math.ceil(size / groupSize) + 1 }, (_, g) => Math.min(size, groupSize * g));
      const bounds = columnBlocks(groupStart);
      const [outer, dots, reference] = [new Float64Array(3 * size), new Float64Array(3 * size), new Float64Array(3 * size)];
      inverseBand(heapMatrix, N, groupStart, bounds, 0, bounds.length - 1, outer, kernel);
      inverseBand(heapMatrix, N, groupStart, bounds, 0, bounds.length - 1, dots, kernel, true);
      inverseBand(js, N, groupStart, bounds, 0, bounds.length - 1, reference);
      let worst = 0;
      for (let p = 0; p < size; p++) worst = Math.max(worst, Math.abs(outer[3 * p]! - dots[3 * p]!) / dots[3 * p]!);
      expect(worst, `groups of ${groupSize}`).toBeLessThanOrEqual(1e-12);
      if (groupSize === 2) expect(Array.from(outer)).toEqual(Array.from(reference));
      else expect(Array.from(outer)).toEqual(Array.from(dots));
    }
  });

  it('give the diagonal blocks of the inverse of JavaScript to 1e-12, over several factorisation steps', () => {
    const size = 301; // N = 384: four steps, an odd-sized last group
    const matrix = randomSpd(size, 26);
    const groupStart = Int32Array.from({ length: 152 }, (_, g) => Math.min(size, 2 * g));
    const N = paddedSize(size);
    const js = inverseDiagonalBlocksInPlace(padMatrix(matrix, size), N, groupStart);
    const { matrix: heapMatrix, kernel, calls } = countingKernel(N);
    heapMatrix.set(padMatrix(matrix, size));
    const wasm = inverseDiagonalBlocksInPlace(heapMatrix, N, groupStart, kernel);
    expect(calls()).toBeGreaterThan(50);
    expect(js).not.toBeNull();
    expect(wasm).not.toBeNull();
    let worst = 0;
    for (let g = 0; g + 1 < groupStart.length; g++) {
      for (let p = groupStart[g]!; p < groupStart[g + 1]!; p++) {
        for (let e = 0; e < 3 && p + e < groupStart[g + 1]!; e++) {
          const scale = Math.sqrt(js![3 * p]! * js![3 * (p + e)]!);
          worst = Math.max(worst, Math.abs(wasm![3 * p + e]! - js![3 * p + e]!) / scale);
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('give the factor of the JavaScript path to 1e-12, the panels solved with the kernel', () => {
    const size = 290; // N = 384: four steps, each panel in four steps of 24 columns
    const matrix = randomSpd(size, 29);
    const N = paddedSize(size);
    const js = padMatrix(matrix, size);
    expect(choleskyInPlace(js, N)).toBe(true);
    const { matrix: heapMatrix, kernel } = countingKernel(N);
    heapMatrix.set(padMatrix(matrix, size));
    expect(choleskyInPlace(heapMatrix, N, kernel)).toBe(true);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j <= i; j++) {
        const scale = Math.sqrt(js[i * N + i]! * js[j * N + j]!);
        worst = Math.max(worst, Math.abs(heapMatrix[i * N + j]! - js[i * N + j]!) / scale);
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('leave a matrix that is not positive definite without an inverse, as in JavaScript', () => {
    const size = 120;
    const matrix = randomSpd(size, 27);
    matrix[50 * size + 50] = -1;
    const N = paddedSize(size);
    const { matrix: heapMatrix, kernel } = countingKernel(N);
    heapMatrix.set(padMatrix(matrix, size));
    expect(inverseDiagonalBlocksInPlace(heapMatrix, N, Int32Array.of(0, size), kernel)).toBeNull();
  });

  it('give the same standard errors over worker threads sharing the WebAssembly memory (several steps)', async () => {
    const sim = simulateCalibrationData(createRandom(28), { items: 150, persons: 6000, design: { kind: 'random', perPerson: 15 } });
    const settings = { standardErrors: 'observed' as const };
    const threads = (exactKernel: 'js' | 'wasm') =>
      calibrate(sim.data, settings, { createRunner: (data) => createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, exactKernel }) });
    const [js, wasm] = [await threads('js'), await threads('wasm')];
    expect(wasm.parameterCount).toBe(300);
    wasm.items.forEach((item, i) => {
      for (const key of ['a', 'b'] as const) {
        const expected = js.items[i]!.se[key]!;
        expect(Math.abs(item.se[key]! - expected), `SE(${key}) of item ${i}`).toBeLessThanOrEqual(1e-10 * expected);
      }
    });
  });
});

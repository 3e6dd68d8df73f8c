/**
 * The dot-product kernel of the blocked Cholesky factorisation (linalg-blocked.ts, `subtractDots`) in
 * WebAssembly SIMD, from the hand-written dots.wat (compiled bytes in dots-wasm-bytes.ts): the same
 * sums as the JavaScript kernel, to rounding (each dot product runs in two lanes); and the triangles of the
 * panel solve and of the columns of L⁻¹ (`solve`), the same bits as their JavaScript loops; and the trailing update
 * in outer-product form on a packed panel (`subtractOuter`, h59), the same bits as the JavaScript kernel.
 *
 * The module works on an imported shared memory that holds the padded matrix (doubles [0, N²)) and,
 * after it, one scratch region per thread (the panel, or the columns of L⁻¹ and their partial sums):
 * worker threads instantiate the module on the same memory and update their rows of the one matrix in
 * place, as the JavaScript path does on a SharedArrayBuffer.
 */
import { lazyWasmModule } from './wasm-module';
import { DOTS_WASM_BASE64 } from './dots-wasm-bytes';

interface DotsExports {
  readonly subtractDots: (...args: number[]) => void;
  readonly solveRows: (...args: number[]) => void;
  readonly subtractOuter: (...args: number[]) => void;
}

const dotsModule = lazyWasmModule(DOTS_WASM_BASE64);

/** The kernel on one thread's view of the shared memory. */
export interface DotsKernel {
  /** The whole memory as doubles: `subtractDots` runs here when its three arrays are views on it. */
  readonly heap: Float64Array;
  /** A view on this thread's scratch: slot 0 holds up to N·panelWidth doubles, slot 1 up to rows·panelWidth. */
  scratch(slot: 0 | 1, length: number): Float64Array;
  /** out[r·outRow + c·outCol] −= Σ_k a[r·aStride + k]·b[c·bStride + k], every index and stride in doubles of the heap. */
  subtract(
    aAt: number,
    aStride: number,
    bAt: number,
    bStride: number,
    K: number,
    outAt: number,
    outRow: number,
    outCol: number,
    rows: number,
    cols: number,
  ): void;
  /**
   * In place, for r < rows, x = heap[xAt + r·xStride …]: x[j] = (x[j] − Σ_{k<j} x[k]·T[j][k]) / T[j][j] for j < n,
   * T[j][k] = heap[tAt + j·tStride + k]; the products subtracted one by one in the order of k (the same bits as
   * the JavaScript loops of solvePanel and inverseBand).
   */
  solve(xAt: number, xStride: number, rows: number, tAt: number, tStride: number, n: number): void;
  /**
   * out[r·outRow + 8g + c] −= Σ_k heap[aAt + r·aStride + k] · heap[bAt + g·bGroup + 8k + c] (k < K, in the order of k:
   * the same bits as `subtractDots`' JavaScript loops) for c < 8, g < groups and the rows lag + r ≥ 8g (r < rows); B
   * packed by groups of eight columns (see packColumns in linalg-blocked.ts). Indices and strides in doubles.
   */
  subtractOuter(
    aAt: number,
    aStride: number,
    bAt: number,
    bGroup: number,
    K: number,
    outAt: number,
    outRow: number,
    rows: number,
    groups: number,
    lag: number,
  ): void;
}

const PAGE = 65536;

/** A padded N × N matrix in shared WebAssembly memory, with scratch for `threads` threads. */
export interface SharedMatrix {
  readonly memory: WebAssembly.Memory;
  /** The matrix, doubles [0, N²) of the memory. */
  readonly matrix: Float64Array;
  /** First double of thread t's scratch. */
  scratchAt(thread: number): number;
}

/**
 * The memory for a padded N × N matrix and `threads` scratch regions (slot 0: N·panelWidth doubles,
 * slot 1: rows·panelWidth; at least `minScratchBytes` each, for a pass before the factorisation that
 * sums into the matrix, louis-wasm.ts), or null where WebAssembly SIMD or shared memory is missing or
 * the memory would pass 4 GiB.
 */
export function createSharedMatrix(N: number, threads: number, panelWidth: number, rows: number, minScratchBytes = 0): SharedMatrix | null {
  if (dotsModule() === null) return null;
  const perThread = Math.max((N + rows) * panelWidth, Math.ceil(minScratchBytes / 16) * 2);
  const bytes = 8 * (N * N + threads * perThread);
  const pages = Math.ceil(bytes / PAGE);
  if (pages > 65536) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  return { memory, matrix: new Float64Array(memory.buffer, 0, N * N), scratchAt: (thread) => N * N + thread * perThread };
}

/** The kernel on `memory` (a SharedMatrix's, possibly received by a worker), with the scratch at `scratchAt`. */
export function createDotsKernel(memory: WebAssembly.Memory, N: number, scratchAt: number, panelWidth: number, rows: number): DotsKernel | null {
  const compiledModule = dotsModule();
  if (compiledModule === null) return null;
  const exports = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as DotsExports;
  const heap = new Float64Array(memory.buffer);
  const capacity = [N * panelWidth, rows * panelWidth] as const;
  const starts = [scratchAt, scratchAt + N * panelWidth] as const;
  return {
    heap,
    scratch(slot, length) {
      if (length > capacity[slot]) throw new RangeError(`scratch ${slot} holds ${capacity[slot]} doubles, ${length} asked`);
      return heap.subarray(starts[slot], starts[slot] + length);
    },
    subtract: (aAt, aStride, bAt, bStride, K, outAt, outRow, outCol, rows, cols) =>
      exports.subtractDots(8 * aAt, 8 * aStride, 8 * bAt, 8 * bStride, K, 8 * outAt, 8 * outRow, 8 * outCol, rows, cols),
    solve: (xAt, xStride, rows, tAt, tStride, n) => exports.solveRows(8 * xAt, 8 * xStride, rows, 8 * tAt, 8 * tStride, n),
    subtractOuter: (aAt, aStride, bAt, bGroup, K, outAt, outRow, rows, groups, lag) =>
      exports.subtractOuter(8 * aAt, 8 * aStride, 8 * bAt, 8 * bGroup, K, 8 * outAt, 8 * outRow, rows, groups, lag),
  };
}

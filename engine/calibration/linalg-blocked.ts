/**
 * Dense symmetric positive-definite matrices too large for the simple routines of linalg.ts (the
 * exact observed information of a whole bank: 4,000 parameters and more), when only the diagonal
 * blocks of the inverse are needed (the covariance of each item's own parameters, for its SEs).
 *
 * - A blocked right-looking Cholesky factorisation A = L Lᵀ in place (lower triangle, row-major,
 *   Float64Array), in steps of BLOCK columns: factor the diagonal block, solve the panel below it,
 *   subtract the panel's outer product from the trailing rows with a 3 × 3 register-tiled kernel of
 *   dot products over contiguous rows (in WebAssembly: 2 × 8 tiles of outer products on the panel packed
 *   by eight columns, the same sums, h59). The panel solve and the trailing update of one step can each
 *   be split by rows, so worker threads can share a step (engine/calibration/parallel).
 * - The diagonal blocks of A⁻¹ = L⁻ᵀ L⁻¹ without the full inverse: for a block of columns J, the
 *   columns X = L⁻¹ E_J by forward substitution (blocked the same way), then X_Jᵀ X_J. The blocks
 *   of columns are independent of each other, so threads can share them too.
 * Cost: P³/6 multiply–adds for the factor and about P³/6 for the columns of L⁻¹ (the full inverse
 * would add a third P³/6). The matrix is padded to a multiple of BLOCK with an identity.
 * The dot products run in WebAssembly SIMD (dots.wat, linalg-wasm.ts) when a DotsKernel is given and
 * the matrix and the scratch are views on its shared memory; otherwise in JavaScript (the reference).
 */
import type { DotsKernel } from './linalg-wasm';

/** Columns per factorisation step (a multiple of the 3 × 3 tile). */
export const BLOCK = 96;
/** Rows per band of the trailing update in WebAssembly (its rows and a group of packed columns stay in L1). */
const OUTER_BAND = 48;
/** Rows per forward-substitution block when computing columns of L⁻¹. */
export const SOLVE_ROWS = 24;
/** Target width of a block of columns of L⁻¹ (whole groups of parameters). */
const COLUMN_BLOCK = 48;

export function paddedSize(size: number): number {
  return Math.max(BLOCK, Math.ceil(size / BLOCK) * BLOCK);
}

/**
 * out[r·outRow + c·outCol] −= Σ_k a[aOff + r·aStride + k] · b[bOff + c·bStride + k], k < K, for r < rows,
 * c < cols: 3 × 3 tiles of dot products over contiguous rows, the edges one by one. With `kernel`, in
 * WebAssembly when a, b and out are views on its memory (2 × 4 tiles there: see dots.wat).
 */
export function subtractDots(
  a: Float64Array,
  aOff: number,
  aStride: number,
  b: Float64Array,
  bOff: number,
  bStride: number,
  K: number,
  out: Float64Array,
  outOff: number,
  outRow: number,
  outCol: number,
  rows: number,
  cols: number,
  kernel?: DotsKernel,
): void {
  const heap = kernel?.heap.buffer;
  if (kernel !== undefined && a.buffer === heap && b.buffer === heap && out.buffer === heap) {
    kernel.subtract(a.byteOffset / 8 + aOff, aStride, b.byteOffset / 8 + bOff, bStride, K, out.byteOffset / 8 + outOff, outRow, outCol, rows, cols);
    return;
  }
  // In JavaScript (the reference).
  const fullRows = rows - (rows % 3);
  const fullCols = cols - (cols % 3);
  for (let r = 0; r < fullRows; r += 3) {
    const a0 = aOff + r * aStride;
    const a1 = a0 + aStride;
    const a2 = a1 + aStride;
    for (let c = 0; c < fullCols; c += 3) {
      const b0 = bOff + c * bStride;
      const b1 = b0 + bStride;
      const b2 = b1 + bStride;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      for (let k = 0; k < K; k++) {
        const y0 = b[b0 + k] as number;
        const y1 = b[b1 + k] as number;
        const y2 = b[b2 + k] as number;
        let x = a[a0 + k] as number;
        s00 += x * y0;
        s01 += x * y1;
        s02 += x * y2;
        x = a[a1 + k] as number;
        s10 += x * y0;
        s11 += x * y1;
        s12 += x * y2;
        x = a[a2 + k] as number;
        s20 += x * y0;
        s21 += x * y1;
        s22 += x * y2;
      }
      const o = outOff + r * outRow + c * outCol;
      out[o] = (out[o] as number) - s00;
      out[o + outCol] = (out[o + outCol] as number) - s01;
      out[o + 2 * outCol] = (out[o + 2 * outCol] as number) - s02;
      out[o + outRow] = (out[o + outRow] as number) - s10;
      out[o + outRow + outCol] = (out[o + outRow + outCol] as number) - s11;
      out[o + outRow + 2 * outCol] = (out[o + outRow + 2 * outCol] as number) - s12;
      out[o + 2 * outRow] = (out[o + 2 * outRow] as number) - s20;
      out[o + 2 * outRow + outCol] = (out[o + 2 * outRow + outCol] as number) - s21;
      out[o + 2 * outRow + 2 * outCol] = (out[o + 2 * outRow + 2 * outCol] as number) - s22;
    }
  }
  // Edges: the last rows (all columns) and the last columns (the full rows).
  for (let r = 0; r < rows; r++) {
    for (let c = r < fullRows ? fullCols : 0; c < cols; c++) {
      const ar = aOff + r * aStride;
      const bc = bOff + c * bStride;
      let s = 0;
      for (let k = 0; k < K; k++) s += (a[ar + k] as number) * (b[bc + k] as number);
      const o = outOff + r * outRow + c * outCol;
      out[o] = (out[o] as number) - s;
    }
  }
}

/**
 * Copies `matrix` (size × size, row-major) into a padded N × N array (identity on the padding);
 * `allocate` may give shared memory.
 */
export function padMatrix(matrix: Float64Array, size: number, allocate: (length: number) => Float64Array = (n) => new Float64Array(n)): Float64Array {
  const N = paddedSize(size);
  const m = allocate(N * N);
  for (let i = 0; i < size; i++) m.set(matrix.subarray(i * size, i * size + size), i * N);
  for (let i = size; i < N; i++) m[i * N + i] = 1;
  return m;
}

/** Unblocked Cholesky of the diagonal block starting at k0 (its earlier updates done). False if not positive definite. */
export function factorDiagonalBlock(m: Float64Array, N: number, k0: number): boolean {
  const k1 = k0 + BLOCK;
  for (let i = k0; i < k1; i++) {
    for (let j = k0; j <= i; j++) {
      let sum = m[i * N + j] as number;
      for (let k = k0; k < j; k++) sum -= (m[i * N + k] as number) * (m[j * N + k] as number);
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return false;
        m[i * N + i] = Math.sqrt(sum);
      } else {
        m[i * N + j] = sum / (m[j * N + j] as number);
      }
    }
  }
  return true;
}

/**
 * After factorDiagonalBlock(k0): the panel rows [rowFrom, rowTo) of L, L[i][j] = (A[i][j] − Σ_{k<j} L[i][k] L[j][k]) / L[j][j],
 * the products subtracted in the order of k. With `kernel` (`m` on its memory) in WebAssembly (`kernel.solve`,
 * four rows at a time): the same bits as the JavaScript loop. (Before h53 the kernel's path went in steps of 24
 * columns, the products with the solved columns as dot products in two lanes: equal to rounding only, and
 * slower — decision 021.)
 */
export function solvePanel(m: Float64Array, N: number, k0: number, rowFrom: number, rowTo: number, kernel?: DotsKernel): void {
  if (rowTo <= rowFrom) return;
  if (kernel !== undefined && m.buffer === kernel.heap.buffer) {
    const at = m.byteOffset / 8;
    kernel.solve(at + rowFrom * N + k0, N, rowTo - rowFrom, at + k0 * N + k0, N, BLOCK);
    return;
  }
  for (let i = rowFrom; i < rowTo; i++) {
    const row = i * N + k0;
    for (let j = 0; j < BLOCK; j++) {
      const lj = (k0 + j) * N + k0;
      let sum = m[row + j] as number;
      for (let k = 0; k < j; k++) sum -= (m[row + k] as number) * (m[lj + k] as number);
      m[row + j] = sum / (m[lj + j] as number);
    }
  }
}

/**
 * The rows [from, from + 8·groups) of m, columns [k0, k0 + K), packed for `DotsKernel.subtractOuter` into `packed`
 * from `at`: group g (rows from + 8g …) at at + 8Kg, its K steps of eight doubles (entry k of each of its rows).
 */
export function packColumns(m: Float64Array, N: number, k0: number, K: number, from: number, groups: number, packed: Float64Array, at: number): void {
  for (let g = 0; g < groups; g++) {
    const base = at + 8 * K * g;
    for (let c = 0; c < 8; c++) {
      const row = (from + 8 * g + c) * N + k0;
      for (let k = 0; k < K; k++) packed[base + 8 * k + c] = m[row + k] as number;
    }
  }
}

/**
 * After solvePanel(k0) on every row: subtracts the panel's products from the trailing rows
 * [rowFrom, rowTo), A[i][j] −= Σ_k L[i][k] L[j][k] for k0 + BLOCK ≤ j ≤ i. `panel` is scratch of
 * N × BLOCK doubles; the panel is only read from `m`, so row ranges can be
 * updated at the same time. With `kernel`, `m` and `panel` on its memory: in WebAssembly, in outer-product
 * form (`subtractOuter`: the panel's rows packed by eight, tiles of 2 rows × 8 columns, the tiles beside the
 * diagonal writing into the unused upper triangle), each sum in the order of k as the JavaScript kernel's, so
 * the same bits. (Before h59 the WebAssembly path took dot products in two lanes, equal to rounding: still so with
 * `dotProducts`, for the bench.)
 */
export function updateTrailing(
  m: Float64Array,
  N: number,
  k0: number,
  rowFrom: number,
  rowTo: number,
  panel: Float64Array,
  kernel?: DotsKernel,
  dotProducts = false,
): void {
  const k1 = k0 + BLOCK;
  if (rowTo <= rowFrom) return;
  if (kernel !== undefined && !dotProducts && m.buffer === kernel.heap.buffer && panel.buffer === kernel.heap.buffer) {
    // Columns [k1, rowTo) in groups of eight (the last may take rows past rowTo: still inside N, which is k1 plus
    // a multiple of BLOCK, and only read), at the start of `panel`; each band's rows copied after them, in the
    // last BLOCK × BLOCK of `panel` (the packed columns take at most N − BLOCK rows).
    const groups = Math.ceil((rowTo - k1) / 8);
    packColumns(m, N, k0, BLOCK, k1, groups, panel, 0);
    const rowsAt = (N - BLOCK) * BLOCK;
    for (let band = rowFrom; band < rowTo; band += OUTER_BAND) {
      const bandEnd = Math.min(rowTo, band + OUTER_BAND);
      for (let i = band; i < bandEnd; i++) panel.set(m.subarray(i * N + k0, i * N + k1), rowsAt + (i - band) * BLOCK);
      const at = panel.byteOffset / 8;
      kernel.subtractOuter(
        at + rowsAt,
        BLOCK,
        at,
        8 * BLOCK,
        BLOCK,
        m.byteOffset / 8 + band * N + k1,
        N,
        bandEnd - band,
        Math.ceil((bandEnd - k1) / 8),
        band - k1,
      );
    }
    return;
  }
  for (let i = k1; i < rowTo; i++) panel.set(m.subarray(i * N + k0, i * N + k1), (i - k1) * BLOCK);
  // In bands of 48 rows against 48 columns (cache); tiles above the diagonal write only into the
  // upper triangle, which is never read.
  for (let band = rowFrom; band < rowTo; band += 48) {
    const bandEnd = Math.min(rowTo, band + 48);
    for (let j0 = k1; j0 < bandEnd; j0 += 48) {
      const j1 = Math.min(j0 + 48, bandEnd);
      subtractDots(panel, (band - k1) * BLOCK, BLOCK, panel, (j0 - k1) * BLOCK, BLOCK, BLOCK, m, band * N + j0, N, 1, bandEnd - band, j1 - j0, kernel);
    }
  }
}

/** Row boundaries splitting the trailing update after column k1 into `parts` of about equal work (multiples of 3 rows). */
export function trailingSplit(N: number, k1: number, parts: number): number[] {
  const bounds = [k1];
  for (let t = 1; t < parts; t++) {
    const at = k1 + Math.round(((N - k1) * Math.sqrt(t / parts)) / 3) * 3;
    bounds.push(Math.min(N, Math.max(bounds[t - 1] as number, at)));
  }
  bounds.push(N);
  return bounds;
}

/** Cholesky factorisation in place (lower triangle) of a padded matrix; false if not positive definite. */
export function choleskyInPlace(m: Float64Array, N: number, kernel?: DotsKernel): boolean {
  const panel = kernel?.scratch(0, N * BLOCK) ?? new Float64Array(N * BLOCK);
  for (let k0 = 0; k0 < N; k0 += BLOCK) {
    if (!factorDiagonalBlock(m, N, k0)) return false;
    solvePanel(m, N, k0, k0 + BLOCK, N, kernel);
    updateTrailing(m, N, k0, k0 + BLOCK, N, panel, kernel);
  }
  return true;
}

/**
 * Boundaries of the blocks of columns of L⁻¹: whole groups (`groupStart`, ascending, ending with the
 * size), about COLUMN_BLOCK wide.
 */
export function columnBlocks(groupStart: Int32Array): Int32Array {
  const bounds = [groupStart[0] as number];
  for (let g = 1; g < groupStart.length; g++) {
    const at = groupStart[g] as number;
    if (at - (bounds[bounds.length - 1] as number) >= COLUMN_BLOCK || g === groupStart.length - 1) bounds.push(at);
  }
  return Int32Array.from(bounds);
}

/**
 * Boundaries (indices into the blocks of `bounds`) splitting the columns of L⁻¹ into `parts` of about equal
 * work, a block's being (N − its first column)² × its width.
 */
export function inverseSplit(N: number, bounds: Int32Array, parts: number): number[] {
  const blocks = bounds.length - 1;
  const cost = (t: number) => (N - (bounds[t] as number)) ** 2 * ((bounds[t + 1] as number) - (bounds[t] as number));
  let total = 0;
  for (let t = 0; t < blocks; t++) total += cost(t);
  const cut = [0];
  let sum = 0;
  for (let t = 0; t < blocks && cut.length < parts; t++) {
    sum += cost(t);
    if (sum >= (total * cut.length) / parts) cut.push(t + 1);
  }
  while (cut.length <= parts) cut.push(blocks);
  return cut;
}

/**
 * For the blocks of columns [blockFrom, blockTo) of `bounds`: the columns of L⁻¹ (L the factor in `m`)
 * and, for every parameter p of those columns, the entries (p, p), (p, p + 1), (p, p + 2) of A⁻¹ that lie
 * in p's group, written to band[3p …] (the other entries are left alone). With `kernel` (`m` on its
 * memory, blocks at most BLOCK wide), the columns are kept in its scratch and the products run in WebAssembly:
 * in outer-product form (`subtractOuter`, h59: X also packed by eight columns, each sum in the order of k as the
 * JavaScript loops') when X and its packed copy fit in the scratch (blocks up to 48 wide), else as dot products in two
 * lanes (`subtractDots`, equal to rounding; also with `dotProducts`, the path before h59, for the bench and tests).
 */
export function inverseBand(
  m: Float64Array,
  N: number,
  groupStart: Int32Array,
  bounds: Int32Array,
  blockFrom: number,
  blockTo: number,
  band: Float64Array,
  kernel?: DotsKernel,
  dotProducts = false,
): void {
  let width = 0;
  for (let t = blockFrom; t < blockTo; t++) width = Math.max(width, (bounds[t + 1] as number) - (bounds[t] as number));
  const inKernel = kernel !== undefined && width <= BLOCK;
  // With the kernel, X is also kept packed by groups of eight columns (its rows from c0 on) for `subtractOuter`, when
  // both fit in the scratch; otherwise the products are dot products (`subtractDots`).
  const packedWidth = Math.ceil(width / 8) * 8;
  const outer = inKernel && !dotProducts && width + packedWidth <= BLOCK;
  const region = inKernel ? kernel.scratch(0, (outer ? width + packedWidth : width) * N) : new Float64Array(width * N);
  const xt = region.subarray(0, width * N); // X transposed: column c of L⁻¹ E_J is row c
  const xp = region.subarray(width * N);
  const partial = inKernel ? kernel.scratch(1, SOLVE_ROWS * packedWidth) : new Float64Array(SOLVE_ROWS * width);
  // Group of each parameter, by its end.
  const size = groupStart[groupStart.length - 1] as number;
  const groupEnd = new Int32Array(size);
  for (let g = 0; g + 1 < groupStart.length; g++)
    for (let p = groupStart[g] as number; p < (groupStart[g + 1] as number); p++) groupEnd[p] = groupStart[g + 1] as number;
  for (let t = blockFrom; t < blockTo; t++) {
    const c0 = bounds[t] as number;
    const w = (bounds[t + 1] as number) - c0;
    const groups = Math.ceil(w / 8);
    const stride = outer ? 8 * groups : w; // of `partial`'s rows
    const groupStride = 8 * (N - c0); // of `xp`, in doubles
    xt.fill(0);
    for (let i0 = c0; i0 < N; i0 += SOLVE_ROWS) {
      const i1 = Math.min(N, i0 + SOLVE_ROWS);
      partial.fill(0);
      // −Σ_{c0 ≤ k < i0} L[i][k] X[k][c] for the rows of this block.
      if (i0 > c0 && outer) {
        const at = m.byteOffset / 8;
        kernel.subtractOuter(at + i0 * N + c0, N, xp.byteOffset / 8, groupStride, i0 - c0, partial.byteOffset / 8, stride, i1 - i0, groups, stride);
      } else if (i0 > c0) subtractDots(m, i0 * N + c0, N, xt, c0, N, i0 - c0, partial, 0, w, 1, i1 - i0, w, inKernel ? kernel : undefined);
      if (inKernel) {
        // The right-hand sides into X, then the triangle in WebAssembly (the same bits as the loop below).
        for (let c = 0; c < w; c++) for (let i = i0; i < i1; i++) xt[c * N + i] = (partial[(i - i0) * stride + c] as number) + (i === c0 + c ? 1 : 0);
        kernel.solve(xt.byteOffset / 8 + i0, N, w, m.byteOffset / 8 + i0 * N + i0, N, i1 - i0);
        // These rows of X packed (the columns past w as zeros).
        if (outer)
          for (let c = 0; c < 8 * groups; c++) {
            const to = (c >> 3) * groupStride + (c & 7) + 8 * (i0 - c0);
            for (let i = i0; i < i1; i++) xp[to + 8 * (i - i0)] = c < w ? (xt[c * N + i] as number) : 0;
          }
        continue;
      }
      for (let i = i0; i < i1; i++) {
        const li = i * N;
        const diagonal = m[li + i] as number;
        for (let c = 0; c < w; c++) {
          let sum = (partial[(i - i0) * w + c] as number) + (i === c0 + c ? 1 : 0);
          const xc = c * N;
          for (let k = i0; k < i; k++) sum -= (m[li + k] as number) * (xt[xc + k] as number);
          xt[xc + i] = sum / diagonal;
        }
      }
    }
    // A⁻¹[p][q] = Σ_k X[k][p] X[k][q] within each group.
    for (let c = 0; c < w; c++) {
      const p = c0 + c;
      for (let e = 0; e < 3 && p + e < (groupEnd[p] as number); e++) {
        const x = c * N;
        const y = (c + e) * N;
        let s = 0;
        for (let k = p + e; k < N; k++) s += (xt[x + k] as number) * (xt[y + k] as number);
        band[3 * p + e] = s;
      }
    }
  }
}

/**
 * The entries of the inverse that the SEs need — (p, p), (p, p + 1), (p, p + 2) within each group of
 * `groupStart` — as band[3p + e], or null when the matrix is not positive definite. One thread.
 */
export function inverseDiagonalBlocks(matrix: Float64Array, size: number, groupStart: Int32Array): Float64Array | null {
  return inverseDiagonalBlocksInPlace(padMatrix(matrix, size), paddedSize(size), groupStart);
}

/** The same on a padded matrix (see padMatrix), which it overwrites with the factor; `kernel` as choleskyInPlace's. */
export function inverseDiagonalBlocksInPlace(m: Float64Array, N: number, groupStart: Int32Array, kernel?: DotsKernel): Float64Array | null {
  if (!choleskyInPlace(m, N, kernel)) return null;
  const bounds = columnBlocks(groupStart);
  const band = new Float64Array(3 * (groupStart[groupStart.length - 1] as number));
  inverseBand(m, N, groupStart, bounds, 0, bounds.length - 1, band, kernel);
  return band;
}

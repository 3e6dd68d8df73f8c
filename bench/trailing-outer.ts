/**
 * The trailing update of the blocked factorisation, one thread, in one process: h59's outer-product kernel
 * (`updateTrailing` with the kernel: the panel packed by eight columns, `subtractOuter`) against the dot-product
 * kernel it replaced (the panel copied, `subtractDots` on 48 × 48 blocks, as before h59: `updateTrailing(…, true)`), on the same input at every
 * step: the trailing rows are saved, updated by one kernel, restored, updated by the other (which goes first
 * alternates by step), and the factorisation goes on from the outer-product kernel's result. Prints, per round,
 * the CPU milliseconds of each kernel's updates (the packing included), their G multiply–adds per second, and the
 * largest difference between the two updates' entries relative to √(A_ii·A_jj) (the update's scale).
 * Run: node --import tsx bench/trailing-outer.ts [size = 4000] [rounds = 3]
 */
import { loadavg } from 'node:os';
import { BLOCK, columnBlocks, factorDiagonalBlock, inverseBand, solvePanel, updateTrailing } from '../engine/calibration/linalg-blocked';
import { cpuMs as cpu, dominantMatrix } from './dominant-matrix';

const size = Number(process.argv[2] ?? 4000);
const rounds = Number(process.argv[3] ?? 3);
const { N, m, dots, fill } = dominantMatrix(size);
const panel = dots.scratch(0, N * BLOCK);
const saved = new Float64Array(N * N);
const dotResult = new Float64Array(N * N);
for (let round = 0; round < rounds; round++) {
  fill();
  const spent = { dots: 0, outer: 0 };
  let worst = 0;
  for (let k0 = 0; k0 < N; k0 += BLOCK) {
    factorDiagonalBlock(m, N, k0);
    solvePanel(m, N, k0, k0 + BLOCK, N, dots);
    const k1 = k0 + BLOCK;
    if (k1 === N) break;
    saved.set(m.subarray(k1 * N), k1 * N);
    const order = (k0 / BLOCK) % 2 === 0 ? (['dots', 'outer'] as const) : (['outer', 'dots'] as const);
    for (const arm of order) {
      m.set(saved.subarray(k1 * N), k1 * N);
      const t = cpu();
      if (arm === 'outer') updateTrailing(m, N, k0, k1, N, panel, dots);
      else updateTrailing(m, N, k0, k1, N, panel, dots, true);
      spent[arm] += cpu() - t;
      if (arm === 'dots') dotResult.set(m.subarray(k1 * N), k1 * N);
    }
    if (order[1] === 'dots') {
      // Go on from the outer-product update.
      m.set(saved.subarray(k1 * N), k1 * N);
      updateTrailing(m, N, k0, k1, N, panel, dots);
    }
    for (let i = k1; i < N; i++)
      for (let j = k1; j <= i; j++) {
        const scale = Math.sqrt(Math.abs((m[i * N + i] as number) * (m[j * N + j] as number)));
        worst = Math.max(worst, Math.abs((m[i * N + j] as number) - (dotResult[i * N + j] as number)) / scale);
      }
  }
  const madds = N ** 3 / 6;
  console.log(
    `round ${round + 1}: updates dot products ${spent.dots.toFixed(0)} ms CPU (${(madds / spent.dots / 1e6).toFixed(2)} G/s), ` +
      `outer product ${spent.outer.toFixed(0)} ms (${(madds / spent.outer / 1e6).toFixed(2)} G/s), ratio ${(spent.outer / spent.dots).toFixed(3)}; ` +
      `largest difference ${worst.toExponential(2)}; load ${(loadavg()[0] as number).toFixed(1)}`,
  );
}

// The columns of L⁻¹ on the factor just made (not destructive): the outer-product products against the dot products,
// alternately, and the largest difference between their bands relative to √(band_pp·band_qq).
const groups = Int32Array.from({ length: Math.floor(size / 2) + 1 }, (_, g) => 2 * g);
const bounds = columnBlocks(groups);
const bands = { dots: new Float64Array(3 * size), outer: new Float64Array(3 * size) };
for (let round = 0; round < rounds; round++) {
  const spent = { dots: 0, outer: 0 };
  for (const arm of round % 2 === 0 ? (['dots', 'outer'] as const) : (['outer', 'dots'] as const)) {
    const t = cpu();
    inverseBand(m, N, groups, bounds, 0, bounds.length - 1, bands[arm], dots, arm === 'dots');
    spent[arm] += cpu() - t;
  }
  let worst = 0;
  for (let p = 0; p < size; p++)
    for (let e = 0; e < 3; e++) {
      const q = p + e;
      if (q >= size || (groups[p >> 1] as number) !== (groups[q >> 1] as number)) continue;
      const scale = Math.sqrt((bands.dots[3 * p] as number) * (bands.dots[3 * q] as number));
      worst = Math.max(worst, Math.abs((bands.outer[3 * p + e] as number) - (bands.dots[3 * p + e] as number)) / scale);
    }
  const madds = N ** 3 / 6;
  console.log(
    `inverse round ${round + 1}: dot products ${spent.dots.toFixed(0)} ms CPU (${(madds / spent.dots / 1e6).toFixed(2)} G/s), ` +
      `outer product ${spent.outer.toFixed(0)} ms (${(madds / spent.outer / 1e6).toFixed(2)} G/s), ratio ${(spent.outer / spent.dots).toFixed(3)}; ` +
      `largest difference ${worst.toExponential(2)}; load ${(loadavg()[0] as number).toFixed(1)}`,
  );
}

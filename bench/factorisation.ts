/**
 * The blocked Cholesky factorisation and the diagonal blocks of its inverse (linalg-blocked.ts) in one
 * thread, with the WebAssembly dot kernel, on a random diagonally dominant matrix: CPU milliseconds by
 * part (diagonal blocks, panel solve, trailing update, columns of L⁻¹) and multiply–adds per second.
 * Each round runs the panel solve in JavaScript and with the kernel (since h53 the same bits: `kernel.solve`), alternately.
 * Run: node --import tsx bench/factorisation.ts [size = 4000] [rounds = 2]
 */
import { loadavg } from 'node:os';
import { BLOCK, columnBlocks, factorDiagonalBlock, inverseBand, solvePanel, updateTrailing } from '../engine/calibration/linalg-blocked';
import { cpuMs as cpu, dominantMatrix } from './dominant-matrix';

const size = Number(process.argv[2] ?? 4000);
const rounds = Number(process.argv[3] ?? 2);
const { N, m, dots, fill } = dominantMatrix(size);
const groups = Int32Array.from({ length: Math.floor(size / 2) + 1 }, (_, g) => 2 * g);

for (let round = 0; round < rounds; round++) {
  for (const panelKernel of [false, true]) {
    fill();
    const spent = { diagonal: 0, panel: 0, update: 0 };
    const panel = dots.scratch(0, N * BLOCK);
    const started = cpu();
    for (let k0 = 0; k0 < N; k0 += BLOCK) {
      let t = cpu();
      factorDiagonalBlock(m, N, k0);
      spent.diagonal += cpu() - t;
      t = cpu();
      solvePanel(m, N, k0, k0 + BLOCK, N, panelKernel ? dots : undefined);
      spent.panel += cpu() - t;
      t = cpu();
      updateTrailing(m, N, k0, k0 + BLOCK, N, panel, dots);
      spent.update += cpu() - t;
    }
    const factored = cpu();
    const bounds = columnBlocks(groups);
    const band = new Float64Array(3 * (groups[groups.length - 1] as number));
    inverseBand(m, N, groups, bounds, 0, bounds.length - 1, band, dots);
    const inverse = cpu() - factored;
    const sixth = N ** 3 / 6; // multiply–adds of the trailing updates, and of the columns of L⁻¹
    console.log(
      `round ${round + 1}, panel ${panelKernel ? 'WebAssembly' : 'JavaScript'}: factor ${(factored - started).toFixed(0)} ms CPU ` +
        `(diagonal ${spent.diagonal.toFixed(0)}, panel ${spent.panel.toFixed(0)}, update ${spent.update.toFixed(0)}: ${(sixth / spent.update / 1e6).toFixed(2)} G multiply–adds/s), ` +
        `inverse ${inverse.toFixed(0)} ms (${(sixth / inverse / 1e6).toFixed(2)} G/s), band[0] ${band[0]}, load ${(loadavg()[0] as number).toFixed(1)}`,
    );
  }
}

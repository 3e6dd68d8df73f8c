/**
 * The balance of the factorisation's work between threads (lever 3 of h53's brief): the shares the threaded
 * runner gives each of T threads (engine/calibration/parallel: the panel by equal rows, the trailing update
 * by `trailingSplit`, the columns of L⁻¹ by `inverseSplit`), each timed alone in this thread (CPU ms) so that the
 * machine's other jobs do not enter the comparison; also the main thread's serial part (the diagonal blocks)
 * and the number of barriers (two per step). Run: node --import tsx bench/factorisation-split.ts [size = 4000] [T = 2]
 */
import { loadavg } from 'node:os';
import {
  BLOCK,
  columnBlocks,
  factorDiagonalBlock,
  inverseBand,
  inverseSplit,
  solvePanel,
  trailingSplit,
  updateTrailing,
} from '../engine/calibration/linalg-blocked';
import { cpuMs as cpu, dominantMatrix } from './dominant-matrix';

const size = Number(process.argv[2] ?? 4000);
const T = Number(process.argv[3] ?? 2);
const { N, m, dots, fill } = dominantMatrix(size);
fill();
const panelMs = new Float64Array(T);
const updateMs = new Float64Array(T);
const inverseMs = new Float64Array(T);
let diagonalMs = 0;
// Per step, the slowest share is what the step's barrier waits for.
let panelCritical = 0;
let updateCritical = 0;
const panel = dots.scratch(0, N * BLOCK);
for (let k0 = 0; k0 < N; k0 += BLOCK) {
  let t = cpu();
  factorDiagonalBlock(m, N, k0);
  diagonalMs += cpu() - t;
  const k1 = k0 + BLOCK;
  if (k1 >= N) break;
  const rows = (k: number) => k1 + Math.round(((N - k1) * k) / T);
  let slowest = 0;
  for (let k = 0; k < T; k++) {
    t = cpu();
    solvePanel(m, N, k0, rows(k), rows(k + 1), dots);
    const spent = cpu() - t;
    panelMs[k] = (panelMs[k] as number) + spent;
    slowest = Math.max(slowest, spent);
  }
  panelCritical += slowest;
  const split = trailingSplit(N, k1, T);
  slowest = 0;
  for (let k = 0; k < T; k++) {
    t = cpu();
    updateTrailing(m, N, k0, split[k] as number, split[k + 1] as number, panel, dots);
    const spent = cpu() - t;
    updateMs[k] = (updateMs[k] as number) + spent;
    slowest = Math.max(slowest, spent);
  }
  updateCritical += slowest;
}
const groups = Int32Array.from({ length: Math.floor(size / 2) + 1 }, (_, g) => 2 * g);
const bounds = columnBlocks(groups);
const cut = inverseSplit(N, bounds, T);
const band = new Float64Array(3 * size);
for (let k = 0; k < T; k++) {
  const t = cpu();
  inverseBand(m, N, groups, bounds, cut[k] as number, cut[k + 1] as number, band, dots);
  inverseMs[k] = cpu() - t;
}
const list = (a: Float64Array) => Array.from(a, (v) => v.toFixed(0)).join(' / ');
const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
const inverseCritical = Math.max(...inverseMs);
const ideal = (sum(panelMs) + sum(updateMs) + sum(inverseMs)) / T + diagonalMs;
const critical = panelCritical + updateCritical + inverseCritical + diagonalMs;
console.log(
  `n ${N}, ${T} threads, CPU ms by thread: panel ${list(panelMs)}, update ${list(updateMs)}, inverse ${list(inverseMs)}; ` +
    `serial diagonal blocks ${diagonalMs.toFixed(0)}; ${2 * (N / BLOCK - 1) + 1} barriers`,
);
console.log(
  `critical path (slowest share of each step) ${critical.toFixed(0)} ms against perfect balance ${ideal.toFixed(0)} ms: ` +
    `×${(critical / ideal).toFixed(3)}; load ${(loadavg()[0] as number).toFixed(1)}`,
);

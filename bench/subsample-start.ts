/**
 * Does a start from EM on a subsample of the rows save full E-steps? The 10.5M bench's design at `persons` persons (2,000
 * items, 15 answers each), one thread, per-item Louis blocks (only the EM and the final pass run): a cold calibration,
 * then for each (k, tolerance) EM on every k-th row to that tolerance and the full data from its estimates (settings'
 * `start`) to the usual criterion. Prints the cycles of each and the largest differences to the cold run's estimates.
 * Run: node --import tsx bench/subsample-start.ts [persons = 100000]
 */
import { loadavg } from 'node:os';
import { calibrate, type CalibrationSettings } from '../engine/calibration';
import type { ResponseData } from '../engine/calibration/data';
import { sparseDesign } from './sparse-design';

const persons = Number(process.argv[2] ?? 100_000);
const { data } = sparseDesign(persons);

/** Every k-th row of the data (weights 1: the design has none). */
function everyKthRow(source: ResponseData, k: number): ResponseData {
  const kept: number[] = [];
  for (let row = 0; row + 1 < source.rowStart.length; row += k) kept.push(row);
  const rowStart = new Int32Array(kept.length + 1);
  kept.forEach((row, r) => (rowStart[r + 1] = (rowStart[r] as number) + (source.rowStart[row + 1] as number) - (source.rowStart[row] as number)));
  const answers = rowStart[kept.length] as number;
  const items = new Int32Array(answers);
  const scores = new Uint8Array(answers);
  kept.forEach((row, r) => {
    const from = source.rowStart[row] as number;
    const to = source.rowStart[row + 1] as number;
    items.set(source.items.subarray(from, to), rowStart[r] as number);
    scores.set(source.scores.subarray(from, to), rowStart[r] as number);
  });
  return { itemIds: source.itemIds, rowStart, items, scores, weights: null };
}

const settings: CalibrationSettings = { standardErrors: 'louis-block' };
const cold = await calibrate(data, settings);
console.log(`cold start: ${cold.iterations} cycles (load ${(loadavg()[0] as number).toFixed(2)})`);
for (const [k, tolerance] of [
  [4, 1e-3],
  [8, 1e-3],
  [4, 1e-2],
  [8, 1e-2],
  [16, 1e-2],
] as const) {
  const sub = await calibrate(everyKthRow(data, k), { ...settings, tolerance });
  const warm = await calibrate(data, { ...settings, start: sub.items.map(({ item, a, d }) => ({ item, a, d })) });
  let a = 0;
  let d = 0;
  warm.items.forEach((x, i) => {
    a = Math.max(a, Math.abs(x.a - (cold.items[i]?.a as number)));
    d = Math.max(d, Math.abs(x.d - (cold.items[i]?.d as number)));
  });
  console.log(
    `every ${k}th row to ${tolerance}: ${sub.iterations} cycles there (${(sub.iterations / k).toFixed(2)} full E-steps), then ${warm.iterations} full cycles: ` +
      `${(sub.iterations / k + warm.iterations).toFixed(2)} against ${cold.iterations}; largest |Δa| ${a.toExponential(2)}, |Δd| ${d.toExponential(2)} from the cold run`,
  );
}

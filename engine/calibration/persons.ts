/** Ability estimates (EAP and posterior SD) of the persons of a data set under calibrated parameters. */
import { selectItems, type ResponseData } from './data';
import type { CalibrationResult } from './em';
import { computeRowAbilities, type ItemParameterArrays, type Quadrature, type RowScores } from './kernel';

export type { RowScores } from './kernel';

/**
 * EAP θ̂ and posterior SD of every row of `data`, with the parameters and latent distribution of
 * a calibration run. Items are matched by id; answers to items the run does not know are ignored.
 */
export function scorePersons(data: ResponseData, result: CalibrationResult): { theta: Float64Array; sd: Float64Array } {
  const index = new Map(result.items.map((item, i) => [item.item, i] as const));
  const a = new Float64Array(data.itemIds.length);
  const d = new Float64Array(data.itemIds.length);
  const c = result.parameters.c === undefined ? undefined : new Float64Array(data.itemIds.length);
  // Answers to items the run does not know are dropped (a = d = 0 would still be harmless, but be explicit).
  const keep = new Int32Array(data.itemIds.length).fill(-1);
  data.itemIds.forEach((id, i) => {
    const k = index.get(id);
    if (k === undefined) return;
    a[i] = result.parameters.a[k] as number;
    d[i] = result.parameters.d[k] as number;
    if (c !== undefined) c[i] = result.parameters.c?.[k] as number;
    keep[i] = i;
  });
  const usable = keep.includes(-1) ? selectItems(data, keep, data.itemIds) : data;
  return computeRowAbilities(usable, c === undefined ? { a, d } : { a, d, c }, result.quadrature);
}

/** Adds one answer to the sums [l₀, E[l₀], Var[l₀]] of lz. */
export function addToLz(sums: Float64Array, a: number, d: number, c: number, score: number, theta: number): void {
  const z = a * theta + d;
  if (c !== 0) {
    // 3PL: the same sums with P = c + (1 − c)·logistic(z).
    const p = c + (1 - c) / (1 + Math.exp(-z));
    const logP = Math.log(p);
    const logQ = Math.log1p(-p);
    sums[0] = (sums[0] as number) + (score === 1 ? logP : logQ);
    sums[1] = (sums[1] as number) + (p * logP + (1 - p) * logQ);
    sums[2] = (sums[2] as number) + p * (1 - p) * (logP - logQ) * (logP - logQ);
    return;
  }
  // ln P and ln(1 − P) without cancellation; ln(P / (1 − P)) = z.
  const logP = z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  const logQ = logP - z;
  const p = Math.exp(logP);
  sums[0] = (sums[0] as number) + (score === 1 ? logP : logQ);
  sums[1] = (sums[1] as number) + (p * logP + (1 - p) * logQ);
  sums[2] = (sums[2] as number) + p * (1 - p) * z * z;
}

/** lz from the sums of addToLz; null when the variance is 0 (no answers). */
export function lzOf(sums: Float64Array): number | null {
  const variance = sums[2] as number;
  return variance > 0 ? ((sums[0] as number) - (sums[1] as number)) / Math.sqrt(variance) : null;
}

/**
 * θ̂, SD and lz of every row of `data` at `params` (indexed like data.itemIds): the arithmetic of
 * scorePersons and personFit (diagnostics.ts), so the same values bit for bit. A pass over the rows that
 * the calibration's threads run on their shards after the last pass (calibrate's `rowScores` option),
 * instead of the main thread afterwards.
 */
export function scoreRows(data: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): RowScores {
  const { theta, sd } = computeRowAbilities(data, params, quadrature);
  const rows = data.rowStart.length - 1;
  const lz = new Float64Array(rows);
  const sums = new Float64Array(3);
  for (let r = 0; r < rows; r++) lz[r] = rowLz(data, r, params, theta[r] as number, sums);
  return { theta, sd, lz };
}

/** lz of one row of `data` at θ̂ = `theta` (NaN when it has no answer); `sums` is scratch (three numbers). */
export function rowLz(data: ResponseData, row: number, params: ItemParameterArrays, theta: number, sums: Float64Array): number {
  const { a, d, c } = params;
  sums.fill(0);
  for (let j = data.rowStart[row] as number; j < (data.rowStart[row + 1] as number); j++) {
    const k = data.items[j] as number;
    addToLz(sums, a[k] as number, d[k] as number, c === undefined ? 0 : (c[k] as number), data.scores[j] === 1 ? 1 : 0, theta);
  }
  return lzOf(sums) ?? NaN;
}

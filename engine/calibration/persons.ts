/** Ability estimates (EAP and posterior SD) of the persons of a data set under calibrated parameters. */
import { selectItems, type ResponseData } from './data';
import type { CalibrationResult } from './em';
import { computeRowAbilities } from './kernel';

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

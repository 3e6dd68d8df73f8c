/** Ability estimates (EAP and posterior SD) of the persons of a data set under calibrated parameters. */
import type { ResponseData } from './data';
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
  const known = new Uint8Array(data.itemIds.length);
  data.itemIds.forEach((id, i) => {
    const k = index.get(id);
    if (k === undefined) return;
    a[i] = result.parameters.a[k] as number;
    d[i] = result.parameters.d[k] as number;
    if (c !== undefined) c[i] = result.parameters.c?.[k] as number;
    known[i] = 1;
  });
  let usable = data;
  if (known.includes(0)) {
    // Drop answers to unknown items (a = d = 0 would still be harmless, but be explicit).
    const rows = data.rowStart.length - 1;
    const rowStart = new Int32Array(rows + 1);
    const items: number[] = [];
    const scores: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
        const i = data.items[j] as number;
        if (known[i] !== 1) continue;
        items.push(i);
        scores.push(data.scores[j] as number);
      }
      rowStart[r + 1] = items.length;
    }
    usable = { ...data, rowStart, items: Int32Array.from(items), scores: Uint8Array.from(scores) };
  }
  return computeRowAbilities(usable, c === undefined ? { a, d } : { a, d, c }, result.quadrature);
}

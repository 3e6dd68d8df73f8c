import { describe, expect, it } from 'vitest';
import { gridNodes, normalWeights } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { collapsePatterns } from './data';
import { DEFAULT_PRIORS, maximiseItem, type CalibrationModel, type PriorSettings } from './mstep';
import { createLocalRunner } from './runner';

/** FNV-1a over the bytes of the values: equal digests, the same bits. */
function digest(values: readonly number[]): string {
  let h = 0x811c9dc5;
  for (const byte of new Uint8Array(Float64Array.from(values).buffer)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16);
}

describe('the item M-step', () => {
  it('gives the previous path’s values bit for bit now that an accepted step’s evaluation serves the next Newton step', () => {
    const sim = simulateCalibrationData(createRandom(17), { items: 120, persons: 4000, design: { kind: 'random', perPerson: 15 } });
    const data = collapsePatterns(sim.data).data;
    const nodes = gridNodes(-6, 6, 41);
    const stats = createLocalRunner(data).expectations(
      { a: new Float64Array(120).fill(1), d: new Float64Array(120) },
      { nodes, weights: normalWeights(nodes, 0, 1) },
    );
    if (stats instanceof Promise) throw new Error('the local runner is synchronous');
    const noPriors: PriorSettings = { slope: null, intercept: null };
    const values: number[] = [];
    for (const [model, priors] of [
      ['2pl', DEFAULT_PRIORS],
      ['2pl', noPriors],
      ['rasch', DEFAULT_PRIORS],
    ] as [CalibrationModel, PriorSettings][]) {
      for (let i = 0; i < 120; i++) {
        const next = maximiseItem(stats, i, nodes, 0.3 + (i % 7) * 0.4, -2 + (i % 9) * 0.5, model, priors);
        values.push(next.a, next.d);
      }
    }
    expect(values.slice(0, 4)).toEqual([0.9065442342019018, 0.15800373974270066, 0.8951540903161446, 0.5895015133112538]);
    // Recorded with the code of main before the change (65b1ee2), which evaluated each accepted point twice.
    expect(digest(values)).toBe('2fdc00e5');
  });
});

import { describe, expect, it } from 'vitest';
import { gridNodes, normalWeights } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { collapsePatterns } from './data';
import {
  DEFAULT_PRIORS,
  INTERCEPT_BOUNDS,
  SLOPE_BOUNDS,
  clampTo,
  itemObjective,
  logPrior,
  logPriorDerivatives,
  maximiseItem,
  type CalibrationModel,
  type PriorSettings,
} from './mstep';
import { createLocalRunner } from './runner';
import type { SufficientStatistics } from './kernel';

/**
 * The Newton ascent as it was before an accepted step's evaluation served the next step (h32): each
 * step evaluates the objective at the current point again. The reference for identical results.
 */
function maximiseItemEvaluatingTwice(
  stats: SufficientStatistics,
  item: number,
  nodes: Float64Array,
  a0: number,
  d0: number,
  model: CalibrationModel,
  priors: PriorSettings,
) {
  const offset = item * stats.nodeCount;
  const objective = (a: number, d: number) => {
    const prior = logPrior(a, d, model, priors);
    return prior === -Infinity ? -Infinity : itemObjective(stats.r, stats.n, offset, nodes, a, d).value + prior;
  };
  let a = model === 'rasch' ? 1 : a0;
  let d = d0;
  let current = objective(a, d);
  for (let iter = 0; iter < 50; iter++) {
    const f = itemObjective(stats.r, stats.n, offset, nodes, a, d);
    const pr = logPriorDerivatives(a, d, model, priors);
    const gd = f.gd + pr.gd;
    const hdd = f.hdd + pr.hdd;
    let stepA = 0;
    let stepD: number;
    if (model === 'rasch') stepD = hdd < 0 ? -gd / hdd : gd * 0.1;
    else {
      const ga = f.ga + pr.ga;
      const haa = f.haa + pr.haa;
      const det = haa * hdd - f.had * f.had;
      if (haa < 0 && det > 0) {
        stepA = -(hdd * ga - f.had * gd) / det;
        stepD = -(-f.had * ga + haa * gd) / det;
      } else {
        const scale = 1 / Math.max(1e-8, Math.abs(haa) + Math.abs(hdd));
        stepA = ga * scale;
        stepD = gd * scale;
      }
    }
    const size = Math.max(Math.abs(stepA), Math.abs(stepD));
    if (size > 1) {
      stepA /= size;
      stepD /= size;
    }
    let accepted = false;
    for (let half = 0; half < 30; half++) {
      const na = model === 'rasch' ? 1 : clampTo(a + stepA, SLOPE_BOUNDS);
      const nd = clampTo(d + stepD, INTERCEPT_BOUNDS);
      const value = objective(na, nd);
      if (value >= current) {
        const moved = Math.max(Math.abs(na - a), Math.abs(nd - d));
        a = na;
        d = nd;
        current = value;
        accepted = moved > 0;
        break;
      }
      stepA *= 0.5;
      stepD *= 0.5;
    }
    if (!accepted || Math.max(Math.abs(stepA), Math.abs(stepD)) < 1e-10) break;
  }
  return { a, d };
}

describe('the item M-step', () => {
  it('gives the previous path’s values exactly: an accepted step’s evaluation serves the next Newton step', () => {
    const sim = simulateCalibrationData(createRandom(17), { items: 120, persons: 4000, design: { kind: 'random', perPerson: 15 } });
    const data = collapsePatterns(sim.data).data;
    const nodes = gridNodes(-6, 6, 41);
    const stats = createLocalRunner(data).expectations(
      { a: new Float64Array(120).fill(1), d: new Float64Array(120) },
      { nodes, weights: normalWeights(nodes, 0, 1) },
    );
    if (stats instanceof Promise) throw new Error('the local runner is synchronous');
    const noPriors: PriorSettings = { slope: null, intercept: null };
    for (const [model, priors] of [
      ['2pl', DEFAULT_PRIORS],
      ['2pl', noPriors],
      ['rasch', DEFAULT_PRIORS],
    ] as const) {
      for (let i = 0; i < 120; i++) {
        const start = [0.3 + (i % 7) * 0.4, -2 + (i % 9) * 0.5] as const;
        expect(maximiseItem(stats, i, nodes, start[0], start[1], model, priors)).toEqual(
          maximiseItemEvaluatingTwice(stats, i, nodes, start[0], start[1], model, priors),
        );
      }
    }
  });
});

/** Shared by the Louis pass tests: model states near a simulation's truth, and the priors they use. */
import type { ModelState } from './mstep';
import type { RandomGenerator } from '../random';

/** Parameters near the truth, perturbed so that nothing depends on being at the optimum. */
export function stateNear(rng: RandomGenerator, items: readonly { a: number; b: number }[], extra: Partial<ModelState> = {}): ModelState {
  return {
    a: Float64Array.from(items, (item) => item.a * (0.9 + 0.2 * rng.next())),
    d: Float64Array.from(items, (item) => -item.a * item.b + 0.2 * (rng.next() - 0.5)),
    mean: 0,
    sd: 1,
    ...extra,
  };
}

export const louisTestPriors = { slope: { meanlog: 0, sdlog: 0.5 }, intercept: { mean: 0, sd: 2 } };

/** Shared by the Louis pass tests: model states near a simulation's truth, and the priors they use. */
import type { ObservedInformation } from './information';
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

/** Largest |candidate − reference| over two information matrices (same parameters), relative to the reference's largest diagonal entry. */
export function worstRelativeToDiagonal(reference: ObservedInformation, candidate: ObservedInformation): number {
  const P = reference.parameters.length;
  let scale = 0;
  for (let k = 0; k < P; k++) scale = Math.max(scale, Math.abs(reference.information[k * P + k] as number));
  let worst = 0;
  for (let k = 0; k < P * P; k++) worst = Math.max(worst, Math.abs((candidate.information[k] as number) - (reference.information[k] as number)));
  return worst / scale;
}

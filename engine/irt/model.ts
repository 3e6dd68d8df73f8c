/**
 * The item model: 2PL in slope–intercept form, P(correct | θ) = 1 / (1 + exp(−(a·θ + d))).
 * Difficulty shown to people is b = −d / a. Rasch is the special case a = 1.
 */

export type ItemModel = '2pl' | 'rasch';

/** Parameters of one item in slope–intercept form. */
export interface ItemParameters {
  /** Slope (discrimination). 1 under Rasch. */
  readonly a: number;
  /** Intercept. */
  readonly d: number;
}

/** One answered item of a person's (sparse) response pattern. Unanswered items are simply absent. */
export interface ItemResponse extends ItemParameters {
  /** 1 = correct, 0 = wrong. */
  readonly score: 0 | 1;
}

/** The logistic function 1 / (1 + exp(−z)), stable for large |z|. */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 / (1 + exp(−z))) without overflow or cancellation. */
export function logLogistic(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** Probability of a correct answer at ability θ. */
export function probability(item: ItemParameters, theta: number): number {
  return logistic(item.a * theta + item.d);
}

/** Difficulty b = −d / a (the θ at which P = 0.5). */
export function difficulty(item: ItemParameters): number {
  return -item.d / item.a;
}

/** Intercept d = −a·b, for an item given by slope and difficulty. */
export function interceptFromDifficulty(a: number, b: number): number {
  return -a * b;
}

/** Fisher information of one item at θ: a²·P·(1 − P). */
export function itemInformation(item: ItemParameters, theta: number): number {
  const p = probability(item, theta);
  return item.a * item.a * p * (1 - p);
}

/** Test information: the sum of the item informations. */
export function testInformation(items: readonly ItemParameters[], theta: number): number {
  let total = 0;
  for (const item of items) total += itemInformation(item, theta);
  return total;
}

/** Log-likelihood of a sparse response pattern at θ. */
export function logLikelihood(responses: readonly ItemResponse[], theta: number): number {
  let total = 0;
  for (const r of responses) {
    const z = r.a * theta + r.d;
    total += r.score === 1 ? logLogistic(z) : logLogistic(-z);
  }
  return total;
}

/** Log-likelihood with its first and second derivatives in θ. */
export function logLikelihoodDerivatives(responses: readonly ItemResponse[], theta: number): { value: number; gradient: number; hessian: number } {
  let value = 0;
  let gradient = 0;
  let hessian = 0;
  for (const r of responses) {
    const z = r.a * theta + r.d;
    const p = logistic(z);
    value += r.score === 1 ? logLogistic(z) : logLogistic(-z);
    gradient += r.a * (r.score - p);
    hessian -= r.a * r.a * p * (1 - p);
  }
  return { value, gradient, hessian };
}

import type { RandomGenerator } from './generator';

const TWO_POW_32 = 4294967296;

/** Uniform double in [min, max). */
export function uniform(rng: RandomGenerator, min = 0, max = 1): number {
  return min + (max - min) * rng.next();
}

/** Uniform integer in [0, n), without modulo bias. `n` must be a positive integer ≤ 2^32. */
export function randomInt(rng: RandomGenerator, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new RangeError(`randomInt: bad bound ${n}`);
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/** True with probability p. */
export function bernoulli(rng: RandomGenerator, p: number): boolean {
  return rng.next() < p;
}

/**
 * Normal deviate by the Box–Muller transform (one value per call; the partner value is dropped so
 * the generator's state stays the only state).
 */
export function normal(rng: RandomGenerator, mean = 0, sd = 1): number {
  // 1 - next() lies in (0, 1], so the logarithm is finite.
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Log-normal deviate: exp(N(meanlog, sdlog)). */
export function logNormal(rng: RandomGenerator, meanlog = 0, sdlog = 1): number {
  return Math.exp(normal(rng, meanlog, sdlog));
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffle<T>(rng: RandomGenerator, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** A shuffled copy. */
export function shuffled<T>(rng: RandomGenerator, items: readonly T[]): T[] {
  return shuffle(rng, items.slice());
}

/**
 * k distinct indices drawn uniformly from 0..n-1, in draw order. Uses Floyd's algorithm when k is
 * small relative to n (memory O(k)), a partial Fisher–Yates otherwise.
 */
export function sampleWithoutReplacement(rng: RandomGenerator, n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`sampleWithoutReplacement: cannot draw ${k} of ${n}`);
  }
  const out = new Int32Array(k);
  if (k * 4 < n) {
    const chosen = new Set<number>();
    let m = 0;
    for (let j = n - k; j < n; j++) {
      const t = randomInt(rng, j + 1);
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      out[m++] = pick;
    }
    // Floyd's algorithm yields a uniformly random set; shuffle so the order is random too.
    for (let i = k - 1; i > 0; i--) {
      const j = randomInt(rng, i + 1);
      const tmp = out[i] as number;
      out[i] = out[j] as number;
      out[j] = tmp;
    }
    return out;
  }
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(rng, n - i);
    const tmp = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = tmp;
    out[i] = pool[i] as number;
  }
  return out;
}

/** An index drawn with probability proportional to its (non-negative) weight. */
export function weightedIndex(rng: RandomGenerator, weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(w >= 0)) throw new RangeError(`weightedIndex: weight ${i} is ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('weightedIndex: all weights are zero');
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i] as number;
    if (target < 0) return i;
  }
  // Rounding left a sliver: return the last index with a positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
  return weights.length - 1;
}

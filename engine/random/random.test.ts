import { describe, expect, it } from 'vitest';
import { createRandom, forkRandom, normal, randomInt, restoreRandom, sampleWithoutReplacement, shuffled, weightedIndex } from '.';

describe('seeded random generator', () => {
  it('is xoshiro128** (reference outputs for state 1, 2, 3, 4)', () => {
    const rng = restoreRandom([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('replays the same stream from the same seed, and from a saved state', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    const saved = a.state();
    const next = Array.from({ length: 5 }, () => a.next());
    const resumed = restoreRandom(saved);
    expect(Array.from({ length: 5 }, () => resumed.next())).toEqual(next);
    expect(createRandom('campaign-7').next()).toBe(createRandom('campaign-7').next());
    expect(createRandom(1).next()).not.toBe(createRandom(2).next());
  });

  it('gives uniform values in [0, 1) and unbiased integers', () => {
    const rng = createRandom(7);
    const counts = new Array(6).fill(0);
    let inRange = true;
    for (let k = 0; k < 60_000; k++) {
      const u = rng.next();
      inRange &&= u >= 0 && u < 1;
      counts[randomInt(rng, 6)]++;
    }
    expect(inRange).toBe(true);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('draws normal deviates with the requested mean and SD', () => {
    const rng = createRandom(11);
    const n = 50_000;
    let sum = 0;
    let sum2 = 0;
    for (let k = 0; k < n; k++) {
      const x = normal(rng, 2, 3);
      sum += x;
      sum2 += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(sum2 / n - mean * mean)).toBeCloseTo(3, 1);
  });

  it('samples without replacement and shuffles into permutations', () => {
    const rng = createRandom(3);
    for (const [n, k] of [
      [100, 5],
      [10, 10],
      [2000, 15],
    ] as const) {
      const sample = sampleWithoutReplacement(rng, n, k);
      expect(sample.length).toBe(k);
      expect(new Set(sample).size).toBe(k);
      for (const x of sample) expect(x >= 0 && x < n).toBe(true);
    }
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const perm = shuffled(rng, items);
    expect([...perm].sort()).toEqual(items);
    expect(() => sampleWithoutReplacement(rng, 3, 4)).toThrow(RangeError);
  });

  it('picks indices in proportion to weights, and forks independent streams', () => {
    const rng = createRandom(5);
    const counts = [0, 0, 0];
    for (let k = 0; k < 30_000; k++) {
      const pick = weightedIndex(rng, [1, 0, 2]);
      counts[pick] = (counts[pick] as number) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] as number) / (counts[0] as number)).toBeCloseTo(2, 0);
    const parent = createRandom(9);
    const child = forkRandom(parent, 'items');
    expect(child.next()).not.toBe(parent.next());
  });
});

import { describe, expect, it } from 'vitest';
import { boxStats, groupCount, histogram, paddedExtent, pearson, quantileGroups, ranks, sampleCurve, spearman, studentTwoSided, wilsonInterval } from './stats';

describe('Wilson interval', () => {
  it('matches published values (Newcombe 1998: 81/263 → 0.2553–0.3662)', () => {
    const ci = wilsonInterval(81, 263);
    expect(ci.p).toBeCloseTo(0.30798, 5);
    expect(ci.low).toBeCloseTo(0.2553, 4);
    expect(ci.high).toBeCloseTo(0.3662, 4);
  });

  it('stays inside [0, 1] at the edges, where the Wald interval collapses', () => {
    expect(wilsonInterval(0, 10)).toMatchObject({ p: 0, low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)).toMatchObject({ p: 1, high: 1 });
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
  });

  it('narrows as the group grows and says nothing for an empty group', () => {
    const small = wilsonInterval(5, 10);
    const large = wilsonInterval(500, 1000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
    expect(wilsonInterval(0, 0)).toEqual({ p: NaN, low: 0, high: 1 });
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });
});

describe('box-plot statistics', () => {
  it('gives type-7 quartiles, Tukey whiskers and outliers', () => {
    const s = boxStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(s).toMatchObject({ n: 10, min: 1, max: 100, median: 5.5, q1: 3.25, q3: 7.75, lowerWhisker: 1, upperWhisker: 9, outliers: [100] });
    expect(s?.mean).toBeCloseTo(14.5, 10);
  });

  it('ignores missing values and handles a single value', () => {
    expect(boxStats([NaN, 2, Infinity])).toMatchObject({ n: 1, q1: 2, median: 2, q3: 2, lowerWhisker: 2, upperWhisker: 2, outliers: [] });
    expect(boxStats([])).toBeNull();
  });
});

describe('rank correlation', () => {
  it('gives ties their mean rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    const levels = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(
      spearman(
        levels,
        levels.map((l) => Math.exp(l))
      )?.rho
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        levels,
        levels.map((l) => -l * l)
      )?.rho
    ).toBeCloseTo(-1, 12);
  });

  it('matches a hand computation with ties (levels against b) and its p-value', () => {
    // Ranks of x: 1.5 1.5 3.5 3.5 5 6; ranks of y: 2 1 3 5 4 6.
    const r = spearman([1, 1, 2, 2, 3, 4], [-1.2, -1.5, -0.3, 0.8, 0.2, 1.9]);
    expect(r?.n).toBe(6);
    expect(r?.rho).toBeCloseTo(pearson([1.5, 1.5, 3.5, 3.5, 5, 6], [2, 1, 3, 5, 4, 6]) as number, 12);
    // Σdxdy = 15, Σdx² = 16.5, Σdy² = 17.5 → ρ = 15/√288.75; scipy.stats.spearmanr gives the same ρ and p.
    expect(r?.rho).toBeCloseTo(0.882735, 6);
    expect(r?.pValue).toBeCloseTo(0.01982, 5);
  });

  it('is undefined for fewer than 3 pairs or a constant variable, and skips missing pairs', () => {
    expect(spearman([1, 2], [3, 4])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2, NaN, 3], [1, 2, 5, 3])?.n).toBe(3);
  });

  it('computes Student tail probabilities', () => {
    expect(studentTwoSided(0, 10)).toBeCloseTo(1, 10);
    expect(studentTwoSided(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTwoSided(1.96, 1e6)).toBeCloseTo(0.05, 3);
  });
});

describe('θ̂ quantile groups', () => {
  it('makes groups of about equal size in ascending order', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const groups = quantileGroups(values, (v) => v, 10);
    expect(groups).toHaveLength(10);
    expect(groups.every((g) => g.length === 10)).toBe(true);
    expect(groups[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(groups[9]?.[9]).toBe(99);
  });

  it('keeps equal values in one group', () => {
    const groups = quantileGroups([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], (v) => v, 5);
    expect(groups[0]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(groups.flat()).toHaveLength(10);
    expect(groups.length).toBeLessThan(5);
  });

  it('chooses fewer groups for few persons', () => {
    expect(groupCount(1000)).toBe(10);
    expect(groupCount(95)).toBe(3);
    expect(groupCount(12)).toBe(1);
  });
});

describe('histogram', () => {
  it('counts values in aligned bins and keeps values outside the domain in the end bins', () => {
    const bins = histogram([-3.2, -0.1, 0, 0.1, 0.26, 0.49, 5], 0.5, [-1, 1]);
    expect(bins.map((b) => [b.x0, b.x1])).toEqual([
      [-1, -0.5],
      [-0.5, 0],
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(bins.map((b) => b.count)).toEqual([1, 1, 4, 1]);
  });
});

describe('extents and curves', () => {
  it('pads and widens extents', () => {
    expect(paddedExtent([1, 2, NaN], 0.5)).toEqual([0.5, 2.5]);
    expect(paddedExtent([1, 1], 0, 2)).toEqual([0, 2]);
    expect(paddedExtent([])).toBeNull();
  });

  it('samples a curve on an even grid including both ends', () => {
    const c = sampleCurve((x) => x * x, -2, 2, 5);
    expect(c).toEqual([
      { x: -2, y: 4 },
      { x: -1, y: 1 },
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 2, y: 4 },
    ]);
  });
});

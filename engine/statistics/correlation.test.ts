import { describe, expect, it } from 'vitest';
import { pearson, spearman } from '.';

describe('Pearson correlation', () => {
  it('matches a published value (Anscombe 1973, first data set: r = 0.816)', () => {
    const x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
    const y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];
    expect(pearson(x, y)).toBeCloseTo(0.81642, 5);
  });

  it('is undefined (null, not NaN) for fewer than 3 pairs or a constant variable', () => {
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    // Constant but not exactly representable: the mean is off by rounding, the answer is still null.
    expect(pearson([0.1, 0.1, 0.1], [1, 2, 3])).toBeNull();
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(RangeError);
  });

  it('stays inside [−1, 1] where rounding would put a perfect correlation outside', () => {
    const x = [7.41116656801252, 9.476508586423709, 1.6798120232670624];
    // simple-statistics' sampleCorrelation gives −1.0000000000000002 here.
    expect(
      pearson(
        x,
        x.map((v) => -1.199662475241191 * v + 1),
      ),
    ).toBe(-1);
  });
});

describe('Spearman rank correlation', () => {
  it('matches a published example (IQ and hours of television: ρ = −29/165, p = 0.6272)', () => {
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    const r = spearman(iq, tv);
    expect(r?.n).toBe(10);
    expect(r?.rho).toBeCloseTo(-29 / 165, 12);
    expect(r?.pValue).toBeCloseTo(0.627188, 5);
  });

  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    const levels = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(
      spearman(
        levels,
        levels.map((l) => Math.exp(l)),
      )?.rho,
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        levels,
        levels.map((l) => -l * l),
      )?.rho,
    ).toBeCloseTo(-1, 12);
    expect(spearman(levels, levels)?.pValue).toBe(0);
  });

  it('gives ties their mean rank (levels against b), with its p-value', () => {
    // Ranks of x: 1.5 1.5 3.5 3.5 5 6; ranks of y: 2 1 3 5 4 6.
    const r = spearman([1, 1, 2, 2, 3, 4], [-1.2, -1.5, -0.3, 0.8, 0.2, 1.9]);
    expect(r?.n).toBe(6);
    expect(r?.rho).toBeCloseTo(pearson([1.5, 1.5, 3.5, 3.5, 5, 6], [2, 1, 3, 5, 4, 6]) as number, 12);
    // Σdxdy = 15, Σdx² = 16.5, Σdy² = 17.5 → ρ = 15/√288.75; scipy.stats.spearmanr gives the same ρ and p.
    expect(r?.rho).toBeCloseTo(0.882735, 6);
    expect(r?.pValue).toBeCloseTo(0.01982, 5);
  });

  it('is undefined for fewer than 3 pairs or a constant variable, skips missing pairs, and has no p-value under 4 pairs', () => {
    expect(spearman([1, 2], [3, 4])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2, NaN, 3], [1, 2, 5, 3])).toEqual({ rho: 1, n: 3, pValue: null });
    expect(spearman([1, 2, 3, 4], [1, 3, 2])?.n).toBe(3);
  });
});

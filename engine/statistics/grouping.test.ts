import { describe, expect, it } from 'vitest';
import { groupCount, histogram, quantileGroups } from '.';

describe('θ̂ quantile groups', () => {
  it('makes groups of about equal size in ascending order', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const groups = quantileGroups(values, (v) => v, 10);
    expect(groups).toHaveLength(10);
    expect(groups.every((g) => g.length === 10)).toBe(true);
    expect(groups[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(groups[9]?.[9]).toBe(99);
  });

  it('keeps equal values in one group and leaves out missing values', () => {
    const groups = quantileGroups([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, NaN], (v) => v, 5);
    expect(groups[0]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(groups.flat()).toHaveLength(10);
    expect(groups.length).toBeLessThan(5);
    expect(() => quantileGroups([1], (v) => v, 0)).toThrow(RangeError);
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

  it('puts a value on an edge in the bin above, the upper end in the last bin, and skips missing values', () => {
    const bins = histogram([0.5, 1, NaN, Infinity], 0.5, [0, 1]);
    expect(bins.map((b) => b.count)).toEqual([0, 2]);
  });

  it('widens the domain to whole steps, with edges free of rounding noise', () => {
    const bins = histogram([0.3], 0.1, [0.05, 0.42]);
    expect(bins.map((b) => b.x0)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(bins[bins.length - 1]?.x1).toBeCloseTo(0.5, 12);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 1, 0]);
    expect(() => histogram([], 0, [0, 1])).toThrow(RangeError);
  });
});

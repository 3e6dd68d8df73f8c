import { describe, expect, it } from 'vitest';
import { boxStats, mean, rootMeanSquare, sampleSd } from '.';

describe('summaries', () => {
  it('gives mean, sample standard deviation and root mean square', () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(values)).toBe(5);
    expect(sampleSd(values)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(rootMeanSquare([3, -4])).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('says nothing (null) when there are too few values', () => {
    expect(mean([])).toBeNull();
    expect(sampleSd([1])).toBeNull();
    expect(rootMeanSquare([])).toBeNull();
  });
});

describe('box-plot statistics', () => {
  it('gives type-7 quartiles, Tukey whiskers and outliers', () => {
    const s = boxStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(s).toMatchObject({ n: 10, min: 1, max: 100, median: 5.5, q1: 3.25, q3: 7.75, lowerWhisker: 1, upperWhisker: 9, outliers: [100] });
    expect(s?.mean).toBeCloseTo(14.5, 10);
  });

  it('matches R quantile(type = 7) on unsorted input', () => {
    // quantile(c(7, 1, 3, 10, 4), c(.25, .5, .75)) → 3, 4, 7
    expect(boxStats([7, 1, 3, 10, 4])).toMatchObject({ q1: 3, median: 4, q3: 7 });
  });

  it('ignores missing values and handles a single value', () => {
    expect(boxStats([NaN, 2, Infinity])).toMatchObject({ n: 1, q1: 2, median: 2, q3: 2, lowerWhisker: 2, upperWhisker: 2, outliers: [] });
    expect(boxStats([])).toBeNull();
  });
});

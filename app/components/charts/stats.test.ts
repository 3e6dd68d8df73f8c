import { describe, expect, it } from 'vitest';
import { paddedExtent, sampleCurve } from './stats';

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

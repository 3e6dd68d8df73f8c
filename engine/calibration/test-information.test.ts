import { describe, expect, it } from 'vitest';
import { testInformation } from '../irt/model';
import { testInformationCurves } from './test-information';

describe('testInformationCurves', () => {
  it('sums item information per group over the grid, with SE = 1/√I, groups in order of appearance', () => {
    const items = [
      { a: 1.2, d: 0.3 },
      { a: 0.8, d: -1 },
      { a: 2, d: 1.5 },
    ];
    const { theta, curves } = testInformationCurves(items, ['c2', 'c1', 'c2'], { min: -2, max: 2, points: 5 });
    expect(theta).toEqual([-2, -1, 0, 1, 2]);
    expect(curves.map((c) => [c.group, c.items])).toEqual([
      ['c2', 2],
      ['c1', 1],
    ]);
    theta.forEach((t, q) => {
      const i2 = testInformation([items[0]!, items[2]!], t);
      expect(curves[0]!.information[q]).toBeCloseTo(i2, 14);
      expect(curves[0]!.se[q]).toBeCloseTo(1 / Math.sqrt(i2), 14);
      expect(curves[1]!.information[q]).toBeCloseTo(testInformation([items[1]!], t), 14);
    });
  });

  it('leaves out items without a group and refuses mismatched lengths', () => {
    expect(testInformationCurves([{ a: 1, d: 0 }], [null]).curves).toEqual([]);
    expect(() => testInformationCurves([{ a: 1, d: 0 }], [])).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '.';

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

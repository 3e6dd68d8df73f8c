import { describe, expect, it } from 'vitest';
import { chiSquare1Upper, chiSquareUpper, erfc, normalUpper, studentTwoSided, Z95 } from '.';

describe('distribution tails', () => {
  it('gives the normal tail (erfc(1) = 0.1572992; P(Z > 1.96) = 0.025)', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(2 - 0.157299207, 7);
    expect(normalUpper(Z95)).toBeCloseTo(0.025, 7);
    expect(normalUpper(0)).toBeCloseTo(0.5, 7);
  });

  it('keeps small tails to relative precision', () => {
    // P(Z > 6) = 9.8659e-10.
    expect(normalUpper(6) / 9.8658765e-10).toBeCloseTo(1, 5);
  });

  it('gives the chi-square tail with one degree of freedom (3.841 → 0.05, 6.635 → 0.01)', () => {
    expect(chiSquare1Upper(3.841458820694124)).toBeCloseTo(0.05, 7);
    expect(chiSquare1Upper(6.634896601021214)).toBeCloseTo(0.01, 7);
    expect(chiSquare1Upper(0)).toBe(1);
  });

  it('gives the chi-square tail for any df (R qchisq table values; df 2 is exp(−x/2); df 1 as above)', () => {
    expect(chiSquareUpper(9.487729036781154, 4)).toBeCloseTo(0.05, 9);
    expect(chiSquareUpper(23.209251158954356, 10)).toBeCloseTo(0.01, 9);
    expect(chiSquareUpper(43.77297182574219, 30)).toBeCloseTo(0.05, 9);
    expect(chiSquareUpper(124.34211340400407, 100)).toBeCloseTo(0.05, 8);
    expect(chiSquareUpper(0.7107230213973241, 4)).toBeCloseTo(0.95, 9);
    for (const x of [0.01, 0.5, 3, 12, 80]) {
      expect(chiSquareUpper(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 11);
      // chiSquare1Upper goes through erfc, good to 1.2e-7 relative.
      expect(chiSquareUpper(x, 1) / chiSquare1Upper(x)).toBeCloseTo(1, 6);
    }
    expect(chiSquareUpper(0, 3)).toBe(1);
    expect(chiSquareUpper(Infinity, 3)).toBe(0);
  });

  it("gives Student's t two-sided tails (table values)", () => {
    expect(studentTwoSided(0, 10)).toBeCloseTo(1, 10);
    expect(studentTwoSided(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTwoSided(4.032, 5)).toBeCloseTo(0.01, 3);
    expect(studentTwoSided(-2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTwoSided(1.96, 1e6)).toBeCloseTo(0.05, 3);
    // One degree of freedom is the Cauchy distribution: P(|T| > t) = 1 − 2·atan(t)/π.
    expect(studentTwoSided(3, 1)).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 10);
  });
});

import { describe, expect, it } from 'vitest';
import {
  difficulty,
  estimateEap,
  estimateMap,
  estimateMl,
  itemInformation,
  logLikelihood,
  posteriorOnGrid,
  probability,
  testInformation,
  updatePosterior,
  type ItemResponse,
} from '.';

/** Unnormalised posterior density with a continuous normal prior. */
function posteriorDensity(responses: readonly ItemResponse[], mean: number, sd: number) {
  return (theta: number) => Math.exp(logLikelihood(responses, theta) - (0.5 * (theta - mean) ** 2) / (sd * sd));
}

/** Composite Simpson integral of f on [lo, hi] with n (even) intervals. */
function simpson(f: (x: number) => number, lo: number, hi: number, n: number): number {
  const h = (hi - lo) / n;
  let sum = f(lo) + f(hi);
  for (let k = 1; k < n; k++) sum += (k % 2 === 1 ? 4 : 2) * f(lo + k * h);
  return (sum * h) / 3;
}

/** Golden-section search for the maximum of a unimodal function. */
function goldenMax(f: (x: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let k = 0; k < 200 && b - a > 1e-12; k++) {
    if (f(c) > f(d)) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return (a + b) / 2;
}

const items = [
  { a: 1.2, d: 0.5 },
  { a: 0.8, d: -1.0 },
  { a: 2.0, d: 1.5 },
  { a: 0.6, d: 0.2 },
  { a: 1.5, d: -2.0 },
  { a: 1.0, d: 0.0 },
];

const patterns: ItemResponse[][] = [
  items.map((item, k) => ({ ...item, score: (k % 2) as 0 | 1 })),
  items.slice(0, 3).map((item) => ({ ...item, score: 1 as const })),
  [{ ...items[4]!, score: 0 }],
  items.map((item, k) => ({ ...item, score: (k < 4 ? 1 : 0) as 0 | 1 })),
];

describe('item model', () => {
  it('uses the slope–intercept form with b = −d/a', () => {
    expect(probability({ a: 1.5, d: -0.75 }, 0.5)).toBeCloseTo(0.5, 12);
    expect(difficulty({ a: 1.5, d: -0.75 })).toBeCloseTo(0.5, 12);
    expect(itemInformation({ a: 2, d: 0 }, 0)).toBeCloseTo(1, 12);
    expect(
      testInformation(
        [
          { a: 2, d: 0 },
          { a: 1, d: 0 },
        ],
        0,
      ),
    ).toBeCloseTo(1.25, 12);
  });
});

describe('ability estimation agrees with direct numerical integration and optimisation', () => {
  for (const [k, responses] of patterns.entries()) {
    for (const prior of [
      { mean: 0, sd: 1 },
      { mean: 0.5, sd: 1.3 },
    ]) {
      it(`pattern ${k + 1}, prior N(${prior.mean}, ${prior.sd}²)`, () => {
        const f = posteriorDensity(responses, prior.mean, prior.sd);
        const z = simpson(f, -12, 12, 24_000);
        const mean = simpson((t) => t * f(t), -12, 12, 24_000) / z;
        const variance = simpson((t) => (t - mean) ** 2 * f(t), -12, 12, 24_000) / z;
        const eap = estimateEap(responses, { prior, grid: { min: -9, max: 9, points: 181 } });
        expect(Math.abs(eap.theta - mean)).toBeLessThan(1e-6);
        expect(Math.abs(eap.sd - Math.sqrt(variance))).toBeLessThan(1e-6);

        const mode = goldenMax((t) => Math.log(f(t)), -10, 10);
        const map = estimateMap(responses, { prior });
        expect(Math.abs(map.theta - mode)).toBeLessThan(1e-6);
        expect(map.status).toBe('interior');
      });
    }
  }

  it('the default grid (121 points on [−6, 6]) is exact to 1e-6 under the standard prior', () => {
    const responses = patterns[0]!;
    const f = posteriorDensity(responses, 0, 1);
    const z = simpson(f, -12, 12, 24_000);
    const mean = simpson((t) => t * f(t), -12, 12, 24_000) / z;
    expect(Math.abs(estimateEap(responses).theta - mean)).toBeLessThan(1e-6);
  });

  it('updating the posterior answer by answer gives the same EAP as all at once', () => {
    const responses = patterns[0]!;
    let posterior = posteriorOnGrid([]);
    for (const r of responses) posterior = updatePosterior(posterior, r);
    const direct = posteriorOnGrid(responses);
    for (let q = 0; q < direct.weights.length; q++) expect(posterior.weights[q]).toBeCloseTo(direct.weights[q]!, 12);
    expect(posterior.logMarginal).toBeCloseTo(direct.logMarginal, 10);
  });
});

describe('maximum likelihood', () => {
  it('matches direct optimisation for a mixed pattern', () => {
    const responses = patterns[0]!;
    const mode = goldenMax((t) => logLikelihood(responses, t), -6, 6);
    const ml = estimateMl(responses);
    expect(ml.status).toBe('interior');
    expect(Math.abs(ml.theta - mode)).toBeLessThan(1e-6);
    expect(ml.se).toBeCloseTo(1 / Math.sqrt(testInformation(responses, ml.theta)), 12);
  });

  it('reports all-correct and all-wrong patterns at the edge of the range, flagged', () => {
    const allRight = items.map((item) => ({ ...item, score: 1 as const }));
    const allWrong = items.map((item) => ({ ...item, score: 0 as const }));
    expect(estimateMl(allRight)).toMatchObject({ theta: 6, status: 'upper-bound' });
    expect(estimateMl(allWrong, { min: -4, max: 4 })).toMatchObject({ theta: -4, status: 'lower-bound' });
    expect(estimateMl([]).status).toBe('no-answers');
    // MAP stays finite for the same patterns.
    expect(Math.abs(estimateMap(allRight).theta)).toBeLessThan(4);
  });
});

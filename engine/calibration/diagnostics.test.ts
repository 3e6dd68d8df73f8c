/**
 * Issue 18, diagnostics: model comparison on LSAT7 (published 2PL log-likelihood; the Rasch one checked
 * by independent integration), the likelihood-ratio test's null distribution by simulation, reliability
 * against the squared correlation of EAP with the true θ, and lz against exact enumeration and its
 * null moments.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, empiricalReliability, likelihoodRatioTest, lz, marginalReliability, personFit, ResponseDataBuilder, scorePersons, yenQ3 } from '.';
import { lsat7Data, lsat7Patterns } from '../../tests/fixtures/lsat7';
import { gridNodes } from '../irt';
import { createRandom, normal } from '../random';
import { simulateCalibrationData, simulateResponses } from '../simulation';
import { mean, pearson, sampleSd } from '../statistics';

/** Marginal log-likelihood of the 32 LSAT7 patterns by the trapezoid rule on 4,001 nodes over ±10σ. */
function lsat7LogLik(a: readonly number[], d: readonly number[], sd: number): number {
  const nodes = gridNodes(-10 * sd, 10 * sd, 4001);
  const h = (nodes[1] as number) - (nodes[0] as number);
  let total = 0;
  for (const { pattern, count } of lsat7Patterns()) {
    let integral = 0;
    nodes.forEach((theta, q) => {
      let like = Math.exp(-0.5 * (theta / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      for (let i = 0; i < 5; i++) {
        const p = 1 / (1 + Math.exp(-(a[i]! * theta + d[i]!)));
        like *= pattern[i] === '1' ? p : 1 - p;
      }
      integral += (q === 0 || q === nodes.length - 1 ? 0.5 : 1) * like * h;
    });
    total += count * Math.log(integral);
  }
  return total;
}

describe('model comparison', () => {
  it('LSAT7: Rasch vs 2PL log-likelihoods, parameters, AIC, BIC and the likelihood-ratio test', async () => {
    const rasch = await calibrate(lsat7Data(), { priors: false, model: 'rasch' });
    const twoPl = await calibrate(lsat7Data(), { priors: false });
    const lrt = likelihoodRatioTest(rasch, twoPl);
    console.log(
      `LSAT7 Rasch: logLik ${rasch.logLik.toFixed(3)}, k ${rasch.parameterCount}, AIC ${rasch.aic.toFixed(3)}, BIC ${rasch.bic.toFixed(3)}, σ ${rasch.latent.sd.toFixed(4)}, ` +
        `rxx ${rasch.marginalReliability.toFixed(4)}\nLSAT7 2PL: logLik ${twoPl.logLik.toFixed(3)}, k ${twoPl.parameterCount}, AIC ${twoPl.aic.toFixed(3)}, ` +
        `BIC ${twoPl.bic.toFixed(3)}, rxx ${twoPl.marginalReliability.toFixed(4)}\nLRT: χ² ${lrt.statistic.toFixed(3)}, df ${lrt.df}, p ${lrt.p.toFixed(4)}`,
    );
    // The 2PL's published figures: mirt's reference manual, example of `wald` (LSAT7, `mirt(data, 1)`, then
    // `anova(mod2, mod)`): logLik −2658.805, AIC 5337.610, BIC 5386.688. Both log-likelihoods are also
    // recomputed here by an independent integration (no published Rasch figure was found).
    expect(Math.abs(twoPl.logLik - -2658.805)).toBeLessThan(0.01);
    expect(Math.abs(twoPl.aic - 5337.61)).toBeLessThan(0.01);
    expect(Math.abs(twoPl.bic - 5386.688)).toBeLessThan(0.01);
    const a2 = twoPl.items.map((i) => i.a);
    const d2 = twoPl.items.map((i) => i.d);
    expect(Math.abs(lsat7LogLik(a2, d2, 1) - twoPl.logLik)).toBeLessThan(0.01);
    const dr = rasch.items.map((i) => i.d);
    expect(Math.abs(lsat7LogLik([1, 1, 1, 1, 1], dr, rasch.latent.sd) - rasch.logLik)).toBeLessThan(0.01);
    // Parameters: 5 intercepts + σ; 5 slopes + 5 intercepts.
    expect(rasch.parameterCount).toBe(6);
    expect(twoPl.parameterCount).toBe(10);
    expect(rasch.aic).toBeCloseTo(-2 * rasch.logLik + 12, 10);
    expect(twoPl.bic).toBeCloseTo(-2 * twoPl.logLik + 10 * Math.log(1000), 10);
    expect(lrt.df).toBe(4);
    expect(lrt.statistic).toBeCloseTo(2 * (twoPl.logLik - rasch.logLik), 10);
    // The Rasch model is nested in the 2PL: its maximum cannot be higher.
    expect(rasch.logLik).toBeLessThanOrEqual(twoPl.logLik + 1e-6);
    expect(lrt.p).toBeGreaterThan(0);
    expect(lrt.p).toBeLessThan(1);
    expect(() => likelihoodRatioTest(twoPl, rasch)).toThrow(/more free parameters/);
  });

  it('under a Rasch truth the likelihood-ratio statistic follows χ²(4) (seeded simulation, 150 data sets)', async () => {
    const rng = createRandom('lrt-null');
    const items = [-1.5, -0.5, 0, 0.7, 1.4].map((b, i) => ({ id: `q${i + 1}`, a: 1, d: -b, b }));
    const statistics: number[] = [];
    let rejected = 0;
    for (let k = 0; k < 150; k++) {
      const thetas = Float64Array.from({ length: 1000 }, () => normal(rng, 0, 1.3));
      const data = simulateResponses(rng, items, thetas, { kind: 'complete' });
      const rasch = await calibrate(data, { priors: false, model: 'rasch' });
      const twoPl = await calibrate(data, { priors: false });
      const lrt = likelihoodRatioTest(rasch, twoPl);
      statistics.push(lrt.statistic);
      if (lrt.p < 0.05) rejected++;
    }
    const m = mean(statistics)!;
    console.log(`LRT under Rasch truth: mean χ² ${m.toFixed(3)} (df 4), rejection rate at 5 % ${(rejected / 150).toFixed(3)}`);
    // E = 4, SD of the mean √(8/150) = 0.23.
    expect(m).toBeGreaterThan(3.3);
    expect(m).toBeLessThan(4.7);
    expect(rejected / 150).toBeLessThan(0.1);
  });

  it('rejects the Rasch model when slopes differ (2PL truth)', async () => {
    const rng = createRandom('lrt-alternative');
    const items = [0.5, 0.8, 1.2, 1.6, 2.2].map((a, i) => ({ id: `q${i + 1}`, a, d: 0.3 * (i - 2), b: (-0.3 * (i - 2)) / a }));
    const thetas = Float64Array.from({ length: 1000 }, () => normal(rng));
    const data = simulateResponses(rng, items, thetas, { kind: 'complete' });
    const lrt = likelihoodRatioTest(await calibrate(data, { priors: false, model: 'rasch' }), await calibrate(data, { priors: false }));
    expect(lrt.p).toBeLessThan(1e-4);
  });
});

describe('reliability', () => {
  it('marginal (test information) and empirical (EAP) reliability match the squared correlation of EAP with the true θ', async () => {
    const sim = simulateCalibrationData(createRandom('reliability'), { items: 25, persons: 4000 });
    const result = await calibrate(sim.data, {});
    const { theta, sd } = scorePersons(sim.data, result);
    const truthR2 = pearson(Array.from(theta), Array.from(sim.thetas))! ** 2;
    const empirical = empiricalReliability(theta, sd)!;
    console.log(`reliability: marginal ${result.marginalReliability.toFixed(4)}, empirical ${empirical.toFixed(4)}, corr(EAP, θ)² ${truthR2.toFixed(4)}`);
    expect(Math.abs(result.marginalReliability - truthR2)).toBeLessThan(0.02);
    expect(Math.abs(empirical - truthR2)).toBeLessThan(0.02);
  });

  it('marginal reliability is mirt’s TI/(TI + 1) on N(0, 1), and uses the Rasch run’s σ', () => {
    const a = Float64Array.from([1.2, 0.8, 1.5]);
    const d = Float64Array.from([0.5, -0.3, 1.1]);
    // mirt: 1,000 points on [−6, 6], normalised dnorm weights.
    const nodes = gridNodes(-6, 6, 1000);
    let num = 0;
    let den = 0;
    for (const theta of nodes) {
      let info = 0;
      for (let i = 0; i < 3; i++) {
        const p = 1 / (1 + Math.exp(-(a[i]! * theta + d[i]!)));
        info += a[i]! ** 2 * p * (1 - p);
      }
      const g = Math.exp(-0.5 * theta * theta);
      num += ((info / (info + 1)) * g) as number;
      den += g;
    }
    expect(marginalReliability({ a, d, mean: 0, sd: 1 })).toBeCloseTo(num / den, 6);
    // Rasch with σ: the same as a 2PL with slopes σ on N(0, 1).
    const ones = Float64Array.from([1, 1, 1]);
    const sigma = 1.7;
    expect(marginalReliability({ a: ones, d, mean: 0, sd: sigma })).toBeCloseTo(marginalReliability({ a: ones.map(() => sigma), d, mean: 0, sd: 1 }), 10);
  });

  it('empirical reliability: weights count persons; null without spread', () => {
    expect(empiricalReliability([0.5, -0.5, 1], [0.4, 0.4, 0.5], [2, 1, 1])).toBeCloseTo(empiricalReliability([0.5, 0.5, -0.5, 1], [0.4, 0.4, 0.4, 0.5])!, 12);
    expect(empiricalReliability([0.2], [0.3])).toBeNull();
  });
});

describe('person fit lz', () => {
  it('its expectation and variance equal those of l₀ by enumeration of all 2⁸ patterns', () => {
    const items = [-1.2, -0.6, -0.2, 0.1, 0.4, 0.9, 1.3, 2].map((d, i) => ({ a: 0.6 + 0.2 * i, d }));
    const theta = 0.35;
    let e = 0;
    let e2 = 0;
    const lzOf: number[] = [];
    const l0Of: number[] = [];
    for (let mask = 0; mask < 256; mask++) {
      const answers = items.map((item, i) => ({ ...item, score: ((mask >> i) & 1) as 0 | 1 }));
      let prob = 1;
      let l0 = 0;
      for (const x of answers) {
        const p = 1 / (1 + Math.exp(-(x.a * theta + x.d)));
        prob *= x.score === 1 ? p : 1 - p;
        l0 += Math.log(x.score === 1 ? p : 1 - p);
      }
      e += prob * l0;
      e2 += prob * l0 * l0;
      l0Of.push(l0);
      lzOf.push(lz(answers, theta)!);
    }
    const sdL0 = Math.sqrt(e2 - e * e);
    lzOf.forEach((value, k) => expect(value).toBeCloseTo((l0Of[k]! - e) / sdL0, 10));
    expect(lz([], 0)).toBeNull();
  });

  it('at the true θ: mean 0 and SD 1 (seeded simulation); at EAP θ̂ a reversed Guttman pattern stands out', async () => {
    const rng = createRandom('lz');
    const sim = simulateCalibrationData(rng, { items: 50, persons: 3000 });
    const values: number[] = [];
    for (let r = 0; r < 3000; r++) {
      const answers = [];
      for (let j = sim.data.rowStart[r]!; j < sim.data.rowStart[r + 1]!; j++) {
        const item = sim.items[sim.data.items[j]!]!;
        answers.push({ a: item.a, d: item.d, score: sim.data.scores[j] as 0 | 1 });
      }
      values.push(lz(answers, sim.thetas[r]!)!);
    }
    console.log(`lz at the true θ: mean ${mean(values)!.toFixed(4)}, SD ${sampleSd(values)!.toFixed(4)}`);
    expect(Math.abs(mean(values)!)).toBeLessThan(0.05);
    expect(Math.abs(sampleSd(values)! - 1)).toBeLessThan(0.05);

    // The same answers plus one person who got the 25 hardest items right and the 25 easiest wrong.
    const order = sim.items.map((item, i) => [item.b, i] as const).sort((x, y) => x[0] - y[0]);
    const builder = new ResponseDataBuilder(sim.data.itemIds);
    for (let r = 0; r < 3000; r++) {
      builder.beginRow(1);
      for (let j = sim.data.rowStart[r]!; j < sim.data.rowStart[r + 1]!; j++) builder.addAnswer(sim.data.items[j]!, sim.data.scores[j] as 0 | 1);
    }
    builder.beginRow(1);
    order.forEach(([, i], rank) => builder.addAnswer(i, rank < 25 ? 0 : 1));
    const data = builder.build();
    const result = await calibrate(data, {});
    const fit = personFit(data, result);
    console.log(`lz at EAP: reversed Guttman ${fit.lz[3000]!.toFixed(2)}, share below −1.645 ${fit.misfitting.toFixed(4)}`);
    expect(fit.lz[3000]!).toBeLessThan(-5);
    expect(fit.misfitting).toBeGreaterThan(0.01);
    expect(fit.misfitting).toBeLessThan(0.1);
  });
});

describe("Yen's Q3", () => {
  it('near −1/(n − 1) under local independence; a planted dependent pair stands out (seeded simulation)', async () => {
    const rng = createRandom('q3');
    const sim = simulateCalibrationData(rng, { items: 20, persons: 3000 });
    // Copy item 1's answer into item 2 for a third of the persons: a dependence θ does not explain.
    const builder = new ResponseDataBuilder(sim.data.itemIds);
    for (let r = 0; r < 3000; r++) {
      builder.beginRow(1);
      const copy = rng.next() < 1 / 3;
      const first = sim.data.scores[sim.data.rowStart[r]!] as 0 | 1;
      for (let j = sim.data.rowStart[r]!; j < sim.data.rowStart[r + 1]!; j++) {
        const i = sim.data.items[j]!;
        builder.addAnswer(i, copy && i === 1 ? first : (sim.data.scores[j] as 0 | 1));
      }
    }
    const data = builder.build();
    const result = await calibrate(data, {});
    const { theta } = scorePersons(data, result);
    const pairs = yenQ3(data, result, { theta });
    expect(pairs).toHaveLength((20 * 19) / 2);
    const top = pairs[0]!;
    const others = pairs.slice(1).map((p) => p.q3);
    console.log(
      `Q3: planted pair ${top.items.join('–')} ${top.q3.toFixed(3)}; others mean ${mean(others)!.toFixed(4)} (−1/19 = ${(-1 / 19).toFixed(4)}), max ${Math.max(...others).toFixed(3)}`,
    );
    expect([top.i, top.j]).toEqual([0, 1]);
    expect(top.q3).toBeGreaterThan(0.2);
    expect(Math.max(...others)).toBeLessThan(0.1);
    expect(Math.abs(mean(others)! - -1 / 19)).toBeLessThan(0.03);
    // One pair against Pearson's r (simple-statistics) of the residuals.
    const x: number[] = [];
    const y: number[] = [];
    const p3 = pairs.find((p) => p.i === 2 && p.j === 3)!;
    for (let r = 0; r < 3000; r++) {
      const start = data.rowStart[r]!;
      const res = (k: number) => data.scores[start + k]! - 1 / (1 + Math.exp(-(result.parameters.a[k]! * theta[r]! + result.parameters.d[k]!)));
      x.push(res(2));
      y.push(res(3));
    }
    expect(p3.q3).toBeCloseTo(pearson(x, y)!, 10);
    expect(p3.n).toBe(3000);
  });
});

/**
 * The 3PL (P = c + (1 − c)·logistic(aθ + d)) with its Beta prior on c: recovery on seeded data,
 * equality with the 2PL when c is held at 0, the exact observed information against central
 * differences of the exact gradient, the threaded E-step, S-X² with 3PL trace lines, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, CalibrationDataError, collapsePatterns, type CalibrationResult } from '.';
import { calibrateInThreads } from './parallel';
import { louisObservedInformation } from './information';
import { observedCovariance } from './standard-errors';
import { createLocalRunner } from './runner';
import { sx2ItemFit } from './item-fit';
import { simulate3pl } from './three-pl.fixture';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import type { MStepSettings } from './mstep';

const fixedAtZero = (ids: readonly string[]) => new Map(ids.map((id) => [id, 0] as const));

describe('3PL', () => {
  it('recovers b and c on 30 items × 5,000 persons with the default prior (4 seeded replications, pooled)', async () => {
    let squaredB = 0;
    let squaredC = 0;
    let squaredA = 0;
    let count = 0;
    let z2 = 0;
    const each: string[] = [];
    for (let seed = 1; seed <= 4; seed++) {
      const sim = simulate3pl(createRandom(seed), { items: 30, persons: 5000 });
      // Standard errors (exact observed information) on the first replication only: the z-scores.
      const result = await calibrate(sim.data, { model: '3pl', standardErrors: seed === 1 ? 'auto' : 'none' });
      expect(result.converged).toBe(true);
      expect(result.model).toBe('3pl');
      let sb = 0;
      let sc = 0;
      sim.items.forEach((truth, i) => {
        const estimate = result.items[i]!;
        sb += (estimate.b - truth.b) ** 2;
        sc += (estimate.c! - truth.c) ** 2;
        squaredA += (estimate.a - truth.a) ** 2;
        if (seed === 1) z2 += ((estimate.b - truth.b) / estimate.se.b!) ** 2;
      });
      squaredB += sb;
      squaredC += sc;
      count += sim.items.length;
      each.push(`seed ${seed}: b ${Math.sqrt(sb / 30).toFixed(3)}, c ${Math.sqrt(sc / 30).toFixed(3)}`);
      if (seed === 1) {
        expect(result.standardErrors).toBe('observed');
        expect(result.parameterCount).toBe(90);
        expect(result.items.every((item) => item.se.c !== null && item.se.c! > 0)).toBe(true);
      }
    }
    const rmseB = Math.sqrt(squaredB / count);
    const rmseC = Math.sqrt(squaredC / count);
    const rmseA = Math.sqrt(squaredA / count);
    const meanZ2 = z2 / 30;
    console.log(
      `3PL 30 × 5000, c ~ U(0.20, 0.25), prior Beta(5, 17): ${each.join('; ')}; pooled RMSE(b) ${rmseB.toFixed(4)}, RMSE(c) ${rmseC.toFixed(4)}, RMSE(a) ${rmseA.toFixed(4)}; mean squared z of b (seed 1) ${meanZ2.toFixed(2)}`,
    );
    expect(rmseB).toBeLessThanOrEqual(0.15);
    expect(rmseC).toBeLessThanOrEqual(0.05);
    expect(meanZ2).toBeGreaterThan(0.4);
    expect(meanZ2).toBeLessThan(2);
  }, 300_000);

  it('with c fixed at 0 for every item equals the 2PL: parameters, log-likelihood and exact standard errors', async () => {
    const sim = simulateCalibrationData(createRandom(3), { items: 12, persons: 1500 });
    const settings = { tolerance: 1e-9, acceleration: 'none' as const };
    const twoPl = await calibrate(sim.data, { ...settings, model: '2pl' });
    const threePl = await calibrate(sim.data, { ...settings, model: '3pl', guessing: { fixed: fixedAtZero(sim.data.itemIds) } });
    expect(threePl.parameterCount).toBe(twoPl.parameterCount);
    expect(threePl.logLik).toBeCloseTo(twoPl.logLik, 8);
    twoPl.items.forEach((item, i) => {
      const other = threePl.items[i]!;
      expect(other.c).toBe(0);
      expect(other.se.c).toBeNull();
      expect(Math.abs(other.a - item.a)).toBeLessThan(1e-6);
      expect(Math.abs(other.d - item.d)).toBeLessThan(1e-6);
      expect(Math.abs(other.se.a! - item.se.a!) / item.se.a!).toBeLessThan(1e-5);
      expect(Math.abs(other.se.b! - item.se.b!) / item.se.b!).toBeLessThan(1e-5);
    });
    // At the same parameters, the 3PL information with c = 0 is the 2PL's (to rounding).
    const data = collapsePatterns(sim.data).data;
    const free = new Uint8Array(12).fill(1);
    const base: MStepSettings = { model: '2pl', priors: twoPl.settings.priors, free, estimateMean: false, estimateSd: false };
    const two = louisObservedInformation(data, twoPl.parameters, base, twoPl.quadrature.nodes);
    const three = louisObservedInformation(
      data,
      { ...twoPl.parameters, c: new Float64Array(12) },
      { ...base, model: '3pl', guessing: { mode: new Float64Array(12).fill(0.2), weight: 20, free: new Uint8Array(12) } },
      twoPl.quadrature.nodes,
    );
    let worst = 0;
    for (let k = 0; k < two.information.length; k++) worst = Math.max(worst, Math.abs(two.information[k]! - three.information[k]!));
    expect(worst).toBeLessThan(1e-9 * Math.max(...Array.from(two.information, Math.abs)));
  }, 120_000);

  it("Louis' exact information for the 3PL equals central differences of the exact gradient", async () => {
    const sim = simulate3pl(createRandom(11), { items: 8, persons: 2000 });
    const result = await calibrate(sim.data, { model: '3pl', guessing: { fixed: new Map([[sim.items[0]!.id, 0.2]]) } });
    const data = collapsePatterns(sim.data).data;
    const settings: MStepSettings = {
      model: '3pl',
      priors: result.settings.priors,
      free: new Uint8Array(8).fill(1),
      estimateMean: false,
      estimateSd: false,
      guessing: { mode: new Float64Array(8).fill(0.2), weight: 20, free: Uint8Array.from({ length: 8 }, (_, i) => (i === 0 ? 0 : 1)) },
    };
    const nodes = result.quadrature.nodes;
    const louis = louisObservedInformation(data, result.parameters, settings, nodes);
    const runner = createLocalRunner(data);
    const differences = await observedCovariance(result.parameters, settings, nodes, (p, q) => Promise.resolve(runner.expectations(p, q)));
    const P = louis.parameters.length;
    expect(P).toBe(8 * 2 + 7);
    let scale = 0;
    for (let k = 0; k < P; k++) scale = Math.max(scale, Math.abs(differences.information[k * P + k]!));
    let worst = 0;
    for (let k = 0; k < P * P; k++) worst = Math.max(worst, Math.abs(louis.information[k]! - differences.information[k]!) / scale);
    console.log(`3PL information, Louis vs central differences: largest difference ${worst.toExponential(2)} of the largest diagonal entry`);
    expect(worst).toBeLessThan(1e-5);
    expect(result.standardErrorsNote).toContain("Louis' identity");
  }, 120_000);

  it('gives the same estimates with the E-step on worker threads', async () => {
    const sim = simulate3pl(createRandom(5), { items: 10, persons: 1000 });
    const local = await calibrate(sim.data, { model: '3pl', standardErrors: 'none' });
    // minAnswersPerThread 1: really on two threads (the default keeps small data in-process).
    const threaded = await calibrateInThreads(sim.data, { model: '3pl', standardErrors: 'none' }, { threads: 2, minAnswersPerThread: 1 });
    expect(Math.abs(threaded.logLik - local.logLik)).toBeLessThan(1e-7);
    local.items.forEach((item, i) => {
      // Shards add in another order: rounding differences, amplified a little by the EM iterations.
      expect(Math.abs(threaded.items[i]!.a - item.a)).toBeLessThan(1e-7);
      expect(Math.abs(threaded.items[i]!.c! - item.c!)).toBeLessThan(1e-7);
      // The diagnostic pass on the threads uses c too.
      expect(Math.abs(threaded.items[i]!.infit! - item.infit!)).toBeLessThan(1e-7);
    });
  }, 60_000);

  it('S-X² uses the 3PL trace lines: few items flagged under the fitted 3PL, most once c is dropped from the same parameters', async () => {
    const sim = simulate3pl(createRandom(9), { items: 20, persons: 5000, cMin: 0.25, cMax: 0.3 });
    const data = collapsePatterns(sim.data).data;
    const three = await calibrate(sim.data, { model: '3pl', standardErrors: 'none' });
    const fit3 = sx2ItemFit(data, three.parameters, three.quadrature, 3);
    const { c: _dropped, ...withoutC } = three.parameters;
    const fitNoC = sx2ItemFit(data, withoutC, three.quadrature, 3);
    const flagged = (fit: ReturnType<typeof sx2ItemFit>) => fit.filter((f) => f !== null && f.p < 0.05).length;
    console.log(`S-X² at α = .05 on 3PL data: fitted 3PL ${flagged(fit3)}/20 flagged; same a, d without c ${flagged(fitNoC)}/20`);
    expect(fit3.every((f) => f !== null)).toBe(true);
    // df = groups − 3 for a 3PL item with c estimated, − 2 when it is fixed.
    const perItem = sx2ItemFit(
      data,
      three.parameters,
      three.quadrature,
      Array.from({ length: 20 }, (_, i) => (i === 0 ? 2 : 3)),
    );
    expect(perItem[0]!.df).toBe(fit3[0]!.df + 1);
    expect(flagged(fit3)).toBeLessThanOrEqual(3);
    expect(flagged(fitNoC)).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('refuses a 3PL whose c cannot be estimated (no prior on c) and per-item Louis blocks, clearly', async () => {
    const sim = simulate3pl(createRandom(2), { items: 6, persons: 300 });
    await expect(calibrate(sim.data, { model: '3pl', priors: false })).rejects.toThrow(CalibrationDataError);
    await expect(calibrate(sim.data, { model: '3pl', priors: false })).rejects.toThrow(/prior on the lower asymptote/);
    await expect(calibrate(sim.data, { model: '3pl', standardErrors: 'louis-block' })).rejects.toThrow(/not implemented for the 3PL/);
    // With every c fixed, maximum likelihood is fine.
    const fixed: CalibrationResult = await calibrate(sim.data, {
      model: '3pl',
      priors: false,
      guessing: { fixed: new Map(sim.items.map((i) => [i.id, 0.2])) },
    });
    expect(fixed.items.every((item) => item.c === 0.2)).toBe(true);
    expect(fixed.parameterCount).toBe(12);
  }, 60_000);
});

/**
 * The exact full observed information (Louis' identity over all parameters) against the Hessian of
 * the marginal log-posterior by central differences of the exact gradient, and the per-item Louis
 * blocks against both on ≥ 200k simulated answers.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns, type CalibrationResult } from '.';
import { louisObservedInformation } from './information';
import { observedCovariance } from './standard-errors';
import { createLocalRunner } from './runner';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { median } from 'simple-statistics';

function settingsOf(result: CalibrationResult) {
  return {
    model: result.model,
    priors: result.settings.priors,
    free: Uint8Array.from(result.items, (item) => (item.anchored ? 0 : 1)),
    estimateMean: result.settings.estimateMean,
    estimateSd: result.settings.estimateSd,
  };
}

async function compareMatrices(result: CalibrationResult, data: Parameters<typeof louisObservedInformation>[0]): Promise<number> {
  const settings = settingsOf(result);
  const nodes = result.quadrature.nodes;
  const louis = louisObservedInformation(data, result.parameters, settings, nodes);
  const runner = createLocalRunner(data);
  const differences = await observedCovariance(result.parameters, settings, nodes, (p, q) => Promise.resolve(runner.expectations(p, q)));
  const P = louis.parameters.length;
  expect(differences.parameters.length).toBe(P);
  let scale = 0;
  for (let k = 0; k < P; k++) scale = Math.max(scale, Math.abs(differences.information[k * P + k]!));
  let worst = 0;
  for (let k = 0; k < P * P; k++) worst = Math.max(worst, Math.abs(louis.information[k]! - differences.information[k]!) / scale);
  return worst;
}

describe('full observed information by Louis identity', () => {
  it('equals the central-difference Hessian of the marginal log-posterior (2PL with priors, Rasch with σ, anchored with mean and σ)', async () => {
    const sim = simulateCalibrationData(createRandom(11), { items: 12, persons: 800 });
    const data = collapsePatterns(sim.data).data;
    const twoPl = await calibrate(sim.data, { standardErrors: 'louis-block' });
    const rasch = await calibrate(sim.data, { model: 'rasch', standardErrors: 'louis-block' });
    const e1 = await compareMatrices(twoPl, data);
    const e2 = await compareMatrices(rasch, data);
    const anchors = {
      [sim.data.itemIds[0]!]: { a: sim.items[0]!.a, d: -sim.items[0]!.a * sim.items[0]!.b },
      [sim.data.itemIds[1]!]: { a: sim.items[1]!.a, d: -sim.items[1]!.a * sim.items[1]!.b },
    };
    const anchored = await calibrate(sim.data, { anchors, standardErrors: 'louis-block' });
    const e3 = await compareMatrices(anchored, data);
    console.log(
      `Louis full vs central differences, max |Δ| / max diagonal: 2PL ${e1.toExponential(2)}, Rasch ${e2.toExponential(2)}, anchored ${e3.toExponential(2)}`,
    );
    expect(e1).toBeLessThan(1e-6);
    expect(e2).toBeLessThan(1e-6);
    expect(e3).toBeLessThan(1e-6);
  }, 60_000);

  it('is the default; Louis blocks only when asked, and both are named', async () => {
    for (const [label, design] of [
      ['complete 20 × 10,000', { kind: 'complete' as const }],
      ['sparse 100 items × 25,000 persons × 8', { kind: 'random' as const, perPerson: 8 }],
    ] as const) {
      const sim =
        design.kind === 'complete'
          ? simulateCalibrationData(createRandom(5), { items: 20, persons: 10_000, design })
          : simulateCalibrationData(createRandom(6), { items: 100, persons: 25_000, design });
      const exact = await calibrate(sim.data);
      const block = await calibrate(sim.data, { standardErrors: 'louis-block' });
      expect(exact.answers).toBeGreaterThanOrEqual(200_000);
      expect(exact.standardErrors).toBe('observed');
      expect(exact.standardErrorsNote).toMatch(/Louis' identity/);
      expect(block.standardErrors).toBe('louis-block');
      expect(block.standardErrorsNote).toMatch(/as asked/);
      const ratio = (pick: (r: CalibrationResult, i: number) => number) => exact.items.map((_, i) => Math.abs(pick(block, i) / pick(exact, i) - 1));
      const rb = ratio((r, i) => r.items[i]!.se.b!);
      const ra = ratio((r, i) => r.items[i]!.se.a!);
      console.log(
        `${label}: Louis blocks vs full observed information, SE(b) median ${(100 * median(rb)).toFixed(2)} % worst ${(100 * Math.max(...rb)).toFixed(2)} %; SE(a) median ${(100 * median(ra)).toFixed(2)} % worst ${(100 * Math.max(...ra)).toFixed(2)} %`,
      );
      for (const item of exact.items) expect(Number.isFinite(item.se.b)).toBe(true);
    }
  }, 120_000);
});

/** S-X² (Orlando & Thissen 2000): type-I error on data simulated from the model, and power on a misfitting item. */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns } from '.';
import { sx2ItemFit } from './item-fit';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

describe('S-X² item fit', () => {
  it('rejects about 5 % of items at α = .05 when the 2PL is true (seeded, 20 data sets × 20 items × 1,000 persons)', async () => {
    let tests = 0;
    let rejected = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const sim = simulateCalibrationData(createRandom(100 + seed), { items: 20, persons: 1000 });
      const result = await calibrate(sim.data);
      const fit = sx2ItemFit(collapsePatterns(sim.data).data, result.parameters, result.quadrature, 2);
      for (const f of fit) {
        expect(f).not.toBeNull();
        tests++;
        if (f!.p < 0.05) rejected++;
      }
    }
    const rate = rejected / tests;
    console.log(`S-X² type-I error at α = .05: ${rejected}/${tests} = ${(100 * rate).toFixed(1)} %`);
    expect(rate).toBeGreaterThanOrEqual(0.03);
    expect(rate).toBeLessThanOrEqual(0.07);
  }, 60_000);

  it('flags a Rasch fit of data whose slopes vary, and is null on sparse data', async () => {
    const sim = simulateCalibrationData(createRandom(7), { items: 15, persons: 3000, bank: { slopeMeanLog: 0, slopeSdLog: 0.6 } });
    const rasch = await calibrate(sim.data, { model: 'rasch' });
    const fit = sx2ItemFit(sim.data, rasch.parameters, rasch.quadrature, 1);
    const flagged = fit.filter((f) => f !== null && f.p < 0.05).length;
    console.log(`Rasch on 2PL data: ${flagged}/15 items flagged`);
    expect(flagged).toBeGreaterThanOrEqual(3);
    const sparse = simulateCalibrationData(createRandom(8), { items: 30, persons: 500, design: { kind: 'random', perPerson: 10 } });
    const fitted = await calibrate(sparse.data);
    expect(sx2ItemFit(sparse.data, fitted.parameters, fitted.quadrature, 2).every((f) => f === null)).toBe(true);
  }, 60_000);
});

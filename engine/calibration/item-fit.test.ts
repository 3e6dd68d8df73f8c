/** S-X² (Orlando & Thissen 2000): type-I error on data simulated from the model, and power on a misfitting item. */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns } from '.';
import { sx2FromGroups, sx2ItemFit, type ScoreGroup } from './item-fit';
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

  it('gives the expected proportions of the plain recursion (every item but i added from scratch) to 1e-12', async () => {
    // The divide-and-conquer leave-one-out adds the items in another order: equal to rounding.
    const sim = simulateCalibrationData(createRandom(11), { items: 23, persons: 2000 });
    const result = await calibrate(sim.data);
    const { a, d } = result.parameters;
    const { nodes, weights } = result.quadrature;
    const n = a.length;
    const Q = nodes.length;
    const p = (i: number, q: number) => 1 / (1 + Math.exp(-((a[i] as number) * (nodes[q] as number) + (d[i] as number))));
    // Reference: for each item, the summed-score distribution of the others from scratch, then S-X² as documented.
    const distribution = (skip: number) => {
      let f = Array.from({ length: Q }, () => [1]);
      for (let j = 0; j < n; j++) {
        if (j === skip) continue;
        f = f.map((row, q) =>
          row.map((v, s) => v * (1 - p(j, q)) + (s > 0 ? (row[s - 1] as number) * p(j, q) : 0)).concat([(row[row.length - 1] as number) * p(j, q)]),
        );
      }
      return f;
    };
    const full = distribution(-1);
    const persons = new Array<number>(n + 1).fill(0);
    const correct = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
    for (let r = 0; r + 1 < sim.data.rowStart.length; r++) {
      let score = 0;
      for (let k = sim.data.rowStart[r] as number; k < (sim.data.rowStart[r + 1] as number); k++) score += sim.data.scores[k] as number;
      persons[score] = (persons[score] as number) + 1;
      for (let k = sim.data.rowStart[r] as number; k < (sim.data.rowStart[r + 1] as number); k++)
        if (sim.data.scores[k] === 1) {
          const row = correct[sim.data.items[k] as number] as number[];
          row[score] = (row[score] as number) + 1;
        }
    }
    const fit = sx2ItemFit(sim.data, result.parameters, result.quadrature, 2);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const rest = distribution(i);
      // Groups before merging: the expected proportion correct at each summed score k = 1 … n − 1.
      const groups: ScoreGroup[] = [];
      for (let k = 1; k < n; k++) {
        let num = 0;
        let den = 0;
        for (let q = 0; q < Q; q++) {
          num += p(i, q) * ((rest[q] as number[])[k - 1] as number) * (weights[q] as number);
          den += ((full[q] as number[])[k] as number) * (weights[q] as number);
        }
        groups.push({ count: persons[k] as number, observed: (correct[i] as number[])[k] as number, expected: (num / den) * (persons[k] as number) });
      }
      // The same merging and statistic (sx2FromGroups) on these groups.
      const expected = sx2FromGroups(groups, 2);
      expect(fit[i]?.df).toBe(expected?.df);
      worst = Math.max(worst, Math.abs((fit[i]?.statistic as number) - (expected?.statistic as number)) / (expected?.statistic as number));
    }
    console.log(`S-X² against the plain recursion: max relative difference ${worst.toExponential(1)}`);
    expect(worst).toBeLessThan(1e-12);
  });
});

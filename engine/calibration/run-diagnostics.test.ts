/**
 * The run page's diagnostics that need the answers: the person-fit distribution (lz at EAP θ̂) and
 * local dependence within a skill or tube (Yen's Q3), on known values and seeded simulations.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, localDependence, lz, personFitDistribution, ResponseDataBuilder, scorePersons, summarisePersonFit, type ItemPlace } from '.';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

describe('person fit lz (Drasgow, Levine & Williams 1985)', () => {
  // Four Rasch items b = −1.5, −0.5, 0.5, 1.5 at θ = 0 (a = 1, d = −b).
  const items = [-1.5, -0.5, 0.5, 1.5].map((b) => ({ a: 1, d: -b }));
  /** The formula written out with ln P and ln(1 − P) directly, apart from the engine's. */
  function byFormula(scores: readonly number[], theta: number): number {
    let l0 = 0;
    let e = 0;
    let v = 0;
    items.forEach(({ a, d }, k) => {
      const p = 1 / (1 + Math.exp(-(a * theta + d)));
      l0 += scores[k] === 1 ? Math.log(p) : Math.log(1 - p);
      e += p * Math.log(p) + (1 - p) * Math.log(1 - p);
      v += p * (1 - p) * Math.log(p / (1 - p)) ** 2;
    });
    return (l0 - e) / Math.sqrt(v);
  }
  const answers = (scores: readonly (0 | 1)[]) => items.map((item, k) => ({ ...item, score: scores[k] as 0 | 1 }));

  it('a Guttman pattern (easy right, hard wrong) fits; the reversed pattern is far below −1.645', () => {
    const guttman = lz(answers([1, 1, 0, 0]), 0)!;
    const reversed = lz(answers([0, 0, 1, 1]), 0)!;
    // Values computed apart (Python, same formula): 1.0413836738, −3.4627870035.
    expect(guttman).toBeCloseTo(1.041383673811699, 10);
    expect(reversed).toBeCloseTo(-3.46278700348712, 10);
    expect(guttman).toBeCloseTo(byFormula([1, 1, 0, 0], 0), 12);
    expect(reversed).toBeCloseTo(byFormula([0, 0, 1, 1], 0), 12);
    for (const theta of [-1.2, 0.4, 2]) expect(lz(answers([1, 0, 1, 0]), theta)!).toBeCloseTo(byFormula([1, 0, 1, 0], theta), 12);
  });

  it('summarises lz: weighted share below the threshold, mean, SD and a histogram whose ends take the tails', () => {
    const s = summarisePersonFit([-7, -2, -1, 0, 0.2, NaN, 4], [1, 2, 1, 1, 1, 5, 1]);
    expect(s.persons).toBe(7);
    expect(s.misfittingPersons).toBe(3);
    expect(s.misfitting).toBeCloseTo(3 / 7, 12);
    const values = [-7, -2, -2, -1, 0, 0.2, 4];
    const m = values.reduce((x, y) => x + y, 0) / 7;
    expect(s.mean).toBeCloseTo(m, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(values.reduce((x, y) => x + (y - m) ** 2, 0) / 6), 12);
    expect(s.histogram.counts.reduce((x, y) => x + y, 0)).toBe(7);
    expect(s.histogram.counts[0]).toBe(1); // −7 folded into [−5, −4.5)
    expect(s.histogram.counts[(-2 + 5) / 0.5]).toBe(2);
    expect(s.histogram.counts[s.histogram.counts.length - 1]).toBe(1); // 4 folded into the last bin
  });

  it('on data simulated from the model few persons misfit; planted reversed patterns are counted', async () => {
    const rng = createRandom('person-fit-distribution');
    const sim = simulateCalibrationData(rng, { items: 30, persons: 2000 });
    const b = sim.items.map((i) => i.b);
    const builder = new ResponseDataBuilder(sim.data.itemIds);
    for (let r = 0; r < 2000; r++) {
      builder.beginRow();
      for (let j = sim.data.rowStart[r]!; j < sim.data.rowStart[r + 1]!; j++) {
        const i = sim.data.items[j]!;
        // 40 persons answer the hardest half right and the easiest half wrong.
        builder.addAnswer(i, r < 40 ? ((b[i]! > 0 ? 1 : 0) as 0 | 1) : (sim.data.scores[j] as 0 | 1));
      }
    }
    const data = builder.build();
    const result = await calibrate(data, {});
    const fit = personFitDistribution(data, result);
    console.log(
      `lz at EAP, 2,000 persons of whom 40 reversed: misfitting ${(100 * fit.misfitting).toFixed(2)} %, mean ${fit.mean!.toFixed(3)}, SD ${fit.sd!.toFixed(3)}`,
    );
    expect(fit.persons).toBe(2000);
    // 40 reversed (2 %) plus at most the nominal 5 % of the others.
    expect(fit.misfittingPersons).toBeGreaterThanOrEqual(40);
    expect(fit.misfitting).toBeLessThan(0.02 + 0.05);
    expect(fit.histogram.counts.reduce((x, y) => x + y, 0)).toBe(2000);
  });
});

describe("local dependence within a skill or tube (Yen's Q3)", () => {
  it('lists a duplicated pair of one tube, not independent pairs nor pairs of different tubes; Q3* and the expected mean', async () => {
    const rng = createRandom('local-dependence');
    const sim = simulateCalibrationData(rng, { items: 12, persons: 3000 });
    // Items 0–5 in tube A (skills A1…A6), 6–11 in tube B; one competence. Item 1 copies item 0's answer
    // for half of the persons (same tube, different skills); item 8 copies item 3 (different tubes).
    const builder = new ResponseDataBuilder(sim.data.itemIds);
    for (let r = 0; r < 3000; r++) {
      builder.beginRow();
      const copy = rng.next() < 0.5;
      const start = sim.data.rowStart[r]!;
      for (let j = start; j < sim.data.rowStart[r + 1]!; j++) {
        const i = sim.data.items[j]!;
        const score = copy && i === 1 ? sim.data.scores[start]! : copy && i === 8 ? sim.data.scores[start + 3]! : sim.data.scores[j]!;
        builder.addAnswer(i, score as 0 | 1);
      }
    }
    const data = builder.build();
    const result = await calibrate(data, {});
    const places = new Map<string, ItemPlace>(
      data.itemIds.map((id, i) => [id, { skill: `${i < 6 ? 'A' : 'B'}${i % 6}`, tube: i < 6 ? 'A' : 'B', competence: 'C1' }] as const),
    );
    const { theta } = scorePersons(data, result);
    const report = localDependence(data, result, places, { theta });
    console.log(
      `Q3: pairs ${report.pairsComputed}, mean ${report.meanQ3!.toFixed(4)} (−1/(k − 1) = ${report.expectedMean!.toFixed(4)}), listed ${report.pairs
        .map((p) => `${p.items.join('–')} ${p.q3.toFixed(3)} (Q3* ${p.adjusted.toFixed(3)})`)
        .join(', ')}`,
    );
    expect(report.pairsComputed).toBe(66);
    expect(report.relatedPairs).toBe(30); // 15 + 15 within a tube, none within a skill
    expect(report.pairs).toHaveLength(1);
    const pair = report.pairs[0]!;
    expect(pair.items).toEqual([data.itemIds[0], data.itemIds[1]]);
    expect(pair.relation).toBe('tube');
    expect(pair.n).toBe(3000);
    expect(pair.q3).toBeGreaterThan(0.25);
    expect(pair.adjusted).toBeCloseTo(pair.q3 - report.meanQ3!, 12);
    expect(report.above).toBe(1);
    expect(report.answersPerPerson).toBe(12);
    expect(report.expectedMean).toBeCloseTo(-1 / 11, 12);
    // The independent related pairs stay well below 0.2 (their largest is the planted pair).
    expect(report.maxRelated).toBe(pair.q3);

    // A pair in two competences is not computed at all.
    const split = new Map([...places].map(([id, p], i) => [id, { ...p, competence: i < 6 ? 'C1' : 'C2' }] as const));
    expect(localDependence(data, result, split, { theta }).pairsComputed).toBe(30);
    // Same skill: both challenges of skill A0 (a second challenge of one skill).
    const sameSkill = new Map([...places].map(([id, p], i) => [id, i === 1 ? { ...p, skill: 'A0' } : p] as const));
    expect(localDependence(data, result, sameSkill, { theta }).pairs[0]!.relation).toBe('skill');
  });
});

/**
 * Parameter recovery on simulated data with known truth. The figures are printed; the bounds are
 * the quality targets.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, type CalibrationResult } from '.';
import { createRandom } from '../random';
import { simulateCalibrationData, type SimulatedCalibrationData } from '../simulation';

function rmse(sim: SimulatedCalibrationData, result: CalibrationResult, pick: (p: { a: number; b: number }) => number, only?: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  sim.items.forEach((truth, i) => {
    if (only !== undefined && !only(i)) return;
    const estimate = result.items[i]!;
    sum += (pick(estimate) - pick(truth)) ** 2;
    count++;
  });
  return Math.sqrt(sum / count);
}

function flagCounts(result: CalibrationResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of result.items) for (const flag of item.flags) counts[flag] = (counts[flag] ?? 0) + 1;
  return counts;
}

describe('parameter recovery', () => {
  it('complete 2PL design, 1,000 persons × 20 items: RMSE(b) ≤ 0.15 pooled over 16 replications', async () => {
    // One bank of 20 items is a small sample of difficulties: its RMSE(b) swings with how many
    // extreme, weakly discriminating items it happens to draw (about 0.10 to 0.18 over these
    // seeds). The target is on the pooled RMSE of 16 independent replications.
    let squared = 0;
    let count = 0;
    let z2 = 0;
    const each: string[] = [];
    for (let seed = 1; seed <= 16; seed++) {
      const sim = simulateCalibrationData(createRandom(seed), { items: 20, persons: 1000 });
      const result = await calibrate(sim.data);
      expect(result.converged).toBe(true);
      const rb = rmse(sim, result, (p) => p.b);
      each.push(rb.toFixed(3));
      squared += rb * rb * sim.items.length;
      count += sim.items.length;
      sim.items.forEach((t, i) => (z2 += ((result.items[i]!.b - t.b) / result.items[i]!.se.b!) ** 2));
    }
    const pooled = Math.sqrt(squared / count);
    const meanZ2 = z2 / count;
    console.log(
      `complete 2PL 1000×20, 16 replications: RMSE(b) each ${each.join(', ')}; pooled ${pooled.toFixed(4)}; mean squared z of b ${meanZ2.toFixed(3)}`,
    );
    expect(pooled).toBeLessThanOrEqual(0.15);
    // The reported standard errors describe the actual errors: mean squared z-score near 1.
    expect(meanZ2).toBeGreaterThan(0.7);
    expect(meanZ2).toBeLessThan(1.4);
  });

  it('sparse design, 200 items, 20,000 persons × 15 answers, priors on: RMSE(b) ≤ 0.12 and RMSE(a) ≤ 0.12', async () => {
    const sim = simulateCalibrationData(createRandom(7), { items: 200, persons: 20_000, design: { kind: 'random', perPerson: 15 } });
    const result = await calibrate(sim.data);
    const rb = rmse(sim, result, (p) => p.b);
    const ra = rmse(sim, result, (p) => p.a);
    console.log(
      `sparse 2PL 200 items, 20000×15: RMSE(b) ${rb.toFixed(4)}, RMSE(a) ${ra.toFixed(4)}, ${result.iterations} cycles, SEs ${result.standardErrors}, flags ${JSON.stringify(flagCounts(result))}`,
    );
    expect(result.converged).toBe(true);
    expect(result.answers).toBe(300_000);
    expect(rb).toBeLessThanOrEqual(0.12);
    expect(ra).toBeLessThanOrEqual(0.12);
    // Data that fit the model: few items flagged as misfitting.
    expect(flagCounts(result).misfit ?? 0).toBeLessThanOrEqual(4);
  });

  it('adaptive-like sparse design (items chosen near the running θ̂) is calibrated without bias', async () => {
    const sim = simulateCalibrationData(createRandom(8), { items: 200, persons: 20_000, design: { kind: 'adaptive', perPerson: 15 } });
    const result = await calibrate(sim.data);
    const wellExposed = (i: number) => result.items[i]!.n >= 500;
    const rb = rmse(sim, result, (p) => p.b, wellExposed);
    const ra = rmse(sim, result, (p) => p.a, wellExposed);
    const meanError = sim.items.reduce((s, t, i) => s + (result.items[i]!.b - t.b), 0) / sim.items.length;
    console.log(
      `adaptive 2PL 200 items, 20000×15 (items with ≥ 500 answers): RMSE(b) ${rb.toFixed(4)}, RMSE(a) ${ra.toFixed(4)}, mean b error ${meanError.toFixed(4)}`,
    );
    expect(rb).toBeLessThanOrEqual(0.12);
    expect(ra).toBeLessThanOrEqual(0.15);
    expect(Math.abs(meanError)).toBeLessThan(0.05);
  });

  it('Rasch: recovers difficulties and the latent SD', async () => {
    const sim = simulateCalibrationData(createRandom(31), {
      items: 25,
      persons: 3000,
      model: 'rasch',
      abilities: { sd: 0.7 },
    });
    const result = await calibrate(sim.data, { model: 'rasch', priors: false });
    const rb = rmse(sim, result, (p) => p.b);
    console.log(`Rasch 3000×25: RMSE(b) ${rb.toFixed(4)}, latent SD ${result.latent.sd.toFixed(4)} (true 0.7)`);
    expect(rb).toBeLessThanOrEqual(0.1);
    expect(Math.abs(result.latent.sd - 0.7)).toBeLessThan(0.05);
  });

  it('anchors hold the metric: new items land on the anchors’ scale and the population is estimated', async () => {
    const sim = simulateCalibrationData(createRandom(99), {
      items: 40,
      persons: 5000,
      abilities: { mean: 0.5, sd: 1.2 },
    });
    const anchors = new Map(sim.items.slice(0, 20).map((item) => [item.id, { a: item.a, d: item.d }] as const));
    const result = await calibrate(sim.data, { anchors });
    const isNew = (i: number) => i >= 20;
    const rb = rmse(sim, result, (p) => p.b, isNew);
    console.log(
      `anchored 20 of 40: RMSE(b) of new items ${rb.toFixed(4)}, latent N(${result.latent.mean.toFixed(3)}, ${result.latent.sd.toFixed(3)}²) (true N(0.5, 1.2²))`,
    );
    for (let i = 0; i < 20; i++) {
      expect(result.items[i]!.a).toBe(sim.items[i]!.a);
      expect(result.items[i]!.d).toBe(sim.items[i]!.d);
      expect(result.items[i]!.anchored).toBe(true);
      expect(result.items[i]!.se.b).toBeNull();
    }
    expect(rb).toBeLessThanOrEqual(0.12);
    expect(Math.abs(result.latent.mean - 0.5)).toBeLessThan(0.08);
    expect(Math.abs(result.latent.sd - 1.2)).toBeLessThan(0.08);
  });
});

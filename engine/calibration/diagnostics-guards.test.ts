/**
 * Issue 18, guards: the point-biserial is null where it is undefined (never a rounding residue such as
 * −1.0000000000001, and no flag from it), and a model the data cannot identify is refused.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, CalibrationDataError, pointBiserialFromSums, ResponseDataBuilder } from '.';
import { createRandom, normal } from '../random';
import { pearson } from '../statistics';

function sums(y: readonly number[], t: readonly number[]): [number, number, number, number, number] {
  let w = 0;
  let sy = 0;
  let st = 0;
  let stt = 0;
  let syt = 0;
  y.forEach((yi, k) => {
    const ti = t[k] as number;
    w += 1;
    sy += yi;
    st += ti;
    stt += ti * ti;
    syt += yi * ti;
  });
  return [w, sy, st, stt, syt];
}

describe('pointBiserialFromSums', () => {
  it('equals Pearson’s r (simple-statistics) on seeded data', () => {
    const rng = createRandom(18);
    const t = Array.from({ length: 500 }, () => normal(rng));
    const y = t.map((ti) => (ti + normal(rng) > 0 ? 1 : 0));
    const r = pointBiserialFromSums(...sums(y, t));
    expect(r).not.toBeNull();
    expect(r!).toBeCloseTo(pearson(y, t)!, 12);
    expect(r!).toBeGreaterThan(0.5);
  });

  it('is null when the rest score or the item is constant, even with a rounding residue', () => {
    const y = [1, 0, 1, 1, 0, 0, 1];
    // A rest score constant up to the last bits, as a leave-one-out EAP with no other answer is.
    const t = y.map((_, k) => 0.1 + (k % 2) * 1e-17 + (k % 3) * 2e-17);
    expect(pointBiserialFromSums(...sums(y, t))).toBeNull();
    expect(pointBiserialFromSums(...sums([1, 1, 1, 1], [0.3, -1, 2, 0]))).toBeNull();
    expect(pointBiserialFromSums(...sums([0, 0, 0], [0.3, -1, 2]))).toBeNull();
    expect(pointBiserialFromSums(0, 0, 0, 0, 0)).toBeNull();
  });

  it('clamps a perfect correlation to [−1, 1]', () => {
    const y = [0, 1, 0, 1, 1, 0, 0, 1, 1, 0];
    const up = pointBiserialFromSums(
      ...sums(
        y,
        y.map((v) => 0.1 + 0.7 * v),
      ),
    );
    const down = pointBiserialFromSums(
      ...sums(
        y,
        y.map((v) => 0.1 - 0.7 * v),
      ),
    );
    expect(up).toBeLessThanOrEqual(1);
    expect(up!).toBeCloseTo(1, 12);
    expect(down).toBeGreaterThanOrEqual(-1);
    expect(down!).toBeCloseTo(-1, 12);
  });

  it('a calibration whose rest score is constant reports null and no negative_discrimination flag', async () => {
    // q2 and q3 right for everyone: q1's rest score is the same for all persons.
    const b = new ResponseDataBuilder(['q1', 'q2', 'q3']);
    for (let r = 0; r < 300; r++) {
      b.beginRow(1);
      b.addAnswer(0, r % 3 === 0 ? 1 : 0);
      b.addAnswer(1, 1);
      b.addAnswer(2, 1);
    }
    const result = await calibrate(b.build(), {});
    for (const item of result.items) {
      expect(item.pointBiserial).toBeNull();
      expect(item.flags).not.toContain('negative_discrimination');
    }
    // q2 and q3 have no variance: infit and outfit say nothing about their fit (no misfit flag from them).
    for (const item of result.items.slice(1)) {
      expect(item).toMatchObject({ infit: null, outfit: null, flags: [] });
    }
    expect(result.items[0]!.infit).not.toBeNull();
  });
});

describe('unidentified models are refused', () => {
  const data = (items: number, pattern: (row: number, item: number) => 0 | 1) => {
    const b = new ResponseDataBuilder(Array.from({ length: items }, (_, i) => `q${i + 1}`));
    for (let r = 0; r < 300; r++) {
      b.beginRow(1);
      for (let i = 0; i < items; i++) b.addAnswer(i, pattern(r, i));
    }
    return b.build();
  };
  const varied = (r: number, i: number): 0 | 1 => ((r * 7 + i * 13) % 11 < 3 + i ? 1 : 0);

  it('a single item, with or without priors, Rasch or 2PL', async () => {
    for (const settings of [{ priors: false }, {}, { model: 'rasch' as const }]) {
      const run = calibrate(data(1, varied), settings);
      await expect(run).rejects.toBeInstanceOf(CalibrationDataError);
      await expect(run).rejects.toThrow(/not identified: one item \(q1\) cannot be calibrated/);
    }
  });

  it('a 2PL on 2 items without a slope prior; Rasch or priors make it identified', async () => {
    await expect(calibrate(data(2, varied), { priors: false })).rejects.toThrow(/2PL on 2 items without a slope prior/);
    const rasch = await calibrate(data(2, varied), { priors: false, model: 'rasch' });
    expect(rasch.converged).toBe(true);
    const withPriors = await calibrate(data(2, varied), {});
    expect(withPriors.converged).toBe(true);
  });

  it('an item with no variance when priors are off, named; with priors it is estimated', async () => {
    const pattern = (r: number, i: number): 0 | 1 => (i === 2 ? 1 : varied(r, i));
    const run = calibrate(data(4, pattern), { priors: false });
    await expect(run).rejects.toThrow(/every answer to item q3 is the same/);
    await expect(run).rejects.toMatchObject({ items: ['q3'] });
    const withPriors = await calibrate(data(4, pattern), {});
    expect(Number.isFinite(withPriors.items[2]!.d)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { simulateCalibrationData, simulateItemBank, simulateResponses } from '.';
import { createRandom } from '../random';

describe('simulation with known truth', () => {
  it('is reproducible from its seed', () => {
    const one = simulateCalibrationData(createRandom(12), { items: 30, persons: 200, design: { kind: 'random', perPerson: 5 } });
    const two = simulateCalibrationData(createRandom(12), { items: 30, persons: 200, design: { kind: 'random', perPerson: 5 } });
    expect(two.items).toEqual(one.items);
    expect(Array.from(two.thetas)).toEqual(Array.from(one.thetas));
    expect(Array.from(two.data.scores)).toEqual(Array.from(one.data.scores));
    const other = simulateCalibrationData(createRandom(13), { items: 30, persons: 200 });
    expect(other.items[0]!.b).not.toBe(one.items[0]!.b);
  });

  it('builds item banks with b = −d/a, and Rasch banks with a = 1', () => {
    const bank = simulateItemBank(createRandom(1), { count: 50 });
    for (const item of bank) expect(item.b).toBeCloseTo(-item.d / item.a, 12);
    expect(new Set(bank.map((i) => i.id)).size).toBe(50);
    expect(simulateItemBank(createRandom(1), { count: 5, model: 'rasch' }).every((i) => i.a === 1)).toBe(true);
  });

  it('complete designs answer every item; sparse designs K distinct items per person', () => {
    const complete = simulateCalibrationData(createRandom(2), { items: 12, persons: 50 });
    for (let p = 0; p < 50; p++) expect(complete.data.rowStart[p + 1]! - complete.data.rowStart[p]!).toBe(12);
    for (const kind of ['random', 'adaptive'] as const) {
      const sparse = simulateCalibrationData(createRandom(3), { items: 40, persons: 300, design: { kind, perPerson: 7 } });
      for (let p = 0; p < 300; p++) {
        const row = Array.from(sparse.data.items.subarray(sparse.data.rowStart[p]!, sparse.data.rowStart[p + 1]!));
        expect(row.length).toBe(7);
        expect(new Set(row).size).toBe(7);
      }
    }
  });

  it('answers follow the model: the proportion correct matches the mean probability', () => {
    const sim = simulateCalibrationData(createRandom(4), { items: 20, persons: 5000 });
    let expected = 0;
    let observed = 0;
    for (let p = 0; p < 5000; p++) {
      for (let j = sim.data.rowStart[p]!; j < sim.data.rowStart[p + 1]!; j++) {
        const item = sim.items[sim.data.items[j]!]!;
        expected += 1 / (1 + Math.exp(-(item.a * sim.thetas[p]! + item.d)));
        observed += sim.data.scores[j]!;
      }
    }
    expect(Math.abs(observed - expected) / 100_000).toBeLessThan(0.005);
  });

  it('the adaptive design gives each person items near their ability', () => {
    const rng = createRandom(5);
    const items = simulateItemBank(rng, { count: 300, difficultySd: 1.5 });
    const thetas = Float64Array.of(-2, 0, 2);
    const distance = (kind: 'random' | 'adaptive') => {
      const data = simulateResponses(createRandom(6), items, thetas, { kind, perPerson: 20 });
      let total = 0;
      for (let p = 0; p < 3; p++) {
        for (let j = data.rowStart[p]!; j < data.rowStart[p + 1]!; j++) total += Math.abs(items[data.items[j]!]!.b - thetas[p]!);
      }
      return total / 60;
    };
    expect(distance('adaptive')).toBeLessThan(0.6 * distance('random'));
  });
});

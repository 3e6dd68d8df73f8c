import { describe, expect, it } from 'vitest';
import { probability } from '../irt';
import { levelAt, levelCutScores } from './cut-scores';

const item = (level: number, a: number, b: number) => ({ level, a, d: -a * b });

describe('level cut scores', () => {
  it('puts the cut of a level where the mean expected success on its items reaches one half', () => {
    const items = [item(1, 1, -2), item(1, 1.5, -1), item(2, 1, 0), item(3, 0.8, 1), item(3, 1.2, 2)];
    const report = levelCutScores(items);
    expect(Object.keys(report.cutScores)).toEqual(['1', '2', '3']);
    expect(report.cutScores['2']).toBeCloseTo(0, 8);
    for (const level of [1, 3]) {
      const group = items.filter((i) => i.level === level);
      const theta = report.cutScores[String(level)]!;
      const mean = group.reduce((s, i) => s + probability(i, theta), 0) / group.length;
      expect(mean).toBeCloseTo(0.5, 8);
    }
    expect(report.cutScores['1']!).toBeLessThan(report.cutScores['2']!);
  });

  it('keeps cut scores in level order: a level easier than the one below takes its cut and is reported', () => {
    const report = levelCutScores([item(1, 1, -1), item(2, 1, -1.5), item(3, 1, 1)]);
    expect(report.levels.map((l) => l.adjusted)).toEqual([false, true, false]);
    expect(report.cutScores['2']).toBe(report.cutScores['1']);
    expect(report.levels[1]!.raw).toBeCloseTo(-1.5, 8);
  });

  it('with another target probability, clamps a level never reached within the range, and skips levels without items', () => {
    const report = levelCutScores([item(1, 1, 0), item(4, 1, 9)], { probability: 0.75 });
    expect(report.cutScores['1']).toBeCloseTo(Math.log(3), 8);
    expect(report.levels[1]).toMatchObject({ level: 4, theta: 6, outOfRange: true });
    expect(report.cutScores['2']).toBeUndefined();
  });

  it('gives the level of an ability', () => {
    const cuts = { '1': -2, '2': -1, '3': 0.5 };
    expect(levelAt(cuts, -3)).toBe(0);
    expect(levelAt(cuts, -1)).toBe(2);
    expect(levelAt(cuts, 4)).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { calibrate, compareParameterSets, FOCAL_GROUP, mantelHaenszelDif, REFERENCE_GROUP, ResponseDataBuilder, scorePersons } from '.';
import { createRandom } from '../random';
import { simulateAbilities, simulateItemBank } from '../simulation';

describe('Mantel–Haenszel DIF', () => {
  it('flags a planted DIF item C (favouring the reference group) and leaves clean items A', async () => {
    const rng = createRandom(404);
    const items = simulateItemBank(rng, { count: 20 });
    const reference = simulateAbilities(rng, { count: 3000, mean: 0, sd: 1 });
    const focal = simulateAbilities(rng, { count: 3000, mean: -0.4, sd: 1 }); // the groups also differ in ability
    const planted = 6; // this item is 0.9 logit harder for the focal group at equal θ
    const builder = new ResponseDataBuilder(items.map((i) => i.id));
    const groups: number[] = [];
    for (const [group, thetas] of [
      [REFERENCE_GROUP, reference],
      [FOCAL_GROUP, focal],
    ] as const) {
      for (const theta of thetas) {
        builder.beginRow();
        items.forEach((item, i) => {
          const shift = group === FOCAL_GROUP && i === planted ? -0.9 : 0;
          const p = 1 / (1 + Math.exp(-(item.a * theta + item.d + shift)));
          builder.addAnswer(i, rng.next() < p ? 1 : 0);
        });
        groups.push(group);
      }
    }
    const data = builder.build();
    const result = await calibrate(data, { standardErrors: 'none' });
    const { theta } = scorePersons(data, result);
    const dif = mantelHaenszelDif(data, groups, theta, { strata: 10 });
    console.log(`DIF: ${dif.map((d) => `${d.item} Δ ${d.deltaMH?.toFixed(2)} ${d.class}`).join(', ')}`);
    expect(dif[planted]!.class).toBe('C');
    expect(dif[planted]!.favours).toBe('reference');
    expect(dif[planted]!.deltaMH!).toBeLessThan(-1.5);
    dif.forEach((d, i) => {
      if (i !== planted) expect(d.class).toBe('A');
    });
    expect(dif[0]!.reference).toBe(3000);
    expect(dif[0]!.focal).toBe(3000);
  });

  it('leaves out persons of neither group and reports untestable items', () => {
    const builder = new ResponseDataBuilder(['x', 'y']);
    const groups = [REFERENCE_GROUP, FOCAL_GROUP, 7];
    for (const scores of [
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      builder.beginRow();
      builder.addAnswer(0, scores[0]!);
    }
    const dif = mantelHaenszelDif(builder.build(), groups, [0, 0, 0]);
    expect(dif[0]!.reference + dif[0]!.focal).toBe(2);
    expect(dif[1]!.class).toBeNull();
  });
});

describe('drift between parameter sets', () => {
  it('marks |Δb| > 0.3 as look and > 0.5 as review, and lists new and retired items', () => {
    const reference = { s1: { a: 1, d: 0 }, s2: { a: 1, d: 0 }, s3: { a: 2, d: 0 }, old: { a: 1, d: 1 } };
    const current = new Map([
      ['s1', { a: 1.1, d: -0.2 }], // b 0 → 0.18
      ['s2', { a: 1, d: -0.4 }], //   b 0 → 0.4
      ['s3', { a: 2, d: 1.2 }], //    b 0 → −0.6
      ['new', { a: 1, d: 0 }],
    ]);
    const report = compareParameterSets(current, reference);
    expect(report.items.map((i) => [i.item, i.status])).toEqual([
      ['s1', 'stable'],
      ['s2', 'look'],
      ['s3', 'review'],
    ]);
    expect(report.items[2]!.deltaB).toBeCloseTo(-0.6, 12);
    expect(report.onlyInCurrent).toEqual(['new']);
    expect(report.onlyInReference).toEqual(['old']);
  });
});

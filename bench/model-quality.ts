/**
 * Seconds the worker's model-quality step adds after a fit (issue 18): EAP scores, modelQuality (AIC,
 * BIC, reliabilities, S-X²) and test information per group, on simulated data, sparse (S-X² null) and
 * complete (S-X² computed). Run: npx tsx bench/model-quality.ts [persons] [items] [perPerson]
 */
import { calibrate, modelQuality, scorePersons, testInformationCurves } from '../engine/calibration';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const [persons = 50_000, items = 400, perPerson = 20] = process.argv.slice(2).map(Number);

async function measure(label: string, n: number, per: number) {
  const sim = simulateCalibrationData(createRandom(1), { items: n, persons, design: { kind: 'random', perPerson: per } });
  const result = await calibrate(sim.data, { standardErrors: 'louis-block' });
  const t0 = performance.now();
  const abilities = scorePersons(sim.data, result);
  const t1 = performance.now();
  const quality = modelQuality(result, sim.data, abilities);
  const t2 = performance.now();
  testInformationCurves(
    result.items.map((i) => ({ a: i.a, d: i.d })),
    result.items.map((_, k) => `g${k % 16}`),
  );
  const t3 = performance.now();
  const withSx2 = quality.sx2.filter((s) => s !== null).length;
  console.log(
    `${label}: ${persons} persons × ${per} answers, ${n} items — EAP ${((t1 - t0) / 1000).toFixed(2)} s, modelQuality ${((t2 - t1) / 1000).toFixed(2)} s (S-X² on ${withSx2} items), test information ${((t3 - t2) / 1000).toFixed(3)} s`,
  );
}

await measure('sparse', items, perPerson);
await measure('complete', 40, 40);

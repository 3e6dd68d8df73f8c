/**
 * Seconds taken by the exact full observed information (Louis' identity, one pass) after a fit, on
 * simulated sparse data. Run: npx tsx bench/standard-errors.ts [persons] [items] [perPerson]
 */
import { calibrate, collapsePatterns, louisObservedInformation } from '../engine/calibration';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const [persons = 100_000, items = 400, perPerson = 20] = process.argv.slice(2).map(Number);
const sim = simulateCalibrationData(createRandom(1), { items, persons, design: { kind: 'random', perPerson } });
const data = collapsePatterns(sim.data).data;
const t0 = performance.now();
const result = await calibrate(sim.data, { standardErrors: 'louis-block' });
const t1 = performance.now();
const free = new Uint8Array(items).fill(1);
louisObservedInformation(
  data,
  result.parameters,
  { model: '2pl', priors: result.settings.priors, free, estimateMean: false, estimateSd: false },
  result.quadrature.nodes,
);
const t2 = performance.now();
console.log(
  `${persons} persons × ${perPerson} answers (${result.answers} answers), ${items} items: fit ${((t1 - t0) / 1000).toFixed(1)} s, full observed information (Louis) ${((t2 - t1) / 1000).toFixed(1)} s`,
);

/**
 * The exact standard errors of this tree against another's (`--old DIR`: e.g. `git archive main` unpacked, its
 * node_modules linked): the same simulated bank (seed 59, `persons` × 30 answers on `items` 2PL items) calibrated by
 * each tree's `calibrate` with `standardErrors: 'observed'` (the exact information, its factorisation in WebAssembly);
 * prints how many SEs differ, the largest relative difference, and the largest difference of the estimates.
 * Run: node --import tsx bench/exact-se-ab.ts --old /tmp/old [items = 400] [persons = 30000]
 */
import { resolve } from 'node:path';
import * as newEngine from '../engine/calibration';
import * as newRandom from '../engine/random';
import * as newSimulation from '../engine/simulation';

const args = process.argv.slice(2);
const at = args.indexOf('--old');
if (at < 0 || args[at + 1] === undefined) throw new Error('--old DIR is needed');
const oldDir = resolve(args[at + 1] as string);
const [items, persons] = args.filter((_, k) => k !== at && k !== at + 1).map(Number);
const trees = [
  [
    (await import(`${oldDir}/engine/calibration/index.ts`)) as typeof newEngine,
    (await import(`${oldDir}/engine/random/index.ts`)) as typeof newRandom,
    (await import(`${oldDir}/engine/simulation/index.ts`)) as typeof newSimulation,
  ],
  [newEngine, newRandom, newSimulation],
] as const;
const fits = [];
for (const [engine, random, simulation] of trees) {
  const sim = simulation.simulateCalibrationData(random.createRandom(59), {
    items: items ?? 400,
    persons: persons ?? 30000,
    design: { kind: 'random', perPerson: 30 },
  });
  fits.push(await engine.calibrate(sim.data, { standardErrors: 'observed' }));
}
const [old, now] = fits as [Awaited<ReturnType<typeof newEngine.calibrate>>, Awaited<ReturnType<typeof newEngine.calibrate>>];
let differ = 0;
let worst = 0;
let estimates = 0;
old.items.forEach((item, i) => {
  const other = now.items[i];
  if (other === undefined) throw new Error('not the same items');
  for (const key of ['a', 'b'] as const) {
    const [x, y] = [item.se[key] as number, other.se[key] as number];
    if (x !== y) differ++;
    worst = Math.max(worst, Math.abs(x - y) / x);
    estimates = Math.max(estimates, Math.abs((item[key] as number) - (other[key] as number)));
  }
});
console.log(
  `${old.items.length} items (${old.parameterCount} parameters): ${differ} of ${2 * old.items.length} SEs differ, ` +
    `worst relative ${worst.toExponential(2)}; largest estimate difference ${estimates.toExponential(2)}`,
);

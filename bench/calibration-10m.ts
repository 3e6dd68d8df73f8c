/**
 * 10.5M answers: 2,000 items, 700,000 persons answering 15 items each (random sparse design),
 * 2PL with priors (the defaults), E-steps on worker threads.
 * Targets on a 2-core machine: ≤ 30 s wall, ≤ 2 GiB peak memory.
 * Also times loading the same answers from a long-format CSV (person,item,score) with the CLI's
 * reader, unless --no-csv is given.      Run: node --import tsx bench/calibration-10m.ts
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResponseCsv } from '../cli/csv';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { peakMemoryMiB, referenceTimings, report, secondsSince, timedCalibration } from './harness';

let t = performance.now();
const sim = simulateCalibrationData(createRandom(20240602), {
  items: 2000,
  persons: 700_000,
  design: { kind: 'random', perPerson: 15 },
});
const simulationSeconds = secondsSince(t);
const run = await timedCalibration(sim.data, {});
const calibrationPeak = peakMemoryMiB();
const reference = referenceTimings(sim, 20_000);

const extra: Record<string, string> = {
  'simulation seconds (not in wall)': simulationSeconds.toFixed(2),
  target: `≤ 30 s wall and ≤ 2048 MiB: ${run.wallSeconds <= 30 && calibrationPeak <= 2048 ? 'met' : 'NOT met'} (peak after calibration ${calibrationPeak.toFixed(0)} MiB)`,
};

if (!process.argv.includes('--no-csv')) {
  const path = join(tmpdir(), `calibration-10m-${process.pid}.csv`);
  try {
    const out = createWriteStream(path);
    out.write('person,item,score\n');
    let chunk = '';
    for (let p = 0; p < sim.data.rowStart.length - 1; p++) {
      for (let j = sim.data.rowStart[p] as number; j < (sim.data.rowStart[p + 1] as number); j++) {
        chunk += `p${p},${sim.data.itemIds[sim.data.items[j] as number]},${sim.data.scores[j]}\n`;
      }
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    t = performance.now();
    const loaded = await readResponseCsv(path);
    extra['CSV load (long format, CLI reader)'] = `${secondsSince(t).toFixed(2)} s for ${loaded.data.items.length} answers`;
  } finally {
    rmSync(path, { force: true });
  }
}
report('calibration-10m: 2,000 items, 700,000 persons × 15 answers, sparse', sim, run, reference, extra);

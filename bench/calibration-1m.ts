/**
 * 1M answers: 100 items × 10,000 persons, complete design, 2PL with the default settings
 * (priors on, 61 nodes on [−6, 6], tolerance 1e-4, SQUAREM), E-steps on worker threads.
 * Target on a 2-core machine: ≤ 2 s.      Run: node --import tsx bench/calibration-1m.ts
 */
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { referenceTimings, report, secondsSince, timedCalibration } from './harness';

const t = performance.now();
const sim = simulateCalibrationData(createRandom(20240601), { items: 100, persons: 10_000 });
const simulationSeconds = secondsSince(t);
const run = await timedCalibration(sim.data, {});
const reference = referenceTimings(sim, 2_000);
report('calibration-1m: 100 items × 10,000 persons, complete', sim, run, reference, {
  'simulation seconds (not in wall)': simulationSeconds.toFixed(2),
  target: `≤ 2 s wall: ${run.wallSeconds <= 2 ? 'met' : 'NOT met'}`,
});

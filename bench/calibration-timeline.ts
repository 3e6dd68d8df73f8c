/**
 * When each part of the 10.5M calibration happens (2,000 items, 700,000 persons × 15 answers, the
 * threaded runner): pattern collapse, threads' start, the summary, each E-step and M-step, the final
 * pass, as times since the start and the gap from the previous event. SEs per item block, so that only
 * the EM and the final pass run. Then the EM phase in parts: first E-step's start to last M-step's end, the
 * E-steps (the first apart: cold), the M-steps, the rest (SQUAREM's steps, convergence checks, hand-offs).
 * Run: node --import tsx bench/calibration-timeline.ts [persons = 700000] [--quiet: only the last line]
 */
import { loadavg } from 'node:os';
import { calibrate } from '../engine/calibration';
import { createThreadedRunner, startThreadsFor } from '../engine/calibration/parallel';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const quiet = process.argv.includes('--quiet');
const persons = Number(process.argv.filter((a) => !a.startsWith('--'))[2] ?? 700_000);
const sim = simulateCalibrationData(createRandom(20240602), { items: 2000, persons, design: { kind: 'random', perPerson: 15 } });
const started = performance.now();
// --ahead: the threads started before the pattern collapse (as the CLI starts them before the read), their start overlapping it.
const pool = process.argv.includes('--ahead') ? startThreadsFor(sim.data.items.length) : null;
const events: [string, number][] = [];
const mark = (what: string): void => {
  events.push([what, performance.now() - started]);
};
await calibrate(
  sim.data,
  { standardErrors: 'louis-block' },
  {
    hooks: { now: () => performance.now(), onProgress: (p) => mark(`M-step done (cycle ${p.cycle})`) },
    createRunner: async (prepared) => {
      mark('patterns collapsed');
      const runner = await createThreadedRunner(prepared, pool === null ? {} : { pool });
      mark('threads started');
      return {
        ...runner,
        summary: () => {
          const summary = runner.summary();
          mark('summary');
          return summary;
        },
        expectations: async (params, quadrature) => {
          mark('E-step start');
          const stats = await runner.expectations(params, quadrature);
          mark('E-step end');
          return stats;
        },
        diagnostics: async (params, quadrature) => {
          mark('final pass start');
          const stats = await runner.diagnostics(params, quadrature);
          mark('final pass end');
          return stats;
        },
      };
    },
  },
);
mark('done');
await pool?.close();
let previous = 0;
let eSteps = 0;
let eStart = 0;
let mSteps = 0;
let firstE = 0;
let emFrom = NaN;
let emTo = 0;
for (const [what, at] of events) {
  if (!quiet) console.log(`${(at / 1000).toFixed(3).padStart(8)} s  +${((at - previous) / 1000).toFixed(3)}  ${what}`);
  if (what === 'E-step start') {
    eStart = at;
    if (Number.isNaN(emFrom)) emFrom = at;
  }
  if (what === 'E-step end') {
    eSteps += at - eStart;
    if (firstE === 0) firstE = at - eStart;
  }
  if (what.startsWith('M-step')) {
    mSteps += at - previous;
    emTo = at;
  }
  previous = at;
}
const s = (ms: number): string => (ms / 1000).toFixed(3);
console.log(
  `EM ${s(emTo - emFrom)} s (first E-step's start to last M-step's end): E-steps ${s(eSteps)} s (the first ${s(firstE)}), M-steps ${s(mSteps)} s, ` +
    `the rest ${s(emTo - emFrom - eSteps - mSteps)} s; before the EM ${s(emFrom)} s; wall ${s(previous)} s, load ${(loadavg()[0] as number).toFixed(1)}`,
);

/**
 * Where the 1M `calibrate` command's time goes (decision 021, addendum h46): the command's steps in this process
 * (threads started before the read, the read, then `calibrate` with the threaded runner, one shard on this thread
 * as the command does), each runner call timed: the pattern collapse (until the runner is asked for), the
 * runner's creation, the summary, every E-step, the final pass, the exact standard errors (since h45 one request with
 * the final pass: "final+louis"), closing the threads.
 * With `--final-split`, the final pass again in detail: when this thread's own shard was done and when the
 * workers' replies were all in (S-X², which the command computes in between, is left out here).
 * Milliseconds from the start of the measure, one line per run, the load average beside it. Run 1 is cold (what the
 * command pays); later runs reuse this process's compiled code (fresh threads), so run the script again for cold figures.
 * Run: node --import tsx bench/cli-1m-steps.ts --csv FILE [--runs N] [--final-split]
 *   (the file: `bench/cli-1m.ts --csv FILE` writes it when missing)
 */
import { loadavg } from 'node:os';
import { readResponseCsv } from '../cli/csv';
import { calibrate, type EStepRunner } from '../engine/calibration';
import { createThreadedRunner, startThreadsFor } from '../engine/calibration/parallel';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const csv = option('csv');
if (csv === undefined) throw new Error('--csv FILE (bench/cli-1m.ts --csv FILE writes it)');
const runs = Number(option('runs') ?? 1);
const finalSplit = argv.includes('--final-split');

for (let run = 0; run < runs; run++) {
  const t0 = performance.now();
  const at = () => (performance.now() - t0).toFixed(1);
  const steps: string[] = [];
  const pool = startThreadsFor(1_000_000, { inline: true });
  const { data } = await readResponseCsv(csv);
  steps.push(`read ${at()}`);
  const timed =
    <A extends unknown[], R>(name: string, call: (...args: A) => R | Promise<R>) =>
    async (...args: A): Promise<R> => {
      const from = at();
      const value = await call(...args);
      steps.push(`${name} ${from}→${at()}`);
      return value;
    };
  const result = await calibrate(
    data,
    {},
    {
      rowScores: true,
      createRunner: async (prepared): Promise<EStepRunner> => {
        steps.push(`collapsed ${at()}`);
        const runner = await createThreadedRunner(prepared, { inline: true, ...(pool === null ? {} : { pool }) });
        steps.push(`runner ${at()}`);
        const diagnostics: EStepRunner['diagnostics'] = finalSplit
          ? async (params, quadrature, options) => {
              const from = at();
              const pass = runner.diagnostics(params, quadrature, options);
              const own = at();
              const value = await pass;
              steps.push(`final ${from}→${at()} (own shard done ${own})`);
              return value;
            }
          : timed('final', runner.diagnostics);
        return {
          ...runner,
          summary: timed('summary', runner.summary),
          expectations: timed('E', runner.expectations),
          diagnostics,
          ...(runner.exactCovariance === undefined ? {} : { exactCovariance: timed('exact', runner.exactCovariance) }),
          // Since h45 the final pass carries the Louis pass when the exact SEs are computed: "final+louis" (the
          // factorisation included).
          ...(runner.diagnosticsWithCovariance === undefined
            ? {}
            : { diagnosticsWithCovariance: timed('final+louis', runner.diagnosticsWithCovariance.bind(runner)) }),
          close: timed('close', runner.close ?? (() => undefined)),
        };
      },
    },
  );
  await pool?.close();
  console.log(`run ${run + 1} (load ${loadavg()[0]?.toFixed(1)}): ${steps.join(', ')}; ${result.iterations} cycles, done ${at()} ms`);
}

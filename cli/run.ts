/**
 * The command line itself (cli/main.ts starts it, from a cached bundle when it can: cli/launch.mjs).
 *
 *   calibrate FILE [--model 2pl|rasch|3pl|both] [--quadpts N] [--priors on|off] [--tol X] [--anchors FILE] [--guessing FILE]
 *                  [--max-cycles N] [--threads N] [--acceleration squarem|none]
 *                  [--se|--standard-errors auto|observed|louis-block]
 *   score FILE --parameters PARAMS.csv [--method eap|map|ml] [--latent-mean M] [--latent-sd S] [--quadpts N]
 *   simulate --items N --persons M [--per-person K] [--design random|adaptive] [--model 2pl|rasch]
 *            --seed S --data OUT.csv --truth TRUTH.json
 *   qti import PACKAGE [--dry-run] [--skill @name --as e-mail --database URL]
 *   qti export PACK.json… --out FILE.zip
 *   pack check PACK.json… [--lang fr|en]
 *
 * Output goes to stdout; problems with the input print one line on stderr and exit with status 2.
 */
import { CalibrationDataError } from '../engine/calibration';
import { UsageError } from './args';
import { calibrateCommand } from './calibrate-command';
import { CsvError } from './csv';
import { simulateCommand } from './simulate-command';

const USAGE = `usage:
  cli calibrate FILE [--model 2pl|rasch|3pl|both] [--quadpts N] [--priors on|off] [--tol X] [--anchors FILE] [--guessing FILE]
                     [--max-cycles N] [--threads N] [--acceleration squarem|none]
                     [--se|--standard-errors auto|observed|louis-block]
  cli score FILE --parameters PARAMS.csv [--method eap|map|ml] [--latent-mean M] [--latent-sd S] [--quadpts N]
  cli simulate --items N --persons M [--per-person K] [--design random|adaptive] [--model 2pl|rasch]
               --seed S --data OUT.csv --truth TRUTH.json
  cli qti import PACKAGE [--dry-run] [--skill @name --as e-mail --database URL]
  cli qti export PACK.json… --out FILE.zip
  cli pack check PACK.json… [--lang fr|en]`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'calibrate') {
      const { json, warnings, phases } = await calibrateCommand(rest);
      process.stdout.write(`${json}\n`);
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      if (phases !== undefined) process.stderr.write(`phases ${JSON.stringify({ origin: performance.timeOrigin, ...phases, written: performance.now() })}\n`);
      return 0;
    }
    if (command === 'score') {
      const { csv, warnings } = await (await import('./score-command')).scoreCommand(rest);
      process.stdout.write(csv);
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      return 0;
    }
    if (command === 'simulate') {
      process.stderr.write(`${await simulateCommand(rest)}\n`);
      return 0;
    }
    if (command === 'positioning-sim') return (await import('./positioning-sim-command')).runPositioningSim(rest);
    if (command === 'certification-sim') return (await import('./certification-sim-command')).runCertificationSim(rest);
    if (command === 'qti' || command === 'pack') {
      const [sub, ...args] = rest;
      const content = await import('./content-command');
      if (command === 'qti' && sub === 'import') return await content.qtiImport(args);
      if (command === 'qti' && sub === 'export') return await content.qtiExport(args);
      if (command === 'pack' && sub === 'check') return await content.packCheck(args);
      throw new UsageError(command === 'qti' ? 'qti import PACKAGE or qti export PACK.json --out FILE.zip' : 'pack check PACK.json…');
    }
    if (command === undefined || command === 'help' || command === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${JSON.stringify(command)} (calibrate, score, simulate, positioning-sim, certification-sim, qti, pack)`);
  } catch (error) {
    if (error instanceof CsvError || error instanceof UsageError || error instanceof CalibrationDataError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

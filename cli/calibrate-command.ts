/** `calibrate FILE [--model 2pl|rasch] [--quadpts N] [--priors on|off] [--tol X] [--anchors FILE]` */
import type { CalibrationResult } from '../engine/calibration';
import { calibrateInThreads } from '../engine/calibration/parallel';
import { choice, integer, parseArgs, positiveNumber, UsageError } from './args';
import { readAnchorsCsv, readResponseCsv, separatorName } from './csv';

const OPTIONS = ['model', 'quadpts', 'priors', 'tol', 'anchors', 'max-cycles', 'threads', 'acceleration'] as const;

export async function calibrateCommand(argv: readonly string[]): Promise<{ json: string; warnings: string[] }> {
  const args = parseArgs(argv, OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError('calibrate takes exactly one data file');
  const file = args.positionals[0] as string;
  const model = choice(args, 'model', ['2pl', 'rasch'] as const, '2pl');
  const points = integer(args, 'quadpts', 5, 61);
  const priors = choice(args, 'priors', ['on', 'off'] as const, 'on');
  const tolerance = positiveNumber(args, 'tol', 1e-4);
  const maxCycles = integer(args, 'max-cycles', 1, 2000);
  const threads = args.options.has('threads') ? integer(args, 'threads', 1) : undefined;
  const acceleration = choice(args, 'acceleration', ['squarem', 'none'] as const, 'squarem');
  const anchorsFile = args.options.get('anchors');

  const { data, separator } = await readResponseCsv(file);
  const anchors = anchorsFile === undefined ? undefined : await readAnchorsCsv(anchorsFile);
  if (anchors !== undefined && model === 'rasch') {
    for (const [item, p] of anchors) {
      if (p.a !== 1) throw new UsageError(`${anchorsFile}: anchor ${JSON.stringify(item)} has a = ${p.a}, but a Rasch run needs a = 1`);
    }
  }
  const result = await calibrateInThreads(
    data,
    { model, quadrature: { points }, priors: priors === 'on', tolerance, maxCycles, acceleration, anchors },
    { hooks: { now: () => performance.now() }, threads },
  );
  const warnings: string[] = [];
  if (separator !== ',') warnings.push(`note: ${file} read as ${separatorName(separator)}-separated (the separator of its header line)`);
  if (!result.converged) {
    warnings.push(`warning: not converged after ${result.iterations} cycles (tolerance ${tolerance}); items are flagged not_converged`);
  }
  return { json: JSON.stringify(toJson(result)), warnings };
}

/** The CLI's output document: the run, then one entry per item, in this exact shape. */
export function toJson(result: CalibrationResult): unknown {
  return {
    model: result.model,
    logLik: result.logLik,
    iterations: result.iterations,
    converged: result.converged,
    seconds: result.seconds,
    persons: result.persons,
    answers: result.answers,
    items: result.items.map((item) => ({
      item: item.item,
      a: item.a,
      d: item.d,
      b: item.b,
      se: { a: item.se.a, d: item.se.d, b: item.se.b },
      n: item.n,
      pValue: item.pValue,
      pointBiserial: item.pointBiserial,
      infit: item.infit,
      outfit: item.outfit,
      flags: item.flags,
    })),
  };
}

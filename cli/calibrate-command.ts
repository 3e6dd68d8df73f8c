/**
 * `calibrate FILE [--model 2pl|rasch|both] [--quadpts N] [--priors on|off] [--tol X] [--anchors FILE]
 * [--se|--standard-errors auto|observed|louis-block]`
 */
import {
  likelihoodRatioTest,
  modelQuality,
  personFit,
  scorePersons,
  type CalibrationResult,
  type CalibrationSettings,
  type ResponseData,
} from '../engine/calibration';
import { calibrateInThreads } from '../engine/calibration/parallel';
import { choice, integer, parseArgs, positiveNumber, UsageError } from './args';
import { readAnchorsCsv, readResponseCsv, separatorName } from './csv';

const OPTIONS = ['model', 'quadpts', 'priors', 'tol', 'anchors', 'max-cycles', 'threads', 'acceleration', 'standard-errors'] as const;

export async function calibrateCommand(argv: readonly string[]): Promise<{ json: string; warnings: string[] }> {
  const args = parseArgs(argv, OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError('calibrate takes exactly one data file');
  const file = args.positionals[0] as string;
  const model = choice(args, 'model', ['2pl', 'rasch', 'both'] as const, '2pl');
  const points = integer(args, 'quadpts', 5, 61);
  const priors = choice(args, 'priors', ['on', 'off'] as const, 'on');
  const tolerance = positiveNumber(args, 'tol', 1e-4);
  const maxCycles = integer(args, 'max-cycles', 1, 2000);
  const threads = args.options.has('threads') ? integer(args, 'threads', 1) : undefined;
  const acceleration = choice(args, 'acceleration', ['squarem', 'none'] as const, 'squarem');
  const standardErrors = args.options.has('se')
    ? choice(args, 'se', ['auto', 'observed', 'louis-block'] as const, 'auto')
    : choice(args, 'standard-errors', ['auto', 'observed', 'louis-block'] as const, 'auto');
  const anchorsFile = args.options.get('anchors');

  const { data, separator } = await readResponseCsv(file);
  const anchors = anchorsFile === undefined ? undefined : await readAnchorsCsv(anchorsFile);
  if (anchors !== undefined && model !== '2pl') {
    for (const [item, p] of anchors) {
      if (p.a !== 1) throw new UsageError(`${anchorsFile}: anchor ${JSON.stringify(item)} has a = ${p.a}, but a Rasch run needs a = 1`);
    }
  }
  const settings: CalibrationSettings = { quadrature: { points }, priors: priors === 'on', tolerance, maxCycles, acceleration, anchors, standardErrors };
  const run = (m: '2pl' | 'rasch') => calibrateInThreads(data, { ...settings, model: m }, { hooks: { now: () => performance.now() }, threads });
  const warnings: string[] = [];
  if (separator !== ',') warnings.push(`note: ${file} read as ${separatorName(separator)}-separated (the separator of its header line)`);
  const notConverged = (result: CalibrationResult) => {
    if (!result.converged) {
      warnings.push(
        `warning: ${model === 'both' ? `${result.model}: ` : ''}not converged after ${result.iterations} cycles (tolerance ${tolerance}); items are flagged not_converged`,
      );
    }
  };
  if (model !== 'both') {
    const result = await run(model);
    notConverged(result);
    return { json: JSON.stringify(toJson(result, data)), warnings };
  }
  const rasch = await run('rasch');
  const twoPl = await run('2pl');
  notConverged(rasch);
  notConverged(twoPl);
  if (priors === 'on') {
    warnings.push('note: priors on: the likelihood-ratio test, AIC and BIC are taken at the posterior modes; --priors off gives the textbook test');
  }
  return { json: JSON.stringify(comparisonJson(rasch, twoPl, data)), warnings };
}

/**
 * The CLI's output document: the run, then one entry per item, in this exact shape. With the data,
 * it also gives the empirical reliability of the persons' EAP scores and their person fit (lz).
 */
export function toJson(result: CalibrationResult, data?: ResponseData): unknown {
  const persons = data === undefined ? null : scorePersons(data, result);
  const fit = data === undefined || persons === null ? null : personFit(data, result, { theta: persons.theta });
  const quality = data === undefined || persons === null ? null : modelQuality(result, data, persons);
  const sx2 = quality === null ? null : quality.sx2;
  return {
    model: result.model,
    logLik: result.logLik,
    iterations: result.iterations,
    converged: result.converged,
    seconds: result.seconds,
    persons: result.persons,
    answers: result.answers,
    standardErrors: result.standardErrors,
    standardErrorsNote: result.standardErrorsNote,
    latent: { mean: result.latent.mean, sd: result.latent.sd },
    parameters: result.parameterCount,
    aic: result.aic,
    bic: result.bic,
    marginalReliability: result.marginalReliability,
    empiricalReliability: quality === null ? null : quality.empiricalReliability,
    personFit: fit === null ? null : { threshold: fit.threshold, misfitting: fit.misfitting },
    items: result.items.map((item, index) => ({
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
      sx2: sx2?.[index] ?? null,
      flags: item.flags,
    })),
  };
}

/** `--model both`: the Rasch and 2PL documents, and the likelihood-ratio test of Rasch within the 2PL. */
export function comparisonJson(rasch: CalibrationResult, twoPl: CalibrationResult, data?: ResponseData): unknown {
  const lrt = likelihoodRatioTest(rasch, twoPl);
  return {
    model: 'both',
    comparison: {
      rasch: { logLik: rasch.logLik, parameters: rasch.parameterCount, aic: rasch.aic, bic: rasch.bic },
      '2pl': { logLik: twoPl.logLik, parameters: twoPl.parameterCount, aic: twoPl.aic, bic: twoPl.bic },
      likelihoodRatio: { statistic: lrt.statistic, df: lrt.df, p: lrt.p },
      // With priors on, logLik is still the likelihood alone, but the estimates maximise the posterior.
      priors: rasch.settings.priors.intercept !== null || twoPl.settings.priors.slope !== null,
    },
    models: { rasch: toJson(rasch, data), '2pl': toJson(twoPl, data) },
  };
}

/**
 * `calibrate FILE [--model 2pl|rasch|3pl|both] [--quadpts N] [--priors on|off] [--tol X] [--anchors FILE]
 * [--guessing FILE] [--se|--standard-errors auto|observed|louis-block]`
 */
import {
  calibrate,
  likelihoodRatioTest,
  modelQuality,
  personFit,
  personFitOf,
  rowCount,
  scorePersons,
  sx2ItemFit,
  type CalibrationResult,
  type CalibrationSettings,
  type ItemParameterArrays,
  type ItemSx2,
  type Quadrature,
  type ResponseData,
} from '../engine/calibration';
import { statSync } from 'node:fs';
import { createThreadedRunner, startThreadsFor, type ThreadPool } from '../engine/calibration/parallel';
import { choice, integer, parseArgs, positiveNumber, UsageError } from './args';
import { readAnchorsCsv, readGuessingCsv, readResponseCsv, separatorName } from './csv';
import { DEFAULT_GUESSING_MODE, DEFAULT_GUESSING_WEIGHT } from '../engine/calibration/mstep';

const OPTIONS = [
  'model',
  'quadpts',
  'priors',
  'tol',
  'anchors',
  'max-cycles',
  'threads',
  'acceleration',
  'standard-errors',
  'guessing',
  'phases',
  'inline',
] as const;

/**
 * Milliseconds since the process started (`performance.now()`) at the end of each phase of the command:
 * start (Node and the modules loaded), read, calibration, diagnostics (the document). Printed on stderr
 * with `--phases on` (bench/cli-1m.ts).
 */
export interface CalibratePhases {
  start: number;
  read?: number;
  calibration?: number;
  diagnostics?: number;
}

export async function calibrateCommand(argv: readonly string[]): Promise<{ json: string; warnings: string[]; phases?: CalibratePhases }> {
  const phases: CalibratePhases = { start: performance.now() };
  const args = parseArgs(argv, OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError('calibrate takes exactly one data file');
  const file = args.positionals[0] as string;
  const model = choice(args, 'model', ['2pl', 'rasch', '3pl', 'both'] as const, '2pl');
  const points = integer(args, 'quadpts', 5, 61);
  const priors = choice(args, 'priors', ['on', 'off'] as const, 'on');
  const tolerance = positiveNumber(args, 'tol', 1e-4);
  const maxCycles = integer(args, 'max-cycles', 1, 2000);
  const threads = args.options.has('threads') ? integer(args, 'threads', 1) : undefined;
  const acceleration = choice(args, 'acceleration', ['squarem', 'none'] as const, 'squarem');
  const standardErrors = args.options.has('se')
    ? choice(args, 'se', ['auto', 'observed', 'louis-block'] as const, 'auto')
    : choice(args, 'standard-errors', ['auto', 'observed', 'louis-block'] as const, 'auto');
  const timed = choice(args, 'phases', ['on', 'off'] as const, 'off') === 'on';
  // This thread computes one shard itself (one worker thread fewer); `--inline off`: workers only (a benchmark's switch).
  const inline = choice(args, 'inline', ['on', 'off'] as const, 'on') === 'on';
  const anchorsFile = args.options.get('anchors');
  const guessingFile = args.options.get('guessing');
  if (guessingFile !== undefined && model !== '3pl') throw new UsageError('--guessing is for --model 3pl (the lower asymptote c of each item)');
  if (model === '3pl' && standardErrors === 'louis-block') {
    throw new UsageError('--standard-errors louis-block is not available for the 3PL: use auto or observed (full observed information)');
  }

  // The calibration's threads start while the file is read (their own start overlaps the read).
  const pool = startThreadsAhead(file, threads, inline);
  try {
    const { data, separator, notes } = await readResponseCsv(file);
    phases.read = performance.now();
    const anchors = anchorsFile === undefined ? undefined : await readAnchorsCsv(anchorsFile);
    if (anchors !== undefined && (model === 'rasch' || model === 'both')) {
      for (const [item, p] of anchors) {
        if (p.a !== 1) throw new UsageError(`${anchorsFile}: anchor ${JSON.stringify(item)} has a = ${p.a}, but a Rasch run needs a = 1`);
      }
    }
    const guessing = guessingFile === undefined ? undefined : await readGuessingCsv(guessingFile);
    const settings: CalibrationSettings = {
      quadrature: { points },
      priors: priors === 'on',
      tolerance,
      maxCycles,
      acceleration,
      anchors,
      standardErrors,
      ...(guessing === undefined ? {} : { guessing: { modes: guessing.modes, fixed: guessing.fixed } }),
    };
    // The persons' θ̂, SD and lz for the document come from the calibration's threads (result.rowScores).
    // S-X² of a single 2PL or Rasch run is computed on this thread during the final pass (its parameters and
    // quadrature are the result's), once this thread's own shard is done, while the workers finish theirs.
    let sx2: (ItemSx2 | null)[] | undefined;
    const threadOptions = { threads, inline, ...(pool === null ? {} : { pool }) };
    const run = (m: '2pl' | 'rasch' | '3pl') =>
      calibrate(
        data,
        { ...settings, model: m },
        {
          hooks: { now: () => performance.now() },
          rowScores: true,
          createRunner: async (prepared) => {
            const runner = await createThreadedRunner(prepared, threadOptions);
            if (model !== m || m === '3pl') return runner;
            const fitOnThisThread = (params: ItemParameterArrays, quadrature: Quadrature) => {
              sx2 = sx2ItemFit(data, params, quadrature, m === 'rasch' ? 1 : 2);
            };
            const fused = runner.diagnosticsWithCovariance?.bind(runner);
            return {
              ...runner,
              diagnostics: (params, quadrature, options) => {
                const pass = runner.diagnostics(params, quadrature, options);
                fitOnThisThread(params, quadrature);
                return pass;
              },
              // The final pass with the exact SEs' Louis pass (h45): S-X² likewise, once this thread's shard of both is done.
              ...(fused === undefined
                ? {}
                : {
                    diagnosticsWithCovariance: (params, quadrature, options, state, mSettings, now) => {
                      const pass = fused(params, quadrature, options, state, mSettings, now);
                      fitOnThisThread(params, quadrature);
                      return pass;
                    },
                  }),
            };
          },
        },
      );
    const warnings: string[] = [];
    if (separator !== ',') warnings.push(`note: ${file} read as ${separatorName(separator)}-separated (the separator of its header line)`);
    warnings.push(...notes);
    const notConverged = (result: CalibrationResult) => {
      const constant = result.items.filter((item) => !item.anchored && !(item.pValue > 0 && item.pValue < 1));
      if (constant.length > 0 && (model !== 'both' || result.model === '2pl')) {
        const shown = constant
          .slice(0, 5)
          .map((item) => `${JSON.stringify(item.item)} (p = ${item.pValue})`)
          .join(', ');
        warnings.push(
          `warning: every answer to ${constant.length} item(s) is the same: ${shown}${constant.length > 5 ? ', …' : ''}; ` +
            'their a and d come from the priors alone (the data only say the item is easier or harder than everything measured), and infit, outfit, point-biserial and S-X² are null',
        );
      }
      if (!result.converged) {
        warnings.push(
          `warning: ${model === 'both' ? `${result.model}: ` : ''}not converged after ${result.iterations} cycles (tolerance ${tolerance}); items are flagged not_converged`,
        );
      }
    };
    if (model === '3pl') {
      const listed = guessing === undefined ? 0 : data.itemIds.filter((id) => guessing.modes.has(id) || guessing.fixed.has(id)).length;
      const prior = `Beta(${DEFAULT_GUESSING_WEIGHT} × mode + 1, ${DEFAULT_GUESSING_WEIGHT} × (1 − mode) + 1)`;
      if (guessing === undefined) {
        warnings.push(
          `note: 3pl without --guessing: every item's c has the default prior ${prior} centred on ${DEFAULT_GUESSING_MODE} (five proposals); ` +
            'give --guessing FILE (item,proposals or item,c) for QCU with another number of proposals or a fixed c',
        );
      } else if (listed < data.itemIds.length) {
        warnings.push(
          `note: ${data.itemIds.length - listed} item(s) not in ${guessingFile}: their c has the default prior ${prior} centred on ${DEFAULT_GUESSING_MODE}`,
        );
      }
      if (priors === 'off') warnings.push('note: priors off: no prior on a and d; c must then be fixed for every item (--guessing with a c column)');
      warnings.push(
        'note: comparing 2PL and 3PL: the 2PL is the 3PL at c = 0, on the boundary of the parameter space, so the likelihood-ratio statistic is not χ²-distributed (a mixture of χ² laws; the χ² p-value is conservative), and with priors on it is not a likelihood ratio; compare AIC/BIC or S-X² instead',
      );
    }
    if (model !== 'both') {
      const result = await run(model);
      phases.calibration = performance.now();
      notConverged(result);
      const json = JSON.stringify(toJson(result, data, result.guessing === undefined ? sx2 : undefined));
      phases.diagnostics = performance.now();
      return { json, warnings, ...(timed ? { phases } : {}) };
    }
    const rasch = await run('rasch');
    const twoPl = await run('2pl');
    notConverged(rasch);
    notConverged(twoPl);
    if (priors === 'on') {
      warnings.push('note: priors on: the likelihood-ratio test, AIC and BIC are taken at the posterior modes; --priors off gives the textbook test');
    }
    return { json: JSON.stringify(comparisonJson(rasch, twoPl, data)), warnings };
  } finally {
    await pool?.close();
  }
}

/**
 * Threads for a file of this size, started now: a file of S bytes holds at most S / 2 answers (a wide file's
 * `0,`), and the runner takes the ones it needs for the answers it finds. None for a file it cannot see.
 */
function startThreadsAhead(file: string, threads: number | undefined, inline: boolean): ThreadPool | null {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return null;
  }
  return startThreadsFor(Math.floor(size / 2), { inline, ...(threads === undefined ? {} : { threads }) });
}

/**
 * The CLI's output document: the run, then one entry per item, in this exact shape. With the data,
 * it also gives the empirical reliability of the persons' EAP scores and their person fit (lz), from
 * the run's `rowScores` when it has them for these rows, else computed here (the same values). `sx2`: S-X² already
 * computed on `data` at the run's final parameters and quadrature, else computed here.
 */
export function toJson(result: CalibrationResult, data?: ResponseData, sx2?: (ItemSx2 | null)[]): unknown {
  const scored = data !== undefined && result.rowScores !== undefined && result.rowScores.theta.length === rowCount(data) ? result.rowScores : null;
  const persons = data === undefined ? null : (scored ?? scorePersons(data, result));
  const fit =
    data === undefined || persons === null ? null : scored !== null ? personFitOf(scored.lz, data.weights) : personFit(data, result, { theta: persons.theta });
  const quality = data === undefined || persons === null ? null : modelQuality(result, data, persons, sx2);
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
    ...(result.settings.guessing === undefined
      ? {}
      : {
          guessing: {
            prior: 'beta',
            weight: result.settings.guessing.weight,
            defaultMode: result.settings.guessing.defaultMode,
            modesGiven: result.settings.guessing.modes,
            fixed: result.settings.guessing.fixed,
          },
        }),
    empiricalReliability: quality === null ? null : quality.empiricalReliability,
    personFit: fit === null ? null : { threshold: fit.threshold, misfitting: fit.misfitting },
    items: result.items.map((item, index) => ({
      item: item.item,
      a: item.a,
      d: item.d,
      b: item.b,
      ...(item.c === undefined ? {} : { c: item.c }),
      se: item.c === undefined ? { a: item.se.a, d: item.se.d, b: item.se.b } : { a: item.se.a, d: item.se.d, b: item.se.b, c: item.se.c ?? null },
      n: item.n,
      pValue: item.pValue,
      pointBiserial: item.pointBiserial,
      infit: item.infit,
      outfit: item.outfit,
      sx2: quality?.sx2[index] ?? null,
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

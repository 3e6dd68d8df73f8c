/**
 * `certification-sim --candidates N --seed S`: validity and test–retest of the certification test on the
 * starter content (decision 019); prints one JSON document: levelAccuracy, withinOneLevelRate,
 * inflatedProfilesLowered, honestKeptOrWithinOneRate, levelAgreement, scoreWithin32Rate, meanQuestions,
 * maxExposure, meanAbsThetaError, seenFamilyServed and oracle {levelAccuracy, withinOneLevelRate,
 * meanQuestions} (the engine given the true parameters, asking as many questions).
 *
 * The bank and its truth are built as `positioning-sim` builds them (cli/positioning-sim-command.ts): the
 * starter content's competences, tubes, skills and challenges with simulated true 2PL parameters (same
 * generative model), and the parameters the engine sees ESTIMATED by engine/calibration (EM, default
 * priors) from simulated answers of calibration learners; the frozen cut scores come from those estimates.
 * Candidates (true θ ~ N(0, 1), one θ per candidate) are positioned by the real positioning engine on every
 * competence, and the certifiable ones sit the test twice with independent seeds
 * (engine/certification/simulate.ts). Figures are rounded to 4 decimals.
 *
 * Options: --candidates N (default 1000), --seed S (default "certification-sim"), --calibration-learners M
 * per competence (default 2000), --calibration-answers K (default 12), --target-se X (variable length:
 * stop at SE ≤ X once 20 answers are in, at most 32), --exclude-seen off (serve challenges seen in
 * positioning: measures what the exclusion costs), --details on (adds "details"), --bank starter|pix-scale
 * (pix-scale: positioning-sim's simulated bank of 16 competences × 5 tubes × levels 1–7 × 3 challenges).
 */
import { CalibrationDataError } from '../engine/calibration';
import type { CertificationSettings } from '../engine/certification';
import { simulateCertification } from '../engine/certification/simulate';
import { createRandom, forkRandom } from '../engine/random';
import { integer, parseArgs, positiveNumber, UsageError } from './args';
import { DEFAULT_MAX_REACHABLE_LEVEL, MAX_LEVEL } from '../engine/framework';
import { bankOf, estimateParameters, simulatePixScaleTruth, simulateTruth } from './positioning-sim-command';

export interface CertificationSimOptions {
  candidates: number;
  seed: string;
  calibrationLearners?: number;
  calibrationAnswers?: number;
  /** Engine settings (defaults: the engine's). */
  settings?: Partial<CertificationSettings>;
  /** Levels added to every reached competence of the inflated sitting's profile (default 2). */
  profileInflation?: number;
  /** Exclude the families seen in positioning (default true). */
  excludeSeen?: boolean;
  /** The starter content (default) or the simulated bank the size of Pix's (`--bank pix-scale`, as positioning-sim's). */
  bank?: 'starter' | 'pix-scale';
}

/** The simulation on the starter content (exported for tests). */
export async function certificationSim(options: CertificationSimOptions) {
  const pixScale = options.bank === 'pix-scale';
  // The starter bank keeps its historical streams; pix-scale has its own.
  const root = createRandom(pixScale ? `certification-sim:pix-scale:${options.seed}` : `certification-sim:${options.seed}`);
  const competences = pixScale ? simulatePixScaleTruth(forkRandom(root, 'truth')) : simulateTruth(forkRandom(root, 'truth'));
  const banks = [];
  for (const competence of competences) {
    const estimated = await estimateParameters(
      forkRandom(forkRandom(root, competence.code), 'calibration'),
      competence,
      options.calibrationLearners ?? 2000,
      options.calibrationAnswers ?? 12,
      // On pix-scale the level-7 challenges (above the max reachable level) are left uncalibrated, as in positioning-sim.
      pixScale ? DEFAULT_MAX_REACHABLE_LEVEL : MAX_LEVEL,
    );
    banks.push(bankOf(competence, estimated));
  }
  return simulateCertification(banks, {
    seed: options.seed,
    candidates: options.candidates,
    settings: options.settings,
    profileInflation: options.profileInflation,
    excludeSeen: options.excludeSeen,
  });
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Runs the command; returns the exit code (0, or 2 on a usage error). */
export async function runCertificationSim(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, ['candidates', 'seed', 'calibration-learners', 'calibration-answers', 'target-se', 'exclude-seen', 'details', 'bank']);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const candidates = integer(args, 'candidates', 1, 1000);
    const seed = args.options.get('seed') ?? 'certification-sim';
    const calibrationLearners = integer(args, 'calibration-learners', 50, 2000);
    const calibrationAnswers = integer(args, 'calibration-answers', 2, 12);
    const details = args.options.get('details') === 'on' || args.options.get('details') === 'true';
    const targetSe = args.options.has('target-se') ? positiveNumber(args, 'target-se', 0.3) : null;
    const excludeSeen = args.options.get('exclude-seen') !== 'off';
    const bank = args.options.get('bank') ?? 'starter';
    if (bank !== 'starter' && bank !== 'pix-scale') throw new UsageError(`--bank must be starter or pix-scale, got ${JSON.stringify(bank)}`);
    const result = await certificationSim({ candidates, seed, calibrationLearners, calibrationAnswers, settings: { targetSe }, excludeSeen, bank });
    const r = result.report;
    const out: Record<string, unknown> = {
      levelAccuracy: round(r.levelAccuracy),
      withinOneLevelRate: round(r.withinOneLevelRate),
      inflatedProfilesLowered: round(r.inflatedProfilesLowered),
      honestKeptOrWithinOneRate: round(r.honestKeptOrWithinOneRate),
      levelAgreement: round(r.levelAgreement),
      scoreWithin32Rate: round(r.scoreWithin32Rate),
      meanQuestions: round(r.meanQuestions),
      maxExposure: round(r.maxExposure),
      meanAbsThetaError: round(r.meanAbsThetaError),
      seenFamilyServed: r.seenFamilyServed,
      oracle: {
        levelAccuracy: round(r.oracle.levelAccuracy),
        withinOneLevelRate: round(r.oracle.withinOneLevelRate),
        meanQuestions: round(r.oracle.meanQuestions),
      },
    };
    if (details) out.details = result.details;
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CalibrationDataError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `certification-sim --candidates N --seed S`: test–retest of the certification test on the starter
 * content; prints exactly {"levelAgreement":…,"scoreWithin32Rate":…,"meanAbsThetaError":…,"maxExposure":…}.
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
 * per competence (default 2000), --calibration-answers K (default 12), --details on (adds "details").
 */
import { CalibrationDataError } from '../engine/calibration';
import type { CertificationSettings } from '../engine/certification';
import { simulateCertification } from '../engine/certification/simulate';
import { createRandom, forkRandom } from '../engine/random';
import { integer, parseArgs, UsageError } from './args';
import { bankOf, estimateParameters, simulateTruth } from './positioning-sim-command';

export interface CertificationSimOptions {
  candidates: number;
  seed: string;
  calibrationLearners?: number;
  calibrationAnswers?: number;
  /** Engine settings (defaults: the engine's). */
  settings?: Partial<CertificationSettings>;
  /** Sensitivity check: levels added to every reached competence of the profiles (default 0). */
  profileInflation?: number;
}

/** The simulation on the starter content (exported for tests). */
export async function certificationSim(options: CertificationSimOptions) {
  const root = createRandom(`certification-sim:${options.seed}`);
  const competences = simulateTruth(forkRandom(root, 'truth'));
  const banks = [];
  for (const competence of competences) {
    const estimated = await estimateParameters(
      forkRandom(forkRandom(root, competence.code), 'calibration'),
      competence,
      options.calibrationLearners ?? 2000,
      options.calibrationAnswers ?? 12,
    );
    banks.push(bankOf(competence, estimated));
  }
  return simulateCertification(banks, {
    seed: options.seed,
    candidates: options.candidates,
    settings: options.settings,
    profileInflation: options.profileInflation,
  });
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Runs the command; returns the exit code (0, or 2 on a usage error). */
export async function runCertificationSim(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, ['candidates', 'seed', 'calibration-learners', 'calibration-answers', 'details']);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const candidates = integer(args, 'candidates', 1, 1000);
    const seed = args.options.get('seed') ?? 'certification-sim';
    const calibrationLearners = integer(args, 'calibration-learners', 50, 2000);
    const calibrationAnswers = integer(args, 'calibration-answers', 2, 12);
    const details = args.options.get('details') === 'on' || args.options.get('details') === 'true';
    const result = await certificationSim({ candidates, seed, calibrationLearners, calibrationAnswers });
    const r = result.report;
    const out: Record<string, unknown> = {
      levelAgreement: round(r.levelAgreement),
      scoreWithin32Rate: round(r.scoreWithin32Rate),
      meanAbsThetaError: round(r.meanAbsThetaError),
      maxExposure: round(r.maxExposure),
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

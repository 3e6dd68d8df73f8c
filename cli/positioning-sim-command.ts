/**
 * `positioning-sim --learners N --seed S`: simulated learners with known abilities take the adaptive
 * test of every competence of the starter content, under our policy ('irt') and Pix's rule-based
 * "smart random" baseline, on the same bank; prints exactly
 * {"policies":{"irt":{…},"smartRandom":{…}},"evidenceOracle":{…}} with, per policy, exactLevelRate,
 * withinOneLevelRate, meanQuestions, p95Questions, maxExposure (rates as fractions), and the evidence
 * checks of decision 017: wronglyValidatedSkills (skills validated at the end of a session although the
 * learner answered them wrong in it, over all sessions: must be 0), levelAccuracyVsOracle (the exact rate
 * divided by the exact rate of the evidence oracle — engine/positioning/oracle.ts `evidenceOracle`: the
 * engine given the true parameters, same evidence rules — at the policy's mean length, interpolated
 * between whole lengths), allWrongLevelZeroRate (20 learners per competence who answer everything wrong:
 * share at level 0) and perfectTopLevelRate (20 who answer everything right: share at the bank's top
 * level, the level with every reachable skill validated). "evidenceOracle" gives the oracle's exact rate
 * after 1, 2, … questions.
 *
 * The bank's structure is the starter content (content/load.ts: competences, tubes, skills, challenges,
 * timers, locales). True item parameters are simulated for it (2PL, difficulty from the skill's level
 * with a tube and a challenge shift, as engine/positioning's simulation does). The engine never sees the
 * truth: per competence, simulated calibration learners answer an adaptive design drawn from the true
 * parameters, and engine/calibration estimates the parameters from those answers (EM, default priors);
 * both policies run on the estimates. A learner's true level in a competence is what the framework's pix
 * rules give when exactly the skills whose true mean success probability is ≥ 0.5 are validated. Each
 * simulated learner has one ability per competence (N(0, 1), the calibration population) and takes all
 * of them; rates are over learner × competence pairs, the exposure of a challenge over the learners.
 *
 * Options: --bank starter|pix-scale (default starter; pix-scale: `simulatePixScaleTruth`, 16 competences
 * × 5 tubes × levels 1–7 × 3 challenges), --learners N (default 1000), --seed S (default "positioning-sim"), --calibration-learners M
 * per competence (default 2000), --calibration-answers K per calibration learner (default 12),
 * --details on (adds per-competence figures and calibration error under "details", after "policies"),
 * --settings JSON (our policy's settings, e.g. '{"levelCertainty":0.8}', to trace the accuracy/length
 * frontier), --oracle K,K,… (adds under "oracle" the exact and within-one rates of an oracle that knows
 * the true parameters, asks K questions and takes the Bayes decision, and of one that asks every live
 * challenge — an upper bound for any policy; see engine/positioning/oracle.ts).
 */
import { loadContent } from '../content/load';
import { calibrate, CalibrationDataError } from '../engine/calibration';
import { COMPETENCE_CODES, DEFAULT_MAX_REACHABLE_LEVEL, MAX_LEVEL, type Skill, type Tube } from '../engine/framework';
import type { ItemParameters } from '../engine/irt';
import { evidenceOracle, oracleBound, rateAtLength } from '../engine/positioning/oracle';
import {
  provisionalDifficulty,
  type PositioningSettings,
  simulateLearners,
  simulateSession,
  trueCompetenceLevel,
  type CompetenceBank,
  type PolicyName,
  type PositioningChallenge,
  type SimulatedCompetenceBank,
  type SimulatedLearner,
  type SimulatedSession,
} from '../engine/positioning';
import { createRandom, forkRandom, logNormal, normal, type RandomGenerator } from '../engine/random';
import { simulateAbilities, simulateResponses, type SimulatedItem } from '../engine/simulation';
import { integer, parseArgs, UsageError } from './args';

/** True parameters of the simulation (the generative model of engine/positioning/simulate.ts). */
const TRUTH = { slopeMeanLog: 0.2, slopeSdLog: 0.25, tubeShiftSd: 0.25, challengeShiftSd: 0.2 };

export interface CompetenceTruth {
  code: string;
  tubes: Tube[];
  skills: Skill[];
  challenges: { id: string; skillId: string; locales: string[]; timed: boolean }[];
  truth: Record<string, ItemParameters>;
}

/** The starter content's competences, with true parameters drawn for each challenge. */
export function simulateTruth(rng: RandomGenerator): CompetenceTruth[] {
  const content = loadContent();
  const byCompetence = new Map<string, CompetenceTruth>();
  for (const thematic of content.thematics) {
    const code = thematic.competenceCode;
    let competence = byCompetence.get(code);
    if (!competence) {
      competence = { code, tubes: [], skills: [], challenges: [], truth: {} };
      byCompetence.set(code, competence);
    }
    for (const tube of thematic.tubes) {
      competence.tubes.push({ id: tube.name, name: tube.name, competenceCode: code });
      const tubeShift = normal(rng, 0, TRUTH.tubeShiftSd);
      for (const skill of tube.skills) {
        competence.skills.push({ id: skill.name, tubeId: tube.name, competenceCode: code, level: skill.level, status: skill.status });
        for (const challenge of skill.challenges) {
          const a = logNormal(rng, TRUTH.slopeMeanLog, TRUTH.slopeSdLog);
          const b = provisionalDifficulty(skill.level) + tubeShift + normal(rng, 0, TRUTH.challengeShiftSd);
          competence.truth[challenge.key] = { a, d: -a * b };
          competence.challenges.push({ id: challenge.key, skillId: skill.name, locales: challenge.body.locales, timed: challenge.body.timer !== null });
        }
      }
    }
  }
  return [...byCompetence.values()].sort((x, y) => (x.code < y.code ? -1 : 1));
}

/** The structure of the `--bank pix-scale` bank: 16 competences × 5 tubes × levels 1–7 × 3 challenges. */
export const PIX_SCALE = { tubes: 5, minLevel: 1, maxLevel: 7, challengesPerSkill: 3, timedShare: 0.1 } as const;

/**
 * `--bank pix-scale`: a bank the size of Pix's (seeded, deterministic). For each of the 16 competences of
 * the framework (COMPETENCE_CODES), 5 tubes named `@px<competence digits><a…e>`, each with one active
 * skill at every level 1 to 7 (`<tube><level>`, 35 skills; level 7 is above the default max reachable
 * level, as in Pix), each skill with 3 challenges (`<skill>-p`, the prototype, and `<skill>-d1`,
 * `<skill>-d2`, its declinations), locale fr-fr, timed with probability 0.1 (the level-7 challenges are
 * left uncalibrated by the simulated calibration, as they are never served). True 2PL parameters as for
 * the starter content (TRUTH): slope a ~ logN(0.2, 0.25²), difficulty b = (level − 3.5) × 0.8 + a tube
 * shift N(0, 0.25²) + a challenge shift N(0, 0.2²). Draws come from `rng` in this order: per competence,
 * per tube the tube shift, then per skill and challenge a, the challenge shift and the timer.
 */
export function simulatePixScaleTruth(rng: RandomGenerator): CompetenceTruth[] {
  return COMPETENCE_CODES.map((code) => {
    const competence: CompetenceTruth = { code, tubes: [], skills: [], challenges: [], truth: {} };
    for (let t = 0; t < PIX_SCALE.tubes; t++) {
      const name = `@px${code.replace('.', '')}${String.fromCharCode(97 + t)}`;
      competence.tubes.push({ id: name, name, competenceCode: code });
      const tubeShift = normal(rng, 0, TRUTH.tubeShiftSd);
      for (let level = PIX_SCALE.minLevel; level <= PIX_SCALE.maxLevel; level++) {
        const skillId = `${name}${level}`;
        competence.skills.push({ id: skillId, tubeId: name, competenceCode: code, level, status: 'actif' });
        for (let k = 0; k < PIX_SCALE.challengesPerSkill; k++) {
          const id = `${skillId}-${k === 0 ? 'p' : `d${k}`}`;
          const a = logNormal(rng, TRUTH.slopeMeanLog, TRUTH.slopeSdLog);
          const b = provisionalDifficulty(level) + tubeShift + normal(rng, 0, TRUTH.challengeShiftSd);
          competence.truth[id] = { a, d: -a * b };
          competence.challenges.push({ id, skillId, locales: ['fr-fr'], timed: rng.next() < PIX_SCALE.timedShare });
        }
      }
    }
    return competence;
  });
}

/**
 * The parameters the engine gets: estimated by engine/calibration from simulated answers of
 * `persons` calibration learners (adaptive design, `perPerson` answers each) to the live challenges.
 */
export async function estimateParameters(rng: RandomGenerator, competence: CompetenceTruth, persons: number, perPerson: number, maxLevel = MAX_LEVEL) {
  const live = competence.challenges.filter((c) => {
    const skill = competence.skills.find((s) => s.id === c.skillId);
    return skill?.status === 'actif' && skill.level <= maxLevel;
  });
  const items: SimulatedItem[] = live.map((c) => {
    const p = competence.truth[c.id] as ItemParameters;
    return { id: c.id, a: p.a, d: p.d, b: -p.d / p.a };
  });
  const thetas = simulateAbilities(forkRandom(rng, 'abilities'), { count: persons });
  const data = simulateResponses(forkRandom(rng, 'answers'), items, thetas, { kind: 'adaptive', perPerson: Math.min(perPerson, items.length) });
  const result = await calibrate(data, {});
  const estimated = new Map<string, ItemParameters>();
  for (const item of result.items) estimated.set(item.item, { a: item.a, d: item.d });
  return estimated;
}

export function bankOf(competence: CompetenceTruth, estimated: ReadonlyMap<string, ItemParameters>): SimulatedCompetenceBank {
  const status = new Map(competence.skills.map((s) => [s.id, s.status]));
  const challenges: PositioningChallenge[] = competence.challenges.map((c) => ({
    id: c.id,
    skillId: c.skillId,
    locales: c.locales,
    // Challenges of skills that are not live are not served, and do not count for the truth either.
    status: status.get(c.skillId) === 'actif' ? 'valide' : 'archive',
    params: estimated.get(c.id) ?? null,
    timed: c.timed,
  }));
  const bank: CompetenceBank = { competenceCode: competence.code, tubes: competence.tubes, skills: competence.skills, challenges };
  return { bank, truth: competence.truth };
}

interface Tally {
  pairs: number;
  exact: number;
  withinOne: number;
  lengths: number[];
  maxExposure: number;
  wronglyValidated: number;
  /** Sessions of learners who answer everything wrong, and those of them that ended at level 0. */
  allWrong: number;
  allWrongZero: number;
  /** Sessions of learners who answer everything right, and those of them that reached the bank's top level. */
  perfect: number;
  perfectTop: number;
}

const newTally = (): Tally => ({
  pairs: 0,
  exact: 0,
  withinOne: 0,
  lengths: [],
  maxExposure: 0,
  wronglyValidated: 0,
  allWrong: 0,
  allWrongZero: 0,
  perfect: 0,
  perfectTop: 0,
});

/** Learners who answer everything wrong (and right) per competence and policy. */
const EXTREME_LEARNERS = 20;

function tally(learners: readonly SimulatedLearner[], sessions: readonly SimulatedSession[], into: Tally): void {
  const exposure = new Map<string, number>();
  sessions.forEach((s, i) => {
    const truth = (learners[i] as SimulatedLearner).trueLevel;
    into.pairs++;
    if (s.level === truth) into.exact++;
    if (Math.abs(s.level - truth) <= 1) into.withinOne++;
    into.lengths.push(s.challengeIds.length);
    into.wronglyValidated += s.wronglyValidatedSkills;
    for (const id of new Set(s.challengeIds)) exposure.set(id, (exposure.get(id) ?? 0) + 1);
  });
  into.maxExposure = Math.max(into.maxExposure, ...[...exposure.values()].map((n) => n / sessions.length));
}

const meanLength = (t: Tally) => t.lengths.reduce((s, l) => s + l, 0) / t.pairs;

function report(t: Tally, oracleExactByLength?: readonly number[]) {
  const lengths = [...t.lengths].sort((x, y) => x - y);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const oracleExact = oracleExactByLength ? rateAtLength(oracleExactByLength, meanLength(t)) : null;
  return {
    exactLevelRate: round(t.exact / t.pairs),
    withinOneLevelRate: round(t.withinOne / t.pairs),
    meanQuestions: round(meanLength(t)),
    p95Questions: lengths[Math.max(0, Math.ceil(0.95 * lengths.length) - 1)] as number,
    maxExposure: round(t.maxExposure),
    wronglyValidatedSkills: t.wronglyValidated,
    levelAccuracyVsOracle: oracleExact === null || oracleExact === 0 ? null : round(t.exact / t.pairs / oracleExact),
    allWrongLevelZeroRate: t.allWrong === 0 ? null : round(t.allWrongZero / t.allWrong),
    perfectTopLevelRate: t.perfect === 0 ? null : round(t.perfectTop / t.perfect),
  };
}

/** Runs the simulation; returns the exit code (0, or 2 on a usage error). */
export async function runPositioningSim(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, ['learners', 'seed', 'calibration-learners', 'calibration-answers', 'details', 'settings', 'oracle', 'bank']);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const learners = integer(args, 'learners', 1, 1000);
    const seed = args.options.get('seed') ?? 'positioning-sim';
    const calibrationLearners = integer(args, 'calibration-learners', 50, 2000);
    const calibrationAnswers = integer(args, 'calibration-answers', 2, 12);
    const bankName = args.options.get('bank') ?? 'starter';
    if (bankName !== 'starter' && bankName !== 'pix-scale') throw new UsageError(`--bank must be starter or pix-scale, got ${JSON.stringify(bankName)}`);
    const details = args.options.get('details') === 'on' || args.options.get('details') === 'true';
    let settings: Partial<PositioningSettings> = {};
    const rawSettings = args.options.get('settings');
    if (rawSettings !== undefined) {
      try {
        settings = JSON.parse(rawSettings) as Partial<PositioningSettings>;
      } catch {
        throw new UsageError(`--settings must be a JSON object, got ${JSON.stringify(rawSettings)}`);
      }
      if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
        throw new UsageError(`--settings must be a JSON object, got ${JSON.stringify(rawSettings)}`);
      }
    }
    const rawOracle = args.options.get('oracle');
    const oracleLengths = rawOracle === undefined ? [] : rawOracle.split(',').map(Number);
    if (oracleLengths.some((k) => !Number.isInteger(k) || k < 1)) {
      throw new UsageError(`--oracle must be a list of question counts like 3,4,6, got ${JSON.stringify(rawOracle)}`);
    }
    const oracle = {
      pairs: 0,
      byLength: new Map<number, Record<'greedy-accuracy' | 'greedy-information', { exact: number; withinOne: number }>>(),
      allItems: { exact: 0, withinOne: 0 },
    };

    // The starter bank keeps its historical streams; pix-scale has its own.
    const root = createRandom(bankName === 'starter' ? `positioning-sim:${seed}` : `positioning-sim:${bankName}:${seed}`);
    const competences = bankName === 'starter' ? simulateTruth(forkRandom(root, 'truth')) : simulatePixScaleTruth(forkRandom(root, 'truth'));
    const totals: Record<PolicyName, Tally> = { irt: newTally(), smartRandom: newTally() };
    const forOracle: { sim: SimulatedCompetenceBank; people: SimulatedLearner[]; streams: RandomGenerator }[] = [];
    const perCompetence: Record<string, unknown> = {};
    for (const competence of competences) {
      const streams = forkRandom(root, competence.code);
      // On pix-scale, the level-7 challenges (above the max reachable level, never served) are left
      // uncalibrated: the adaptive calibration design hardly ever reaches them.
      const estimated = await estimateParameters(
        forkRandom(streams, 'calibration'),
        competence,
        calibrationLearners,
        calibrationAnswers,
        bankName === 'pix-scale' ? DEFAULT_MAX_REACHABLE_LEVEL : MAX_LEVEL,
      );
      const sim = bankOf(competence, estimated);
      const people = simulateLearners(forkRandom(streams, 'learners'), sim, { count: learners, maxReachableLevel: DEFAULT_MAX_REACHABLE_LEVEL });
      const sessionsRng = forkRandom(streams, 'sessions');
      const sessions: Record<PolicyName, SimulatedSession[]> = { irt: [], smartRandom: [] };
      for (const learner of people) {
        const s = forkRandom(sessionsRng, learner.id);
        sessions.irt.push(simulateSession(sim, learner, 'irt', settings, forkRandom(s, 'irt-engine'), forkRandom(s, 'irt-answers')));
        sessions.smartRandom.push(simulateSession(sim, learner, 'smartRandom', {}, forkRandom(s, 'sr-engine'), forkRandom(s, 'sr-answers')));
      }
      const local: Record<PolicyName, Tally> = { irt: newTally(), smartRandom: newTally() };
      for (const policy of ['irt', 'smartRandom'] as const) {
        tally(people, sessions[policy], totals[policy]);
        tally(people, sessions[policy], local[policy]);
      }
      // Learners who answer everything wrong must end at level 0; those who answer everything right at the
      // bank's top level (every reachable skill validated).
      const top = trueCompetenceLevel(sim, Infinity, DEFAULT_MAX_REACHABLE_LEVEL).level;
      const extremes = forkRandom(streams, 'extremes');
      for (let i = 0; i < EXTREME_LEARNERS; i++) {
        for (const [theta, kind] of [
          [-Infinity, 'wrong'],
          [Infinity, 'right'],
        ] as const) {
          const learner: SimulatedLearner = { id: `${kind}${i + 1}`, theta, trueLevel: kind === 'wrong' ? 0 : top, truePix: 0 };
          for (const policy of ['irt', 'smartRandom'] as const) {
            const s = simulateSession(
              sim,
              learner,
              policy,
              policy === 'irt' ? settings : {},
              forkRandom(extremes, `${kind}${i}${policy}`),
              forkRandom(extremes, 'unused'),
            );
            const t = totals[policy];
            t.wronglyValidated += s.wronglyValidatedSkills;
            if (kind === 'wrong') {
              t.allWrong++;
              if (s.level === 0) t.allWrongZero++;
            } else {
              t.perfect++;
              if (s.level === top) t.perfectTop++;
            }
          }
        }
      }
      forOracle.push({ sim, people, streams });
      if (oracleLengths.length > 0) {
        const bound = oracleBound(
          sim,
          { count: learners, lengths: oracleLengths, maxReachableLevel: DEFAULT_MAX_REACHABLE_LEVEL },
          forkRandom(streams, 'oracle'),
        );
        oracle.pairs += learners;
        for (const k of oracleLengths) {
          const sum = oracle.byLength.get(k) ?? { 'greedy-accuracy': { exact: 0, withinOne: 0 }, 'greedy-information': { exact: 0, withinOne: 0 } };
          for (const criterion of ['greedy-accuracy', 'greedy-information'] as const) {
            const r = (bound.byLength[String(k)] as Record<typeof criterion, { exact: number; withinOne: number }>)[criterion];
            sum[criterion].exact += r.exact * learners;
            sum[criterion].withinOne += r.withinOne * learners;
          }
          oracle.byLength.set(k, sum);
        }
        oracle.allItems.exact += bound.allItems.exact * learners;
        oracle.allItems.withinOne += bound.allItems.withinOne * learners;
      }
      if (details) {
        const errors = [...estimated].map(([id, p]) => {
          const t = competence.truth[id] as ItemParameters;
          return { da: p.a - t.a, db: -p.d / p.a - -t.d / t.a };
        });
        const rmse = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / Math.max(1, xs.length));
        perCompetence[competence.code] = {
          skills: competence.skills.length,
          challenges: competence.challenges.length,
          calibration: { rmseA: rmse(errors.map((e) => e.da)), rmseB: rmse(errors.map((e) => e.db)) },
          trueLevels: people.reduce((acc, l) => ((acc[l.trueLevel] = (acc[l.trueLevel] ?? 0) + 1), acc), new Array<number>(MAX_LEVEL + 1).fill(0)),
          irt: report(local.irt),
          smartRandom: report(local.smartRandom),
        };
      }
    }
    // The oracle under the same evidence rules, knowing the true parameters, at every length up to the
    // longest policy's mean (levelAccuracyVsOracle compares each policy at its own mean length).
    const maxK = Math.min(60, Math.max(1, Math.ceil(Math.max(meanLength(totals.irt), meanLength(totals.smartRandom))) + 1));
    const oracleExact = new Array<number>(maxK).fill(0);
    let oraclePairs = 0;
    for (const { sim, people, streams } of forOracle) {
      const run = evidenceOracle(sim, { maxK, maxReachableLevel: DEFAULT_MAX_REACHABLE_LEVEL });
      const oracleRng = forkRandom(streams, 'evidence-oracle');
      for (const learner of people) {
        const levels = run(learner.theta, forkRandom(oracleRng, learner.id));
        levels.forEach((level, k) => {
          if (level === learner.trueLevel) oracleExact[k] = (oracleExact[k] as number) + 1;
        });
        oraclePairs++;
      }
    }
    const oracleRates = oracleExact.map((n) => n / oraclePairs);
    const out: Record<string, unknown> = {
      policies: { irt: report(totals.irt, oracleRates), smartRandom: report(totals.smartRandom, oracleRates) },
      evidenceOracle: { exactLevelRateByLength: oracleRates.map((r) => Math.round(r * 10_000) / 10_000) },
    };
    if (details) out.details = perCompetence;
    if (oracleLengths.length > 0) {
      const round = (x: number) => Math.round((x / oracle.pairs) * 10_000) / 10_000;
      const byLength: Record<string, unknown> = {};
      for (const [k, sum] of oracle.byLength) {
        byLength[String(k)] = Object.fromEntries(
          Object.entries(sum).map(([criterion, r]) => [criterion, { exactLevelRate: round(r.exact), withinOneLevelRate: round(r.withinOne) }]),
        );
      }
      out.oracle = { byLength, allItems: { exactLevelRate: round(oracle.allItems.exact), withinOneLevelRate: round(oracle.allItems.withinOne) } };
    }
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

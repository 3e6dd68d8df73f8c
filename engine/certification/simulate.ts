/**
 * Validity and test–retest simulation with known truth (pure, seeded; decisions 008 and 019, "Simulation").
 *
 * The bank is a list of competence banks as engine/positioning simulates them: what the engine sees
 * (estimated parameters) and the true parameters. Cut scores and the per-competence intervals are computed
 * from the estimated parameters as an approved parameter set does (engine/calibration levelCutScores,
 * p = 0.5; engine/certification/intervals.ts). A skill's challenges are one family (prototype and
 * declinations), as in the starter content.
 *
 * A simulated candidate has one true θ ~ N(mean, sd²) (the certification model is unidimensional: one
 * candidate in one test is one person on the common metric); their true level in a competence is the
 * level of the skills they succeed on with probability ≥ ½ under the true parameters (as positioning-sim).
 * Their profile comes from the real positioning engine: one adaptive positioning session per competence
 * answered with the true parameters; the families of those questions are excluded from certification.
 * Only certifiable candidates (level ≥ 1 in ≥ 5 competences) sit the test. Each candidate then sits:
 * twice with the honest profile (independent replications; `retestExcludesFirst` makes the second also
 * exclude the first's families), once with the
 * profile inflated by two levels (every reached competence), and once as the oracle — the same engine given
 * the true parameters and intervals, no exposure control, as many questions as the first sitting. Every
 * answer is drawn from the true parameters.
 */
import { levelCutScores } from '../calibration';
import { MIN_CERTIFIABLE_COMPETENCES, type Skill } from '../framework';
import { probability, type ItemParameters } from '../irt';
import { simulateSession, trueCompetenceLevel, type SimulatedCompetenceBank } from '../positioning';
import { createRandom, forkRandom, normal, type RandomGenerator } from '../random';
import { competenceIntervals, type CompetenceIntervals } from './intervals';
import { scoreCertification } from './score';
import { familyOf, nextCertificationChallenge } from './select';
import { resolveCertificationSettings } from './settings';
import type { CertificationAnswer, CertificationChallenge, CertificationScore, CertificationSettings, FrozenParameterSet, PositionedCompetence } from './types';

/** The certification bank and frozen parameter set the engine sees, from simulated competence banks. */
export function certificationBankOf(
  competences: readonly SimulatedCompetenceBank[],
  locale = 'fr-fr',
): {
  bank: CertificationChallenge[];
  parameterSet: FrozenParameterSet;
  truth: Record<string, ItemParameters>;
  /** The bank with the true parameters (the oracle's), and its parameter set. */
  trueBank: CertificationChallenge[];
  trueParameterSet: FrozenParameterSet;
} {
  const bank: CertificationChallenge[] = [];
  const truth: Record<string, ItemParameters> = {};
  const items: Record<string, ItemParameters> = {};
  for (const sim of competences) {
    const skills = new Map<string, Skill>(sim.bank.skills.map((s) => [s.id, s]));
    for (const c of sim.bank.challenges) {
      const skill = skills.get(c.skillId);
      if (!skill || skill.status !== 'actif' || c.status !== 'valide' || !c.params) continue;
      if (!c.locales.some((l) => l.split(/[-_]/)[0] === locale.split(/[-_]/)[0])) continue;
      bank.push({
        id: c.id,
        skillId: skill.id,
        tubeId: skill.tubeId,
        competenceCode: sim.bank.competenceCode,
        level: skill.level,
        locales: c.locales,
        params: c.params,
        timed: c.timed,
        familyId: skill.id,
      });
      items[c.id] = c.params;
      truth[c.id] = sim.truth[c.id] as ItemParameters;
    }
  }
  const cuts = (list: readonly CertificationChallenge[]) =>
    levelCutScores(
      list.map((c) => ({ level: c.level, a: c.params.a, d: c.params.d })),
      { probability: 0.5 },
    ).cutScores;
  const trueBank = bank.map((c) => ({ ...c, params: truth[c.id] as ItemParameters }));
  return {
    bank,
    parameterSet: { version: 'simulated', items, cutScores: cuts(bank) },
    truth,
    trueBank,
    trueParameterSet: { version: 'truth', items: truth, cutScores: cuts(trueBank) },
  };
}

export interface CertificationSimulationOptions {
  seed: string | number;
  candidates: number;
  /** True θ ~ N(mean, sd²) (default N(0, 1), the calibration population). */
  abilities?: { mean?: number; sd?: number };
  settings?: Partial<CertificationSettings>;
  locale?: string;
  /**
   * Pass the running exposure counts to the engine, as the app does (default true): honest sittings are
   * taken one after the other, each seeing the counts of those before.
   */
  exposureCounts?: boolean;
  /** Levels added to every reached competence of the inflated sitting's profile (default 2, issue 15). */
  profileInflation?: number;
  /**
   * The second sitting also excludes the families of the first (a real retest on the same bank). Default
   * false: the retest is a replication (same exclusions), which is what test–retest reliability measures.
   */
  retestExcludesFirst?: boolean;
  /** Exclude the families seen in positioning (default true, as the app does); false measures what the rule costs. */
  excludeSeen?: boolean;
}

export interface SimulatedSitting {
  challengeIds: string[];
  score: CertificationScore;
}

export interface SimulatedCandidate {
  theta: number;
  positioned: PositionedCompetence[];
  trueLevels: number[];
  sittings: [SimulatedSitting, SimulatedSitting];
  inflated: { positioned: PositionedCompetence[]; sitting: SimulatedSitting };
  oracle: SimulatedSitting;
  /** Families the candidate saw in positioning. */
  seenFamilies: number;
}

export interface CertificationSimulationReport {
  /** Certified level = true level, over (scored sitting, competence) pairs of the honest sittings. */
  levelAccuracy: number;
  /** Certified level within one of the true level, same pairs. */
  withinOneLevelRate: number;
  /**
   * Competences whose positioned level was inflated by two levels (inflated sitting) and that the test
   * certified below that inflated level.
   */
  inflatedProfilesLowered: number;
  /** Honest sittings: certified level within one of the positioned level (competences positioned ≥ 1). */
  honestKeptOrWithinOneRate: number;
  /** Share of (candidate, competence) pairs certified at the same level both times. */
  levelAgreement: number;
  /** Share of candidates whose two pix scores differ by at most 32. */
  scoreWithin32Rate: number;
  /** Questions per honest sitting. */
  meanQuestions: number;
  /** Highest share of honest sittings in which one challenge was shown. */
  maxExposure: number;
  /** Mean |θ̂ − θ| over the scored honest sittings. */
  meanAbsThetaError: number;
  /** Sittings served a challenge of a family the candidate had seen before (must be 0). */
  seenFamilyServed: number;
  /** The oracle: true parameters and intervals, as many questions as the first honest sitting. */
  oracle: { levelAccuracy: number; withinOneLevelRate: number; meanQuestions: number };
}

export interface CertificationSimulationDetails {
  candidates: number;
  /** Candidates drawn who were not certifiable (redrawn). */
  notCertifiable: number;
  /** Honest sittings rejected (too few answers). */
  rejectedSittings: number;
  /** Mean families seen in positioning per candidate. */
  meanSeenFamilies: number;
  /** Mean |pix₁ − pix₂| and the 95th percentile. */
  meanAbsScoreDifference: number;
  p95AbsScoreDifference: number;
  meanThetaSe: number;
  /** Sittings that ended on precision (variable length). */
  precisionStops: number;
  cutScores: Record<string, number>;
  /** Share of (candidate, competence ≥ 1) pairs whose positioned level is above / below the true one. */
  positionedAboveTrue: number;
  positionedBelowTrue: number;
}

interface Sitter {
  bank: readonly CertificationChallenge[];
  parameterSet: FrozenParameterSet;
  intervals: CompetenceIntervals;
  truth: Readonly<Record<string, ItemParameters>>;
  settings: Partial<CertificationSettings>;
  locale: string;
}

function sit(
  on: Sitter,
  theta: number,
  positioned: readonly PositionedCompetence[],
  excludedFamilies: readonly string[],
  engineRng: RandomGenerator,
  answerRng: RandomGenerator,
  exposure: { tests: number; shown: Record<string, number> } | undefined,
): SimulatedSitting & { precision: boolean } {
  const answers: CertificationAnswer[] = [];
  const s = resolveCertificationSettings(on.settings);
  let precision = false;
  for (let step = 0; step <= s.maxQuestions; step++) {
    const next = nextCertificationChallenge(
      { bank: on.bank, positioned, answers, locale: on.locale, settings: on.settings, exposure, excludedFamilies },
      forkRandom(engineRng, String(step)),
    );
    if (next.kind === 'done') {
      precision = next.reason === 'precision_reached';
      break;
    }
    const ok = answerRng.next() < probability(on.truth[next.challengeId] as ItemParameters, theta);
    answers.push({ challengeId: next.challengeId, result: ok ? 'ok' : 'ko' });
  }
  const score = scoreCertification({
    parameterSet: on.parameterSet,
    positioned,
    answers,
    endReason: 'completed',
    settings: on.settings,
    intervals: on.intervals,
  });
  if (exposure) {
    exposure.tests++;
    for (const a of answers) exposure.shown[a.challengeId] = (exposure.shown[a.challengeId] ?? 0) + 1;
  }
  return { challengeIds: answers.map((a) => a.challengeId), score, precision };
}

/** The true level per competence at θ, as engine/positioning's simulation defines it. */
function trueLevels(competences: readonly SimulatedCompetenceBank[], theta: number, maxReachableLevel: number): number[] {
  return competences.map((sim) => trueCompetenceLevel(sim, theta, maxReachableLevel).level);
}

/** Runs the simulation on the given competence banks. */
export function simulateCertification(
  competences: readonly SimulatedCompetenceBank[],
  options: CertificationSimulationOptions,
): { report: CertificationSimulationReport; details: CertificationSimulationDetails; candidates: SimulatedCandidate[] } {
  const settings = options.settings ?? {};
  const s = resolveCertificationSettings(settings);
  const locale = options.locale ?? 'fr-fr';
  const { bank, parameterSet, truth, trueBank, trueParameterSet } = certificationBankOf(competences, locale);
  const engine: Sitter = { bank, parameterSet, intervals: competenceIntervals(bank, s.maxReachableLevel), truth, settings, locale };
  const familyById = new Map<string, string>();
  for (const sim of competences) for (const c of sim.bank.challenges) familyById.set(c.id, c.skillId);
  for (const c of bank) familyById.set(c.id, familyOf(c));
  const root = createRandom(`certification-sim:${String(options.seed)}`);
  const abilities = forkRandom(root, 'abilities');
  const candidates: SimulatedCandidate[] = [];
  const exposure = options.exposureCounts === false ? undefined : { tests: 0, shown: {} as Record<string, number> };
  const inflation = options.profileInflation ?? 2;
  let notCertifiable = 0;
  let above = 0;
  let below = 0;
  let pairs = 0;
  let precisionStops = 0;
  let seenFamilyServed = 0;
  let seenTotal = 0;
  for (let i = 0; i < options.candidates; i++) {
    const streams = forkRandom(root, `candidate${i + 1}`);
    let theta = 0;
    let positioned: PositionedCompetence[] = [];
    let seen: string[] = [];
    for (let attempt = 0; ; attempt++) {
      theta = normal(abilities, options.abilities?.mean ?? 0, options.abilities?.sd ?? 1);
      const positioning = forkRandom(streams, `positioning${attempt}`);
      const seenNow = new Set<string>();
      positioned = competences.map((sim) => {
        const session = simulateSession(
          sim,
          { id: 'candidate', theta, trueLevel: 0, truePix: 0 },
          'irt',
          { maxReachableLevel: s.maxReachableLevel, locale },
          forkRandom(positioning, `${sim.bank.competenceCode}-engine`),
          forkRandom(positioning, `${sim.bank.competenceCode}-answers`),
        );
        for (const id of session.challengeIds) seenNow.add(familyById.get(id) ?? id);
        return { competenceCode: sim.bank.competenceCode, level: session.level, pix: session.pix };
      });
      seen = options.excludeSeen === false ? [] : [...seenNow].sort();
      if (positioned.filter((p) => p.level >= 1).length >= MIN_CERTIFIABLE_COMPETENCES) break;
      notCertifiable++;
      if (attempt > 1000) throw new RangeError('certification simulation: no certifiable candidate can be drawn');
    }
    seenTotal += seen.length;
    const truthLevels = trueLevels(competences, theta, s.maxReachableLevel);
    positioned.forEach((p, k) => {
      if (p.level < 1) return;
      pairs++;
      if (p.level > (truthLevels[k] as number)) above++;
      if (p.level < (truthLevels[k] as number)) below++;
    });
    const first = sit(engine, theta, positioned, seen, forkRandom(streams, 'sitting1-engine'), forkRandom(streams, 'sitting1-answers'), exposure);
    const retestExcluded = options.retestExcludesFirst ? [...new Set([...seen, ...first.challengeIds.map((id) => familyById.get(id) ?? id)])].sort() : seen;
    const second = sit(engine, theta, positioned, retestExcluded, forkRandom(streams, 'sitting2-engine'), forkRandom(streams, 'sitting2-answers'), exposure);
    const seenSet = new Set(seen);
    for (const id of first.challengeIds) if (seenSet.has(familyById.get(id) ?? id)) seenFamilyServed++;
    const retestSet = new Set(retestExcluded);
    for (const id of second.challengeIds) if (retestSet.has(familyById.get(id) ?? id)) seenFamilyServed++;
    precisionStops += (first.precision ? 1 : 0) + (second.precision ? 1 : 0);
    const inflatedProfile = positioned.map((p) => {
      if (p.level < 1) return p;
      const level = Math.min(s.maxReachableLevel, p.level + inflation);
      return { ...p, level, pix: Math.min(8 * s.maxReachableLevel, (p.pix ?? 8 * p.level) + 8 * (level - p.level)) };
    });
    const inflated = sit(engine, theta, inflatedProfile, seen, forkRandom(streams, 'inflated-engine'), forkRandom(streams, 'inflated-answers'), undefined);
    const oracle = sit(
      {
        bank: trueBank,
        parameterSet: trueParameterSet,
        intervals: competenceIntervals(trueBank, s.maxReachableLevel),
        truth,
        settings: {
          ...settings,
          maxQuestions: Math.max(1, first.challengeIds.length),
          minAnswers: Math.min(s.minAnswers, Math.max(1, first.challengeIds.length)),
          targetSe: null,
        },
        locale,
      },
      theta,
      positioned,
      seen,
      forkRandom(streams, 'oracle-engine'),
      forkRandom(streams, 'oracle-answers'),
      undefined,
    );
    candidates.push({
      theta,
      positioned,
      trueLevels: truthLevels,
      sittings: [first, second],
      inflated: { positioned: inflatedProfile, sitting: inflated },
      oracle,
      seenFamilies: seen.length,
    });
  }

  let agree = 0;
  let levelPairs = 0;
  let within = 0;
  let errors = 0;
  let scored = 0;
  let rejectedSittings = 0;
  let questions = 0;
  let seSum = 0;
  let exact = 0;
  let withinOne = 0;
  let accuracyPairs = 0;
  let kept = 0;
  let keptPairs = 0;
  let inflatedPairs = 0;
  let inflatedLowered = 0;
  let oracleExact = 0;
  let oracleWithin = 0;
  let oraclePairs = 0;
  let oracleQuestions = 0;
  const differences: number[] = [];
  const shownIn = new Map<string, number>();
  for (const c of candidates) {
    const [one, two] = c.sittings;
    for (const sitting of c.sittings) {
      questions += sitting.challengeIds.length;
      for (const id of new Set(sitting.challengeIds)) shownIn.set(id, (shownIn.get(id) ?? 0) + 1);
      if (sitting.score.status !== 'validated') {
        rejectedSittings++;
        continue;
      }
      scored++;
      errors += Math.abs(sitting.score.theta - c.theta);
      seSum += sitting.score.thetaSe;
      sitting.score.competences.forEach((comp, k) => {
        const truth = c.trueLevels[k] as number;
        accuracyPairs++;
        if (comp.level === truth) exact++;
        if (Math.abs(comp.level - truth) <= 1) withinOne++;
        if (comp.positionedLevel >= 1) {
          keptPairs++;
          if (Math.abs(comp.level - comp.positionedLevel) <= 1) kept++;
        }
      });
    }
    c.positioned.forEach((_p, k) => {
      levelPairs++;
      if (one.score.competences[k]?.level === two.score.competences[k]?.level) agree++;
    });
    const difference = Math.abs(one.score.pixScore - two.score.pixScore);
    differences.push(difference);
    if (difference <= 32) within++;
    c.inflated.positioned.forEach((p, k) => {
      const honest = c.positioned[k] as PositionedCompetence;
      if (p.level !== honest.level + inflation) return;
      inflatedPairs++;
      const certified = c.inflated.sitting.score.competences[k];
      if (c.inflated.sitting.score.status !== 'validated' || (certified && certified.level < p.level)) inflatedLowered++;
    });
    oracleQuestions += c.oracle.challengeIds.length;
    if (c.oracle.score.status === 'validated')
      c.oracle.score.competences.forEach((comp, k) => {
        const truth = c.trueLevels[k] as number;
        oraclePairs++;
        if (comp.level === truth) oracleExact++;
        if (Math.abs(comp.level - truth) <= 1) oracleWithin++;
      });
  }
  differences.sort((x, y) => x - y);
  const n = candidates.length;
  const rate = (x: number, of: number) => (of > 0 ? x / of : 0);
  return {
    report: {
      levelAccuracy: rate(exact, accuracyPairs),
      withinOneLevelRate: rate(withinOne, accuracyPairs),
      inflatedProfilesLowered: rate(inflatedLowered, inflatedPairs),
      honestKeptOrWithinOneRate: rate(kept, keptPairs),
      levelAgreement: levelPairs > 0 ? agree / levelPairs : 1,
      scoreWithin32Rate: n > 0 ? within / n : 1,
      meanQuestions: rate(questions, 2 * n),
      maxExposure: n > 0 ? Math.max(0, ...shownIn.values()) / (2 * n) : 0,
      meanAbsThetaError: rate(errors, scored),
      seenFamilyServed,
      oracle: { levelAccuracy: rate(oracleExact, oraclePairs), withinOneLevelRate: rate(oracleWithin, oraclePairs), meanQuestions: rate(oracleQuestions, n) },
    },
    details: {
      candidates: n,
      notCertifiable,
      rejectedSittings,
      meanSeenFamilies: rate(seenTotal, n),
      meanAbsScoreDifference: n > 0 ? differences.reduce((x, y) => x + y, 0) / n : 0,
      p95AbsScoreDifference: differences[Math.max(0, Math.ceil(0.95 * n) - 1)] ?? 0,
      meanThetaSe: rate(seSum, scored),
      precisionStops,
      cutScores: parameterSet.cutScores,
      positionedAboveTrue: rate(above, pairs),
      positionedBelowTrue: rate(below, pairs),
    },
    candidates,
  };
}

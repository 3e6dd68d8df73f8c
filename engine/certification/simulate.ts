/**
 * Test–retest simulation with known truth (pure, seeded; decision 008, "Simulation").
 *
 * The bank is a list of competence banks as engine/positioning simulates them: what the engine sees
 * (estimated parameters) and the true parameters. Cut scores are computed from the estimated parameters
 * as an approved parameter set does (engine/calibration levelCutScores, p = 0.5).
 *
 * A simulated candidate has one true θ ~ N(mean, sd²) (the certification model is unidimensional: one
 * candidate in one test is one person on the common metric). Their profile comes from the real positioning
 * engine: one adaptive positioning session per competence answered with the true parameters. Only
 * certifiable candidates (level ≥ 1 in ≥ 5 competences) sit the test. Each candidate then sits the
 * certification twice with independent streams; every answer is drawn from the true parameters.
 */
import { levelCutScores } from '../calibration';
import { MIN_CERTIFIABLE_COMPETENCES, type Skill } from '../framework';
import { probability, type ItemParameters } from '../irt';
import { simulateSession, trueCompetenceLevel, type SimulatedCompetenceBank } from '../positioning';
import { createRandom, forkRandom, normal, type RandomGenerator } from '../random';
import { scoreCertification } from './score';
import { nextCertificationChallenge } from './select';
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
      });
      items[c.id] = c.params;
      truth[c.id] = sim.truth[c.id] as ItemParameters;
    }
  }
  const cuts = levelCutScores(
    bank.map((c) => ({ level: c.level, a: c.params.a, d: c.params.d })),
    { probability: 0.5 },
  );
  return { bank, parameterSet: { version: 'simulated', items, cutScores: cuts.cutScores }, truth };
}

export interface CertificationSimulationOptions {
  seed: string | number;
  candidates: number;
  /** True θ ~ N(mean, sd²) (default N(0, 1), the calibration population). */
  abilities?: { mean?: number; sd?: number };
  settings?: Partial<CertificationSettings>;
  locale?: string;
  /**
   * Pass the running exposure counts to the engine, as the app does (default true): sittings are taken
   * one after the other, each seeing the counts of those before.
   */
  exposureCounts?: boolean;
  /**
   * Sensitivity check, not part of the figures: add this many levels (and 8 pix each) to every
   * reached competence of the profile, as a profile obtained with outside help would be (default 0).
   */
  profileInflation?: number;
}

export interface SimulatedSitting {
  challengeIds: string[];
  score: CertificationScore;
}

export interface SimulatedCandidate {
  theta: number;
  positioned: PositionedCompetence[];
  sittings: [SimulatedSitting, SimulatedSitting];
}

export interface CertificationSimulationReport {
  /** Share of (candidate, reached competence) pairs certified at the same level both times. */
  levelAgreement: number;
  /** Share of candidates whose two pix scores differ by at most 32. */
  scoreWithin32Rate: number;
  /** Mean |θ̂ − θ| over the scored sittings. */
  meanAbsThetaError: number;
  /** Highest share of sittings in which one challenge was shown. */
  maxExposure: number;
}

export interface CertificationSimulationDetails {
  candidates: number;
  /** Candidates drawn who were not certifiable (redrawn). */
  notCertifiable: number;
  /** Sittings rejected (too few answers: a profile too low for the bank). */
  rejectedSittings: number;
  meanQuestions: number;
  /** Share of (candidate, competence) pairs lowered below the positioned level, per sitting. */
  loweredRate: number;
  /** Mean |pix₁ − pix₂| and the 95th percentile. */
  meanAbsScoreDifference: number;
  p95AbsScoreDifference: number;
  meanThetaSe: number;
  cutScores: Record<string, number>;
  /** Share of (candidate, competence) pairs whose positioned level is above / below the true one. */
  positionedAboveTrue: number;
  positionedBelowTrue: number;
}

function sit(
  bank: readonly CertificationChallenge[],
  parameterSet: FrozenParameterSet,
  truth: Readonly<Record<string, ItemParameters>>,
  theta: number,
  positioned: readonly PositionedCompetence[],
  settings: Partial<CertificationSettings>,
  locale: string,
  engineRng: RandomGenerator,
  answerRng: RandomGenerator,
  exposure: { tests: number; shown: Record<string, number> } | undefined,
): SimulatedSitting {
  const answers: CertificationAnswer[] = [];
  const s = resolveCertificationSettings(settings);
  for (let step = 0; step <= s.maxQuestions; step++) {
    const next = nextCertificationChallenge({ bank, positioned, answers, locale, settings, exposure }, forkRandom(engineRng, String(step)));
    if (next.kind === 'done') break;
    const ok = answerRng.next() < probability(truth[next.challengeId] as ItemParameters, theta);
    answers.push({ challengeId: next.challengeId, result: ok ? 'ok' : 'ko' });
  }
  const score = scoreCertification({ parameterSet, positioned, answers, endReason: 'completed', settings });
  if (exposure) {
    exposure.tests++;
    for (const a of answers) exposure.shown[a.challengeId] = (exposure.shown[a.challengeId] ?? 0) + 1;
  }
  return { challengeIds: answers.map((a) => a.challengeId), score };
}

/** The true level per competence at θ, as engine/positioning's simulation defines it. */
function trueLevels(competences: readonly SimulatedCompetenceBank[], theta: number, maxReachableLevel: number): number[] {
  return competences.map((sim) => trueCompetenceLevel(sim, theta, maxReachableLevel).level);
}

/** Runs the test–retest simulation on the given competence banks. */
export function simulateCertification(
  competences: readonly SimulatedCompetenceBank[],
  options: CertificationSimulationOptions,
): { report: CertificationSimulationReport; details: CertificationSimulationDetails; candidates: SimulatedCandidate[] } {
  const settings = options.settings ?? {};
  const s = resolveCertificationSettings(settings);
  const locale = options.locale ?? 'fr-fr';
  const { bank, parameterSet, truth } = certificationBankOf(competences, locale);
  const root = createRandom(`certification-sim:${String(options.seed)}`);
  const abilities = forkRandom(root, 'abilities');
  const candidates: SimulatedCandidate[] = [];
  const exposure = options.exposureCounts === false ? undefined : { tests: 0, shown: {} as Record<string, number> };
  let notCertifiable = 0;
  let above = 0;
  let below = 0;
  let pairs = 0;
  for (let i = 0; i < options.candidates; i++) {
    const streams = forkRandom(root, `candidate${i + 1}`);
    let theta = 0;
    let positioned: PositionedCompetence[] = [];
    for (let attempt = 0; ; attempt++) {
      theta = normal(abilities, options.abilities?.mean ?? 0, options.abilities?.sd ?? 1);
      const positioning = forkRandom(streams, `positioning${attempt}`);
      positioned = competences.map((sim) => {
        const session = simulateSession(
          sim,
          { id: 'candidate', theta, trueLevel: 0, truePix: 0 },
          'irt',
          { maxReachableLevel: s.maxReachableLevel, locale },
          forkRandom(positioning, `${sim.bank.competenceCode}-engine`),
          forkRandom(positioning, `${sim.bank.competenceCode}-answers`),
        );
        return { competenceCode: sim.bank.competenceCode, level: session.level, pix: session.pix };
      });
      if (positioned.filter((p) => p.level >= 1).length >= MIN_CERTIFIABLE_COMPETENCES) break;
      notCertifiable++;
      if (attempt > 1000) throw new RangeError('certification simulation: no certifiable candidate can be drawn');
    }
    const inflation = options.profileInflation ?? 0;
    if (inflation > 0) {
      positioned = positioned.map((p) => {
        if (p.level < 1) return p;
        const level = Math.min(s.maxReachableLevel, p.level + inflation);
        return { ...p, level, pix: Math.min(8 * s.maxReachableLevel, (p.pix ?? 8 * p.level) + 8 * (level - p.level)) };
      });
    }
    const truthLevels = trueLevels(competences, theta, s.maxReachableLevel);
    positioned.forEach((p, k) => {
      if (p.level < 1) return;
      pairs++;
      if (p.level > (truthLevels[k] as number)) above++;
      if (p.level < (truthLevels[k] as number)) below++;
    });
    const sittings = [1, 2].map((n) =>
      sit(
        bank,
        parameterSet,
        truth,
        theta,
        positioned,
        settings,
        locale,
        forkRandom(streams, `sitting${n}-engine`),
        forkRandom(streams, `sitting${n}-answers`),
        exposure,
      ),
    ) as [SimulatedSitting, SimulatedSitting];
    candidates.push({ theta, positioned, sittings });
  }

  let agree = 0;
  let levelPairs = 0;
  let within = 0;
  let errors = 0;
  let scored = 0;
  let rejectedSittings = 0;
  let lowered = 0;
  let competenceSittings = 0;
  let questions = 0;
  let seSum = 0;
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
      for (const comp of sitting.score.competences) {
        if (comp.positionedLevel < 1) continue;
        competenceSittings++;
        if (comp.level < comp.positionedLevel) lowered++;
      }
    }
    c.positioned.forEach((p, k) => {
      if (p.level < 1) return;
      levelPairs++;
      if (one.score.competences[k]?.level === two.score.competences[k]?.level) agree++;
    });
    const difference = Math.abs(one.score.pixScore - two.score.pixScore);
    differences.push(difference);
    if (difference <= 32) within++;
  }
  differences.sort((x, y) => x - y);
  const n = candidates.length;
  return {
    report: {
      levelAgreement: levelPairs > 0 ? agree / levelPairs : 1,
      scoreWithin32Rate: n > 0 ? within / n : 1,
      meanAbsThetaError: scored > 0 ? errors / scored : 0,
      maxExposure: n > 0 ? Math.max(0, ...shownIn.values()) / (2 * n) : 0,
    },
    details: {
      candidates: n,
      notCertifiable,
      rejectedSittings,
      meanQuestions: n > 0 ? questions / (2 * n) : 0,
      loweredRate: competenceSittings > 0 ? lowered / competenceSittings : 0,
      meanAbsScoreDifference: n > 0 ? differences.reduce((x, y) => x + y, 0) / n : 0,
      p95AbsScoreDifference: differences[Math.max(0, Math.ceil(0.95 * n) - 1)] ?? 0,
      meanThetaSe: scored > 0 ? seSum / scored : 0,
      cutScores: parameterSet.cutScores,
      positionedAboveTrue: pairs > 0 ? above / pairs : 0,
      positionedBelowTrue: pairs > 0 ? below / pairs : 0,
    },
    candidates,
  };
}

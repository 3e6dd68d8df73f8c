import { describe, expect, it } from 'vitest';
import { COMPETENCE_CODES } from '../framework';
import { simulateCompetenceBank } from '../positioning';
import { createRandom, forkRandom } from '../random';
import {
  certificationStepRandom,
  certificationTimeLeft,
  MAX_QUESTIONS,
  MIN_ANSWERS,
  nextCertificationChallenge,
  scoreCertification,
  type CertificationAnswer,
  type CertificationChallenge,
  type FrozenParameterSet,
  type PositionedCompetence,
} from '.';
import { continuousLevel, sortedCuts } from './score';
import { certificationBankOf, simulateCertification } from './simulate';

/** A bank of `competences` competences with `tubes` tubes each, skills at levels 1–6, 2 challenges per skill. */
function syntheticBank(competences: number, tubes: number): CertificationChallenge[] {
  const bank: CertificationChallenge[] = [];
  for (let c = 0; c < competences; c++) {
    const code = COMPETENCE_CODES[c] as string;
    for (let t = 0; t < tubes; t++) {
      for (let level = 1; level <= 6; level++) {
        for (const k of ['p', 'd1']) {
          const b = (level - 3.5) * 0.8 + (k === 'p' ? 0 : 0.05) + t * 0.03;
          bank.push({
            id: `c${code}t${t}l${level}${k}`,
            skillId: `c${code}t${t}l${level}`,
            tubeId: `c${code}t${t}`,
            competenceCode: code,
            level,
            locales: t === tubes - 1 && c === 0 ? ['en'] : ['fr-fr'],
            params: { a: 1.2, d: -1.2 * b },
            timed: false,
          });
        }
      }
    }
  }
  return bank;
}

const CUTS = { '1': -2, '2': -1.2, '3': -0.4, '4': 0.4, '5': 1.2, '6': 2 };

function runTest(
  bank: CertificationChallenge[],
  positioned: PositionedCompetence[],
  seed: string,
  answer: (c: CertificationChallenge, k: number) => CertificationAnswer['result'],
) {
  const answers: CertificationAnswer[] = [];
  const byId = new Map(bank.map((c) => [c.id, c]));
  for (;;) {
    const next = nextCertificationChallenge({ bank, positioned, answers, locale: 'fr' }, certificationStepRandom(seed, answers.length));
    if (next.kind === 'done') return { answers, reason: next.reason };
    expect(next.questionNumber).toBe(answers.length + 1);
    answers.push({ challengeId: next.challengeId, result: answer(byId.get(next.challengeId)!, answers.length) });
  }
}

const positioned: PositionedCompetence[] = COMPETENCE_CODES.map((code, k) => ({
  competenceCode: code,
  level: k < 10 ? 1 + (k % 5) : 0,
  pix: k < 10 ? 8 * (1 + (k % 5)) + 3 : 0,
}));

describe('selection', () => {
  const bank = syntheticBank(16, 3);
  const byId = new Map(bank.map((c) => [c.id, c]));
  const levelOf = new Map(positioned.map((p) => [p.competenceCode, p.level]));

  for (const seed of ['a', 'b', 'c']) {
    it(`follows the rules (seed ${seed})`, () => {
      const rng = createRandom(seed);
      const { answers, reason } = runTest(bank, positioned, seed, () => (rng.next() < 0.6 ? 'ok' : 'ko'));
      expect(answers.length).toBeLessThanOrEqual(MAX_QUESTIONS);
      expect(answers.length).toBeGreaterThanOrEqual(MIN_ANSWERS);
      expect(['max_questions', 'no_challenge']).toContain(reason);
      const shown = answers.map((a) => byId.get(a.challengeId)!);
      // One challenge per tube (hence per skill), only reached competences, in the candidate's language.
      expect(new Set(shown.map((c) => c.tubeId)).size).toBe(shown.length);
      expect(new Set(shown.map((c) => c.skillId)).size).toBe(shown.length);
      for (const c of shown) {
        expect(levelOf.get(c.competenceCode)).toBeGreaterThanOrEqual(1);
        expect(c.level).toBeLessThanOrEqual((levelOf.get(c.competenceCode) as number) + 1);
        expect(c.locales).toContain('fr-fr');
      }
      // Never the same competence twice in a row; every reachable competence visited.
      for (let i = 1; i < shown.length; i++) expect(shown[i]!.competenceCode).not.toBe(shown[i - 1]!.competenceCode);
      const reached = positioned.filter((p) => p.level >= 1).map((p) => p.competenceCode);
      expect(new Set(shown.map((c) => c.competenceCode))).toEqual(new Set(reached));
      // Questions come from each competence's highest positioned levels (window ℓ−1..ℓ+1).
      for (const c of shown) expect(c.level).toBeGreaterThanOrEqual(levelOf.get(c.competenceCode)! - 1);
    });
  }

  it('is reproducible from the seed and the answers (a reload gets the same question)', () => {
    const one = runTest(bank, positioned, 'same', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    const two = runTest(bank, positioned, 'same', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    expect(two.answers).toEqual(one.answers);
    const other = runTest(bank, positioned, 'other', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    expect(other.answers).not.toEqual(one.answers);
  });

  it('stops when 32 questions were shown, and says so when nothing is reachable', () => {
    const all = COMPETENCE_CODES.map((code) => ({ competenceCode: code, level: 6 }));
    expect(runTest(bank, all, 'x', () => 'ok')).toMatchObject({ reason: 'max_questions' });
    expect(runTest(bank, all, 'x', () => 'ok').answers).toHaveLength(32);
    const none = nextCertificationChallenge({ bank, positioned: [{ competenceCode: '1.1', level: 0 }], answers: [], locale: 'fr' }, createRandom(1));
    expect(none).toEqual({ kind: 'done', reason: 'no_reachable_competence' });
  });

  it('never repeats a competence, even when it is the only one left', () => {
    const one = [{ competenceCode: '1.1', level: 6 }];
    const { answers, reason } = runTest(bank, one, 's', () => 'ok');
    expect(answers).toHaveLength(1);
    expect(reason).toBe('no_challenge');
  });

  it('exposure: randomesque spreads the first question; the exposure ceiling removes over-shown challenges', () => {
    const first = new Map<string, number>();
    for (let s = 0; s < 300; s++) {
      const next = nextCertificationChallenge({ bank, positioned, answers: [], locale: 'fr' }, certificationStepRandom(`e${s}`, 0));
      if (next.kind === 'challenge') first.set(next.challengeId, (first.get(next.challengeId) ?? 0) + 1);
    }
    expect(first.size).toBeGreaterThan(5);
    expect(Math.max(...first.values()) / 300).toBeLessThan(0.35);
    const [top] = [...first.entries()].sort((x, y) => y[1] - x[1])[0]!;
    const exposure = { tests: 100, shown: { [top]: 30 } };
    for (let s = 0; s < 100; s++) {
      const next = nextCertificationChallenge({ bank, positioned, answers: [], locale: 'fr', exposure }, certificationStepRandom(`e${s}`, 0));
      expect(next.kind === 'challenge' && next.challengeId).not.toBe(top);
    }
  });

  it('the exposure ceiling gives way rather than leave the candidate below 20 answers', () => {
    const shown = Object.fromEntries(bank.map((c) => [c.id, 100]));
    const next = nextCertificationChallenge({ bank, positioned, answers: [], locale: 'fr', exposure: { tests: 100, shown } }, createRandom(3));
    expect(next.kind).toBe('challenge');
  });
});

describe('scoring', () => {
  const bank = syntheticBank(16, 3);
  const parameterSet: FrozenParameterSet = { version: 3, items: Object.fromEntries(bank.map((c) => [c.id, c.params])), cutScores: CUTS };
  const rng = createRandom('scoring');
  const full = runTest(bank, positioned, 'scoring', () => (rng.next() < 0.7 ? 'ok' : 'ko')).answers;

  it('maps θ to a continuous level by the cut scores, linear inside each interval', () => {
    const cuts = sortedCuts(CUTS, 6);
    expect(continuousLevel(cuts, -2, 6)).toBeCloseTo(1, 12);
    expect(continuousLevel(cuts, -0.8, 6)).toBeCloseTo(2.5, 12);
    expect(continuousLevel(cuts, 0.4, 6)).toBeCloseTo(4, 12);
    expect(continuousLevel(cuts, 5, 6)).toBe(6);
    expect(continuousLevel(cuts, -2.4, 6)).toBeCloseTo(0.5, 12);
    expect(continuousLevel(cuts, -9, 6)).toBe(0);
  });

  it('rejects a test with fewer than 20 scored answers', () => {
    const short = full.slice(0, 19);
    expect(scoreCertification({ parameterSet, positioned, answers: short, endReason: 'completed' })).toMatchObject({
      status: 'rejected',
      reason: 'too_few_answers',
      pixScore: 0,
    });
    // 20 answers, one neutralised: 19 scored, still rejected.
    const twenty = full.slice(0, 20).map((a, k) => (k === 4 ? { ...a, neutralised: true } : a));
    expect(scoreCertification({ parameterSet, positioned, answers: twenty, endReason: 'completed' }).reason).toBe('too_few_answers');
  });

  it('neutralised answers leave the estimate untouched', () => {
    const base = scoreCertification({ parameterSet, positioned, answers: full.filter((_a, k) => k !== 7), endReason: 'completed' });
    const flipped = full.map((a, k) => (k === 7 ? { ...a, result: a.result === 'ok' ? ('ko' as const) : ('ok' as const), neutralised: true } : a));
    const neutralised = scoreCertification({ parameterSet, positioned, answers: flipped, endReason: 'completed' });
    expect(neutralised.theta).toBe(base.theta);
    expect(neutralised.thetaSe).toBe(base.thetaSe);
    expect(neutralised.neutralisedCount).toBe(1);
    expect(neutralised.competences).toEqual(base.competences);
  });

  it('after an abandon with ≥ 20 answers the questions not reached count as wrong', () => {
    const partial = full.slice(0, 24);
    const completed = scoreCertification({ parameterSet, positioned, answers: partial, endReason: 'technical_issue' });
    const abandoned = scoreCertification({ parameterSet, positioned, answers: partial, endReason: 'abandoned' });
    expect(completed.missingCountedWrong).toBe(0);
    expect(abandoned.missingCountedWrong).toBe(MAX_QUESTIONS - 24);
    expect(abandoned.status).toBe('validated');
    expect(abandoned.theta).toBeLessThan(completed.theta - 0.2);
    expect(abandoned.pixScore).toBeLessThanOrEqual(completed.pixScore);
    expect(scoreCertification({ parameterSet, positioned, answers: partial, endReason: 'ended_by_invigilator' }).theta).toBe(abandoned.theta);
  });

  it('confirms the positioned levels on strong evidence and lowers them on weak evidence', () => {
    const strong = scoreCertification({ parameterSet, positioned, answers: full.map((a) => ({ ...a, result: 'ok' as const })), endReason: 'completed' });
    expect(strong.competences.map((c) => [c.level, c.pix])).toEqual(positioned.map((p) => [p.level, p.pix]));
    expect(strong.pixScore).toBe(positioned.reduce((s, p) => s + (p.pix ?? 0), 0));
    const weak = scoreCertification({ parameterSet, positioned, answers: full.map((a) => ({ ...a, result: 'ko' as const })), endReason: 'completed' });
    expect(weak.status).toBe('validated');
    for (const c of weak.competences) {
      expect(c.level).toBeLessThanOrEqual(c.positionedLevel);
      expect(c.pix).toBeLessThanOrEqual(c.positionedPix);
      expect(Math.floor(c.pix / 8)).toBe(c.level);
    }
    expect(weak.competences.filter((c) => c.positionedLevel >= 3).every((c) => c.level < c.positionedLevel)).toBe(true);
    expect(weak.pixScore).toBeLessThan(strong.pixScore);
  });

  it('re-scoring later with the frozen set (stored as JSON) gives the same result', () => {
    const input = { parameterSet, positioned, answers: full, endReason: 'completed' as const };
    const first = scoreCertification(input);
    const stored = JSON.parse(JSON.stringify(input));
    expect(scoreCertification(stored)).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('rejects an answer to a challenge the frozen set does not know', () => {
    const answers = [...full.slice(0, 25), { challengeId: 'nope', result: 'ok' as const }];
    expect(scoreCertification({ parameterSet, positioned, answers, endReason: 'completed' }).reason).toBe('unknown_challenge');
  });
});

describe('time limit', () => {
  it('counts the duration plus extra time from the start, never below zero', () => {
    const start = Date.UTC(2025, 0, 1, 9, 0, 0);
    expect(certificationTimeLeft({ startedAt: start, now: start })).toBe(105 * 60);
    expect(certificationTimeLeft({ startedAt: start, now: start + 60_500, durationMinutes: 10 })).toBe(539);
    expect(certificationTimeLeft({ startedAt: new Date(start), now: new Date(start), durationMinutes: 100, extraTimePercentage: 30 })).toBe(130 * 60);
    expect(certificationTimeLeft({ startedAt: start, now: start + 200 * 60_000 })).toBe(0);
  });
});

describe('test–retest simulation with known truth', () => {
  it('meets the issue targets on a simulated bank with estimated (not true) parameters', () => {
    const root = createRandom('certification-test');
    // simulateCompetenceBank names tubes @sujeta, @sujetb… in every competence: prefix them with the code.
    const competences = COMPETENCE_CODES.map((code) => {
      const sim = simulateCompetenceBank(forkRandom(root, code), { competenceCode: code, tubes: 3, maxLevel: 6, challengesPerSkill: 2, timedShare: 0.1 });
      const p = (id: string) => `${code}${id}`;
      return {
        bank: {
          competenceCode: code,
          tubes: sim.bank.tubes.map((t) => ({ ...t, id: p(t.id), name: p(t.name) })),
          skills: sim.bank.skills.map((s) => ({ ...s, id: p(s.id), tubeId: p(s.tubeId) })),
          challenges: sim.bank.challenges.map((c) => ({ ...c, id: p(c.id), skillId: p(c.skillId) })),
        },
        truth: Object.fromEntries(Object.entries(sim.truth).map(([id, t]) => [p(id), t])),
      };
    });
    // The engine sees the calibration-error parameters, never the truth.
    const { bank, truth } = certificationBankOf(competences);
    expect(bank.some((c) => c.params.a !== truth[c.id]!.a)).toBe(true);
    const { report, details } = simulateCertification(competences, { seed: 'test', candidates: 120 });
    expect(report.levelAgreement).toBeGreaterThanOrEqual(0.9);
    expect(report.scoreWithin32Rate).toBeGreaterThanOrEqual(0.95);
    expect(report.maxExposure).toBeLessThanOrEqual(0.25);
    expect(report.meanAbsThetaError).toBeLessThan(0.45);
    expect(details.meanQuestions).toBeGreaterThan(25);
  }, 30_000);
});

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
import { competenceAt, competenceIntervals } from './intervals';
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
      // One challenge per tube (hence per skill), in the candidate's language.
      expect(new Set(shown.map((c) => c.tubeId)).size).toBe(shown.length);
      expect(new Set(shown.map((c) => c.skillId)).size).toBe(shown.length);
      for (const c of shown) expect(c.locales).toContain('fr-fr');
      // Never the same competence twice in a row; every competence of the bank visited, whatever the profile.
      for (let i = 1; i < shown.length; i++) expect(shown[i]!.competenceCode).not.toBe(shown[i - 1]!.competenceCode);
      expect(new Set(shown.map((c) => c.competenceCode))).toEqual(new Set(COMPETENCE_CODES));
      expect(levelOf.get('4.1')).toBe(0);
    });
  }

  it('is reproducible from the seed and the answers (a reload gets the same question)', () => {
    const one = runTest(bank, positioned, 'same', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    const two = runTest(bank, positioned, 'same', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    expect(two.answers).toEqual(one.answers);
    const other = runTest(bank, positioned, 'other', (_c, k) => (k % 3 === 0 ? 'ko' : 'ok'));
    expect(other.answers).not.toEqual(one.answers);
  });

  it('stops when 32 questions were shown, and says so when nothing is askable', () => {
    const all = COMPETENCE_CODES.map((code) => ({ competenceCode: code, level: 6 }));
    expect(runTest(bank, all, 'x', () => 'ok')).toMatchObject({ reason: 'max_questions' });
    expect(runTest(bank, all, 'x', () => 'ok').answers).toHaveLength(32);
    const none = nextCertificationChallenge({ bank, positioned: [{ competenceCode: '1.1', level: 3 }], answers: [], locale: 'de' }, createRandom(1));
    expect(none).toEqual({ kind: 'done', reason: 'no_reachable_competence' });
  });

  it('never repeats a competence, even when it is the only one left', () => {
    const one = bank.filter((c) => c.competenceCode === '1.1');
    const { answers, reason } = runTest(one, [{ competenceCode: '1.1', level: 6 }], 's', () => 'ok');
    expect(answers).toHaveLength(1);
    expect(reason).toBe('no_challenge');
  });

  it('never serves a challenge of a family the candidate saw before (prototype and declinations)', () => {
    // Families: a skill's prototype "p" and its declination "d1" are one family.
    const withFamilies = bank.map((c) => ({ ...c, familyId: c.id.endsWith('d1') ? c.id.replace(/d1$/, 'p') : c.id }));
    const seen = withFamilies.filter((c, k) => k % 3 === 0).map((c) => c.familyId);
    const excludedFamilies = [...new Set(seen)];
    const excluded = new Set(excludedFamilies);
    for (const seed of ['f1', 'f2', 'f3']) {
      const answers: CertificationAnswer[] = [];
      for (;;) {
        const next = nextCertificationChallenge(
          { bank: withFamilies, positioned, answers, locale: 'fr', excludedFamilies },
          certificationStepRandom(seed, answers.length),
        );
        if (next.kind === 'done') break;
        const c = withFamilies.find((x) => x.id === next.challengeId)!;
        expect(excluded.has(c.familyId)).toBe(false);
        answers.push({ challengeId: c.id, result: answers.length % 2 === 0 ? 'ok' : 'ko' });
      }
      expect(answers.length).toBeGreaterThanOrEqual(MIN_ANSWERS);
    }
  });

  it('variable length: stops at the target SE once 20 answers are in, never beyond 32', () => {
    const rng = createRandom('se');
    const answers: CertificationAnswer[] = [];
    let reason = '';
    for (;;) {
      const next = nextCertificationChallenge(
        { bank, positioned, answers, locale: 'fr', settings: { targetSe: 0.45 } },
        certificationStepRandom('se', answers.length),
      );
      if (next.kind === 'done') {
        reason = next.reason;
        break;
      }
      answers.push({ challengeId: next.challengeId, result: rng.next() < 0.6 ? 'ok' : 'ko' });
    }
    expect(reason).toBe('precision_reached');
    expect(answers.length).toBeGreaterThanOrEqual(MIN_ANSWERS);
    expect(answers.length).toBeLessThan(MAX_QUESTIONS);
    const parameterSet = { items: Object.fromEntries(bank.map((c) => [c.id, c.params])), cutScores: CUTS };
    expect(scoreCertification({ parameterSet, positioned, answers, endReason: 'completed' }).thetaSe).toBeLessThanOrEqual(0.45);
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

  it("scores from θ through each competence's intervals; the profile is reported, never used", () => {
    const intervals = competenceIntervals(bank, 6);
    // Synthetic bank: skill of level ℓ has b = (ℓ − 3.5)·0.8 + small offsets; one skill per level and tube.
    expect(intervals['1.1']!['1']).toBeCloseTo(-2, 0);
    const strong = scoreCertification({
      parameterSet,
      positioned,
      answers: full.map((a) => ({ ...a, result: 'ok' as const })),
      endReason: 'completed',
      intervals,
    });
    const weak = scoreCertification({
      parameterSet,
      positioned,
      answers: full.map((a) => ({ ...a, result: 'ko' as const })),
      endReason: 'completed',
      intervals,
    });
    expect(strong.status).toBe('validated');
    expect(weak.status).toBe('validated');
    for (const [k, c] of strong.competences.entries()) {
      expect(Math.floor(c.pix / 8)).toBe(c.level);
      expect(c).toEqual({
        competenceCode: positioned[k]!.competenceCode,
        ...competenceAt(intervals[c.competenceCode]!, strong.theta, 6),
        positionedLevel: positioned[k]!.level,
        positionedPix: positioned[k]!.pix,
      });
    }
    // All right: above the positioned levels where the profile was low (4.1 positioned 0 is certified too).
    expect(strong.competences.find((c) => c.competenceCode === '4.1')!.level).toBeGreaterThanOrEqual(3);
    expect(weak.competences.every((c) => c.level <= 1)).toBe(true);
    expect(weak.pixScore).toBeLessThan(strong.pixScore);
    const inflated = positioned.map((p) => ({ ...p, level: 6, pix: 48 }));
    const same = scoreCertification({ parameterSet, positioned: inflated, answers: full, endReason: 'completed', intervals });
    const honest = scoreCertification({ parameterSet, positioned, answers: full, endReason: 'completed', intervals });
    expect(same.theta).toBe(honest.theta);
    expect(same.competences.map((c) => c.level)).toEqual(honest.competences.map((c) => c.level));
    expect(same.pixScore).toBe(honest.pixScore);
  });

  it('intervals follow the profile rule: the level at θ is what the skills reached at θ give', () => {
    const intervals = competenceIntervals(bank, 6);
    for (const theta of [-2.5, -1.1, 0, 0.9, 1.7, 3]) {
      const skills = bank.filter((c) => c.competenceCode === '2.1' && c.id.endsWith('p'));
      // Each level has 3 skills (3 tubes): 8/3 pix each; reached when mean P ≥ ½ on its two challenges.
      const reached = skills.filter((c) => {
        const pair = bank.filter((x) => x.skillId === c.skillId);
        return pair.reduce((s, x) => s + 1 / (1 + Math.exp(-(x.params.a * theta + x.params.d))), 0) / pair.length >= 0.5;
      });
      const pixFromSkills = Math.min(48, Math.floor((8 / 3) * reached.length + 1e-9));
      expect(competenceAt(intervals['2.1']!, theta, 6).level).toBe(Math.floor(pixFromSkills / 8));
    }
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

describe('validity simulation with known truth', () => {
  it('measures the candidate: near the truth and the oracle, inflated profiles lowered, no seen family served', () => {
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
    expect(report.seenFamilyServed).toBe(0);
    expect(details.meanSeenFamilies).toBeGreaterThan(20);
    expect(report.withinOneLevelRate).toBeGreaterThanOrEqual(0.9);
    expect(report.levelAccuracy).toBeGreaterThanOrEqual(0.85 * report.oracle.levelAccuracy);
    expect(report.inflatedProfilesLowered).toBeGreaterThanOrEqual(0.9);
    expect(report.honestKeptOrWithinOneRate).toBeGreaterThanOrEqual(0.9);
    expect(report.maxExposure).toBeLessThanOrEqual(0.25);
    expect(report.meanQuestions).toBeGreaterThan(25);
    expect(details.rejectedSittings).toBeLessThanOrEqual(2);
  }, 60_000);

  it('variable length asks fewer questions at a small cost in precision', () => {
    const root = createRandom('certification-test-se');
    const competences = COMPETENCE_CODES.slice(0, 8).map((code) => {
      const sim = simulateCompetenceBank(forkRandom(root, code), { competenceCode: code, tubes: 4, maxLevel: 6, challengesPerSkill: 2, timedShare: 0 });
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
    const fixed = simulateCertification(competences, { seed: 'se', candidates: 40 });
    const variable = simulateCertification(competences, { seed: 'se', candidates: 40, settings: { targetSe: 0.42 } });
    expect(variable.details.precisionStops).toBeGreaterThan(0);
    expect(variable.report.meanQuestions).toBeLessThan(fixed.report.meanQuestions);
    expect(variable.report.meanQuestions).toBeGreaterThanOrEqual(MIN_ANSWERS);
    expect(variable.report.withinOneLevelRate).toBeGreaterThanOrEqual(0.85);
  }, 60_000);
});

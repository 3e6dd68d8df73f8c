import { describe, expect, it } from 'vitest';
import type { KnowledgeElement, Skill, Tube } from '../framework';
import { probability } from '../irt';
import { createRandom, forkRandom } from '../random';
import {
  applyAnswer,
  chooseNext,
  finishPositioning,
  nextChallenge,
  provisionalDifficulty,
  replay,
  simulateCompetenceBank,
  smartRandomNext,
  smartRandomPredictedLevel,
  startPositioning,
  stepRandom,
  type CompetenceBank,
  type NextChallenge,
  type PositioningAnswer,
  type PositioningChallenge,
  type PositioningContext,
  type PositioningState,
} from './index';
import { openSession } from './bank';
import { candidateChallenges, levelIsCertain, rankByLevelInformation } from './select';
import { decisionLevel, decisionNode, firmKnowledge, levelByNode, nearestNode, openSkills } from './session';

// A small bank: three tubes, levels 1–6 (+ a level-7 skill above reach), three challenges per skill,
// difficulties b = (level − 3.5) × 0.8 with slope 1.5.
function smallBank(options: { timedLevel2?: boolean; uncalibrated?: string[]; slopes?: Record<string, number> } = {}): CompetenceBank {
  const competenceCode = '4.1';
  const tubes: Tube[] = ['@mdp', '@virus', '@rgpd'].map((name) => ({ id: name, name, competenceCode }));
  const skills: Skill[] = [];
  const challenges: PositioningChallenge[] = [];
  for (const tube of tubes) {
    for (let level = 1; level <= (tube.name === '@mdp' ? 7 : 6); level++) {
      const skill: Skill = { id: `${tube.name}${level}`, tubeId: tube.id, competenceCode, level, status: 'actif' };
      skills.push(skill);
      for (let k = 1; k <= 3; k++) {
        const id = `${skill.id}-c${k}`;
        const a = options.slopes?.[tube.name] ?? 1.5;
        const b = provisionalDifficulty(level) + 0.05 * (k - 2);
        challenges.push({
          id,
          skillId: skill.id,
          tubeId: tube.id,
          level,
          locales: k === 3 ? ['en'] : ['fr-fr'],
          status: 'valide',
          params: options.uncalibrated?.includes(id) ? null : { a, d: -a * b },
          timed: Boolean(options.timedLevel2) && level === 2 && k === 1,
        });
      }
    }
  }
  // A draft and an archived challenge are never served.
  challenges.push({ id: 'draft', skillId: '@mdp2', locales: ['fr'], status: 'propose', params: { a: 3, d: 0 }, timed: false });
  challenges.push({ id: 'old', skillId: '@mdp3', locales: ['fr'], status: 'archive', params: { a: 3, d: 0 }, timed: false });
  return { competenceCode, tubes, skills, challenges };
}

const challengeOf = (bank: CompetenceBank, id: string) => bank.challenges.find((c) => c.id === id) as PositioningChallenge;
const skillOf = (bank: CompetenceBank, id: string) => bank.skills.find((s) => s.id === challengeOf(bank, id).skillId) as Skill;

/** Runs a whole session for a learner of ability θ; calls `onStep` before each answer. */
function runSession(
  context: PositioningContext,
  theta: number,
  seed: string,
  onStep?: (state: PositioningState, next: Extract<NextChallenge, { done: false }>) => void,
): { state: PositioningState; done: Extract<NextChallenge, { done: true }> } {
  const engine = createRandom(`${seed}-engine`);
  const answers = createRandom(`${seed}-answers`);
  let state = startPositioning(context);
  for (;;) {
    const next = chooseNext(context, state, engine);
    if (next.done) return { state, done: next };
    onStep?.(state, next);
    const c = challengeOf(context.bank, next.challengeId);
    const p = probability(c.params ?? { a: 1.5, d: -1.5 * provisionalDifficulty(skillOf(context.bank, c.id).level) }, theta);
    state = applyAnswer(context, state, { challengeId: c.id, result: answers.next() < p ? 'ok' : 'ko' });
  }
}

describe('nextChallenge', () => {
  it('starts with an easy, untimed challenge of level 2 in the learner’s language', () => {
    const bank = smallBank({ timedLevel2: true });
    for (let seed = 0; seed < 60; seed++) {
      const next = nextChallenge({ bank, answers: [] }, stepRandom(`first-${seed}`, 0));
      expect(next.done).toBe(false);
      if (next.done) continue;
      const c = challengeOf(bank, next.challengeId);
      expect(next.reason).toBe('first');
      expect(skillOf(bank, c.id).level).toBe(2);
      expect(c.timed).toBe(false);
      expect(c.locales).toContain('fr-fr');
    }
    const english = nextChallenge({ bank, answers: [], settings: { locale: 'en-gb' } }, stepRandom('en', 0));
    expect(!english.done && challengeOf(bank, english.challengeId).locales).toEqual(['en']);
  });

  it('starts at the nearest level when level 2 is already known', () => {
    const bank = smallBank();
    const known: KnowledgeElement[] = ['@mdp2', '@virus2', '@rgpd2'].map((skillId) => ({ skillId, status: 'validated', source: 'direct', createdAt: 1 }));
    const next = nextChallenge({ bank, answers: [], knowledgeElements: known }, stepRandom('s', 0));
    expect(!next.done && skillOf(bank, next.challengeId).level).toBe(1);
  });

  it('never asks a challenge whose skill is known (earlier, direct, inferred or estimated), nor a draft, nor above the max reachable level', () => {
    const bank = smallBank();
    const earlier: KnowledgeElement[] = [
      { skillId: '@virus3', status: 'validated', source: 'direct', createdAt: 1 },
      { skillId: '@rgpd4', status: 'invalidated', source: 'inferred', createdAt: 1 },
    ];
    const context = { bank, knowledgeElements: earlier, settings: { levelCertainty: 1, seStop: 0 } };
    let steps = 0;
    for (const theta of [-2, -0.5, 0, 0.8, 2.5]) {
      for (let run = 0; run < 8; run++) {
        runSession(context, theta, `known-${theta}-${run}`, (state, next) => {
          const known = new Set([...earlier, ...state.knowledgeElements, ...state.estimatedKnowledgeElements].map((k) => k.skillId));
          const skill = skillOf(bank, next.challengeId);
          expect(known.has(skill.id)).toBe(false);
          expect(skill.level).toBeLessThanOrEqual(6);
          expect(challengeOf(bank, next.challengeId).status).toBe('valide');
          steps++;
        });
      }
    }
    expect(steps).toBeGreaterThan(100);
  });

  it('takes a turn through the tubes: never the same tube twice in a row while another tube has candidates', () => {
    // @mdp challenges are far more informative, so without the rule they would be chosen again.
    const bank = smallBank({ slopes: { '@mdp': 3, '@virus': 0.6, '@rgpd': 0.6 } });
    const context = { bank, settings: { levelCertainty: 1, seStop: 0, maxLength: 8 } };
    const session = openSession(context);
    let turns = 0;
    for (let run = 0; run < 20; run++) {
      runSession(context, 0.3, `tube-${run}`, (state, next) => {
        const last = state.answers[state.answers.length - 1];
        if (!last) return;
        const lastTube = skillOf(bank, last.challengeId).tubeId;
        const otherTubes = candidateChallenges(session, state).some((c) => skillOf(bank, c.id).tubeId !== lastTube);
        if (otherTubes) {
          expect(skillOf(bank, next.challengeId).tubeId).not.toBe(lastTube);
          turns++;
        }
      });
    }
    expect(turns).toBeGreaterThan(60);
    // …but the same tube again when it is the only one left with candidates.
    const others: KnowledgeElement[] = bank.skills
      .filter((s) => s.tubeId !== '@mdp')
      .map((s) => ({ skillId: s.id, status: 'validated', source: 'direct', createdAt: 1 }));
    const alone = runSession({ ...context, knowledgeElements: others }, 0.3, 'alone').state;
    expect(alone.answers.length).toBeGreaterThan(1);
    expect(new Set(alone.answers.map((a) => skillOf(bank, a.challengeId).tubeId))).toEqual(new Set(['@mdp']));
  });

  it('serves no timed challenge right after a time-out while untimed ones remain', () => {
    const bank = smallBank();
    const timedBank: CompetenceBank = { ...bank, challenges: bank.challenges.map((c, i) => ({ ...c, timed: i % 2 === 0 })) };
    const first = nextChallenge({ bank: timedBank, answers: [] }, stepRandom('t', 0));
    if (first.done) throw new Error('expected a challenge');
    const answers: PositioningAnswer[] = [{ challengeId: first.challengeId, result: 'timedout' }];
    for (let seed = 0; seed < 40; seed++) {
      const next = nextChallenge({ bank: timedBank, answers }, stepRandom(`t${seed}`, 1));
      expect(!next.done && challengeOf(timedBank, next.challengeId).timed).toBe(false);
    }
  });

  it('is deterministic for a seed, and the same at the same step whatever the time of asking', () => {
    const bank = smallBank();
    const input = {
      bank,
      answers: [
        { challengeId: '@mdp2-c1', result: 'ok' as const },
        { challengeId: '@virus3-c2', result: 'ko' as const },
      ],
    };
    const a = nextChallenge(input, stepRandom('session-42', 2));
    const b = nextChallenge(JSON.parse(JSON.stringify(input)), stepRandom('session-42', 2));
    expect(a).toEqual(b);
    const runA = runSession({ bank }, 0.4, 'det');
    const runB = runSession({ bank }, 0.4, 'det');
    expect(runA.state).toEqual(runB.state);
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const n = nextChallenge(input, stepRandom(`s${seed}`, 2));
      if (!n.done) seen.add(n.challengeId);
    }
    expect(seen.size).toBeGreaterThan(1); // exposure control: not always the same challenge
  });

  it('stops when every reachable skill is known', () => {
    const bank = smallBank();
    const all: KnowledgeElement[] = bank.skills.map((s) => ({
      skillId: s.id,
      status: s.level <= 3 ? 'validated' : 'invalidated',
      source: 'direct',
      createdAt: 1,
    }));
    const next = nextChallenge({ bank, answers: [], knowledgeElements: all }, stepRandom('x', 0));
    expect(next).toEqual({ done: true, reason: 'all_known' });
    const result = finishPositioning({ bank, knowledgeElements: all }, replay({ bank, answers: [], knowledgeElements: all }));
    expect(result.knowledgeElements).toEqual([]);
    expect(result.score.level).toBe(3);
    // Also when the answers and their inferences settled everything.
    const skillsBelow: KnowledgeElement[] = bank.skills
      .filter((s) => s.level !== 6 && !['@mdp1', '@virus1'].includes(s.id))
      .map((s) => ({ skillId: s.id, status: 'validated', source: 'direct', createdAt: 1 }));
    const answers: PositioningAnswer[] = [
      { challengeId: '@mdp6-c1', result: 'ok' },
      { challengeId: '@virus6-c1', result: 'ok' },
      { challengeId: '@rgpd6-c1', result: 'skipped' },
    ];
    const settings = { levelCertainty: 1, seStop: 0 };
    const input = { bank, answers, knowledgeElements: skillsBelow, settings };
    const state = replay(input);
    expect(
      state.knowledgeElements
        .filter((k) => k.source === 'inferred')
        .map((k) => k.skillId)
        .sort(),
    ).toEqual(['@mdp1', '@virus1']);
    expect(nextChallenge({ ...input, answers: answers.slice(0, 2) }, stepRandom('x', 2)).done).toBe(false);
    expect(nextChallenge(input, stepRandom('x', 3))).toEqual({ done: true, reason: 'all_known' });
  });

  it('stops at the maximum length', () => {
    const bank = smallBank();
    const { state, done } = runSession({ bank, settings: { maxLength: 4, levelCertainty: 1, seStop: 0 } }, 0, 'max');
    expect(done.reason).toBe('max_length');
    expect(state.answers).toHaveLength(4);
  });

  it('stops when the level is certain, and the final level is the certain one', () => {
    const bank = smallBank({ slopes: { '@mdp': 2.5, '@virus': 2.5, '@rgpd': 2.5 } });
    const context = { bank, settings: { levelCertainty: 0.6, seStop: 0 } };
    let certain = 0;
    for (const theta of [-1.5, -0.4, 0.05, 0.4, 1.2]) {
      for (let run = 0; run < 5; run++) {
        const { state, done } = runSession(context, theta, `certain-${theta}-${run}`);
        if (done.reason !== 'level_certain') continue;
        certain++;
        const top = Math.max(...state.levelProbabilities);
        expect(top).toBeGreaterThanOrEqual(0.6);
        expect(finishPositioning(context, state).score.level).toBe(state.levelProbabilities.indexOf(top));
        expect(state.level).toBe(state.levelProbabilities.indexOf(top));
      }
    }
    expect(certain).toBeGreaterThan(5);
  });

  it('serves a pretest (uncalibrated) challenge now and then, never more than maxPretest', () => {
    const bank = smallBank({ uncalibrated: ['@virus3-c1', '@virus4-c1', '@rgpd3-c2', '@rgpd4-c1', '@mdp4-c2', '@mdp3-c1'] });
    let pretests = 0;
    for (let run = 0; run < 40; run++) {
      const { state } = runSession({ bank, settings: { pretestRate: 0.3, maxPretest: 1 } }, 0.2, `pre-${run}`);
      const count = state.answers.filter((a) => challengeOf(bank, a.challengeId).params === null).length;
      expect(count).toBeLessThanOrEqual(1);
      expect(state.pretestAnswerCount).toBe(count);
      pretests += count;
    }
    expect(pretests).toBeGreaterThan(5);
  });
});

describe('replay and applyAnswer', () => {
  const bank = smallBank({ uncalibrated: ['@rgpd3-c1'] });

  it('a pretest answer never moves θ, but its knowledge element counts for pix', () => {
    const base: PositioningAnswer[] = [{ challengeId: '@mdp2-c1', result: 'ok' }];
    const without = replay({ bank, answers: base });
    for (const result of ['ok', 'ko'] as const) {
      const withPretest = replay({ bank, answers: [...base, { challengeId: '@rgpd3-c1', result }] });
      expect(withPretest.posterior).toEqual(without.posterior);
      expect(withPretest.theta).toBe(without.theta);
      expect(withPretest.calibratedAnswerCount).toBe(1);
      expect(withPretest.pretestAnswerCount).toBe(1);
      const status = result === 'ok' ? 'validated' : 'invalidated';
      expect(withPretest.knowledgeElements).toContainEqual({ skillId: '@rgpd3', status, source: 'direct', createdAt: 2 });
      // It stands in the final result whatever θ says.
      // It stands in the final result whatever θ says, and so do its inferred elements.
      const final = finishPositioning({ bank }, withPretest);
      expect(final.knowledgeElements.filter((k) => k.skillId === '@rgpd3').map((k) => k.status)).toEqual([status]);
      const inferred = withPretest.knowledgeElements.filter((k) => k.source === 'inferred' && k.skillId.startsWith('@rgpd'));
      expect(inferred.length).toBeGreaterThan(0);
      for (const k of inferred) expect(final.knowledgeElements.filter((f) => f.skillId === k.skillId)).toEqual([k]);
    }
  });

  it('works on a bank with no calibrated challenge yet: θ stays at the prior and settles nothing', () => {
    const raw = smallBank();
    const uncalibrated: CompetenceBank = { ...raw, challenges: raw.challenges.map((c) => ({ ...c, params: null })) };
    const { state, done } = runSession({ bank: uncalibrated, settings: { maxLength: 6 } }, 0.5, 'raw');
    expect(state.answers).toHaveLength(6);
    expect(done.reason).toBe('max_length');
    expect(state.theta).toBeCloseTo(0, 12);
    expect(state.calibratedAnswerCount).toBe(0);
    expect(state.estimatedKnowledgeElements).toEqual([]);
    const final = finishPositioning({ bank: uncalibrated }, state);
    expect(final.knowledgeElements).toEqual(state.knowledgeElements);
    const second = nextChallenge({ bank: uncalibrated, answers: state.answers.slice(0, 1), settings: { pretestRate: 0 } }, stepRandom('r', 1));
    expect(!second.done && second.reason).toBe('uncalibrated');
  });

  it('a skipped or timed-out answer counts as a wrong one', () => {
    const ko = replay({ bank, answers: [{ challengeId: '@mdp3-c1', result: 'ko' }] });
    for (const result of ['skipped', 'timedout'] as const) {
      const other = replay({ bank, answers: [{ challengeId: '@mdp3-c1', result }] });
      expect(other.posterior).toEqual(ko.posterior);
      expect(other.knowledgeElements).toEqual(ko.knowledgeElements);
      expect(other.levelProbabilities).toEqual(ko.levelProbabilities);
    }
    expect(ko.knowledgeElements.map((k) => [k.skillId, k.status, k.source])).toEqual([
      ['@mdp3', 'invalidated', 'direct'],
      ['@mdp4', 'invalidated', 'inferred'],
      ['@mdp5', 'invalidated', 'inferred'],
      ['@mdp6', 'invalidated', 'inferred'],
      ['@mdp7', 'invalidated', 'inferred'],
    ]);
    const ok = replay({ bank, answers: [{ challengeId: '@mdp3-c1', result: 'ok' }] });
    expect(ok.theta).toBeGreaterThan(0.3);
    expect(ko.theta).toBeLessThan(-0.3);
  });

  it('replay equals answer-by-answer application, and the state survives JSON', () => {
    const answers: PositioningAnswer[] = [
      { challengeId: '@mdp2-c1', result: 'ok' },
      { challengeId: '@virus4-c2', result: 'ko' },
      { challengeId: '@rgpd3-c1', result: 'ok' },
      { challengeId: '@mdp4-c1', result: 'skipped' },
    ];
    let state = startPositioning({ bank });
    for (const a of answers) state = JSON.parse(JSON.stringify(applyAnswer({ bank }, state, a))) as PositioningState;
    expect(state).toEqual(replay({ bank, answers }));
    expect(Math.abs(state.posterior.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-12);
  });

  it('estimates knowledge elements from θ when success is very likely or very unlikely', () => {
    const steep = smallBank({ slopes: { '@mdp': 2.5, '@virus': 2.5, '@rgpd': 2.5 } });
    const answers: PositioningAnswer[] = [
      { challengeId: '@mdp4-c1', result: 'ok' },
      { challengeId: '@virus4-c1', result: 'ok' },
      { challengeId: '@rgpd5-c1', result: 'ko' },
      { challengeId: '@mdp5-c1', result: 'ok' },
      { challengeId: '@virus5-c1', result: 'ko' },
    ];
    const state = replay({ bank: steep, answers });
    const estimated = new Map(state.estimatedKnowledgeElements.map((k) => [k.skillId, k.status]));
    expect(estimated.get('@rgpd1')).toBe('validated');
    expect(estimated.get('@rgpd2')).toBe('validated');
    expect(estimated.has('@rgpd4')).toBe(false); // too close to θ̂ to say
    for (const k of state.estimatedKnowledgeElements) expect(k.source).toBe('estimated');
    // No estimated element for a skill with a direct or inferred one.
    const firm = new Set(state.knowledgeElements.map((k) => k.skillId));
    for (const k of state.estimatedKnowledgeElements) expect(firm.has(k.skillId)).toBe(false);
  });

  it('closes a session by the evidence rules: θ never overrules the answers, and settles only what nothing touched', () => {
    const answers: PositioningAnswer[] = [
      { challengeId: '@mdp2-c1', result: 'ko' }, // a slip on an easy one…
      { challengeId: '@mdp5-c1', result: 'ok' },
      { challengeId: '@virus5-c1', result: 'ok' },
      { challengeId: '@rgpd5-c1', result: 'ok' },
      { challengeId: '@virus6-c1', result: 'ok' },
    ];
    const state = replay({ bank, answers });
    const result = finishPositioning({ bank }, state);
    const final = new Map(result.knowledgeElements.map((k) => [k.skillId, k]));
    // …stays failed: the direct element and the inferred ones it made stand, whatever θ says.
    expect(final.get('@mdp2')).toEqual(expect.objectContaining({ status: 'invalidated', source: 'direct' }));
    expect(final.get('@mdp3')).toEqual(expect.objectContaining({ status: 'invalidated', source: 'inferred' }));
    expect(final.get('@virus4')).toEqual(expect.objectContaining({ status: 'validated', source: 'inferred' }));
    // θ settled the untouched skills only (here @rgpd6, high θ), never one the answers touched.
    const touched = new Set(state.knowledgeElements.map((k) => k.skillId));
    for (const k of result.knowledgeElements.filter((k) => k.source === 'estimated')) expect(touched.has(k.skillId)).toBe(false);
    // Every reachable skill ends with a knowledge element; nothing above the max reachable level is estimated.
    for (const s of bank.skills.filter((s) => s.level <= 6)) expect(final.has(s.id)).toBe(true);
    expect(result.knowledgeElements.some((k) => k.skillId === '@mdp7' && k.source === 'estimated')).toBe(false);
    expect(result.score.level).toBe(state.level);
  });

  it('gives level 0 and 0 pix, with no validated skill, to a learner who answers everything wrong', () => {
    for (const settings of [{}, { levelCertainty: 0.4, withinOneCertainty: 0 }, { minLength: 0, levelCertainty: 0.3 }]) {
      for (let run = 0; run < 5; run++) {
        const context = { bank, settings };
        const { state } = runSession(context, -Infinity, `wrong-${run}`);
        const result = finishPositioning(context, state);
        expect(result.score.level).toBe(0);
        expect(result.score.pix).toBe(0);
        expect(result.knowledgeElements.filter((k) => k.status === 'validated')).toEqual([]);
        expect(state.estimatedKnowledgeElements.filter((k) => k.status === 'validated')).toEqual([]);
        // Level 1 was tried before the test concluded level 0.
        expect(state.answers.some((a) => skillOf(bank, a.challengeId).level === 1)).toBe(true);
      }
    }
    // A prior alone credits nothing: no answer, no level.
    expect(finishPositioning({ bank }, startPositioning({ bank })).score.level).toBe(0);
  });

  it('takes a learner who answers everything right to the top reachable level', () => {
    for (let run = 0; run < 5; run++) {
      const context = { bank };
      const { state } = runSession(context, Infinity, `right-${run}`);
      const result = finishPositioning(context, state);
      expect(result.score.level).toBe(6);
      expect(result.knowledgeElements.filter((k) => k.status === 'invalidated')).toEqual([]);
    }
  });

  it('never validates a skill answered wrong in the session, whatever the learner and the settings', () => {
    for (const theta of [-2, -0.8, 0, 0.7, 1.8]) {
      for (const settings of [{}, { askInferredSkills: true }, { levelCertainty: 0.4, withinOneCertainty: 0 }]) {
        const context = { bank, settings };
        const { state } = runSession(context, theta, `wrongly-${theta}`);
        const failed = new Set(state.answers.filter((a) => a.result !== 'ok').map((a) => skillOf(bank, a.challengeId).id));
        const result = finishPositioning(context, state);
        const latest = new Map(result.knowledgeElements.map((k) => [k.skillId, k]));
        for (const id of failed) expect(latest.get(id)?.status).toBe('invalidated');
        // And when a right answer came in, θ validated only skills nothing in the session touched.
        const touched = new Set(state.knowledgeElements.map((k) => k.skillId));
        for (const k of result.knowledgeElements) if (k.source === 'estimated') expect(touched.has(k.skillId)).toBe(false);
      }
    }
  });

  it('refuses an unknown challenge and a challenge answered twice', () => {
    expect(() => replay({ bank, answers: [{ challengeId: 'nope', result: 'ok' }] })).toThrow(/unknown challenge/);
    expect(() =>
      replay({
        bank,
        answers: [
          { challengeId: '@mdp2-c1', result: 'ok' },
          { challengeId: '@mdp2-c1', result: 'ok' },
        ],
      }),
    ).toThrow(/already answered/);
  });

  it('refuses an inconsistent bank and bad settings', () => {
    const broken: CompetenceBank = { ...bank, challenges: [{ ...(bank.challenges[0] as PositioningChallenge), level: 5 }] };
    expect(() => replay({ bank: broken, answers: [] })).toThrow(/level disagrees/);
    expect(() => replay({ bank, answers: [], settings: { maxReachableLevel: 9 } })).toThrow(/maxReachableLevel/);
    // θ overruling the answers is not a setting any more (decision 017).
    expect(() => replay({ bank, answers: [], settings: { finalStatus: 'ability' } as never })).toThrow(/finalStatus/);
    expect(() => replay({ bank, answers: [], settings: { tryLevelsAbove: -1 } })).toThrow(/tryLevelsAbove/);
  });
});

describe('smart random (baseline)', () => {
  it('estimates the level with a pseudo success at 0 and a pseudo failure at 7', () => {
    expect(smartRandomPredictedLevel([])).toBe(3.5);
    const allRight = [1, 2, 3, 4, 5].map((d) => ({ difficulty: d, outcome: 1 as const }));
    expect(smartRandomPredictedLevel(allRight)).toBeGreaterThan(5);
    const allWrong = [1, 2, 3].map((d) => ({ difficulty: d, outcome: 0 as const }));
    expect(smartRandomPredictedLevel(allWrong)).toBeLessThan(1.5);
  });

  it('starts with an untimed level-2 challenge of an easy tube, and never asks a tested skill', () => {
    const bank = smallBank({ timedLevel2: true });
    // Make @rgpd an easy tube (top level 3) by archiving its higher skills.
    const easy: CompetenceBank = {
      ...bank,
      skills: bank.skills.map((s) => (s.tubeId === '@rgpd' && s.level > 3 ? { ...s, status: 'archive' as const } : s)),
    };
    for (let seed = 0; seed < 20; seed++) {
      const next = smartRandomNext({ bank: easy, answers: [] }, stepRandom(`sr${seed}`, 0));
      expect(!next.done && skillOf(easy, next.challengeId).id).toBe('@rgpd2');
      expect(!next.done && challengeOf(easy, next.challengeId).timed).toBe(false);
    }
    const sim = simulateCompetenceBank(createRandom('sr-bank'));
    const rng = forkRandom(createRandom('sr-run'));
    const answers: PositioningAnswer[] = [];
    const tested = new Set<string>();
    for (;;) {
      const next = smartRandomNext({ bank: sim.bank, answers }, rng);
      if (next.done) break;
      const skill = sim.bank.challenges.find((c) => c.id === next.challengeId)?.skillId as string;
      expect(tested.has(skill)).toBe(false);
      const result = rng.next() < 0.6 ? 'ok' : 'ko';
      answers.push({ challengeId: next.challengeId, result });
      for (const k of replay({ bank: sim.bank, answers }).knowledgeElements) tested.add(k.skillId);
    }
    expect(answers.length).toBeGreaterThan(3);
  });
});

describe('Bayes decision, level-targeted selection and the within-one stop', () => {
  it('closes at the most probable level at whatever point the session stops (Bayes decision, withinOneWeight 0), at the median θ with "median"', () => {
    const bank = smallBank({ slopes: { '@mdp': 1.2, '@virus': 1.2, '@rgpd': 1.2 } });
    let differ = 0;
    for (const theta of [-1.6, -0.7, 0, 0.5, 1.3]) {
      for (const maxLength of [1, 2, 3, 5]) {
        const seed = `bayes-${theta}-${maxLength}`;
        const context = { bank, settings: { levelCertainty: 1, seStop: 0, maxLength, withinOneWeight: 0 } };
        const { state } = runSession(context, theta, seed);
        const top = Math.max(...state.levelProbabilities);
        const level = finishPositioning(context, state).score.level;
        expect(state.levelProbabilities[level]).toBe(top);
        expect(state.level).toBe(level);
        // The old rule (level at the posterior median) on the same answers.
        const median = finishPositioning({ ...context, settings: { ...context.settings, levelDecision: 'median' as const } }, state).score.level;
        if (median !== level) differ++;
        expect(state.levelProbabilities[median]!).toBeLessThanOrEqual(top);
      }
    }
    expect(differ).toBeGreaterThanOrEqual(0);
    // Where they differ: the median's band is narrow and a neighbour holds more of the posterior.
    const session = openSession({ bank, settings: { withinOneWeight: 0 } });
    const levels = Int32Array.from([0, 0, 1, 2, 2, 2]);
    const posterior = [0.2, 0.2, 0.15, 0.15, 0.15, 0.15]; // median at node 2 (level 1, 0.15); level 2 holds 0.45
    expect(decisionNode(session, levels, posterior)).toBe(3);
    expect(decisionNode(openSession({ bank, settings: { levelDecision: 'median' } }), levels, posterior)).toBe(2);
    expect(decisionNode(session, levels, [0.1, 0.1, 0.5, 0.1, 0.1, 0.1])).toBe(2);
    // With a miss by more than one level weighing too (default weight 1), the middle level wins here:
    // P(1) + P(0..2) = 0.15 + 1 against P(2) + P(1..2) = 0.45 + 0.6.
    expect(decisionLevel(openSession({ bank }), levels, posterior)).toBe(1);
    const spread = Int32Array.from([0, 1, 2, 3]);
    const split = [0.4, 0, 0.3, 0.3]; // most probable 0; but 2 and 3 are each within one of 60 %
    expect(decisionLevel(session, spread, split)).toBe(0);
    expect(decisionLevel(openSession({ bank }), spread, split)).toBe(2); // 0.3 + 0.6 = 0.9 > 0.4 + 0.4; 2 ties 3, the median's level wins
  });

  it('ranks first the challenges whose answer best separates the levels still in play', () => {
    const bank = smallBank();
    const session = openSession({ bank });
    const context = { bank, settings: { levelCertainty: 1, seStop: 0 } };
    // After a few answers around the middle, the posterior straddles a few levels.
    let state = startPositioning(context);
    for (const [id, result] of [
      ['@mdp2-c1', 'ok'],
      ['@virus3-c1', 'ok'],
      ['@rgpd4-c1', 'ko'],
    ] as const) {
      state = applyAnswer(context, state, { challengeId: id, result });
    }
    const firm = firmKnowledge(session, state);
    const levels = levelByNode(session, firm, openSkills(session, firm));
    const pool = bank.challenges.filter((c) => c.params && c.status === 'valide' && c.locales.includes('fr-fr'));
    const ranked = rankByLevelInformation(session, pool, state.posterior, levels, state.theta);
    // The best is about as hard as the learner (P of success between 0.2 and 0.8 at θ̂); the extremes come last.
    const p = (c: PositioningChallenge) => probability(c.params!, state.theta);
    expect(p(ranked[0]!)).toBeGreaterThan(0.2);
    expect(p(ranked[0]!)).toBeLessThan(0.8);
    const last = ranked[ranked.length - 1]!;
    expect(p(last) < 0.1 || p(last) > 0.9).toBe(true);
    // A posterior inside one level: no answer can tell levels apart, so every challenge is worth nothing
    // for the level and the order falls back to information at θ̂ (then id), reproducibly.
    const one = new Array<number>(state.posterior.length).fill(0);
    one[nearestNode(session, state.theta)] = 1;
    const flat = rankByLevelInformation(session, pool, one, levels, state.theta);
    expect(flat).toEqual(rankByLevelInformation(session, pool, one, levels, state.theta));
  });

  it('stops on level certainty only when a miss by more than one level is also unlikely (withinOneCertainty)', () => {
    expect(levelIsCertain([0, 0.1, 0.5, 0.3, 0.1], 0.5, 0)).toBe(true);
    expect(levelIsCertain([0, 0.1, 0.5, 0.3, 0.1], 0.5, 0.89)).toBe(true); // 0.1 + 0.5 + 0.3
    expect(levelIsCertain([0.12, 0.1, 0.5, 0.18, 0.1], 0.5, 0.9)).toBe(false); // 0.78 within one
    expect(levelIsCertain([0.6, 0.35, 0.05], 0.6, 0.94)).toBe(true); // level 0: only one neighbour
    expect(levelIsCertain([0, 0.1, 0.45, 0.45], 0.5, 0)).toBe(false);
    // In sessions: the extra condition never shortens one.
    const bank = smallBank({ slopes: { '@mdp': 1.2, '@virus': 1.2, '@rgpd': 1.2 } });
    let longer = 0;
    for (const theta of [-1.2, -0.3, 0.4, 1.1]) {
      for (let run = 0; run < 4; run++) {
        const loose = runSession({ bank, settings: { levelCertainty: 0.45, seStop: 0, minLength: 0 } }, theta, `w-${theta}-${run}`);
        const strict = runSession({ bank, settings: { levelCertainty: 0.45, withinOneCertainty: 0.97, seStop: 0, minLength: 0 } }, theta, `w-${theta}-${run}`);
        expect(strict.state.answers.length).toBeGreaterThanOrEqual(loose.state.answers.length);
        if (strict.state.answers.length > loose.state.answers.length) longer++;
        if (strict.done.reason === 'level_certain') {
          const probs = strict.state.levelProbabilities;
          const best = probs.indexOf(Math.max(...probs));
          expect((probs[best - 1] ?? 0) + probs[best]! + (probs[best + 1] ?? 0)).toBeGreaterThanOrEqual(0.97);
        }
      }
    }
    expect(longer).toBeGreaterThan(0);
  });

  it('refuses unknown selection and decision settings', () => {
    expect(() => startPositioning({ bank: smallBank(), settings: { selection: 'random' as never } })).toThrow(/selection/);
    expect(() => startPositioning({ bank: smallBank(), settings: { levelDecision: 'mean' as never } })).toThrow(/levelDecision/);
    expect(() => startPositioning({ bank: smallBank(), settings: { withinOneWeight: -1 } })).toThrow(/withinOneWeight/);
    expect(() => startPositioning({ bank: smallBank(), settings: { withinOneCertainty: 1.5 } })).toThrow(/withinOneCertainty/);
  });
});

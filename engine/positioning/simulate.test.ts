import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { comparePolicies, simulateCompetenceBank, trueCompetenceLevel, type PolicyComparison } from './index';

const LEARNERS = 1000;
const SEED = 'positioning-sim';

function show(label: string, r: PolicyComparison): void {
  const line = (name: string, p: PolicyComparison['policies']['irt'], d: PolicyComparison['details']['irt']) =>
    `${name.padEnd(12)} exact ${(100 * p.exactLevelRate).toFixed(1)} %, within one ${(100 * p.withinOneLevelRate).toFixed(1)} %, ` +
    `questions mean ${p.meanQuestions.toFixed(2)} p95 ${p.p95Questions}, max exposure ${(100 * p.maxExposure).toFixed(1)} %, ` +
    `bias ${d.meanLevelBias.toFixed(3)}, stops ${JSON.stringify(d.stopReasons)}`;
  console.log(
    [
      `${label} — ${LEARNERS} learners, true levels ${JSON.stringify(r.trueLevels)}`,
      line('irt', r.policies.irt, r.details.irt),
      line('smartRandom', r.policies.smartRandom, r.details.smartRandom),
      `question ratio irt / smartRandom ${(r.policies.irt.meanQuestions / r.policies.smartRandom.meanQuestions).toFixed(3)}`,
    ].join('\n'),
  );
}

describe('positioning simulation with known truth', () => {
  it('builds a bank whose difficulties follow the skill levels', () => {
    const sim = simulateCompetenceBank(createRandom('bank-check'));
    expect(sim.bank.tubes).toHaveLength(6);
    for (const c of sim.bank.challenges) {
      const level = sim.bank.skills.find((s) => s.id === c.skillId)?.level as number;
      const truth = sim.truth[c.id] as { a: number; d: number };
      expect(Math.abs(-truth.d / truth.a - (level - 3.5) * 0.8)).toBeLessThan(1.6);
      expect(c.params).not.toEqual(truth); // the engine sees estimated parameters, not the truth
    }
    // True level rises with θ.
    const levels = [-3, -1.5, 0, 1.5, 3].map((t) => trueCompetenceLevel(sim, t, 6).level);
    expect(levels).toEqual([...levels].sort((x, y) => x - y));
    expect(levels[0]).toBeLessThan(levels[4] as number);
  });

  it('finds the true level as often as smart random (within a learner in 200), with at most 0.7 of its questions, validating no skill answered wrong', () => {
    const r = comparePolicies({ seed: SEED, learners: LEARNERS });
    show('default settings (evidence rules, levelCertainty 0.85, withinOneCertainty 0.96, minLength 5, tryLevelsAbove 2)', r);
    const { irt, smartRandom } = r.policies;
    // Observed with this seed (decision 017 defaults, levelCertainty 0.85 since its 2026-12-06 amendment):
    // irt exact 48.9 %, within one 94.6 %, 7.90 questions (p95 11); smartRandom exact 48.6 %, within one
    // 93.1 %, 12.17 questions (p95 14); ratio 0.649. (With 0.7: 48.5 % / 94.0 % / 6.91, ratio 0.568.) (Decision 012, θ overruling the answers: irt
    // 53.3 % / 95.9 % / 7.93.)
    expect(irt.exactLevelRate).toBeGreaterThanOrEqual(smartRandom.exactLevelRate - 0.005);
    expect(irt.withinOneLevelRate).toBeGreaterThanOrEqual(smartRandom.withinOneLevelRate);
    expect(irt.meanQuestions).toBeLessThanOrEqual(0.7 * smartRandom.meanQuestions);
    expect(irt.p95Questions).toBeLessThanOrEqual(smartRandom.p95Questions);
    expect(irt.wronglyValidatedSkills).toBe(0);
    expect(smartRandom.wronglyValidatedSkills).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { oracleBound } from './oracle';
import { simulateCompetenceBank } from './simulate';

describe('oracle bound (true parameters, Bayes decision)', () => {
  it('is reproducible, grows with the number of questions, and the whole bank bounds every length', () => {
    const sim = simulateCompetenceBank(createRandom('oracle-bank'), { challengesPerSkill: 2 });
    const run = () => oracleBound(sim, { count: 300, lengths: [1, 3, 8], maxReachableLevel: 6 }, createRandom('oracle-learners'));
    const r = run();
    expect(run()).toEqual(r);
    const best = (k: string) => Math.max(r.byLength[k]!['greedy-accuracy'].exact, r.byLength[k]!['greedy-information'].exact);
    expect(best('3')).toBeGreaterThan(best('1'));
    expect(best('8')).toBeGreaterThan(best('3'));
    // Same learners for every k and the whole bank: answering everything is never worse on the whole
    // (up to Monte Carlo noise on 300 learners).
    expect(r.allItems.exact).toBeGreaterThanOrEqual(best('8') - 0.03);
    expect(r.allItems.withinOne).toBeGreaterThanOrEqual(r.allItems.exact);
    expect(r.allItems.items).toBe(sim.bank.challenges.length);
  });

  it('reaches the true level almost always when the items are extremely discriminating', () => {
    const sim = simulateCompetenceBank(createRandom('oracle-sharp'), { challengesPerSkill: 4, slopeMeanLog: Math.log(25), slopeSdLog: 0.01 });
    const r = oracleBound(sim, { count: 200, lengths: [4], maxReachableLevel: 6 }, createRandom('oracle-sharp-learners'));
    expect(r.allItems.exact).toBeGreaterThan(0.95);
  });
});

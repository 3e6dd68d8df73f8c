import { describe, expect, it } from 'vitest';
import { createRandom, normal } from '../random';
import { probability, type ItemParameters } from '../irt';
import { latestKnowledgeElements, type KnowledgeElement } from '../framework';
import { simulateCompetenceBank, type SimulatedCompetenceBank, type PositioningAnswer } from '../positioning';
import {
  campaignTestProgress,
  finishCampaignTest,
  nextCampaignChallenge,
  replayCampaignTest,
  restrictBank,
  answerKnowledge,
  type CampaignTestContext,
} from './assessment';

/** A simulated competence with ids prefixed by its code (so that two competences do not collide). */
function competence(code: string, seed: string): SimulatedCompetenceBank {
  const sim = simulateCompetenceBank(createRandom(seed), { competenceCode: code, tubes: 4, timedShare: 0 });
  const p = (id: string) => `${code}${id}`;
  return {
    bank: {
      competenceCode: code,
      tubes: sim.bank.tubes.map((t) => ({ ...t, id: p(t.id) })),
      skills: sim.bank.skills.map((s) => ({ ...s, id: p(s.id), tubeId: p(s.tubeId) })),
      challenges: sim.bank.challenges.map((c) => ({ ...c, id: p(c.id), skillId: p(c.skillId) })),
    },
    truth: Object.fromEntries(Object.entries(sim.truth).map(([id, v]) => [p(id), v])),
  };
}

const sims = [competence('1.1', 'c11'), competence('3.2', 'c32')];
const truth: Record<string, ItemParameters> = Object.assign({}, ...sims.map((s) => s.truth));
/** The profile: the first two tubes of each competence up to level 4. */
const targeted = new Set(
  sims.flatMap((s) => s.bank.skills.filter((k) => s.bank.tubes.slice(0, 2).some((t) => t.id === k.tubeId) && k.level <= 4).map((k) => k.id)),
);
const banks = sims.map((s) => restrictBank(s.bank, targeted)!);

/** Runs a whole campaign test for a learner of true ability θ; returns the asked challenges and the final elements. */
function run(context: CampaignTestContext, theta: number, seed: string) {
  const rng = createRandom(`answers-${seed}`);
  let state = replayCampaignTest({ ...context, answers: [] }, seed);
  const progress: number[] = [campaignTestProgress(state)];
  const kes: KnowledgeElement[] = [];
  const competencesAsked: string[] = [];
  for (let i = 0; i < 200; i++) {
    const next = nextCampaignChallenge(context, state);
    if (next.done) break;
    competencesAsked.push(next.competenceCode);
    const ok = rng.next() < probability(truth[next.challengeId]!, theta);
    const answer: PositioningAnswer = { challengeId: next.challengeId, result: ok ? 'ok' : 'ko' };
    const step = answerKnowledge(context, state, answer, seed);
    kes.push(...step.created);
    state = step.after;
    progress.push(campaignTestProgress(state));
  }
  const closing = finishCampaignTest(context, state).flatMap((c) => c.knowledgeElements);
  return { state, asked: state.answers.map((a) => a.challengeId), competencesAsked, progress, kes: [...kes, ...closing] };
}

describe('campaign test: the positioning engine across the competences of a target profile', () => {
  it('restricts each bank to the targeted skills and their challenges', () => {
    for (const b of banks) {
      expect(b.skills.every((s) => targeted.has(s.id))).toBe(true);
      expect(b.challenges.every((c) => targeted.has(c.skillId))).toBe(true);
      expect(b.challenges.length).toBeGreaterThan(0);
    }
    expect(restrictBank(sims[0]!.bank, new Set(['nothing']))).toBeNull();
  });

  it('asks only challenges of targeted skills, takes the competences in turn, ends, and is reproducible', () => {
    const context: CampaignTestContext = { banks };
    const a = run(context, 0.3, 'seed-1');
    const b = run(context, 0.3, 'seed-1');
    expect(a.asked).toEqual(b.asked);
    const skillOf = new Map(banks.flatMap((bk) => bk.challenges.map((c) => [c.id, c.skillId] as const)));
    expect(a.asked.every((id) => targeted.has(skillOf.get(id)!))).toBe(true);
    // Turns: the first two questions come from the two competences, in the profile's order.
    expect(a.competencesAsked.slice(0, 2)).toEqual(['1.1', '3.2']);
    // A question is never asked twice and a skill never twice.
    expect(new Set(a.asked).size).toBe(a.asked.length);
    expect(new Set(a.asked.map((id) => skillOf.get(id))).size).toBe(a.asked.length);
    expect(nextCampaignChallenge(context, a.state)).toEqual({ done: true });
    // Progress only grows and reaches 1 when the test is over.
    for (let i = 1; i < a.progress.length; i++) expect(a.progress[i]!).toBeGreaterThanOrEqual(a.progress[i - 1]! - 1e-12);
    expect(a.progress[a.progress.length - 1]).toBe(1);
    // Every reachable targeted skill ends with a knowledge element; none outside the profile.
    const latest = latestKnowledgeElements(a.kes.map((k, i) => ({ ...k, createdAt: i })));
    expect([...latest.keys()].every((id) => targeted.has(id))).toBe(true);
    expect(latest.size).toBe(banks.reduce((n, bk) => n + bk.skills.filter((s) => s.level <= 6).length, 0));
  });

  it('moves one competence per answer incrementally, exactly as replaying every answer does', () => {
    const context: CampaignTestContext = { banks };
    const a = run(context, -0.4, 'seed-3');
    const replayed = replayCampaignTest({ ...context, answers: a.state.answers }, 'seed-3');
    expect(a.state).toEqual(replayed);
  });

  it('never asks a skill the learner already has in their profile', () => {
    const known: KnowledgeElement[] = banks.flatMap((bk) =>
      bk.skills.filter((s) => s.level <= 2).map((s) => ({ skillId: s.id, status: 'validated' as const, source: 'direct' as const, createdAt: 0 })),
    );
    const context: CampaignTestContext = { banks, knowledgeElements: known };
    const knownIds = new Set(known.map((k) => k.skillId));
    const skillOf = new Map(banks.flatMap((bk) => bk.challenges.map((c) => [c.id, c.skillId] as const)));
    const fresh = run({ banks }, 0, 'seed-2');
    const again = run(context, 0, 'seed-2');
    expect(again.asked.some((id) => knownIds.has(skillOf.get(id)!))).toBe(false);
    expect(again.asked.length).toBeLessThan(fresh.asked.length);
    // Known skills start counted in the progress.
    expect(again.progress[0]).toBeGreaterThan(0);
  });

  it('measures mastery of the targeted skills close to the truth on simulated learners', () => {
    const rng = createRandom('campaign-sim');
    let error = 0;
    let questions = 0;
    const n = 120;
    const targetedList = banks.flatMap((bk) => bk.skills.filter((s) => s.level <= 6));
    for (let i = 0; i < n; i++) {
      const theta = normal(rng, 0, 1);
      const r = run({ banks }, theta, `learner-${i}`);
      questions += r.asked.length;
      const latest = latestKnowledgeElements(r.kes.map((k, j) => ({ ...k, createdAt: j })));
      const measured = targetedList.filter((s) => latest.get(s.id)?.status === 'validated').length / targetedList.length;
      const trueRate =
        targetedList.filter((s) => {
          const items = banks.flatMap((bk) => bk.challenges).filter((c) => c.skillId === s.id);
          return items.reduce((sum, c) => sum + probability(truth[c.id]!, theta), 0) / items.length >= 0.5;
        }).length / targetedList.length;
      error += Math.abs(measured - trueRate);
    }
    // Measured: 13.7 points of mean absolute error on 12 targeted skills (one skill is 8.3 points),
    // with 8.0 questions on average.
    expect(error / n).toBeLessThan(0.16);
    expect(questions / n).toBeLessThan(targetedList.length);
  });
});

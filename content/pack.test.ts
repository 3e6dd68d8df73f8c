import { describe, expect, it } from 'vitest';
import { CHALLENGE_TYPES, checkAnswer, isCorrect, type AnswerSpec, type LearnerResponse } from '../engine/challenges';
import { loadContent } from './load';

const content = loadContent();
const competenceCodes = content.framework.areas.flatMap((a) => a.competences.map((c) => c.code));

/** The response a learner who knows the answer would give. */
function rightResponse(spec: AnswerSpec): LearnerResponse {
  switch (spec.type) {
    case 'QCU':
      return { choice: spec.correct };
    case 'QCM':
      return { choices: spec.correct };
    case 'QROC':
      return { value: spec.accepted[0]! };
    case 'QROCM-ind':
      return { values: Object.fromEntries(spec.fields.map((f) => [f.name, f.accepted![0]!])) };
    case 'QROCM-dep':
      return { values: Object.fromEntries(spec.fields.map((f, i) => [f.name, spec.accepted[i]![0]!])) };
  }
}

describe('the starter content pack', () => {
  it('covers the 16 competences of the 5 areas', () => {
    expect(content.framework.areas).toHaveLength(5);
    expect(competenceCodes).toHaveLength(16);
  });

  it.each(competenceCodes)('competence %s has at least 2 tubes, each with skills at 3+ levels between 1 and 6', (code) => {
    const tubes = content.thematics.filter((t) => t.competenceCode === code).flatMap((t) => t.tubes);
    expect(tubes.length).toBeGreaterThanOrEqual(2);
    for (const tube of tubes) {
      const levels = tube.skills.map((s) => s.level);
      expect(new Set(levels).size, tube.name).toBeGreaterThanOrEqual(3);
      expect(
        levels.every((l) => l >= 1 && l <= 6),
        tube.name,
      ).toBe(true);
    }
  });

  it('has a live prototype and at least one declination for every skill, and a tutorial for every tube', () => {
    for (const tube of content.thematics.flatMap((t) => t.tubes)) {
      const tutorials = new Set(tube.skills.flatMap((s) => [...s.understand, ...s.learnMore]));
      expect(tutorials.size, `${tube.name} tutorials`).toBeGreaterThanOrEqual(1);
      for (const skill of tube.skills) {
        expect(skill.challenges.length, skill.name).toBeGreaterThanOrEqual(2);
        expect(
          skill.challenges.filter((c) => c.isPrototype),
          skill.name,
        ).toHaveLength(1);
        expect(skill.challenges.filter((c) => !c.isPrototype).every((c) => c.prototypeKey !== null)).toBe(true);
      }
    }
  });

  it('uses all five challenge types', () => {
    const used = new Set(content.thematics.flatMap((t) => t.tubes.flatMap((tube) => tube.skills.flatMap((s) => s.challenges.map((c) => c.type)))));
    expect([...used].sort()).toEqual([...CHALLENGE_TYPES].sort());
  });

  it('accepts the expected answer of every challenge and refuses a skipped one', () => {
    for (const challenge of content.thematics.flatMap((t) => t.tubes.flatMap((tube) => tube.skills.flatMap((s) => s.challenges)))) {
      expect(isCorrect(checkAnswer(challenge.body.answer, rightResponse(challenge.body.answer))), challenge.key).toBe(true);
      expect(isCorrect(checkAnswer(challenge.body.answer, { skipped: true })), challenge.key).toBe(false);
    }
  });
});

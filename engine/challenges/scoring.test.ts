import { describe, expect, it } from 'vitest';
import { scoringChanges } from './scoring';
import type { ChallengeBody } from './model';

const doc = (text: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }) as unknown as ChallengeBody['instruction'];

function body(over: Partial<ChallengeBody> = {}): ChallengeBody {
  return {
    instruction: doc('Quelle est la bonne réponse ?'),
    alternativeInstruction: null,
    answer: { type: 'QCU', proposals: [doc('A'), doc('B')], correct: [0] } as unknown as ChallengeBody['answer'],
    solutionExplanation: doc('Parce que.'),
    illustration: null,
    attachments: [],
    embed: null,
    timer: null,
    focused: false,
    locales: ['fr'],
    accessibility: { blind: 'RAS', colorBlind: 'RAS' },
    pedagogy: 'q-savoir',
    authors: [],
    ...over,
  };
}

describe('scoringChanges', () => {
  it('ignores what is not scored (explanation, authors, locales)', () => {
    expect(scoringChanges(body(), body({ solutionExplanation: doc('Autre explication'), authors: ['X'], locales: ['fr', 'en'] }))).toEqual([]);
  });
  it('names an answer key change, a statement change and a timer change', () => {
    const key = body({ answer: { type: 'QCU', proposals: [doc('A'), doc('B')], correct: [1] } as unknown as ChallengeBody['answer'] });
    expect(scoringChanges(body(), key)).toEqual(['answer']);
    expect(scoringChanges(body(), body({ instruction: doc('Autre question ?') }))).toEqual(['instruction']);
    expect(scoringChanges(body(), body({ timer: 60 }))).toEqual(['timer']);
  });
  it('names a type change once', () => {
    const qcm = body({ answer: { type: 'QCM', proposals: [doc('A'), doc('B')], correct: [0] } as unknown as ChallengeBody['answer'] });
    expect(scoringChanges(body(), qcm)).toEqual(['type']);
  });
});

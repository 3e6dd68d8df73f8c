import { describe, expect, it } from 'vitest';
import { newChallengeBody, validateChallengeBody } from './body';
import { RICH_TEXT_LIMIT, SHORT_TEXT_LIMIT, fieldsOverLimit, richTextLength } from './limits';
import type { ChallengeBody, RichDoc } from './model';

const doc = (text: string): RichDoc => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

function body(overrides: Partial<ChallengeBody> = {}): ChallengeBody {
  return {
    ...newChallengeBody('QROC', ['Camille']),
    instruction: doc('Quelle boisson ?'),
    answer: { type: 'QROC', accepted: ['café'], format: 'mots', tolerances: ['T1'] },
    ...overrides,
  };
}

describe('stated text limits', () => {
  it('counts the characters of text, not the formatting', () => {
    const rich: RichDoc = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'abc', marks: [{ type: 'bold' }] }, { type: 'hardBreak' }, { type: 'text', text: 'de' }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'fgh' }] }] }] },
      ],
    };
    expect(richTextLength(rich)).toBe(8);
    expect(richTextLength(null)).toBe(0);
  });

  it('accepts a statement at the limit and refuses one character more, in French, saying how much is too much', () => {
    expect(validateChallengeBody(body({ instruction: doc('a'.repeat(RICH_TEXT_LIMIT)) }))).toEqual({});
    const errors = validateChallengeBody(body({ instruction: doc('a'.repeat(60_000)) }));
    expect(errors['instruction']).toEqual([
      'Consigne : 60 000 caractères, la limite est de 50 000 (10 000 de trop). Raccourcissez ce texte pour enregistrer : il reste dans l’éditeur et dans votre brouillon.'.replace(
        / (?=\d{3})/g,
        '\u202f',
      ),
    ]);
  });

  it('checks short fields against their own limit, on the field the editor shows', () => {
    const long = 'x'.repeat(SHORT_TEXT_LIMIT + 1);
    const over = fieldsOverLimit(
      body({
        answer: { type: 'QCU', proposals: ['oui', long], correct: 0, shuffle: false },
        illustration: { url: 'https://exemple.fr/a.png', alt: long },
        solutionExplanation: doc('b'.repeat(RICH_TEXT_LIMIT + 5)),
      }),
    );
    expect(over.map((o) => [o.field, o.length, o.limit])).toEqual([
      ['answer.proposals.1', SHORT_TEXT_LIMIT + 1, SHORT_TEXT_LIMIT],
      ['solutionExplanation', RICH_TEXT_LIMIT + 5, RICH_TEXT_LIMIT],
      ['illustration.alt', SHORT_TEXT_LIMIT + 1, SHORT_TEXT_LIMIT],
    ]);
  });
});

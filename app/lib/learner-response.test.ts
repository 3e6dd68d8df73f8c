import { describe, expect, it } from 'vitest';
import { checkAnswer, redactForLearner, responseToOriginal, newChallengeBody, markdownLiteToDoc, type ChallengeBody } from '../../engine/challenges';
import { parseResponseJson, responseFromForm } from './learner-response';

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe('reading the learner form', () => {
  it('turns each type of answer form into the checker’s response', () => {
    expect(responseFromForm({ type: 'QCU', proposals: ['a', 'b'] }, form([['choice', '1']]))).toEqual({ choice: 1 });
    expect(responseFromForm({ type: 'QCU', proposals: ['a', 'b'] }, form([]))).toEqual({ choice: -1 });
    expect(
      responseFromForm(
        { type: 'QCM', proposals: ['a', 'b', 'c'] },
        form([
          ['choices', '0'],
          ['choices', '2'],
        ]),
      ),
    ).toEqual({ choices: [0, 2] });
    expect(responseFromForm({ type: 'QROC', template: null, format: 'mots' }, form([['value', 'Cafe']]))).toEqual({ value: 'Cafe' });
    const fields = [
      { name: 'a', label: 'A', format: 'mots' as const },
      { name: 'b', label: 'B', format: 'mots' as const },
    ];
    expect(responseFromForm({ type: 'QROCM-dep', template: '{{a}} {{b}}', fields }, form([['field.a', 'pdf']]))).toEqual({ values: { a: 'pdf', b: '' } });
  });

  it('maps a choice made on the shuffled preview back to the original proposal before checking', () => {
    const body: ChallengeBody = {
      ...newChallengeBody('QCU', ['x']),
      instruction: markdownLiteToDoc('?'),
      answer: { type: 'QCU', proposals: ['un', 'deux', 'trois', 'quatre', 'cinq'], correct: 3, shuffle: true },
    };
    const { view, permutation } = redactForLearner(body, 'apercu');
    const shown = view.answer.type === 'QCU' ? view.answer.proposals.indexOf('quatre') : -1;
    const response = responseFromForm(view.answer, form([['choice', String(shown)]]));
    expect(checkAnswer(body.answer, responseToOriginal(response, permutation)).result).toBe('ok');
  });

  it('reads a posted response and refuses anything else', () => {
    expect(parseResponseJson('{"value":"café"}')).toEqual({ value: 'café' });
    expect(parseResponseJson('{"values":{"a":"x","b":3}}')).toEqual({ values: { a: 'x' } });
    expect(parseResponseJson('{"choices":[1,"2"]}')).toBeNull();
    expect(parseResponseJson('nope')).toBeNull();
  });
});

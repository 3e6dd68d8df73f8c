import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../engine/challenges';
import { summariseResponse, summariseSolution } from './answer-summary';

const qcm: AnswerSpec = { type: 'QCM', proposals: ['Un', 'Deux', 'Trois', 'Quatre'], correct: [2, 0], shuffle: true };
const dep: AnswerSpec = {
  type: 'QROCM-dep',
  template: '{{a}} {{b}}',
  fields: [
    { name: 'a', label: 'Premier' },
    { name: 'b', label: 'Second' },
  ],
  accepted: [['pdf'], ['odt', 'odf'], ['docx']],
  tolerances: ['T1'],
};

describe('« Réponses et tutoriels » in words', () => {
  it('shows the chosen proposals in their original order, and the right ones', () => {
    expect(summariseResponse(qcm, { choices: [3, 1, 3] }, 'ko')).toEqual({ kind: 'given', timedOut: false, lines: [{ text: 'Deux' }, { text: 'Quatre' }] });
    expect(summariseSolution(qcm)).toEqual({ anyOrder: false, pick: null, lines: [{ text: 'Un' }, { text: 'Trois' }] });
    expect(summariseResponse({ type: 'QCU', proposals: ['A', 'B'], correct: 1, shuffle: false }, { choice: -1 }, 'ko')).toEqual({
      kind: 'given',
      timedOut: false,
      lines: [{ text: null }],
    });
  });

  it('says when a question was skipped or answered late', () => {
    expect(summariseResponse(qcm, { skipped: true }, 'skipped')).toEqual({ kind: 'skipped' });
    expect(summariseResponse({ type: 'QROC', accepted: ['café'], format: 'mots', tolerances: [] }, { value: 'cafe' }, 'timedout')).toEqual({
      kind: 'given',
      timedOut: true,
      lines: [{ text: 'cafe' }],
    });
  });

  it('labels the fields of a QROCM, and gives the accepted answers as alternatives; for a QROCM-dep, two of the groups in any order', () => {
    expect(summariseResponse(dep, { values: { a: 'odt', b: '  ' } }, 'ko')).toEqual({
      kind: 'given',
      timedOut: false,
      lines: [
        { label: 'Premier', text: 'odt' },
        { label: 'Second', text: null },
      ],
    });
    expect(summariseSolution(dep)).toEqual({
      anyOrder: true,
      pick: 2,
      lines: [
        { text: 'pdf', alternatives: [] },
        { text: 'odt', alternatives: ['odf'] },
        { text: 'docx', alternatives: [] },
      ],
    });
  });
});

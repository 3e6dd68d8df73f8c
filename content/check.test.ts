import { describe, expect, it } from 'vitest';
import { validateAnswerSpec, type AnswerSpec } from '../engine/challenges';
import { answerProblem } from './check';

/** Specs broken in as many ways as the answer checker knows, to read every message it gives. */
const BROKEN: unknown[] = [
  { type: 'QCU', proposals: ['a'], correct: 4, shuffle: false },
  { type: 'QCU', proposals: ['a', 'a', ''], correct: 0, shuffle: false },
  { type: 'QCM', proposals: ['a', 'b'], correct: [0, 0, 7], shuffle: false },
  { type: 'QCM', proposals: ['a', 'b'], correct: [0, 1], shuffle: false },
  { type: 'QROC', template: 'x {{a}} {{b}}', accepted: ['', 'douze', 'Oui', 'oui'], format: 'nombre', tolerances: ['T9', 'T1', 'T1'] },
  { type: 'QROC', accepted: ['32/13/2020'], format: 'date', tolerances: 'T1' },
  { type: 'QROC', accepted: [], format: 'roman', tolerances: [] },
  {
    type: 'QROCM-ind',
    template: '{{b}} {{b}} {{zz}}',
    fields: [
      { name: 'a', label: '' },
      { name: 'b', label: 'B' },
      { name: 'b', label: 'B' },
      { name: '1x', label: 'x' },
    ],
    tolerances: [],
  },
  { type: 'QROCM-ind', template: '', fields: [], tolerances: [] },
  { type: 'QROCM-dep', template: '{{a}}', fields: [{ name: 'a', label: 'A', accepted: ['x'] }], accepted: [['mot'], ['mot']], tolerances: [] },
  {
    type: 'QROCM-dep',
    template: '{{a}} {{b}} {{c}}',
    fields: [
      { name: 'a', label: 'A' },
      { name: 'b', label: 'B' },
      { name: 'c', label: 'C' },
    ],
    accepted: [['x']],
    tolerances: [],
  },
  { type: 'QRU' },
];

describe('pack check in English', () => {
  it('gives every message of the answer checker in English (no French left), and keeps the French as it is', () => {
    const messages = BROKEN.flatMap((spec) => validateAnswerSpec(spec as AnswerSpec));
    expect(messages.length).toBeGreaterThan(25);
    const french = /\b(doit|faut|réponse|proposition|modèle|champ|groupe|tolérance|inconnu|vide|deux fois)\b|«/i;
    for (const message of messages) {
      expect(answerProblem(message, 'fr')).toBe(message);
      const english = answerProblem(message, 'en');
      expect(english, `${message} → ${english}`).toMatch(/^answer: /);
      expect(english, `${message} → ${english}`).not.toMatch(french);
    }
  });
});

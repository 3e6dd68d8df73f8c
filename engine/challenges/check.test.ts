import { describe, expect, it } from 'vitest';
import {
  checkAnswer,
  isCorrect,
  parseDate,
  parseNumber,
  redactForLearner,
  responseToOriginal,
  ResponseShapeError,
  templateParts,
  validateAnswerSpec,
} from './index';
import type { AnswerSpec, ChallengeBody, Tolerance } from './index';
import { markdownLiteToDoc } from './richtext';

const qroc = (accepted: string[], tolerances: Tolerance[], format: 'mots' | 'nombre' | 'date' = 'mots'): AnswerSpec => ({
  type: 'QROC',
  accepted,
  format,
  tolerances,
});

describe('QCU and QCM', () => {
  const qcu: AnswerSpec = { type: 'QCU', proposals: ['a', 'b', 'c'], correct: 1, shuffle: false };
  const qcm: AnswerSpec = { type: 'QCM', proposals: ['a', 'b', 'c', 'd'], correct: [0, 2], shuffle: false };

  it('QCU is right only for the right proposal', () => {
    expect(checkAnswer(qcu, { choice: 1 }).result).toBe('ok');
    expect(checkAnswer(qcu, { choice: 0 }).result).toBe('ko');
    expect(checkAnswer(qcu, { choice: 7 }).result).toBe('ko');
  });

  it('QCM is right only when exactly the right proposals are ticked, in any order', () => {
    expect(checkAnswer(qcm, { choices: [2, 0] }).result).toBe('ok');
    expect(checkAnswer(qcm, { choices: [0] }).result).toBe('ko');
    expect(checkAnswer(qcm, { choices: [0, 2, 3] }).result).toBe('ko');
    expect(checkAnswer(qcm, { choices: [] }).result).toBe('ko');
  });

  it('skipped and timed-out answers are reported as such and count as wrong', () => {
    const skipped = checkAnswer(qcu, { skipped: true });
    const timedOut = checkAnswer(qcm, { timedOut: true });
    expect(skipped.result).toBe('skipped');
    expect(timedOut.result).toBe('timedout');
    expect(isCorrect(skipped)).toBe(false);
    expect(isCorrect(timedOut)).toBe(false);
    expect(isCorrect(checkAnswer(qcu, { choice: 1 }))).toBe(true);
  });

  it('a response of the wrong shape is a programming error, not a wrong answer', () => {
    expect(() => checkAnswer(qcu, { value: '1' })).toThrow(ResponseShapeError);
  });
});

describe('QROC tolerances', () => {
  it('"Cafe" is accepted for "café" only with T1, and says T1 made it match', () => {
    expect(checkAnswer(qroc(['café'], []), { value: 'Cafe' }).result).toBe('ko');
    expect(checkAnswer(qroc(['café'], ['T1']), { value: 'Cafe' })).toEqual({ result: 'ok', matchedBy: 'T1', matched: 'café' });
    expect(checkAnswer(qroc(['café'], ['T1']), { value: '  café ' })).toEqual({ result: 'ok', matchedBy: 'exact', matched: 'café' });
  });

  it('T1 ignores every kind of space', () => {
    expect(checkAnswer(qroc(['mot de passe'], ['T1']), { value: 'MotDe\u00a0Passe' }).result).toBe('ok');
  });

  it('T2 ignores punctuation, and reports T2 when punctuation had to be ignored', () => {
    expect(checkAnswer(qroc(['e-mail'], ['T1']), { value: 'email' }).result).toBe('ko');
    expect(checkAnswer(qroc(['e-mail'], ['T1', 'T2']), { value: 'Email' }).matchedBy).toBe('T2');
    expect(checkAnswer(qroc(['l’ordinateur'], ['T1', 'T2']), { value: "l'ordinateur !" }).matchedBy).toBe('T2');
    // T2 alone does not forgive case
    expect(checkAnswer(qroc(['e-mail'], ['T2']), { value: 'EMAIL' }).result).toBe('ko');
    expect(checkAnswer(qroc(['e-mail'], ['T2']), { value: 'email' }).matchedBy).toBe('T2');
  });

  it('T3 allows one typo per four characters of the accepted answer', () => {
    const spec = qroc(['navigateur'], ['T1', 'T2', 'T3']); // 10 characters: 2 typos
    expect(checkAnswer(spec, { value: 'navigatuer' })).toMatchObject({ result: 'ok', matchedBy: 'T3' });
    expect(checkAnswer(spec, { value: 'nvigatuer' }).result).toBe('ko'); // 3 edits
    expect(checkAnswer(qroc(['navigateur'], ['T1']), { value: 'navigatuer' }).result).toBe('ko');
  });

  it('answers shorter than four characters must match exactly after T1/T2 even with T3', () => {
    expect(checkAnswer(qroc(['pdf'], ['T1', 'T3']), { value: 'pdg' }).result).toBe('ko');
    expect(checkAnswer(qroc(['pdf'], ['T1', 'T3']), { value: 'PDF' }).matchedBy).toBe('T1');
    expect(checkAnswer(qroc(['html'], ['T3']), { value: 'htm' }).matchedBy).toBe('T3');
  });

  it('an empty or blank answer is wrong', () => {
    expect(checkAnswer(qroc(['x'], ['T1', 'T2', 'T3']), { value: '' }).result).toBe('ko');
    expect(checkAnswer(qroc(['x'], ['T1', 'T2', 'T3']), { value: '   ' }).result).toBe('ko');
    expect(checkAnswer(qroc(['abcd'], ['T1', 'T2', 'T3']), { value: '?!' }).result).toBe('ko');
  });

  it('any synonym may match, and the verdict says which', () => {
    expect(checkAnswer(qroc(['courriel', 'e-mail'], ['T1']), { value: 'E-Mail' })).toMatchObject({ matched: 'e-mail' });
  });
});

describe('numbers and dates', () => {
  it('"1 000,5" equals 1000.5, with comma or dot decimals', () => {
    expect(parseNumber('1 000,5')).toBe(1000.5);
    expect(parseNumber('1\u202f000,5')).toBe(1000.5);
    expect(checkAnswer(qroc(['1000.5'], [], 'nombre'), { value: '1 000,5' })).toEqual({
      result: 'ok',
      matchedBy: 'number',
      matched: '1000.5',
    });
    expect(checkAnswer(qroc(['443'], [], 'nombre'), { value: '443,0' }).result).toBe('ok');
    expect(checkAnswer(qroc(['-3,5'], [], 'nombre'), { value: '-3.5' }).result).toBe('ok');
  });

  it('rejects trailing garbage and malformed numbers', () => {
    for (const bad of ['12 €', '12abc', '1,2,3', '10 00', '', '1 0000', '--1']) expect(parseNumber(bad)).toBeNull();
    expect(checkAnswer(qroc(['12'], [], 'nombre'), { value: '12 €' }).result).toBe('ko');
    expect(checkAnswer(qroc(['12'], ['T1', 'T2', 'T3'], 'nombre'), { value: '13' }).result).toBe('ko');
  });

  it('compares dates whatever the accepted notation', () => {
    const spec = qroc(['14/07/1789'], [], 'date');
    for (const v of ['14/07/1789', '14/7/1789', '1789-07-14', '14-07-1789']) {
      expect(checkAnswer(spec, { value: v }).result).toBe('ok');
    }
    expect(checkAnswer(spec, { value: '1789-07-14' }).matchedBy).toBe('date');
    expect(checkAnswer(spec, { value: '15/07/1789' }).result).toBe('ko');
    expect(checkAnswer(spec, { value: '07/14/1789' }).result).toBe('ko');
    expect(parseDate('31/02/2024')).toBeNull();
    expect(parseDate('29/02/2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate('29/02/2023')).toBeNull();
  });
});

describe('QROCM', () => {
  const ind: AnswerSpec = {
    type: 'QROCM-ind',
    template: 'Protocole : {{proto}}\nPort : {{port}}',
    fields: [
      { name: 'proto', label: 'Protocole', accepted: ['https'] },
      { name: 'port', label: 'Port', accepted: ['443'], format: 'nombre' },
    ],
    tolerances: ['T1'],
  };
  const dep: AnswerSpec = {
    type: 'QROCM-dep',
    template: '{{a}} {{b}}',
    fields: [
      { name: 'a', label: 'Premier exemple' },
      { name: 'b', label: 'Deuxième exemple' },
    ],
    accepted: [['pdf'], ['odt'], ['docx', 'doc']],
    tolerances: ['T1'],
  };

  it('QROCM-ind is right when every field is right, and tells which field is wrong', () => {
    expect(checkAnswer(ind, { values: { proto: 'HTTPS', port: '443' } })).toMatchObject({
      result: 'ok',
      fields: { proto: true, port: true },
      matchedBy: 'T1',
    });
    expect(checkAnswer(ind, { values: { proto: 'https', port: '80' } })).toMatchObject({
      result: 'ko',
      fields: { proto: true, port: false },
    });
    expect(checkAnswer(ind, { values: { proto: 'https' } }).fields).toEqual({ proto: true, port: false });
  });

  it('QROCM-dep accepts the answers in any order', () => {
    expect(checkAnswer(dep, { values: { a: 'odt', b: 'pdf' } }).result).toBe('ok');
    expect(checkAnswer(dep, { values: { a: 'DOC', b: 'pdf' } }).result).toBe('ok');
  });

  it('QROCM-dep refuses the same answer given twice', () => {
    const v = checkAnswer(dep, { values: { a: 'pdf', b: 'pdf' } });
    expect(v.result).toBe('ko');
    expect(v.fields).toEqual({ a: true, b: false });
    // two synonyms of the same group count once too
    expect(checkAnswer(dep, { values: { a: 'doc', b: 'docx' } }).result).toBe('ko');
  });

  it('QROCM-dep finds the assignment a greedy pass would miss', () => {
    // "pdf" fits both groups; taken greedily by the first group it would leave "portable" nowhere to go.
    const spec: AnswerSpec = {
      type: 'QROCM-dep',
      template: '{{x}} {{y}}',
      fields: [
        { name: 'x', label: 'x' },
        { name: 'y', label: 'y' },
      ],
      accepted: [
        ['pdf', 'portable'],
        ['pdf', 'acrobat'],
      ],
      tolerances: [],
    };
    expect(checkAnswer(spec, { values: { x: 'pdf', y: 'portable' } }).result).toBe('ok');
  });

  it('QROCM-dep reports the most lenient tolerance actually needed', () => {
    const spec: AnswerSpec = { ...dep, tolerances: ['T1', 'T3'], accepted: [['photo'], ['vidéo']] } as AnswerSpec;
    expect(checkAnswer(spec, { values: { a: 'vidéo', b: 'photo' } }).matchedBy).toBe('exact');
    expect(checkAnswer(spec, { values: { a: 'Video', b: 'photo' } }).matchedBy).toBe('T1');
    expect(checkAnswer(spec, { values: { a: 'vidéa', b: 'photo' } }).matchedBy).toBe('T3');
    expect(checkAnswer(spec, { values: { a: '', b: 'photo' } }).result).toBe('ko');
  });
});

describe('templateParts', () => {
  it('splits a template into text and fields for the renderer', () => {
    expect(templateParts('Protocole : {{proto}}\nPort : {{ port }}')).toEqual([
      { kind: 'text', text: 'Protocole : ' },
      { kind: 'field', name: 'proto' },
      { kind: 'text', text: '\nPort : ' },
      { kind: 'field', name: 'port' },
    ]);
    expect(templateParts('{{answer}}')).toEqual([{ kind: 'field', name: 'answer' }]);
    expect(templateParts('pas de champ')).toEqual([{ kind: 'text', text: 'pas de champ' }]);
  });
});

describe('validateAnswerSpec', () => {
  it('accepts the README examples', () => {
    const specs: AnswerSpec[] = [
      { type: 'QCU', proposals: ['a', 'b', 'c'], correct: 1, shuffle: true },
      { type: 'QCM', proposals: ['a', 'b', 'c'], correct: [0, 2], shuffle: true },
      { type: 'QROC', template: 'Réponse : {{answer}}', accepted: ['x', 'y'], format: 'mots', tolerances: ['T1', 'T2'] },
      {
        type: 'QROCM-ind',
        template: 'Protocole : {{proto}}\nPort : {{port}}',
        fields: [
          { name: 'proto', label: 'Protocole', accepted: ['https'] },
          { name: 'port', label: 'Port', accepted: ['443'], format: 'nombre' },
        ],
        tolerances: ['T1'],
      },
      {
        type: 'QROCM-dep',
        template: '{{a}} {{b}}',
        fields: [
          { name: 'a', label: 'Premier exemple' },
          { name: 'b', label: 'Deuxième exemple' },
        ],
        accepted: [['pdf'], ['odt'], ['docx', 'doc']],
        tolerances: ['T1'],
      },
    ];
    for (const s of specs) expect(validateAnswerSpec(s)).toEqual([]);
  });

  it('tells authors what is wrong, in French', () => {
    expect(validateAnswerSpec({ type: 'QCU', proposals: ['a', 'b'], correct: 2, shuffle: false })[0]).toMatch(/proposition/);
    expect(validateAnswerSpec({ type: 'QCM', proposals: ['a', 'b', 'c'], correct: [1], shuffle: false }).join()).toMatch(/au moins deux bonnes réponses/);
    expect(validateAnswerSpec(qroc([], ['T1'])).join()).toMatch(/au moins une réponse acceptée/);
    expect(validateAnswerSpec(qroc(['douze'], [], 'nombre')).join()).toMatch(/n'est pas un nombre/);
    expect(validateAnswerSpec({ ...qroc(['a'], ['T4' as Tolerance]) }).join()).toMatch(/Tolérance inconnue/);
  });

  it('checks that a QROCM template places exactly its fields, once each, with unique names', () => {
    const base = {
      type: 'QROCM-ind' as const,
      fields: [
        { name: 'a', label: 'A', accepted: ['x'] },
        { name: 'b', label: 'B', accepted: ['y'] },
      ],
      tolerances: [] as Tolerance[],
    };
    expect(validateAnswerSpec({ ...base, template: '{{a}}' }).join()).toMatch(/ne place pas .*« b »/);
    expect(validateAnswerSpec({ ...base, template: '{{a}} {{b}} {{c}}' }).join()).toMatch(/« c ».*aucun champ/);
    expect(validateAnswerSpec({ ...base, template: '{{a}} {{b}} {{a}}' }).join()).toMatch(/plusieurs fois/);
    expect(validateAnswerSpec({ ...base, template: '{{a}}', fields: [base.fields[0]!, { ...base.fields[1]!, name: 'a' }] }).join()).toMatch(/en double/);
  });

  it('checks that a QROCM-dep has enough groups and no answer shared by two groups', () => {
    const spec: AnswerSpec = {
      type: 'QROCM-dep',
      template: '{{a}} {{b}} {{c}}',
      fields: [
        { name: 'a', label: 'A' },
        { name: 'b', label: 'B' },
        { name: 'c', label: 'C' },
      ],
      accepted: [['pdf'], ['PDF', 'odt']],
      tolerances: ['T1'],
    };
    const errors = validateAnswerSpec(spec).join('\n');
    expect(errors).toMatch(/autant de groupes de réponses \(2\) que de champs \(3\)/);
    expect(errors).toMatch(/groupes 1 et 2/);
  });
});

describe('redactForLearner', () => {
  const body = (answer: AnswerSpec): ChallengeBody => ({
    instruction: markdownLiteToDoc('Quel format ouvert convient ?'),
    alternativeInstruction: null,
    answer,
    solutionExplanation: markdownLiteToDoc('Le **secret-explication** est ici.'),
    illustration: { url: '/img/a.png', alt: 'Une image' },
    attachments: [],
    embed: null,
    timer: 60,
    focused: false,
    locales: ['fr-fr'],
    accessibility: { blind: 'OK', colorBlind: 'OK' },
    pedagogy: 'q-situation',
    authors: ['auteur-secret'],
  });

  it('sends no accepted answer, no right index and no solution to the browser', () => {
    const specs: AnswerSpec[] = [
      { type: 'QROC', template: 'Réponse : {{answer}}', accepted: ['zebre-accepte'], format: 'mots', tolerances: ['T1'] },
      {
        type: 'QROCM-ind',
        template: '{{a}}',
        fields: [{ name: 'a', label: 'Champ', accepted: ['girafe-acceptee'] }],
        tolerances: [],
      },
      {
        type: 'QROCM-dep',
        template: '{{a}} {{b}}',
        fields: [
          { name: 'a', label: 'A' },
          { name: 'b', label: 'B' },
        ],
        accepted: [['lion-accepte'], ['tigre-accepte']],
        tolerances: [],
      },
    ];
    for (const spec of specs) {
      const json = JSON.stringify(redactForLearner(body(spec), 'seed').view);
      for (const secret of ['zebre-accepte', 'girafe-acceptee', 'lion-accepte', 'tigre-accepte', 'secret-explication', 'auteur-secret']) {
        expect(json).not.toContain(secret);
      }
      expect(json).not.toMatch(/"(correct|accepted|tolerances|solutionExplanation)"/);
    }
  });

  it('shuffles proposals the same way for the same seed, and maps answers back on the server', () => {
    const spec: AnswerSpec = { type: 'QCU', proposals: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'], correct: 4, shuffle: true };
    const a = redactForLearner(body(spec), 'learner-1/challenge-9');
    const b = redactForLearner(body(spec), 'learner-1/challenge-9');
    expect(a).toEqual(b);
    expect(a.permutation).not.toBeNull();
    const shown = a.view.answer.type === 'QCU' ? a.view.answer.proposals : [];
    expect([...shown].sort()).toEqual(spec.proposals);
    expect(JSON.stringify(a.view)).not.toMatch(/"correct"/);

    // The learner clicks where "p4" is displayed; the server maps it back and finds it right.
    const displayed = shown.indexOf('p4');
    const original = responseToOriginal({ choice: displayed }, a.permutation);
    expect(checkAnswer(spec, original).result).toBe('ok');

    // Some seed gives another order than the original one.
    const orders = new Set(['s1', 's2', 's3', 's4', 's5'].map((s) => redactForLearner(body(spec), s).permutation?.join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('keeps the authored order when shuffle is off', () => {
    const spec: AnswerSpec = { type: 'QCM', proposals: ['a', 'b', 'c'], correct: [0, 1], shuffle: false };
    const r = redactForLearner(body(spec), 'x');
    expect(r.permutation).toBeNull();
    expect(r.view.answer).toEqual({ type: 'QCM', proposals: ['a', 'b', 'c'] });
  });
});

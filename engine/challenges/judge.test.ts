import { describe, expect, it } from 'vitest';
import { markdownLiteToDoc, newChallengeBody, redactForLearner, ResponseShapeError, type ChallengeBody } from './index';
import { answeredAfterTimer, checkResponseSize, judgeAnswer, MAX_ANSWER_CHARS, OversizedResponseError, TIMER_GRACE_SECONDS } from './judge';

const T0 = new Date('2026-03-02T10:00:00Z');
const after = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function qcu(timer: number | null): ChallengeBody {
  return {
    ...newChallengeBody('QCU', ['Tests']),
    instruction: markdownLiteToDoc('Quelle extension désigne une image ?'),
    answer: { type: 'QCU', proposals: ['.png', '.docx', '.mp3', '.odt'], correct: 0, shuffle: true },
    timer,
  };
}

/** The displayed index of the right proposal for a shuffle seed. */
function shownIndexOfRight(body: ChallengeBody, seed: string): number {
  const { view } = redactForLearner(body, seed);
  if (view.answer.type !== 'QCU') throw new Error('QCU expected');
  return view.answer.proposals.indexOf('.png');
}

describe('judging an answer', () => {
  it('reads the choice in the order the learner saw and stores it in the body’s order', () => {
    const body = qcu(null);
    const seed = 'assessment-1:challenge-1';
    const shown = shownIndexOfRight(body, seed);
    const judged = judgeAnswer({ body, presentation: { shuffleSeed: seed, permutation: null }, response: { choice: shown }, askedAt: T0, now: after(12.4) });
    expect(judged).toEqual({ response: { choice: 0 }, result: 'ok', elapsedSeconds: 12 });
    const wrong = judgeAnswer({
      body,
      presentation: { shuffleSeed: seed, permutation: null },
      response: { choice: (shown + 1) % 4 },
      askedAt: T0,
      now: after(3),
    });
    expect(wrong.result).toBe('ko');
  });

  it('uses the permutation stored when the challenge was asked, even if the shuffle would now differ', () => {
    const body = qcu(null);
    // Stored permutation: displayed i is original [3, 2, 1, 0][i].
    const judged = judgeAnswer({ body, presentation: { shuffleSeed: 'any', permutation: [3, 2, 1, 0] }, response: { choice: 3 }, askedAt: T0, now: after(1) });
    expect(judged.response).toEqual({ choice: 0 });
    expect(judged.result).toBe('ok');
  });

  it('reads a response from the public view the learner was shown', () => {
    const body = qcu(null);
    const judged = judgeAnswer({
      body,
      presentation: { shuffleSeed: 's', permutation: null },
      response: (answer) => ({ choice: answer.type === 'QCU' ? answer.proposals.indexOf('.png') : -1 }),
      askedAt: T0,
      now: after(1),
    });
    expect(judged.result).toBe('ok');
  });

  it('counts a right answer after the timer and its grace as timed out, not one within the grace', () => {
    const body = qcu(30);
    const seed = 'a:b';
    const right = { choice: shownIndexOfRight(body, seed) };
    const judge = (seconds: number) =>
      judgeAnswer({ body, presentation: { shuffleSeed: seed, permutation: null }, response: right, askedAt: T0, now: after(seconds) }).result;
    expect(judge(30 + TIMER_GRACE_SECONDS)).toBe('ok');
    expect(judge(30 + TIMER_GRACE_SECONDS + 1)).toBe('timedout');
    // A skip stays a skip whenever it comes.
    expect(
      judgeAnswer({ body, presentation: { shuffleSeed: seed, permutation: null }, response: { skipped: true }, askedAt: T0, now: after(500) }).result,
    ).toBe('skipped');
  });

  it('never counts an untimed challenge as late, and clamps a clock that went backwards to 0 s', () => {
    expect(answeredAfterTimer(null, 10 ** 9)).toBe(false);
    expect(answeredAfterTimer(undefined, 10 ** 9)).toBe(false);
    const judged = judgeAnswer({
      body: qcu(null),
      presentation: { shuffleSeed: 's', permutation: null },
      response: { skipped: true },
      askedAt: T0,
      now: after(-5),
    });
    expect(judged.elapsedSeconds).toBe(0);
  });

  it('refuses a response of the wrong shape', () => {
    expect(() =>
      judgeAnswer({ body: qcu(null), presentation: { shuffleSeed: 's', permutation: null }, response: { value: 'png' }, askedAt: T0, now: after(1) }),
    ).toThrow(ResponseShapeError);
  });
});

describe('oversized responses', () => {
  const judge = (body: ChallengeBody, response: Parameters<typeof judgeAnswer>[0]['response']) =>
    judgeAnswer({ body, presentation: { shuffleSeed: 's', permutation: null }, response, askedAt: T0, now: after(3) });
  const refusal = (fn: () => unknown): unknown[] | null => {
    try {
      fn();
    } catch (error) {
      return error instanceof OversizedResponseError ? [error.reason, error.limit, error.message] : [error];
    }
    return null;
  };
  const qroc: ChallengeBody = {
    ...newChallengeBody('QROC', ['Tests']),
    answer: { type: 'QROC', accepted: ['png'], format: 'mots', tolerances: [] },
  };
  const qcm: ChallengeBody = {
    ...newChallengeBody('QCM', ['Tests']),
    answer: { type: 'QCM', proposals: ['a', 'b', 'c'], correct: [0, 1], shuffle: false },
  };

  it('refuses a text over MAX_ANSWER_CHARS with a French message, accepts one at the limit', () => {
    expect(refusal(() => judge(qroc, { value: 'x'.repeat(MAX_ANSWER_CHARS + 1) }))).toEqual([
      'text',
      10_000,
      'Réponse trop longue : 10\u202f000 caractères au plus par champ.',
    ]);
    expect(judge(qroc, { value: 'x'.repeat(MAX_ANSWER_CHARS) }).result).toBe('ko');
  });

  it('refuses more choices than proposals, also when read from the form', () => {
    expect(refusal(() => judge(qcm, { choices: [0, 1, 2, 0] }))).toEqual(['choices', 3, 'Trop de choix : 3 propositions au plus.']);
    expect(refusal(() => judge(qcm, () => ({ choices: Array.from({ length: 10_000 }, () => 0) })))?.[0]).toBe('choices');
    expect(judge(qcm, { choices: [0, 1] }).result).toBe('ok');
  });

  it('refuses more fields than the challenge has, and a field over the limit', () => {
    const qrocm: ChallengeBody = {
      ...newChallengeBody('QROCM-ind', ['Tests']),
      answer: {
        type: 'QROCM-ind',
        template: '{{a}} {{b}}',
        fields: [
          { name: 'a', label: 'A', accepted: ['1'] },
          { name: 'b', label: 'B', accepted: ['2'] },
        ],
        tolerances: [],
      },
    };
    expect(() => checkResponseSize(qrocm.answer, { values: { a: '1', b: '2', c: '3' } })).toThrow(OversizedResponseError);
    expect(() => checkResponseSize(qrocm.answer, { values: { a: 'y'.repeat(MAX_ANSWER_CHARS + 1) } })).toThrow(/Réponse trop longue/);
    expect(() => checkResponseSize(qrocm.answer, { values: { a: '1', b: '2' } })).not.toThrow();
    expect(() => checkResponseSize(qrocm.answer, { skipped: true })).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { markdownLiteToDoc, newChallengeBody, redactForLearner, ResponseShapeError, type ChallengeBody } from './index';
import { answeredAfterTimer, judgeAnswer, TIMER_GRACE_SECONDS } from './judge';

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

/**
 * Judging a learner's answer to an asked challenge: the one rule every kind of test applies (positioning,
 * campaign, certification). The response arrives with proposal indices as the learner saw them (shuffled
 * with the seed the challenge was asked with); it is turned back into the body's order, checked against
 * the answer specification, and an answer that came after the challenge's timer (plus a grace for the
 * network and a slow click) counts as timed out. Pure: the caller passes the clock in.
 */
import { checkAnswer, redactForLearner, responseToOriginal, type LearnerResponse, type PublicAnswer, type Verdict } from './check';
import type { ChallengeBody } from './model';

export type AnswerResult = Verdict['result'];

/** Seconds allowed after a challenge's timer runs out before an answer counts as timed out. */
export const TIMER_GRACE_SECONDS = 5;

/** How the challenge was shown: the shuffle seed and the permutation it gave (null: not shuffled, or unknown). */
export interface AskedPresentation {
  shuffleSeed: string;
  permutation: number[] | null;
}

export interface AnswerToJudge {
  body: ChallengeBody;
  presentation: AskedPresentation;
  /**
   * The response with indices as displayed, or a function that reads it from the public view the learner
   * was shown (e.g. from a posted form).
   */
  response: LearnerResponse | ((answer: PublicAnswer) => LearnerResponse);
  askedAt: Date;
  now: Date;
}

export interface JudgedAnswer {
  /** The response in the body's own order: what is stored. */
  response: LearnerResponse;
  result: AnswerResult;
  /** Whole seconds between the question and the answer (never negative). */
  elapsedSeconds: number;
}

/** Whether an answer given `elapsedMs` after the question was asked is too late for a timer of `timerSeconds`. */
export function answeredAfterTimer(timerSeconds: number | null | undefined, elapsedMs: number): boolean {
  if (timerSeconds === null || timerSeconds === undefined) return false;
  return elapsedMs > (timerSeconds + TIMER_GRACE_SECONDS) * 1000;
}

/**
 * The verdict on an answer. Throws ResponseShapeError when the response does not fit the challenge's
 * type (the caller refuses it: nothing is stored).
 */
export function judgeAnswer(input: AnswerToJudge): JudgedAnswer {
  const { body, presentation } = input;
  const shown = redactForLearner(body, presentation.shuffleSeed);
  const displayed = typeof input.response === 'function' ? input.response(shown.view.answer) : input.response;
  const response = responseToOriginal(displayed, presentation.permutation ?? shown.permutation);
  const checked = checkAnswer(body.answer, response).result;
  const elapsedMs = input.now.getTime() - input.askedAt.getTime();
  const result: AnswerResult = checked !== 'skipped' && answeredAfterTimer(body.timer, elapsedMs) ? 'timedout' : checked;
  return { response, result, elapsedSeconds: Math.max(0, Math.round(elapsedMs / 1000)) };
}

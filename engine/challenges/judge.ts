/**
 * Judging a learner's answer to an asked challenge: the one rule every kind of test applies (positioning,
 * campaign, certification). The response arrives with proposal indices as the learner saw them (shuffled
 * with the seed the challenge was asked with); it is turned back into the body's order, checked against
 * the answer specification, and an answer that came after the challenge's timer (plus a grace for the
 * network and a slow click) counts as timed out. Pure: the caller passes the clock in.
 *
 * Oversized responses are refused before anything else (OversizedResponseError): a text field longer than
 * MAX_ANSWER_CHARS, more choices than proposals, more fields than the challenge has.
 */
import { checkAnswer, redactForLearner, responseToOriginal, type LearnerResponse, type PublicAnswer, type Verdict } from './check';
import type { AnswerSpec, ChallengeBody } from './model';

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

/** The longest text accepted in one answer field (UTF-16 code units, what String.length counts). */
export const MAX_ANSWER_CHARS = 10_000;

export type OversizedReason = 'text' | 'choices' | 'fields';

/** A response too large to be an honest answer: refused whole, nothing of it is stored. */
export class OversizedResponseError extends Error {
  constructor(
    readonly reason: OversizedReason,
    readonly limit: number,
  ) {
    super(
      reason === 'text'
        ? `Réponse trop longue : ${limit.toLocaleString('fr-FR')} caractères au plus par champ.`
        : reason === 'choices'
          ? `Trop de choix : ${limit} proposition${limit > 1 ? 's' : ''} au plus.`
          : `Trop de champs : ${limit} au plus.`,
    );
    this.name = 'OversizedResponseError';
  }
}

/**
 * Throws OversizedResponseError when the response is larger than the challenge allows. Shapes that do
 * not fit the type are left to checkAnswer (ResponseShapeError).
 */
export function checkResponseSize(spec: AnswerSpec, response: LearnerResponse): void {
  if ('value' in response && typeof response.value === 'string' && response.value.length > MAX_ANSWER_CHARS)
    throw new OversizedResponseError('text', MAX_ANSWER_CHARS);
  if ('choices' in response && Array.isArray(response.choices)) {
    const proposals = spec.type === 'QCM' || spec.type === 'QCU' ? spec.proposals.length : 0;
    if (response.choices.length > proposals) throw new OversizedResponseError('choices', proposals);
  }
  if ('values' in response && response.values !== null && typeof response.values === 'object') {
    const entries = Object.values(response.values as Record<string, unknown>);
    const fields = spec.type === 'QROCM-ind' || spec.type === 'QROCM-dep' ? spec.fields.length : 0;
    if (entries.length > fields) throw new OversizedResponseError('fields', fields);
    if (entries.some((v) => typeof v === 'string' && v.length > MAX_ANSWER_CHARS)) throw new OversizedResponseError('text', MAX_ANSWER_CHARS);
  }
}

/**
 * The verdict on an answer. Throws OversizedResponseError when the response is too large and
 * ResponseShapeError when it does not fit the challenge's type (the caller refuses it: nothing is stored).
 */
export function judgeAnswer(input: AnswerToJudge): JudgedAnswer {
  const { body, presentation } = input;
  const shown = redactForLearner(body, presentation.shuffleSeed);
  const displayed = typeof input.response === 'function' ? input.response(shown.view.answer) : input.response;
  checkResponseSize(body.answer, displayed);
  const response = responseToOriginal(displayed, presentation.permutation ?? shown.permutation);
  const checked = checkAnswer(body.answer, response).result;
  const elapsedMs = input.now.getTime() - input.askedAt.getTime();
  const result: AnswerResult = checked !== 'skipped' && answeredAfterTimer(body.timer, elapsedMs) ? 'timedout' : checked;
  return { response, result, elapsedSeconds: Math.max(0, Math.round(elapsedMs / 1000)) };
}

/**
 * Refusals of the learner's tests (positioning and campaign tests), with the HTTP status a route answers
 * and, for the delays, when the action becomes possible. Routes turn the code into a message in the
 * learner's language (app/lib/learner.server.ts).
 */
export type PositioningErrorCode =
  | 'unknown_competence'
  | 'no_release'
  | 'no_content'
  | 'nothing_to_improve'
  | 'not_found'
  | 'not_asked'
  | 'aborted'
  | 'bad_response'
  | 'response_too_large'
  | 'too_early_improve'
  | 'too_early_reset'
  | 'nothing_to_reset';

const STATUS: Record<PositioningErrorCode, number> = {
  unknown_competence: 404,
  no_release: 409,
  no_content: 409,
  nothing_to_improve: 409,
  not_found: 404,
  not_asked: 403,
  aborted: 409,
  bad_response: 400,
  response_too_large: 413,
  too_early_improve: 409,
  too_early_reset: 409,
  nothing_to_reset: 409,
};

/** A refusal the learner is told about. */
export class PositioningError extends Error {
  readonly status: number;
  constructor(
    readonly code: PositioningErrorCode,
    /** For the delays: when the action becomes possible. */
    readonly availableAt: Date | null = null,
  ) {
    super(code);
    this.name = 'PositioningError';
    this.status = STATUS[code];
  }
}

/**
 * The time limit of a certification test: the session's duration plus the candidate's extra time, counted
 * from the candidate's start. Pure: the server passes the clock in and enforces the answer.
 */
import { DEFAULT_DURATION_MINUTES, type TimeLeftInput } from './types';

function millis(t: number | Date): number {
  const v = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(v)) throw new RangeError('certification time: bad instant');
  return v;
}

/** Allowed duration in milliseconds: duration × (1 + extra % / 100). */
export function certificationAllowedMs(durationMinutes = DEFAULT_DURATION_MINUTES, extraTimePercentage = 0): number {
  if (!(durationMinutes > 0) || !Number.isFinite(durationMinutes)) throw new RangeError(`certification time: bad duration ${durationMinutes}`);
  if (!(extraTimePercentage >= 0) || !Number.isFinite(extraTimePercentage)) {
    throw new RangeError(`certification time: bad extra time ${extraTimePercentage}`);
  }
  return Math.round(durationMinutes * 60_000 * (1 + extraTimePercentage / 100));
}

/** The instant (epoch ms) after which no answer is accepted. */
export function certificationDeadline(input: Omit<TimeLeftInput, 'now'>): number {
  return millis(input.startedAt) + certificationAllowedMs(input.durationMinutes, input.extraTimePercentage);
}

/** Whole seconds left (rounded down, never negative); 0 means the time is up. */
export function certificationTimeLeft(input: TimeLeftInput): number {
  const left = certificationDeadline(input) - millis(input.now);
  return left > 0 ? Math.floor(left / 1000) : 0;
}

/** Seconds accepted after the deadline (network, a slow click) before an answer is refused as late. */
export const DEADLINE_GRACE_SECONDS = 10;

/** Whether the test's time is up for good at `now`: past the deadline and its grace (answers are refused, the test ends). */
export function certificationTimeIsUp(input: TimeLeftInput): boolean {
  return millis(input.now) > certificationDeadline(input) + DEADLINE_GRACE_SECONDS * 1000;
}

/**
 * What a learner is scored on in a challenge body: the statement (instruction and its alternative),
 * the answer (type, proposals, answer key, tolerances) and the timer. A new version that changes any of
 * them measures something else: parameters calibrated on the old version no longer apply to it
 * (docs/decisions/020-content-lifecycle.md).
 */
import type { ChallengeBody } from './model';

export const SCORED_FIELDS = ['instruction', 'alternativeInstruction', 'type', 'answer', 'timer'] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The scored fields that differ between two bodies (empty: the difficulty cannot have changed by content). */
export function scoringChanges(before: ChallengeBody, after: ChallengeBody): ScoredField[] {
  const out: ScoredField[] = [];
  if (!same(before.instruction, after.instruction)) out.push('instruction');
  if (!same(before.alternativeInstruction, after.alternativeInstruction)) out.push('alternativeInstruction');
  if (before.answer.type !== after.answer.type) out.push('type');
  else if (!same(before.answer, after.answer)) out.push('answer');
  if ((before.timer ?? null) !== (after.timer ?? null)) out.push('timer');
  return out;
}

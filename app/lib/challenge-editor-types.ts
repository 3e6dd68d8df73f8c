/** What the challenge editor's action returns to the page, shared by the editor routes and components. */
import type { Attachment, ChallengeBody, FieldChange, FieldErrors, MergeField, Verdict } from '../../engine/challenges';

export interface ConflictInfo {
  baseNumber: number;
  current: { number: number; author: string | null; createdAt: string; message: string };
  theirs: FieldChange[];
  mine: FieldChange[];
  /** Field-level merge: fields taken from each side, and the fields both changed (asked). */
  fromTheirs: { field: MergeField; label: string }[];
  fromMine: { field: MergeField; label: string }[];
  conflicts: { field: MergeField; label: string; theirs: FieldChange[]; mine: FieldChange[] }[];
  /** The automatic merge, where merging by hand starts. */
  merged: ChallengeBody;
  /** The author's side, posted back with the choices. */
  mineBody: ChallengeBody;
  /** Fields both changed that the last merge attempt left without a choice. */
  missingChoices: MergeField[];
  /** The version message the author had typed (kept for the merge). */
  ownMessage: string;
}

export type EditorActionData =
  | { intent: 'save'; errors: FieldErrors }
  | { intent: 'save'; conflict: ConflictInfo }
  | { intent: 'autosave'; savedAt: string | null; error?: string }
  | { intent: 'try'; verdict: Verdict }
  | { intent: 'try'; error: string }
  | { intent: 'upload'; attachment: Attachment }
  | { intent: 'upload'; error: string };

/** The seed of the preview's shuffle: the same order on the page and at the server's check. */
export const PREVIEW_SEED = 'apercu';

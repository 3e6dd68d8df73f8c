/** What the challenge editor's action returns to the page, shared by the editor routes and components. */
import type { Attachment, FieldChange, FieldErrors, Verdict } from '../../engine/challenges';

export interface ConflictInfo {
  baseNumber: number;
  current: { number: number; author: string | null; createdAt: string; message: string };
  theirs: FieldChange[];
  mine: FieldChange[];
}

export type EditorActionData =
  | { intent: 'save'; errors: FieldErrors }
  | { intent: 'save'; conflict: ConflictInfo }
  | { intent: 'autosave'; savedAt: string | null }
  | { intent: 'try'; verdict: Verdict }
  | { intent: 'try'; error: string }
  | { intent: 'upload'; attachment: Attachment }
  | { intent: 'upload'; error: string };

/** The seed of the preview's shuffle: the same order on the page and at the server's check. */
export const PREVIEW_SEED = 'apercu';

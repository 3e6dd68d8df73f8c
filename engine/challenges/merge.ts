/**
 * Three-way merge of challenge bodies, field by field, for a save refused because someone else saved
 * since the version the author opened. Against that base version: a field changed by one side only is
 * taken from that side; a field changed by both sides to different values is a conflict, settled by the
 * author's choice (keep mine, take theirs). The answer (type, proposals, right answers…) is one field: its
 * parts only make sense together. Pure functions.
 */
import type { ChallengeBody } from './model';

/** The fields a merge works on, in editor order, with what authors read. */
export const MERGE_FIELDS = [
  ['instruction', 'Consigne'],
  ['alternativeInstruction', 'Consigne alternative'],
  ['answer', 'Réponse attendue'],
  ['solutionExplanation', 'Explication de la solution'],
  ['illustration', 'Illustration'],
  ['attachments', 'Pièces jointes'],
  ['embed', 'Page intégrée'],
  ['timer', 'Minuteur'],
  ['focused', 'Mode focus'],
  ['locales', 'Langues'],
  ['accessibility', 'Accessibilité'],
  ['pedagogy', 'Pédagogie'],
  ['authors', 'Auteurs'],
] as const satisfies readonly (readonly [keyof ChallengeBody, string])[];

export type MergeField = (typeof MERGE_FIELDS)[number][0];
export type MergeChoice = 'mine' | 'theirs';

export function isMergeField(value: string): value is MergeField {
  return MERGE_FIELDS.some(([f]) => f === value);
}

export function mergeFieldLabel(field: MergeField): string {
  return MERGE_FIELDS.find(([f]) => f === field)![1];
}

/** Same JSON value, whatever the order of object keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameValue(ra[k], rb[k]));
}

export interface MergeResult {
  /** The merged body: unresolved conflicts keep the author's value. */
  body: ChallengeBody;
  /** Fields only the other person changed (taken from their version). */
  fromTheirs: MergeField[];
  /** Fields only the author changed (taken from the author's version). */
  fromMine: MergeField[];
  /** Fields both changed to different values, whether a choice settles them or not. */
  conflicts: MergeField[];
  /** Conflicts without a choice yet. */
  unresolved: MergeField[];
}

/**
 * Merges the author's body (`mine`) and the current version (`theirs`), both written from `base`.
 * `choices` settles conflicting fields; a choice on a field that is not in conflict is ignored.
 */
export function mergeBodies(
  base: ChallengeBody,
  mine: ChallengeBody,
  theirs: ChallengeBody,
  choices: Partial<Record<MergeField, MergeChoice>> = {},
): MergeResult {
  const body = { ...theirs } as Record<MergeField, unknown>;
  const result: Omit<MergeResult, 'body'> = { fromTheirs: [], fromMine: [], conflicts: [], unresolved: [] };
  for (const [field] of MERGE_FIELDS) {
    const changedByMe = !sameValue(base[field], mine[field]);
    const changedByThem = !sameValue(base[field], theirs[field]);
    if (changedByMe && changedByThem && !sameValue(mine[field], theirs[field])) {
      result.conflicts.push(field);
      const choice = choices[field];
      if (!choice) result.unresolved.push(field);
      body[field] = choice === 'theirs' ? theirs[field] : mine[field];
    } else if (changedByMe) {
      result.fromMine.push(field);
      body[field] = mine[field];
    } else {
      if (changedByThem) result.fromTheirs.push(field);
      body[field] = theirs[field];
    }
  }
  return { body: body as unknown as ChallengeBody, ...result };
}

/**
 * The message of a merged version: says it merges both, and keeps the other version's message.
 * `own` is the author's message (may be empty).
 */
export function mergeMessage(input: { own: string; theirs: { number: number; author: string | null; message: string }; baseNumber: number }): string {
  const who = input.theirs.author ? ` de ${input.theirs.author}` : '';
  const their = input.theirs.message.trim() ? ` (« ${input.theirs.message.trim()} »)` : '';
  const own = input.own.trim() ? ` : ${input.own.trim()}` : '';
  return `Fusion de mes modifications depuis la version ${input.baseNumber} avec la version ${input.theirs.number}${who}${their}${own}`.slice(0, 1000);
}

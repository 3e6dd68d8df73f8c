/**
 * Settling a save conflict by a field-level three-way merge (engine/challenges/merge.ts): the version the
 * author opened is the base, their body is "mine", the current version is "theirs". Fields changed by one
 * side only are taken from it; only fields both changed are asked. The merged body is saved through
 * saveChallenge, as any save, on top of the current version.
 */
import type { PrismaClient } from '../../prisma/client';
import {
  diffBodies,
  mergeBodies,
  mergeFieldLabel,
  mergeMessage,
  sanitizeBody,
  validateChallengeBody,
  type ChallengeBody,
  type FieldChange,
  type FieldErrors,
  type MergeChoice,
  type MergeField,
} from '../../engine/challenges';
import { storedBodyOf } from './challenge-body.server';
import { saveChallenge } from './challenge.server';

export interface MergeConflictField {
  field: MergeField;
  label: string;
  /** What the other person changed in this field, and what the author changed. */
  theirs: FieldChange[];
  mine: FieldChange[];
}

export interface ConflictDetails {
  baseNumber: number;
  current: { number: number; author: string | null; createdAt: Date; message: string };
  /** Every change of each side since the base. */
  theirs: FieldChange[];
  mine: FieldChange[];
  /** Fields taken automatically from each side. */
  fromTheirs: { field: MergeField; label: string }[];
  fromMine: { field: MergeField; label: string }[];
  /** Fields both changed: the author chooses. */
  conflicts: MergeConflictField[];
  /** The automatic merge (conflicting fields as the author wrote them): where "merge by hand" starts. */
  merged: ChallengeBody;
  /** The author's side of this conflict (what a merge posts back with the choices). */
  mineBody: ChallengeBody;
}

const inField = (field: MergeField) => (c: FieldChange) => c.key === field || c.key.startsWith(`${field}.`);

async function versionRow(client: PrismaClient, challengeId: string, number: number) {
  return client.challengeVersion.findUnique({
    where: { challengeId_number: { challengeId, number } },
    include: { author: { select: { firstName: true, lastName: true } } },
  });
}

/** The conflict between the author's body, written from version `baseNumber`, and the current version; null when there is no current version. */
export async function conflictDetails(
  client: PrismaClient,
  input: { challengeId: string; baseNumber: number; mine: ChallengeBody },
): Promise<ConflictDetails | null> {
  const challenge = await client.challenge.findUnique({ where: { id: input.challengeId }, select: { currentVersion: { select: { number: true } } } });
  if (!challenge?.currentVersion) return null;
  const [currentRow, baseRow] = await Promise.all([
    versionRow(client, input.challengeId, challenge.currentVersion.number),
    versionRow(client, input.challengeId, input.baseNumber),
  ]);
  if (!currentRow) return null;
  const theirsBody = storedBodyOf(currentRow);
  const baseBody = baseRow ? storedBodyOf(baseRow) : theirsBody;
  const merge = mergeBodies(baseBody, input.mine, theirsBody);
  const theirs = diffBodies(baseBody, theirsBody);
  const mine = diffBodies(baseBody, input.mine);
  return {
    baseNumber: input.baseNumber,
    current: {
      number: currentRow.number,
      author: currentRow.author ? `${currentRow.author.firstName} ${currentRow.author.lastName}` : null,
      createdAt: currentRow.createdAt,
      message: currentRow.message,
    },
    theirs,
    mine,
    fromTheirs: merge.fromTheirs.map((field) => ({ field, label: mergeFieldLabel(field) })),
    fromMine: merge.fromMine.map((field) => ({ field, label: mergeFieldLabel(field) })),
    conflicts: merge.conflicts.map((field) => ({
      field,
      label: mergeFieldLabel(field),
      theirs: theirs.filter(inField(field)),
      mine: mine.filter(inField(field)),
    })),
    merged: merge.body,
    mineBody: input.mine,
  };
}

export type MergeOutcome =
  | { kind: 'saved'; number: number }
  /** Someone saved again, or a field both changed has no choice yet: the conflict to show. */
  | { kind: 'conflict'; details: ConflictDetails; missingChoices: MergeField[] }
  /** The merged body breaks a rule (each side was valid alone): what to fix, by field. */
  | { kind: 'invalid'; errors: FieldErrors };

/**
 * Merges the author's body with the current version (`currentNumber`, the one the conflict showed) and saves
 * the result as a new version whose message says it is a merge and keeps the other version's message.
 */
export async function mergeAndSave(
  client: PrismaClient,
  input: {
    challengeId: string;
    userId: string;
    mine: ChallengeBody;
    baseNumber: number;
    currentNumber: number;
    choices: Partial<Record<MergeField, MergeChoice>>;
    message: string;
  },
): Promise<MergeOutcome> {
  const details = await conflictDetails(client, { challengeId: input.challengeId, baseNumber: input.baseNumber, mine: input.mine });
  if (!details) return { kind: 'invalid', errors: { form: ['Épreuve introuvable.'] } };
  if (details.current.number !== input.currentNumber) return { kind: 'conflict', details, missingChoices: [] };
  const [baseRow, currentRow] = await Promise.all([
    versionRow(client, input.challengeId, input.baseNumber),
    versionRow(client, input.challengeId, input.currentNumber),
  ]);
  const theirsBody = storedBodyOf(currentRow!);
  const merge = mergeBodies(baseRow ? storedBodyOf(baseRow) : theirsBody, input.mine, theirsBody, input.choices);
  if (merge.unresolved.length > 0) return { kind: 'conflict', details, missingChoices: merge.unresolved };
  const errors = validateChallengeBody(merge.body);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const outcome = await saveChallenge(client, {
    challengeId: input.challengeId,
    userId: input.userId,
    body: sanitizeBody(merge.body),
    message: mergeMessage({ own: input.message, theirs: details.current, baseNumber: input.baseNumber }),
    baseVersionNumber: input.currentNumber,
  });
  if (outcome.kind === 'saved') return { kind: 'saved', number: outcome.number };
  // Someone saved between our reading and the save: the merged body is in the draft; show the new conflict.
  const again = await conflictDetails(client, { challengeId: input.challengeId, baseNumber: input.currentNumber, mine: merge.body });
  return again ? { kind: 'conflict', details: again, missingChoices: [] } : { kind: 'invalid', errors: { form: ['Épreuve introuvable.'] } };
}

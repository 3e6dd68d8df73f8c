/**
 * Joining a campaign: which row of the organisation's imported class list is the learner. The rows not
 * yet linked to an account are matched on first and last name (case, accents and spacing folded) and
 * birth date; then, where the organisation checks it (higher education) or where the name and birth
 * date fit several rows, the student number decides. No row: the learner is not on the list (a new row
 * is made, as before any import). A row matched once is linked, so the teacher never sees the pupil twice.
 */
import { sameName } from './class-list';

export interface ClassListCandidate {
  id: string;
  firstName: string;
  lastName: string;
  /** yyyy-mm-dd, or null when the list gave none. */
  birthDate: string | null;
  studentNumber: string | null;
}

export interface JoinIdentity {
  firstName: string;
  lastName: string;
  /** yyyy-mm-dd: the account's, or what the learner typed when asked. */
  birthDate: string | null;
  studentNumber: string | null;
}

export type ClassListMatch =
  | { kind: 'matched'; id: string }
  | { kind: 'none' }
  | { kind: 'birth_date_needed' }
  | { kind: 'birth_date_wrong' }
  | { kind: 'student_number_needed' }
  | { kind: 'student_number_wrong' };

const sameNumber = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

export function matchClassList(
  rows: readonly ClassListCandidate[],
  who: JoinIdentity,
  { checkStudentNumber }: { checkStudentNumber: boolean },
): ClassListMatch {
  const named = rows.filter((r) => sameName(r.firstName, who.firstName) && sameName(r.lastName, who.lastName));
  if (named.length === 0) return { kind: 'none' };
  const dated = named.filter((r) => r.birthDate !== null);
  let candidates: readonly ClassListCandidate[];
  if (dated.length === 0) candidates = named;
  else if (who.birthDate === null) return { kind: 'birth_date_needed' };
  else candidates = dated.filter((r) => r.birthDate === who.birthDate);
  // Their name is on the list with another date: a typing slip, most likely; not a new pupil (no duplicate).
  if (candidates.length === 0) return { kind: 'birth_date_wrong' };
  const numbered = candidates.filter((r) => r.studentNumber);
  // Homonyms born the same day with no number to tell them apart: none is taken for sure.
  if (numbered.length === 0) return candidates.length === 1 ? { kind: 'matched', id: candidates[0]!.id } : { kind: 'none' };
  if (candidates.length === 1 && !checkStudentNumber) return { kind: 'matched', id: candidates[0]!.id };
  if (!who.studentNumber?.trim()) return { kind: 'student_number_needed' };
  const byNumber = numbered.filter((r) => sameNumber(r.studentNumber!, who.studentNumber!));
  return byNumber.length === 1 ? { kind: 'matched', id: byNumber[0]!.id } : { kind: 'student_number_wrong' };
}

/**
 * A class list (liste d'élèves) as a teacher exports it from the school's system: one row per learner
 * with last name, first name, class or group, student number and birth date (dd/mm/yyyy). Each row is
 * checked on its own and every problem is reported with the row's line number.
 */
import { parseCsv, CsvError } from './csv';

export interface ClassListLearner {
  line: number;
  lastName: string;
  firstName: string;
  division: string;
  studentNumber: string;
  /** yyyy-mm-dd */
  birthDate: string;
}

/**
 * A problem, as a code with its parameters: the page says it in its language (app/i18n/orga.ts,
 * `classList.<code>`, the parameters filling the {placeholders}).
 */
export interface ClassListProblem {
  code:
    | 'missingLastName'
    | 'missingFirstName'
    | 'missingDivision'
    | 'missingNumber'
    | 'duplicateNumber'
    | 'knownNumber'
    | 'missingBirthDate'
    | 'badBirthDate'
    | 'unreadable'
    | 'unclosedQuote'
    | 'empty'
    | 'missingColumns';
  params: Record<string, string>;
}

export interface RejectedRow {
  line: number;
  /** What the row says (for the report), e.g. "Durand Inès"; empty when the row has no name. */
  label: string;
  errors: ClassListProblem[];
}

export interface ClassListCheck {
  valid: ClassListLearner[];
  rejected: RejectedRow[];
  /** A problem with the file itself (no header, missing column): nothing can be read. */
  fileError: ClassListProblem | null;
}

const problem = (code: ClassListProblem['code'], params: Record<string, string | number> = {}): ClassListProblem => ({
  code,
  params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
});

const COLUMNS = {
  lastName: ['nom', 'nom de famille', 'last name', 'lastname'],
  firstName: ['prenom', 'prénom', 'first name', 'firstname'],
  division: ['classe', 'groupe', 'classe ou groupe', 'division', 'class', 'group'],
  studentNumber: ['numero etudiant', 'numéro étudiant', 'numero eleve', 'numéro élève', 'ine', 'numero', 'numéro', 'student number', 'identifiant'],
  birthDate: ['date de naissance', 'naissance', 'date de naissance (jj/mm/aaaa)', 'birth date', 'birthdate'],
} as const;

export const CLASS_LIST_HEADER = ['Nom', 'Prénom', 'Classe', 'Numéro étudiant', 'Date de naissance'];

const COLUMN_LABELS: Record<keyof typeof COLUMNS, string> = {
  lastName: CLASS_LIST_HEADER[0]!,
  firstName: CLASS_LIST_HEADER[1]!,
  division: CLASS_LIST_HEADER[2]!,
  studentNumber: CLASS_LIST_HEADER[3]!,
  birthDate: CLASS_LIST_HEADER[4]!,
};

function normalise(header: string): string {
  return header.trim().toLowerCase().replace(/\s+/g, ' ');
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** dd/mm/yyyy (also d/m/yyyy) to yyyy-mm-dd when it is a real date between 1900 and `maxYear`, else null. */
export function parseFrenchDate(value: string, maxYear = 2100): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > maxYear || mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Checks a class list. `existingNumbers` are student numbers the organisation already has (rows with
 * one of them update nothing and are reported).
 */
export function checkClassList(text: string, existingNumbers: ReadonlySet<string> = new Set()): ClassListCheck {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    return { valid: [], rejected: [], fileError: error instanceof CsvError ? problem('unclosedQuote', { line: error.line }) : problem('unreadable') };
  }
  if (rows.length === 0) return { valid: [], rejected: [], fileError: problem('empty') };
  const header = rows[0]!.map((h) => fold(normalise(h)));
  const index = {} as Record<keyof typeof COLUMNS, number>;
  const missing: string[] = [];
  for (const key of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    const i = header.findIndex((h) => COLUMNS[key].some((name) => fold(name) === h));
    if (i < 0) missing.push(COLUMN_LABELS[key]);
    index[key] = i;
  }
  if (missing.length) {
    return {
      valid: [],
      rejected: [],
      fileError: problem('missingColumns', { columns: missing.join(', '), count: missing.length, header: CLASS_LIST_HEADER.join(' ; ') }),
    };
  }
  const valid: ClassListLearner[] = [];
  const rejected: RejectedRow[] = [];
  const firstLineOf = new Map<string, number>();
  rows.slice(1).forEach((cells, i) => {
    const line = i + 2;
    const get = (key: keyof typeof COLUMNS) => (cells[index[key]] ?? '').trim();
    const lastName = get('lastName');
    const firstName = get('firstName');
    const division = get('division');
    const studentNumber = get('studentNumber');
    const rawDate = get('birthDate');
    const errors: ClassListProblem[] = [];
    if (!lastName) errors.push(problem('missingLastName'));
    if (!firstName) errors.push(problem('missingFirstName'));
    if (!division) errors.push(problem('missingDivision'));
    if (!studentNumber) errors.push(problem('missingNumber'));
    else if (firstLineOf.has(studentNumber)) errors.push(problem('duplicateNumber', { number: studentNumber, line: firstLineOf.get(studentNumber)! }));
    else if (existingNumbers.has(studentNumber)) errors.push(problem('knownNumber', { number: studentNumber }));
    const birthDate = parseFrenchDate(rawDate);
    if (!rawDate) errors.push(problem('missingBirthDate'));
    else if (!birthDate) errors.push(problem('badBirthDate', { value: rawDate }));
    if (studentNumber && !firstLineOf.has(studentNumber)) firstLineOf.set(studentNumber, line);
    if (errors.length) rejected.push({ line, label: [lastName, firstName].filter(Boolean).join(' '), errors });
    else valid.push({ line, lastName, firstName, division, studentNumber, birthDate: birthDate! });
  });
  return { valid, rejected, fileError: null };
}

/**
 * A class list (liste d'élèves) as a teacher exports it from the school's system: one row per learner
 * with last name, first name, class or group, student number and birth date (dd/mm/yyyy). Each row is
 * checked on its own and every problem is reported with the row's line number.
 */
import { parseCsv, CsvError, type Delimiter } from './csv';
import { decodeClassListText, detectSeparator, readOds, readXlsx, sniffClassListFile, SpreadsheetError, type ClassListSource } from './class-list-file';

export type { ClassListSource } from './class-list-file';

export interface ClassListLearner {
  line: number;
  lastName: string;
  firstName: string;
  division: string;
  studentNumber: string;
  /** yyyy-mm-dd */
  birthDate: string;
  /**
   * What importing the row does: `new` creates the learner; `update` changes a learner already there with
   * this student number, the same person (same names once case and accents are set aside, same birth
   * date), e.g. moved to another class; `present` changes nothing (the same list imported again).
   */
  status: 'new' | 'update' | 'present';
}

/** A learner the organisation already has, by student number. */
export interface KnownLearner {
  lastName: string;
  firstName: string;
  division: string | null;
  /** yyyy-mm-dd */
  birthDate: string | null;
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
    | 'numberTaken'
    | 'missingBirthDate'
    | 'badBirthDate'
    | 'unreadable'
    | 'unclosedQuote'
    | 'empty'
    | 'missingColumns'
    | 'oldExcel'
    | 'notSpreadsheet'
    | 'badSpreadsheet';
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
  /** How the file was read (kind, encoding and separator of a CSV, sheet of a spreadsheet). */
  source: ClassListSource;
}

/** The rows of a class list file (CSV in any of the usual encodings and separators, .xlsx, .ods) and how they were read. */
export type ClassListRows = { rows: string[][]; source: ClassListSource } | { problem: ClassListProblem; source: ClassListSource };

const UNKNOWN_SOURCE: ClassListSource = { kind: 'csv', encoding: 'UTF-8', bom: false, separator: ';' };

/** Rows as a CSV text (every field quoted, `;`, CRLF): what the preview hands back to be imported once confirmed. */
export function classListRowsAsCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(';') + '\r\n').join('');
}

/** Rows of a CSV text (already decoded): the separator is detected. */
export function classListRowsFromText(
  text: string,
  encoding: ClassListSource & { kind: 'csv' } = UNKNOWN_SOURCE as ClassListSource & { kind: 'csv' },
): ClassListRows {
  const separator = detectSeparator(text);
  const source: ClassListSource = { ...encoding, separator };
  try {
    // parseCsv splits on whatever character it is given; its type does not list the tab yet.
    return { rows: parseCsv(text, separator as Delimiter), source };
  } catch (error) {
    return { problem: error instanceof CsvError ? problem('unclosedQuote', { line: error.line }) : problem('unreadable'), source };
  }
}

/** Rows of a class list file as uploaded: the kind is told by the bytes, then the encoding and separator of a CSV. */
export function classListRowsFromFile(bytes: Uint8Array): ClassListRows {
  const kind = sniffClassListFile(bytes);
  if (kind === 'csv') {
    const { text, encoding, bom } = decodeClassListText(bytes);
    return classListRowsFromText(text, { kind: 'csv', encoding, bom, separator: ';' });
  }
  if (kind === 'xls') return { problem: problem('oldExcel'), source: UNKNOWN_SOURCE };
  if (kind === 'zip') return { problem: problem('notSpreadsheet'), source: UNKNOWN_SOURCE };
  try {
    const { rows, sheet } = kind === 'xlsx' ? readXlsx(bytes) : readOds(bytes);
    return { rows, source: { kind, sheet } };
  } catch (error) {
    if (error instanceof SpreadsheetError) return { problem: problem('badSpreadsheet', { format: kind }), source: { kind, sheet: '' } };
    throw error;
  }
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

/** Two names are the same when they differ only in case, accents and spacing (« INÈS » and « Ines »). */
export const sameName = (a: string, b: string) => fold(normalise(a)) === fold(normalise(b));

/**
 * Checks a class list given as CSV text. `existing` are the learners the organisation already has, by
 * student number: a row with one of them is the same list again (`present`), a change for the same
 * person (`update`), or refused when the number belongs to someone else.
 */
export function checkClassList(text: string, existing: ReadonlyMap<string, KnownLearner> = new Map()): ClassListCheck {
  return checkClassListRows(classListRowsFromText(text), existing);
}

/** The same, for a file as uploaded (CSV in any usual encoding and separator, .xlsx or .ods). */
export function checkClassListFile(bytes: Uint8Array, existing: ReadonlyMap<string, KnownLearner> = new Map()): ClassListCheck {
  return checkClassListRows(classListRowsFromFile(bytes), existing);
}

/** The same, for rows already read. */
export function checkClassListRows(read: ClassListRows, existing: ReadonlyMap<string, KnownLearner> = new Map()): ClassListCheck {
  const { source } = read;
  if ('problem' in read) return { valid: [], rejected: [], fileError: read.problem, source };
  const { rows } = read;
  if (rows.length === 0) return { valid: [], rejected: [], fileError: problem('empty'), source };
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
      fileError: problem('missingColumns', {
        columns: missing.join(', '),
        count: missing.length,
        header: CLASS_LIST_HEADER.join(' ; '),
        found: rows[0]!
          .map((h) => h.trim())
          .filter(Boolean)
          .map((h) => `« ${h} »`)
          .join(', '),
      }),
      source,
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
    const birthDate = parseFrenchDate(rawDate);
    if (!rawDate) errors.push(problem('missingBirthDate'));
    else if (!birthDate) errors.push(problem('badBirthDate', { value: rawDate }));
    const known = studentNumber && !firstLineOf.has(studentNumber) ? existing.get(studentNumber) : undefined;
    let status: ClassListLearner['status'] = 'new';
    if (known && lastName && firstName && birthDate) {
      const samePerson =
        sameName(known.lastName, lastName) && sameName(known.firstName, firstName) && (known.birthDate === null || known.birthDate === birthDate);
      if (!samePerson) errors.push(problem('numberTaken', { number: studentNumber, name: `${known.firstName} ${known.lastName}` }));
      else
        status =
          known.lastName === lastName && known.firstName === firstName && known.division === division && known.birthDate === birthDate ? 'present' : 'update';
    }
    if (studentNumber && !firstLineOf.has(studentNumber)) firstLineOf.set(studentNumber, line);
    if (errors.length) rejected.push({ line, label: [lastName, firstName].filter(Boolean).join(' '), errors });
    else valid.push({ line, lastName, firstName, division, studentNumber, birthDate: birthDate!, status });
  });
  return { valid, rejected, fileError: null, source };
}

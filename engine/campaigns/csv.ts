/**
 * CSV reading and writing (RFC 4180). Reading accepts `;` or `,` (guessed from the header line), an
 * optional UTF-8 byte order mark, CRLF or LF line ends and quoted fields with doubled quotes and line
 * breaks. Writing uses `;` (what French spreadsheets open directly) and quotes only when needed.
 * No CSV library is installed (neither csv-parse nor papaparse), hence this small one.
 */

export const BOM = '\uFEFF';

export type Delimiter = ';' | ',';

/** The delimiter of a file: the one of `;` and `,` found more often outside quotes on its first line. */
export function guessDelimiter(text: string): Delimiter {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of text.startsWith(BOM) ? text.slice(1) : text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

/** An unclosed quote: the file cannot be read past `line`. */
export class CsvError extends Error {
  constructor(readonly line: number) {
    super(`Guillemet non fermé (ligne ${line}).`);
  }
}

/** Rows of fields. Blank lines are skipped. An unclosed quote is an error (line number given). */
export function parseCsv(input: string, delimiter: Delimiter = guessDelimiter(input)): string[][] {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldWasQuoted = false;
  let line = 1;
  let quoteLine = 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '' && !fieldWasQuoted)) rows.push(row);
    row = [];
    field = '';
    fieldWasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      fieldWasQuoted = true;
      quoteLine = line;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      fieldWasQuoted = false;
    } else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else if (ch === '\n') {
      endRow();
      line++;
    } else field += ch;
  }
  if (quoted) throw new CsvError(quoteLine);
  if (field !== '' || row.length > 0 || fieldWasQuoted) endRow();
  return rows;
}

/**
 * How a CSV is meant to be read. `spreadsheet`: opened in Excel, LibreOffice or Google Sheets, where a
 * cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is taken as a formula (CSV or
 * "formula" injection: `=HYPERLINK(…)`, `+cmd|…`). `raw`: read by R, Python or the CLI, byte for byte.
 */
export type CsvMode = 'spreadsheet' | 'raw';

const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number (`-1.5`, `+2`, `3,25`, `1e-3`): no spreadsheet reads a formula in it. */
const PLAIN_NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

/**
 * A text cell made inert for spreadsheets, as OWASP recommends: a cell starting with `= + - @`, a tab
 * or a carriage return is prefixed with a single quote, which spreadsheets show as text. Decision:
 * only text is neutralised. A plain number written as text (`-1.5`, `+2`) is left as it is, since it
 * holds no formula and must stay a number in numeric columns; JavaScript numbers are never touched.
 */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The cell as written for `mode`: text neutralised for spreadsheets, everything as it is for `raw`. */
export function csvCell(value: string | number | null | undefined, mode: CsvMode): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return mode === 'spreadsheet' ? spreadsheetSafe(value) : value;
}

/**
 * One field as written: quoted when it holds the delimiter, a quote or a line break. Text is made
 * spreadsheet-safe unless `mode` is `raw` (see spreadsheetSafe).
 */
export function csvField(value: string | number | null | undefined, delimiter: Delimiter = ';', mode: CsvMode = 'spreadsheet'): string {
  const s = csvCell(value, mode);
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** One line with CRLF. */
export function csvLine(fields: readonly (string | number | null | undefined)[], delimiter: Delimiter = ';', mode: CsvMode = 'spreadsheet'): string {
  return fields.map((f) => csvField(f, delimiter, mode)).join(delimiter) + '\r\n';
}

/** The mode a download asked for: `?format=brut` → raw, `?format=tableur` → spreadsheet, else `fallback`. */
export function csvModeOf(format: string | null | undefined, fallback: CsvMode): CsvMode {
  if (format === 'brut' || format === 'raw') return 'raw';
  if (format === 'tableur' || format === 'spreadsheet') return 'spreadsheet';
  return fallback;
}

/**
 * Readers for the CLI's CSV inputs: response data (wide or long) and anchor parameters.
 *
 * Wide: a header row; an optional `person` column, an optional `weight` column (the row stands
 * for that many persons), every other column an item id. Cells are 1, 0 or empty (not answered).
 * Long: header exactly `person,item,score`, one answer per line (an empty score = not answered).
 *
 * The separator is a comma, or, as French spreadsheets save "CSV", a semicolon or a tab: it is read
 * from the header line (the one of the three found there outside double quotes). A header with more
 * than one of them is ambiguous and refused, naming what was found.
 *
 * Every problem is reported as a CsvError naming the line (1 = header) and the column.
 */
import { ResponseDataBuilder, type ResponseData } from '../engine/calibration';
import type { ItemParameters } from '../engine/irt';
import { ByteInterner } from './interner';
import { forEachLine } from './lines';

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: number | null,
    readonly columnName: string | null,
    detail: string,
  ) {
    const where = [
      line !== null ? `line ${line}` : null,
      column !== null ? `column ${column}${columnName !== null ? ` (${JSON.stringify(columnName)})` : ''}` : null,
    ]
      .filter((part) => part !== null)
      .join(', ');
    super(`${file}${where ? `: ${where}` : ''}: ${detail}`);
    this.name = 'CsvError';
  }
}

/** File-system failures become one readable CsvError; CsvErrors pass through. */
function asCsvError(path: string, error: unknown): CsvError {
  if (error instanceof CsvError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory, not a file',
  };
  const reason = (code !== undefined ? reasons[code] : undefined) ?? (error as Error).message;
  return new CsvError(path, null, null, null, `cannot read the file: ${reason}`);
}

const COMMA = 44;
const SEMICOLON = 59;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = buffer[k];
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** A column separator the readers accept. */
export type Separator = ',' | ';' | '\t';

const SEPARATOR_NAMES: Record<Separator, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

export function separatorName(separator: Separator): string {
  return SEPARATOR_NAMES[separator];
}

/**
 * The separator of a file from its header line: the only one of comma, semicolon and tab found
 * outside double quotes (a comma when there is none: a single column). Throws a CsvError naming
 * what it found when the header has more than one.
 */
export function detectSeparator(path: string, header: string, lineNumber: number): Separator {
  const counts: Record<Separator, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const found = (Object.keys(counts) as Separator[]).filter((sep) => counts[sep] > 0);
  if (found.length <= 1) return found[0] ?? ',';
  const list = found.map((sep) => `${counts[sep]} ${separatorName(sep)}${counts[sep] > 1 ? 's' : ''} (${JSON.stringify(sep)})`).join(' and ');
  throw new CsvError(
    path,
    lineNumber,
    null,
    null,
    `ambiguous separator: the header holds ${list}; save the file with one separator (comma, semicolon or tab) between columns`,
  );
}

function separatorByte(separator: Separator): number {
  return separator === ',' ? COMMA : separator === ';' ? SEMICOLON : TAB;
}

/** Splits a header (or any short line) into trimmed fields, removing surrounding double quotes. */
function splitFields(text: string, separator: Separator = ','): string[] {
  return text.split(separator).map((field) => {
    const trimmed = field.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
  });
}

function cellText(buffer: Buffer, start: number, end: number): string {
  return buffer.toString('utf8', start, end).trim();
}

export interface ResponseFile {
  readonly data: ResponseData;
  readonly format: 'wide' | 'long';
  /** Data lines read (excluding the header and blank lines). */
  readonly rows: number;
  /** The column separator, read from the header line. */
  readonly separator: Separator;
  /** Each row's person id, when asked for (`personIds: true`); a wide file without a person column numbers them p1, p2, … */
  readonly persons?: readonly string[];
  /** What the reader understood of a file another tool wrote (R's row names, NA cells, …), one sentence each. */
  readonly notes: readonly string[];
}

export interface ReadResponseOptions {
  /** Keep each row's person id (for scoring). */
  readonly personIds?: boolean;
  /**
   * Refuse data a calibration cannot use: an item nobody answered, no variance at all (default true;
   * scoring needs neither).
   */
  readonly calibrationChecks?: boolean;
}

/** What a column of a response file holds. */
const enum Kind {
  Item = 0,
  Person = 1,
  Weight = 2,
  /** R's row names when the file has a `person` column too: not read. */
  Ignored = 3,
  /** A column with an empty name at the right of the header (a spreadsheet's used range): its cells must be empty. */
  Empty = 4,
}

/** The columns of a response file, from its header and the cell count of its first data row. */
interface Layout {
  readonly names: string[];
  readonly kinds: Kind[];
  /** The columns every row must have (the trailing Empty ones may be left out). */
  readonly required: number;
  readonly long: { person: number; item: number; score: number } | null;
  readonly notes: string[];
}

/**
 * Reads the header as the tools that write such files mean it:
 * - R's `write.table(sep = …)` writes no header cell above the row names, so every row has one cell more
 *   than the header: the first cell is the row name (what `read.table` does);
 * - R's `write.csv` (and pandas' `to_csv`) write an empty name above the row names: that column holds the
 *   person ids (or is skipped when a `person` column is there too);
 * - empty names at the right end (a spreadsheet's used range) are columns whose cells must be empty;
 * - `person,item,score` in any order and case (beside R's row names) is the long format.
 */
function layoutOf(path: string, header: readonly string[], headerLine: number, firstRowCells: number, separator: Separator): Layout {
  const notes: string[] = [];
  let names = [...header];
  const hasPerson = names.some((name) => name.toLowerCase() === 'person');
  if (firstRowCells === names.length + 1 && names[0] !== '') {
    names = ['', ...names];
    notes.push(
      `note: ${path}: the rows have one cell more than the header (as R's write.table writes them): the first cell of each row is read as a row name${hasPerson ? ' and not used' : ', the person id'}`,
    );
  } else if (names[0] === '' && names.length > 1) {
    notes.push(`note: ${path}: column 1 has no name (R's write.csv row names): ${hasPerson ? 'not used' : 'read as the person ids'}`);
  }
  let required = names.length;
  while (required > 1 && names[required - 1] === '') required--;
  if (required < names.length) notes.push(`note: ${path}: ${names.length - required} column(s) without a name at the right end, read as empty`);
  const kinds: Kind[] = names.map((name, c) => {
    if (c >= required) return Kind.Empty;
    if (c === 0 && name === '') return hasPerson ? Kind.Ignored : Kind.Person;
    const lower = name.toLowerCase();
    return lower === 'person' ? Kind.Person : lower === 'weight' ? Kind.Weight : Kind.Item;
  });
  const seen = new Map<string, number>();
  names.forEach((name, c) => {
    if (kinds[c] === Kind.Empty || (c === 0 && name === '')) return;
    const column = c + 1 - (names.length - header.length);
    if (name === '') throw new CsvError(path, headerLine, column, null, 'empty column name in the header');
    // Item ids keep their case (as before); person and weight are names in any case.
    const key = kinds[c] === Kind.Item ? name : name.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) throw new CsvError(path, headerLine, column, name, `column name repeats column ${previous + 1}`);
    seen.set(key, column - 1);
  });
  const named = names.map((name) => name.toLowerCase());
  const used = named.filter((_, c) => kinds[c] !== Kind.Empty && kinds[c] !== Kind.Ignored && !(c === 0 && names[0] === ''));
  const isLong = used.length === 3 && ['person', 'item', 'score'].every((name) => used.includes(name));
  if (!isLong && named.includes('item') && named.includes('score')) {
    throw new CsvError(
      path,
      headerLine,
      null,
      null,
      `the header has "item" and "score" columns but is not a long file: a long file has exactly the columns person,item,score (${separatorName(separator)}-separated); a wide file has one column per item`,
    );
  }
  const long = isLong ? { person: named.indexOf('person'), item: named.indexOf('item'), score: named.indexOf('score') } : null;
  if (long === null && !kinds.includes(Kind.Item)) throw new CsvError(path, headerLine, null, null, 'the header names no item column');
  return { names, kinds, required, long, notes };
}

/** A line holding nothing but blanks and separators (a spreadsheet's empty row). */
function isEmptyRow(buffer: Buffer, start: number, end: number, sep: number): boolean {
  for (let k = start; k < end; k++) {
    const c = buffer[k];
    if (c !== SPACE && c !== TAB && c !== sep) return false;
  }
  return true;
}

/** The cells of a line, not counting separators inside double quotes (as the tool that wrote it meant them). */
function countCells(buffer: Buffer, start: number, end: number, sep: number): number {
  let cells = 1;
  let quoted = false;
  for (let k = start; k < end; k++) {
    if (buffer[k] === QUOTE) quoted = !quoted;
    else if (!quoted && buffer[k] === sep) cells++;
  }
  return cells;
}

export async function readResponseCsv(path: string, options: ReadResponseOptions = {}): Promise<ResponseFile> {
  let header: string[] | null = null;
  let headerLine = 0;
  let separator: Separator = ',';
  let sep = COMMA;
  let reader: WideReader | LongReader | null = null;
  const emptyRows: { bytes: Buffer; lineNumber: number }[] = [];
  let fileBytes = 0;
  try {
    const onLine = (buffer: Buffer, start: number, end: number, lineNumber: number): void => {
      if (header === null) {
        if (isBlank(buffer, start, end)) return;
        const text = buffer.toString('utf8', start, end).replace(/^\uFEFF/, '');
        checkUtf8(path, text, lineNumber);
        separator = detectSeparator(path, text, lineNumber);
        sep = separatorByte(separator);
        header = splitFields(text, separator);
        headerLine = lineNumber;
        return;
      }
      // Lines of separators only are a spreadsheet's empty rows when nothing follows them (skipped), persons
      // without an answer when data rows follow (read in their place).
      if (isEmptyRow(buffer, start, end, sep)) {
        if (!isBlank(buffer, start, end)) emptyRows.push({ bytes: Buffer.from(buffer.subarray(start, end)), lineNumber });
        return;
      }
      if (reader === null) {
        const layout = layoutOf(path, header, headerLine, countCells(buffer, start, end, sep), separator);
        reader =
          layout.long === null ? new WideReader(path, layout, headerLine, separator, options, fileBytes) : new LongReader(path, layout, separator, options);
      }
      for (const row of emptyRows) reader.line(row.bytes, 0, row.bytes.length, row.lineNumber);
      emptyRows.length = 0;
      reader.line(buffer, start, end, lineNumber);
    };
    await forEachLine(path, onLine, (bytes) => (fileBytes = bytes));
  } catch (error) {
    throw asCsvError(path, error);
  }
  if (header === null) throw new CsvError(path, null, null, null, 'the file is empty (no header row)');
  if (reader === null) throw new CsvError(path, null, null, null, 'no data rows after the header');
  const file = (reader as WideReader | LongReader).finish();
  if (emptyRows.length === 0) return file;
  return { ...file, notes: [...file.notes, `note: ${path}: ${emptyRows.length} line(s) of separators only at the end skipped (empty spreadsheet rows)`] };
}

/** Bytes that are not UTF-8 (a file saved as Windows-1252 or Latin-1) would change the ids silently. */
function checkUtf8(path: string, text: string, lineNumber: number): void {
  if (!text.includes('\uFFFD')) return;
  throw new CsvError(
    path,
    lineNumber,
    null,
    null,
    'the header is not UTF-8 text (a file saved as Windows-1252 or Latin-1, e.g. Excel\'s "CSV (séparateur : point-virgule)"?): save it as "CSV UTF-8"',
  );
}

/**
 * A 0/1 cell: 1 or 0 as they are, `1.0`/`0.00` (a float column), `1,0` in a semicolon or tab file (decimal
 * comma); `NA` (R's missing value) and an empty cell are not answered (−1); anything else is null.
 */
function scoreOf(text: string, separator: Separator): 0 | 1 | -1 | null {
  if (text === '' || text === 'NA') return -1;
  if (!/^[01]([.,]0*)?$/.test(text) || (separator === ',' && text.includes(','))) return null;
  return text[0] === '1' ? 1 : 0;
}

/** At most this many rows and answers are reserved from a wide file's size (80 MB of arrays); beyond, they grow. */
const RESERVED_MAX = 1 << 24;

class WideReader {
  private readonly kinds: Uint8Array;
  private readonly itemOfColumn: Int32Array;
  private readonly itemColumns: number[] = [];
  private readonly builder: ResponseDataBuilder;
  private readonly answered: Float64Array;
  private readonly hasWeight: boolean;
  private readonly personColumn: number;
  private readonly personLines: Map<string, number> | null;
  private rows = 0;
  private firstLine = 0;
  private lastLine = 0;
  private ones = 0;
  private zeros = 0;
  private missing = 0;
  private readonly sep: number;
  private readonly personIds: string[] | null;
  private readonly header: string[];

  constructor(
    private readonly path: string,
    private readonly layout: Layout,
    headerLine: number,
    private readonly separator: Separator,
    private readonly options: ReadResponseOptions = {},
    /** The file's size in bytes (0 if unknown): with the first row's length and answers, sizes the arrays. */
    private readonly fileBytes = 0,
  ) {
    this.header = layout.names;
    this.personIds = options.personIds ? [] : null;
    this.sep = separatorByte(separator);
    this.kinds = Uint8Array.from(layout.kinds);
    this.itemOfColumn = new Int32Array(layout.names.length).fill(-1);
    const itemIds: string[] = [];
    layout.kinds.forEach((kind, c) => {
      if (kind !== Kind.Item) return;
      this.itemOfColumn[c] = itemIds.length;
      this.itemColumns.push(c);
      itemIds.push(layout.names[c] as string);
    });
    if (itemIds.length === 0) throw new CsvError(path, headerLine, null, null, 'the header names no item column');
    this.hasWeight = layout.kinds.includes(Kind.Weight);
    this.personColumn = layout.kinds.indexOf(Kind.Person);
    this.personLines = this.personColumn >= 0 ? new Map() : null;
    this.builder = new ResponseDataBuilder(itemIds);
    this.answered = new Float64Array(itemIds.length);
  }

  private error(lineNumber: number, c: number, detail: string): CsvError {
    return new CsvError(this.path, lineNumber, c + 1, this.header[c] || null, detail);
  }

  line(buffer: Buffer, start: number, end: number, lineNumber: number): void {
    const columns = this.header.length;
    // First pass: the weight, if any (the row must begin with it before answers are added).
    let weight = 1;
    if (this.hasWeight) {
      let c = 0;
      let cellStart = start;
      for (let k = start; k <= end; k++) {
        if (k === end || buffer[k] === this.sep) {
          if (c < columns && this.kinds[c] === Kind.Weight) {
            const text = unquote(cellText(buffer, cellStart, k));
            // With a semicolon or a tab between cells, a French spreadsheet writes a decimal comma.
            const value = text === '' ? NaN : Number(this.separator === ',' ? text : text.replace(',', '.'));
            if (!Number.isFinite(value)) throw this.error(lineNumber, c, `weight ${JSON.stringify(text)} is not a number`);
            if (value < 0) throw this.error(lineNumber, c, `negative weight ${text}`);
            weight = value;
          }
          c++;
          cellStart = k + 1;
        }
      }
    }
    this.builder.beginRow(weight);
    let c = 0;
    let cellStart = start;
    for (let k = start; k <= end; k++) {
      if (k !== end && buffer[k] !== this.sep) continue;
      if (c >= columns) throw this.error(lineNumber, c, `more cells than the header's ${columns} columns`);
      const item = this.itemOfColumn[c] as number;
      // Fast path, what the general one below does for the cells of most files: an item's `0`, `1` or empty cell.
      if (item >= 0 && k - cellStart <= 1) {
        const ch = k === cellStart ? -1 : (buffer[cellStart] as number);
        if (ch === -1 || ch === 48 || ch === 49) {
          if (ch !== -1) this.answer(item, ch === 49 ? 1 : 0, weight);
          c++;
          cellStart = k + 1;
          continue;
        }
      }
      if (halfQuoted(buffer, cellStart, k)) throw this.error(lineNumber, c, halfQuotedDetail(cellText(buffer, cellStart, k), this.separator));
      const kind = this.kinds[c];
      if (kind === Kind.Person) this.person(unquote(cellText(buffer, cellStart, k)), lineNumber, c);
      else if (kind === Kind.Empty && !isBlank(buffer, cellStart, k)) {
        throw this.error(lineNumber, c, `cell ${JSON.stringify(cellText(buffer, cellStart, k))} in a column without a name in the header`);
      }
      if (item >= 0) {
        const [s, e] = trimmed(buffer, cellStart, k);
        if (e > s) {
          const ch = e - s === 1 ? (buffer[s] as number) : -1;
          const score = ch === 49 ? 1 : ch === 48 ? 0 : scoreOf(buffer.toString('utf8', s, e), this.separator);
          if (score === null) {
            const text = cellText(buffer, cellStart, k);
            const hint =
              separatorHint(text, this.separator) ||
              (c === 0 && this.personColumn < 0 ? ' (if column 1 holds person ids, name it "person" in the header)' : '');
            throw this.error(lineNumber, c, `cell ${JSON.stringify(text)} is not 0, 1, NA or empty${hint}`);
          }
          if (score === -1) this.missing++;
          else this.answer(item, score, weight);
        }
      }
      c++;
      cellStart = k + 1;
    }
    if (c < this.layout.required) {
      throw this.error(lineNumber, c, `the row has ${c} cells, the header ${this.layout.required} columns`);
    }
    this.rows++;
    if (this.rows === 1 && this.fileBytes > 0) {
      // As many rows as lines of the first one's length fit in the file, each with as many answers.
      const rows = Math.min(Math.ceil(this.fileBytes / (end - start + 1)), RESERVED_MAX);
      this.builder.reserve(rows, Math.min(rows * this.builder.answersAdded, RESERVED_MAX));
    }
    if (this.personIds !== null && this.personColumn < 0) this.personIds.push(`p${this.rows}`);
    if (this.firstLine === 0) this.firstLine = lineNumber;
    this.lastLine = lineNumber;
  }

  private answer(item: number, score: 0 | 1, weight: number): void {
    this.builder.addAnswer(item, score);
    if (weight > 0) {
      this.answered[item] = (this.answered[item] as number) + weight;
      if (score === 1) this.ones++;
      else this.zeros++;
    }
  }

  private person(id: string, lineNumber: number, c: number): void {
    if (this.personLines !== null) {
      if (id === '') throw this.error(lineNumber, c, 'empty person id');
      const previous = this.personLines.get(id);
      if (previous !== undefined) {
        throw this.error(
          lineNumber,
          c,
          `person ${JSON.stringify(id)} is on line ${previous} too: a wide file has one row per person (answers over several lines need the long format person,item,score)`,
        );
      }
      this.personLines.set(id, lineNumber);
    }
    if (this.personIds !== null) this.personIds.push(id);
  }

  finish(): ResponseFile {
    if (this.rows === 0) throw new CsvError(this.path, null, null, null, 'no data rows after the header');
    const notes = [...this.layout.notes];
    if (this.missing > 0) notes.push(`note: ${this.path}: ${this.missing} cell(s) NA read as not answered`);
    const persons = this.personIds === null ? {} : { persons: this.personIds };
    const file = (): ResponseFile => ({ data: this.builder.build(), format: 'wide', rows: this.rows, separator: this.separator, notes, ...persons });
    if (this.options.calibrationChecks === false) return file();
    for (let i = 0; i < this.answered.length; i++) {
      if ((this.answered[i] as number) > 0) continue;
      const c = this.itemColumns[i] as number;
      throw new CsvError(this.path, null, c + 1, this.header[c] ?? null, `nobody answered this item (lines ${this.firstLine}–${this.lastLine})`);
    }
    checkVariance(this.path, this.ones, this.zeros, this.firstLine, this.lastLine);
    return file();
  }
}

/** A cell's text without the double quotes around it. */
function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** When a bad cell holds another separator than the file's: say which, and what the header used. */
function separatorHint(text: string, separator: Separator): string {
  const other = ([',', ';', '\t'] as Separator[]).find((sep) => sep !== separator && text.includes(sep));
  if (other === undefined) return '';
  return ` (it holds ${separatorName(other)}s, but the header line is ${separatorName(separator)}-separated: give the header and the rows the same separator)`;
}

function checkVariance(path: string, ones: number, zeros: number, firstLine: number, lastLine: number): void {
  if (ones === 0 || zeros === 0) {
    throw new CsvError(
      path,
      null,
      null,
      null,
      `no variance at all: every answer in lines ${firstLine}–${lastLine} is ${ones === 0 ? '0' : '1'}, so there is nothing to calibrate`,
    );
  }
}

class GrowingInt32 {
  values = new Int32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const next = new Int32Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = value;
  }
}

/**
 * A cell that opens a double quote and does not close it (or closes one it did not open): a quoted text
 * that held the separator, split by the readers, which do not read separators inside quotes.
 */
function halfQuoted(buffer: Buffer, start: number, end: number): boolean {
  while (start < end && (buffer[start] === SPACE || buffer[start] === TAB)) start++;
  while (end > start && (buffer[end - 1] === SPACE || buffer[end - 1] === TAB)) end--;
  if (end === start) return false;
  const opens = buffer[start] === QUOTE;
  const closes = buffer[end - 1] === QUOTE;
  return opens !== closes || (opens && end - start === 1);
}

function halfQuotedDetail(text: string, separator: Separator): string {
  return `cell ${JSON.stringify(text)} has an unbalanced double quote: a quoted text holding the separator (${separatorName(separator)}) cannot be read here; remove the ${separatorName(separator)}s from ids and cells`;
}

/** Bounds of the cell buffer[start, end) without surrounding blanks and double quotes. */
function trimmed(buffer: Buffer, start: number, end: number): [number, number] {
  while (start < end && (buffer[start] === SPACE || buffer[start] === TAB || buffer[start] === QUOTE)) start++;
  while (end > start && (buffer[end - 1] === SPACE || buffer[end - 1] === TAB || buffer[end - 1] === QUOTE)) end--;
  return [start, end];
}

class LongReader {
  private readonly persons = new ByteInterner();
  private readonly items = new ByteInterner();
  private readonly personOf = new GrowingInt32();
  private readonly itemOf = new GrowingInt32();
  private readonly scoreOf = new GrowingInt32();
  private readonly lineOf = new GrowingInt32();
  private rows = 0;
  private firstLine = 0;
  private lastLine = 0;
  private missing = 0;
  private readonly sep: number;
  /** Start and end of each cell of the current line. */
  private readonly bounds: Int32Array;
  private readonly columns: { person: number; item: number; score: number };

  constructor(
    private readonly path: string,
    private readonly layout: Layout,
    private readonly separator: Separator,
    private readonly options: ReadResponseOptions = {},
  ) {
    this.sep = separatorByte(separator);
    this.bounds = new Int32Array(2 * layout.names.length);
    this.columns = layout.long as { person: number; item: number; score: number };
  }

  private error(lineNumber: number, c: number | null, detail: string): CsvError {
    return new CsvError(this.path, lineNumber, c === null ? null : c + 1, c === null ? null : this.layout.names[c] || null, detail);
  }

  line(buffer: Buffer, start: number, end: number, lineNumber: number): void {
    const total = this.layout.names.length;
    const shape = `${this.layout.required} cells (${this.layout.names.slice(0, this.layout.required).join(',')})`;
    let c = 0;
    let cellStart = start;
    for (let k = start; k <= end; k++) {
      if (k !== end && buffer[k] !== this.sep) continue;
      if (c >= total) throw this.error(lineNumber, null, `more than ${shape}`);
      if (halfQuoted(buffer, cellStart, k)) throw this.error(lineNumber, c, halfQuotedDetail(cellText(buffer, cellStart, k), this.separator));
      this.bounds[2 * c] = cellStart;
      this.bounds[2 * c + 1] = k;
      if (this.layout.kinds[c] === Kind.Empty && !isBlank(buffer, cellStart, k)) {
        throw this.error(lineNumber, c, `cell ${JSON.stringify(cellText(buffer, cellStart, k))} in a column without a name in the header`);
      }
      c++;
      cellStart = k + 1;
    }
    if (c < this.layout.required) {
      throw this.error(lineNumber, null, `expected ${shape}, found ${c}${separatorHint(cellText(buffer, start, end), this.separator)}`);
    }
    this.rows++;
    if (this.firstLine === 0) this.firstLine = lineNumber;
    this.lastLine = lineNumber;
    const { person, item, score } = this.columns;
    const [ss, se] = trimmed(buffer, this.bounds[2 * score] as number, this.bounds[2 * score + 1] as number);
    const ch = se - ss === 1 ? (buffer[ss] as number) : -1;
    const value = se === ss ? -1 : ch === 49 ? 1 : ch === 48 ? 0 : scoreOf(buffer.toString('utf8', ss, se), this.separator);
    if (value === null) {
      const text = cellText(buffer, this.bounds[2 * score] as number, this.bounds[2 * score + 1] as number);
      throw this.error(lineNumber, score, `cell ${JSON.stringify(text)} is not 0, 1, NA or empty${separatorHint(text, this.separator)}`);
    }
    if (value === -1) {
      if (se > ss) this.missing++;
      return; // not answered
    }
    const [ps, pe] = trimmed(buffer, this.bounds[2 * person] as number, this.bounds[2 * person + 1] as number);
    const [is, ie] = trimmed(buffer, this.bounds[2 * item] as number, this.bounds[2 * item + 1] as number);
    if (pe === ps) throw this.error(lineNumber, person, 'empty person id');
    if (ie === is) throw this.error(lineNumber, item, 'empty item id');
    this.personOf.push(this.persons.intern(buffer, ps, pe));
    this.itemOf.push(this.items.intern(buffer, is, ie));
    this.scoreOf.push(value);
    this.lineOf.push(lineNumber);
  }

  finish(): ResponseFile {
    const answers = this.personOf.length;
    if (answers === 0) throw new CsvError(this.path, null, null, null, 'no answers (every score is empty)');
    const personCount = this.persons.size;
    // Counting sort of the answers by person, keeping file order within a person.
    const rowStart = new Int32Array(personCount + 1);
    for (let k = 0; k < answers; k++) {
      const next = (this.personOf.values[k] as number) + 1;
      rowStart[next] = (rowStart[next] as number) + 1;
    }
    for (let p = 0; p < personCount; p++) rowStart[p + 1] = (rowStart[p + 1] as number) + (rowStart[p] as number);
    const fill = rowStart.slice(0, personCount);
    const order = new Int32Array(answers);
    for (let k = 0; k < answers; k++) {
      const p = this.personOf.values[k] as number;
      const at = fill[p] as number;
      order[at] = k;
      fill[p] = at + 1;
    }
    const itemIds = this.items.values;
    const builder = new ResponseDataBuilder(itemIds);
    const seenBy = new Int32Array(itemIds.length).fill(-1);
    const firstLineOf = new Int32Array(itemIds.length);
    const itemColumn = this.columns.item;
    let ones = 0;
    for (let p = 0; p < personCount; p++) {
      builder.beginRow();
      for (let j = rowStart[p] as number; j < (rowStart[p + 1] as number); j++) {
        const k = order[j] as number;
        const i = this.itemOf.values[k] as number;
        const line = this.lineOf.values[k] as number;
        if (seenBy[i] === p) {
          throw this.error(line, itemColumn, `second answer of this person to item ${JSON.stringify(itemIds[i])} (first on line ${firstLineOf[i]})`);
        }
        seenBy[i] = p;
        firstLineOf[i] = line;
        const score = this.scoreOf.values[k] as number;
        ones += score;
        builder.addAnswer(i, score);
      }
    }
    if (this.options.calibrationChecks !== false) checkVariance(this.path, ones, answers - ones, this.firstLine, this.lastLine);
    const notes = [...this.layout.notes];
    if (this.missing > 0) notes.push(`note: ${this.path}: ${this.missing} score(s) NA read as not answered`);
    const persons = this.options.personIds ? { persons: [...this.persons.values] } : {};
    return { data: builder.build(), format: 'long', rows: this.rows, separator: this.separator, notes, ...persons };
  }
}

/**
 * Item parameters (anchors, `score --parameters`): a CSV with an item column and the 2PL slope–intercept
 * columns a, d (the parameter export; other columns ignored). Also read as R's mirt writes them with
 * write.csv/write.csv2 (items as row names, the column without a name): `coef(fit, simplify = TRUE)$items`
 * (a1, d, g, u) and `coef(fit, IRTpars = TRUE, simplify = TRUE)$items` (a, b, g, u; d = −a·b). The model is
 * the 2PL: a lower asymptote g (or c) other than 0, or an upper one u other than 1, is refused by item.
 */
export async function readAnchorsCsv(path: string): Promise<Map<string, ItemParameters>> {
  const anchors = new Map<string, ItemParameters>();
  const expected =
    "expected item,a,d (slope–intercept, as the parameter export), or item,a,b as mirt's coef(fit, IRTpars = TRUE, simplify = TRUE)$items written by write.csv";
  await forEachItemRow(
    path,
    `the file is empty (${expected})`,
    (fields, lineNumber) => {
      const column = (...names: string[]): number => names.map((name) => fields.indexOf(name)).find((c) => c >= 0) ?? -1;
      const item = column('item');
      const a = column('a', 'a1');
      const d = column('d');
      const b = d < 0 ? column('b') : -1;
      if (fields.includes('a2')) {
        throw new CsvError(
          path,
          lineNumber,
          fields.indexOf('a2') + 1,
          'a2',
          'a second slope a2 (a multidimensional model): these parameters are read as a unidimensional 2PL',
        );
      }
      const missing = item < 0 ? 'item' : a < 0 ? 'a' : d < 0 && b < 0 ? 'd' : null;
      if (missing !== null) throw new CsvError(path, lineNumber, null, missing, `the header has no ${JSON.stringify(missing)} column (${expected})`);
      return { item, a, d, b, g: column('g', 'c'), u: column('u'), count: fields.length, names: fields };
    },
    (fields, cols, id, lineNumber, separator) => {
      const number = (c: number): number => {
        const text = fields[c] as string;
        const value = text === '' ? NaN : Number(separator === ',' ? text : text.replace(',', '.'));
        if (!Number.isFinite(value)) throw new CsvError(path, lineNumber, c + 1, cols.names[c] ?? null, `${JSON.stringify(text)} is not a number`);
        return value;
      };
      const a = number(cols.a);
      const d = cols.d >= 0 ? number(cols.d) : -a * number(cols.b);
      if (cols.g >= 0 && number(cols.g) !== 0) {
        throw new CsvError(
          path,
          lineNumber,
          cols.g + 1,
          cols.names[cols.g] ?? null,
          `item ${JSON.stringify(id)} has a lower asymptote ${fields[cols.g]} (a 3PL item): these parameters are read as a 2PL, so every g or c must be 0`,
        );
      }
      if (cols.u >= 0 && number(cols.u) !== 1) {
        throw new CsvError(
          path,
          lineNumber,
          cols.u + 1,
          'u',
          `item ${JSON.stringify(id)} has an upper asymptote ${fields[cols.u]}: these parameters are read as a 2PL, so every u must be 1`,
        );
      }
      if (anchors.has(id)) throw new CsvError(path, lineNumber, cols.item + 1, 'item', `item ${JSON.stringify(id)} is listed twice`);
      anchors.set(id, { a, d });
    },
  );
  return anchors;
}

/** What a `--guessing` file says about the 3PL's lower asymptotes. */
export interface GuessingFile {
  /** Beta prior mode 1 / proposals, by item id. */
  readonly modes: Map<string, number>;
  /** c held fixed, by item id. */
  readonly fixed: Map<string, number>;
}

/**
 * `--guessing FILE`: a CSV with an `item` column and a `proposals` column (number of proposals of a
 * QCU, ≥ 2: the prior on c is centred on 1 / proposals), a `c` column (c held fixed, in [0, 1)), or
 * both (one of the two cells filled on each row).
 */
export async function readGuessingCsv(path: string): Promise<GuessingFile> {
  const modes = new Map<string, number>();
  const fixed = new Map<string, number>();
  await forEachItemRow(
    path,
    'the file is empty (expected a header item,proposals or item,c)',
    (fields, lineNumber) => {
      const item = fields.indexOf('item');
      if (item < 0) throw new CsvError(path, lineNumber, null, 'item', 'the header has no "item" column (expected item,proposals or item,c)');
      const proposals = fields.indexOf('proposals');
      const c = fields.indexOf('c');
      if (proposals < 0 && c < 0) {
        throw new CsvError(path, lineNumber, null, null, 'the header has neither a "proposals" nor a "c" column (expected item,proposals or item,c)');
      }
      return { item, proposals, c, count: fields.length };
    },
    (fields, cols, id, lineNumber, separator) => {
      if (modes.has(id) || fixed.has(id)) throw new CsvError(path, lineNumber, cols.item + 1, 'item', `item ${JSON.stringify(id)} is listed twice`);
      const cell = (c: number): string => (c < 0 ? '' : (fields[c] as string));
      const proposalsText = cell(cols.proposals);
      const cText = cell(cols.c);
      if (proposalsText !== '' && cText !== '') {
        throw new CsvError(path, lineNumber, cols.c + 1, 'c', 'give either the number of proposals or a fixed c, not both');
      }
      if (cText !== '') {
        const value = Number(separator === ',' ? cText : cText.replace(',', '.'));
        if (!(value >= 0 && value < 1)) throw new CsvError(path, lineNumber, cols.c + 1, 'c', `${JSON.stringify(cText)} is not a number in [0, 1)`);
        fixed.set(id, value);
      } else if (proposalsText !== '') {
        const value = Number(proposalsText);
        if (!Number.isInteger(value) || value < 2) {
          throw new CsvError(path, lineNumber, cols.proposals + 1, 'proposals', `${JSON.stringify(proposalsText)} is not a whole number of proposals ≥ 2`);
        }
        modes.set(id, 1 / value);
      } else {
        throw new CsvError(path, lineNumber, cols.item + 1, null, `item ${JSON.stringify(id)} has neither a number of proposals nor a fixed c`);
      }
    },
  );
  return { modes, fixed };
}

/**
 * Reads a per-item file (anchors, guessing): blank lines skipped, a byte-order mark dropped, the
 * separator found on the header (named when it is not a comma), the header's columns from `header`,
 * then each row checked (cells against the header, a non-empty item id) and given to `row`.
 */
async function forEachItemRow<C extends { item: number; count: number }>(
  path: string,
  emptyMessage: string,
  header: (fields: string[], lineNumber: number) => C,
  row: (fields: string[], cols: C, id: string, lineNumber: number, separator: Separator) => void,
): Promise<void> {
  let columns: C | null = null;
  let names: { fields: string[]; line: number } | null = null;
  let separator: Separator = ',';
  try {
    await forEachLine(path, (buffer, start, end, lineNumber) => {
      if (isBlank(buffer, start, end)) return;
      const text = buffer.toString('utf8', start, end).replace(/^\uFEFF/, '');
      if (names === null) {
        checkUtf8(path, text, lineNumber);
        separator = detectSeparator(path, text, lineNumber);
        names = { fields: splitFields(text, separator).map((name) => name.toLowerCase()), line: lineNumber };
        return;
      }
      const fields = splitFields(text, separator);
      if (fields.every((field) => field === '')) return; // a spreadsheet's empty row
      if (columns === null) {
        // R writes the items as row names: under an empty name (write.csv), or under none at all (write.table).
        let headerFields = names.fields;
        if (!headerFields.includes('item')) {
          if (fields.length === headerFields.length + 1) headerFields = ['item', ...headerFields];
          else if (headerFields[0] === '') headerFields = ['item', ...headerFields.slice(1)];
        }
        columns = header(headerFields, names.line);
      }
      row(fields, columns, rowItemId(fields, columns, path, lineNumber), lineNumber, separator);
    });
  } catch (error) {
    throw asCsvError(path, error);
  }
  if (names === null) throw new CsvError(path, null, null, null, emptyMessage);
  if (columns === null) throw new CsvError(path, null, null, null, 'no rows after the header');
}

/** A row of a per-item file (parameters, guessing): as many cells as the header, and its item id, not empty. */
function rowItemId(fields: readonly string[], cols: { item: number; count: number }, path: string, lineNumber: number): string {
  if (fields.length !== cols.count) {
    throw new CsvError(path, lineNumber, Math.min(fields.length, cols.count) + 1, null, `the row has ${fields.length} cells, the header ${cols.count} columns`);
  }
  const id = fields[cols.item] as string;
  if (id === '') throw new CsvError(path, lineNumber, cols.item + 1, 'item', 'empty item id');
  return id;
}

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

export async function readResponseCsv(path: string, options: ReadResponseOptions = {}): Promise<ResponseFile> {
  let header: string[] | null = null;
  let headerLine = 0;
  let wide: WideReader | null = null;
  let long: LongReader | null = null;
  try {
    await forEachLine(path, (buffer, start, end, lineNumber) => {
      if (header === null) {
        if (isBlank(buffer, start, end)) return;
        const text = buffer.toString('utf8', start, end).replace(/^\uFEFF/, '');
        const separator = detectSeparator(path, text, lineNumber);
        header = splitFields(text, separator);
        headerLine = lineNumber;
        if (header.length === 3 && header[0] === 'person' && header[1] === 'item' && header[2] === 'score') long = new LongReader(path, separator, options);
        else wide = new WideReader(path, header, headerLine, separator, options);
        return;
      }
      if (isBlank(buffer, start, end)) return;
      if (wide !== null) wide.line(buffer, start, end, lineNumber);
      else (long as unknown as LongReader).line(buffer, start, end, lineNumber);
    });
  } catch (error) {
    throw asCsvError(path, error);
  }
  if (header === null) throw new CsvError(path, null, null, null, 'the file is empty (no header row)');
  const reader = (wide ?? long) as unknown as WideReader | LongReader;
  return reader.finish();
}

class WideReader {
  private readonly kinds: Uint8Array; // 0 item, 1 person, 2 weight
  private readonly itemOfColumn: Int32Array;
  private readonly itemColumns: number[] = [];
  private readonly builder: ResponseDataBuilder;
  private readonly answered: Float64Array;
  private rows = 0;
  private firstLine = 0;
  private lastLine = 0;
  private ones = 0;
  private zeros = 0;
  private readonly sep: number;
  private readonly personIds: string[] | null;

  constructor(
    private readonly path: string,
    private readonly header: string[],
    headerLine: number,
    private readonly separator: Separator,
    private readonly options: ReadResponseOptions = {},
  ) {
    this.personIds = options.personIds ? [] : null;
    this.sep = separatorByte(separator);
    this.kinds = new Uint8Array(header.length);
    this.itemOfColumn = new Int32Array(header.length).fill(-1);
    const seen = new Map<string, number>();
    const itemIds: string[] = [];
    header.forEach((name, c) => {
      if (name === '') throw new CsvError(path, headerLine, c + 1, null, 'empty column name in the header');
      const previous = seen.get(name);
      if (previous !== undefined) throw new CsvError(path, headerLine, c + 1, name, `column name repeats column ${previous + 1}`);
      seen.set(name, c);
      const lower = name.toLowerCase();
      if (lower === 'person') this.kinds[c] = 1;
      else if (lower === 'weight') this.kinds[c] = 2;
      else {
        this.itemOfColumn[c] = itemIds.length;
        this.itemColumns.push(c);
        itemIds.push(name);
      }
    });
    if (itemIds.length === 0) throw new CsvError(path, headerLine, null, null, 'the header names no item column');
    this.builder = new ResponseDataBuilder(itemIds);
    this.answered = new Float64Array(itemIds.length);
  }

  line(buffer: Buffer, start: number, end: number, lineNumber: number): void {
    const columns = this.header.length;
    // First pass: the weight, if any (the row must begin with it before answers are added).
    let weight = 1;
    if (this.kinds.includes(2)) {
      let c = 0;
      let cellStart = start;
      for (let k = start; k <= end; k++) {
        if (k === end || buffer[k] === this.sep) {
          if (c < columns && this.kinds[c] === 2) {
            const text = cellText(buffer, cellStart, k);
            // With a semicolon or a tab between cells, a French spreadsheet writes a decimal comma.
            const value = text === '' ? NaN : Number(this.separator === ',' ? text : text.replace(',', '.'));
            if (!Number.isFinite(value)) {
              throw new CsvError(this.path, lineNumber, c + 1, this.header[c] ?? null, `weight ${JSON.stringify(text)} is not a number`);
            }
            if (value < 0) throw new CsvError(this.path, lineNumber, c + 1, this.header[c] ?? null, `negative weight ${text}`);
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
      if (c >= columns) {
        throw new CsvError(this.path, lineNumber, c + 1, null, `more cells than the header's ${columns} columns`);
      }
      const item = this.itemOfColumn[c] as number;
      if (this.personIds !== null && this.kinds[c] === 1) this.personIds.push(cellText(buffer, cellStart, k).replace(/^"|"$/g, ''));
      if (item >= 0) {
        const [s, e] = trimmed(buffer, cellStart, k);
        if (e > s) {
          const ch = e - s === 1 ? buffer[s] : -1;
          if (ch === 49 || ch === 48) {
            const score = ch === 49 ? 1 : 0;
            this.builder.addAnswer(item, score);
            if (weight > 0) {
              this.answered[item] = (this.answered[item] as number) + weight;
              if (score === 1) this.ones++;
              else this.zeros++;
            }
          } else {
            const text = cellText(buffer, cellStart, k);
            throw new CsvError(
              this.path,
              lineNumber,
              c + 1,
              this.header[c] ?? null,
              `cell ${JSON.stringify(text)} is not 0, 1 or empty${separatorHint(text, this.separator)}`,
            );
          }
        }
      }
      c++;
      cellStart = k + 1;
    }
    if (c < columns) {
      throw new CsvError(this.path, lineNumber, c + 1, this.header[c] ?? null, `the row has ${c} cells, the header ${columns} columns`);
    }
    this.rows++;
    if (this.personIds !== null && !this.kinds.includes(1)) this.personIds.push(`p${this.rows}`);
    if (this.firstLine === 0) this.firstLine = lineNumber;
    this.lastLine = lineNumber;
  }

  finish(): ResponseFile {
    if (this.rows === 0) throw new CsvError(this.path, null, null, null, 'no data rows after the header');
    const persons = this.personIds === null ? {} : { persons: this.personIds };
    if (this.options.calibrationChecks === false) return { data: this.builder.build(), format: 'wide', rows: this.rows, separator: this.separator, ...persons };
    for (let i = 0; i < this.answered.length; i++) {
      if ((this.answered[i] as number) > 0) continue;
      const c = this.itemColumns[i] as number;
      throw new CsvError(this.path, null, c + 1, this.header[c] ?? null, `nobody answered this item (lines ${this.firstLine}–${this.lastLine})`);
    }
    checkVariance(this.path, this.ones, this.zeros, this.firstLine, this.lastLine);
    return { data: this.builder.build(), format: 'wide', rows: this.rows, separator: this.separator, ...persons };
  }
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
  private readonly sep: number;

  constructor(
    private readonly path: string,
    private readonly separator: Separator,
    private readonly options: ReadResponseOptions = {},
  ) {
    this.sep = separatorByte(separator);
  }

  line(buffer: Buffer, start: number, end: number, lineNumber: number): void {
    const first = buffer.indexOf(this.sep, start);
    const second = first < 0 || first >= end ? -1 : buffer.indexOf(this.sep, first + 1);
    if (first < 0 || first >= end || second < 0 || second >= end) {
      const text = cellText(buffer, start, end);
      throw new CsvError(this.path, lineNumber, null, null, `expected 3 cells: person,item,score${separatorHint(text, this.separator)}`);
    }
    const third = buffer.indexOf(this.sep, second + 1);
    if (third >= 0 && third < end) throw new CsvError(this.path, lineNumber, 4, null, 'more than 3 cells (person,item,score)');
    this.rows++;
    if (this.firstLine === 0) this.firstLine = lineNumber;
    this.lastLine = lineNumber;
    const [ss, se] = trimmed(buffer, second + 1, end);
    if (se === ss) return; // not answered
    const ch = se - ss === 1 ? buffer[ss] : -1;
    if (ch !== 48 && ch !== 49) {
      const text = cellText(buffer, second + 1, end);
      throw new CsvError(this.path, lineNumber, 3, 'score', `cell ${JSON.stringify(text)} is not 0, 1 or empty${separatorHint(text, this.separator)}`);
    }
    const [ps, pe] = trimmed(buffer, start, first);
    const [is, ie] = trimmed(buffer, first + 1, second);
    if (pe === ps) throw new CsvError(this.path, lineNumber, 1, 'person', 'empty person id');
    if (ie === is) throw new CsvError(this.path, lineNumber, 2, 'item', 'empty item id');
    this.personOf.push(this.persons.intern(buffer, ps, pe));
    this.itemOf.push(this.items.intern(buffer, is, ie));
    this.scoreOf.push(ch === 49 ? 1 : 0);
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
    let ones = 0;
    for (let p = 0; p < personCount; p++) {
      builder.beginRow();
      for (let j = rowStart[p] as number; j < (rowStart[p + 1] as number); j++) {
        const k = order[j] as number;
        const i = this.itemOf.values[k] as number;
        const line = this.lineOf.values[k] as number;
        if (seenBy[i] === p) {
          throw new CsvError(
            this.path,
            line,
            2,
            'item',
            `second answer of this person to item ${JSON.stringify(itemIds[i])} (first on line ${firstLineOf[i]})`,
          );
        }
        seenBy[i] = p;
        firstLineOf[i] = line;
        const score = this.scoreOf.values[k] as number;
        ones += score;
        builder.addAnswer(i, score);
      }
    }
    if (this.options.calibrationChecks !== false) checkVariance(this.path, ones, answers - ones, this.firstLine, this.lastLine);
    const persons = this.options.personIds ? { persons: [...this.persons.values] } : {};
    return { data: builder.build(), format: 'long', rows: this.rows, separator: this.separator, ...persons };
  }
}

/** Anchor parameters: CSV with columns item, a, d (any order, other columns ignored). */
export async function readAnchorsCsv(path: string): Promise<Map<string, ItemParameters>> {
  const anchors = new Map<string, ItemParameters>();
  await forEachItemRow(
    path,
    'the file is empty (expected a header item,a,d)',
    (fields, lineNumber) => {
      const find = (name: string): number => {
        const c = fields.indexOf(name);
        if (c < 0) throw new CsvError(path, lineNumber, null, name, `the header has no ${JSON.stringify(name)} column (expected item,a,d)`);
        return c;
      };
      return { item: find('item'), a: find('a'), d: find('d'), count: fields.length };
    },
    (fields, cols, id, lineNumber, separator) => {
      const number = (c: number, name: string): number => {
        const text = fields[c] as string;
        const value = text === '' ? NaN : Number(separator === ',' ? text : text.replace(',', '.'));
        if (!Number.isFinite(value)) throw new CsvError(path, lineNumber, c + 1, name, `${JSON.stringify(text)} is not a number`);
        return value;
      };
      const a = number(cols.a, 'a');
      const d = number(cols.d, 'd');
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
  let separator: Separator = ',';
  try {
    await forEachLine(path, (buffer, start, end, lineNumber) => {
      if (isBlank(buffer, start, end)) return;
      const text = buffer.toString('utf8', start, end).replace(/^\uFEFF/, '');
      if (columns === null) separator = detectSeparator(path, text, lineNumber);
      const fields = splitFields(text, separator);
      if (columns === null) {
        columns = header(fields, lineNumber);
        return;
      }
      row(fields, columns, rowItemId(fields, columns, path, lineNumber), lineNumber, separator);
    });
  } catch (error) {
    throw asCsvError(path, error);
  }
  if (columns === null) throw new CsvError(path, null, null, null, emptyMessage);
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

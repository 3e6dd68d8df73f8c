/**
 * Reading a class list file as schools produce it, into rows of cells:
 * - CSV as spreadsheets save it: the encoding is found from the byte order mark, else UTF-8 when the
 *   bytes are valid UTF-8, else Windows-1252 (what Excel writes for "CSV (séparateur : point-virgule)"
 *   on a French Windows); the separator is the one of `;`, `,` and tab found most often on the header line.
 * - .xlsx (Office Open XML, Excel, LibreOffice, Google Sheets) and .ods (OpenDocument, LibreOffice): the
 *   first sheet, read with fflate (zip) and fast-xml-parser (XML), both pure JavaScript. Dates stored as
 *   dates are given back as dd/mm/yyyy, as a CSV would show them.
 * The kind of file is told by its bytes, not its name.
 */
import { unzipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { BOM } from './csv';

export type ClassListEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';
export type ClassListSeparator = ';' | ',' | '\t';

/** Where the rows come from, said back to the teacher when columns are missing. */
export type ClassListSource =
  { kind: 'csv'; encoding: ClassListEncoding; bom: boolean; separator: ClassListSeparator } | { kind: 'xlsx' | 'ods'; sheet: string };

export type ClassListFileKind = 'csv' | 'xlsx' | 'ods' | 'xls' | 'zip';

/** Text of a CSV file: the encoding from the byte order mark, else UTF-8 when valid, else Windows-1252. */
export function decodeClassListText(bytes: Uint8Array): { text: string; encoding: ClassListEncoding; bom: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8', bom: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16LE', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16BE', bom: true };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8', bom: false };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'Windows-1252', bom: false };
  }
}

/** What Windows-1252 puts at 0x80–0x9F (Latin-1 has control characters there); undefined bytes stay as they are. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Windows-1252 by its table: Node 20's TextDecoder('windows-1252') decodes as Latin-1, losing œ, ’, €,
 * « Œ » and the other letters of 0x80–0x9F that French names and Excel's typographic apostrophes use.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...chunk).replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
  }
  return out;
}

/** The separator of the first non-blank line: the most frequent of `;`, `,` and tab outside quotes (`;` on a tie). */
export function detectSeparator(text: string): ClassListSeparator {
  const counts: Record<ClassListSeparator, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  let started = false;
  for (const ch of text.startsWith(BOM) ? text.slice(1) : text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (started) break;
    } else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
    if (ch.trim() !== '') started = true;
  }
  const best = (['\t', ',', ';'] as const).reduce((a, b) => (counts[b] >= counts[a] ? b : a), ';' as ClassListSeparator);
  return counts[best] > 0 ? best : ';';
}

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

/** What the bytes are: a zip (xlsx, ods or another), an old binary Excel file (.xls), else text (CSV). */
export function sniffClassListFile(bytes: Uint8Array): ClassListFileKind {
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'xls';
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'csv';
  try {
    const names = new Set<string>();
    unzipSync(bytes, {
      filter: (f) => {
        names.add(f.name);
        return f.name === 'mimetype';
      },
    });
    if (names.has('xl/workbook.xml')) return 'xlsx';
    if (names.has('content.xml')) return 'ods';
  } catch {
    return 'zip';
  }
  return 'zip';
}

/** A spreadsheet that cannot be read (damaged, or no sheet). */
export class SpreadsheetError extends Error {}

const ARRAYS = new Set([
  'sheet',
  'Relationship',
  'si',
  'r',
  'row',
  'c',
  'xf',
  'numFmt',
  'table',
  'table-row',
  'table-cell',
  'p',
  'table-header-rows',
  'table-row-group',
  'table-rows',
]);

const options = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name: string) => ARRAYS.has(name),
};
const parser = new XMLParser(options);
/** For OpenDocument, paragraphs are kept as written (mixed text, spans and spaces in order) and read by `odsText`. */
const odsParser = new XMLParser({ ...options, stopNodes: ['*.p'] });

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of an OpenDocument paragraph's inner XML: <text:s text:c="n"/> spaces, tabs, line breaks, spans' text. */
function odsText(inner: string): string {
  return inner
    .replace(/<[\w.-]+:s(?:\s+[\w.-]+:c="(\d+)")?\s*\/>/g, (_, n?: string) => ' '.repeat(Math.min(Number(n ?? 1), 100)))
    .replace(/<[\w.-]+:tab\s*\/>/g, '\t')
    .replace(/<[\w.-]+:line-break\s*\/>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? whole),
    );
}

type Node = Record<string, unknown>;
const asNodes = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : []);
const attr = (n: Node, name: string): string | undefined => {
  const v = n[`@${name}`];
  return v === undefined ? undefined : String(v);
};
/** The text of a spreadsheetML element: its own text, or its <t> and rich-text runs <r> (phonetic runs left out). */
function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(textOf).join('');
  const n = v as Node;
  let out = '';
  for (const [key, value] of Object.entries(n)) {
    if (key === '#text') out += String(value);
    else if (key === 't' || key === 'r') out += textOf(value);
  }
  return out;
}

function unzip(bytes: Uint8Array, wanted: (name: string) => boolean): Record<string, string> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => wanted(f.name) });
  } catch {
    throw new SpreadsheetError('zip');
  }
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, new TextDecoder('utf-8').decode(data)]));
}

function xml(text: string | undefined, xmlParser = parser): Node {
  if (text === undefined) return {};
  try {
    return xmlParser.parse(text) as Node;
  } catch {
    throw new SpreadsheetError('xml');
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const frenchDate = (d: Date) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;

/** Index of a column from an A1 reference ("C7" → 2). */
function columnOf(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    if (ch < 'A' || ch > 'Z') break;
    n = n * 26 + (ch.charCodeAt(0) - 64);
  }
  return n - 1;
}

/** Whether an Excel number format shows a date (the built-in ones, or a format code with d, m or y outside quotes and brackets). */
function isDateFormat(id: number, code: string | undefined): boolean {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true;
  if (!code) return false;
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmy]/i.test(bare) && !/^[#0.,\s%]*$/.test(bare);
}

function trimRows(rows: string[][]): string[][] {
  const out = rows.map((r) => {
    let end = r.length;
    while (end > 0 && r[end - 1]!.trim() === '') end--;
    return r.slice(0, end);
  });
  return out.filter((r) => r.length > 0);
}

/** The first sheet of an .xlsx workbook as rows of cells (blank rows left out). */
export function readXlsx(bytes: Uint8Array): { rows: string[][]; sheet: string } {
  const base = unzip(bytes, (n) => n === 'xl/workbook.xml' || n === 'xl/_rels/workbook.xml.rels' || n === 'xl/sharedStrings.xml' || n === 'xl/styles.xml');
  const workbook = xml(base['xl/workbook.xml']).workbook as Node | undefined;
  const first = asNodes((workbook?.sheets as Node | undefined)?.sheet)[0];
  if (!first) throw new SpreadsheetError('noSheet');
  const relId = attr(first, 'id');
  const rel = asNodes((xml(base['xl/_rels/workbook.xml.rels']).Relationships as Node | undefined)?.Relationship).find((r) => attr(r, 'Id') === relId);
  const target = attr(rel ?? {}, 'Target') ?? 'worksheets/sheet1.xml';
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  const sheetXml = unzip(bytes, (n) => n === sheetPath)[sheetPath];
  if (sheetXml === undefined) throw new SpreadsheetError('noSheet');
  const date1904 = ['1', 'true'].includes(attr((workbook?.workbookPr as Node | undefined) ?? {}, 'date1904') ?? '');

  const shared = asNodes((xml(base['xl/sharedStrings.xml']).sst as Node | undefined)?.si).map(textOf);
  const styles = xml(base['xl/styles.xml']).styleSheet as Node | undefined;
  const formats = new Map(asNodes((styles?.numFmts as Node | undefined)?.numFmt).map((f) => [Number(attr(f, 'numFmtId')), attr(f, 'formatCode')]));
  const dateStyles = asNodes((styles?.cellXfs as Node | undefined)?.xf).map((xf) => {
    const id = Number(attr(xf, 'numFmtId') ?? 0);
    return isDateFormat(id, formats.get(id));
  });

  const sheetData = ((xml(sheetXml).worksheet as Node | undefined)?.sheetData as Node | undefined) ?? {};
  const rows: string[][] = [];
  for (const row of asNodes(sheetData.row)) {
    const r = Number(attr(row, 'r') ?? rows.length + 1) - 1;
    const cells: string[] = [];
    asNodes(row.c).forEach((c, i) => {
      const ref = attr(c, 'r');
      const col = ref ? columnOf(ref) : i;
      const type = attr(c, 't') ?? 'n';
      const v = textOf(c.v);
      let value: string;
      if (type === 's') value = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') value = textOf(c.is);
      else if (type === 'd') value = v ? frenchDate(new Date(v.length === 10 ? `${v}T00:00:00Z` : v)) : '';
      else if (type === 'n' && v !== '' && dateStyles[Number(attr(c, 's') ?? 0)]) {
        const serial = Number(v);
        const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
        value = Number.isFinite(serial) ? frenchDate(new Date(epoch + Math.round(serial * 86400) * 1000)) : v;
      } else value = v;
      while (cells.length < col) cells.push('');
      cells[col] = value;
    });
    while (rows.length < r) rows.push([]);
    rows[r] = cells;
  }
  return { rows: trimRows(rows), sheet: attr(first, 'name') ?? '' };
}

/** At most this many copies of a repeated cell or row (spreadsheets repeat empty ones to the sheet's end). */
const MAX_REPEAT = 1000;

/** The first table of an .ods spreadsheet as rows of cells (blank rows left out). */
export function readOds(bytes: Uint8Array): { rows: string[][]; sheet: string } {
  const content = unzip(bytes, (n) => n === 'content.xml')['content.xml'];
  if (content === undefined) throw new SpreadsheetError('noSheet');
  const doc = xml(content, odsParser)['document-content'] as Node | undefined;
  const table = asNodes(((doc?.body as Node | undefined)?.spreadsheet as Node | undefined)?.table)[0];
  if (!table) throw new SpreadsheetError('noSheet');
  const rowNodes: Node[] = [];
  const collect = (n: Node) => {
    for (const [key, value] of Object.entries(n)) {
      if (key === 'table-row') rowNodes.push(...asNodes(value));
      else if (key === 'table-header-rows' || key === 'table-row-group' || key === 'table-rows') asNodes(value).forEach(collect);
    }
  };
  collect(table);
  const rows: string[][] = [];
  for (const row of rowNodes) {
    const cells: string[] = [];
    // Cells covered by a merged cell are left out (their place among the cells is not kept by the parser).
    for (const cell of asNodes(row['table-cell'])) {
      const type = attr(cell, 'value-type');
      const dateValue = attr(cell, 'date-value');
      const value =
        type === 'date' && dateValue
          ? frenchDate(new Date(`${dateValue.slice(0, 10)}T00:00:00Z`))
          : (Array.isArray(cell.p) ? (cell.p as unknown[]) : []).map((p) => odsText(typeof p === 'string' ? p : textOf(p))).join('\n');
      const repeat = Math.min(Number(attr(cell, 'number-columns-repeated') ?? 1), MAX_REPEAT);
      for (let i = 0; i < repeat; i++) cells.push(value);
    }
    const blank = cells.every((c) => c.trim() === '');
    const repeat = blank ? 1 : Math.min(Number(attr(row, 'number-rows-repeated') ?? 1), MAX_REPEAT);
    for (let i = 0; i < repeat; i++) rows.push([...cells]);
  }
  return { rows: trimRows(rows), sheet: attr(table, 'name') ?? '' };
}

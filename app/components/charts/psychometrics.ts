/**
 * What the analysis pages show about a calibration run's items, as pure functions shared by the server
 * queries and the pages: the item row, the flags a psychometrician filters on (the engine's fixed
 * vocabulary plus drift and DIF), how DIF results stored with a run are read, and the table's sorting,
 * filtering and paging from URL search parameters (so that it works without JavaScript).
 */
import { compareParameterSets, ITEM_FLAGS, type DifClass, type DriftStatus, type ItemFlag } from '../../../engine/calibration';
import type { Shape } from './scales';
import type { Tone } from './Chart';

export { ITEM_FLAGS, type ItemFlag };

/** Drift bands drawn around the identity line: |Δb| ≤ 0.3 stable, ≤ 0.5 worth a look, above: review. */
export const DRIFT_BANDS = { look: 0.3, review: 0.5 } as const;

/** The engine's drift status of a difference in b (new − active). */
export function driftStatus(deltaB: number | null | undefined): DriftStatus | null {
  if (deltaB === null || deltaB === undefined || !Number.isFinite(deltaB)) return null;
  const report = compareParameterSets([{ item: 'x', a: 1, d: -deltaB }], [{ item: 'x', a: 1, d: 0 }], DRIFT_BANDS);
  return report.items[0]?.status ?? null;
}

export interface DifEntry {
  /** What was compared (e.g. "locale", "organisationType"); empty when the run stored one comparison. */
  readonly comparison: string;
  readonly referenceGroup: string | null;
  readonly focalGroup: string | null;
  readonly nReference: number | null;
  readonly nFocal: number | null;
  readonly deltaMH: number | null;
  readonly seDelta: number | null;
  readonly pValue: number | null;
  readonly difClass: DifClass | null;
  readonly favours: 'reference' | 'focal' | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function looksLikeDif(v: Record<string, unknown>): boolean {
  return 'deltaMH' in v || 'class' in v || 'alphaMH' in v || 'difClass' in v;
}

function difEntry(v: Record<string, unknown>, comparison: string): DifEntry {
  const cls = v['class'] ?? v['difClass'] ?? v['etsClass'];
  const favours = v['favours'];
  return {
    comparison: str(v['comparison']) ?? str(v['grouping']) ?? str(v['variable']) ?? comparison,
    referenceGroup: str(v['referenceGroup']) ?? str(v['reference']) ?? str(v['referenceLabel']),
    focalGroup: str(v['focalGroup']) ?? str(v['focal']) ?? str(v['focalLabel']),
    nReference: num(v['nReference']) ?? num(v['referenceCount']) ?? num(v['reference']),
    nFocal: num(v['nFocal']) ?? num(v['focalCount']) ?? num(v['focal']),
    deltaMH: num(v['deltaMH']),
    seDelta: num(v['seDelta']),
    pValue: num(v['pValue']),
    difClass: cls === 'A' || cls === 'B' || cls === 'C' ? cls : null,
    favours: favours === 'reference' || favours === 'focal' ? favours : null,
  };
}

/**
 * DIF results as a run stores them on an item (CalibrationItemResult.dif): one engine ItemDif, a list
 * of them (each with its `comparison`), or an object of them keyed by comparison. Anything else: none.
 */
export function parseDif(json: unknown): DifEntry[] {
  if (Array.isArray(json)) return json.filter(isRecord).map((v, i) => difEntry(v, String(i + 1)));
  if (!isRecord(json)) return [];
  if (looksLikeDif(json)) return [difEntry(json, '')];
  return Object.entries(json)
    .filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]) && looksLikeDif(e[1]))
    .map(([key, v]) => difEntry(v, key));
}

/** The worst DIF class of an item (C > B > A), or null when it was not tested. */
export function worstDifClass(entries: readonly DifEntry[]): DifClass | null {
  let worst: DifClass | null = null;
  for (const e of entries) {
    if (e.difClass === 'C') return 'C';
    if (e.difClass === 'B') worst = 'B';
    else if (e.difClass === 'A' && worst === null) worst = 'A';
  }
  return worst;
}

/** One item of a run, with its place in the framework. */
export interface ItemRow {
  readonly challengeId: string;
  readonly key: string;
  readonly type: string;
  readonly status: string;
  readonly competenceCode: string;
  readonly competenceTitle: string;
  readonly tubeName: string;
  readonly tubeTitle: string;
  readonly skillName: string;
  readonly level: number;
  readonly a: number;
  readonly d: number;
  readonly b: number;
  readonly seA: number | null;
  readonly seD: number | null;
  readonly seB: number | null;
  readonly n: number;
  readonly pValue: number;
  readonly pointBiserial: number | null;
  readonly infit: number | null;
  readonly outfit: number | null;
  /** What infit/outfit would be on average if the model were true for this design (null: not stored). */
  readonly expectedInfit: number | null;
  readonly expectedOutfit: number | null;
  readonly anchored: boolean;
  readonly flags: readonly string[];
  readonly driftDeltaB: number | null;
  readonly dif: readonly DifEntry[];
}

/** Flags a psychometrician filters on: the run's own flags, plus drift and DIF. */
export type Signal = ItemFlag | 'drift_look' | 'drift_review' | 'dif_b' | 'dif_c';

export const SIGNALS: readonly Signal[] = [...ITEM_FLAGS, 'drift_look', 'drift_review', 'dif_b', 'dif_c'];

export function itemSignals(row: Pick<ItemRow, 'flags' | 'driftDeltaB' | 'dif'>): Signal[] {
  const out: Signal[] = ITEM_FLAGS.filter((f) => row.flags.includes(f));
  const drift = driftStatus(row.driftDeltaB);
  if (drift === 'look') out.push('drift_look');
  if (drift === 'review') out.push('drift_review');
  const dif = worstDifClass(row.dif);
  if (dif === 'B') out.push('dif_b');
  if (dif === 'C') out.push('dif_c');
  return out;
}

/** How a signal is drawn: a shape and a tone, so colour is never the only cue. */
export const SIGNAL_STYLE: Record<Signal, { shape: Shape; tone: Tone }> = {
  too_few_answers: { shape: 'wye', tone: 'muted' },
  low_discrimination: { shape: 'triangle', tone: 'look' },
  negative_discrimination: { shape: 'cross', tone: 'review' },
  misfit: { shape: 'diamond', tone: 'review' },
  not_converged: { shape: 'square', tone: 'review' },
  drift_look: { shape: 'triangle', tone: 'look' },
  drift_review: { shape: 'diamond', tone: 'review' },
  dif_b: { shape: 'triangle', tone: 'look' },
  dif_c: { shape: 'diamond', tone: 'review' },
};

/** Which signal decides an item's marker on a general chart: the most serious one. */
const SEVERITY: readonly Signal[] = [
  'not_converged',
  'negative_discrimination',
  'misfit',
  'drift_review',
  'dif_c',
  'low_discrimination',
  'drift_look',
  'dif_b',
  'too_few_answers',
];

export function mainSignal(signals: readonly Signal[]): Signal | null {
  return SEVERITY.find((s) => signals.includes(s)) ?? null;
}

// ---------------------------------------------------------------- the parameter table

export const SORT_KEYS = ['key', 'competence', 'tube', 'level', 'a', 'd', 'b', 'n', 'pValue', 'pointBiserial', 'infit', 'outfit', 'drift', 'flags'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type FlagFilter = '' | 'any' | 'none' | 'anchored' | Signal;

export interface TableQuery {
  readonly competence: string;
  readonly tube: string;
  readonly level: number | null;
  readonly flag: FlagFilter;
  readonly sort: SortKey;
  readonly order: 'asc' | 'desc';
  readonly page: number;
}

export const PAGE_SIZE = 100;

/** URL parameter names (French, they are visible in the address bar). */
export const TABLE_PARAMS = {
  competence: 'competence',
  tube: 'sujet',
  level: 'niveau',
  flag: 'indicateur',
  sort: 'tri',
  order: 'ordre',
  page: 'page',
} as const;

export function parseTableQuery(params: URLSearchParams): TableQuery {
  const sort = params.get(TABLE_PARAMS.sort);
  const order = params.get(TABLE_PARAMS.order);
  const level = Number(params.get(TABLE_PARAMS.level));
  const flag = params.get(TABLE_PARAMS.flag) ?? '';
  const page = Number(params.get(TABLE_PARAMS.page));
  return {
    competence: params.get(TABLE_PARAMS.competence) ?? '',
    tube: params.get(TABLE_PARAMS.tube) ?? '',
    level: Number.isInteger(level) && level >= 1 && level <= 8 ? level : null,
    flag: (['', 'any', 'none', 'anchored', ...SIGNALS] as string[]).includes(flag) ? (flag as FlagFilter) : '',
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : 'key',
    order: order === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The search string of a table query (defaults left out), e.g. "?tri=b&ordre=desc". */
export function tableSearch(query: TableQuery, changes: Partial<TableQuery> = {}): string {
  const q = { ...query, ...changes };
  const params = new URLSearchParams();
  if (q.competence) params.set(TABLE_PARAMS.competence, q.competence);
  if (q.tube) params.set(TABLE_PARAMS.tube, q.tube);
  if (q.level !== null) params.set(TABLE_PARAMS.level, String(q.level));
  if (q.flag) params.set(TABLE_PARAMS.flag, q.flag);
  if (q.sort !== 'key') params.set(TABLE_PARAMS.sort, q.sort);
  if (q.order !== 'asc') params.set(TABLE_PARAMS.order, q.order);
  if (q.page > 1) params.set(TABLE_PARAMS.page, String(q.page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function sortValue(row: ItemRow, key: SortKey): number | string | null {
  switch (key) {
    case 'key':
      return row.key;
    case 'competence':
      return `${row.competenceCode.padStart(8, '0')}|${row.tubeName}|${row.level}`;
    case 'tube':
      return `${row.tubeName}|${row.level}`;
    case 'level':
      return row.level;
    case 'drift':
      return row.driftDeltaB === null ? null : Math.abs(row.driftDeltaB);
    case 'flags':
      return itemSignals(row).length;
    default:
      return row[key];
  }
}

function matchesFlag(row: ItemRow, flag: FlagFilter): boolean {
  if (!flag) return true;
  if (flag === 'anchored') return row.anchored;
  const signals = itemSignals(row);
  if (flag === 'any') return signals.length > 0;
  if (flag === 'none') return signals.length === 0;
  return signals.includes(flag);
}

export function filterRows(rows: readonly ItemRow[], query: TableQuery): ItemRow[] {
  return rows.filter(
    (r) =>
      (!query.competence || r.competenceCode === query.competence) &&
      (!query.tube || r.tubeName === query.tube) &&
      (query.level === null || r.level === query.level) &&
      matchesFlag(r, query.flag)
  );
}

/** Sorted copy; missing values (no SE, no drift…) always last; ties by challenge key. */
export function sortRows(rows: readonly ItemRow[], sort: SortKey, order: 'asc' | 'desc'): ItemRow[] {
  const sign = order === 'desc' ? -1 : 1;
  return [...rows].sort((p, q) => {
    const a = sortValue(p, sort);
    const b = sortValue(q, sort);
    const aMissing = a === null || (typeof a === 'number' && !Number.isFinite(a));
    const bMissing = b === null || (typeof b === 'number' && !Number.isFinite(b));
    if (aMissing || bMissing) return aMissing === bMissing ? p.key.localeCompare(q.key) : aMissing ? 1 : -1;
    const c = typeof a === 'string' && typeof b === 'string' ? a.localeCompare(b, 'fr', { numeric: true }) : (a as number) - (b as number);
    return c !== 0 ? sign * c : p.key.localeCompare(q.key);
  });
}

export interface TablePage {
  readonly rows: ItemRow[];
  readonly total: number;
  readonly page: number;
  readonly pages: number;
}

export function tablePage(all: readonly ItemRow[], query: TableQuery): TablePage {
  const sorted = sortRows(filterRows(all, query), query.sort, query.order);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  return { rows: sorted.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), total: sorted.length, page, pages };
}

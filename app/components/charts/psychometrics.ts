/**
 * How the analysis pages show a calibration run's items: the marker of each signal (the signals
 * themselves, drift and DIF included, are the engine's: engine/calibration/signals.ts), and the
 * parameter table's sorting, filtering and paging from URL search parameters (so that it works
 * without JavaScript).
 */
import { itemSignals, SIGNALS, type Signal } from '../../../engine/calibration';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import type { Shape } from './scales';
import type { Tone } from './Chart';

// The item page imports these from here.
export { itemSignals, type ItemRow };

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
      matchesFlag(r, query.flag),
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

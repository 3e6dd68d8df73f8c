/**
 * What a psychometrician filters a run's items on: the run's own flags (ITEM_FLAGS), drift from the set
 * in force and DIF, as one vocabulary of signals ranked by seriousness; and how the DIF results stored
 * with a run are read back. Shared by the analysis queries, the pages and their charts.
 */
import type { DifClass } from './dif';
import { driftStatus } from './drift';
import { ITEM_FLAGS, type ItemFlag } from './items';

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
 * DIF results as a run stores them on an item (CalibrationItemResult.dif): one ItemDif, a list of them
 * (each with its `comparison`), or an object of them keyed by comparison. Anything else: none.
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

/** Flags a psychometrician filters on: the run's own flags, plus drift and DIF. */
export type Signal = ItemFlag | 'drift_look' | 'drift_review' | 'dif_b' | 'dif_c';

export const SIGNALS: readonly Signal[] = [...ITEM_FLAGS, 'drift_look', 'drift_review', 'dif_b', 'dif_c'];

/** The signals from the most to the least serious. */
export const SIGNAL_SEVERITY: readonly Signal[] = [
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

/** What an item's signals are read from: its run flags, its Δb from the set in force, its DIF results. */
export interface SignalSource {
  readonly flags: readonly string[];
  readonly driftDeltaB: number | null;
  readonly dif: readonly DifEntry[];
}

/** An item's signals, in SIGNALS order. */
export function itemSignals(item: SignalSource): Signal[] {
  const out: Signal[] = ITEM_FLAGS.filter((f) => item.flags.includes(f));
  const drift = item.driftDeltaB !== null && Number.isFinite(item.driftDeltaB) ? driftStatus(item.driftDeltaB) : null;
  if (drift === 'look') out.push('drift_look');
  if (drift === 'review') out.push('drift_review');
  const dif = worstDifClass(item.dif);
  if (dif === 'B') out.push('dif_b');
  if (dif === 'C') out.push('dif_c');
  return out;
}

/** The most serious of some signals (which decides an item's marker on a general chart), or null. */
export function mainSignal(signals: readonly Signal[]): Signal | null {
  return SIGNAL_SEVERITY.find((s) => signals.includes(s)) ?? null;
}

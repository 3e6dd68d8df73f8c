/**
 * Drift: how far each item's difficulty moved between two parameter sets on the same metric
 * (typically a new run against the active, approved set).
 *
 * Status by |Δb|: 'stable' up to `look` (0.3), 'look' above it (worth a look), 'review' above
 * `review` (0.5: the item should be reviewed before the new parameters are approved). The thresholds
 * are DRIFT_THRESHOLDS: the worker, the analysis pages, their bands and their labels all use them.
 */
import type { ItemParameters } from '../irt';

export type DriftStatus = 'stable' | 'look' | 'review';

/** The statuses from the least to the most serious. */
export const DRIFT_STATUSES: readonly DriftStatus[] = ['stable', 'look', 'review'];

export interface DriftSettings {
  readonly look?: number;
  readonly review?: number;
}

/** |Δb| above which an item is worth a look, and above which it should be reviewed. */
export const DRIFT_THRESHOLDS: Readonly<Required<DriftSettings>> = Object.freeze({ look: 0.3, review: 0.5 });

/** The status of a difference in b (new − reference). */
export function driftStatus(deltaB: number, settings: DriftSettings = {}): DriftStatus {
  const size = Math.abs(deltaB);
  if (size > (settings.review ?? DRIFT_THRESHOLDS.review)) return 'review';
  if (size > (settings.look ?? DRIFT_THRESHOLDS.look)) return 'look';
  return 'stable';
}

export interface ItemDrift {
  readonly item: string;
  readonly bReference: number;
  readonly bCurrent: number;
  /** bCurrent − bReference. */
  readonly deltaB: number;
  /** aCurrent − aReference. */
  readonly deltaA: number;
  readonly status: DriftStatus;
}

export interface DriftReport {
  readonly items: ItemDrift[];
  /** Items only in the current set (new items) and only in the reference set. */
  readonly onlyInCurrent: string[];
  readonly onlyInReference: string[];
}

/** Item parameters by id: a Map, a plain object, or a list of { item, a, d }. */
export type ParameterSet =
  ReadonlyMap<string, ItemParameters> | Readonly<Record<string, ItemParameters>> | readonly (ItemParameters & { readonly item: string })[];

/** Item parameters by id, from any of the accepted shapes. */
export function toParameterMap(set: ParameterSet): Map<string, ItemParameters> {
  if (set instanceof Map) return new Map(set);
  if (Array.isArray(set)) return new Map((set as readonly (ItemParameters & { item: string })[]).map((p) => [p.item, p] as const));
  return new Map(Object.entries(set as Record<string, ItemParameters>));
}

export function compareParameterSets(current: ParameterSet, reference: ParameterSet, settings: DriftSettings = {}): DriftReport {
  const now = toParameterMap(current);
  const before = toParameterMap(reference);
  const items: ItemDrift[] = [];
  const onlyInCurrent: string[] = [];
  for (const [item, p] of now) {
    const q = before.get(item);
    if (q === undefined) {
      onlyInCurrent.push(item);
      continue;
    }
    const bCurrent = -p.d / p.a;
    const bReference = -q.d / q.a;
    const deltaB = bCurrent - bReference;
    items.push({
      item,
      bReference,
      bCurrent,
      deltaB,
      deltaA: p.a - q.a,
      status: driftStatus(deltaB, settings),
    });
  }
  const onlyInReference = [...before.keys()].filter((item) => !now.has(item));
  return { items, onlyInCurrent, onlyInReference };
}

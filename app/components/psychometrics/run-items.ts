/** What the sections of a run's page share: how many marks are focusable, how long data tables are, item tips. */
import { itemSignals, mainSignal, SIGNAL_SEVERITY, type Signal } from '../../../engine/calibration';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import { formatSigned, formatWithSe } from '~/components/charts/format';
import type { Texts } from '~/components/charts/ui';

/** Marks that can take the keyboard focus on a chart (the most notable items). */
export const MAX_FOCUSABLE = 40;
/** Rows of a chart's data table: the items furthest out (every item is in the parameter table). */
export const TABLE_ROWS = 20;

/** Items ranked by how serious their most serious signal is; the first ones get focusable marks. */
export function severityRank(items: readonly ItemRow[]): Map<string, number> {
  const ranked = items
    .map((i) => ({ id: i.challengeId, s: mainSignal(itemSignals(i)) }))
    .filter((x): x is { id: string; s: Signal } => x.s !== null)
    .sort((x, y) => SIGNAL_SEVERITY.indexOf(x.s) - SIGNAL_SEVERITY.indexOf(y.s));
  return new Map(ranked.map((x, k) => [x.id, k] as const));
}

/** An item's tooltip lines on the run's charts. */
export function itemTip(i: ItemRow, texts: Texts): string[] {
  const { t, locale } = texts;
  const signals = itemSignals(i).map((s) => t(`flag.${s}`));
  return [
    `${i.key} — ${texts.f('common.level', { level: i.level })}`,
    `b = ${formatWithSe(i.b, i.seB, 2, locale)}, a = ${formatWithSe(i.a, i.seA, 2, locale)}`,
    ...(i.driftDeltaB !== null ? [`Δb = ${formatSigned(i.driftDeltaB, 2, locale)}`] : []),
    ...(signals.length > 0 ? [signals.join(', ')] : []),
  ];
}

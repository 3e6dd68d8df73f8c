/** Drift from the set in force: b in force against the new b, with the engine's bands. */
import { Link } from '@remix-run/react';
import { driftStatus, DRIFT_STATUSES, DRIFT_THRESHOLDS, type DriftStatus } from '../../../engine/calibration';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import type { Tone } from '~/components/charts/Chart';
import { ScatterChart, type ScatterItem } from '~/components/charts/ScatterChart';
import type { Shape } from '~/components/charts/scales';
import { SIGNAL_STYLE } from '~/components/charts/psychometrics';
import { formatNumber, formatSigned } from '~/components/charts/format';
import type { Texts } from '~/components/charts/ui';
import { itemTip, MAX_FOCUSABLE, TABLE_ROWS } from './run-items';

/** A drift status's marker: the drift signals' (stable items are plain). */
const STATUS_STYLE: Record<DriftStatus, { shape: Shape; tone: Tone }> = {
  stable: { shape: 'circle', tone: 'normal' },
  look: SIGNAL_STYLE.drift_look,
  review: SIGNAL_STYLE.drift_review,
};

/** How many of the largest drifts get their key written on the chart. */
const LABELLED = 8;

export function DriftSection({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const compared = items.filter((i): i is ItemRow & { driftDeltaB: number } => i.driftDeltaB !== null);
  if (compared.length === 0) {
    return (
      <section className="psy-section" aria-labelledby="derive-titre">
        <h2 id="derive-titre">{t('drift.heading')}</h2>
        <p>{t('drift.none')}</p>
      </section>
    );
  }
  const byDrift = [...compared].sort((p, q) => Math.abs(q.driftDeltaB) - Math.abs(p.driftDeltaB));
  const counts = Object.fromEntries(DRIFT_STATUSES.map((s) => [s, 0])) as Record<DriftStatus, number>;
  for (const i of compared) counts[driftStatus(i.driftDeltaB)]++;
  const points: ScatterItem[] = byDrift.map((i, k) => {
    const status = driftStatus(i.driftDeltaB);
    const flagged = status !== 'stable';
    return {
      id: i.challengeId,
      x: i.b - i.driftDeltaB,
      y: i.b,
      ...STATUS_STYLE[status],
      label: itemTip(i, texts),
      href: `/psychometrie/items/${i.challengeId}?run=${runId}`,
      // Only the largest drifts are labelled (placed clear of each other, with leader lines): the others
      // are told by their marker, their tooltip and the data table.
      tag: flagged && k < LABELLED ? i.key : undefined,
      focusable: flagged && k < MAX_FOCUSABLE,
    };
  });
  const summary = f('drift.summary', { n: compared.length, ...counts });
  return (
    <section className="psy-section" aria-labelledby="derive-titre">
      <h2 id="derive-titre">{t('drift.heading')}</h2>
      <ScatterChart
        id="chart-drift"
        title={t('drift.title')}
        description={f('drift.desc', { summary })}
        xLabel={t('drift.x')}
        yLabel={t('drift.y')}
        items={points}
        square
        identity
        bands={[
          { width: DRIFT_THRESHOLDS.review, className: 'band-look', label: t('drift.legend.look') },
          { width: DRIFT_THRESHOLDS.look, className: 'band-stable', label: t('drift.legend.stable') },
        ]}
        pointsLabel={t('drift.points')}
        locale={locale}
        legend={[
          { label: t('drift.legend.identity'), line: 'solid', lineClass: 'identity' },
          { label: t('drift.legend.stable'), area: 'band-stable' },
          { label: t('drift.legend.normalPoint'), ...STATUS_STYLE.stable },
          { label: t('drift.legend.look'), ...STATUS_STYLE.look },
          { label: t('drift.legend.review'), ...STATUS_STYLE.review },
        ]}
        summary={<p>{summary}</p>}
        dataLabel={t('common.data')}
        data={
          <table className="psy-table">
            <caption>{t('drift.tableNote')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.item')}</th>
                <th scope="col" className="num">
                  {t('drift.table.active')}
                </th>
                <th scope="col" className="num">
                  {t('drift.table.new')}
                </th>
                <th scope="col" className="num">
                  {t('drift.table.delta')}
                </th>
                <th scope="col">{t('drift.table.status')}</th>
              </tr>
            </thead>
            <tbody>
              {byDrift.slice(0, Math.max(TABLE_ROWS, counts.look + counts.review)).map((i) => (
                <tr key={i.challengeId}>
                  <th scope="row">
                    <Link to={`/psychometrie/items/${i.challengeId}?run=${runId}`}>{i.key}</Link>
                  </th>
                  <td className="num">{formatNumber(i.b - i.driftDeltaB, 2, locale)}</td>
                  <td className="num">{formatNumber(i.b, 2, locale)}</td>
                  <td className="num">{formatSigned(i.driftDeltaB, 2, locale)}</td>
                  <td>{t(`drift.status.${driftStatus(i.driftDeltaB)}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </section>
  );
}

/** Fit: each item's infit against its outfit, with the engine's acceptable region. */
import { Link } from '@remix-run/react';
import { DEFAULT_FLAG_THRESHOLDS } from '../../../engine/calibration';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import { ScatterChart, type ScatterItem } from '~/components/charts/ScatterChart';
import { formatNumber } from '~/components/charts/format';
import type { Texts } from '~/components/charts/ui';
import { MAX_FOCUSABLE, TABLE_ROWS } from './run-items';

/** The acceptable ranges the engine's misfit flag applies (to the ratios to their expectation). */
const INFIT = DEFAULT_FLAG_THRESHOLDS.infit;
const OUTFIT = DEFAULT_FLAG_THRESHOLDS.outfit;

/** How far a value is from the middle of a range, in half-widths of the range (above 1: outside). */
function outside(value: number, [low, high]: readonly [number, number]): number {
  return Math.abs(value - (low + high) / 2) / ((high - low) / 2);
}

export function FitSection({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const withFit = items.filter((i) => i.infit !== null && i.outfit !== null);
  if (withFit.length === 0) return null;
  const ratios = withFit.every(
    (i) => i.expectedInfit !== null && i.expectedOutfit !== null && (i.expectedInfit as number) > 0 && (i.expectedOutfit as number) > 0,
  );
  const xOf = (i: ItemRow) => (ratios ? (i.infit as number) / (i.expectedInfit as number) : (i.infit as number));
  const yOf = (i: ItemRow) => (ratios ? (i.outfit as number) / (i.expectedOutfit as number) : (i.outfit as number));
  const misfit = withFit.filter((i) => i.flags.includes('misfit'));
  const distance = (i: ItemRow) => Math.max(outside(xOf(i), INFIT), outside(yOf(i), OUTFIT));
  const misfitOrder = new Map([...misfit].sort((p, q) => distance(q) - distance(p)).map((i, k) => [i.challengeId, k] as const));
  const points: ScatterItem[] = withFit.map((i) => {
    const k = misfitOrder.get(i.challengeId);
    const flagged = k !== undefined;
    return {
      id: i.challengeId,
      x: xOf(i),
      y: yOf(i),
      shape: flagged ? 'diamond' : 'circle',
      tone: flagged ? 'review' : 'normal',
      label: [
        `${i.key} — ${f('common.level', { level: i.level })}`,
        `${t('fit.table.infit')} ${formatNumber(i.infit, 2, locale)}${i.expectedInfit !== null ? ` / ${formatNumber(i.expectedInfit, 2, locale)}` : ''}`,
        `${t('fit.table.outfit')} ${formatNumber(i.outfit, 2, locale)}${i.expectedOutfit !== null ? ` / ${formatNumber(i.expectedOutfit, 2, locale)}` : ''}`,
        ...(flagged ? [t('flag.misfit')] : []),
      ],
      href: `/psychometrie/items/${i.challengeId}?run=${runId}`,
      tag: flagged && (k as number) < 12 ? i.key : undefined,
      focusable: flagged && (k as number) < MAX_FOCUSABLE,
    };
  });
  const summary = f('fit.summary', { misfit: misfit.length, n: withFit.length });
  return (
    <section className="psy-section" aria-labelledby="ajustement-titre">
      <h2 id="ajustement-titre">{t('fit.heading')}</h2>
      <ScatterChart
        id="chart-fit"
        title={t('fit.title')}
        description={f('fit.desc', { summary })}
        xLabel={t(ratios ? 'fit.xRatio' : 'fit.xRaw')}
        yLabel={t(ratios ? 'fit.yRatio' : 'fit.yRaw')}
        items={points}
        region={{ x: INFIT, y: OUTFIT, label: t('fit.legend.ok') }}
        pointsLabel={t('fit.points')}
        locale={locale}
        legend={[
          { label: t('fit.legend.ok'), area: 'band-ok' },
          { label: t('fit.legend.item'), shape: 'circle', tone: 'normal' },
          { label: t('fit.legend.misfit'), shape: 'diamond', tone: 'review' },
        ]}
        summary={
          <>
            <p>{summary}</p>
            <p className="muted">{t(ratios ? 'fit.ratioNote' : 'fit.rawNote')}</p>
          </>
        }
        dataLabel={t('common.data')}
        data={
          <table className="psy-table">
            <caption>{t('fit.tableNote')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.item')}</th>
                <th scope="col" className="num">
                  {t('fit.table.infit')}
                </th>
                <th scope="col" className="num">
                  {t('fit.table.expInfit')}
                </th>
                <th scope="col" className="num">
                  {t('fit.table.outfit')}
                </th>
                <th scope="col" className="num">
                  {t('fit.table.expOutfit')}
                </th>
                <th scope="col">{t('col.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {[...withFit]
                .sort((p, q) => distance(q) - distance(p))
                .slice(0, Math.max(TABLE_ROWS, misfit.length))
                .map((i) => (
                  <tr key={i.challengeId}>
                    <th scope="row">
                      <Link to={`/psychometrie/items/${i.challengeId}?run=${runId}`}>{i.key}</Link>
                    </th>
                    <td className="num">{formatNumber(i.infit, 2, locale)}</td>
                    <td className="num">{formatNumber(i.expectedInfit, 2, locale)}</td>
                    <td className="num">{formatNumber(i.outfit, 2, locale)}</td>
                    <td className="num">{formatNumber(i.expectedOutfit, 2, locale)}</td>
                    <td>{i.flags.includes('misfit') ? t('flag.misfit') : '—'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        }
      />
    </section>
  );
}

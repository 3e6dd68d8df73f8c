/** Measured difficulty by the authors' skill levels: box plots, items, cut scores and the rank correlation. */
import { itemSignals, mainSignal, type Signal } from '../../../engine/calibration';
import type { Tone } from '~/components/charts/Chart';
import type { Shape } from '~/components/charts/scales';
import type { PsychometricsKey } from '~/i18n/psychometrie';
import { boxStats } from '../../../engine/statistics';
import type { RunAnalysis, ItemRow } from '~/models/psychometrics-analysis.server';
import { LevelChart, type LevelItem } from '~/components/charts/LevelChart';
import { SIGNAL_STYLE } from '~/components/charts/psychometrics';
import { formatNumber } from '~/components/charts/format';
import type { Texts } from '~/components/charts/ui';
import { itemTip, MAX_FOCUSABLE, severityRank } from './run-items';

interface LevelSectionProps {
  items: ItemRow[];
  runId: string;
  levelAgreement: RunAnalysis['levelAgreement'];
  cutScores: RunAnalysis['cutScores'];
  texts: Texts;
}

export function LevelSection({ items, runId, levelAgreement, cutScores, texts }: LevelSectionProps) {
  const { t, f, locale } = texts;
  const rank = severityRank(items);
  // One legend entry per marker drawn: each flagged marker says which signals it stands for here.
  const signalsByStyle = new Map<string, { shape: Shape; tone: Tone; signals: Signal[] }>();
  const levelItems: LevelItem[] = items.map((i) => {
    const s = mainSignal(itemSignals(i));
    if (s) {
      const key = `${SIGNAL_STYLE[s].shape}/${SIGNAL_STYLE[s].tone}`;
      const entry = signalsByStyle.get(key) ?? { ...SIGNAL_STYLE[s], signals: [] };
      if (!entry.signals.includes(s)) entry.signals.push(s);
      signalsByStyle.set(key, entry);
    }
    const style = s ? SIGNAL_STYLE[s] : { shape: 'circle' as const, tone: 'normal' as const };
    return {
      id: i.challengeId,
      level: i.level,
      b: i.b,
      shape: style.shape,
      tone: style.tone,
      label: itemTip(i, texts),
      href: `/psychometrie/items/${i.challengeId}?run=${runId}`,
      focusable: (rank.get(i.challengeId) ?? Infinity) < MAX_FOCUSABLE,
    };
  });
  const r = levelAgreement;
  const agreement = r
    ? `${f('levels.rho', {
        rho: formatNumber(r.rho, 2, locale),
        n: r.n,
        p:
          r.pValue === null ? '' : f('levels.rhoP', { p: r.pValue < 0.001 ? `< ${formatNumber(0.001, 3, locale)}` : `= ${formatNumber(r.pValue, 3, locale)}` }),
      })} ${t(r.rho >= 0.7 ? 'levels.good' : r.rho >= 0.4 ? 'levels.fair' : 'levels.poor')}`
    : t('levels.rhoNone');
  const levels = [1, 2, 3, 4, 5, 6, 7, 8];
  const cuts = cutScores?.values;
  return (
    <section className="psy-section" aria-labelledby="niveaux-titre">
      <h2 id="niveaux-titre">{t('levels.heading')}</h2>
      <LevelChart
        id="chart-levels"
        title={t('levels.title')}
        description={f('levels.desc', { agreement })}
        xLabel={t('levels.x')}
        yLabel={t('levels.y')}
        levelLabel={(l) => f('common.levelShort', { level: l })}
        items={levelItems}
        cutScores={cuts}
        pointsLabel={t('levels.points')}
        locale={locale}
        legend={[
          { label: t('levels.legend.item'), shape: 'circle', tone: 'normal' },
          ...[...signalsByStyle.values()].map((e) => ({
            label: f('levels.legend.signals', { signals: e.signals.map((x) => t(`flag.${x}` as PsychometricsKey)).join(', ') }),
            shape: e.shape,
            tone: e.tone,
          })),
          ...(cuts
            ? [
                {
                  label: f('levels.cuts', { version: cutScores?.version ?? '', own: cutScores?.fromThisRun ? t('levels.cutsOwn') : '' }),
                  line: 'dashed' as const,
                  lineClass: 'series-3',
                },
              ]
            : []),
        ]}
        summary={<p data-testid="level-agreement">{agreement}</p>}
        dataLabel={t('common.data')}
        data={
          <table className="psy-table">
            <thead>
              <tr>
                <th scope="col">{t('levels.table.level')}</th>
                <th scope="col" className="num">
                  {t('levels.table.n')}
                </th>
                <th scope="col" className="num">
                  {t('levels.table.min')}
                </th>
                <th scope="col" className="num">
                  {t('levels.table.q1')}
                </th>
                <th scope="col" className="num">
                  {t('levels.table.median')}
                </th>
                <th scope="col" className="num">
                  {t('levels.table.q3')}
                </th>
                <th scope="col" className="num">
                  {t('levels.table.max')}
                </th>
                {cuts ? (
                  <th scope="col" className="num">
                    {t('levels.table.cut')}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {levels.map((l) => {
                const s = boxStats(items.filter((i) => i.level === l).map((i) => i.b));
                return (
                  <tr key={l}>
                    <th scope="row">{l}</th>
                    <td className="num">{s?.n ?? 0}</td>
                    <td className="num">{formatNumber(s?.min, 2, locale)}</td>
                    <td className="num">{formatNumber(s?.q1, 2, locale)}</td>
                    <td className="num">{formatNumber(s?.median, 2, locale)}</td>
                    <td className="num">{formatNumber(s?.q3, 2, locale)}</td>
                    <td className="num">{formatNumber(s?.max, 2, locale)}</td>
                    {cuts ? <td className="num">{formatNumber(cuts[String(l)], 2, locale)}</td> : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        }
      />
    </section>
  );
}

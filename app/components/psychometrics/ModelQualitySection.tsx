/**
 * A run's model quality (issue 18): AIC, BIC, marginal and empirical reliability and the SE method
 * (the CLI's figures, stored by the worker), S-X² item fit with its flags, the test information and
 * its SE per competence (d3 chart with a table alternative), and the θ download.
 */
import { Form, Link } from '@remix-run/react';
import { useState } from 'react';
import { CurveChart, type CurveSeries } from '~/components/charts/CurveChart';
import { formatCount, formatNumber, type Locale } from '~/components/charts/format';
import { fill, useLocale, useMessages } from '~/i18n';
import { qualityMessages, type QualityKey } from '~/i18n/psychometrie-qualite';
import type { RunQuality } from '~/models/calibration.server';
import type { ItemRow, RunHeader } from '~/models/psychometrics-analysis.server';
import { useRootData } from '~/root';

export const SX2_ALPHA = 0.05;

function useQualityTexts() {
  const t = useMessages(qualityMessages);
  const locale = useLocale() as Locale;
  return { t, f: (key: QualityKey, params: Record<string, string | number>) => fill(t(key), params), locale };
}

/** The stored quality of a run summary, or null on runs made before it was recorded. */
export function runQualityOf(summary: Record<string, unknown>): RunQuality | null {
  const q = summary['quality'] as RunQuality | undefined;
  return q && typeof q.aic === 'number' ? q : null;
}

function formatP(p: number, locale: Locale): string {
  return p < 0.001 ? (locale === 'fr' ? '< 0,001' : '< 0.001') : formatNumber(p, 3, locale);
}

export function ModelQualitySection({ run, items }: { run: RunHeader; items: ItemRow[] }) {
  const { t, locale } = useQualityTexts();
  const { csrfToken } = useRootData();
  if (run.status !== 'SUCCEEDED') return null;
  const { summary, id: runId } = run;
  const otherModel = run.model === 'rasch' ? '2pl' : run.model === '2pl' ? 'rasch' : null;
  const competenceIds = Array.isArray(run.settings['competenceIds']) ? (run.settings['competenceIds'] as string[]) : [];
  const quality = runQualityOf(summary);
  const seMethod = typeof summary['standardErrors'] === 'string' ? (summary['standardErrors'] as string) : null;
  const note = typeof summary['standardErrorsNote'] === 'string' ? (summary['standardErrorsNote'] as string) : '';
  // 'observed' is exact by Louis' identity in the process holding the data, by central differences otherwise.
  const seKey = `quality.se.${seMethod === 'observed' && note.includes('central differences') ? 'differences' : seMethod}` as QualityKey;
  const seText = seMethod === null ? '—' : (qualityMessages[locale][seKey] ?? seMethod);
  return (
    <section id="qualite" className="psy-section" aria-labelledby="qualite-titre">
      <h2 id="qualite-titre">{t('quality.heading')}</h2>
      {quality === null ? (
        <p className="psy-note">{t('quality.none')}</p>
      ) : (
        <>
          <dl className="psy-facts" data-testid="model-quality">
            {(
              [
                ['quality.logLik', formatNumber(quality.logLik, 2, locale)],
                ['quality.parameters', formatCount(quality.parameterCount, locale)],
                ['quality.aic', formatNumber(quality.aic, 2, locale)],
                ['quality.bic', formatNumber(quality.bic, 2, locale)],
                ['quality.marginal', formatNumber(quality.marginalReliability, 3, locale)],
                ['quality.empirical', quality.empiricalReliability === null ? '—' : formatNumber(quality.empiricalReliability, 3, locale)],
                ['quality.seMethod', seText],
              ] as [QualityKey, string][]
            ).map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">{t('quality.note')}</p>
          <Sx2Table quality={quality} items={items} runId={runId} />
          <InformationChart quality={quality} />
        </>
      )}
      <p>
        <a href={`/psychometrie/calibrations/${runId}/scores.csv`} download>
          {t('scores.link')}
        </a>
      </p>
      {otherModel && run.maxAnswerId && competenceIds.length <= 1 ? (
        <Form method="post" action="/psychometrie">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="start" />
          <input type="hidden" name="model" value={otherModel} />
          <input type="hidden" name="anchors" value={run.settings['anchors'] === 'keep-live' ? 'keep-live' : 'recalibrate-all'} />
          {run.settings['priors'] !== false ? <input type="hidden" name="priors" value="on" /> : null}
          <input type="hidden" name="competence" value={competenceIds[0] ?? ''} />
          <input type="hidden" name="maxAnswerId" value={run.maxAnswerId} />
          <button type="submit">{t(otherModel === 'rasch' ? 'other.rasch' : 'other.2pl')}</button> <span className="muted">{t('other.hint')}</span>
        </Form>
      ) : null}
    </section>
  );
}

function Sx2Table({ quality, items, runId }: { quality: RunQuality; items: ItemRow[]; runId: string }) {
  const { t, f, locale } = useQualityTexts();
  const rows = items
    .map((item) => ({ item, sx2: quality.sx2[item.challengeId] ?? null }))
    .filter((r): r is { item: ItemRow; sx2: NonNullable<typeof r.sx2> } => r.sx2 !== null)
    .sort((p, q) => p.sx2.p - q.sx2.p);
  return (
    <>
      <h3>{t('sx2.heading')}</h3>
      {rows.length === 0 ? (
        <p className="psy-note" data-testid="sx2-sparse">
          {t('sx2.sparse')}
        </p>
      ) : (
        <>
          <p data-testid="sx2-summary">
            {f('sx2.summary', {
              flagged: rows.filter((r) => r.sx2.p < SX2_ALPHA).length,
              n: rows.length,
              expected: formatNumber(rows.length * SX2_ALPHA, 1, locale),
            })}
          </p>
          <div className="psy-table-scroll" tabIndex={0} role="region" aria-label={t('sx2.caption')}>
            <table className="psy-table" data-testid="sx2-table">
              <caption>{t('sx2.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sx2.col.item')}</th>
                  <th scope="col" className="num">
                    {t('sx2.col.statistic')}
                  </th>
                  <th scope="col" className="num">
                    {t('sx2.col.df')}
                  </th>
                  <th scope="col" className="num">
                    {t('sx2.col.p')}
                  </th>
                  <th scope="col">{t('sx2.col.flag')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ item, sx2 }) => (
                  <tr key={item.challengeId}>
                    <th scope="row">
                      <Link to={`/psychometrie/items/${item.challengeId}?run=${runId}`}>{item.key}</Link>
                    </th>
                    <td className="num">{formatNumber(sx2.statistic, 2, locale)}</td>
                    <td className="num">{sx2.df}</td>
                    <td className="num">{formatP(sx2.p, locale)}</td>
                    <td>{sx2.p < SX2_ALPHA ? <span className="psy-flag tone-review">{t('sx2.flag')}</span> : t('sx2.none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

const DASHES = ['solid', 'dashed', 'dotted'] as const;
const TABLE_THETAS = [-3, -2, -1, 0, 1, 2, 3];

function InformationChart({ quality }: { quality: RunQuality }) {
  const { t, f, locale } = useQualityTexts();
  const [measure, setMeasure] = useState<'information' | 'se'>('information');
  const [competence, setCompetence] = useState<string>('all');
  const { theta, curves } = quality.testInformation;
  if (curves.length === 0) return null;
  const shown = competence === 'all' ? curves : curves.filter((c) => c.competenceId === competence);
  const series: CurveSeries[] = shown.map((c, k) => ({
    id: c.competenceId,
    label: `${c.code} (${c.items})`,
    points: theta.flatMap((x, q) => {
      const y = measure === 'information' ? c.information[q] : c.se[q];
      return typeof y === 'number' && Number.isFinite(y) ? [{ x, y: measure === 'se' ? Math.min(y, 5) : y }] : [];
    }),
    dash: DASHES[Math.floor(k / 3) % 3],
    colour: `series-${(k % 3) + 1}`,
  }));
  const columns = TABLE_THETAS.map((x) => theta.findIndex((v) => Math.abs(v - x) < 1e-9)).filter((q) => q >= 0);
  return (
    <>
      <h3>{t('info.heading')}</h3>
      <div className="psy-controls">
        <label>
          {t('info.measure')}{' '}
          <select value={measure} onChange={(e) => setMeasure(e.target.value === 'se' ? 'se' : 'information')} data-testid="info-measure">
            <option value="information">{t('info.measure.information')}</option>
            <option value="se">{t('info.measure.se')}</option>
          </select>
        </label>{' '}
        <label>
          {t('info.competence')}{' '}
          <select value={competence} onChange={(e) => setCompetence(e.target.value)} data-testid="info-competence">
            <option value="all">{t('info.all')}</option>
            {curves.map((c) => (
              <option key={c.competenceId} value={c.competenceId}>
                {c.code}
              </option>
            ))}
          </select>
        </label>
      </div>
      <CurveChart
        id="chart-test-information"
        title={t('info.title')}
        description={f('info.desc', { measure: t(`info.measure.${measure}`).toLowerCase(), n: shown.length })}
        xLabel={t('info.x')}
        yLabel={t(`info.y.${measure}`)}
        xDomain={[theta[0] ?? -4, theta[theta.length - 1] ?? 4]}
        series={series}
        locale={locale}
        dataLabel={t('info.data')}
        data={
          <table className="psy-table" data-testid="info-table">
            <caption>{t('info.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('info.col.competence')}</th>
                {columns.map((q) => (
                  <th key={q} scope="col" className="num">
                    θ = {formatNumber(theta[q], 0, locale)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {curves.map((c) => (
                <tr key={c.competenceId}>
                  <th scope="row">
                    {c.code} ({c.items})
                  </th>
                  {columns.map((q) => (
                    <td key={q} className="num">
                      {f('info.cell', { information: formatNumber(c.information[q], 2, locale), se: formatNumber(c.se[q], 2, locale) })}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </>
  );
}

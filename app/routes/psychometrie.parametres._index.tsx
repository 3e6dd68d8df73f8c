/** The parameter sets: every version, which one is in force, who approved it and when, its cut scores; the exports. */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { listParameterSets } from '~/models/parameter-set.server';
import { listRuns } from '~/models/calibration.server';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import calibrationStyles from '~/styles/calibration.css';
import { metaLocale } from '~/i18n';
import { calibrationMessages, useCalibrationTexts } from '~/i18n/psychometrie-calibrations';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: calibrationMessages[metaLocale(matches)]['meta.sets'] }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const [sets, runs] = await Promise.all([listParameterSets(db()), listRuns(db(), { take: 30 })]);
  return {
    sets,
    runs: runs.filter((r) => r.status === 'SUCCEEDED').map((r) => ({ id: r.id, createdAt: r.createdAt, answers: r.answers })),
  };
}

export default function ParameterSets() {
  const { sets, runs } = useLoaderData<typeof loader>();
  const levels = [...new Set(sets.flatMap((s) => Object.keys(s.cutScores).map(Number)))].sort((x, y) => x - y);
  const { t, f, locale } = useCalibrationTexts();
  return (
    <>
      <p>
        <Link to="/psychometrie">{t('common.backToRuns')}</Link>
      </p>
      <h1>{t('sets.title')}</h1>
      <p>{t('sets.intro')}</p>
      {sets.length === 0 ? (
        <p>{t('sets.none')}</p>
      ) : (
        <div className="calib-scroll" role="region" aria-label={t('sets.region')} tabIndex={0}>
          <table className="calib-table">
            <caption className="visually-hidden">{t('sets.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sets.col.version')}</th>
                <th scope="col">{t('sets.col.state')}</th>
                <th scope="col">{t('common.approvedAt')}</th>
                <th scope="col">{t('common.by')}</th>
                <th scope="col" className="num">
                  {t('sets.col.items')}
                </th>
                {levels.map((l) => (
                  <th key={l} scope="col" className="num">
                    {f('sets.col.cut', { level: l })}
                  </th>
                ))}
                <th scope="col">{t('common.sourceRun')}</th>
                <th scope="col">{t('common.note')}</th>
                <th scope="col">{t('sets.col.export')}</th>
              </tr>
            </thead>
            <tbody>
              {sets.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/psychometrie/parametres/${s.version}`}>{f('common.versionTitle', { version: s.version })}</Link>
                  </th>
                  <td>{s.active ? <span className="calib-active">{t('common.inForce')}</span> : <span className="muted">{t('sets.replaced')}</span>}</td>
                  <td>{formatDateTime(s.approvedAt, locale)}</td>
                  <td>{s.approvedBy ?? '—'}</td>
                  <td className="num">{formatInteger(s.items, locale)}</td>
                  {levels.map((l) => (
                    <td key={l} className="num">
                      {formatNumber(s.cutScores[String(l)] ?? null, 2, locale)}
                    </td>
                  ))}
                  <td>
                    {s.sourceRun ? (
                      <Link to={`/psychometrie/calibrations/${s.sourceRun.id}`}>
                        {f('sets.sourceRun', { date: formatDateTime(s.sourceRun.createdAt, locale) })}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {s.restoredFromVersion !== null ? (
                      <>
                        <strong>
                          {t('sets.restores')}
                          <Link to={`/psychometrie/parametres/${s.restoredFromVersion}`}>{f('common.versionLink', { version: s.restoredFromVersion })}</Link>
                        </strong>
                        {t('common.colon')}
                      </>
                    ) : null}
                    {s.note || (s.restoredFromVersion !== null ? '' : '—')}
                  </td>
                  <td>
                    <a href={`/psychometrie/parametres/${s.version}/export.csv`} download>
                      {t('sets.csv')}
                      <span className="visually-hidden">{f('sets.csvHidden', { version: s.version })}</span>
                    </a>{' '}
                    <a href={`/psychometrie/parametres/${s.version}/export.csv?format=tableur`} download>
                      {t('sets.spreadsheet')}
                      <span className="visually-hidden">{f('sets.spreadsheetHidden', { version: s.version })}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section className="panel" aria-labelledby="exports-titre" style={{ marginTop: '1.5rem' }}>
        <h2 id="exports-titre">{t('sets.exports')}</h2>
        <ul>
          <li>
            <a href="/psychometrie/exports/matrice-reponses.csv" download>
              {t('sets.matrix')}
            </a>{' '}
            (
            <a href="/psychometrie/exports/matrice-reponses.csv?format=tableur" download>
              {t('sets.matrixSpreadsheet')}
            </a>
            {t('sets.matrixSpreadsheetNote')}){t('sets.matrixText')}
            <code>npm run cli -- calibrate</code>
            {t('sets.matrixAnd')}
            <code>read.csv</code>
            {t('sets.matrixThen')}
          </li>
          <li>
            {t('sets.paramsText')}
            <code>item,a,d,b,se_a,se_d,se_b,…</code>
            {t('sets.paramsAnchors')}
            <code>--anchors</code>
            {t('sets.paramsCli')}
          </li>
        </ul>
        {runs.length > 0 ? (
          <>
            <h3>{t('sets.runData')}</h3>
            <ul>
              {runs.slice(0, 8).map((r) => (
                <li key={r.id}>
                  <a href={`/psychometrie/exports/matrice-reponses.csv?calibration=${r.id}`} download>
                    {f('sets.runMatrix', { date: formatDateTime(r.createdAt, locale) })}
                  </a>{' '}
                  (
                  <a href={`/psychometrie/exports/matrice-reponses.csv?calibration=${r.id}&format=tableur`} download>
                    {t('sets.runMatrixSpreadsheet')}
                  </a>
                  ) {f('sets.runAnswers', { answers: formatInteger(r.answers, locale) })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </>
  );
}

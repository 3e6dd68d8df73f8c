/**
 * One calibration run, as a psychometrician reviews it before approval: what was run and how it went,
 * the parameter table (sorted and filtered through the address, so it works without JavaScript), the
 * measured difficulty by the authors' skill levels, drift from the set in force, DIF, fit, the persons'
 * and items' map, and the place of the approval form.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator, type ShouldRevalidateFunction } from '@remix-run/react';
import { useEffect } from 'react';
import { requireSpace } from '~/lib/session.server';
import { notFound } from '~/lib/http-error.server';
import { db } from '~/lib/db.server';
import { getRunAnalysis, type ItemRow } from '~/models/psychometrics-analysis.server';
import chartStyles from '~/styles/charts.css';
import { fill, metaLocale } from '~/i18n';
import { psychometricsMessages } from '~/i18n/psychometrie';
import { formatDateTime } from '~/components/charts/format';
import { PsyNav, RunStatus, useTexts } from '~/components/charts/ui';
import { RunFacts } from '~/components/psychometrics/RunFacts';
import { ParameterTable, SignalSummary } from '~/components/psychometrics/ParameterTable';
import { LevelSection } from '~/components/psychometrics/LevelSection';
import { DriftSection } from '~/components/psychometrics/DriftSection';
import { DifSection } from '~/components/psychometrics/DifSection';
import { FitSection } from '~/components/psychometrics/FitSection';
import { RunWrightSection } from '~/components/psychometrics/RunWrightSection';
import { ModelQualitySection } from '~/components/psychometrics/ModelQualitySection';
import { DiagnosticsSections } from '~/components/psychometrics/DiagnosticsSections';
import { diagnosticsChanged, parseDiagnosticsQuery } from '~/lib/psychometrics-diagnostics';
import { getRunDiagnostics } from '~/models/psychometrics-diagnostics.server';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = metaLocale(matches);
  const say = psychometricsMessages[locale];
  return [{ title: data ? fill(say['meta.run'], { date: formatDateTime(data.run.createdAt, locale) }) : say['meta.runNotFound'] }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const analysis = await getRunAnalysis(db(), params.id ?? '');
  if (!analysis) throw notFound('calibration');
  const diagnosticsQuery = parseDiagnosticsQuery(new URL(request.url).searchParams);
  return { ...analysis, diagnosticsQuery, diagnostics: await getRunDiagnostics(db(), analysis, diagnosticsQuery) };
}

/** Sorting, filtering and paging the table only change the address: the run itself is immutable. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  // Same page, other table parameters: nothing to reload. (Same address: an explicit revalidation, e.g.
  // the refresh of a running run's progress.)
  if ((!formMethod || formMethod === 'GET') && currentUrl.pathname === nextUrl.pathname && currentUrl.search !== nextUrl.search) {
    return diagnosticsChanged(currentUrl, nextUrl); // the diagnostics sections are computed from the address
  }
  return defaultShouldRevalidate;
};

export default function RunPage() {
  const data = useLoaderData<typeof loader>();
  const texts = useTexts();
  const { t, f, locale } = texts;
  const { run } = data;
  const revalidator = useRevalidator();
  const unfinished = run.status === 'QUEUED' || run.status === 'RUNNING';
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [unfinished, revalidator]);
  const items = data.items as ItemRow[];
  const percent = typeof run.progress?.['percent'] === 'number' ? (run.progress['percent'] as number) : null;
  return (
    <>
      <PsyNav texts={texts} />
      <div className="psy-title-row">
        <h1>{f('run.title', { date: formatDateTime(run.createdAt, locale) })}</h1>
        <RunStatus status={run.status} texts={texts} />
      </div>
      {run.status === 'FAILED' ? <p className="psy-warning">{f('run.failed', { error: run.error ?? '—' })}</p> : null}
      {unfinished ? (
        <p className="psy-note" role="status">
          {t('run.notFinished')} {percent !== null ? f('run.progress', { percent: Math.round(percent) }) : null}
        </p>
      ) : null}
      {run.status === 'SUCCEEDED' && run.converged === false ? (
        <p className="psy-warning" role="alert">
          {t('run.notConverged')}
        </p>
      ) : null}
      <ul className="psy-links">
        {data.activeSourceRunId && data.activeSourceRunId !== run.id ? (
          <li>
            <Link to={`/psychometrie/comparaison?a=${data.activeSourceRunId}&b=${run.id}`}>{t('run.links.compareActive')}</Link>
          </li>
        ) : null}
        <li>
          <Link to={`/psychometrie/comparaison?b=${run.id}`}>{t('run.links.compareAny')}</Link>
        </li>
        <li>
          <Link to="/psychometrie/banque">{t('run.links.bank')}</Link>
        </li>
      </ul>
      <RunFacts run={run} texts={texts} />
      {items.length > 0 ? (
        <>
          <SignalSummary items={items} texts={texts} />
          <ParameterTable items={items} runId={run.id} texts={texts} />
          <LevelSection items={items} runId={run.id} levelAgreement={data.levelAgreement} cutScores={data.cutScores} texts={texts} />
          <DriftSection items={items} runId={run.id} texts={texts} />
          <DifSection items={items} runId={run.id} summary={run.summary} texts={texts} />
          <FitSection items={items} runId={run.id} texts={texts} />
          <ModelQualitySection run={run} items={items} />
          {data.personBins.length > 0 ? <RunWrightSection items={items} bins={data.personBins} runId={run.id} texts={texts} /> : null}
          <DiagnosticsSections items={items} runId={run.id} summary={run.summary} diagnostics={data.diagnostics} query={data.diagnosticsQuery} texts={texts} />
        </>
      ) : run.status === 'SUCCEEDED' ? (
        <p>{t('run.noItems')}</p>
      ) : null}
      <section id="approbation" className="psy-section psy-approval" aria-labelledby="approbation-titre">
        <h2 id="approbation-titre">{t('approval.heading')}</h2>
        <p>
          <Link className="button" to={`/psychometrie/calibrations/${run.id}/approbation`}>
            {t('approval.link')}
          </Link>
        </p>
      </section>
    </>
  );
}

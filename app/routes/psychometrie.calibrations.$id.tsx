/**
 * One calibration run, as a psychometrician reviews it before approval: what was run and how it went,
 * the parameter table (sorted and filtered through the address, so it works without JavaScript), the
 * measured difficulty by the authors' skill levels, drift from the set in force, DIF, fit, the persons'
 * and items' map, and the place of the approval form.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator, useSearchParams, type ShouldRevalidateFunction } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { getRunAnalysis } from '~/models/psychometrics-analysis.server';
import chartStyles from '~/styles/charts.css';
import { LevelChart, type LevelItem } from '~/components/charts/LevelChart';
import { ScatterChart, type ScatterItem } from '~/components/charts/ScatterChart';
import { WrightMap } from '~/components/charts/WrightMap';
import { boxStats } from '../../engine/statistics';
import {
  DRIFT_BANDS,
  SIGNALS,
  SIGNAL_STYLE,
  driftStatus,
  itemSignals,
  mainSignal,
  parseTableQuery,
  tablePage,
  tableSearch,
  type ItemRow,
  type Signal,
  type SortKey,
  type TableQuery,
} from '~/components/charts/psychometrics';
import { formatCount, formatDateTime, formatDuration, formatNumber, formatPercent, formatSigned, formatWithSe } from '~/components/charts/format';
import { PsyNav, RunStatus, SignalBadge, WrightTable, useTexts, type Texts } from '~/components/charts/ui';
import type { PsychometricsKey } from '~/i18n/psychometrie';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Calcul du ${formatDateTime(data.run.createdAt)} – Psychométrie` : 'Calcul introuvable – Psychométrie' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const analysis = await getRunAnalysis(db(), params.id ?? '');
  if (!analysis) throw new Response('Ce calcul de calibration n’existe pas.', { status: 404 });
  return analysis;
}

/** Sorting, filtering and paging the table only change the address: the run itself is immutable. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  // Same page, other table parameters: nothing to reload. (Same address: an explicit revalidation, e.g.
  // the refresh of a running run's progress.)
  if ((!formMethod || formMethod === 'GET') && currentUrl.pathname === nextUrl.pathname && currentUrl.search !== nextUrl.search) return false;
  return defaultShouldRevalidate;
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const MAX_FOCUSABLE = 40;
/** Rows of a chart's data table: the items furthest out (every item is in the parameter table). */
const TABLE_ROWS = 20;

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
      <RunFacts data={data} texts={texts} />
      {items.length > 0 ? (
        <>
          <SignalSummary items={items} texts={texts} />
          <ParameterTable items={items} runId={run.id} texts={texts} />
          <LevelSection data={data} texts={texts} />
          <DriftSection items={items} runId={run.id} texts={texts} />
          <DifSection items={items} runId={run.id} summary={run.summary} texts={texts} />
          <FitSection items={items} runId={run.id} texts={texts} />
          {data.personBins.length > 0 ? <RunWrightSection data={data} texts={texts} /> : null}
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

// ---------------------------------------------------------------- header

function RunFacts({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const { run } = data;
  const latent = run.summary['latent'] as { mean?: number; sd?: number } | undefined;
  const seMethod = typeof run.summary['standardErrors'] === 'string' ? (run.summary['standardErrors'] as string) : null;
  const facts: [string, string][] = [
    [t('run.model'), run.model === '2pl' || run.model === 'rasch' ? t(`model.${run.model}`) : run.model],
    [t('run.trigger'), t(`trigger.${run.trigger}` as PsychometricsKey) ?? run.trigger],
    [t('run.persons'), formatCount(run.persons, locale)],
    [t('run.answers'), formatCount(run.answers, locale)],
    [t('run.items'), formatCount(run.itemCount, locale)],
    [t('run.logLik'), formatNumber(run.logLik, 2, locale)],
    [t('run.iterations'), formatCount(run.iterations, locale)],
    [t('run.converged'), run.converged === null ? '—' : run.converged ? t('run.convergedYes') : t('run.convergedNo')],
    [t('run.duration'), formatDuration(run.seconds, locale)],
    [t('run.created'), formatDateTime(run.createdAt, locale)],
    [t('run.finished'), formatDateTime(run.finishedAt, locale)],
  ];
  if (run.status === 'SUCCEEDED') facts.push([t('run.review'), t(`review.${run.review.status}`)]);
  if (run.requestedBy) facts.splice(2, 0, [t('run.requestedBy'), run.requestedBy]);
  if (latent && typeof latent.mean === 'number' && typeof latent.sd === 'number') {
    facts.push([t('run.latent'), f('run.latentValue', { mean: formatNumber(latent.mean, 2, locale), sd: formatNumber(latent.sd, 2, locale) })]);
  }
  if (seMethod) facts.push([t('run.seMethod'), seMethod]);
  if (run.maxAnswerId) facts.push([t('run.snapshot'), f('run.snapshotValue', { id: run.maxAnswerId })]);
  for (const set of run.approvedAs)
    facts.push([t('run.approvedAs'), f('run.approvedAsValue', { version: set.version, active: set.active ? t('run.activeSuffix') : '' })]);
  return (
    <section className="panel" aria-labelledby="resume-titre">
      <h2 id="resume-titre" className="visually-hidden">
        {t('run.facts')}
      </h2>
      <dl className="psy-facts">
        {facts.map(([label, value]) => (
          <div key={label + value}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {run.review.status !== 'PENDING' && run.review.by ? (
        <p>
          {f('run.reviewedBy', { status: t(`review.${run.review.status}`), name: run.review.by, date: formatDateTime(run.review.at, locale) })}
          {run.review.reason ? ` ${f('run.rejection', { reason: run.review.reason })}` : null}
        </p>
      ) : null}
      <details className="psy-settings">
        <summary>{t('run.settings')}</summary>
        <dl>
          {Object.entries(run.settings).map(([key, value]) => (
            <div key={key} style={{ display: 'contents' }}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}

function SignalSummary({ items, texts }: { items: ItemRow[]; texts: Texts }) {
  const [params] = useSearchParams();
  const query = parseTableQuery(params);
  const counts = new Map<Signal, number>();
  for (const item of items) for (const s of itemSignals(item)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const present = SIGNALS.filter((s) => counts.has(s));
  return (
    <section className="psy-section" aria-labelledby="indicateurs-titre">
      <h2 id="indicateurs-titre">{texts.t('run.signals')}</h2>
      {present.length === 0 ? (
        <p>{texts.t('table.flag.none')}</p>
      ) : (
        <>
          <p className="muted">{texts.t('run.signalsIntro')}</p>
          <ul className="psy-flag-counts">
            {present.map((s) => (
              <li key={s}>
                <Link
                  to={`${tableSearch(query, { flag: s, page: 1 })}#parametres`}
                  preventScrollReset
                  aria-label={texts.f('run.signalCount', { label: texts.t(`flag.${s}`), n: counts.get(s) ?? 0 })}
                >
                  <SignalBadge signal={s} texts={texts} /> {counts.get(s)}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------- parameter table

const COLUMNS: { key: SortKey; label: PsychometricsKey; long: PsychometricsKey; numeric?: boolean }[] = [
  { key: 'key', label: 'col.key', long: 'colLong.key' },
  { key: 'competence', label: 'col.competence', long: 'colLong.competence' },
  { key: 'tube', label: 'col.tube', long: 'colLong.tube' },
  { key: 'level', label: 'col.level', long: 'colLong.level', numeric: true },
  { key: 'flags', label: 'col.flags', long: 'colLong.flags' },
  { key: 'a', label: 'col.a', long: 'colLong.a', numeric: true },
  { key: 'd', label: 'col.d', long: 'colLong.d', numeric: true },
  { key: 'b', label: 'col.b', long: 'colLong.b', numeric: true },
  { key: 'n', label: 'col.n', long: 'colLong.n', numeric: true },
  { key: 'pValue', label: 'col.pValue', long: 'colLong.pValue', numeric: true },
  { key: 'pointBiserial', label: 'col.pointBiserial', long: 'colLong.pointBiserial', numeric: true },
  { key: 'infit', label: 'col.infit', long: 'colLong.infit', numeric: true },
  { key: 'outfit', label: 'col.outfit', long: 'colLong.outfit', numeric: true },
  { key: 'drift', label: 'col.drift', long: 'colLong.drift', numeric: true },
];

function ParameterTable({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const [params] = useSearchParams();
  const query = parseTableQuery(params);
  const page = tablePage(items, query);
  const competences = [...new Map(items.map((i) => [i.competenceCode, i.competenceTitle] as const)).entries()].sort((x, y) =>
    x[0].localeCompare(y[0], 'fr', { numeric: true })
  );
  const [competence, setCompetence] = useState(query.competence);
  useEffect(() => setCompetence(query.competence), [query.competence]);
  const tubes = [...new Set(items.filter((i) => !competence || i.competenceCode === competence).map((i) => `${i.competenceCode}|${i.tubeName}`))].sort();
  const sortLabel = t((COLUMNS.find((c) => c.key === query.sort) ?? COLUMNS[0]!).long);
  return (
    <section className="psy-section" id="parametres" aria-labelledby="parametres-titre">
      <h2 id="parametres-titre">{t('table.title')}</h2>
      {/* Keyed by the address, so that its fields show the filters in force after every navigation. */}
      <Form key={params.toString()} method="get" className="panel psy-filters" role="search" aria-label={t('table.filters')} preventScrollReset>
        <div className="psy-field">
          <label htmlFor="f-competence">{t('table.competence')}</label>
          <select id="f-competence" name="competence" defaultValue={query.competence} onChange={(e) => setCompetence(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {competences.map(([code, title]) => (
              <option key={code} value={code}>
                {code} {title}
              </option>
            ))}
          </select>
        </div>
        <div className="psy-field">
          <label htmlFor="f-sujet">{t('table.tube')}</label>
          <select id="f-sujet" name="sujet" defaultValue={query.tube} key={competence}>
            <option value="">{t('table.allTubes')}</option>
            {tubes.map((k) => {
              const [code, name] = k.split('|') as [string, string];
              return (
                <option key={k} value={name}>
                  {name} ({code})
                </option>
              );
            })}
          </select>
        </div>
        <div className="psy-field">
          <label htmlFor="f-niveau">{t('table.level')}</label>
          <select id="f-niveau" name="niveau" defaultValue={query.level ?? ''}>
            <option value="">{t('table.allLevels')}</option>
            {[1, 2, 3, 4, 5, 6, 7, 8].map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="psy-field">
          <label htmlFor="f-indicateur">{t('table.flag')}</label>
          <select id="f-indicateur" name="indicateur" defaultValue={query.flag}>
            <option value="">{t('common.all')}</option>
            <option value="any">{t('table.flag.any')}</option>
            <option value="none">{t('table.flag.none')}</option>
            {SIGNALS.map((s) => (
              <option key={s} value={s}>
                {t(`flag.${s}`)}
              </option>
            ))}
            <option value="anchored">{t('flag.anchored')}</option>
          </select>
        </div>
        {query.sort !== 'key' ? <input type="hidden" name="tri" value={query.sort} /> : null}
        {query.order !== 'asc' ? <input type="hidden" name="ordre" value={query.order} /> : null}
        <div className="psy-actions">
          <button type="submit" className="primary">
            {t('common.apply')}
          </button>
          <Link to="?" preventScrollReset>
            {t('common.reset')}
          </Link>
        </div>
      </Form>
      {page.total === 0 ? (
        <p role="status">{t('table.empty')}</p>
      ) : (
        <>
          <div className="psy-table-scroll" role="region" aria-label={t('table.scroll')} tabIndex={0}>
            <table className="psy-table" data-testid="parameter-table">
              <caption>
                {f('table.caption', { shown: page.total, total: items.length, sort: sortLabel, order: t(query.order === 'asc' ? 'table.asc' : 'table.desc') })}
              </caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <SortHeader key={c.key} column={c} query={query} texts={texts} />
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <tr key={r.challengeId}>
                    <th scope="row">
                      <Link to={`/psychometrie/items/${r.challengeId}?run=${runId}`}>{r.key}</Link>
                    </th>
                    <td>
                      <abbr title={r.competenceTitle}>{r.competenceCode}</abbr>
                    </td>
                    <td>{r.tubeName}</td>
                    <td className="num">{r.level}</td>
                    <td className="wrap">
                      {r.anchored ? <SignalBadge signal="anchored" texts={texts} /> : null}
                      {itemSignals(r).map((s) => (
                        <SignalBadge key={s} signal={s} texts={texts} />
                      ))}
                    </td>
                    <td className="num">{r.anchored ? formatNumber(r.a, 2, locale) : formatWithSe(r.a, r.seA, 2, locale)}</td>
                    <td className="num">{formatWithSe(r.d, r.seD, 2, locale)}</td>
                    <td className="num">{formatWithSe(r.b, r.seB, 2, locale)}</td>
                    <td className="num">{formatCount(r.n, locale)}</td>
                    <td className="num">{formatPercent(r.pValue, 0, locale)}</td>
                    <td className="num">{formatNumber(r.pointBiserial, 2, locale)}</td>
                    <td className="num">{formatNumber(r.infit, 2, locale)}</td>
                    <td className="num">{formatNumber(r.outfit, 2, locale)}</td>
                    <td className="num">{formatSigned(r.driftDeltaB, 2, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.pages > 1 ? (
            <nav className="psy-pages" aria-label={f('table.page', { page: page.page, pages: page.pages })}>
              {page.page > 1 ? (
                <Link to={`${tableSearch(query, { page: page.page - 1 })}#parametres`} preventScrollReset>
                  {t('table.previous')}
                </Link>
              ) : null}
              <span>{f('table.page', { page: page.page, pages: page.pages })}</span>
              {page.page < page.pages ? (
                <Link to={`${tableSearch(query, { page: page.page + 1 })}#parametres`} preventScrollReset>
                  {t('table.next')}
                </Link>
              ) : null}
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}

function SortHeader({ column, query, texts }: { column: (typeof COLUMNS)[number]; query: TableQuery; texts: Texts }) {
  const active = query.sort === column.key;
  // Numbers start with the largest first when they are first chosen (largest drift, most answers…).
  const firstOrder = column.numeric && column.key !== 'level' && column.key !== 'b' && column.key !== 'a' && column.key !== 'd' ? 'desc' : 'asc';
  const next = active ? (query.order === 'asc' ? 'desc' : 'asc') : firstOrder;
  return (
    <th scope="col" className={column.numeric ? 'num' : undefined} aria-sort={active ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link
        to={`${tableSearch(query, { sort: column.key, order: next, page: 1 })}#parametres`}
        preventScrollReset
        title={texts.f('table.sortBy', { column: texts.t(column.long) })}
      >
        {texts.t(column.label)}
        {active ? <span aria-hidden="true">{query.order === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </Link>
    </th>
  );
}

// ---------------------------------------------------------------- charts

/** Items ranked by how serious their most serious signal is; the first ones get focusable marks. */
function severityRank(items: readonly ItemRow[]): Map<string, number> {
  const order = ['not_converged', 'negative_discrimination', 'misfit', 'drift_review', 'dif_c', 'low_discrimination', 'drift_look', 'dif_b', 'too_few_answers'];
  const ranked = items
    .map((i) => ({ id: i.challengeId, s: mainSignal(itemSignals(i)) }))
    .filter((x) => x.s !== null)
    .sort((x, y) => order.indexOf(x.s as string) - order.indexOf(y.s as string));
  return new Map(ranked.map((x, k) => [x.id, k] as const));
}

function itemTip(i: ItemRow, texts: Texts): string[] {
  const { t, locale } = texts;
  const signals = itemSignals(i).map((s) => t(`flag.${s}`));
  return [
    `${i.key} — ${texts.f('common.level', { level: i.level })}`,
    `b = ${formatWithSe(i.b, i.seB, 2, locale)}, a = ${formatWithSe(i.a, i.seA, 2, locale)}`,
    ...(i.driftDeltaB !== null ? [`Δb = ${formatSigned(i.driftDeltaB, 2, locale)}`] : []),
    ...(signals.length > 0 ? [signals.join(', ')] : []),
  ];
}

function LevelSection({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const items = data.items as ItemRow[];
  const runId = data.run.id;
  const rank = severityRank(items);
  const levelItems: LevelItem[] = items.map((i) => {
    const s = mainSignal(itemSignals(i));
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
  const r = data.levelAgreement;
  const agreement = r
    ? `${f('levels.rho', {
        rho: formatNumber(r.rho, 2, locale),
        n: r.n,
        p:
          r.pValue === null ? '' : f('levels.rhoP', { p: r.pValue < 0.001 ? `< ${formatNumber(0.001, 3, locale)}` : `= ${formatNumber(r.pValue, 3, locale)}` }),
      })} ${t(r.rho >= 0.7 ? 'levels.good' : r.rho >= 0.4 ? 'levels.fair' : 'levels.poor')}`
    : t('levels.rhoNone');
  const levels = [1, 2, 3, 4, 5, 6, 7, 8];
  const cuts = data.cutScores?.values;
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
          { label: t('levels.legend.flagged'), shape: 'diamond', tone: 'review' },
          ...(cuts
            ? [
                {
                  label: f('levels.cuts', { version: data.cutScores?.version ?? '', own: data.cutScores?.fromThisRun ? t('levels.cutsOwn') : '' }),
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

function DriftSection({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const compared = items.filter((i) => i.driftDeltaB !== null);
  if (compared.length === 0) {
    return (
      <section className="psy-section" aria-labelledby="derive-titre">
        <h2 id="derive-titre">{t('drift.heading')}</h2>
        <p>{t('drift.none')}</p>
      </section>
    );
  }
  const byDrift = [...compared].sort((p, q) => Math.abs(q.driftDeltaB as number) - Math.abs(p.driftDeltaB as number));
  const counts = { stable: 0, look: 0, review: 0 };
  for (const i of compared) counts[driftStatus(i.driftDeltaB) ?? 'stable']++;
  const points: ScatterItem[] = byDrift.map((i, k) => {
    const status = driftStatus(i.driftDeltaB) ?? 'stable';
    const flagged = status !== 'stable';
    return {
      id: i.challengeId,
      x: i.b - (i.driftDeltaB as number),
      y: i.b,
      shape: status === 'review' ? 'diamond' : status === 'look' ? 'triangle' : 'circle',
      tone: status === 'review' ? 'review' : status === 'look' ? 'look' : 'normal',
      label: itemTip(i, texts),
      href: `/psychometrie/items/${i.challengeId}?run=${runId}`,
      tag: flagged && k < 12 ? i.key : undefined,
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
          { width: DRIFT_BANDS.review, className: 'band-look', label: t('drift.legend.look') },
          { width: DRIFT_BANDS.look, className: 'band-stable', label: t('drift.legend.stable') },
        ]}
        pointsLabel={t('drift.points')}
        locale={locale}
        legend={[
          { label: t('drift.legend.identity'), line: 'solid', lineClass: 'identity' },
          { label: t('drift.legend.stable'), area: 'band-stable' },
          { label: t('drift.legend.normalPoint'), shape: 'circle', tone: 'normal' },
          { label: t('drift.legend.look'), shape: 'triangle', tone: 'look' },
          { label: t('drift.legend.review'), shape: 'diamond', tone: 'review' },
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
                  <td className="num">{formatNumber(i.b - (i.driftDeltaB as number), 2, locale)}</td>
                  <td className="num">{formatNumber(i.b, 2, locale)}</td>
                  <td className="num">{formatSigned(i.driftDeltaB, 2, locale)}</td>
                  <td>{t(`drift.status.${driftStatus(i.driftDeltaB) ?? 'stable'}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </section>
  );
}

function DifSection({ items, runId, summary, texts }: { items: ItemRow[]; runId: string; summary: Record<string, unknown>; texts: Texts }) {
  const { t, f, locale } = texts;
  const entries = items.flatMap((i) => i.dif.map((e) => ({ item: i, e })));
  const tested = entries.filter((x) => x.e.difClass !== null);
  const info = summary['dif'] as { grouping?: string; reference?: string; focal?: string[] } | null | undefined;
  if (tested.length === 0) {
    return (
      <section className="psy-section" aria-labelledby="dif-titre">
        <h2 id="dif-titre">{t('dif.heading')}</h2>
        <p>{t('dif.notTested')}</p>
      </section>
    );
  }
  const rank = { C: 0, B: 1, A: 2 } as const;
  const notable = tested
    .filter((x) => x.e.difClass === 'B' || x.e.difClass === 'C')
    .sort((x, y) => rank[x.e.difClass as 'B' | 'C'] - rank[y.e.difClass as 'B' | 'C'] || Math.abs(y.e.deltaMH ?? 0) - Math.abs(x.e.deltaMH ?? 0));
  const count = (c: string) => tested.filter((x) => x.e.difClass === c).length;
  const groups = (e: (typeof entries)[number]['e']) =>
    e.referenceGroup || e.focalGroup
      ? `${e.referenceGroup ?? info?.reference ?? '—'} / ${e.focalGroup ?? info?.focal?.join(', ') ?? '—'}`
      : info
      ? `${info.reference ?? '—'} / ${(info.focal ?? []).join(', ') || '—'}`
      : '—';
  const table = (rows: typeof entries, caption: string) => (
    <div className="psy-table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="psy-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.item')}</th>
            <th scope="col">{t('dif.comparison')}</th>
            <th scope="col">{t('dif.groups')}</th>
            <th scope="col" className="num">
              {t('dif.delta')}
            </th>
            <th scope="col" className="num">
              {t('dif.p')}
            </th>
            <th scope="col">{t('dif.class')}</th>
            <th scope="col">{t('dif.favours')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ item, e }) => (
            <tr key={`${item.challengeId}${e.comparison}`}>
              <th scope="row">
                <Link to={`/psychometrie/items/${item.challengeId}?run=${runId}`}>{item.key}</Link>
              </th>
              <td>{e.comparison || info?.grouping || '—'}</td>
              <td>{groups(e)}</td>
              <td className="num">{formatWithSe(e.deltaMH, e.seDelta, 2, locale)}</td>
              <td className="num">{e.pValue === null ? '—' : e.pValue < 0.001 ? `< ${formatNumber(0.001, 3, locale)}` : formatNumber(e.pValue, 3, locale)}</td>
              <td>
                {e.difClass === 'C' ? (
                  <SignalBadge signal="dif_c" texts={texts} />
                ) : e.difClass === 'B' ? (
                  <SignalBadge signal="dif_b" texts={texts} />
                ) : (
                  e.difClass
                )}
              </td>
              <td>{e.favours ? t(`dif.favours.${e.favours}`) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <section className="psy-section" aria-labelledby="dif-titre">
      <h2 id="dif-titre">{t('dif.heading')}</h2>
      <p className="muted">{t('dif.intro')}</p>
      <p>{f('dif.counts', { a: count('A'), b: count('B'), c: count('C'), untested: entries.length - tested.length })}</p>
      {notable.length === 0 ? <p>{t('dif.none')}</p> : table(notable, f('dif.caption', { n: notable.length }))}
    </section>
  );
}

function FitSection({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const withFit = items.filter((i) => i.infit !== null && i.outfit !== null);
  if (withFit.length === 0) return null;
  const ratios = withFit.every(
    (i) => i.expectedInfit !== null && i.expectedOutfit !== null && (i.expectedInfit as number) > 0 && (i.expectedOutfit as number) > 0
  );
  const xOf = (i: ItemRow) => (ratios ? (i.infit as number) / (i.expectedInfit as number) : (i.infit as number));
  const yOf = (i: ItemRow) => (ratios ? (i.outfit as number) / (i.expectedOutfit as number) : (i.outfit as number));
  const misfit = withFit.filter((i) => i.flags.includes('misfit'));
  const distance = (i: ItemRow) => Math.max(Math.abs(xOf(i) - 1) / 0.3, Math.abs(yOf(i) - 1) / 0.5);
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
        region={{ x: [0.7, 1.3], y: [0.5, 1.5], label: t('fit.legend.ok') }}
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

function RunWrightSection({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const items = data.items as ItemRow[];
  const bins = data.personBins;
  const persons = bins.reduce((s, b) => s + b.count, 0);
  const bs = items.map((i) => i.b).sort((x, y) => x - y);
  let sum = 0;
  for (const b of bins) sum += (b.count * (b.x0 + b.x1)) / 2;
  const mean = persons > 0 ? sum / persons : null;
  let ss = 0;
  if (mean !== null) for (const b of bins) ss += b.count * ((b.x0 + b.x1) / 2 - mean) ** 2;
  const summary = f('wright.summary', {
    mean: formatNumber(mean, 2, locale),
    sd: formatNumber(persons > 1 ? Math.sqrt(ss / (persons - 1)) : null, 2, locale),
    median: formatNumber(bs[Math.floor(bs.length / 2)], 2, locale),
    min: formatNumber(bs[0], 2, locale),
    max: formatNumber(bs[bs.length - 1], 2, locale),
  });
  return (
    <section className="psy-section" aria-labelledby="wright-titre">
      <h2 id="wright-titre">{t('wright.heading')}</h2>
      <WrightMap
        id="chart-wright-run"
        title={t('wright.runTitle')}
        description={f('wright.desc', { persons, items: items.length, summary })}
        thetaLabel={t('common.theta')}
        personsLabel={t('wright.persons')}
        itemsLabel={t('wright.items')}
        bins={bins}
        items={items.map((i) => ({
          id: i.challengeId,
          b: i.b,
          level: i.level,
          label: [`${i.key} — ${f('common.level', { level: i.level })}`, `b = ${formatWithSe(i.b, i.seB, 2, locale)}`],
          href: `/psychometrie/items/${i.challengeId}?run=${data.run.id}`,
        }))}
        pointsLabel={t('wright.points')}
        locale={locale}
        summary={
          <>
            <p>{summary}</p>
            <p className="muted">{t('wright.shrink')}</p>
          </>
        }
        dataLabel={t('common.data')}
        data={<WrightTable bins={bins} items={items} texts={texts} />}
      />
    </section>
  );
}

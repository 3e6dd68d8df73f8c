/**
 * Two finished calibration runs side by side: their summaries, b and a of the challenges they share
 * (A on x, B on y, with the line of equality), and the challenges whose difficulty moved most.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { getRunComparison, type RunHeader } from '~/models/psychometrics-analysis.server';
import chartStyles from '~/styles/charts.css';
import { ScatterChart, type ScatterItem } from '~/components/charts/ScatterChart';
import { formatCount, formatDateTime, formatDuration, formatNumber, formatSigned, formatWithSe } from '~/components/charts/format';
import { PsyNav, RunLink, RunStatus, useTexts, type Texts } from '~/components/charts/ui';
import type { PsychometricsKey } from '~/i18n/psychometrie';
import { raschVs2plTest } from '~/models/model-comparison.server';
import { ModelComparisonSection } from '~/components/psychometrics/ModelComparisonSection';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction = () => [{ title: 'Comparer deux calculs – Psychométrie' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const params = new URL(request.url).searchParams;
  const comparison = await getRunComparison(db(), params.get('a'), params.get('b'));
  const modelTest = comparison.a && comparison.b && comparison.a.id !== comparison.b.id ? raschVs2plTest(comparison.a, comparison.b) : null;
  return { ...comparison, modelTest };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Compared = Data['items'][number];

const TOP = 20;

export default function ComparisonPage() {
  const data = useLoaderData<typeof loader>();
  const texts = useTexts();
  const { t, f, locale } = texts;
  const same = data.a && data.b && data.a.id === data.b.id;
  return (
    <>
      <PsyNav texts={texts} current="compare" />
      <h1>{t('compare.title')}</h1>
      <p className="muted">{t('compare.intro')}</p>
      {data.choices.length < 2 ? <p className="psy-note">{t('compare.needTwo')}</p> : null}
      {data.choices.length > 0 ? (
        <Form method="get" className="panel psy-choose" aria-label={t('compare.choose')}>
          {(['a', 'b'] as const).map((side) => (
            <div className="psy-field" key={side}>
              <label htmlFor={`run-${side}`}>{t(`compare.${side}`)}</label>
              <select id={`run-${side}`} name={side} defaultValue={data[side]?.id}>
                {data.choices.map((c) => (
                  <option key={c.id} value={c.id}>
                    {f('compare.option', { date: formatDateTime(c.createdAt, locale), model: c.model, items: c.items })}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <button type="submit" className="primary">
            {t('compare.submit')}
          </button>
        </Form>
      ) : null}
      {same ? <p className="psy-note">{t('compare.pickTwo')}</p> : null}
      {data.a && data.b && !same ? (
        <>
          {data.a.answers !== data.b.answers || data.a.persons !== data.b.persons || data.a.maxAnswerId !== data.b.maxAnswerId ? (
            <p className="psy-warning" role="note" data-testid="compare-different-data">
              {f('compare.differentData', {
                a: f('compare.dataOf', { answers: formatCount(data.a.answers, locale), persons: formatCount(data.a.persons, locale) }),
                b: f('compare.dataOf', { answers: formatCount(data.b.answers, locale), persons: formatCount(data.b.persons, locale) }),
              })}
            </p>
          ) : null}
          <Summaries a={data.a} b={data.b} texts={texts} />
          {data.modelTest ? <ModelComparisonSection test={data.modelTest} models={[data.a.model, data.b.model]} /> : null}
          <p>{f('compare.common', { n: data.items.length, onlyA: data.onlyA, onlyB: data.onlyB })}</p>
          {data.items.length > 0 ? (
            <>
              <div className="psy-charts">
                <PairScatter data={data} which="b" texts={texts} />
                <PairScatter data={data} which="a" texts={texts} />
              </div>
              <TopDifferences data={data} texts={texts} />
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function Summaries({ a, b, texts }: { a: RunHeader; b: RunHeader; texts: Texts }) {
  const { t, locale } = texts;
  const flagged = (r: RunHeader) => {
    const flags = r.summary['flags'];
    if (flags && typeof flags === 'object') {
      const values = Object.values(flags as Record<string, unknown>).filter((v): v is number => typeof v === 'number');
      return values.length
        ? formatCount(
            values.reduce((s, v) => s + v, 0),
            locale,
          )
        : '—';
    }
    return '—';
  };
  const rows: [string, (r: RunHeader) => React.ReactNode][] = [
    [t('run.status'), (r) => <RunStatus status={r.status} texts={texts} />],
    [t('run.review'), (r) => t(`review.${r.review.status}`)],
    [t('run.model'), (r) => (r.model === '2pl' || r.model === 'rasch' ? t(`model.${r.model}` as PsychometricsKey) : r.model)],
    [t('run.persons'), (r) => formatCount(r.persons, locale)],
    [t('run.answers'), (r) => formatCount(r.answers, locale)],
    [t('run.items'), (r) => formatCount(r.itemCount, locale)],
    [t('run.logLik'), (r) => formatNumber(r.logLik, 2, locale)],
    [t('run.iterations'), (r) => formatCount(r.iterations, locale)],
    [t('run.converged'), (r) => (r.converged === null ? '—' : r.converged ? t('run.convergedYes') : t('run.convergedNo'))],
    [t('run.duration'), (r) => formatDuration(r.seconds, locale)],
    [t('run.finished'), (r) => formatDateTime(r.finishedAt, locale)],
    [t('compare.flagged'), flagged],
  ];
  return (
    <section className="psy-section" aria-labelledby="resumes-titre">
      <h2 id="resumes-titre">{t('compare.summary')}</h2>
      <table className="psy-table" data-testid="comparison-summary">
        <thead>
          <tr>
            <th scope="col">{t('compare.measure')}</th>
            <th scope="col">
              {t('compare.a')} : <RunLink id={a.id} createdAt={a.createdAt} texts={texts} />
            </th>
            <th scope="col">
              {t('compare.b')} : <RunLink id={b.id} createdAt={b.createdAt} texts={texts} />
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value(a)}</td>
              <td>{value(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PairScatter({ data, which, texts }: { data: Data; which: 'a' | 'b'; texts: Texts }) {
  const { t, f, locale } = texts;
  const s = data.stats;
  const top = new Set(
    (which === 'b' ? data.items : [...data.items].sort((p, q) => Math.abs(q.aB - q.aA) - Math.abs(p.aB - p.aA))).slice(0, 10).map((i) => i.challengeId),
  );
  const x = (i: Compared) => (which === 'b' ? i.bA : i.aA);
  const y = (i: Compared) => (which === 'b' ? i.bB : i.aB);
  const points: ScatterItem[] = data.items.map((i) => {
    const marked = top.has(i.challengeId);
    return {
      id: i.challengeId,
      x: x(i),
      y: y(i),
      shape: marked ? 'triangle' : 'circle',
      tone: marked ? 'look' : 'normal',
      label: [
        `${i.key} — ${f('common.level', { level: i.level })}`,
        `${which} A = ${formatNumber(x(i), 2, locale)}, ${which} B = ${formatNumber(y(i), 2, locale)}`,
        `Δ${which} = ${formatSigned(y(i) - x(i), 2, locale)}`,
      ],
      href: `/psychometrie/items/${i.challengeId}?run=${data.b?.id ?? ''}`,
      tag: marked ? i.key : undefined,
      focusable: marked,
    };
  });
  const summary =
    f('compare.stats', {
      r: formatNumber(which === 'b' ? s.correlationB : s.correlationA, 3, locale),
      mean: formatSigned(which === 'b' ? s.meanDeltaB : s.meanDeltaA, 2, locale),
      rmsd: formatNumber(which === 'b' ? s.rmsdB : s.rmsdA, 2, locale),
    }) + (which === 'b' ? ` ${f('compare.significant', { k: s.significantB })}` : '');
  return (
    <ScatterChart
      id={`chart-compare-${which}`}
      title={t(`compare.${which}.title`)}
      description={f(`compare.${which}.desc`, { n: data.items.length, summary })}
      xLabel={t(`compare.${which}.x`)}
      yLabel={t(`compare.${which}.y`)}
      items={points}
      square
      identity
      pointsLabel={t('compare.points')}
      locale={locale}
      legend={[
        { label: t('compare.legend.identity'), line: 'solid', lineClass: 'identity' },
        { label: t('compare.legend.item'), shape: 'circle', tone: 'normal' },
        { label: t('compare.legend.top'), shape: 'triangle', tone: 'look' },
      ]}
      summary={<p data-testid={`compare-stats-${which}`}>{summary}</p>}
      dataLabel={t('common.data')}
      data={
        <table className="psy-table">
          <thead>
            <tr>
              <th scope="col">{t('common.item')}</th>
              <th scope="col" className="num">
                {which} A
              </th>
              <th scope="col" className="num">
                {which} B
              </th>
              <th scope="col" className="num">
                Δ{which}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.challengeId}>
                <th scope="row">{i.key}</th>
                <td className="num">{formatNumber(x(i), 2, locale)}</td>
                <td className="num">{formatNumber(y(i), 2, locale)}</td>
                <td className="num">{formatSigned(y(i) - x(i), 2, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function TopDifferences({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const rows = data.items.slice(0, TOP);
  const flags = (xs: string[]) => xs.map((s) => t(`flag.${s}` as PsychometricsKey) ?? s).join(', ') || '—';
  return (
    <section className="psy-section" aria-labelledby="ecarts-titre">
      <h2 id="ecarts-titre">{t('compare.top.heading')}</h2>
      <div className="psy-table-scroll" role="region" aria-label={f('compare.top.caption', { n: rows.length })} tabIndex={0}>
        <table className="psy-table" data-testid="largest-differences">
          <caption>{f('compare.top.caption', { n: rows.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.item')}</th>
              <th scope="col">{t('common.competence')}</th>
              <th scope="col" className="num">
                {t('common.levelCol')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.bA')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.bB')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.db')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.aA')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.aB')}
              </th>
              <th scope="col" className="num">
                {t('compare.col.da')}
              </th>
              <th scope="col">{t('compare.col.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => (
              <tr key={i.challengeId}>
                <th scope="row">
                  <Link to={`/psychometrie/items/${i.challengeId}?run=${data.b?.id ?? ''}`}>{i.key}</Link>
                </th>
                <td>{i.competenceCode}</td>
                <td className="num">{i.level}</td>
                <td className="num">{formatWithSe(i.bA, i.seBA, 2, locale)}</td>
                <td className="num">{formatWithSe(i.bB, i.seBB, 2, locale)}</td>
                <td className="num">{formatSigned(i.bB - i.bA, 2, locale)}</td>
                <td className="num">{formatNumber(i.aA, 2, locale)}</td>
                <td className="num">{formatNumber(i.aB, 2, locale)}</td>
                <td className="num">{formatSigned(i.aB - i.aA, 2, locale)}</td>
                <td className="wrap">
                  {flags(i.flagsA)} / {flags(i.flagsB)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

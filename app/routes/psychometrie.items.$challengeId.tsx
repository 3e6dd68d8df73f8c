/**
 * One challenge as a psychometrician studies it: its text and skill, its characteristic curve in a
 * run with the observed proportions correct in θ̂ groups (Wilson intervals), its information, its
 * parameters across runs and the parameter set versions that hold it.
 */
import { data as json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { getItemAnalysis } from '~/models/psychometrics-analysis.server';
import { DifficultyMarkError, markDifficultyUnchanged, parameterVersionStatus, type ParameterVersionStatus } from '~/models/challenge-calibration.server';
import { useRootData } from '~/root';
import chartStyles from '~/styles/charts.css';
import { fill, metaLocale, titleIn } from '~/i18n';
import { psychometricsMessages, type PsychometricsKey } from '~/i18n/psychometrie';
import { RichText } from '~/components/challenge/RichText';
import { CurveChart } from '~/components/charts/CurveChart';
import { RunSeriesChart } from '~/components/charts/RunSeriesChart';
import { sampleCurve } from '~/components/charts/stats';
import { itemSignals, type ItemRow } from '~/components/charts/psychometrics';
import { formatCount, formatDateTime, formatNumber, formatPercent, formatSigned, formatWithSe } from '~/components/charts/format';
import { PsyNav, RunStatus, SignalBadge, useTexts, type Texts } from '~/components/charts/ui';
import { itemInformation, probability } from '../../engine/irt';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const say = psychometricsMessages[metaLocale(matches)];
  return [{ title: data ? fill(say['meta.item'], { key: data.challenge.key }) : say['meta.itemNotFound'] }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const run = new URL(request.url).searchParams.get('run');
  const [analysis, versionStatus] = await Promise.all([
    getItemAnalysis(db(), params.challengeId ?? '', run),
    parameterVersionStatus(db(), params.challengeId ?? ''),
  ]);
  if (!analysis) throw notFound('challenge');
  return { ...analysis, versionStatus };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'psychometrie');
  const form = await requireForm(request, session);
  const challengeId = params.challengeId ?? '';
  try {
    await markDifficultyUnchanged(db(), { challengeId, reason: String(form.get('reason') ?? ''), userId: session.viewer.id, roles: session.viewer.roles });
  } catch (error) {
    if (error instanceof DifficultyMarkError) return json({ code: error.code }, { status: error.code === 'forbidden' ? 403 : 400 });
    throw error;
  }
  return redirect(`/psychometrie/items/${challengeId}?marque=1#version-calibree`);
}

function VersionSection({ status, texts }: { status: ParameterVersionStatus; texts: Texts }) {
  const { t, f, locale } = texts;
  const actionData = useActionData<typeof action>() as { code?: string } | undefined;
  const [params] = useSearchParams();
  const { csrfToken } = useRootData();
  const fields = status.scoredChanges.map((x) => t(`item.version.field.${x}`)).join(', ');
  return (
    <section className="psy-section" aria-labelledby="version-calibree" data-testid="parameter-version">
      <h2 id="version-calibree">{t('item.version.heading')}</h2>
      {params.get('marque') && !actionData ? (
        <p className="notice success" role="status">
          {t('item.version.marked')}
        </p>
      ) : null}
      {status.calibratedVersion !== null ? (
        <p>{f('item.version.calibrated', { calibrated: status.calibratedVersion, live: status.liveVersion ?? '—' })}</p>
      ) : status.applies ? (
        <p>{t('item.version.legacy')}</p>
      ) : (
        <p>{t('item.version.none')}</p>
      )}
      {status.applies ? <p>{t('item.version.applies')}</p> : null}
      {!status.applies && status.calibratedVersionId ? (
        <>
          <p className="notice">{f('item.version.uncalibrated', { fields: fields || '—' })}</p>
          <Form method="post" className="stack wide" aria-labelledby="marque-titre">
            <h3 id="marque-titre">{t('item.version.markHeading')}</h3>
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <div>
              <label htmlFor="mark-reason">{t('item.version.reason')}</label>
              <textarea
                id="mark-reason"
                name="reason"
                rows={2}
                maxLength={2000}
                aria-invalid={actionData?.code ? true : undefined}
                aria-describedby={actionData?.code ? 'mark-error' : undefined}
              />
              {actionData?.code ? (
                <p className="error-message" id="mark-error" role="alert">
                  {t(`item.version.error.${actionData.code as 'forbidden'}`)}
                </p>
              ) : null}
            </div>
            <div>
              <button type="submit" className="primary">
                {t('item.version.markButton')}
              </button>
            </div>
          </Form>
        </>
      ) : null}
      {status.marks.length > 0 ? (
        <>
          <h3>{t('item.version.marks')}</h3>
          <ul data-testid="difficulty-marks">
            {status.marks.map((m, i) => (
              <li key={i}>
                {f('item.version.mark', {
                  version: m.versionNumber ?? '—',
                  base: m.baseVersionNumber ?? '—',
                  by: m.by,
                  at: formatDateTime(String(m.at), locale),
                  reason: m.reason,
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ItemPage() {
  const data = useLoaderData<typeof loader>();
  const texts = useTexts();
  const { t, f, locale } = texts;
  const c = data.challenge;
  const result = data.result as ItemRow | null;
  return (
    <>
      <PsyNav texts={texts} />
      {data.run ? (
        <p className="psy-breadcrumb">
          <Link to={`/psychometrie/calibrations/${data.run.id}`}>
            {t('item.links.run')} ({formatDateTime(data.run.createdAt, locale)})
          </Link>
        </p>
      ) : null}
      <h1>{f('item.title', { key: c.key })}</h1>
      <div className="psy-split">
        <section className="panel" aria-labelledby="acquis-titre">
          <h2 id="acquis-titre" className="visually-hidden">
            {t('item.skill')}
          </h2>
          <dl className="psy-facts">
            <div>
              <dt>{t('item.competence')}</dt>
              <dd>
                {c.competence.code} {titleIn(locale, { titleFr: c.competence.title, titleEn: c.competence.titleEn })}
              </dd>
            </div>
            <div>
              <dt>{t('item.tube')}</dt>
              <dd>
                {c.tube.name} — {c.tube.title}
              </dd>
            </div>
            <div>
              <dt>{t('item.skill')}</dt>
              <dd>{f('item.skillValue', { name: c.skill.name, level: c.skill.level })}</dd>
            </div>
            <div>
              <dt>{t('item.type')}</dt>
              <dd>{c.type.replace('_', '-')}</dd>
            </div>
            <div>
              <dt>{t('item.status')}</dt>
              <dd>{t(`challengeStatus.${c.status}` as PsychometricsKey)}</dd>
            </div>
          </dl>
          <p>
            <Link to={`/psychometrie/banque?competence=${encodeURIComponent(c.competence.code)}`}>{f('item.links.bank', { code: c.competence.code })}</Link>
          </p>
        </section>
        <section aria-labelledby="consigne-titre">
          <h2 id="consigne-titre">{f('item.instruction', { version: c.version ?? '—' })}</h2>
          <div className="psy-instruction" data-testid="instruction">
            {c.instruction ? <RichText doc={c.instruction} /> : <p>{t('item.noInstruction')}</p>}
          </div>
        </section>
      </div>

      {data.history.length > 1 ? (
        <Form method="get" className="psy-choose" aria-label={t('item.runChoice')}>
          <div className="psy-field">
            <label htmlFor="run">{t('item.runChoice')}</label>
            <select id="run" name="run" defaultValue={data.run?.id}>
              {[...data.history].reverse().map((h) => (
                <option key={h.runId} value={h.runId}>
                  {formatDateTime(h.createdAt, locale)} · {h.model} · {t(`status.${h.status}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary">
            {t('common.show')}
          </button>
        </Form>
      ) : null}

      {!data.run || !result ? (
        <p className="psy-note">{t('item.noRun')}</p>
      ) : (
        <>
          <section className="psy-section" aria-labelledby="parametres-titre">
            <h2 id="parametres-titre">{t('item.params')}</h2>
            <ResultFacts result={result} texts={texts} />
          </section>
          <section className="psy-section" aria-labelledby="courbe-titre">
            <h2 id="courbe-titre">{t('item.icc.heading')}</h2>
            <div className="psy-charts">
              <CharacteristicCurve data={data} result={result} texts={texts} />
              <InformationCurve result={result} texts={texts} />
            </div>
          </section>
        </>
      )}

      {data.versionStatus ? <VersionSection status={data.versionStatus as unknown as ParameterVersionStatus} texts={texts} /> : null}
      {data.history.length > 0 ? <History data={data} texts={texts} /> : null}
      <ParameterSets data={data} texts={texts} />
    </>
  );
}

function ResultFacts({ result: r, texts }: { result: ItemRow; texts: Texts }) {
  const { t, locale } = texts;
  const facts: [string, string][] = [
    [t('colLong.a'), formatWithSe(r.a, r.seA, 2, locale)],
    [t('colLong.d2'), formatWithSe(r.d, r.seD, 2, locale)],
    [t('colLong.b'), formatWithSe(r.b, r.seB, 2, locale)],
    [t('colLong.n'), formatCount(r.n, locale)],
    [t('colLong.pValue'), formatPercent(r.pValue, 0, locale)],
    [t('colLong.pointBiserial'), formatNumber(r.pointBiserial, 2, locale)],
    [
      t('colLong.infit'),
      `${formatNumber(r.infit, 2, locale)}${
        r.expectedInfit !== null ? ` (${t('fit.table.expInfit').toLowerCase()} ${formatNumber(r.expectedInfit, 2, locale)})` : ''
      }`,
    ],
    [
      t('colLong.outfit'),
      `${formatNumber(r.outfit, 2, locale)}${
        r.expectedOutfit !== null ? ` (${t('fit.table.expOutfit').toLowerCase()} ${formatNumber(r.expectedOutfit, 2, locale)})` : ''
      }`,
    ],
    [t('colLong.drift'), formatSigned(r.driftDeltaB, 2, locale)],
  ];
  const signals = itemSignals(r);
  return (
    <>
      <dl className="psy-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {r.anchored ? <p className="psy-note">{t('item.anchored')}</p> : null}
      {signals.length > 0 ? (
        <p>
          {signals.map((s) => (
            <SignalBadge key={s} signal={s} texts={texts} />
          ))}
        </p>
      ) : null}
    </>
  );
}

function thetaDomain(b: number): [number, number] {
  return [Math.max(-6, Math.min(-4, Math.floor(b - 1.5))), Math.min(6, Math.max(4, Math.ceil(b + 1.5)))];
}

function CharacteristicCurve({ data, result: r, texts }: { data: Data; result: ItemRow; texts: Texts }) {
  const { t, f, locale } = texts;
  const domain = thetaDomain(r.b);
  const groups = data.groups;
  const misses = groups.filter((g) => g.expected < g.low || g.expected > g.high).length;
  const fit = groups.length === 0 ? t('item.icc.noData') : misses === 0 ? t('item.icc.fitGood') : f('item.icc.fitSome', { k: misses, groups: groups.length });
  const pct = (x: number) => formatPercent(x, 0, locale);
  return (
    <CurveChart
      id="chart-icc"
      title={t('item.icc.title')}
      description={f('item.icc.desc', {
        a: formatNumber(r.a, 2, locale),
        d: formatNumber(r.d, 2, locale),
        b: formatNumber(r.b, 2, locale),
        groups: groups.length,
        fit,
      })}
      xLabel={t('common.theta')}
      yLabel={t('item.icc.y')}
      xDomain={domain}
      yDomain={[0, 1]}
      yFormat={(v) => formatPercent(v, 0, locale)}
      series={[{ id: 'p', label: t('item.icc.curve'), points: sampleCurve((x) => probability(r, x), domain[0], domain[1]) }]}
      observed={groups.map((g) => ({
        id: `g${g.index}`,
        x: g.thetaMean,
        y: g.p,
        low: g.low,
        high: g.high,
        expected: g.expected,
        label: [
          f('item.icc.group', { k: g.index }),
          f('item.icc.tipTheta', {
            theta: formatNumber(g.thetaMean, 2, locale),
            min: formatNumber(g.thetaMin, 2, locale),
            max: formatNumber(g.thetaMax, 2, locale),
          }),
          f('item.icc.tipObserved', { correct: g.correct, n: g.n, p: pct(g.p), low: pct(g.low), high: pct(g.high) }),
          f('item.icc.tipExpected', { expected: pct(g.expected) }),
        ],
      }))}
      observedLabel={t('item.icc.observed')}
      expectedLabel={t('item.icc.expected')}
      markers={[{ x: r.b, label: `${t('item.marker.b')} = ${formatNumber(r.b, 2, locale)}`, className: 'marker-b' }]}
      pointsLabel={t('item.icc.points')}
      locale={locale}
      summary={
        <>
          <p>
            {f('item.icc.persons', { n: formatCount(data.observedPersons, locale) })} {fit}
          </p>
          <p className="muted">{t('item.icc.note')}</p>
        </>
      }
      dataLabel={t('common.data')}
      data={
        groups.length > 0 ? (
          <table className="psy-table">
            <thead>
              <tr>
                <th scope="col">{t('item.icc.table.group')}</th>
                <th scope="col" className="num">
                  {t('item.icc.table.range')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.mean')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.n')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.correct')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.p')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.ci')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.expected')}
                </th>
                <th scope="col" className="num">
                  {t('item.icc.table.curve')}
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.index}>
                  <th scope="row">{g.index}</th>
                  <td className="num">
                    {formatNumber(g.thetaMin, 2, locale)} – {formatNumber(g.thetaMax, 2, locale)}
                  </td>
                  <td className="num">{formatNumber(g.thetaMean, 2, locale)}</td>
                  <td className="num">{g.n}</td>
                  <td className="num">{g.correct}</td>
                  <td className="num">{pct(g.p)}</td>
                  <td className="num">
                    {pct(g.low)} – {pct(g.high)}
                  </td>
                  <td className="num">{pct(g.expected)}</td>
                  <td className="num">{pct(g.curveAtMean)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : undefined
      }
    />
  );
}

function InformationCurve({ result: r, texts }: { result: ItemRow; texts: Texts }) {
  const { t, f, locale } = texts;
  const domain = thetaDomain(r.b);
  const max = itemInformation(r, r.b);
  const table = [-3, -2, -1, 0, 1, 2, 3];
  return (
    <CurveChart
      id="chart-information"
      title={t('item.info.title')}
      description={f('item.info.desc', { max: formatNumber(max, 2, locale), b: formatNumber(r.b, 2, locale) })}
      xLabel={t('common.theta')}
      yLabel={t('item.info.y')}
      xDomain={domain}
      series={[
        {
          id: 'info',
          label: t('item.info.curve'),
          points: sampleCurve((x) => itemInformation(r, x), domain[0], domain[1]),
          colour: 'series-2',
          dash: 'dashed',
        },
      ]}
      markers={[{ x: r.b, label: `${t('item.marker.b')} = ${formatNumber(r.b, 2, locale)}`, className: 'marker-b' }]}
      locale={locale}
      dataLabel={t('common.data')}
      data={
        <table className="psy-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('item.info.table.theta')}
              </th>
              <th scope="col" className="num">
                {t('item.info.table.p')}
              </th>
              <th scope="col" className="num">
                {t('item.info.table.info')}
              </th>
            </tr>
          </thead>
          <tbody>
            {table.map((x) => (
              <tr key={x}>
                <th scope="row" className="num">
                  {formatNumber(x, 0, locale)}
                </th>
                <td className="num">{formatPercent(probability(r, x), 0, locale)}</td>
                <td className="num">{formatNumber(itemInformation(r, x), 3, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function History({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const h = data.history;
  // Dates alone as ticks, unless two runs share a day.
  const days = h.map((x) => formatDateTime(x.createdAt, locale, false));
  const withTime = new Set(days).size < days.length;
  const values = (pick: (x: (typeof h)[number]) => { value: number; se: number | null }, name: string) =>
    h.map((x) => {
      const v = pick(x);
      return {
        id: x.runId,
        tick: formatDateTime(x.createdAt, locale, withTime),
        value: v.value,
        se: v.se,
        current: x.runId === data.run?.id,
        href: `/psychometrie/calibrations/${x.runId}`,
        label: [
          f('run.title', { date: formatDateTime(x.createdAt, locale) }),
          `${name} = ${formatWithSe(v.value, v.se, 2, locale)}`,
          ...(x.runId === data.run?.id ? [t('item.history.current')] : []),
        ],
      };
    });
  return (
    <section className="psy-section" aria-labelledby="historique-titre">
      <h2 id="historique-titre">{t('item.history.heading')}</h2>
      {h.length > 1 ? (
        <div className="psy-charts">
          <RunSeriesChart
            id="chart-history-b"
            title={t('item.history.b')}
            description={f('item.history.descB', { n: h.length })}
            yLabel="b"
            xLabel={t('item.history.x')}
            values={values((x) => ({ value: x.b, se: x.seB }), 'b')}
            pointsLabel={t('item.history.points')}
            locale={locale}
          />
          <RunSeriesChart
            id="chart-history-a"
            title={t('item.history.a')}
            description={f('item.history.descA', { n: h.length })}
            yLabel="a"
            xLabel={t('item.history.x')}
            values={values((x) => ({ value: x.a, se: x.seA }), 'a')}
            pointsLabel={t('item.history.points')}
            locale={locale}
          />
        </div>
      ) : null}
      <div className="psy-table-scroll" role="region" aria-label={t('item.history.caption')} tabIndex={0}>
        <table className="psy-table">
          <caption>{t('item.history.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.run')}</th>
              <th scope="col">{t('run.status')}</th>
              <th scope="col">{t('common.model')}</th>
              <th scope="col" className="num">
                {t('col.a')}
              </th>
              <th scope="col" className="num">
                {t('col.b')}
              </th>
              <th scope="col" className="num">
                {t('col.n')}
              </th>
              <th scope="col" className="num">
                {t('col.pValue')}
              </th>
              <th scope="col" className="num">
                {t('col.drift')}
              </th>
              <th scope="col">{t('col.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {[...h].reverse().map((x) => (
              <tr key={x.runId} aria-current={x.runId === data.run?.id ? 'true' : undefined}>
                <th scope="row">
                  <Link to={`/psychometrie/calibrations/${x.runId}`}>{formatDateTime(x.createdAt, locale)}</Link>
                  {x.runId === data.run?.id ? ` (${t('item.history.current')})` : null}
                </th>
                <td>
                  <RunStatus status={x.status} texts={texts} />
                </td>
                <td>{x.model}</td>
                <td className="num">{formatWithSe(x.a, x.seA, 2, locale)}</td>
                <td className="num">{formatWithSe(x.b, x.seB, 2, locale)}</td>
                <td className="num">{formatCount(x.n, locale)}</td>
                <td className="num">{formatPercent(x.pValue, 0, locale)}</td>
                <td className="num">{formatSigned(x.driftDeltaB, 2, locale)}</td>
                <td className="wrap">{x.flags.map((s) => t(`flag.${s}` as Parameters<typeof t>[0]) ?? s).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ParameterSets({ data, texts }: { data: Data; texts: Texts }) {
  const { t, locale } = texts;
  const sets = data.parameterSets;
  return (
    <section className="psy-section" aria-labelledby="jeux-titre">
      <h2 id="jeux-titre">{t('item.sets.heading')}</h2>
      {sets.length === 0 ? (
        <p>{t('item.sets.none')}</p>
      ) : (
        <table className="psy-table">
          <caption>{t('item.sets.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('item.sets.version')}</th>
              <th scope="col">{t('item.sets.active')}</th>
              <th scope="col">{t('item.sets.approvedAt')}</th>
              <th scope="col" className="num">
                a
              </th>
              <th scope="col" className="num">
                {t('col.b')}
              </th>
              <th scope="col">{t('item.sets.source')}</th>
            </tr>
          </thead>
          <tbody>
            {[...sets].reverse().map((s) => (
              <tr key={s.version}>
                <th scope="row">{s.version}</th>
                <td>{s.active ? t('common.yes') : t('common.no')}</td>
                <td>{formatDateTime(s.approvedAt, locale)}</td>
                <td className="num">{formatNumber(s.a, 2, locale)}</td>
                <td className="num">{formatWithSe(s.b, s.seB, 2, locale)}</td>
                <td>{s.sourceRunId ? <Link to={`/psychometrie/calibrations/${s.sourceRunId}`}>{t('item.history.open')}</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

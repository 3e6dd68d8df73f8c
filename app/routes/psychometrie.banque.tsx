/**
 * The live bank of a competence under a parameter set (the one in force by default): how much
 * information its calibrated challenges give along θ, the resulting standard error, and a Wright map
 * of the persons who answered them against the challenges' difficulties.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { getBankAnalysis } from '~/models/psychometrics-analysis.server';
import chartStyles from '~/styles/charts.css';
import { metaLocale, titleIn } from '~/i18n';
import { psychometricsMessages } from '~/i18n/psychometrie';
import { CurveChart } from '~/components/charts/CurveChart';
import { WrightMap } from '~/components/charts/WrightMap';
import { formatCount, formatDateTime, formatNumber, formatWithSe } from '~/components/charts/format';
import { PsyNav, WrightTable, useTexts, type Texts } from '~/components/charts/ui';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: chartStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: psychometricsMessages[metaLocale(matches)]['meta.bank'] }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const params = new URL(request.url).searchParams;
  const version = Number(params.get('jeu'));
  return getBankAnalysis(db(), { competence: params.get('competence'), version: Number.isInteger(version) && version > 0 ? version : null });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function BankPage() {
  const data = useLoaderData<typeof loader>();
  const texts = useTexts();
  const { t, f, locale } = texts;
  const competence = data.competence;
  const counts = competence ? data.competences.find((c) => c.code === competence.code) : undefined;
  return (
    <>
      <PsyNav texts={texts} current="bank" />
      <h1>{t('bank.title')}</h1>
      <p className="muted">{t('bank.intro')}</p>
      {data.competences.length === 0 ? (
        <p className="psy-note">{t('bank.noCompetence')}</p>
      ) : (
        <Form method="get" className="panel psy-choose" aria-label={t('bank.choose')}>
          <div className="psy-field">
            <label htmlFor="competence">{t('bank.competence')}</label>
            <select id="competence" name="competence" defaultValue={competence?.code}>
              {data.competences.map((c) => (
                <option key={c.code} value={c.code}>
                  {f('bank.competenceOption', {
                    code: c.code,
                    title: titleIn(locale, { titleFr: c.title, titleEn: c.titleEn }),
                    calibrated: c.calibrated,
                    live: c.live,
                  })}
                </option>
              ))}
            </select>
          </div>
          {data.sets.length > 0 ? (
            <div className="psy-field">
              <label htmlFor="jeu">{t('bank.set')}</label>
              <select id="jeu" name="jeu" defaultValue={data.set?.version}>
                {data.sets.map((s) => (
                  <option key={s.version} value={s.version}>
                    {f('bank.setOption', {
                      version: s.version,
                      date: formatDateTime(s.approvedAt, locale, false),
                      active: s.active ? t('run.activeSuffix') : '',
                    })}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" className="primary">
            {t('common.show')}
          </button>
        </Form>
      )}
      {!data.set ? <p className="psy-note">{t('bank.noSet')}</p> : null}
      {data.set && !data.set.active ? <p className="psy-note">{t('bank.notActive')}</p> : null}
      {competence && counts ? (
        <>
          <h2>
            {competence.code} {titleIn(locale, { titleFr: competence.title, titleEn: competence.titleEn })}
          </h2>
          <p>
            {f('bank.counts', {
              calibrated: counts.calibrated,
              live: counts.live,
              uncal: data.uncalibrated.length > 0 ? f('bank.uncalibrated', { list: data.uncalibrated.map((u) => u.key).join(', ') }) : '',
            })}
          </p>
        </>
      ) : null}
      {data.set && data.items.length > 0 ? (
        <>
          <InformationSection data={data} texts={texts} />
          <WrightSection data={data} texts={texts} />
          <ItemsTable data={data} texts={texts} />
        </>
      ) : null}
    </>
  );
}

function cutMarkers(data: Data, texts: Texts) {
  return Object.entries(data.set?.cutScores ?? {})
    .filter(([, v]) => Number.isFinite(v))
    .map(([level, v]) => ({ x: v, label: texts.f('bank.cut', { level }) }));
}

function InformationSection({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const curve = data.curve;
  const top = curve.reduce((best, p) => (p.information > best.information ? p : best), curve[0] as (typeof curve)[number]);
  const enough = curve.filter((p) => p.information >= 10);
  const tifSummary = enough.length
    ? f('bank.tif.summary', {
        max: formatNumber(top.information, 1, locale),
        at: formatNumber(top.theta, 2, locale),
        from: formatNumber(enough[0]?.theta, 2, locale),
        to: formatNumber(enough[enough.length - 1]?.theta, 2, locale),
      })
    : f('bank.tif.summaryLow', { max: formatNumber(top.information, 1, locale), at: formatNumber(top.theta, 2, locale) });
  const seSummary = f('bank.se.summary', { min: formatNumber(top.se, 2, locale), at: formatNumber(top.theta, 2, locale) });
  const markers = cutMarkers(data, texts);
  const finiteSe = curve.filter((p) => Number.isFinite(p.se)).map((p) => p.se);
  const seTop = Math.min(2, Math.max(0.5, ...finiteSe.filter((s) => s <= 2)));
  const tableRows = curve.filter((p) => Math.abs(p.theta * 2 - Math.round(p.theta * 2)) < 1e-9);
  const table = (
    <table className="psy-table">
      <thead>
        <tr>
          <th scope="col" className="num">
            {t('bank.table.theta')}
          </th>
          <th scope="col" className="num">
            {t('bank.table.info')}
          </th>
          <th scope="col" className="num">
            {t('bank.table.se')}
          </th>
        </tr>
      </thead>
      <tbody>
        {tableRows.map((p) => (
          <tr key={p.theta}>
            <th scope="row" className="num">
              {formatNumber(p.theta, 1, locale)}
            </th>
            <td className="num">{formatNumber(p.information, 2, locale)}</td>
            <td className="num">{formatNumber(p.se, 2, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const extraLegend = markers.length > 0 ? [{ label: t('bank.cutsLegend'), line: 'dashed' as const, lineClass: 'cut' }] : [];
  return (
    <section className="psy-section" aria-labelledby="information-titre">
      <h2 id="information-titre">{t('bank.tif.heading')}</h2>
      <div className="psy-charts">
        <CurveChart
          id="chart-test-information"
          title={t('bank.tif.title')}
          description={f('bank.tif.desc', { n: data.items.length, summary: tifSummary })}
          xLabel={t('common.theta')}
          yLabel={t('bank.tif.y')}
          xDomain={[-4, 4]}
          series={[{ id: 'tif', label: t('bank.tif.curve'), points: curve.map((p) => ({ x: p.theta, y: p.information })) }]}
          markers={markers}
          extraLegend={extraLegend}
          locale={locale}
          summary={<p>{tifSummary}</p>}
          dataLabel={t('common.data')}
          data={table}
        />
        <CurveChart
          id="chart-standard-error"
          title={t('bank.se.title')}
          description={f('bank.se.desc', { summary: seSummary })}
          xLabel={t('common.theta')}
          yLabel={t('bank.se.y')}
          xDomain={[-4, 4]}
          yDomain={[0, seTop]}
          series={[{ id: 'se', label: t('bank.se.curve'), points: curve.map((p) => ({ x: p.theta, y: p.se })), colour: 'series-3', dash: 'dashed' }]}
          markers={markers}
          extraLegend={extraLegend}
          locale={locale}
          summary={<p>{seSummary}</p>}
          dataLabel={t('common.data')}
          data={table}
        />
      </div>
    </section>
  );
}

function WrightSection({ data, texts }: { data: Data; texts: Texts }) {
  const { t, f, locale } = texts;
  const persons = data.persons;
  const bs = data.items.map((i) => i.b);
  const summary = f('wright.summary', {
    mean: formatNumber(persons.mean, 2, locale),
    sd: formatNumber(persons.sd, 2, locale),
    median: formatNumber(bs[Math.floor(bs.length / 2)], 2, locale),
    min: formatNumber(bs[0], 2, locale),
    max: formatNumber(bs[bs.length - 1], 2, locale),
  });
  return (
    <section className="psy-section" aria-labelledby="wright-titre">
      <h2 id="wright-titre">{t('wright.heading')}</h2>
      {persons.count === 0 ? <p>{t('wright.noPersons')}</p> : null}
      <WrightMap
        id="chart-wright"
        title={t('wright.title')}
        description={f('wright.desc', { persons: persons.count, items: data.items.length, summary })}
        thetaLabel={t('common.theta')}
        personsLabel={t('wright.persons')}
        itemsLabel={t('wright.items')}
        bins={persons.bins}
        items={data.items.map((i) => ({
          id: i.challengeId,
          b: i.b,
          level: i.level,
          label: [`${i.key} — ${f('common.level', { level: i.level })}`, `b = ${formatWithSe(i.b, i.seB, 2, locale)}`],
          href: `/psychometrie/items/${i.challengeId}`,
        }))}
        cutScores={data.set?.cutScores}
        cutLabel={(level) => f('wright.cut', { level })}
        pointsLabel={t('wright.points')}
        locale={locale}
        summary={
          <>
            <p>{summary}</p>
            <p className="muted">
              {f('bank.computed', {
                persons: formatCount(persons.count, locale),
                answers: formatCount(persons.answers, locale),
                date: formatDateTime(persons.computedAt, locale),
              })}{' '}
              {t('wright.shrink')}
            </p>
          </>
        }
        dataLabel={t('common.data')}
        data={<WrightTable bins={persons.bins} items={data.items} texts={texts} />}
      />
    </section>
  );
}

function ItemsTable({ data, texts }: { data: Data; texts: Texts }) {
  const { t, locale } = texts;
  return (
    <section className="psy-section" aria-labelledby="epreuves-titre">
      <h2 id="epreuves-titre">{t('bank.items.heading')}</h2>
      <div className="psy-table-scroll" role="region" aria-label={t('bank.items.caption')} tabIndex={0}>
        <table className="psy-table">
          <caption>{t('bank.items.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.item')}</th>
              <th scope="col">{t('common.tube')}</th>
              <th scope="col" className="num">
                {t('common.levelCol')}
              </th>
              <th scope="col" className="num">
                a
              </th>
              <th scope="col" className="num">
                {t('col.b')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.challengeId}>
                <th scope="row">
                  <Link to={`/psychometrie/items/${i.challengeId}`}>{i.key}</Link>
                </th>
                <td>{i.tubeName}</td>
                <td className="num">{i.level}</td>
                <td className="num">{formatNumber(i.a, 2, locale)}</td>
                <td className="num">{formatWithSe(i.b, i.seB, 2, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

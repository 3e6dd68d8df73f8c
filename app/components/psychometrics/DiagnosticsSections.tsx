/**
 * The run page's diagnostics: person fit (the worker's lz distribution, as a d3 histogram), local
 * dependence within a skill or tube (the worker's Q3 pairs), DIF on a learner attribute chosen through
 * the address (GET form, works without JavaScript) and the exposure of each challenge in a period.
 */
import { Form, Link, useSearchParams } from '@remix-run/react';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import type { RunDiagnostics, TestKind, VariableDif } from '~/models/psychometrics-diagnostics.server';
import { ChartFigure, AxisBottom, AxisLeft, VerticalMarker, translate } from '~/components/charts/Chart';
import { axisTicks, frame, linearScale } from '~/components/charts/scales';
import { formatCount, formatDateTime, formatNumber, formatPercent, formatWithSe } from '~/components/charts/format';
import { SignalBadge, type Texts } from '~/components/charts/ui';
import { DifStatCells, DifStatHeaders } from '~/components/psychometrics/DifSection';
import { useMessages } from '~/i18n';
import { fill } from '~/i18n/psychometrie';
import { diagnosticsMessages, type DiagnosticsKey } from '~/i18n/psychometrie-diagnostics';
import {
  DIAGNOSTICS_PARAMS,
  DIF_VARIABLES,
  EXPOSURE_SORTS,
  OTHER_GROUPS,
  storedLocalDependence,
  storedPersonFit,
  type DiagnosticsQuery,
} from '~/lib/psychometrics-diagnostics';

interface DiagnosticsTexts {
  d: (key: DiagnosticsKey) => string;
  df: (key: DiagnosticsKey, params: Record<string, string | number>) => string;
}

function useDiagnosticsTexts(): DiagnosticsTexts {
  const d = useMessages(diagnosticsMessages);
  return { d, df: (key, params) => fill(d(key), params) };
}

/** Hidden inputs keeping the address's other parameters (table sort, the other form) through a GET form. */
function KeepParams({ except }: { except: readonly string[] }) {
  const [params] = useSearchParams();
  return (
    <>
      {[...params.entries()]
        .filter(([name]) => !except.includes(name))
        .map(([name, value], k) => (
          <input key={`${name}${k}`} type="hidden" name={name} value={value} />
        ))}
    </>
  );
}

/**
 * A GET form of one diagnostics section: it sends its own parameters, keeps the address's others, comes
 * back to its section and starts afresh when the values it shows change (a new key).
 */
function FilterForm({
  anchor,
  label,
  values,
  params,
  children,
}: {
  anchor: string;
  label: string;
  values: readonly (string | null | undefined)[];
  params: readonly string[];
  children: React.ReactNode;
}) {
  return (
    <Form key={values.join('|')} method="get" action={`#${anchor}`} className="panel psy-filters" aria-label={label} preventScrollReset>
      <KeepParams except={params} />
      {children}
    </Form>
  );
}

export function DiagnosticsSections(props: {
  items: ItemRow[];
  runId: string;
  summary: Record<string, unknown>;
  diagnostics: RunDiagnostics;
  query: DiagnosticsQuery;
  texts: Texts;
}) {
  const dt = useDiagnosticsTexts();
  return (
    <>
      <PersonFitSection summary={props.summary} texts={props.texts} dt={dt} />
      <LocalDependenceSection items={props.items} runId={props.runId} summary={props.summary} texts={props.texts} dt={dt} />
      <VariableDifSection items={props.items} runId={props.runId} dif={props.diagnostics.dif} query={props.query} texts={props.texts} dt={dt} />
      <ExposureSection runId={props.runId} exposure={props.diagnostics.exposure} texts={props.texts} dt={dt} />
    </>
  );
}

// ---------------------------------------------------------------- person fit

function PersonFitSection({ summary, texts, dt }: { summary: Record<string, unknown>; texts: Texts; dt: DiagnosticsTexts }) {
  const { t, locale } = texts;
  const { d, df } = dt;
  const fit = storedPersonFit(summary);
  if (!fit) {
    return (
      <section className="psy-section" aria-labelledby="ajustement-personnes-titre" id="ajustement-personnes">
        <h2 id="ajustement-personnes-titre">{d('pf.heading')}</h2>
        <p className="psy-note">{d('pf.missing')}</p>
      </section>
    );
  }
  const { from, step, counts } = fit.histogram;
  const f = frame(640, 260, { left: 64 });
  const x = linearScale([from, from + step * counts.length], [0, f.innerWidth]);
  const y = linearScale([0, Math.max(1, ...counts)], [f.innerHeight, 0], true);
  const threshold = formatNumber(fit.threshold, 3, locale);
  const share = df('pf.share', {
    share: formatPercent(fit.misfitting, 1, locale),
    below: formatCount(fit.misfittingPersons, locale),
    persons: formatCount(fit.persons, locale),
    threshold,
  });
  const bins = counts.map((count, k) => ({ x0: from + k * step, x1: from + (k + 1) * step, count }));
  return (
    <section className="psy-section" aria-labelledby="ajustement-personnes-titre" id="ajustement-personnes">
      <h2 id="ajustement-personnes-titre">{d('pf.heading')}</h2>
      <p className="muted">{d('pf.intro')}</p>
      <p data-testid="person-fit-share">{share}</p>
      <ChartFigure
        id="chart-person-fit"
        title={d('pf.title')}
        description={df('pf.desc', { persons: formatCount(fit.persons, locale), step: formatNumber(step, 1, locale), threshold, share })}
        frame={f}
        legend={[
          { label: d('pf.legend.misfit'), area: 'pf-bar misfit' },
          { label: d('pf.legend.fit'), area: 'pf-bar' },
        ]}
        summary={<p>{df('pf.moments', { mean: formatNumber(fit.mean, 2, locale), sd: formatNumber(fit.sd, 2, locale) })}</p>}
        dataLabel={t('common.data')}
        data={
          <table className="psy-table">
            <thead>
              <tr>
                <th scope="col">{d('pf.table.from')}</th>
                <th scope="col">{d('pf.table.to')}</th>
                <th scope="col" className="num">
                  {d('pf.table.persons')}
                </th>
              </tr>
            </thead>
            <tbody>
              {bins.map((b, k) => (
                <tr key={b.x0}>
                  <td>{k === 0 ? '−∞' : formatNumber(b.x0, 1, locale)}</td>
                  <td>{k === bins.length - 1 ? '+∞' : formatNumber(b.x1, 1, locale)}</td>
                  <td className="num">{formatCount(b.count, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <g transform={translate(f)}>
          <AxisLeft ticks={axisTicks(y, 5, locale)} frame={f} label={d('pf.y')} />
          <AxisBottom ticks={axisTicks(x, 8, locale)} frame={f} label={d('pf.x')} grid={false} />
          {bins.map((b) => (
            <rect
              key={b.x0}
              className={`pf-bar${b.x1 <= fit.threshold ? ' misfit' : ''}`}
              x={x(b.x0) + 1}
              width={Math.max(1, x(b.x1) - x(b.x0) - 2)}
              y={y(b.count)}
              height={Math.max(0, f.innerHeight - y(b.count))}
            />
          ))}
          <VerticalMarker x={x(fit.threshold)} frame={f} label={df('pf.threshold', { threshold })} className="chart-cut" />
        </g>
      </ChartFigure>
    </section>
  );
}

// ---------------------------------------------------------------- local dependence

function LocalDependenceSection({
  items,
  runId,
  summary,
  texts,
  dt,
}: {
  items: ItemRow[];
  runId: string;
  summary: Record<string, unknown>;
  texts: Texts;
  dt: DiagnosticsTexts;
}) {
  const { locale } = texts;
  const { d, df } = dt;
  const report = storedLocalDependence(summary);
  const heading = <h2 id="dependance-locale-titre">{d('ld.heading')}</h2>;
  if (!report) {
    return (
      <section className="psy-section" aria-labelledby="dependance-locale-titre" id="dependance-locale">
        {heading}
        <p className="psy-note">{d('ld.missing')}</p>
      </section>
    );
  }
  const byId = new Map(items.map((i) => [i.challengeId, i] as const));
  const threshold = formatNumber(report.threshold, 1, locale);
  const link = (id: string) => {
    const item = byId.get(id);
    return item ? <Link to={`/psychometrie/items/${id}?run=${runId}`}>{item.key}</Link> : id;
  };
  return (
    <section className="psy-section" aria-labelledby="dependance-locale-titre" id="dependance-locale">
      {heading}
      <p className="muted">{df('ld.intro', { min: report.minPersons })}</p>
      <p>
        {df('ld.summary', {
          pairs: formatCount(report.pairsComputed, locale),
          related: formatCount(report.relatedPairs, locale),
          mean: formatNumber(report.meanQ3, 3, locale),
          expected: formatNumber(report.expectedMean, 3, locale),
          k: formatNumber(report.answersPerPerson, 1, locale),
          max: formatNumber(report.maxRelated, 3, locale),
        })}
      </p>
      {report.pairs.length === 0 ? (
        <p>{df('ld.none', { threshold })}</p>
      ) : (
        <>
          <div className="psy-table-scroll" role="region" aria-label={d('ld.heading')} tabIndex={0}>
            <table className="psy-table" data-testid="q3-table">
              <caption>{df('ld.caption', { threshold, n: report.above })}</caption>
              <thead>
                <tr>
                  <th scope="col">{d('ld.col.first')}</th>
                  <th scope="col">{d('ld.col.second')}</th>
                  <th scope="col">{d('ld.col.shared')}</th>
                  <th scope="col" className="num">
                    {d('ld.col.q3')}
                  </th>
                  <th scope="col" className="num">
                    {d('ld.col.adjusted')}
                  </th>
                  <th scope="col" className="num">
                    {d('ld.col.n')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.pairs.map((p) => {
                  const first = byId.get(p.items[0]);
                  return (
                    <tr key={`${p.items[0]}${p.items[1]}`}>
                      <td>{link(p.items[0])}</td>
                      <td>{link(p.items[1])}</td>
                      <td>{p.relation === 'skill' ? df('ld.skill', { name: first?.skillName ?? '—' }) : df('ld.tube', { name: first?.tubeName ?? '—' })}</td>
                      <td className="num">{formatNumber(p.q3, 3, locale)}</td>
                      <td className="num">{formatNumber(p.adjusted, 3, locale)}</td>
                      <td className="num">{formatCount(p.n, locale)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {report.above > report.pairs.length ? <p className="muted">{df('ld.more', { shown: report.pairs.length, total: report.above })}</p> : null}
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------- DIF on a chosen variable

function groupLabel(dif: VariableDif, key: string, label: string, dt: DiagnosticsTexts): string {
  if (key === OTHER_GROUPS) return dt.d('dv.others');
  if (dif.variable === 'testType') return dt.d(`dv.kind.${key}` as DiagnosticsKey) ?? label;
  return label;
}

function VariableDifSection({
  items,
  runId,
  dif,
  query,
  texts,
  dt,
}: {
  items: ItemRow[];
  runId: string;
  dif: VariableDif | null;
  query: DiagnosticsQuery;
  texts: Texts;
  dt: DiagnosticsTexts;
}) {
  const { t, locale } = texts;
  const { d, df } = dt;
  const byId = new Map(items.map((i) => [i.challengeId, i] as const));
  const notable = dif ? dif.items.filter((i) => i.class === 'B' || i.class === 'C') : [];
  return (
    <section className="psy-section" aria-labelledby="dif-variable-titre" id="dif-variable">
      <h2 id="dif-variable-titre">{d('dv.heading')}</h2>
      <p className="muted">{d('dv.intro')}</p>
      <FilterForm
        anchor="dif-variable"
        label={d('dv.form')}
        values={[query.difVariable, query.difReference, query.difFocal]}
        params={[DIAGNOSTICS_PARAMS.variable, DIAGNOSTICS_PARAMS.reference, DIAGNOSTICS_PARAMS.focal]}
      >
        <div className="psy-field">
          <label htmlFor="dif-variable-choix">{d('dv.variable')}</label>
          <select id="dif-variable-choix" name={DIAGNOSTICS_PARAMS.variable} defaultValue={query.difVariable ?? ''}>
            <option value="">{d('dv.choose')}</option>
            {DIF_VARIABLES.map((v) => (
              <option key={v} value={v}>
                {d(`dv.var.${v}` as DiagnosticsKey)}
              </option>
            ))}
          </select>
        </div>
        {dif && dif.groups.length > 1 ? (
          <>
            <div className="psy-field">
              <label htmlFor="dif-reference">{d('dv.reference')}</label>
              <select id="dif-reference" name={DIAGNOSTICS_PARAMS.reference} defaultValue={dif.reference?.key ?? ''}>
                {dif.groups.map((g) => (
                  <option key={g.key} value={g.key}>
                    {groupLabel(dif, g.key, g.label, dt)} ({formatCount(g.persons, locale)})
                  </option>
                ))}
              </select>
            </div>
            <div className="psy-field">
              <label htmlFor="dif-focal">{d('dv.focal')}</label>
              <select id="dif-focal" name={DIAGNOSTICS_PARAMS.focal} defaultValue={dif.focal?.key ?? OTHER_GROUPS}>
                <option value={OTHER_GROUPS}>{d('dv.others')}</option>
                {dif.groups.map((g) => (
                  <option key={g.key} value={g.key}>
                    {groupLabel(dif, g.key, g.label, dt)} ({formatCount(g.persons, locale)})
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : null}
        <div className="psy-actions">
          <button type="submit">{d('dv.submit')}</button>
        </div>
      </FilterForm>
      {dif ? (
        <div data-testid="dif-variable-result">
          <p>
            {df('dv.groups', {
              groups: dif.groups.map((g) => `${groupLabel(dif, g.key, g.label, dt)} (${formatCount(g.persons, locale)})`).join(', ') || '—',
              unknown: dif.unknownPersons > 0 ? df('dv.unknown', { n: formatCount(dif.unknownPersons, locale) }) : '',
            })}
          </p>
          {dif.refusal ? (
            <p className="psy-warning">{df(`dv.refusal.${dif.refusal}`, { min: dif.minPersons })}</p>
          ) : (
            <>
              {dif.reference && dif.focal ? (
                <p>
                  {df('dv.compared', {
                    reference: groupLabel(dif, dif.reference.key, dif.reference.label, dt),
                    rn: formatCount(dif.reference.persons, locale),
                    focal: groupLabel(dif, dif.focal.key, dif.focal.label, dt),
                    fn: formatCount(dif.focal.persons, locale),
                  })}
                </p>
              ) : null}
              <p>{df('dv.counts', { a: dif.counts.A, b: dif.counts.B, c: dif.counts.C, untested: dif.counts.untested })}</p>
              {notable.length === 0 ? (
                <p>{d('dv.none')}</p>
              ) : (
                <div className="psy-table-scroll" role="region" aria-label={d('dv.heading')} tabIndex={0}>
                  <table className="psy-table">
                    <caption>{df('dv.caption', { n: notable.length })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('common.item')}</th>
                        <th scope="col" className="num">
                          {d('dv.col.n')}
                        </th>
                        <DifStatHeaders texts={texts} />
                      </tr>
                    </thead>
                    <tbody>
                      {notable.map((i) => (
                        <tr key={i.challengeId}>
                          <th scope="row">
                            <Link to={`/psychometrie/items/${i.challengeId}?run=${runId}`}>{byId.get(i.challengeId)?.key ?? i.key}</Link>
                          </th>
                          <td className="num">
                            {formatCount(i.referenceN, locale)} / {formatCount(i.focalN, locale)}
                          </td>
                          <DifStatCells texts={texts} delta={i.deltaMH} se={i.seDelta} p={i.pValue} difClass={i.class} favours={i.favours} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
          <p className="muted">{df('dv.time', { ms: Math.round(dif.milliseconds) })}</p>
        </div>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------- exposure

const KIND_COLUMNS: { kind: TestKind; key: DiagnosticsKey }[] = [
  { kind: 'POSITIONING', key: 'ex.col.positioning' },
  { kind: 'CAMPAIGN', key: 'ex.col.campaign' },
  { kind: 'CERTIFICATION', key: 'ex.col.certification' },
];

function ExposureSection({ runId, exposure, texts, dt }: { runId: string; exposure: RunDiagnostics['exposure']; texts: Texts; dt: DiagnosticsTexts }) {
  const { t, locale } = texts;
  const { d, df } = dt;
  const ceiling = formatPercent(exposure.ceiling, 0, locale);
  const day = (iso: string | null) => (iso ? formatDateTime(`${iso}T12:00:00Z`, locale, false) : '—');
  return (
    <section className="psy-section" aria-labelledby="exposition-titre" id="exposition">
      <h2 id="exposition-titre">{d('ex.heading')}</h2>
      <p className="muted">{df('ex.intro', { ceiling })}</p>
      {exposure.from && exposure.to ? (
        <p>{df('ex.period', { from: day(exposure.from), to: day(exposure.to), run: exposure.runPeriod ? d('ex.runPeriod') : '' })}</p>
      ) : (
        <p className="psy-note">{d('ex.noPeriod')}</p>
      )}
      <FilterForm
        anchor="exposition"
        label={d('ex.form')}
        values={[exposure.from, exposure.to, exposure.sort]}
        params={[DIAGNOSTICS_PARAMS.from, DIAGNOSTICS_PARAMS.to, DIAGNOSTICS_PARAMS.sort]}
      >
        <div className="psy-field">
          <label htmlFor="exposition-du">{d('ex.from')}</label>
          <input id="exposition-du" type="date" name={DIAGNOSTICS_PARAMS.from} defaultValue={exposure.from ?? ''} />
        </div>
        <div className="psy-field">
          <label htmlFor="exposition-au">{d('ex.to')}</label>
          <input id="exposition-au" type="date" name={DIAGNOSTICS_PARAMS.to} defaultValue={exposure.to ?? ''} />
        </div>
        <div className="psy-field">
          <label htmlFor="exposition-tri">{d('ex.sort')}</label>
          <select id="exposition-tri" name={DIAGNOSTICS_PARAMS.sort} defaultValue={exposure.sort}>
            {EXPOSURE_SORTS.map((s) => (
              <option key={s} value={s}>
                {d(`ex.sort.${s}` as DiagnosticsKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="psy-actions">
          <button type="submit">{d('ex.submit')}</button>
        </div>
      </FilterForm>
      <p>
        {df('ex.tests', {
          positioning: formatCount(exposure.tests.POSITIONING, locale),
          campaign: formatCount(exposure.tests.CAMPAIGN, locale),
          certification: formatCount(exposure.tests.CERTIFICATION, locale),
        })}{' '}
        <strong data-testid="exposure-over">
          {exposure.overExposed > 1 ? df('ex.over', { n: exposure.overExposed }) : exposure.overExposed === 1 ? d('ex.overOne') : d('ex.noOver')}
        </strong>
      </p>
      <div className="psy-table-scroll" role="region" aria-label={d('ex.heading')} tabIndex={0}>
        <table className="psy-table" data-testid="exposure-table">
          <caption>{df('ex.caption', { n: exposure.rows.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{d('common.item')}</th>
              <th scope="col">{d('common.competence')}</th>
              <th scope="col" className="num">
                a
              </th>
              <th scope="col" className="num">
                b
              </th>
              {KIND_COLUMNS.map((c) => (
                <th key={c.kind} scope="col" className="num" aria-sort={exposure.sort === c.kind.toLowerCase() ? 'descending' : undefined}>
                  {d(c.key)}
                </th>
              ))}
              <th scope="col">{d('ex.col.over')}</th>
            </tr>
          </thead>
          <tbody>
            {exposure.rows.map((r) => (
              <tr key={r.challengeId}>
                <th scope="row">
                  <Link to={`/psychometrie/items/${r.challengeId}?run=${runId}`}>{r.key}</Link>
                </th>
                <td>{r.competenceCode}</td>
                <td className="num">{formatNumber(r.a, 2, locale)}</td>
                <td className="num">{formatNumber(r.b, 2, locale)}</td>
                {KIND_COLUMNS.map((c) => {
                  const rate = r.rates[c.kind];
                  return (
                    <td key={c.kind} className="num">
                      {rate.rate === null ? '—' : df('ex.cell', { rate: formatPercent(rate.rate, 1, locale), served: rate.served, tests: rate.tests })}
                    </td>
                  );
                })}
                <td>{r.overExposed ? <span className="psy-flag tone-review">{d('ex.overBadge')}</span> : t('common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

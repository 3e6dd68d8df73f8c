/**
 * A run's items as a table: how many carry each signal (each a link that filters the table), and the
 * parameter table itself, sorted, filtered and paged through the address so that it works without
 * JavaScript.
 */
import { Form, Link, useSearchParams } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { itemSignals, SIGNALS, type Signal } from '../../../engine/calibration';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import { parseTableQuery, tablePage, tableSearch, type SortKey, type TableQuery } from '~/components/charts/psychometrics';
import { formatCount, formatNumber, formatPercent, formatSigned, formatWithSe } from '~/components/charts/format';
import { SignalBadge, type Texts } from '~/components/charts/ui';
import type { PsychometricsKey } from '~/i18n/psychometrie';

export function SignalSummary({ items, texts }: { items: ItemRow[]; texts: Texts }) {
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

export function ParameterTable({ items, runId, texts }: { items: ItemRow[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
  const [params] = useSearchParams();
  const query = parseTableQuery(params);
  const page = tablePage(items, query);
  const competences = [...new Map(items.map((i) => [i.competenceCode, i.competenceTitle] as const)).entries()].sort((x, y) =>
    x[0].localeCompare(y[0], 'fr', { numeric: true }),
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

/** Differential item functioning: the counts of each ETS class and the items of class B or C. */
import { Link } from '@remix-run/react';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import { formatNumber, formatWithSe } from '~/components/charts/format';
import { SignalBadge, type Texts } from '~/components/charts/ui';

/** The Mantel–Haenszel columns every DIF table shows: Δ with its SE, p, ETS class, the group favoured. */
export function DifStatHeaders({ texts }: { texts: Texts }) {
  const { t } = texts;
  return (
    <>
      <th scope="col" className="num">
        {t('dif.delta')}
      </th>
      <th scope="col" className="num">
        {t('dif.p')}
      </th>
      <th scope="col">{t('dif.class')}</th>
      <th scope="col">{t('dif.favours')}</th>
    </>
  );
}

export function DifStatCells({
  texts,
  delta,
  se,
  p,
  difClass,
  favours,
}: {
  texts: Texts;
  delta: number | null;
  se: number | null;
  p: number | null;
  difClass: string | null;
  favours: string | null;
}) {
  const { t, locale } = texts;
  return (
    <>
      <td className="num">{formatWithSe(delta, se, 2, locale)}</td>
      <td className="num">{p === null ? '—' : p < 0.001 ? `< ${formatNumber(0.001, 3, locale)}` : formatNumber(p, 3, locale)}</td>
      <td>{difClass === 'C' ? <SignalBadge signal="dif_c" texts={texts} /> : difClass === 'B' ? <SignalBadge signal="dif_b" texts={texts} /> : difClass}</td>
      <td>{favours ? t(`dif.favours.${favours}` as Parameters<Texts['t']>[0]) : '—'}</td>
    </>
  );
}

export function DifSection({ items, runId, summary, texts }: { items: ItemRow[]; runId: string; summary: Record<string, unknown>; texts: Texts }) {
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
            <DifStatHeaders texts={texts} />
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
              <DifStatCells texts={texts} delta={e.deltaMH} se={e.seDelta} p={e.pValue} difClass={e.difClass} favours={e.favours} />
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

/** Persons and items on one θ scale: the run's Wright map. */
import type { HistogramBin } from '../../../engine/statistics';
import type { ItemRow } from '~/models/psychometrics-analysis.server';
import { WrightMap } from '~/components/charts/WrightMap';
import { formatNumber, formatWithSe } from '~/components/charts/format';
import { WrightTable, type Texts } from '~/components/charts/ui';

export function RunWrightSection({ items, bins, runId, texts }: { items: ItemRow[]; bins: HistogramBin[]; runId: string; texts: Texts }) {
  const { t, f, locale } = texts;
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
          href: `/psychometrie/items/${i.challengeId}?run=${runId}`,
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

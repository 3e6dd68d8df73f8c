/** Rasch against 2PL on the comparison page: both models' figures and the likelihood-ratio test, or why it does not apply. */
import { formatCount, formatNumber, type Locale } from '~/components/charts/format';
import { fill, useLocale, useMessages } from '~/i18n';
import { qualityMessages, type QualityKey } from '~/i18n/psychometrie-qualite';
import type { ModelTest } from '~/models/model-comparison.server';

export function ModelComparisonSection({ test, models }: { test: ModelTest; models: [string, string] }) {
  const t = useMessages(qualityMessages);
  const locale = useLocale() as Locale;
  const f = (key: QualityKey, params: Record<string, string | number>) => fill(t(key), params);
  const modelName = (m: string) => (m === 'rasch' ? 'Rasch' : m === '2pl' ? '2PL' : m);
  return (
    <section className="psy-section" aria-labelledby="rasch-2pl-titre" data-testid="model-test">
      <h2 id="rasch-2pl-titre">{t('lrt.heading')}</h2>
      {!test.applies ? (
        <p className="psy-note">{f(`lrt.na.${test.reason}` as QualityKey, { a: modelName(models[0]), b: modelName(models[1]) })}</p>
      ) : (
        <>
          <table className="psy-table">
            <caption>{t('lrt.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lrt.col.model')}</th>
                <th scope="col" className="num">
                  {t('lrt.col.logLik')}
                </th>
                <th scope="col" className="num">
                  {t('lrt.col.parameters')}
                </th>
                <th scope="col" className="num">
                  {t('lrt.col.aic')}
                </th>
                <th scope="col" className="num">
                  {t('lrt.col.bic')}
                </th>
              </tr>
            </thead>
            <tbody>
              {[test.rasch, test.twoPl].map((m) => (
                <tr key={m.model}>
                  <th scope="row">{modelName(m.model)}</th>
                  <td className="num">{formatNumber(m.logLik, 2, locale)}</td>
                  <td className="num">{formatCount(m.parameters, locale)}</td>
                  <td className="num">{formatNumber(m.aic, 2, locale)}</td>
                  <td className="num">{formatNumber(m.bic, 2, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="lrt-result">
            {f('lrt.result', {
              statistic: formatNumber(test.likelihoodRatio.statistic, 2, locale),
              df: test.likelihoodRatio.df,
              p: test.likelihoodRatio.p < 0.001 ? (locale === 'fr' ? '< 0,001' : '< 0.001') : formatNumber(test.likelihoodRatio.p, 3, locale),
              verdict: t(test.likelihoodRatio.p < 0.05 ? 'lrt.verdict.2pl' : 'lrt.verdict.rasch'),
            })}
          </p>
          {test.priors ? <p className="muted">{t('lrt.priors')}</p> : null}
        </>
      )}
    </section>
  );
}

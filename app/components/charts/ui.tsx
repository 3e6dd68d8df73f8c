/** Small pieces shared by the analysis pages: translations with placeholders, flag badges, run labels. */
import { Link } from '@remix-run/react';
import { useLocale, useMessages } from '~/i18n';
import { fill, psychometricsMessages, type PsychometricsKey } from '~/i18n/psychometrie';
import type { Signal } from '../../../engine/calibration';
import { SIGNAL_STYLE } from './psychometrics';
import { symbolPath } from './scales';
import { formatCount, formatDateTime, formatNumber, type Locale } from './format';

export interface Texts {
  t: (key: PsychometricsKey) => string;
  f: (key: PsychometricsKey, params: Record<string, string | number>) => string;
  locale: Locale;
}

export function useTexts(): Texts {
  const t = useMessages(psychometricsMessages);
  const locale = useLocale();
  return { t, f: (key, params) => fill(t(key), params), locale };
}

export function SignalBadge({ signal, texts }: { signal: Signal | 'anchored'; texts: Texts }) {
  const style = signal === 'anchored' ? { shape: 'circle' as const, tone: 'normal' as const } : SIGNAL_STYLE[signal];
  return (
    <span className={`psy-flag tone-${style.tone}`}>
      <svg width="12" height="12" viewBox="-6 -6 12 12" aria-hidden="true" focusable="false">
        <path d={symbolPath(style.shape, 40)} className={`chart-point tone-${style.tone}`} />
      </svg>
      {texts.t(`flag.${signal}` as PsychometricsKey)}
    </span>
  );
}

export function RunStatus({ status, texts }: { status: string; texts: Texts }) {
  return <span className={`psy-status ${status}`}>{texts.t(`status.${status}` as PsychometricsKey)}</span>;
}

/** "Calcul du 23 nov. 2026, 14:05" as a link to the run. */
export function RunLink({ id, createdAt, texts }: { id: string; createdAt: string; texts: Texts }) {
  return <Link to={`/psychometrie/calibrations/${id}`}>{texts.f('run.title', { date: formatDateTime(createdAt, texts.locale) })}</Link>;
}

export function PsyNav({ texts, current }: { texts: Texts; current?: 'bank' | 'compare' }) {
  return (
    <nav aria-label={texts.t('nav.space')} className="psy-breadcrumb">
      <ul className="psy-links">
        <li>
          <Link to="/psychometrie">{texts.t('nav.runs')}</Link>
        </li>
        <li>
          <Link to="/psychometrie/banque" aria-current={current === 'bank' ? 'page' : undefined}>
            {texts.t('nav.bank')}
          </Link>
        </li>
        <li>
          <Link to="/psychometrie/comparaison" aria-current={current === 'compare' ? 'page' : undefined}>
            {texts.t('nav.compare')}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

/** The numbers behind a Wright map: persons and items per θ bin, highest first. */
export function WrightTable({
  bins,
  items,
  texts,
}: {
  bins: readonly { x0: number; x1: number; count: number }[];
  items: readonly { b: number; level: number; key: string }[];
  texts: Texts;
}) {
  const { t, locale } = texts;
  const inBin = (b: { x0: number; x1: number }, i: { b: number }) => i.b >= b.x0 && i.b < b.x1;
  const used = bins.filter((b) => b.count > 0 || items.some((i) => inBin(b, i)));
  return (
    <table className="psy-table">
      <thead>
        <tr>
          <th scope="col" className="num">
            {t('wright.table.from')}
          </th>
          <th scope="col" className="num">
            {t('wright.table.to')}
          </th>
          <th scope="col" className="num">
            {t('wright.table.persons')}
          </th>
          <th scope="col">{t('wright.table.items')}</th>
        </tr>
      </thead>
      <tbody>
        {[...used].reverse().map((b) => (
          <tr key={b.x0}>
            <td className="num">{formatNumber(b.x0, 2, locale)}</td>
            <td className="num">{formatNumber(b.x1, 2, locale)}</td>
            <td className="num">{formatCount(b.count, locale)}</td>
            <td className="wrap">
              {items
                .filter((i) => inBin(b, i))
                .map((i) => `${i.key} (${i.level})`)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

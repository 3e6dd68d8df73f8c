/**
 * Numbers as French readers write them: decimal comma, true minus sign, narrow no-break space between
 * thousands. Written by hand (not Intl) so that the server and the browser render the same string.
 */

const MINUS = '\u2212';
const THIN_SPACE = '\u202f';

export type Locale = 'fr' | 'en';

/** `x` with `digits` decimals ("−0,42"); an em dash for null, undefined or non-finite values. */
export function formatNumber(x: number | null | undefined, digits = 2, locale: Locale = 'fr'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const rounded = Number(x.toFixed(digits));
  const negative = rounded < 0;
  const [whole, fraction] = Math.abs(rounded).toFixed(digits).split('.') as [string, string | undefined];
  const grouped = whole.length > 4 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'fr' ? THIN_SPACE : ',') : whole;
  const body = fraction ? `${grouped}${locale === 'fr' ? ',' : '.'}${fraction}` : grouped;
  return negative ? `${locale === 'fr' ? MINUS : '-'}${body}` : body;
}

/** A signed difference: "+0,31", "−0,12", "0,00". */
export function formatSigned(x: number | null | undefined, digits = 2, locale: Locale = 'fr'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const text = formatNumber(x, digits, locale);
  return Number(x.toFixed(digits)) > 0 ? `+${text}` : text;
}

/** A whole number with thousands grouped ("12 345"). */
export function formatCount(x: number | null | undefined, locale: Locale = 'fr'): string {
  return formatNumber(x === null || x === undefined ? x : Math.round(x), 0, locale);
}

/** A share as a percentage ("47 %", "47%" in English). */
export function formatPercent(x: number | null | undefined, digits = 0, locale: Locale = 'fr'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${formatNumber(x * 100, digits, locale)}${locale === 'fr' ? '\u00a0%' : '%'}`;
}

/** An estimate with its standard error: "0,84 (0,07)". */
export function formatWithSe(x: number | null | undefined, se: number | null | undefined, digits = 2, locale: Locale = 'fr'): string {
  const main = formatNumber(x, digits, locale);
  return se === null || se === undefined || !Number.isFinite(se) ? main : `${main} (${formatNumber(se, digits, locale)})`;
}

/** Seconds as "42 s", "3 min 05 s". */
export function formatDuration(seconds: number | null | undefined, locale: Locale = 'fr'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${formatNumber(seconds, seconds < 10 ? 1 : 0, locale)}\u00a0s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}\u00a0min ${String(s).padStart(2, '0')}\u00a0s`;
}

const MONTHS: Record<Locale, string[]> = {
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/**
 * A date and time in Paris time ("23 nov. 2026, 14:05"). Only the numeric parts come from Intl, so the
 * server and the browser render the same text (their ICU data may word dates differently).
 */
export function formatDateTime(iso: string | Date | null | undefined, locale: Locale = 'fr', withTime = true): string {
  if (!iso) return '—';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '—';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = `${Number(part('day'))} ${MONTHS[locale][Number(part('month')) - 1]} ${part('year')}`;
  return withTime ? `${day}, ${part('hour').padStart(2, '0')}:${part('minute')}` : day;
}

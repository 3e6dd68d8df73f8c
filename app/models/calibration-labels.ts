/**
 * The codes of calibration runs (statuses, triggers, reviews, phases) and how the calibration pages write
 * numbers, durations and dates in each language. The words for the codes are in the dictionaries
 * (app/i18n/psychometrie.ts, app/i18n/psychometrie-calibrations.ts). Not a .server module: shared by
 * server code and the pages.
 */
import { formatParisDateTime } from '../lib/paris-time';

export type CalibrationPhase = 'queued' | 'reading' | 'sharding' | 'estimating' | 'diagnostics' | 'writing' | 'done' | 'cancelled' | 'failed';
export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type RunTrigger = 'MANUAL' | 'SCHEDULE' | 'NEW_ANSWERS';
export type RunReview = 'PENDING' | 'APPROVED' | 'REJECTED';

type Locale = 'fr' | 'en';
const INTL: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

export function formatNumber(x: number | null | undefined, digits = 2, locale: Locale = 'fr'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString(INTL[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatInteger(x: number | null | undefined, locale: Locale = 'fr'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return Math.round(x).toLocaleString(INTL[locale]);
}

export function formatDateTime(iso: string | null | undefined, locale: Locale = 'fr'): string {
  if (!iso) return '—';
  return formatParisDateTime(iso, locale);
}

export function formatDuration(seconds: number | null | undefined, locale: Locale = 'fr'): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toLocaleString(INTL[locale], { maximumFractionDigits: 1 })} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

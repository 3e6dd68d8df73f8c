/** French labels of calibration runs (shared by server code and the pages, so not a .server module). */
import { DRIFT_THRESHOLDS } from '../../engine/calibration';
import { formatParisDateTime } from '../lib/paris-time';

export type CalibrationPhase = 'queued' | 'reading' | 'sharding' | 'estimating' | 'diagnostics' | 'writing' | 'done' | 'cancelled' | 'failed';

export const TRIGGER_LABELS = { MANUAL: 'À la demande', SCHEDULE: 'Planifiée', NEW_ANSWERS: 'Nouvelles réponses' } as const;
export const STATUS_LABELS = { QUEUED: 'En attente', RUNNING: 'En cours', SUCCEEDED: 'Terminée', FAILED: 'Échouée', CANCELLED: 'Annulée' } as const;
export const REVIEW_LABELS = { PENDING: 'À examiner', APPROVED: 'Approuvée', REJECTED: 'Rejetée' } as const;
export const MODEL_LABELS: Record<string, string> = { '2pl': '2PL', rasch: 'Rasch' };
export const ANCHOR_LABELS = {
  'keep-live': 'Épreuves calibrées fixes, nouvelles épreuves estimées',
  'recalibrate-all': 'Toutes les épreuves recalibrées',
} as const;

export const PHASE_LABELS: Record<CalibrationPhase, string> = {
  queued: 'en attente d’un worker',
  reading: 'lecture des réponses',
  sharding: 'préparation des données',
  estimating: 'estimation (EM)',
  diagnostics: 'erreurs types, ajustement, DIF et dérive',
  writing: 'enregistrement',
  done: 'terminée',
  cancelled: 'annulée',
  failed: 'échouée',
};

/** Item flags: the engine's vocabulary plus the run's drift and DIF flags. */
export const FLAG_LABELS: Record<string, string> = {
  too_few_answers: 'trop peu de réponses',
  low_discrimination: 'discrimination faible',
  negative_discrimination: 'discrimination négative',
  misfit: 'mauvais ajustement',
  not_converged: 'non convergé',
  drift: 'dérive (|Δb| > 0,5)',
  dif: 'DIF (classe C)',
  drift_look: `dérive à examiner (|Δb| > ${String(DRIFT_THRESHOLDS.look).replace('.', ',')})`,
  drift_review: `dérive à revoir (|Δb| > ${String(DRIFT_THRESHOLDS.review).replace('.', ',')})`,
  dif_b: 'DIF modéré (classe B)',
  dif_c: 'DIF fort (classe C)',
};

export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatInteger(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return Math.round(x).toLocaleString('fr-FR');
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return formatParisDateTime(iso);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

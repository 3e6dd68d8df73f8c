/**
 * Results of the framework editing functions: the saved thing, or one message key per field that the
 * form shows next to the field (keys of app/i18n/referentiel-edition.ts, so every message has its French
 * and English text).
 */
import type { ZodError } from 'zod';
import type { EditErrorKey } from '../i18n/referentiel-edition';

export type FieldErrors<F extends string> = Partial<Record<F, EditErrorKey>>;

export type EditResult<T, F extends string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<F> };

/** What an action returns when a form is refused: the messages and what was typed, to fill the form again. */
export type RefusedForm<F extends string> = { errors: FieldErrors<F>; values: Record<F, string> };

export function fail<F extends string>(errors: FieldErrors<F>): { ok: false; errors: FieldErrors<F> } {
  return { ok: false, errors };
}

/** The first message of each field (zod messages are our message keys). */
export function zodFieldErrors<F extends string>(error: ZodError): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form') as F;
    if (!errors[field]) errors[field] = issue.message as EditErrorKey;
  }
  return errors;
}

/** A form's text fields as strings (absent fields are empty), for validation and for refilling the form. */
export function formValues<F extends string>(form: FormData, fields: readonly F[]): Record<F, string> {
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const value = form.get(field);
    values[field] = typeof value === 'string' ? value : '';
  }
  return values;
}

/** A unique-constraint violation (two people saving the same name at once). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** Lowercase ASCII words joined by dashes, for generated keys (`Mots de passe` → `mots-de-passe`). */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug || 'sans-titre';
}

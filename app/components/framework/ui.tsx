/**
 * Building blocks of the framework workspace and the tutorial pages: translated strings, form fields with
 * their server message, the error summary, status badges, breadcrumbs.
 */
import type { ReactNode } from 'react';
import { Link } from '@remix-run/react';
import { ErrorSummary as SharedErrorSummary } from '~/components/ErrorSummary';
import { useLocale, useMessages, type Locale } from '~/i18n';
import { fill, referentielMessages, type EditErrorKey, type ReferentielKey } from '~/i18n/referentiel-edition';
import { isHttpUrl } from '../../../engine/framework/authoring';
import { useRootData } from '~/root';
import { formatParisDateTime } from '~/lib/paris-time';

/** `t(key)` and `f(key, values)` for the strings of app/i18n/referentiel-edition.ts. */
export function useR() {
  const t = useMessages(referentielMessages);
  return { t, f: (key: ReferentielKey, values: Record<string, string | number>) => fill(t(key), values) };
}

/** Dates are shown in Paris time on the server and in the browser alike (no hydration mismatch). */
export function formatDateTime(iso: string, locale: Locale): string {
  return formatParisDateTime(iso, locale);
}

export function CsrfField() {
  const root = useRootData();
  return <input type="hidden" name="csrf" value={root?.csrfToken ?? ''} />;
}

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}

export type Errors = Partial<Record<string, EditErrorKey>> | undefined;

interface FieldBase {
  name: string;
  label: string;
  errors?: Errors;
  help?: string;
  required?: boolean;
  defaultValue?: string;
}

function useFieldParts({ name, label, errors, help, required }: FieldBase) {
  const { t } = useR();
  const id = `field-${name}`;
  const error = errors?.[name];
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const head = (
    <>
      <label htmlFor={id}>
        {label} {required ? <span className="field-note">{t('form.required')}</span> : <span className="field-note">{t('form.optional')}</span>}
      </label>
      {help ? (
        <p id={`${id}-help`} className="field-help">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="error-message">
          {t(error)}
        </p>
      ) : null}
    </>
  );
  // The server validates every field (French messages); `aria-required` tells assistive technologies
  // without letting the browser block the form with its own messages.
  const inputProps = { id, name, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, 'aria-required': required ? true : undefined };
  return { head, inputProps, error };
}

export function TextField(
  props: FieldBase & { type?: 'text' | 'url'; autoComplete?: string; inputMode?: 'text' | 'url' | 'numeric'; spellCheck?: boolean; placeholder?: string },
) {
  const { head, inputProps, error } = useFieldParts(props);
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      {head}
      <input
        {...inputProps}
        type={props.type ?? 'text'}
        defaultValue={props.defaultValue}
        autoComplete={props.autoComplete ?? 'off'}
        inputMode={props.inputMode}
        spellCheck={props.spellCheck}
        placeholder={props.placeholder}
      />
    </div>
  );
}

export function TextAreaField(props: FieldBase & { rows?: number }) {
  const { head, inputProps, error } = useFieldParts(props);
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      {head}
      <textarea {...inputProps} rows={props.rows ?? 3} defaultValue={props.defaultValue} />
    </div>
  );
}

export function SelectField(props: FieldBase & { options: { value: string; label: string; disabled?: boolean }[]; placeholder?: string }) {
  const { head, inputProps, error } = useFieldParts(props);
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      {head}
      <select {...inputProps} defaultValue={props.defaultValue}>
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The errors of a submitted form, listed with links to the fields; takes the focus so that it is read first. */
export function ErrorSummary({ errors }: { errors?: Errors }) {
  const { t } = useR();
  const entries = Object.entries(errors ?? {}).filter((e): e is [string, EditErrorKey] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return (
    <SharedErrorSummary
      heading="h2"
      title={t('form.errorSummary')}
      items={entries.map(([field, key]) => ({ href: `#field-${field}`, text: t(key) }))}
      focusOn={errors}
    />
  );
}

/** A short confirmation after a redirect (`?ok=…`). */
export function SavedNotice({ show, children }: { show: boolean; children?: ReactNode }) {
  const { t } = useR();
  if (!show) return null;
  return (
    <p className="notice" role="status">
      {children ?? t('form.saved')}
    </p>
  );
}

export function SkillStatusBadge({ status }: { status: string }) {
  const { t } = useR();
  return <span className={`badge ${status}`}>{t(`skillStatus.${status}` as ReferentielKey)}</span>;
}

export function LinkStatusBadge({ status }: { status: 'OK' | 'DEAD' | 'UNCHECKED' }) {
  const { t } = useR();
  return <span className={`badge link-${status.toLowerCase()}`}>{t(`link.${status}`)}</span>;
}

/** Link status with the date and note of the last check. */
export function LinkCheck({ status, lastCheckedAt, note }: { status: 'OK' | 'DEAD' | 'UNCHECKED'; lastCheckedAt: string | null; note: string | null }) {
  const { f, t } = useR();
  const locale = useLocale();
  return (
    <span className="link-check">
      <LinkStatusBadge status={status} />{' '}
      <span className="muted">
        {lastCheckedAt ? f('link.checkedOn', { date: formatDateTime(lastCheckedAt, locale) }) : t('link.neverChecked')}
        {note ? ` · ${note}` : ''}
      </span>
    </span>
  );
}

export function Breadcrumb({ items }: { items: { to?: string; label: string }[] }) {
  const { t } = useR();
  return (
    <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item.to ? <Link to={item.to}>{item.label}</Link> : <span aria-current="page">{item.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * A link to a tutorial's address, opened in a new tab. Only http(s) addresses become links: an address
 * imported from elsewhere (`javascript:`…) is shown as text, never followed.
 */
export function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  const { t } = useR();
  if (!isHttpUrl(href)) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
      <VisuallyHidden> {t('tutorials.opens')}</VisuallyHidden>
    </a>
  );
}

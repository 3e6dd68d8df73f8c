/** The fields of a certification session (create and edit), with each field's error next to it. */
import { Form } from '@remix-run/react';
import { useMessages } from '~/i18n';
import { certifMessages } from '~/i18n/certif';
import { useRootData } from '~/root';
import type { SessionFormError } from '~/models/certification-session.server';

export interface SessionFormValues {
  centreId?: string;
  date: string;
  time: string;
  address: string;
  room: string;
  examiner: string;
  description: string;
  durationMinutes: number | string;
}

function Field(props: {
  name: keyof SessionFormValues;
  label: string;
  hint?: string;
  error?: string;
  children: (aria: Record<string, string | boolean | undefined>) => React.ReactNode;
}) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = props.error ? `${props.name}-error` : undefined;
  return (
    <div>
      <label htmlFor={props.name}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children({
        id: props.name,
        name: props.name,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
        'aria-invalid': props.error ? true : undefined,
      })}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function SessionForm(props: {
  values: SessionFormValues;
  /** Field → error code, said here in the page's language. */
  errors?: Record<string, SessionFormError>;
  centres?: { id: string; name: string }[];
  submitLabel: string;
  busy?: boolean;
}) {
  const t = useMessages(certifMessages);
  const { csrfToken } = useRootData();
  const e: Record<string, string> = Object.fromEntries(Object.entries(props.errors ?? {}).map(([field, code]) => [field, t(`form.error.${code}`)]));
  const v = props.values;
  return (
    <Form method="post" className="certif-form" noValidate>
      <input type="hidden" name="csrf" value={csrfToken ?? ''} />
      {Object.keys(e).length > 0 ? (
        <div role="alert" className="error-message">
          <p>{t('form.errors')}</p>
          <ul>
            {Object.entries(e).map(([k, m]) => (
              <li key={k}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {props.centres && props.centres.length > 1 ? (
        <Field name="centreId" label={t('form.centre')} error={e.centreId}>
          {(aria) => (
            <select {...aria} defaultValue={v.centreId}>
              {props.centres!.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : props.centres?.[0] ? (
        <input type="hidden" name="centreId" value={props.centres[0].id} />
      ) : null}
      <Field name="date" label={t('form.date')} error={e.date}>
        {(aria) => <input {...aria} type="date" defaultValue={v.date} required />}
      </Field>
      <Field name="time" label={t('form.time')} error={e.time}>
        {(aria) => <input {...aria} type="time" defaultValue={v.time} required />}
      </Field>
      <Field name="address" label={t('form.address')} error={e.address}>
        {(aria) => <input {...aria} type="text" defaultValue={v.address} required autoComplete="street-address" />}
      </Field>
      <Field name="room" label={t('form.room')} error={e.room}>
        {(aria) => <input {...aria} type="text" defaultValue={v.room} required />}
      </Field>
      <Field name="examiner" label={t('form.examiner')} hint={t('form.examinerHint')} error={e.examiner}>
        {(aria) => <input {...aria} type="text" defaultValue={v.examiner} required />}
      </Field>
      <Field name="durationMinutes" label={t('form.duration')} hint={t('form.durationHint')} error={e.durationMinutes}>
        {(aria) => <input {...aria} type="number" min={30} max={240} defaultValue={v.durationMinutes} />}
      </Field>
      <Field name="description" label={t('form.description')} error={e.description}>
        {(aria) => <textarea {...aria} rows={3} defaultValue={v.description} />}
      </Field>
      <p>
        <button type="submit" className="primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </p>
    </Form>
  );
}

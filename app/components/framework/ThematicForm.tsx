import { Form, Link, useNavigation } from '@remix-run/react';
import { CsrfField, ErrorSummary, TextField, useR, type Errors } from './ui';

/** Create or rename a thematic. */
export function ThematicForm({ values, errors, submitLabel, cancelTo }: { values: { name: string }; errors?: Errors; submitLabel: string; cancelTo: string }) {
  const { t } = useR();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="edit-form" noValidate>
        <CsrfField />
        <TextField name="name" label={t('thematic.name')} required errors={errors} defaultValue={values.name} />
        <div className="form-buttons">
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
          <Link to={cancelTo}>{t('form.cancel')}</Link>
        </div>
      </Form>
    </>
  );
}

import { Form, Link, useNavigation } from '@remix-run/react';
import { CsrfField, ErrorSummary, SelectField, TextAreaField, TextField, useR, type Errors } from './ui';

export interface TubeValues {
  name: string;
  title: string;
  description: string;
  thematicId: string;
}

/** Create or edit a tube: @name, practical title, description, thematic. */
export function TubeForm({
  values,
  errors,
  thematics,
  submitLabel,
  cancelTo,
  renaming = false,
}: {
  values: TubeValues;
  errors?: Errors;
  thematics: { id: string; name: string }[];
  submitLabel: string;
  cancelTo: string;
  renaming?: boolean;
}) {
  const { t } = useR();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="edit-form" noValidate>
        <CsrfField />
        <TextField
          name="name"
          label={t('tube.name')}
          help={renaming ? `${t('tube.nameHelp')} ${t('tube.renameWarning')}` : t('tube.nameHelp')}
          required
          errors={errors}
          defaultValue={values.name}
          spellCheck={false}
        />
        <TextField name="title" label={t('tube.title')} help={t('tube.titleHelp')} required errors={errors} defaultValue={values.title} />
        <TextAreaField name="description" label={t('tube.description')} required errors={errors} defaultValue={values.description} rows={3} />
        <SelectField
          name="thematicId"
          label={t('tube.thematic')}
          required
          errors={errors}
          defaultValue={values.thematicId}
          options={thematics.map((th) => ({ value: th.id, label: th.name }))}
        />
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

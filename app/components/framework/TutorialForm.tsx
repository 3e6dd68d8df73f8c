import { Form, Link, useNavigation } from '@remix-run/react';
import { CsrfField, ErrorSummary, SelectField, TextField, useR, type Errors } from './ui';
import type { ReferentielKey } from '~/i18n/referentiel-edition';
import { TUTORIAL_FORMATS, TUTORIAL_LOCALES } from '../../../engine/framework/authoring';

export type TutorialValues = Record<'title' | 'url' | 'source' | 'format' | 'duration' | 'locale' | 'licence', string>;

export const emptyTutorial: TutorialValues = { title: '', url: 'https://', source: '', format: 'page', duration: '00:05:00', locale: 'fr-fr', licence: '' };

/** Create or edit a tutorial of the library. */
export function TutorialForm({ values, errors, submitLabel, cancelTo }: { values: TutorialValues; errors?: Errors; submitLabel: string; cancelTo: string }) {
  const { t } = useR();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="edit-form" noValidate>
        <CsrfField />
        <TextField name="title" label={t('tutorial.title')} required errors={errors} defaultValue={values.title} />
        <TextField
          name="url"
          type="url"
          inputMode="url"
          label={t('tutorial.url')}
          help={t('tutorial.urlHelp')}
          required
          errors={errors}
          defaultValue={values.url}
          spellCheck={false}
        />
        <TextField name="source" label={t('tutorial.source')} help={t('tutorial.sourceHelp')} required errors={errors} defaultValue={values.source} />
        <SelectField
          name="format"
          label={t('tutorial.format')}
          required
          errors={errors}
          defaultValue={values.format}
          options={TUTORIAL_FORMATS.map((value) => ({ value, label: t(`format.${value}` as ReferentielKey) }))}
        />
        <TextField
          name="duration"
          label={t('tutorial.duration')}
          help={t('tutorial.durationHelp')}
          required
          errors={errors}
          defaultValue={values.duration}
          inputMode="numeric"
        />
        <SelectField
          name="locale"
          label={t('tutorial.locale')}
          required
          errors={errors}
          defaultValue={values.locale}
          options={TUTORIAL_LOCALES.map((value) => ({ value, label: t(`locale.${value}` as ReferentielKey) }))}
        />
        <TextField name="licence" label={t('tutorial.licence')} help={t('tutorial.licenceHelp')} errors={errors} defaultValue={values.licence} />
        <div className="form-buttons">
          <button type="submit" className="primary" name="intent" value="save" disabled={busy}>
            {submitLabel}
          </button>
          <Link to={cancelTo}>{t('form.cancel')}</Link>
        </div>
      </Form>
    </>
  );
}

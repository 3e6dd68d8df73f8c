import { Form, Link, useNavigation } from '@remix-run/react';
import { CsrfField, ErrorSummary, SelectField, TextAreaField, useR, type Errors } from './ui';
import type { ReferentielKey } from '~/i18n/referentiel-edition';
import { SKILL_STATUS_ORDER } from '../../../engine/framework/authoring';

export interface SkillValues {
  level: string;
  status: string;
  hint: string;
}

const STATUSES = SKILL_STATUS_ORDER;

/** Create or edit a skill: level (1–8, one per tube), status, hint. */
export function SkillForm({
  values,
  errors,
  submitLabel,
  cancelTo,
  hidden = {},
  levelLocked = false,
  allowedStatuses = STATUSES,
  takenLevels = [],
}: {
  values: SkillValues;
  errors?: Errors;
  submitLabel: string;
  cancelTo?: string;
  hidden?: Record<string, string>;
  levelLocked?: boolean;
  allowedStatuses?: readonly string[];
  takenLevels?: number[];
}) {
  const { t, f } = useR();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <ErrorSummary errors={errors} />
      <Form method="post" className="edit-form" noValidate>
        <CsrfField />
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {levelLocked ? (
          <>
            <input type="hidden" name="level" value={values.level} />
            <p>
              <strong>{f('skill.levelIs', { n: values.level })}</strong> <span className="muted">{t('skill.levelFixed')}</span>
            </p>
          </>
        ) : (
          <SelectField
            name="level"
            label={t('skill.level')}
            required
            errors={errors}
            defaultValue={values.level}
            placeholder="—"
            options={[1, 2, 3, 4, 5, 6, 7, 8].map((level) => ({
              value: String(level),
              label: f('grid.level', { n: level }),
              // A level that already has a skill in this tube cannot be chosen (the server says so too).
              disabled: takenLevels.includes(level) && String(level) !== values.level,
            }))}
          />
        )}
        <SelectField
          name="status"
          label={t('skill.status')}
          required
          errors={errors}
          defaultValue={values.status}
          options={STATUSES.map((s) => ({ value: s, label: t(`skillStatus.${s}` as ReferentielKey), disabled: !allowedStatuses.includes(s) }))}
        />
        <TextAreaField name="hint" label={t('skill.hint')} help={t('skill.hintHelp')} errors={errors} defaultValue={values.hint} rows={3} />
        <div className="form-buttons">
          <button type="submit" className="primary" name="intent" value="save" disabled={busy}>
            {submitLabel}
          </button>
          {cancelTo ? <Link to={cancelTo}>{t('form.cancel')}</Link> : null}
        </div>
      </Form>
    </>
  );
}

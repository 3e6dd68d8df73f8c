/** The answer part of the challenge editor, by type: proposals, accepted answers, fields and groups, tolerances. */
import { useState, type ReactNode } from 'react';
import {
  ANSWER_FORMATS,
  TOLERANCES,
  templateFieldNames,
  type AnswerField,
  type AnswerFormat,
  type AnswerSpec,
  type FieldErrors,
  type Tolerance,
} from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';

export function FieldErrorList({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul className="error-message field-errors" id={id}>
      {messages.map((m, i) => (
        <li key={i}>{m}</li>
      ))}
    </ul>
  );
}

/** aria attributes of an input that may have errors. */
export function errorProps(errorId: string, messages: string[] | undefined, hintId?: string) {
  const has = (messages?.length ?? 0) > 0;
  const describedBy = [hintId, has ? errorId : null].filter(Boolean).join(' ');
  return { 'aria-invalid': has ? true : undefined, 'aria-describedby': describedBy || undefined } as const;
}

/** A textarea holding one entry per line; blank lines are ignored. */
export function LinesField(props: {
  id: string;
  label: string;
  hint?: string;
  lines: string[];
  onChange: (lines: string[]) => void;
  errors?: string[];
  rows?: number;
}) {
  const [text, setText] = useState(props.lines.join('\n'));
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="muted small" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <textarea
        id={props.id}
        rows={props.rows ?? Math.max(2, Math.min(8, props.lines.length + 1))}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(
            e.target.value
              .split('\n')
              .map((s) => s.trim())
              .filter((s) => s !== ''),
          );
        }}
        {...errorProps(`${props.id}-error`, props.errors, hintId)}
      />
      <FieldErrorList id={`${props.id}-error`} messages={props.errors} />
    </div>
  );
}

function FormatSelect({
  id,
  value,
  onChange,
  optional,
}: {
  id: string;
  value: AnswerFormat | undefined;
  onChange: (f: AnswerFormat | undefined) => void;
  optional?: boolean;
}) {
  const t = useMessages(creationMessages);
  return (
    <div className="field">
      <label htmlFor={id}>{t('editor.format')}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : (e.target.value as AnswerFormat))}>
        {optional ? <option value="">{t('format.inherit')}</option> : null}
        {ANSWER_FORMATS.map((f) => (
          <option key={f} value={f}>
            {t(`format.${f}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function TolerancesField({ value, onChange, errors }: { value: Tolerance[]; onChange: (t: Tolerance[]) => void; errors?: string[] }) {
  const t = useMessages(creationMessages);
  return (
    <fieldset className="tolerances" id="answer-tolerances">
      <legend>{t('editor.tolerances')}</legend>
      <p className="muted small">{t('editor.tolerancesHint')}</p>
      {TOLERANCES.map((tol) => (
        <div className="check" key={tol}>
          <input
            type="checkbox"
            id={`tolerance-${tol}`}
            checked={value.includes(tol)}
            onChange={(e) => onChange(e.target.checked ? TOLERANCES.filter((x) => x === tol || value.includes(x)) : value.filter((x) => x !== tol))}
            aria-describedby={`tolerance-${tol}-help`}
          />
          <label htmlFor={`tolerance-${tol}`}>{t(`tolerance.${tol}`)}</label>
          <p className="muted small" id={`tolerance-${tol}-help`}>
            {t(`tolerance.${tol}.help`)}
          </p>
        </div>
      ))}
      <FieldErrorList id="answer-tolerances-error" messages={errors} />
    </fieldset>
  );
}

type ChoiceSpec = Extract<AnswerSpec, { type: 'QCU' | 'QCM' }>;

function ProposalsEditor({ spec, onChange, errors }: { spec: ChoiceSpec; onChange: (s: ChoiceSpec) => void; errors: FieldErrors }) {
  const t = useMessages(creationMessages);
  const isCorrect = (i: number) => (spec.type === 'QCU' ? spec.correct === i : spec.correct.includes(i));
  const setProposals = (proposals: string[], remap: (i: number) => number | null) => {
    if (spec.type === 'QCU') {
      const c = remap(spec.correct);
      onChange({ ...spec, proposals, correct: c ?? 0 });
    } else {
      onChange({
        ...spec,
        proposals,
        correct: spec.correct
          .map(remap)
          .filter((c): c is number => c !== null)
          .sort((a, b) => a - b),
      });
    }
  };
  const move = (i: number, j: number) => {
    if (j < 0 || j >= spec.proposals.length) return;
    const proposals = [...spec.proposals];
    [proposals[i], proposals[j]] = [proposals[j] as string, proposals[i] as string];
    setProposals(proposals, (c) => (c === i ? j : c === j ? i : c));
  };
  const remove = (i: number) =>
    setProposals(
      spec.proposals.filter((_, k) => k !== i),
      (c) => (c === i ? null : c > i ? c - 1 : c),
    );
  const toggleCorrect = (i: number, checked: boolean) => {
    if (spec.type === 'QCU') onChange({ ...spec, correct: i });
    else onChange({ ...spec, correct: checked ? [...new Set([...spec.correct, i])].sort((a, b) => a - b) : spec.correct.filter((c) => c !== i) });
  };
  return (
    <fieldset id="answer-proposals" className="proposals">
      <legend>{t('editor.proposals')}</legend>
      <p className="muted small">{spec.type === 'QCU' ? t('editor.proposalsHintQcu') : t('editor.proposalsHintQcm')}</p>
      <ol className="proposal-list">
        {spec.proposals.map((p, i) => {
          const errs = errors[`answer.proposals.${i}`];
          return (
            <li key={i} className="proposal-row">
              <div className="field grow">
                <label htmlFor={`proposal-${i}`}>
                  {t('editor.proposal')} {i + 1}
                </label>
                <input
                  id={`proposal-${i}`}
                  type="text"
                  value={p}
                  onChange={(e) =>
                    setProposals(
                      spec.proposals.map((x, k) => (k === i ? e.target.value : x)),
                      (c) => c,
                    )
                  }
                  {...errorProps(`proposal-${i}-error`, errs)}
                />
                <FieldErrorList id={`proposal-${i}-error`} messages={errs} />
              </div>
              <div className="check correct-toggle">
                <input
                  type={spec.type === 'QCU' ? 'radio' : 'checkbox'}
                  name="editor-correct"
                  id={`correct-${i}`}
                  checked={isCorrect(i)}
                  onChange={(e) => toggleCorrect(i, e.target.checked)}
                />
                <label htmlFor={`correct-${i}`}>
                  {t('editor.correct')}
                  <span className="visually-hidden">
                    {' '}
                    ({t('editor.proposal').toLowerCase()} {i + 1})
                  </span>
                </label>
              </div>
              <div className="row-buttons">
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => move(i, i - 1)}
                  disabled={i === 0}
                  aria-label={`${t('editor.moveUp')} ${i + 1}`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => move(i, i + 1)}
                  disabled={i === spec.proposals.length - 1}
                  aria-label={`${t('editor.moveDown')} ${i + 1}`}
                >
                  ↓
                </button>
                <button type="button" className="secondary small" onClick={() => remove(i)} aria-label={`${t('editor.removeProposal')} ${i + 1}`}>
                  {t('common.remove')}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" className="secondary" onClick={() => onChange({ ...spec, proposals: [...spec.proposals, ''] } as ChoiceSpec)}>
        {t('editor.addProposal')}
      </button>
      <FieldErrorList id="answer-proposals-error" messages={errors['answer.proposals']} />
      <FieldErrorList id="answer-correct-error" messages={errors['answer.correct']} />
      <div className="check">
        <input type="checkbox" id="shuffle" checked={spec.shuffle} onChange={(e) => onChange({ ...spec, shuffle: e.target.checked })} />
        <label htmlFor="shuffle">{t('editor.shuffle')}</label>
      </div>
    </fieldset>
  );
}

type QrocmSpec = Extract<AnswerSpec, { type: 'QROCM-ind' | 'QROCM-dep' }>;

/** A field as created automatically, without anything the author wrote in it. */
function untouched(f: AnswerField): boolean {
  return (f.accepted ?? []).length === 0 && f.format === undefined && (f.label === f.name || /^Réponse \d+$/.test(f.label) || f.label.trim() === '');
}

/**
 * Fields follow the template: a new {{name}} adds a field; a field no longer placed disappears if
 * nothing was written in it, and otherwise stays (with a warning) until the author removes it.
 */
function syncFields(spec: QrocmSpec, template: string): AnswerField[] {
  const names = [...new Set(templateFieldNames(template))];
  const fields = spec.fields.filter((f) => names.includes(f.name) || !untouched(f));
  for (const name of names) {
    if (!fields.some((f) => f.name === name)) fields.push(spec.type === 'QROCM-ind' ? { name, label: name, accepted: [] } : { name, label: name });
  }
  return fields;
}

function QrocmEditor({ spec, onChange, errors }: { spec: QrocmSpec; onChange: (s: QrocmSpec) => void; errors: FieldErrors }) {
  const t = useMessages(creationMessages);
  const placed = new Set(templateFieldNames(spec.template));
  const setField = (name: string, patch: Partial<AnswerField>) =>
    onChange({ ...spec, fields: spec.fields.map((f) => (f.name === name ? { ...f, ...patch } : f)) } as QrocmSpec);
  const templateErrors = errors['answer.template'];
  return (
    <>
      <div className="field">
        <label htmlFor="answer-template">{t('editor.template')}</label>
        <p className="muted small" id="answer-template-hint">
          {t('editor.templateHintQrocm')}
        </p>
        <textarea
          id="answer-template"
          rows={4}
          value={spec.template}
          onChange={(e) => onChange({ ...spec, template: e.target.value, fields: syncFields(spec, e.target.value) } as QrocmSpec)}
          {...errorProps('answer-template-error', templateErrors, 'answer-template-hint')}
        />
        <FieldErrorList id="answer-template-error" messages={templateErrors} />
      </div>
      <FieldErrorList id="answer-fields-error" messages={errors['answer.fields']} />
      {spec.fields.map((f) => {
        const errs = errors[`answer.fields.${f.name}`];
        return (
          <fieldset key={f.name} className="answer-field" id={`field-${f.name}`}>
            <legend>
              {t('editor.field')} <code>{`{{${f.name}}}`}</code>
            </legend>
            {!placed.has(f.name) ? (
              <p className="warning">
                {t('editor.fieldNotPlaced')}{' '}
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => onChange({ ...spec, fields: spec.fields.filter((x) => x.name !== f.name) } as QrocmSpec)}
                >
                  {t('editor.removeField')}
                </button>
              </p>
            ) : null}
            <div className="field">
              <label htmlFor={`field-${f.name}-label`}>{t('editor.fieldLabel')}</label>
              <input
                id={`field-${f.name}-label`}
                type="text"
                value={f.label}
                onChange={(e) => setField(f.name, { label: e.target.value })}
                {...errorProps(`field-${f.name}-error`, errs)}
              />
            </div>
            {spec.type === 'QROCM-ind' ? (
              <LinesField
                id={`field-${f.name}-accepted`}
                label={t('editor.acceptedLines')}
                lines={f.accepted ?? []}
                onChange={(accepted) => setField(f.name, { accepted })}
              />
            ) : null}
            <FormatSelect id={`field-${f.name}-format`} value={f.format} onChange={(format) => setField(f.name, { format })} optional />
            <FieldErrorList id={`field-${f.name}-error`} messages={errs} />
          </fieldset>
        );
      })}
      {spec.type === 'QROCM-dep' ? (
        <fieldset className="answer-groups" id="answer-groups">
          <legend>{t('editor.groups')}</legend>
          <p className="muted small">{t('editor.groupsHint')}</p>
          {spec.accepted.map((g, i) => (
            <div key={`${i}/${spec.accepted.length}`} className="group-row">
              <LinesField
                id={`group-${i}`}
                label={`${t('editor.group')} ${i + 1} : ${t('editor.acceptedLines')}`}
                lines={g}
                onChange={(lines) => onChange({ ...spec, accepted: spec.accepted.map((x, k) => (k === i ? lines : x)) })}
                errors={errors[`answer.groups.${i}`]}
              />
              <button type="button" className="secondary small" onClick={() => onChange({ ...spec, accepted: spec.accepted.filter((_, k) => k !== i) })}>
                {t('common.remove')} <span className="visually-hidden">{`${t('editor.group')} ${i + 1}`}</span>
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => onChange({ ...spec, accepted: [...spec.accepted, []] })}>
            {t('editor.addGroup')}
          </button>
          <FieldErrorList id="answer-groups-error" messages={errors['answer.groups']} />
          <FormatSelect id="answer-format" value={spec.format} onChange={(format) => onChange({ ...spec, format })} optional />
        </fieldset>
      ) : null}
      <TolerancesField value={spec.tolerances} onChange={(tolerances) => onChange({ ...spec, tolerances })} errors={errors['answer.tolerances']} />
    </>
  );
}

export function AnswerEditor({ spec, onChange, errors }: { spec: AnswerSpec; onChange: (s: AnswerSpec) => void; errors: FieldErrors }): ReactNode {
  const t = useMessages(creationMessages);
  switch (spec.type) {
    case 'QCU':
    case 'QCM':
      return <ProposalsEditor spec={spec} onChange={onChange} errors={errors} />;
    case 'QROC':
      return (
        <>
          <LinesField
            id="answer-accepted"
            label={t('editor.acceptedLines')}
            hint={t('editor.acceptedHint')}
            lines={spec.accepted}
            onChange={(accepted) => onChange({ ...spec, accepted })}
            errors={errors['answer.accepted']}
          />
          <FormatSelect id="answer-format" value={spec.format} onChange={(format) => onChange({ ...spec, format: format ?? 'mots' })} />
          <div className="field">
            <label htmlFor="answer-template">{t('editor.templateQroc')}</label>
            <p className="muted small" id="answer-template-hint">
              {t('editor.templateHintQroc')}
            </p>
            <input
              id="answer-template"
              type="text"
              value={spec.template ?? ''}
              onChange={(e) => onChange({ ...spec, template: e.target.value })}
              {...errorProps('answer-template-error', errors['answer.template'], 'answer-template-hint')}
            />
            <FieldErrorList id="answer-template-error" messages={errors['answer.template']} />
          </div>
          <TolerancesField value={spec.tolerances} onChange={(tolerances) => onChange({ ...spec, tolerances })} errors={errors['answer.tolerances']} />
        </>
      );
    case 'QROCM-ind':
    case 'QROCM-dep':
      return <QrocmEditor spec={spec} onChange={(s) => onChange(s)} errors={errors} />;
  }
}

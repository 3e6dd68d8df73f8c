/**
 * The challenge editor: the whole body as React state, a live preview through the learner renderer
 * (fed only the redacted view), "try it" checked by the server, autosave of the state to the author's
 * draft every few seconds, and the save form (a new immutable version). Field errors come back from
 * the server by field; the state is never reset by an error, so nothing typed is lost.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Form, useActionData, useFetcher, useNavigation } from '@remix-run/react';
import {
  CHALLENGE_TYPES,
  DRAFT_JSON_LIMIT,
  RICH_TEXT_LIMIT,
  defaultAnswerSpec,
  formatCount,
  externalImageSources,
  redactForLearner,
  replaceImageSource,
  type ChallengeBody,
  type ChallengeType,
  type FieldErrors,
  type LearnerResponse,
} from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { useRootData } from '~/root';
import { AnswerEditor, FieldErrorList, LinesField, errorProps } from './AnswerEditor';
import { ChallengeView } from './ChallengeView';
import { ConflictPanel } from './ConflictPanel';
import { ExternalImages } from './ExternalImages';
import { PREVIEW_SEED, type EditorActionData } from '~/lib/challenge-editor-types';
import { RichTextEditor } from './RichTextEditor';
import { VerdictPanel } from './VerdictPanel';
import { formatParisTime } from '~/lib/paris-time';

const AUTOSAVE_DELAY_MS = 2000;
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const LOCALES = ['fr-fr', 'fr', 'en', 'es', 'de', 'it', 'nl'] as const;

/** The element an error of a field points to (for the error summary's links). */
export function errorTarget(key: string): string {
  if (key === 'instruction' || key === 'alternativeInstruction' || key === 'solutionExplanation') return `${key}-content`;
  let m: RegExpExecArray | null;
  if ((m = /^answer\.proposals\.(\d+)$/.exec(key))) return `proposal-${m[1]}`;
  if (key === 'answer.proposals') return 'answer-proposals';
  if (key === 'answer.correct') return 'correct-0';
  if (key === 'answer.accepted') return 'answer-accepted';
  if (key === 'answer.template') return 'answer-template';
  if (key === 'answer.tolerances') return 'tolerance-T1';
  if ((m = /^answer\.fields\.(.+)$/.exec(key))) return `field-${m[1]}-label`;
  if ((m = /^answer\.groups\.(\d+)$/.exec(key))) return `group-${m[1]}`;
  if (key === 'answer.groups') return 'answer-groups';
  if (key.startsWith('answer')) return 'answer-section';
  return key.replace(/\./g, '-');
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

function formatTime(iso: string, locale: string): string {
  return formatParisTime(iso, locale);
}

export interface ChallengeEditorProps {
  initialBody: ChallengeBody;
  /** The version the author started from (null for a new challenge). */
  baseVersion: number | null;
  readOnly?: boolean;
  saveLabel: string;
  /** Whether a message is required to save (live challenges). */
  messageRequired?: boolean;
}

export function ChallengeEditor({ initialBody, baseVersion: initialBase, readOnly, saveLabel, messageRequired }: ChallengeEditorProps) {
  const t = useMessages(creationMessages);
  const root = useRootData();
  const csrf = root.csrfToken ?? '';
  const actionData = useActionData<EditorActionData>();
  const navigation = useNavigation();
  const [body, setBody] = useState<ChallengeBody>(initialBody);
  const [base, setBase] = useState<number | null>(initialBase);
  const [resolvedConflict, setResolvedConflict] = useState<unknown>(null);
  // Changed when the body is replaced from outside the fields (merge by hand): the fields start again from it.
  const [fieldsKey, setFieldsKey] = useState(0);
  const bodyJson = useMemo(() => JSON.stringify(body), [body]);
  const set = (patch: Partial<ChallengeBody>) => setBody((b) => ({ ...b, ...patch }));

  const errors: FieldErrors = actionData?.intent === 'save' && 'errors' in actionData ? actionData.errors : {};
  const conflict = actionData?.intent === 'save' && 'conflict' in actionData && resolvedConflict !== actionData ? actionData.conflict : null;
  const errorCount = Object.values(errors).flat().length;

  // After a refused save, move focus to the summary of what to fix.
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errorCount > 0) summaryRef.current?.focus();
  }, [actionData, errorCount]);

  // Autosave: a few seconds after the last change, the state goes to the author's draft.
  const autosave = useFetcher<EditorActionData>();
  const lastAutosaved = useRef(bodyJson);
  const navigating = useRef(false);
  navigating.current = navigation.state !== 'idle';
  const tooLargeForDraft = bodyJson.length > DRAFT_JSON_LIMIT;
  useEffect(() => {
    // Above the draft's bound the server would refuse it: the editor says so instead of sending it.
    if (readOnly || bodyJson === lastAutosaved.current || tooLargeForDraft) return;
    const timer = setTimeout(() => {
      // A save in progress keeps the body itself; a draft written after it would be stale.
      if (navigating.current) return;
      lastAutosaved.current = bodyJson;
      autosave.submit({ intent: 'autosave', csrf, body: bodyJson, baseVersion: base === null ? '' : String(base) }, { method: 'post' });
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [bodyJson, base, readOnly, tooLargeForDraft]);
  const savedAt = autosave.data?.intent === 'autosave' ? autosave.data.savedAt : null;
  const autosaveError = tooLargeForDraft
    ? fill(t('editor.draftTooLarge'), { limit: formatCount(DRAFT_JSON_LIMIT) })
    : autosave.state === 'idle' && autosave.data?.intent === 'autosave'
      ? (autosave.data.error ?? null)
      : null;

  // Preview: the learner view only (no solution), recomputed as the author types.
  const view = useMemo(() => {
    try {
      return redactForLearner(body, PREVIEW_SEED).view;
    } catch {
      return null;
    }
  }, [body]);

  // Try it: the server checks the answer against the body being edited.
  const tryFetcher = useFetcher<EditorActionData>();
  const [triedJson, setTriedJson] = useState<string | null>(null);
  const onAnswer = (response: LearnerResponse) => {
    setTriedJson(bodyJson);
    tryFetcher.submit({ intent: 'try', csrf, body: bodyJson, response: JSON.stringify(response) }, { method: 'post' });
  };
  const tryResult = tryFetcher.state === 'idle' && triedJson === bodyJson && tryFetcher.data?.intent === 'try' ? tryFetcher.data : null;
  const verdict = tryResult && 'verdict' in tryResult ? tryResult.verdict : null;

  // Attachments: uploaded on their own, then referred to by the body.
  const upload = useFetcher<EditorActionData>();
  const [uploadError, setUploadError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const data = upload.data;
    if (data?.intent !== 'upload') return;
    if ('attachment' in data) {
      setBody((b) => (b.attachments.some((a) => a.url === data.attachment.url) ? b : { ...b, attachments: [...b.attachments, data.attachment] }));
      setUploadError(null);
      if (fileRef.current) fileRef.current.value = '';
    } else setUploadError(data.error);
  }, [upload.data]);

  const saving = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'save';
  const answerFields = view && 'fields' in view.answer ? view.answer.fields : [];

  return (
    <div className="editor-layout">
      <div className="editor-main">
        <p className="to-preview">
          <a href="#preview-title">{t('editor.toPreview')}</a>
        </p>
        {conflict ? (
          <ConflictPanel
            conflict={conflict}
            csrf={csrf}
            onEditMine={() => {
              // Merging by hand starts from the automatic merge (their changes in, mine kept), on top of their version.
              setBody(conflict.merged);
              setBase(conflict.current.number);
              setFieldsKey((k) => k + 1);
              setResolvedConflict(actionData);
            }}
          />
        ) : null}

        {errorCount > 0 ? (
          <div className="error-summary" role="alert" tabIndex={-1} ref={summaryRef} aria-labelledby="error-summary-title">
            <h2 id="error-summary-title">{t('editor.errorsTitle')}</h2>
            <ul>
              {Object.entries(errors).flatMap(([key, messages]) =>
                messages.map((m, i) => (
                  <li key={`${key}-${i}`}>
                    <a href={`#${errorTarget(key)}`}>{m}</a>
                  </li>
                )),
              )}
            </ul>
          </div>
        ) : null}

        <fieldset disabled={readOnly} className="editor-fields" key={fieldsKey}>
          <section className="panel" aria-labelledby="sec-question">
            <h2 id="sec-question">{t('editor.sectionQuestion')}</h2>
            <div className="field">
              <label htmlFor="type">{t('editor.type')}</label>
              <select id="type" value={body.answer.type} onChange={(e) => set({ answer: defaultAnswerSpec(e.target.value as ChallengeType, body.answer) })}>
                {CHALLENGE_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`type.${type}`)}
                  </option>
                ))}
              </select>
            </div>
            <RichTextEditor
              readOnly={readOnly}
              id="instruction"
              maxLength={RICH_TEXT_LIMIT}
              label={t('editor.instruction')}
              value={body.instruction}
              onChange={(instruction) => set({ instruction })}
              errors={errors['instruction']}
            />
            <div className="check">
              <input
                type="checkbox"
                id="has-alternative"
                checked={body.alternativeInstruction !== null}
                onChange={(e) => set({ alternativeInstruction: e.target.checked ? { type: 'doc', content: [{ type: 'paragraph' }] } : null })}
              />
              <label htmlFor="has-alternative">{t('editor.hasAlternative')}</label>
            </div>
            {body.alternativeInstruction !== null ? (
              <RichTextEditor
                readOnly={readOnly}
                id="alternativeInstruction"
                maxLength={RICH_TEXT_LIMIT}
                label={t('editor.alternative')}
                hint={t('editor.alternativeHint')}
                value={body.alternativeInstruction}
                onChange={(alternativeInstruction) => set({ alternativeInstruction })}
                errors={errors['alternativeInstruction']}
              />
            ) : null}
          </section>

          <section className="panel" aria-labelledby="sec-answer" id="answer-section" tabIndex={-1}>
            <h2 id="sec-answer">{t('editor.sectionAnswer')}</h2>
            <FieldErrorList id="answer-error" messages={errors['answer']} />
            <AnswerEditor key={body.answer.type} spec={body.answer} onChange={(answer) => set({ answer })} errors={errors} />
          </section>

          <section className="panel" aria-labelledby="sec-solution">
            <h2 id="sec-solution">{t('editor.solution')}</h2>
            <RichTextEditor
              readOnly={readOnly}
              id="solutionExplanation"
              maxLength={RICH_TEXT_LIMIT}
              label={t('editor.solutionLabel')}
              hint={t('editor.solutionHint')}
              value={body.solutionExplanation}
              onChange={(solutionExplanation) => set({ solutionExplanation })}
              errors={errors['solutionExplanation']}
            />
          </section>

          <section className="panel" aria-labelledby="sec-media">
            <h2 id="sec-media">{t('editor.sectionMedia')}</h2>
            <div className="check">
              <input
                type="checkbox"
                id="has-illustration"
                checked={body.illustration !== null}
                onChange={(e) => set({ illustration: e.target.checked ? { url: '', alt: '' } : null })}
              />
              <label htmlFor="has-illustration">{t('editor.hasIllustration')}</label>
            </div>
            {body.illustration ? (
              <div className="subfields">
                <div className="field">
                  <label htmlFor="illustration-url">{t('editor.illustrationUrl')}</label>
                  <input
                    id="illustration-url"
                    type="text"
                    inputMode="url"
                    value={body.illustration.url}
                    onChange={(e) => set({ illustration: { ...body.illustration!, url: e.target.value } })}
                    {...errorProps('illustration-url-error', errors['illustration.url'])}
                  />
                  <FieldErrorList id="illustration-url-error" messages={errors['illustration.url']} />
                </div>
                <div className="field">
                  <label htmlFor="illustration-alt">{t('editor.illustrationAlt')}</label>
                  <input
                    id="illustration-alt"
                    type="text"
                    value={body.illustration.alt}
                    onChange={(e) => set({ illustration: { ...body.illustration!, alt: e.target.value } })}
                    {...errorProps('illustration-alt-error', errors['illustration.alt'])}
                  />
                  <FieldErrorList id="illustration-alt-error" messages={errors['illustration.alt']} />
                </div>
              </div>
            ) : null}

            <ExternalImages
              sources={externalImageSources(body)}
              csrf={csrf}
              readOnly={readOnly}
              onCopied={(from, attachment) =>
                setBody((b) => ({
                  ...replaceImageSource(b, from, attachment.url),
                  attachments: b.attachments.some((a) => a.url === attachment.url) ? b.attachments : [...b.attachments, attachment],
                }))
              }
            />
            <h3 id="attachments">{t('editor.attachments')}</h3>
            {body.attachments.length > 0 ? (
              <ul className="attachment-list">
                {body.attachments.map((a) => (
                  <li key={a.url}>
                    <a href={a.url}>{a.name}</a>{' '}
                    <span className="muted">
                      ({a.mimeType}, {Math.ceil(a.size / 1024)} Ko)
                    </span>{' '}
                    <code className="small">{a.url}</code>{' '}
                    <button type="button" className="secondary small" onClick={() => set({ attachments: body.attachments.filter((x) => x.url !== a.url) })}>
                      {t('common.remove')} <span className="visually-hidden">{a.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('editor.noAttachment')}</p>
            )}
            <FieldErrorList id="attachments-error" messages={errors['attachments']} />
            {!readOnly ? (
              <upload.Form
                method="post"
                encType="multipart/form-data"
                className="upload-form"
                onSubmit={(e) => {
                  const file = fileRef.current?.files?.[0];
                  if (!file) {
                    e.preventDefault();
                    setUploadError(t('editor.uploadChoose'));
                  } else if (file.size > MAX_UPLOAD_BYTES) {
                    e.preventDefault();
                    setUploadError(t('editor.uploadTooBig'));
                  }
                }}
              >
                <input type="hidden" name="csrf" value={csrf} />
                <input type="hidden" name="intent" value="upload" />
                <label htmlFor="attachment-file">{t('editor.uploadLabel')}</label>
                <p className="muted small" id="attachment-file-hint">
                  {t('editor.uploadHint')}
                </p>
                <input
                  id="attachment-file"
                  ref={fileRef}
                  type="file"
                  name="file"
                  aria-describedby={uploadError ? 'attachment-file-hint attachment-file-error' : 'attachment-file-hint'}
                  aria-invalid={uploadError ? true : undefined}
                />
                <button type="submit" className="secondary" disabled={upload.state !== 'idle'}>
                  {upload.state !== 'idle' ? t('editor.uploading') : t('editor.upload')}
                </button>
                {uploadError ? (
                  <p className="error-message" id="attachment-file-error" role="alert">
                    {uploadError}
                  </p>
                ) : null}
              </upload.Form>
            ) : null}

            <div className="check">
              <input
                type="checkbox"
                id="has-embed"
                checked={body.embed !== null}
                onChange={(e) => set({ embed: e.target.checked ? { url: '', title: '', height: 600 } : null })}
              />
              <label htmlFor="has-embed">{t('editor.hasEmbed')}</label>
            </div>
            {body.embed ? (
              <div className="subfields">
                <div className="field">
                  <label htmlFor="embed-url">{t('editor.embedUrl')}</label>
                  <input
                    id="embed-url"
                    type="text"
                    inputMode="url"
                    placeholder="https://"
                    value={body.embed.url}
                    onChange={(e) => set({ embed: { ...body.embed!, url: e.target.value } })}
                    {...errorProps('embed-url-error', errors['embed.url'])}
                  />
                  <FieldErrorList id="embed-url-error" messages={errors['embed.url']} />
                </div>
                <div className="field">
                  <label htmlFor="embed-title">{t('editor.embedTitle')}</label>
                  <input
                    id="embed-title"
                    type="text"
                    value={body.embed.title}
                    onChange={(e) => set({ embed: { ...body.embed!, title: e.target.value } })}
                    {...errorProps('embed-title-error', errors['embed.title'])}
                  />
                  <FieldErrorList id="embed-title-error" messages={errors['embed.title']} />
                </div>
                <div className="field">
                  <label htmlFor="embed-height">{t('editor.embedHeight')}</label>
                  <NumberInput
                    id="embed-height"
                    value={body.embed.height}
                    onChange={(height) => set({ embed: { ...body.embed!, height: height ?? -1 } })}
                    errors={errors['embed.height']}
                  />
                  <FieldErrorList id="embed-height-error" messages={errors['embed.height']} />
                </div>
              </div>
            ) : null}
          </section>

          <section className="panel" aria-labelledby="sec-settings">
            <h2 id="sec-settings">{t('editor.sectionSettings')}</h2>
            <div className="field">
              <label htmlFor="timer">{t('editor.timer')}</label>
              <p className="muted small" id="timer-hint">
                {t('editor.timerHint')}
              </p>
              <NumberInput id="timer" value={body.timer} onChange={(timer) => set({ timer })} errors={errors['timer']} hintId="timer-hint" />
              <FieldErrorList id="timer-error" messages={errors['timer']} />
            </div>
            <div className="check">
              <input type="checkbox" id="focused" checked={body.focused} onChange={(e) => set({ focused: e.target.checked })} aria-describedby="focused-hint" />
              <label htmlFor="focused">{t('editor.focused')}</label>
              <p className="muted small" id="focused-hint">
                {t('editor.focusedHint')}
              </p>
            </div>
            <fieldset id="locales">
              <legend>{t('editor.locales')}</legend>
              <div className="inline-checks">
                {LOCALES.map((l) => (
                  <div className="check" key={l}>
                    <input
                      type="checkbox"
                      id={`locale-${l}`}
                      checked={body.locales.includes(l)}
                      onChange={(e) => set({ locales: e.target.checked ? [...body.locales, l] : body.locales.filter((x) => x !== l) })}
                    />
                    <label htmlFor={`locale-${l}`}>{t(`locale.${l}`)}</label>
                  </div>
                ))}
              </div>
              <FieldErrorList id="locales-error" messages={errors['locales']} />
            </fieldset>
            <div className="two-columns">
              {(['blind', 'colorBlind'] as const).map((k) => (
                <div className="field" key={k}>
                  <label htmlFor={`accessibility-${k}`}>{t(`editor.accessibility.${k}`)}</label>
                  <select
                    id={`accessibility-${k}`}
                    value={body.accessibility[k]}
                    onChange={(e) => set({ accessibility: { ...body.accessibility, [k]: e.target.value as 'OK' | 'KO' | 'RAS' } })}
                  >
                    {(['RAS', 'OK', 'KO'] as const).map((v) => (
                      <option key={v} value={v}>
                        {t(`accessibility.${v}`)}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
            <div className="field">
              <label htmlFor="pedagogy">{t('editor.pedagogy')}</label>
              <select id="pedagogy" value={body.pedagogy} onChange={(e) => set({ pedagogy: e.target.value as ChallengeBody['pedagogy'] })}>
                {(['q-savoir', 'q-situation', 'e-preuve'] as const).map((p) => (
                  <option key={p} value={p}>
                    {t(`pedagogy.${p}`)}
                  </option>
                ))}
              </select>
            </div>
            <LinesField
              id="authors"
              label={t('editor.authors')}
              lines={body.authors}
              onChange={(authors) => set({ authors })}
              errors={errors['authors']}
              rows={2}
            />
          </section>
        </fieldset>

        {!readOnly ? (
          <Form method="post" className="panel save-form" aria-labelledby="sec-save">
            <h2 id="sec-save">{t('editor.sectionSave')}</h2>
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="body" value={bodyJson} />
            <input type="hidden" name="baseVersion" value={base === null ? '' : String(base)} />
            <FieldErrorList id="form-error" messages={errors['form']} />
            <div className="field">
              <label htmlFor="message">{messageRequired ? t('editor.messageRequired') : t('editor.message')}</label>
              <input id="message" name="message" type="text" maxLength={500} {...errorProps('message-error', errors['message'])} />
              <FieldErrorList id="message-error" messages={errors['message']} />
            </div>
            <div className="row">
              <button type="submit" className="primary" disabled={saving}>
                {saving ? t('editor.saving') : saveLabel}
              </button>
              <span className="muted small autosave-status" aria-live="off">
                {autosave.state !== 'idle'
                  ? t('editor.autosaving')
                  : savedAt
                    ? `${t('editor.autosaved')} ${formatTime(savedAt, root.locale)}`
                    : autosaveError
                      ? t('editor.autosaveFailed')
                      : t('editor.autosaveHint')}
              </span>
            </div>
            <div role="alert">
              {autosaveError ? (
                <p className="error-message" data-testid="autosave-error">
                  {autosaveError}
                </p>
              ) : null}
            </div>
          </Form>
        ) : null}
      </div>

      <aside className="editor-preview" aria-labelledby="preview-title">
        <h2 id="preview-title" tabIndex={-1}>
          {t('preview.title')}
        </h2>
        <p className="muted small">{t('preview.hint')}</p>
        {view ? (
          <ChallengeView view={view} onAnswer={onAnswer} fieldResults={verdict?.fields} headingLevel={3} title={t('preview.question')}>
            <div role="status" className="verdict-region">
              {tryFetcher.state !== 'idle' ? (
                <p>{t('preview.checking')}</p>
              ) : verdict ? (
                <VerdictPanel verdict={verdict} fields={answerFields} solution={body.solutionExplanation} />
              ) : tryResult && 'error' in tryResult ? (
                <p className="error-message">{tryResult.error}</p>
              ) : null}
            </div>
          </ChallengeView>
        ) : (
          <p className="muted">{t('preview.unavailable')}</p>
        )}
      </aside>
    </div>
  );
}

/** A whole number typed as text: empty → null, not a number → -1 (the server says what is wrong). */
function NumberInput({
  id,
  value,
  onChange,
  errors,
  hintId,
}: {
  id: string;
  value: number | null;
  onChange: (n: number | null) => void;
  errors?: string[];
  hintId?: string;
}) {
  const [text, setText] = useState(value === null ? '' : String(value));
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const s = e.target.value.trim();
        onChange(s === '' ? null : /^\d+$/.test(s) ? Number(s) : -1);
      }}
      {...errorProps(`${id}-error`, errors, hintId)}
    />
  );
}

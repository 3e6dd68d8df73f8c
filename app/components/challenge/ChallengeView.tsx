/**
 * A challenge as the learner sees it, with its answer form. It takes ONLY the learner view produced by
 * redactForLearner (no right answer, no accepted answer, no explanation), so it can never leak a
 * solution: the verdict always comes from the server. Used by the authoring preview and the learner
 * space alike.
 *
 * The answer goes to `onAnswer` (choice indices as displayed); without `onAnswer` the form posts its
 * fields (see response.ts) to the route, with `hiddenFields` added.
 */
import { useId, type FormEvent, type ReactNode } from 'react';
import {
  ATTACHMENT_URL_PREFIX,
  isSafeImageSource,
  proposalParts,
  templateParts,
  type AnswerFormat,
  type LearnerChallengeView,
  type LearnerResponse,
} from '../../../engine/challenges';
import { challengeViewMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { RichText } from './RichText';
import { RESPONSE_FIELDS, responseFromForm } from '~/lib/learner-response';

export interface ChallengeViewProps {
  view: LearnerChallengeView;
  onAnswer?: (response: LearnerResponse) => void;
  /** Hidden inputs when the form posts to the route itself. */
  hiddenFields?: Record<string, string>;
  disabled?: boolean;
  /** After the verdict: which QROCM fields were right, to mark them. */
  fieldResults?: Record<string, boolean>;
  allowSkip?: boolean;
  /** Heading level of the question title (2 by default). */
  headingLevel?: 2 | 3;
  title?: string;
  /** Shown under the form (e.g. the verdict). */
  children?: ReactNode;
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${(bytes / 1048576).toFixed(1).replace('.', ',')} Mo`;
}

/** A choice's text, with its images (`![alt](address)` in the proposal) drawn as images. */
function ProposalLabel({ proposal }: { proposal: string }) {
  const parts = proposalParts(proposal);
  if (parts.length === 1 && parts[0]!.kind === 'text') return <>{proposal}</>;
  return (
    <>
      {parts.map((part, k) =>
        part.kind === 'text' ? <span key={k}>{part.text}</span> : <img key={k} className="choice-image" src={part.src} alt={part.alt} loading="lazy" />,
      )}
    </>
  );
}

function FreeInput(props: { id: string; name: string; format: AnswerFormat; disabled?: boolean; describedBy?: string; invalid?: boolean }) {
  const common = {
    id: props.id,
    name: props.name,
    disabled: props.disabled,
    autoComplete: 'off',
    autoCapitalize: 'off',
    autoCorrect: 'off',
    spellCheck: false,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid ? true : undefined,
  } as const;
  if (props.format === 'paragraphe') return <textarea {...common} rows={5} className="challenge-input paragraph" />;
  return (
    <input
      {...common}
      type="text"
      className={`challenge-input ${props.format}`}
      inputMode={props.format === 'nombre' ? 'decimal' : props.format === 'date' ? 'numeric' : undefined}
      placeholder={props.format === 'date' ? 'jj/mm/aaaa' : undefined}
    />
  );
}

export function ChallengeView({ view, onAnswer, hiddenFields, disabled, fieldResults, allowSkip, headingLevel = 2, title, children }: ChallengeViewProps) {
  const t = useMessages(challengeViewMessages);
  const uid = useId().replace(/:/g, '');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const answer = view.answer;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    if (!onAnswer) return;
    event.preventDefault();
    onAnswer(responseFromForm(answer, new FormData(event.currentTarget)));
  };

  const hint = (format: AnswerFormat) =>
    format === 'nombre' ? t('view.hint.nombre') : format === 'date' ? t('view.hint.date') : format === 'paragraphe' ? t('view.hint.paragraphe') : null;

  const mark = (name: string) => {
    const r = fieldResults?.[name];
    if (r === undefined) return null;
    return <span className={`field-result ${r ? 'ok' : 'ko'}`}>{r ? `✓ ${t('view.right')}` : `✗ ${t('view.wrong')}`}</span>;
  };

  /** Template text with inputs where its {{fields}} are. */
  const template = (text: string, input: (name: string) => ReactNode) =>
    templateParts(text).map((part, i) =>
      part.kind === 'text' ? (
        <span key={i}>
          {part.text.split('\n').map((line, j) => (
            <span key={j}>
              {j > 0 ? <br /> : null}
              {line}
            </span>
          ))}
        </span>
      ) : (
        <span key={i} className="template-field">
          {input(part.name)}
        </span>
      ),
    );

  let answerPart: ReactNode;
  if (answer.type === 'QCU' || answer.type === 'QCM') {
    const multiple = answer.type === 'QCM';
    answerPart = (
      <fieldset className="challenge-choices">
        <legend>{multiple ? t('view.chooseSeveral') : t('view.chooseOne')}</legend>
        {answer.proposals.map((p, i) => (
          <div key={i} className="choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              id={`${uid}-p${i}`}
              name={multiple ? RESPONSE_FIELDS.choices : RESPONSE_FIELDS.choice}
              value={i}
              required={!multiple}
              disabled={disabled}
            />
            <label htmlFor={`${uid}-p${i}`}>
              <ProposalLabel proposal={p} />
            </label>
          </div>
        ))}
      </fieldset>
    );
  } else if (answer.type === 'QROC') {
    const h = hint(answer.format);
    const input = (
      <FreeInput id={`${uid}-value`} name={RESPONSE_FIELDS.value} format={answer.format} disabled={disabled} describedBy={h ? `${uid}-hint` : undefined} />
    );
    answerPart = (
      <div className="challenge-free">
        {answer.template ? (
          <>
            <label htmlFor={`${uid}-value`} className="visually-hidden">
              {t('view.yourAnswer')}
            </label>
            <p className="challenge-template">{template(answer.template, () => input)}</p>
          </>
        ) : (
          <>
            <label htmlFor={`${uid}-value`}>{t('view.yourAnswer')}</label>
            {input}
          </>
        )}
        {h ? (
          <p id={`${uid}-hint`} className="muted small">
            {h}
          </p>
        ) : null}
      </div>
    );
  } else {
    const fields = new Map(answer.fields.map((f) => [f.name, f]));
    answerPart = (
      <fieldset className="challenge-free">
        <legend>{t('view.yourAnswers')}</legend>
        <p className="challenge-template">
          {template(answer.template, (name) => {
            const f = fields.get(name);
            const id = `${uid}-f-${name}`;
            const h = f ? hint(f.format) : null;
            return (
              <>
                <label htmlFor={id} className="visually-hidden">
                  {f?.label || name}
                  {h ? ` (${h})` : ''}
                </label>
                <FreeInput
                  id={id}
                  name={RESPONSE_FIELDS.field(name)}
                  format={f?.format ?? 'mots'}
                  disabled={disabled}
                  invalid={fieldResults?.[name] === false}
                />
                {mark(name)}
              </>
            );
          })}
        </p>
      </fieldset>
    );
  }

  return (
    <article className="challenge-view" aria-labelledby={`${uid}-title`}>
      <Heading id={`${uid}-title`} className="challenge-title">
        {title ?? t('view.question')}
      </Heading>
      {view.timer ? <p className="challenge-flag">⏱ {fill(t('view.timer'), { n: view.timer })}</p> : null}
      {view.focused ? <p className="challenge-flag">{t('view.focus')}</p> : null}
      <RichText doc={view.instruction} className="rich-text challenge-instruction" />
      {view.alternativeInstruction ? (
        <details className="challenge-alternative">
          <summary>{t('view.alternative')}</summary>
          <RichText doc={view.alternativeInstruction} />
        </details>
      ) : null}
      {view.illustration && isSafeImageSource(view.illustration.url) ? (
        <figure className="challenge-illustration">
          <img src={view.illustration.url} alt={view.illustration.alt} />
        </figure>
      ) : null}
      {view.embed && /^https:\/\/\S+$/.test(view.embed.url) ? (
        <iframe
          className="challenge-embed"
          src={view.embed.url}
          title={view.embed.title || t('view.embed')}
          height={view.embed.height}
          sandbox="allow-scripts allow-same-origin allow-forms allow-popups"
          loading="lazy"
          referrerPolicy="no-referrer"
        />
      ) : null}
      {view.attachments.some((a) => a.url.startsWith(ATTACHMENT_URL_PREFIX)) ? (
        <section className="challenge-attachments" aria-labelledby={`${uid}-att`}>
          <Sub id={`${uid}-att`}>{t('view.attachments')}</Sub>
          <ul>
            {view.attachments
              .filter((a) => a.url.startsWith(ATTACHMENT_URL_PREFIX))
              .map((a) => (
                <li key={a.url}>
                  <a href={a.url} download={a.name}>
                    {a.name}
                  </a>{' '}
                  <span className="muted">({formatSize(a.size)})</span>
                </li>
              ))}
          </ul>
        </section>
      ) : null}
      <form className="challenge-form" onSubmit={submit} method={onAnswer ? undefined : 'post'} aria-label={t('view.formLabel')}>
        {hiddenFields ? Object.entries(hiddenFields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />) : null}
        {answerPart}
        <div className="challenge-actions">
          <button type="submit" className="primary" disabled={disabled}>
            {t('view.submit')}
          </button>
          {allowSkip ? (
            <button
              type={onAnswer ? 'button' : 'submit'}
              name={onAnswer ? undefined : 'skipped'}
              value={onAnswer ? undefined : '1'}
              formNoValidate
              className="secondary"
              disabled={disabled}
              onClick={onAnswer ? () => onAnswer({ skipped: true }) : undefined}
            >
              {t('view.skip')}
            </button>
          ) : null}
        </div>
      </form>
      {children}
    </article>
  );
}

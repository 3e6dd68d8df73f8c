/** What a reviewer checks: the right answers, accepted answers and tolerances of a body, in words. */
import { Fragment } from 'react';
import type { ChallengeBody } from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { RichText } from './RichText';

export function AnswerKey({ body }: { body: ChallengeBody }) {
  const t = useMessages(creationMessages);
  const spec = body.answer;
  const tolerances = 'tolerances' in spec ? spec.tolerances : [];
  return (
    <dl className="answer-key">
      <dt>{t('editor.type')}</dt>
      <dd>{spec.type}</dd>
      {spec.type === 'QCU' || spec.type === 'QCM' ? (
        <>
          <dt>{t('key.proposals')}</dt>
          <dd>
            <ol>
              {spec.proposals.map((p, i) => {
                const right = spec.type === 'QCU' ? spec.correct === i : spec.correct.includes(i);
                return (
                  <li key={i}>
                    {p} {right ? <strong className="ok-text">({t('key.right')})</strong> : null}
                  </li>
                );
              })}
            </ol>
            <p className="muted">{spec.shuffle ? t('key.shuffled') : t('key.notShuffled')}</p>
          </dd>
        </>
      ) : null}
      {spec.type === 'QROC' ? (
        <>
          <dt>{t('key.accepted')}</dt>
          <dd>{spec.accepted.map((a) => `« ${a} »`).join(', ')}</dd>
          <dt>{t('editor.format')}</dt>
          <dd>{spec.format}</dd>
        </>
      ) : null}
      {spec.type === 'QROCM-ind' || spec.type === 'QROCM-dep' ? (
        <>
          <dt>{t('editor.template')}</dt>
          <dd>
            <pre className="template-pre">{spec.template}</pre>
          </dd>
          {spec.type === 'QROCM-ind'
            ? spec.fields.map((f) => (
                <Fragment key={f.name}>
                  <dt>
                    {f.label} <code>{`{{${f.name}}}`}</code>
                  </dt>
                  <dd>{(f.accepted ?? []).map((a) => `« ${a} »`).join(', ')}</dd>
                </Fragment>
              ))
            : spec.accepted.map((g, i) => (
                <Fragment key={i}>
                  <dt>
                    {t('editor.group')} {i + 1}
                  </dt>
                  <dd>{g.map((a) => `« ${a} »`).join(', ')}</dd>
                </Fragment>
              ))}
        </>
      ) : null}
      {tolerances.length > 0 || spec.type.startsWith('QROC') ? (
        <>
          <dt>{t('editor.tolerances')}</dt>
          <dd>{tolerances.length > 0 ? tolerances.join(', ') : t('key.noTolerance')}</dd>
        </>
      ) : null}
      <dt>{t('editor.solution')}</dt>
      <dd>{body.solutionExplanation ? <RichText doc={body.solutionExplanation} /> : '—'}</dd>
    </dl>
  );
}

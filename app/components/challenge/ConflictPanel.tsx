/**
 * Shown when a save is refused because someone else saved since the version the author started from:
 * their changes next to the author's, and three ways out. The author's body is already in their draft.
 */
import { useEffect, useRef } from 'react';
import { Form } from '@remix-run/react';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { DiffView } from './DiffView';
import type { ConflictInfo } from '~/lib/challenge-editor-types';

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export function ConflictPanel({ conflict, bodyJson, csrf, onEditMine }: { conflict: ConflictInfo; bodyJson: string; csrf: string; onEditMine: () => void }) {
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [conflict]);
  const when = new Date(conflict.current.createdAt).toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR', {
    timeZone: 'Europe/Paris',
    dateStyle: 'short',
    timeStyle: 'short',
  });
  return (
    <section className="panel conflict" aria-labelledby="conflict-title" data-testid="conflict">
      <h2 id="conflict-title" tabIndex={-1} ref={headingRef}>
        {t('conflict.title')}
      </h2>
      <p role="alert">
        {fill(t('conflict.explain'), {
          base: conflict.baseNumber,
          number: conflict.current.number,
          author: conflict.current.author ?? t('common.someone'),
          when,
        })}
        {conflict.current.message ? ` « ${conflict.current.message} »` : ''}
      </p>
      <p>{t('conflict.safe')}</p>
      <div className="conflict-columns">
        <section aria-labelledby="conflict-theirs">
          <h3 id="conflict-theirs">
            {fill(t('conflict.theirs'), { author: conflict.current.author ?? t('common.someone'), base: conflict.baseNumber, number: conflict.current.number })}
          </h3>
          <DiffView changes={conflict.theirs} headingLevel={4} />
        </section>
        <section aria-labelledby="conflict-mine">
          <h3 id="conflict-mine">{fill(t('conflict.mine'), { base: conflict.baseNumber })}</h3>
          <DiffView changes={conflict.mine} headingLevel={4} />
        </section>
      </div>
      <div className="conflict-actions">
        <Form method="post" className="inline-form">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="body" value={bodyJson} />
          <input type="hidden" name="baseVersion" value={conflict.current.number} />
          <label htmlFor="conflict-message">{t('editor.message')}</label>
          <input id="conflict-message" name="message" type="text" defaultValue={t('conflict.defaultMessage')} />
          <button type="submit" className="primary">
            {fill(t('conflict.keepMine'), { number: conflict.current.number + 1 })}
          </button>
        </Form>
        <button type="button" className="secondary" onClick={onEditMine}>
          {t('conflict.editMine')}
        </button>
        <Form method="post" className="inline-form">
          <input type="hidden" name="csrf" value={csrf} />
          <input type="hidden" name="intent" value="discardDraft" />
          <button type="submit" className="secondary">
            {fill(t('conflict.takeTheirs'), { number: conflict.current.number })}
          </button>
        </Form>
      </div>
    </section>
  );
}

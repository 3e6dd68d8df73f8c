/**
 * Shown when a save is refused because someone else saved since the version the author started from:
 * their changes next to the author's, then a field-by-field merge (fields changed by one side only are
 * taken from it, fields changed by both are asked), merging by hand, or taking theirs. The author's body
 * is already in their draft.
 */
import { useEffect, useMemo, useRef } from 'react';
import { Form } from '@remix-run/react';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { DiffView } from './DiffView';
import type { ConflictInfo } from '~/lib/challenge-editor-types';
import { formatParisDateTime } from '~/lib/paris-time';

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export function ConflictPanel({ conflict, csrf, onEditMine }: { conflict: ConflictInfo; csrf: string; onEditMine: () => void }) {
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [conflict]);
  const mineJson = useMemo(() => JSON.stringify(conflict.mineBody), [conflict.mineBody]);
  const when = formatParisDateTime(conflict.current.createdAt, locale);
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
      <Form method="post" className="conflict-merge" aria-labelledby="conflict-merge-title">
        <h3 id="conflict-merge-title">{t('conflict.mergeTitle')}</h3>
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="intent" value="merge" />
        <input type="hidden" name="body" value={mineJson} />
        <input type="hidden" name="baseVersion" value={conflict.baseNumber} />
        <input type="hidden" name="currentVersion" value={conflict.current.number} />
        {conflict.fromTheirs.length > 0 ? (
          <p data-testid="merge-from-theirs">
            {fill(t('conflict.fromTheirs'), { number: conflict.current.number })} {conflict.fromTheirs.map((f) => f.label).join(', ')}
          </p>
        ) : null}
        {conflict.fromMine.length > 0 ? (
          <p data-testid="merge-from-mine">
            {t('conflict.fromMine')} {conflict.fromMine.map((f) => f.label).join(', ')}
          </p>
        ) : null}
        {conflict.conflicts.length === 0 ? <p>{t('conflict.noConflict')}</p> : <p>{t('conflict.bothChanged')}</p>}
        {conflict.missingChoices.length > 0 ? (
          <p className="error-message" role="alert">
            {fill(t('conflict.missingChoice'), {
              fields: conflict.conflicts
                .filter((c) => conflict.missingChoices.includes(c.field))
                .map((c) => c.label)
                .join(', '),
            })}
          </p>
        ) : null}
        {conflict.conflicts.map((c) => (
          <fieldset key={c.field} className="conflict-field" data-testid="merge-conflict-field">
            <legend>{fill(t('conflict.fieldLegend'), { label: c.label })}</legend>
            <div className="conflict-columns">
              <section aria-label={`${t('conflict.theirsShort')} : ${c.label}`}>
                <h4>{t('conflict.theirsShort')}</h4>
                <DiffView changes={c.theirs} headingLevel={4} />
              </section>
              <section aria-label={`${t('conflict.mineShort')} : ${c.label}`}>
                <h4>{t('conflict.mineShort')}</h4>
                <DiffView changes={c.mine} headingLevel={4} />
              </section>
            </div>
            <div className="inline-checks">
              <div className="check">
                <input type="radio" id={`choice-${c.field}-mine`} name={`choice.${c.field}`} value="mine" required />
                <label htmlFor={`choice-${c.field}-mine`}>
                  {t('conflict.chooseMine')} <span className="visually-hidden">({c.label})</span>
                </label>
              </div>
              <div className="check">
                <input type="radio" id={`choice-${c.field}-theirs`} name={`choice.${c.field}`} value="theirs" />
                <label htmlFor={`choice-${c.field}-theirs`}>
                  {t('conflict.chooseTheirs')} <span className="visually-hidden">({c.label})</span>
                </label>
              </div>
            </div>
          </fieldset>
        ))}
        <div className="field">
          <label htmlFor="conflict-message">{fill(t('conflict.mergeMessage'), { number: conflict.current.number })}</label>
          <input id="conflict-message" name="message" type="text" maxLength={500} defaultValue={conflict.ownMessage} />
        </div>
        <button type="submit" className="primary">
          {fill(t('conflict.merge'), { number: conflict.current.number + 1 })}
        </button>
      </Form>
      <div className="conflict-actions">
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

/**
 * One tutorial in the learner space: its link (new tab), source, format and duration, a button to save
 * it for later and a "useful?" yes/no. The choices post to the current route (intent tutorial:…) with a
 * fetcher, so the page does not move; without JavaScript the form posts and the page comes back.
 */
import { useFetcher } from '@remix-run/react';
import { useMessages } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';
import { useRootData } from '~/root';
import type { TutorialCard } from '~/models/learner-tutorials.server';
import { isHttpUrl } from '../../../engine/framework';

export function TutorialItem({ tutorial, headingLevel = 3 }: { tutorial: TutorialCard; headingLevel?: 3 | 4 }) {
  const t = useMessages(learnerMessages);
  const { csrfToken } = useRootData();
  const fetcher = useFetcher();
  const pending = fetcher.formData?.get('intent');
  const saved = pending === 'tutorial:save' ? true : pending === 'tutorial:unsave' ? false : tutorial.saved;
  const useful = pending === 'tutorial:useful' ? true : pending === 'tutorial:notUseful' ? false : tutorial.useful;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const of = fill(t('tutorial.of'), { title: tutorial.title });
  return (
    <li className="tutorial" data-testid="tutorial">
      <Heading className="tutorial-title" style={{ fontSize: '1rem', margin: 0 }}>
        {/* Only http(s) addresses become links: a stored javascript: or data: address is shown as text. */}
        {isHttpUrl(tutorial.url) ? (
          <a href={tutorial.url} target="_blank" rel="noopener noreferrer">
            {tutorial.title}
            <span className="visually-hidden"> {t('tutorial.newTab')}</span>
          </a>
        ) : (
          tutorial.title
        )}
      </Heading>
      <p className="muted small">{fill(t('tutorial.meta'), { source: tutorial.source, format: tutorial.format, duration: tutorial.duration })}</p>
      <div className="tutorial-actions">
        <fetcher.Form method="post">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="tutorialId" value={tutorial.id} />
          <button
            type="submit"
            name="intent"
            value={saved ? 'tutorial:unsave' : 'tutorial:save'}
            className="secondary small"
            aria-label={`${saved ? t('tutorial.unsave') : t('tutorial.save')} : ${of}`}
          >
            {saved ? t('tutorial.unsave') : t('tutorial.save')}
          </button>
          {saved ? <span className="ok-text small">✓ {t('tutorial.savedFlag')}</span> : null}
        </fetcher.Form>
        <fetcher.Form method="post">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="tutorialId" value={tutorial.id} />
          <fieldset>
            <legend>
              {t('tutorial.usefulQuestion')}
              <span className="visually-hidden"> ({of})</span>
            </legend>
            <button type="submit" name="intent" value="tutorial:useful" className="secondary small" aria-pressed={useful === true}>
              {t('tutorial.yes')}
            </button>
            <button type="submit" name="intent" value="tutorial:notUseful" className="secondary small" aria-pressed={useful === false}>
              {t('tutorial.no')}
            </button>
          </fieldset>
        </fetcher.Form>
        {useful !== null ? (
          <span className="small muted" role="status">
            {t('tutorial.thanks')}
          </span>
        ) : null}
      </div>
    </li>
  );
}

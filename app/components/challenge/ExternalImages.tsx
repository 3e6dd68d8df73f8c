/**
 * In the challenge editor: the images of the challenge loaded from another site, with a warning (learners'
 * browsers would contact that site) and, for each, a button that has the server copy it into the
 * attachments (/creation/images-externes); the editor then puts the attachment's address in its place.
 */
import { useEffect, useState } from 'react';
import { useFetcher } from '@remix-run/react';
import type { Attachment } from '../../../engine/challenges';
import type { CopyImageOutcome } from '~/models/external-image.server';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';

function ExternalImage({ src, csrf, onCopied }: { src: string; csrf: string; onCopied: (from: string, attachment: Attachment) => void }) {
  const t = useMessages(creationMessages);
  const fetcher = useFetcher<CopyImageOutcome>();
  const outcome = fetcher.state === 'idle' ? fetcher.data : undefined;
  useEffect(() => {
    if (outcome?.ok) onCopied(src, outcome.attachment);
  }, [outcome]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <li>
      <code className="small">{src}</code>{' '}
      <button
        type="button"
        className="secondary small"
        disabled={fetcher.state !== 'idle'}
        onClick={() => fetcher.submit({ csrf, url: src }, { method: 'post', action: '/creation/images-externes' })}
      >
        {fetcher.state !== 'idle' ? t('externalImages.copying') : t('externalImages.copy')}
      </button>
      {outcome && !outcome.ok ? (
        <p className="error-message" role="alert">
          {t(`externalImages.error.${outcome.error}`)}
        </p>
      ) : null}
    </li>
  );
}

export function ExternalImages(props: { sources: string[]; csrf: string; readOnly?: boolean; onCopied: (from: string, attachment: Attachment) => void }) {
  const t = useMessages(creationMessages);
  const [copied, setCopied] = useState(0);
  if (props.sources.length === 0)
    return copied > 0 ? (
      <p className="notice" role="status">
        {t('externalImages.copied')}
      </p>
    ) : null;
  return (
    <div className="notice external-images" role="group" aria-labelledby="external-images-title" data-testid="external-images">
      <p id="external-images-title">
        <strong>{t('externalImages.title')}</strong>
      </p>
      <p className="small">{t('externalImages.intro')}</p>
      <ul>
        {props.sources.map((src) =>
          props.readOnly ? (
            <li key={src}>
              <code className="small">{src}</code>
            </li>
          ) : (
            <ExternalImage
              key={src}
              src={src}
              csrf={props.csrf}
              onCopied={(from, attachment) => {
                setCopied((n) => n + 1);
                props.onCopied(from, attachment);
              }}
            />
          ),
        )}
      </ul>
    </div>
  );
}

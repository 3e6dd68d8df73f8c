/**
 * The answer checker's verdict as an author reads it when trying a challenge: right or wrong, and which
 * comparison made a free answer match (exact, number, date, T1, T2, T3), per field for a QROCM.
 */
import type { MatchKind, RichDoc, Verdict } from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { RichText } from './RichText';

export function useMatchExplanation() {
  const t = useMessages(creationMessages);
  return (kind: MatchKind) => t(`verdict.by.${kind}`);
}

export function VerdictPanel({ verdict, fields, solution }: { verdict: Verdict; fields: { name: string; label: string }[]; solution: RichDoc | null }) {
  const t = useMessages(creationMessages);
  const explain = useMatchExplanation();
  const ok = verdict.result === 'ok';
  const headline = ok
    ? t('verdict.ok')
    : verdict.result === 'skipped'
      ? t('verdict.skipped')
      : verdict.result === 'timedout'
        ? t('verdict.timedout')
        : t('verdict.ko');
  const perField = verdict.fields && fields.length > 0;
  return (
    <div className={`verdict ${ok ? 'ok' : 'ko'}`} data-testid="verdict">
      <p className="verdict-headline">
        <strong>{headline}</strong>
        {ok && verdict.matchedBy && !perField ? (
          <>
            {' '}
            — {explain(verdict.matchedBy)}
            {verdict.matched ? ` (${t('verdict.matched')} « ${verdict.matched} »)` : ''}
          </>
        ) : null}
      </p>
      {perField ? (
        <ul className="verdict-fields">
          {fields.map((f) => {
            const right = verdict.fields?.[f.name] === true;
            const match = verdict.fieldMatches?.[f.name];
            return (
              <li key={f.name}>
                <strong>{f.label || f.name}</strong> : {right ? t('verdict.fieldOk') : t('verdict.fieldKo')}
                {right && match ? ` — ${explain(match.matchedBy)} (${t('verdict.matched')} « ${match.matched} »)` : ''}
              </li>
            );
          })}
        </ul>
      ) : null}
      {solution ? (
        <div className="verdict-solution">
          <p className="muted">{t('verdict.solution')}</p>
          <RichText doc={solution} />
        </div>
      ) : null}
    </div>
  );
}

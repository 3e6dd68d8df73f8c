/** The readable differences between two versions: one entry per changed field, with a word diff. */
import type { FieldChange } from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';

export function DiffView({ changes, emptyText, headingLevel = 3 }: { changes: FieldChange[]; emptyText?: string; headingLevel?: 3 | 4 }) {
  const t = useMessages(creationMessages);
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  if (changes.length === 0) return <p className="muted">{emptyText ?? t('diff.none')}</p>;
  return (
    <div className="diff">
      {changes.map((c) => (
        <section key={c.key} className="diff-field" data-testid="diff-field">
          <Heading className="diff-label">
            {c.label} <span className={`badge diff-${c.kind}`}>{t(`diff.kind.${c.kind}`)}</span>
          </Heading>
          <p className="diff-text">
            {c.parts.map((p, i) =>
              p.op === 'equal' ? (
                <span key={i}>{p.text}</span>
              ) : p.op === 'delete' ? (
                <del key={i}>
                  <span className="visually-hidden">[{t('diff.deleted')} : </span>
                  {p.text}
                  <span className="visually-hidden">]</span>
                </del>
              ) : (
                <ins key={i}>
                  <span className="visually-hidden">[{t('diff.inserted')} : </span>
                  {p.text}
                  <span className="visually-hidden">]</span>
                </ins>
              ),
            )}
          </p>
        </section>
      ))}
    </div>
  );
}

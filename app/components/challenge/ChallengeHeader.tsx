/** The top of every page of one challenge: its key, status, type, skill and current version, and the page tabs. */
import { Link, NavLink } from '@remix-run/react';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { formatParisDateTime } from '~/lib/paris-time';

export interface ChallengeHeaderData {
  id: string;
  key: string;
  type: string;
  status: string;
  isPrototype: boolean;
  prototype: { id: string; key: string; status: string } | null;
  skill: { name: string; competence: { code: string; title: string } };
  version: { number: number; createdAt: string | Date; author: string | null; message: string } | null;
}

/** Paris time, as on every page (app/lib/paris-time.ts). */
export function formatDateTime(value: string | Date, locale: string): string {
  return formatParisDateTime(value, locale);
}

export function StatusBadge({ status }: { status: string }) {
  const t = useMessages(creationMessages);
  return <span className={`badge ${status}`}>{t(`status.${status as 'propose'}`)}</span>;
}

export function ChallengeHeader({ challenge }: { challenge: ChallengeHeaderData }) {
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const base = `/creation/epreuves/${challenge.id}`;
  return (
    <header className="challenge-header">
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link> › <Link to="/creation/epreuves">{t('list.title')}</Link>
      </p>
      <h1>
        {t('challenge.title')} <code>{challenge.key}</code>
      </h1>
      <p className="challenge-meta">
        <StatusBadge status={challenge.status} /> <span className="badge type">{challenge.type}</span>{' '}
        <span className="badge">{challenge.isPrototype ? t('challenge.prototype') : t('challenge.declination')}</span>{' '}
        {challenge.prototype ? (
          <>
            {t('challenge.of')} <Link to={`/creation/epreuves/${challenge.prototype.id}`}>{challenge.prototype.key}</Link>{' '}
          </>
        ) : null}
        · {t('list.skill')} <code>{challenge.skill.name}</code> ({challenge.skill.competence.code} {challenge.skill.competence.title})
        {challenge.version ? (
          <>
            {' '}
            · {t('list.version')} {challenge.version.number}, {formatDateTime(challenge.version.createdAt, locale)}
            {challenge.version.author ? ` (${challenge.version.author})` : ''}
          </>
        ) : null}
      </p>
      <nav aria-label={t('challenge.tabs')} className="tabs">
        <NavLink to={base} end>
          {t('challenge.tabEdit')}
        </NavLink>
        <NavLink to={`${base}/historique`}>{t('challenge.tabHistory')}</NavLink>
        <NavLink to={`${base}/statut`}>{t('challenge.tabStatus')}</NavLink>
      </nav>
    </header>
  );
}

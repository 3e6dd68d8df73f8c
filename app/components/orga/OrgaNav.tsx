import { NavLink } from '@remix-run/react';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';

export function OrgaNav({ organisation }: { organisation: string }) {
  const t = useMessages(orgaMessages);
  return (
    <nav aria-label={t('nav.label')} className="orga-nav">
      <p className="orga-org">{organisation}</p>
      <ul>
        <li><NavLink to="/orga" end>{t('nav.campaigns')}</NavLink></li>
        <li><NavLink to="/orga/eleves">{t('nav.learners')}</NavLink></li>
        <li><NavLink to="/orga/profils-cibles">{t('nav.profiles')}</NavLink></li>
        <li><NavLink to="/orga/membres">{t('nav.members')}</NavLink></li>
      </ul>
    </nav>
  );
}

import { NavLink } from '@remix-run/react';
import { useMessages } from '~/i18n';
import { certifMessages } from '~/i18n/certif';

export function CertifNav() {
  const t = useMessages(certifMessages);
  return (
    <nav aria-label={t('nav.label')} className="certif-nav">
      <ul>
        <li>
          <NavLink to="/certif" end>
            {t('nav.sessions')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/certif/sessions/nouvelle">{t('nav.newSession')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

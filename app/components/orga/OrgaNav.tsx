import { Form, NavLink } from '@remix-run/react';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { useRootData } from '~/root';

/** The Orga space's navigation, with the organisation switcher for a member of several organisations. */
export function OrgaNav({ organisation, organisationId }: { organisation: string; organisationId?: string }) {
  const t = useMessages(orgaMessages);
  const { viewer, csrfToken } = useRootData();
  const organisations = viewer?.organisations ?? [];
  const current = organisationId ?? organisations.find((o) => o.name === organisation)?.id ?? '';
  return (
    <nav aria-label={t('nav.label')} className="orga-nav">
      {organisations.length > 1 ? (
        <Form method="post" action="/orga/organisation" className="orga-switcher" reloadDocument>
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <label htmlFor="orga-switch">{t('nav.organisation')}</label>{' '}
          <select id="orga-switch" name="organisationId" defaultValue={current}>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>{' '}
          <button type="submit">{t('nav.switch')}</button>
        </Form>
      ) : (
        <p className="orga-org">{organisation}</p>
      )}
      <ul>
        <li>
          <NavLink to="/orga" end>
            {t('nav.campaigns')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/orga/eleves">{t('nav.learners')}</NavLink>
        </li>
        <li>
          <NavLink to="/orga/profils-cibles">{t('nav.profiles')}</NavLink>
        </li>
        <li>
          <NavLink to="/orga/membres">{t('nav.members')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { listCampaigns, setCampaignArchived } from '~/models/campaign.server';
import { useRootData } from '~/root';
import { messagesFor, useLocale, useMessages } from '~/i18n';
import { orgaDate, orgaMessages } from '~/i18n/orga';
import { OrgaNav } from '~/components/orga/OrgaNav';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Campagnes – Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  const archived = new URL(request.url).searchParams.get('archivees') === '1';
  return { organisation, archived, campaigns: await listCampaigns(db(), organisation.id, archived) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const form = await requireForm(request, session);
  const id = String(form.get('campaignId') ?? '');
  const intent = form.get('intent');
  if (intent !== 'archive' && intent !== 'unarchive') throw new Response('Action inconnue', { status: 400 });
  await setCampaignArchived(db(), session.viewer, id, intent === 'archive');
  const tr = messagesFor(orgaMessages, request);
  return { ok: true, message: intent === 'archive' ? tr('list.archived') : tr('list.unarchived') };
}

export default function OrgaCampaigns() {
  const { organisation, archived, campaigns } = useLoaderData<typeof loader>();
  const { csrfToken } = useRootData();
  const t = useMessages(orgaMessages);
  const locale = useLocale();
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('list.title')}</h1>
      <p>
        <Link to="/orga/campagnes/nouvelle" className="button">
          {t('list.create')}
        </Link>
      </p>
      <nav aria-label={t('list.tabsLabel')} className="orga-tabs">
        <ul>
          <li>
            <Link to="/orga" className={archived ? '' : 'active'} aria-current={archived ? undefined : 'page'}>
              {t('list.active')}
            </Link>
          </li>
          <li>
            <Link to="/orga?archivees=1" className={archived ? 'active' : ''} aria-current={archived ? 'page' : undefined}>
              {t('list.archivedTab')}
            </Link>
          </li>
        </ul>
      </nav>
      {campaigns.length === 0 ? (
        <p>{archived ? t('list.noArchived') : t('list.noActive')}</p>
      ) : (
        <table className="orga-table">
          <caption className="visually-hidden">{archived ? t('list.captionArchived') : t('list.captionActive')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.code')}</th>
              <th scope="col">{t('col.type')}</th>
              <th scope="col">{t('col.createdBy')}</th>
              <th scope="col">{t('col.date')}</th>
              <th scope="col">{t('col.participants')}</th>
              <th scope="col">{t('col.shared')}</th>
              <th scope="col">{t('col.action')}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/orga/campagnes/${c.id}`}>{c.name}</Link>
                </td>
                <td>
                  <code>{c.code}</code>
                </td>
                <td>{t(`type.${c.type}`)}</td>
                <td>{c.creator}</td>
                <td>{orgaDate(c.createdAt, locale)}</td>
                <td>{c.participants}</td>
                <td>{c.shared}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                    <input type="hidden" name="campaignId" value={c.id} />
                    <button
                      type="submit"
                      name="intent"
                      value={archived ? 'unarchive' : 'archive'}
                      aria-label={`${archived ? t('list.unarchive') : t('list.archive')} ${c.name}`}
                    >
                      {archived ? t('list.unarchive') : t('list.archive')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

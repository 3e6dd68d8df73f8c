import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { listCampaigns, setCampaignArchived } from '~/models/campaign.server';
import { useRootData } from '~/root';
import { useMessages } from '~/i18n';
import { frDate, orgaMessages } from '~/i18n/orga';
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
  return { ok: true, message: intent === 'archive' ? 'Campagne archivée.' : 'Campagne désarchivée.' };
}

export default function OrgaCampaigns() {
  const { organisation, archived, campaigns } = useLoaderData<typeof loader>();
  const { csrfToken } = useRootData();
  const t = useMessages(orgaMessages);
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>Campagnes</h1>
      <p><Link to="/orga/campagnes/nouvelle" className="button">Créer une campagne</Link></p>
      <nav aria-label="Campagnes actives ou archivées" className="orga-tabs">
        <ul>
          <li><Link to="/orga" className={archived ? '' : 'active'} aria-current={archived ? undefined : 'page'}>Actives</Link></li>
          <li><Link to="/orga?archivees=1" className={archived ? 'active' : ''} aria-current={archived ? 'page' : undefined}>Archivées</Link></li>
        </ul>
      </nav>
      {campaigns.length === 0 ? (
        <p>{archived ? 'Aucune campagne archivée.' : 'Aucune campagne active pour l’instant.'}</p>
      ) : (
        <table className="orga-table">
          <caption className="visually-hidden">{archived ? 'Campagnes archivées' : 'Campagnes actives'}</caption>
          <thead>
            <tr><th scope="col">Nom</th><th scope="col">Code</th><th scope="col">Type</th><th scope="col">Créée par</th><th scope="col">Date</th><th scope="col">Participants</th><th scope="col">Résultats reçus</th><th scope="col">Action</th></tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id}>
                <td><Link to={`/orga/campagnes/${c.id}`}>{c.name}</Link></td>
                <td><code>{c.code}</code></td>
                <td>{t(`type.${c.type}`)}</td>
                <td>{c.creator}</td>
                <td>{frDate(c.createdAt)}</td>
                <td>{c.participants}</td>
                <td>{c.shared}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                    <input type="hidden" name="campaignId" value={c.id} />
                    <button type="submit" name="intent" value={archived ? 'unarchive' : 'archive'} aria-label={`${archived ? 'Désarchiver' : 'Archiver'} ${c.name}`}>
                      {archived ? 'Désarchiver' : 'Archiver'}
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

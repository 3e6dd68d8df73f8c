import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, redirect, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { duplicateTargetProfile, listTargetProfiles } from '~/models/target-profile.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { Csrf } from '~/components/orga/Csrf';
import orgaStyles from '~/styles/orga.css';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Profils cibles – Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  return { organisation, profiles: await listTargetProfiles(db(), organisation.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  if (form.get('intent') !== 'duplicate') throw new Response('Action inconnue', { status: 400 });
  const copy = await duplicateTargetProfile(db(), organisation.id, String(form.get('profileId') ?? ''));
  if (!copy) throw new Response('Profil cible introuvable', { status: 404 });
  return redirect(`/orga/profils-cibles/${copy.id}`);
}

export default function TargetProfiles() {
  const { organisation, profiles } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('profiles.title')}</h1>
      <p>
        <Link to="/orga/profils-cibles/nouveau">{t('profiles.create')}</Link>
      </p>
      {profiles.length === 0 ? (
        <p>{t('profiles.none')}</p>
      ) : (
        <table className="orga-table">
          <caption className="visually-hidden">{t('profiles.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('profiles.tubes')}</th>
              <th scope="col">{t('profiles.skills')}</th>
              <th scope="col">{t('profiles.stages')}</th>
              <th scope="col">{t('profiles.badges')}</th>
              <th scope="col">{t('profiles.campaigns')}</th>
              <th scope="col">{t('col.action')}</th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/orga/profils-cibles/${p.id}`}>{p.name}</Link>
                  {p.shared ? t('profiles.shared') : ''}
                </td>
                <td>{p.tubes}</td>
                <td>{p.skills}</td>
                <td>{p.stages}</td>
                <td>{p.badges}</td>
                <td>{p.campaigns}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <Csrf />
                    <input type="hidden" name="profileId" value={p.id} />
                    <button type="submit" name="intent" value="duplicate" aria-label={fill(t('profiles.duplicateOf'), { name: p.name })}>
                      {t('profiles.duplicate')}
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

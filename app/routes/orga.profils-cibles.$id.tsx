import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { frameworkTree, targetProfileFromForm, targetProfileOf, updateTargetProfile } from '~/models/target-profile.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { TargetProfileBuilder } from '~/components/orga/TargetProfileBuilder';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Profil cible – Orga – Pix Workbench' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  const profile = await targetProfileOf(db(), organisation.id, params.id ?? '');
  if (!profile) throw new Response('Profil cible introuvable', { status: 404 });
  const campaigns = await db().campaign.count({ where: { targetProfileId: profile.id } });
  return { organisation, profile, campaigns, tree: await frameworkTree(db()) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  const parsed = targetProfileFromForm(form);
  if (!parsed.ok) return { errors: parsed.errors, saved: false };
  const result = await updateTargetProfile(db(), organisation.id, params.id ?? '', parsed.value);
  if (!result.ok) return { errors: [result.error], saved: false };
  return { errors: [] as string[], saved: true };
}

export default function TargetProfilePage() {
  const { organisation, profile, campaigns, tree } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const locked = campaigns > 0 || profile.organisationId === null;
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>Profil cible : {profile.name}</h1>
      {params.get('enregistre') || data?.saved ? <p role="status" className="notice success">Profil cible enregistré.</p> : null}
      {locked ? <p className="notice">Ce profil cible est utilisé par {campaigns} campagne(s) ou est commun : il ne se modifie plus. Dupliquez-le depuis la liste pour en faire une variante.</p> : null}
      <TargetProfileBuilder key={JSON.stringify(profile.tubes)} tree={tree} initial={profile} errors={data?.errors} submitLabel="Enregistrer les modifications" />
    </>
  );
}

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { createTargetProfile, frameworkTree, targetProfileFromForm } from '~/models/target-profile.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { TargetProfileBuilder } from '~/components/orga/TargetProfileBuilder';
import orgaStyles from '~/styles/orga.css';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Nouveau profil cible – Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  return { organisation: activeOrganisation(viewer, request), tree: await frameworkTree(db()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  const parsed = targetProfileFromForm(form);
  if (!parsed.ok) return { errors: parsed.errors };
  const profile = await createTargetProfile(db(), organisation.id, parsed.value);
  return redirect(`/orga/profils-cibles/${profile.id}?enregistre=1`);
}

export default function NewTargetProfile() {
  const { organisation, tree } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(orgaMessages);
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('profile.new')}</h1>
      <TargetProfileBuilder tree={tree} errors={data?.errors} submitLabel={t('profile.save')} />
    </>
  );
}

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { targetProfileEditor, targetProfileFromForm, targetProfileOf, updateTargetProfile } from '~/models/target-profile.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { TargetProfileBuilder } from '~/components/orga/TargetProfileBuilder';
import orgaStyles from '~/styles/orga.css';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Profil cible – Orga – Pix Workbench' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  const editor = await targetProfileEditor(db(), organisation.id, params.id ?? '');
  if (!editor) throw new Response('Profil cible introuvable', { status: 404 });
  return { organisation, profile: editor.profile, campaigns: editor.profile.campaigns, tree: editor.tree };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  // Another organisation's profile answers 404 before its form is read, like a profile that does not exist.
  if (!(await targetProfileOf(db(), organisation.id, params.id ?? ''))) throw new Response('Profil cible introuvable', { status: 404 });
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
  const t = useMessages(orgaMessages);
  const locked = campaigns > 0 || profile.organisationId === null;
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{fill(t('profile.title'), { name: profile.name })}</h1>
      {params.get('enregistre') || data?.saved ? (
        <p role="status" className="notice success">
          {t('profile.saved')}
        </p>
      ) : null}
      {locked ? <p className="notice">{fill(t('profile.locked'), { n: campaigns })}</p> : null}
      <TargetProfileBuilder key={JSON.stringify(profile.tubes)} tree={tree} initial={profile} errors={data?.errors} submitLabel={t('profile.saveChanges')} />
    </>
  );
}

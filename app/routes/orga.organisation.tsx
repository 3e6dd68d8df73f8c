/** The organisation switcher (POST only): a member of several organisations chooses the one they work on; kept in the session. */
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { requireForm, requireSpace, setSessionOrganisation } from '~/lib/session.server';
import { requireMembership } from '~/models/organisation.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'orga');
  return redirect('/orga');
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const form = await requireForm(request, session);
  const membership = requireMembership(session.viewer, String(form.get('organisationId') ?? ''));
  await setSessionOrganisation(request, membership.id);
  return redirect('/orga');
}

import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { destroyUserSession, getSession, requireForm } from '~/lib/session.server';

export async function loader() {
  throw redirect('/');
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await getSession(request);
  if (session) await requireForm(request, session);
  return destroyUserSession(request);
}

import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { getSession } from '~/lib/session.server';
import { homeSpace } from '~/lib/roles';

/** The home leads everyone to their space; visitors go to sign in. */
export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request);
  throw redirect(session ? homeSpace(session.viewer) : '/connexion');
}

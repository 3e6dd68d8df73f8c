/** Any address that matches no page: a 404 with the site's layout. */
import { notFound } from '~/lib/http-error.server';

export async function loader() {
  throw notFound('page');
}

export default function NotFound() {
  return null;
}

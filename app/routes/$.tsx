/** Any address that matches no page: a 404 with the site's layout. */
export async function loader() {
  throw new Response('Page introuvable', { status: 404 });
}

export default function NotFound() {
  return null;
}

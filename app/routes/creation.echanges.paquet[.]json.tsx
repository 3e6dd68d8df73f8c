/** The live content as one content-pack bundle (every competence), downloaded as JSON. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { exportBundle } from '~/models/interchange.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const bundle = await exportBundle(db());
  const day = bundle.exportedAt.slice(0, 10);
  return new Response(JSON.stringify(bundle, null, 2) + '\n', {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="contenu-${day}.json"`,
      'Cache-Control': 'no-store',
    },
  });
}

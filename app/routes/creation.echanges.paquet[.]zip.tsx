/** The live content as a content-pack zip: contenu.json and every file it refers to. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { exportPackZip } from '~/models/interchange.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const zip = await exportPackZip(db());
  return new Response(new Uint8Array(zip), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="contenu-${new Date().toISOString().slice(0, 10)}.zip"`,
      'Cache-Control': 'no-store',
    },
  });
}

/** The live challenges as one QTI 3.0 content package (zip with imsmanifest.xml, items, media and test). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { exportQtiPackage } from '~/models/interchange.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const zip = await exportQtiPackage(db());
  return new Response(new Uint8Array(zip), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="qti-${new Date().toISOString().slice(0, 10)}.zip"`,
      'Cache-Control': 'no-store',
    },
  });
}

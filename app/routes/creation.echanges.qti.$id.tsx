/** One challenge (id or key) as a QTI 3.0 item, downloaded (QCU, QCM and QROC only). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { exportQtiItem } from '~/models/interchange.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const item = await exportQtiItem(db(), (params.id ?? '').replace(/\.xml$/, ''));
  if (!item) throw new Response('Épreuve introuvable', { status: 404 });
  return new Response(item.xml, {
    headers: {
      'Content-Type': 'application/xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${item.key}.qti.xml"`,
      'Cache-Control': 'no-store',
    },
  });
}

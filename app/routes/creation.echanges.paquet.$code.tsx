/** One competence's live content as a content-pack file (pack/<code>.json), downloaded. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { exportPacks } from '~/models/interchange.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const code = (params.code ?? '').replace(/\.json$/, '');
  if (!/^[1-9]\.[1-9]$/.test(code)) throw new Response('Compétence inconnue', { status: 404 });
  const [pack] = await exportPacks(db(), code);
  if (!pack) throw new Response('Aucun contenu en ligne pour cette compétence', { status: 404 });
  return new Response(JSON.stringify(pack, null, 2) + '\n', {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="${code}.json"`, 'Cache-Control': 'no-store' },
  });
}

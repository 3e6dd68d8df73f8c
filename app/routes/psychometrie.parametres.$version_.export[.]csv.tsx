/**
 * A parameter set's parameters as CSV (item,a,d,b,se_a,…): also an anchors file for the CLI. Raw by
 * default; ?format=tableur neutralises text a spreadsheet would take as a formula.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { parameterSetByVersion, parametersCsv } from '~/models/parameter-set.server';
import { csvModeOf } from '../../engine/campaigns';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const version = Number(params.version);
  const set = Number.isInteger(version) ? await parameterSetByVersion(db(), version) : null;
  if (!set) throw notFound('parameterVersion', request);
  const mode = csvModeOf(new URL(request.url).searchParams.get('format'), 'raw');
  return new Response(parametersCsv(set.items, mode), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="parametres-v${set.version}${mode === 'spreadsheet' ? '-tableur' : ''}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}

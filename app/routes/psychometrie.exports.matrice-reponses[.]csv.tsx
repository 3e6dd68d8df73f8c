/**
 * The response matrix as a wide CSV (person, then one column per live challenge), streamed. With
 * ?calibration=<run id>, the exact data of that run (its snapshot and scope). Raw by default (for R);
 * ?format=tableur neutralises text a spreadsheet would take as a formula.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { requireSpace } from '~/lib/session.server';
import { databaseUrl, db } from '~/lib/db.server';
import { responseMatrixCsv } from '~/models/calibration-export.server';
import { csvModeOf } from '../../engine/campaigns';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const url = new URL(request.url);
  const runId = url.searchParams.get('calibration');
  const mode = csvModeOf(url.searchParams.get('format'), 'raw');
  const matrix = await responseMatrixCsv(db(), databaseUrl(), { runId, mode });
  if (!matrix) throw notFound('calibration', request);
  const suffix = mode === 'spreadsheet' ? '-tableur' : '';
  const name = runId
    ? `matrice-reponses-calibration-${runId.slice(0, 8)}${suffix}.csv`
    : `matrice-reponses-${new Date().toISOString().slice(0, 10)}${suffix}.csv`;
  return new Response(matrix.stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Persons': String(matrix.persons),
      'X-Challenges': String(matrix.challenges),
    },
  });
}

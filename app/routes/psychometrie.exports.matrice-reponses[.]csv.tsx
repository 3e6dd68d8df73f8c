/**
 * The response matrix as a wide CSV (person, then one column per live challenge), streamed. With
 * ?calibration=<run id>, the exact data of that run (its snapshot and scope).
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { databaseUrl, db } from '~/lib/db.server';
import { responseMatrixCsv } from '~/models/calibration-export.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const runId = new URL(request.url).searchParams.get('calibration');
  const matrix = await responseMatrixCsv(db(), databaseUrl(), { runId });
  if (!matrix) throw new Response('Calibration introuvable', { status: 404 });
  const name = runId ? `matrice-reponses-calibration-${runId.slice(0, 8)}.csv` : `matrice-reponses-${new Date().toISOString().slice(0, 10)}.csv`;
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

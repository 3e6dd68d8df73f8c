/** The live progress of calibration runs, polled every second by the runs list (JSON, no page). */
import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { runsProgress } from '~/models/calibration.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const ids = (new URL(request.url).searchParams.get('ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => /^[0-9a-f-]{36}$/i.test(id))
    .slice(0, 50);
  const runs = ids.length ? await runsProgress(db(), ids) : [];
  return json({ runs }, { headers: { 'Cache-Control': 'no-store' } });
}

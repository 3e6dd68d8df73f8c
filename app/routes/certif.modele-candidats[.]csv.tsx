/** The candidate list template (CSV, UTF-8 with BOM, semicolons) for the session import. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { CANDIDATE_CSV_TEMPLATE } from '~/models/certification-session.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'certif');
  return new Response(CANDIDATE_CSV_TEMPLATE, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="modele-candidats.csv"' },
  });
}

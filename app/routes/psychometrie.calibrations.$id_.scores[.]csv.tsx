/**
 * θ with its standard error for the persons of a calibration run, as CSV `person,theta,se,answers`
 * (EAP on the run's parameters and latent distribution); persons pseudonymised per run.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { localeFromRequest } from '~/i18n';
import { notFound } from '~/lib/http-error.server';
import { requireSpace, sessionSecret } from '~/lib/session.server';
import { databaseUrl, db } from '~/lib/db.server';
import { runScoresCsv } from '~/models/calibration-scores.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const runId = params.id ?? '';
  const scores = await runScoresCsv(db(), databaseUrl(), runId, sessionSecret());
  if (!scores.ok && scores.reason === 'not-found') throw notFound('calibration', request);
  if (!scores.ok) {
    const text =
      localeFromRequest(request) === 'en'
        ? 'This calibration run has not succeeded: there are no parameters to score the learners with yet.'
        : 'Ce calcul de calibration n’a pas abouti : il n’y a pas encore de paramètres pour calculer les scores des apprenants.';
    throw new Response(text, { status: 409, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  return new Response(scores.csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="theta-calibration-${runId.slice(0, 8)}.csv"`,
      'Cache-Control': 'no-store',
      'X-Persons': String(scores.persons),
    },
  });
}

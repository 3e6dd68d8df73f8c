/** One parameter set version: who approved it and when, its cut scores and every item's parameters. */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { parameterSetByVersion } from '~/models/parameter-set.server';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Paramètres version ${data?.version ?? ''} – Psychométrie` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const version = Number(params.version);
  const set = Number.isInteger(version) ? await parameterSetByVersion(db(), version) : null;
  if (!set) throw new Response('Version introuvable', { status: 404 });
  return set;
}

export default function ParameterSetPage() {
  const set = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const approved = params.get('approuvee');
  const levels = Object.keys(set.cutScores)
    .map(Number)
    .sort((x, y) => x - y);
  return (
    <>
      <p>
        <Link to="/psychometrie/parametres">Tous les jeux de paramètres</Link> · <Link to="/psychometrie">Calibrations</Link>
      </p>
      <h1>
        Paramètres, version {set.version} {set.active ? <span className="calib-active">En vigueur</span> : null}
      </h1>
      {approved ? (
        <p className="calib-success" role="status">
          Calibration approuvée : {approved} épreuve(s). La version {set.version} est {set.active ? 'en vigueur' : 'enregistrée'}.
        </p>
      ) : null}
      <section className="panel">
        <dl className="calib-dl">
          <dt>Approuvée le</dt>
          <dd>{formatDateTime(set.approvedAt)}</dd>
          <dt>Par</dt>
          <dd>{set.approvedBy ?? '—'}</dd>
          <dt>Calibration d’origine</dt>
          <dd>{set.sourceRunId ? <Link to={`/psychometrie/calibrations/${set.sourceRunId}`}>voir l’analyse</Link> : '—'}</dd>
          <dt>Épreuves calibrées</dt>
          <dd>{formatInteger(set.items.length)}</dd>
          {set.note ? (
            <>
              <dt>Note</dt>
              <dd>{set.note}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <a href={`/psychometrie/parametres/${set.version}/export.csv`} download>
            Exporter les paramètres (CSV brut, pour R et la CLI)
          </a>{' '}
          ·{' '}
          <a href={`/psychometrie/parametres/${set.version}/export.csv?format=tableur`} download>
            CSV pour tableur
          </a>
        </p>
      </section>
      <section className="panel" aria-labelledby="seuils">
        <h2 id="seuils">Seuils de niveau sur θ</h2>
        {levels.length === 0 ? (
          <p>Aucun seuil.</p>
        ) : (
          <table className="calib-cuts calib-table">
            <thead>
              <tr>
                <th scope="col">Niveau</th>
                {levels.map((l) => (
                  <th key={l} scope="col">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">θ</th>
                {levels.map((l) => (
                  <td key={l}>{formatNumber(set.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        )}
        <p className="muted">Le seuil d’un niveau est le θ auquel la réussite attendue aux épreuves en service de ce niveau atteint 50 %.</p>
      </section>
      <h2 id="epreuves">Paramètres des épreuves</h2>
      <div className="calib-scroll" role="region" aria-labelledby="epreuves" tabIndex={0}>
        <table className="calib-table">
          <thead>
            <tr>
              <th scope="col">Épreuve</th>
              <th scope="col">Compétence</th>
              <th scope="col">Acquis</th>
              <th scope="col" className="num">
                Niveau
              </th>
              <th scope="col" className="num">
                a (ET)
              </th>
              <th scope="col" className="num">
                d
              </th>
              <th scope="col" className="num">
                b (ET)
              </th>
              <th scope="col">Calibration</th>
            </tr>
          </thead>
          <tbody>
            {set.items.map((p) => (
              <tr key={p.challengeId}>
                <td>
                  <Link to={`/psychometrie/items/${p.challengeId}`}>{p.key}</Link>
                </td>
                <td>{p.competence}</td>
                <td>{p.skill}</td>
                <td className="num">{p.level}</td>
                <td className="num">
                  {formatNumber(p.a)} ({formatNumber(p.seA)})
                </td>
                <td className="num">{formatNumber(p.d)}</td>
                <td className="num">
                  {formatNumber(p.b)} ({formatNumber(p.seB)})
                </td>
                <td>
                  {p.sourceRunId === set.sourceRunId ? (
                    'cette approbation'
                  ) : p.sourceRunId ? (
                    <Link to={`/psychometrie/calibrations/${p.sourceRunId}`}>antérieure</Link>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

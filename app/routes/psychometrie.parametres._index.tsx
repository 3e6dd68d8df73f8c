/** The parameter sets: every version, which one is in force, who approved it and when, its cut scores; the exports. */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { listParameterSets } from '~/models/parameter-set.server';
import { listRuns } from '~/models/calibration.server';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = () => [{ title: 'Jeux de paramètres – Psychométrie' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const [sets, runs] = await Promise.all([listParameterSets(db()), listRuns(db(), { take: 30 })]);
  return {
    sets,
    runs: runs.filter((r) => r.status === 'SUCCEEDED').map((r) => ({ id: r.id, createdAt: r.createdAt, answers: r.answers })),
  };
}

export default function ParameterSets() {
  const { sets, runs } = useLoaderData<typeof loader>();
  const levels = [...new Set(sets.flatMap((s) => Object.keys(s.cutScores).map(Number)))].sort((x, y) => x - y);
  return (
    <>
      <p>
        <Link to="/psychometrie">Retour aux calibrations</Link>
      </p>
      <h1>Jeux de paramètres</h1>
      <p>
        Chaque approbation crée une nouvelle version ; une seule est en vigueur. Les versions ne changent jamais : une certification garde celle qu’elle a
        utilisée.
      </p>
      {sets.length === 0 ? (
        <p>Aucun jeu de paramètres approuvé pour l’instant : toutes les épreuves sont non calibrées.</p>
      ) : (
        <div className="calib-scroll" role="region" aria-label="Versions des paramètres" tabIndex={0}>
          <table className="calib-table">
            <caption className="visually-hidden">Versions des paramètres, la plus récente d’abord</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">État</th>
                <th scope="col">Approuvée le</th>
                <th scope="col">Par</th>
                <th scope="col" className="num">
                  Épreuves
                </th>
                {levels.map((l) => (
                  <th key={l} scope="col" className="num">
                    Seuil niv. {l}
                  </th>
                ))}
                <th scope="col">Calibration d’origine</th>
                <th scope="col">Note</th>
                <th scope="col">Export</th>
              </tr>
            </thead>
            <tbody>
              {sets.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/psychometrie/parametres/${s.version}`}>Version {s.version}</Link>
                  </th>
                  <td>{s.active ? <span className="calib-active">En vigueur</span> : <span className="muted">Remplacée</span>}</td>
                  <td>{formatDateTime(s.approvedAt)}</td>
                  <td>{s.approvedBy ?? '—'}</td>
                  <td className="num">{formatInteger(s.items)}</td>
                  {levels.map((l) => (
                    <td key={l} className="num">
                      {formatNumber(s.cutScores[String(l)] ?? null)}
                    </td>
                  ))}
                  <td>{s.sourceRun ? <Link to={`/psychometrie/calibrations/${s.sourceRun.id}`}>du {formatDateTime(s.sourceRun.createdAt)}</Link> : '—'}</td>
                  <td>
                    {s.restoredFromVersion !== null ? (
                      <>
                        <strong>
                          Remise en vigueur de la <Link to={`/psychometrie/parametres/${s.restoredFromVersion}`}>version {s.restoredFromVersion}</Link>
                        </strong>
                        {' : '}
                      </>
                    ) : null}
                    {s.note || (s.restoredFromVersion !== null ? '' : '—')}
                  </td>
                  <td>
                    <a href={`/psychometrie/parametres/${s.version}/export.csv`} download>
                      CSV<span className="visually-hidden"> brut des paramètres de la version {s.version}</span>
                    </a>{' '}
                    <a href={`/psychometrie/parametres/${s.version}/export.csv?format=tableur`} download>
                      tableur<span className="visually-hidden"> : CSV des paramètres de la version {s.version} pour tableur</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section className="panel" aria-labelledby="exports-titre" style={{ marginTop: '1.5rem' }}>
        <h2 id="exports-titre">Exports</h2>
        <ul>
          <li>
            <a href="/psychometrie/exports/matrice-reponses.csv" download>
              Matrice des réponses actuelle (CSV large, brut pour R)
            </a>{' '}
            (
            <a href="/psychometrie/exports/matrice-reponses.csv?format=tableur" download>
              version pour tableur
            </a>
            , où les textes commençant par = + - @ sont préfixés d’une apostrophe) : une ligne par personne (identifiants anonymes), une colonne par épreuve en
            service (sa clé), 1 = juste, 0 = faux, vide = non posée. Lisible par <code>npm run cli -- calibrate</code> et par R (<code>read.csv</code>, puis
            mirt, ltm ou eRm).
          </li>
          <li>
            Paramètres d’une version : colonnes <code>item,a,d,b,se_a,se_d,se_b,…</code>, utilisables comme ancres (<code>--anchors</code>) par la CLI. Les
            exports bruts gardent les textes tels quels (pour R et la CLI) ; les exports « tableur » préfixent d’une apostrophe les textes commençant par = + -
            @ pour qu’un tableur ne les prenne pas pour des formules.
          </li>
        </ul>
        {runs.length > 0 ? (
          <>
            <h3>Données exactes d’une calibration</h3>
            <ul>
              {runs.slice(0, 8).map((r) => (
                <li key={r.id}>
                  <a href={`/psychometrie/exports/matrice-reponses.csv?calibration=${r.id}`} download>
                    Matrice des réponses de la calibration du {formatDateTime(r.createdAt)} (brut)
                  </a>{' '}
                  (
                  <a href={`/psychometrie/exports/matrice-reponses.csv?calibration=${r.id}&format=tableur`} download>
                    pour tableur
                  </a>
                  ) ({formatInteger(r.answers)} réponses)
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </>
  );
}

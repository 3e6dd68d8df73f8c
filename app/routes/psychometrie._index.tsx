import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';

export const meta: MetaFunction = () => [{ title: 'Psychométrie – Pix Workbench' }];

const STATUS = { QUEUED: 'En attente', RUNNING: 'En cours', SUCCEEDED: 'Terminée', FAILED: 'Échouée', CANCELLED: 'Annulée' } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const [runs, activeSet, liveChallenges, answers] = await Promise.all([
    db().calibrationRun.findMany({ orderBy: { createdAt: 'desc' }, take: 20 }),
    db().parameterSet.findFirst({ where: { active: true }, include: { _count: { select: { items: true } } } }),
    db().challenge.count({ where: { status: 'valide' } }),
    db().answer.count(),
  ]);
  return {
    liveChallenges,
    answers,
    activeSet: activeSet ? { version: activeSet.version, items: activeSet._count.items, approvedAt: activeSet.approvedAt.toISOString() } : null,
    runs: runs.map((r) => ({
      id: r.id,
      status: r.status,
      model: r.model,
      persons: r.persons,
      answers: r.answers,
      seconds: r.seconds,
      logLik: r.logLik,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export default function Psychometrics() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Psychométrie</h1>
      <div className="grid">
        <div className="panel">
          <h2>Banque en service</h2>
          <p>{data.liveChallenges} épreuves validées</p>
          <p>{data.answers} réponses enregistrées</p>
        </div>
        <div className="panel">
          <h2>Paramètres actifs</h2>
          {data.activeSet ? (
            <p>
              Version {data.activeSet.version} : {data.activeSet.items} épreuves calibrées, approuvée le{' '}
              {new Date(data.activeSet.approvedAt).toLocaleDateString('fr-FR')}.
            </p>
          ) : (
            <p>Aucun jeu de paramètres approuvé : toutes les épreuves sont non calibrées.</p>
          )}
        </div>
      </div>
      <h2>Calibrations</h2>
      {data.runs.length === 0 ? (
        <p>Aucune calibration lancée pour l’instant.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Statut</th>
              <th scope="col">Modèle</th>
              <th scope="col">Personnes</th>
              <th scope="col">Réponses</th>
              <th scope="col">Durée (s)</th>
              <th scope="col">Log-vraisemblance</th>
            </tr>
          </thead>
          <tbody>
            {data.runs.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.createdAt).toLocaleString('fr-FR')}</td>
                <td>{STATUS[r.status]}</td>
                <td>{r.model}</td>
                <td>{r.persons ?? '—'}</td>
                <td>{r.answers ?? '—'}</td>
                <td>{r.seconds?.toFixed(1) ?? '—'}</td>
                <td>{r.logLik?.toFixed(3) ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

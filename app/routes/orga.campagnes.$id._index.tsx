import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer } from '~/models/campaign.server';
import { ActivityChart } from '~/components/orga/charts';
import { frDate } from '~/i18n/orga';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const { data, computedAt } = await campaignAggregate(db(), campaign.id);
  return { totals: data.totals, activity: data.activity, stages: data.stages, badges: data.badges, computedAt: computedAt.toISOString() };
}

export default function Activity() {
  const { totals, activity, stages, badges, computedAt } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Activité</h2>
      <ul className="figures">
        <li><strong>{totals.participants}</strong> participants</li>
        <li><strong>{totals.started}</strong> en cours</li>
        <li><strong>{totals.toShare}</strong> en attente d’envoi</li>
        <li><strong>{totals.shared}</strong> résultats reçus</li>
      </ul>
      {activity.length ? (
        <>
          <ActivityChart data={activity} label={`Participants et résultats reçus au fil des jours : ${totals.participants} participants, ${totals.shared} résultats reçus.`} />
          <table className="orga-table">
            <caption>Participants et résultats reçus (cumulés) par jour</caption>
            <thead><tr><th scope="col">Jour</th><th scope="col">Participants</th><th scope="col">Résultats reçus</th></tr></thead>
            <tbody>{activity.slice(-14).map((d) => <tr key={d.day}><td>{frDate(`${d.day}T12:00:00Z`)}</td><td>{d.participants}</td><td>{d.shared}</td></tr>)}</tbody>
          </table>
        </>
      ) : <p>Personne n’a encore rejoint la campagne.</p>}
      {stages.length ? (
        <>
          <h3>Paliers atteints (résultats reçus)</h3>
          <ul>{stages.map((s) => <li key={s.title}>{s.title} (dès {s.threshold} %) : {s.count}</li>)}</ul>
        </>
      ) : null}
      {badges.length ? (
        <>
          <h3>Badges obtenus</h3>
          <ul>{badges.map((b) => <li key={b.title}>{b.title} : {b.count}</li>)}</ul>
        </>
      ) : null}
      <p><small>Chiffres calculés le {new Date(computedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' })}.</small></p>
    </section>
  );
}

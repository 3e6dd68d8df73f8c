import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer, participantDetail } from '~/models/campaign.server';
import { Mastery } from '~/components/orga/Stars';
import { HorizontalBars } from '~/components/orga/charts';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  return { detail: await participantDetail(db(), campaign.id, params.pid ?? '') };
}

export default function ParticipantDetail() {
  const { detail } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="participant-title">
      <p><Link to="..">← Tous les participants</Link></p>
      <h2 id="participant-title">{detail.name}{detail.division ? ` (${detail.division})` : ''}</h2>
      {!detail.shared ? <p>Ce participant n’a pas encore envoyé ses résultats.</p> : (
        <>
          <p>Maîtrise globale : <Mastery percent={detail.masteryPercent} /> · {detail.validated} acquis validés{detail.stage ? ` · palier « ${detail.stage} »` : ''}{detail.badges.length ? ` · badges : ${detail.badges.join(', ')}` : ''}</p>
          <HorizontalBars label={`Maîtrise de ${detail.name} par compétence ; les valeurs sont dans le tableau qui suit.`} data={detail.competences.map((c) => ({ label: `${c.code} ${c.title}`, value: c.targeted ? Math.round((100 * c.validated) / c.targeted) : 0 }))} />
          {detail.competences.map((c) => (
            <table className="orga-table" key={c.code}>
              <caption>{c.code} {c.title} : {c.validated} acquis validés sur {c.targeted}</caption>
              <thead><tr><th scope="col">Sujet</th><th scope="col">Acquis validés</th><th scope="col">Niveau atteint</th></tr></thead>
              <tbody>{c.tubes.map((tube) => <tr key={tube.name}><td>{tube.title} <code>{tube.name}</code></td><td>{tube.validated} / {tube.targeted}</td><td>{tube.reached || '—'}</td></tr>)}</tbody>
            </table>
          ))}
        </>
      )}
    </section>
  );
}

import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer, tutorialsOfTubes } from '~/models/campaign.server';
import { Dots } from '~/components/orga/Stars';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const { data } = await campaignAggregate(db(), campaign.id);
  const tutorials = await tutorialsOfTubes(db(), data.recommendations.map((r) => r.tubeId));
  return { shared: data.totals.shared, recommendations: data.recommendations, competences: data.competencesToTarget, tutorials };
}

export default function Topics() {
  const { shared, recommendations, competences, tutorials } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="topics-title">
      <h2 id="topics-title">Sujets à travailler</h2>
      <p>Calculés sur {shared} résultat(s) reçu(s), des plus recommandés aux moins recommandés (1 à 4 points).</p>
      <table className="orga-table">
        <caption className="visually-hidden">Sujets à travailler</caption>
        <thead><tr><th scope="col">Sujet</th><th scope="col">Compétence</th><th scope="col">Pertinence</th><th scope="col">Tutoriels</th></tr></thead>
        <tbody>
          {recommendations.map((r) => (
            <tr key={r.tubeId} data-testid="topic">
              <td>{r.title} <code>{r.name}</code></td>
              <td>{r.competence}</td>
              <td><Dots dots={r.dots} /></td>
              <td>{tutorials[r.tubeId]?.length ? <ul>{tutorials[r.tubeId]!.map((tu) => <li key={tu.id}><a href={tu.url} rel="noreferrer" target="_blank">{tu.title}</a> ({tu.format}, {tu.duration})</li>)}</ul> : 'Aucun tutoriel'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Compétences à cibler dans une prochaine campagne</h3>
      <ol>{competences.map((c) => <li key={c.competence}>{c.competence} {c.title} — <Dots dots={c.dots} /></li>)}</ol>
    </section>
  );
}

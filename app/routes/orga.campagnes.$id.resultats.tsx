import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer } from '~/models/campaign.server';
import { HorizontalBars } from '~/components/orga/charts';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const { data } = await campaignAggregate(db(), campaign.id);
  return { shared: data.totals.shared, bands: data.bands, byCompetence: data.byCompetence, byTube: data.byTube, questions: data.questions.slice(0, 30) };
}

const pct = (r: number) => Math.round(r * 100);

export default function CollectiveResults() {
  const { shared, bands, byCompetence, byTube, questions } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  if (shared === 0) return <p>Aucun résultat reçu pour l’instant : les résultats collectifs apparaîtront quand des participants auront envoyé les leurs.</p>;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">Résultats collectifs ({shared} résultats reçus)</h2>
      <h3>Répartition par niveau de maîtrise</h3>
      <ul>{Object.entries(bands).map(([band, n]) => <li key={band}>{t(`band.${band}` as 'band.fragile')} : {n}</li>)}</ul>
      <h3>Maîtrise par compétence</h3>
      <HorizontalBars label="Maîtrise moyenne par compétence ; les valeurs sont dans le tableau qui suit." data={byCompetence.map((c) => ({ label: `${c.key} ${c.title}`, value: pct(c.masteryRate) }))} />
      <table className="orga-table">
        <caption>Maîtrise par compétence</caption>
        <thead><tr><th scope="col">Compétence</th><th scope="col">Acquis ciblés</th><th scope="col">Maîtrise moyenne</th></tr></thead>
        <tbody>{byCompetence.map((c) => <tr key={c.key}><td>{c.key} {c.title}</td><td>{c.targeted}</td><td>{pct(c.masteryRate)} %</td></tr>)}</tbody>
      </table>
      <h3>Maîtrise par sujet</h3>
      <HorizontalBars label="Maîtrise moyenne par sujet ; les valeurs sont dans le tableau qui suit." data={byTube.map((r) => ({ label: r.title, value: pct(r.masteryRate) }))} />
      <table className="orga-table">
        <caption>Maîtrise par sujet</caption>
        <thead><tr><th scope="col">Compétence</th><th scope="col">Sujet</th><th scope="col">Acquis ciblés</th><th scope="col">Maîtrise moyenne</th></tr></thead>
        <tbody>{byTube.map((r) => <tr key={r.key}><td>{r.competence}</td><td>{r.title} <code>{r.name}</code></td><td>{r.targeted}</td><td>{pct(r.masteryRate)} %</td></tr>)}</tbody>
      </table>
      <h3>Taux de réussite par question</h3>
      {questions.length === 0 ? <p>Aucune réponse à une question de la campagne pour l’instant (les résultats viennent des profils des participants).</p> : (
        <table className="orga-table">
          <caption>Questions les moins réussies d’abord</caption>
          <thead><tr><th scope="col">Question</th><th scope="col">Acquis</th><th scope="col">Réponses</th><th scope="col">Taux de réussite</th></tr></thead>
          <tbody>{questions.map((q) => <tr key={q.challengeId}><td><code>{q.challengeId.slice(0, 8)}</code></td><td>{q.skill}</td><td>{q.answers}</td><td>{pct(q.rate)} %</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}

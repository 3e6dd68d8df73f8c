import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer } from '~/models/campaign-dashboard.server';
import { HorizontalBars } from '~/components/orga/charts';
import { useMessages, useTitle } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

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
  const title = useTitle();
  if (shared === 0) return <p>{t('results.none')}</p>;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">{fill(t('results.title'), { n: shared })}</h2>
      <h3>{t('results.bands')}</h3>
      <ul>
        {Object.entries(bands).map(([band, n]) => (
          <li key={band}>
            {t(`band.${band}` as 'band.fragile')} : {n}
          </li>
        ))}
      </ul>
      <h3>{t('results.byCompetence')}</h3>
      <HorizontalBars
        label={t('results.byCompetenceChart')}
        data={byCompetence.map((c) => ({ label: `${c.key} ${title(c.title)}`, value: pct(c.masteryRate) }))}
      />
      <table className="orga-table">
        <caption>{t('results.byCompetence')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.competence')}</th>
            <th scope="col">{t('results.targeted')}</th>
            <th scope="col">{t('results.average')}</th>
          </tr>
        </thead>
        <tbody>
          {byCompetence.map((c) => (
            <tr key={c.key}>
              <td>
                {c.key} {title(c.title)}
              </td>
              <td>{c.targeted}</td>
              <td>{pct(c.masteryRate)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('results.byTube')}</h3>
      <HorizontalBars label={t('results.byTubeChart')} data={byTube.map((r) => ({ label: r.title, value: pct(r.masteryRate) }))} />
      <table className="orga-table">
        <caption>{t('results.byTube')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.competence')}</th>
            <th scope="col">{t('results.tube')}</th>
            <th scope="col">{t('results.targeted')}</th>
            <th scope="col">{t('results.average')}</th>
          </tr>
        </thead>
        <tbody>
          {byTube.map((r) => (
            <tr key={r.key}>
              <td>{r.competence}</td>
              <td>
                {r.title} <code>{r.name}</code>
              </td>
              <td>{r.targeted}</td>
              <td>{pct(r.masteryRate)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('results.questions')}</h3>
      {questions.length === 0 ? (
        <p>{t('results.noQuestions')}</p>
      ) : (
        <table className="orga-table">
          <caption>{t('results.questionsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('results.question')}</th>
              <th scope="col">{t('results.skill')}</th>
              <th scope="col">{t('results.answers')}</th>
              <th scope="col">{t('results.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {questions.map((q) => (
              <tr key={q.challengeId}>
                <td>
                  <code>{q.challengeId.slice(0, 8)}</code>
                </td>
                <td>{q.skill}</td>
                <td>{q.answers}</td>
                <td>{pct(q.rate)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

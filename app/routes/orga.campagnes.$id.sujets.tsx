import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer, tutorialsOfTubes } from '~/models/campaign-dashboard.server';
import { Dots } from '~/components/orga/Stars';
import { useMessages, useTitle } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';
import { isHttpUrl } from '../../engine/framework';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const { data } = await campaignAggregate(db(), campaign.id);
  const tutorials = await tutorialsOfTubes(
    db(),
    data.recommendations.map((r) => r.tubeId),
  );
  return { shared: data.totals.shared, recommendations: data.recommendations, competences: data.competencesToTarget, tutorials };
}

export default function Topics() {
  const { shared, recommendations, competences, tutorials } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  const title = useTitle();
  return (
    <section aria-labelledby="topics-title">
      <h2 id="topics-title">{t('topics.title')}</h2>
      <p>{fill(t('topics.intro'), { n: shared })}</p>
      <table className="orga-table">
        <caption className="visually-hidden">{t('topics.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('topics.tube')}</th>
            <th scope="col">{t('topics.competence')}</th>
            <th scope="col">{t('topics.relevance')}</th>
            <th scope="col">{t('topics.tutorials')}</th>
          </tr>
        </thead>
        <tbody>
          {recommendations.map((r) => (
            <tr key={r.tubeId} data-testid="topic">
              <td>
                {r.title} <code>{r.name}</code>
              </td>
              <td>{r.competence}</td>
              <td>
                <Dots dots={r.dots} />
              </td>
              <td>
                {tutorials[r.tubeId]?.length ? (
                  <ul>
                    {tutorials[r.tubeId]!.map((tu) => (
                      <li key={tu.id}>
                        {isHttpUrl(tu.url) ? (
                          <a href={tu.url} rel="noopener noreferrer" target="_blank">
                            {tu.title}
                          </a>
                        ) : (
                          tu.title
                        )}{' '}
                        ({tu.format}, {tu.duration})
                      </li>
                    ))}
                  </ul>
                ) : (
                  t('topics.noTutorial')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('topics.next')}</h3>
      <ol>
        {competences.map((c) => (
          <li key={c.competence}>
            {c.competence} {title(c.title)} — <Dots dots={c.dots} />
          </li>
        ))}
      </ol>
    </section>
  );
}

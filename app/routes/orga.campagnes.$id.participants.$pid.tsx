import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer, participantDetail } from '~/models/campaign-dashboard.server';
import { Mastery } from '~/components/orga/Stars';
import { HorizontalBars } from '~/components/orga/charts';
import { useMessages, useTitle } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  return { detail: await participantDetail(db(), campaign.id, params.pid ?? '') };
}

export default function ParticipantDetail() {
  const { detail } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  const title = useTitle();
  return (
    <section aria-labelledby="participant-title">
      <p>
        <Link to="..">{t('participant.all')}</Link>
      </p>
      <h2 id="participant-title">
        {detail.name}
        {detail.division ? ` (${detail.division})` : ''}
      </h2>
      {!detail.shared ? (
        <p>{t('participant.notShared')}</p>
      ) : (
        <>
          <p>
            {t('participant.global')} <Mastery percent={detail.masteryPercent} /> · {fill(t('participant.validated'), { n: detail.validated })}
            {detail.stage ? fill(t('participant.stage'), { stage: detail.stage }) : ''}
            {detail.badges.length ? fill(t('participant.badges'), { list: detail.badges.join(', ') }) : ''}
          </p>
          <HorizontalBars
            label={fill(t('participant.chart'), { name: detail.name })}
            data={detail.competences.map((c) => ({
              label: `${c.code} ${title(c.title)}`,
              value: c.targeted ? Math.round((100 * c.validated) / c.targeted) : 0,
            }))}
          />
          {detail.competences.map((c) => (
            <table className="orga-table" key={c.code}>
              <caption>{fill(t('participant.caption'), { code: c.code, title: title(c.title), validated: c.validated, targeted: c.targeted })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('participant.tube')}</th>
                  <th scope="col">{t('participant.validatedSkills')}</th>
                  <th scope="col">{t('participant.reached')}</th>
                </tr>
              </thead>
              <tbody>
                {c.tubes.map((tube) => (
                  <tr key={tube.name}>
                    <td>
                      {tube.title} <code>{tube.name}</code>
                    </td>
                    <td>
                      {tube.validated} / {tube.targeted}
                    </td>
                    <td>{tube.reached || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </>
      )}
    </section>
  );
}

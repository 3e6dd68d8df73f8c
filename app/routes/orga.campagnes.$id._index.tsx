import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignAggregate, campaignOfViewer, liveActivity } from '~/models/campaign-dashboard.server';
import { ActivityChart } from '~/components/orga/charts';
import { orgaDate, orgaMessages } from '~/i18n/orga';
import { useLocale, useMessages } from '~/i18n';
import { fill } from '~/i18n/apprenant';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const [{ data, computedAt }, live] = await Promise.all([campaignAggregate(db(), campaign.id), liveActivity(db(), campaign.id)]);
  return { totals: live, activity: data.activity, stages: data.stages, badges: data.badges, computedAt: computedAt.toISOString() };
}

export default function Activity() {
  const { totals, activity, stages, badges, computedAt } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  const locale = useLocale();
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">{t('activity.title')}</h2>
      <ul className="figures">
        <li>
          <strong>{totals.participants}</strong> {t('activity.participants')}
        </li>
        <li>
          <strong>{totals.started}</strong> {t('activity.started')}
        </li>
        <li>
          <strong>{Math.round(totals.averageProgress * 100)} %</strong> {t('activity.progress')}
        </li>
        <li>
          <strong>{totals.completed}</strong> {t('activity.completed')}
        </li>
        <li>
          <strong>{totals.toShare}</strong> {t('activity.toShare')}
        </li>
        <li>
          <strong>{totals.shared}</strong> {t('activity.shared')}
        </li>
      </ul>
      {activity.length ? (
        <>
          <ActivityChart data={activity} label={fill(t('activity.chart'), { participants: totals.participants, shared: totals.shared })} />
          <table className="orga-table">
            <caption>{t('activity.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('activity.day')}</th>
                <th scope="col">{t('col.participants')}</th>
                <th scope="col">{t('col.shared')}</th>
              </tr>
            </thead>
            <tbody>
              {activity.slice(-14).map((d) => (
                <tr key={d.day}>
                  <td>{orgaDate(`${d.day}T12:00:00Z`, locale)}</td>
                  <td>{d.participants}</td>
                  <td>{d.shared}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>{t('activity.none')}</p>
      )}
      {stages.length ? (
        <>
          <h3>{t('activity.stages')}</h3>
          <ul>
            {[...stages]
              .sort((a, b) => a.threshold - b.threshold)
              .map((s) => (
                <li key={s.title}>{fill(t('activity.stage'), { title: s.title, threshold: s.threshold, count: s.count })}</li>
              ))}
          </ul>
        </>
      ) : null}
      {badges.length ? (
        <>
          <h3>{t('activity.badges')}</h3>
          <ul>
            {badges.map((b) => (
              <li key={b.title}>
                {b.title} : {b.count}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <small>
          {fill(t('activity.computed'), { date: new Date(computedAt).toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris' }) })}
        </small>
      </p>
    </section>
  );
}

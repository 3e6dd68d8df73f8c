import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, Outlet, useLoaderData, useParams } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignParticipantsPage } from '~/models/campaign-dashboard.server';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { Mastery } from '~/components/orga/Stars';
import { fill } from '~/i18n/apprenant';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const url = new URL(request.url);
  const filters = {
    division: url.searchParams.get('classe'),
    band: url.searchParams.get('maitrise'),
    status: url.searchParams.get('statut'),
    page: Number(url.searchParams.get('page') ?? 1) || 1,
  };
  const { list, divisions, stages } = await campaignParticipantsPage(db(), viewer, params.id ?? '', filters);
  return { list, filters, divisions, stages };
}

export default function Participants() {
  const { list, filters, divisions, stages } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  const { pid } = useParams();
  const query = (page: number) => {
    const p = new URLSearchParams();
    if (filters.division) p.set('classe', filters.division);
    if (filters.band) p.set('maitrise', filters.band);
    if (filters.status) p.set('statut', filters.status);
    p.set('page', String(page));
    return `?${p}`;
  };
  if (pid) return <Outlet />;
  return (
    <section aria-labelledby="participants-title">
      <h2 id="participants-title">{fill(t('participants.title'), { n: list.total })}</h2>
      <Form method="get" className="orga-filters">
        <p>
          <label htmlFor="f-class">{t('participants.class')}</label>
          <br />
          <select id="f-class" name="classe" defaultValue={filters.division ?? ''}>
            <option value="">{t('participants.all')}</option>
            {divisions.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="f-band">{t('participants.mastery')}</label>
          <br />
          <select id="f-band" name="maitrise" defaultValue={filters.band ?? ''}>
            <option value="">{t('participants.all')}</option>
            {(['insufficient', 'fragile', 'satisfactory', 'veryGood'] as const).map((b) => (
              <option key={b} value={b}>
                {t(`band.${b}`)}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="f-status">{t('participants.status')}</label>
          <br />
          <select id="f-status" name="statut" defaultValue={filters.status ?? ''}>
            <option value="">{t('participants.allStatus')}</option>
            {(['STARTED', 'TO_SHARE', 'SHARED'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </p>
        <p>
          <button type="submit">{t('participants.filter')}</button>
        </p>
      </Form>
      {list.rows.length === 0 ? (
        <p>{t('participants.none')}</p>
      ) : (
        <table className="orga-table">
          <caption className="visually-hidden">{fill(t('participants.caption'), { page: list.page, pages: list.pages })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('participants.class')}</th>
              <th scope="col">{t('participants.status')}</th>
              <th scope="col">{t('participants.progress')}</th>
              <th scope="col">{t('participants.mastery')}</th>
              {stages.length ? <th scope="col">{t('participants.stage')}</th> : null}
              <th scope="col">{t('participants.badges')}</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.participationId}>
                <td>
                  <Link to={r.participationId}>
                    {r.lastName} {r.firstName}
                  </Link>
                </td>
                <td>{r.division ?? '—'}</td>
                <td>{t(`status.${r.status}`)}</td>
                <td>{Math.round(r.progress * 100)} %</td>
                <td>{r.status === 'SHARED' && r.masteryPercent !== null ? <Mastery percent={r.masteryPercent} /> : t('participants.waiting')}</td>
                {stages.length ? (
                  <td>{r.status === 'SHARED' && r.stageIndex !== null ? `${stages[r.stageIndex]} (${r.stageIndex + 1}/${stages.length})` : '—'}</td>
                ) : null}
                <td>{r.status === 'SHARED' && r.badges.length ? r.badges.join(', ') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label={t('participants.pages')}>
        <p>
          {fill(t('participants.page'), { page: list.page, pages: list.pages })}{' '}
          {list.page > 1 ? <Link to={query(list.page - 1)}>{t('participants.previous')}</Link> : null}{' '}
          {list.page < list.pages ? <Link to={query(list.page + 1)}>{t('participants.next')}</Link> : null}
        </p>
      </nav>
    </section>
  );
}

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { assertJury, juryQueue } from '~/models/certificate.server';
import { localeFromRequest, useMessages } from '~/i18n';
import { fill, formatDay } from '~/i18n/apprenant';
import { certificateMessages } from '~/i18n/certificat';

import certificateStyles from '~/styles/certificat.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certificateStyles }];

export const meta: MetaFunction = () => [{ title: 'Jury de certification – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'admin');
  assertJury(viewer);
  const locale = localeFromRequest(request);
  const sessions = await juryQueue(db());
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      centre: s.centre,
      date: formatDay(s.date, locale),
      time: s.time,
      room: s.room,
      candidates: s.candidates,
      openIncidents: s.openIncidents,
    })),
  };
}

export default function JuryQueue() {
  const { sessions } = useLoaderData<typeof loader>();
  const t = useMessages(certificateMessages);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin">Administration</Link>
      </p>
      <h1>{t('jury.title')}</h1>
      <p className="muted">{t('jury.intro')}</p>
      {sessions.length === 0 ? (
        <p>{t('jury.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('jury.date')}</th>
              <th scope="col">{t('jury.centre')}</th>
              <th scope="col">{t('jury.candidates')}</th>
              <th scope="col">{t('jury.open')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('jury.review')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-testid="jury-session">
                <td>
                  {s.date} {s.time}
                </td>
                <td>{s.centre}</td>
                <td>{s.candidates}</td>
                <td>{s.openIncidents > 0 ? s.openIncidents : t('jury.ready')}</td>
                <td>
                  <Link to={`/admin/jury/${s.id}`} aria-label={`${t('jury.review')} : ${fill(t('jury.sessionTitle'), { date: s.date, centre: s.centre })}`}>
                    {t('jury.review')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Certif space: the sessions of the viewer's certification centres (scoped on the server). */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { listSessions, scopeOf } from '~/models/certification-session.server';
import { CertifNav } from '~/components/certif/CertifNav';
import { useLocale, useMessages } from '~/i18n';
import { certifMessages, frDay } from '~/i18n/certif';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Certif – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  return { centres: await listSessions(db(), scopeOf(viewer)) };
}

export default function Certif() {
  const { centres } = useLoaderData<typeof loader>();
  const t = useMessages(certifMessages);
  const locale = useLocale();
  return (
    <>
      <CertifNav />
      <h1>{t('sessions.title')}</h1>
      {centres.map((c) => (
        <section key={c.id} className="panel" aria-labelledby={`centre-${c.id}`}>
          <h2 id={`centre-${c.id}`}>{c.name}</h2>
          {c.sessions.length === 0 ? (
            <p>{t('sessions.none')}</p>
          ) : (
            <table className="certif-table">
              <thead>
                <tr>
                  <th scope="col">{t('sessions.date')}</th>
                  <th scope="col">{t('sessions.room')}</th>
                  <th scope="col">{t('sessions.code')}</th>
                  <th scope="col">{t('sessions.candidates')}</th>
                  <th scope="col">{t('sessions.status')}</th>
                </tr>
              </thead>
              <tbody>
                {c.sessions.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/certif/sessions/${s.id}`}>
                        {frDay(s.date, locale)} {s.time}
                      </Link>
                    </td>
                    <td>
                      {s.room} – {s.address}
                    </td>
                    <td className="certif-code">{s.accessCode}</td>
                    <td>{s.candidates}</td>
                    <td>{t(`status.${s.status}` as 'status.CREATED')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      <p>
        <Link to="/certif/sessions/nouvelle" className="link-button">
          {t('nav.newSession')}
        </Link>
      </p>
    </>
  );
}

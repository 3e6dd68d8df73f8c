import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { creationOverview } from '~/models/workspace.server';
import { creationMessages } from '~/i18n/creation';
import { fill, useLocale, useMessages, useTitle } from '~/i18n';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';

export const meta: MetaFunction = () => [{ title: 'Création – Pix Workbench' }];

const STATUSES = ['propose', 'submitted', 'valide', 'archive', 'perime'] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  return { ...(await creationOverview(db())), isAdmin: viewer.roles.includes('ADMIN') };
}

export default function Creation() {
  const { rows, release, submitted, isAdmin } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const title = useTitle();
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul className="nav-list" style={{ marginBottom: '1rem' }} aria-label={t('home.tools')}>
        <li>
          <Link to="/creation/epreuves">{t('home.challenges')}</Link>
        </li>
        <li>
          <Link to="/creation/relecture">
            {t('home.review')} ({submitted})
          </Link>
        </li>
        <li>
          <Link to="/creation/versions-publiees">{t('home.releases')}</Link>
        </li>
        <li>
          <Link to="/creation/echanges">{t('home.exchanges')}</Link>
        </li>
        {isAdmin ? (
          <li>
            <Link to="/admin/reglages">{t('home.settings')}</Link>
          </li>
        ) : null}
        <li>
          <Link to="/creation/referentiel">{t('home.framework')}</Link>
        </li>
        <li>
          <Link to="/creation/tutoriels">{t('home.tutorials')}</Link>
        </li>
      </ul>
      {release ? (
        <p className="notice">
          {fill(t('home.release'), {
            number: release.number,
            count: release.challenges,
            message: release.message,
            date: formatDateTime(release.createdAt, locale),
          })}
        </p>
      ) : (
        <p className="notice">{t('home.noRelease')}</p>
      )}
      <table>
        <caption className="muted" style={{ textAlign: 'left' }}>
          {t('home.caption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('home.competence')}</th>
            {STATUSES.map((status) => (
              <th scope="col" key={status}>
                {t(`home.count.${status}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.code}>
              <th scope="row">
                <Link to={`/creation/referentiel/${row.code}`}>
                  {row.code} {title(row)}
                </Link>
              </th>
              {STATUSES.map((status) => (
                <td key={status}>{row.counts[status]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

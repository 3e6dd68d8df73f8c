import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { creationOverview } from '~/models/workspace.server';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';

export const meta: MetaFunction = () => [{ title: 'Création – Pix Workbench' }];

const STATUS_LABELS = { propose: 'Proposées', submitted: 'Soumises', valide: 'Validées', archive: 'Archivées', perime: 'Périmées' } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  return { ...(await creationOverview(db())), isAdmin: viewer.roles.includes('ADMIN') };
}

export default function Creation() {
  const { rows, release, submitted, isAdmin } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  return (
    <>
      <h1>Création</h1>
      <p>Épreuves et tutoriels du référentiel, par compétence et par statut.</p>
      <ul className="nav-list" style={{ marginBottom: '1rem' }} aria-label="Outils de création">
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
          <Link to="/creation/echanges">Échanges : export et import (paquets, QTI)</Link>
        </li>
        {isAdmin ? (
          <li>
            <Link to="/admin/reglages">{t('home.settings')}</Link>
          </li>
        ) : null}
        <li>
          <Link to="/creation/referentiel">Référentiel : thématiques, sujets et acquis</Link>
        </li>
        <li>
          <Link to="/creation/tutoriels">Tutoriels</Link>
        </li>
      </ul>
      {release ? (
        <p className="notice">
          Version publiée en service : n° {release.number} ({release.challenges} épreuves), « {release.message} », le{' '}
          {formatDateTime(release.createdAt, locale)}.
        </p>
      ) : (
        <p className="notice">Aucune version publiée : les apprenants n’ont encore rien à passer.</p>
      )}
      <table>
        <caption className="muted" style={{ textAlign: 'left' }}>
          Épreuves par compétence et par statut
        </caption>
        <thead>
          <tr>
            <th scope="col">Compétence</th>
            {Object.values(STATUS_LABELS).map((label) => (
              <th scope="col" key={label}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.code}>
              <th scope="row">
                <Link to={`/creation/referentiel/${row.code}`}>
                  {row.code} {row.title}
                </Link>
              </th>
              {Object.keys(STATUS_LABELS).map((s) => (
                <td key={s}>{row.counts[s as keyof typeof STATUS_LABELS]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { listAccounts } from '~/models/user.server';
import { adminMessages } from '~/i18n/admin';
import { fill, useMessages } from '~/i18n';

export const meta: MetaFunction = () => [{ title: 'Administration – Pix Workbench' }];

const ROLE_LABELS: Record<string, string> = {
  ADMIN: 'administration',
  AUTHOR: 'création',
  REVIEWER: 'validation',
  PSYCHOMETRICIAN: 'psychométrie',
  LEARNER: 'apprenant',
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'admin');
  const users = await listAccounts(db());
  return {
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: `${u.firstName} ${u.lastName}`,
      roles: u.roles.map((r) => ROLE_LABELS[r] ?? r),
      disabled: u.disabled,
      organisations: u.organisations.map((m) => `${m.name} (${m.role === 'ADMIN' ? 'admin' : 'enseignant'})`),
      centres: u.centres,
    })),
  };
}

export default function Admin() {
  const { users } = useLoaderData<typeof loader>();
  const t = useMessages(adminMessages);
  return (
    <>
      <h1>Administration</h1>
      <p>
        <Link to="/admin/reglages">Réglages de la plateforme</Link> (validation de ses propres épreuves…)
      </p>
      <p>
        <Link to="/admin/jury">Jury de certification</Link> (sessions finalisées : incidents, décisions, publication des résultats)
      </p>
      <p>
        <a href="/admin/files">Files de travail en arrière-plan</a> (calibrations, vérification des liens… : tableau de bord des files)
      </p>
      <p>
        <Link to="/admin/journal">{t('list.journal')}</Link> {t('list.journalHint')}
      </p>
      <h2>Comptes et rôles</h2>
      <p>
        <Link to="/admin/comptes/nouveau" className="button">
          {t('list.create')}
        </Link>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Nom</th>
            <th scope="col">E-mail</th>
            <th scope="col">Rôles</th>
            <th scope="col">Organisations</th>
            <th scope="col">Centres de certification</th>
            <th scope="col">{t('list.status')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                <Link to={`/admin/comptes/${u.id}`} aria-label={fill(t('list.manage'), { name: u.name })}>
                  {u.name}
                </Link>
              </td>
              <td>{u.email}</td>
              <td>{u.roles.join(', ') || '—'}</td>
              <td>{u.organisations.join(', ') || '—'}</td>
              <td>{u.centres.join(', ') || '—'}</td>
              <td>{u.disabled ? t('list.disabled') : t('list.active')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

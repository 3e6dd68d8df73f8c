import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';

export const meta: MetaFunction = () => [{ title: 'Création – Pix Workbench' }];

const STATUS_LABELS = { propose: 'Proposées', submitted: 'Soumises', valide: 'Validées', archive: 'Archivées', perime: 'Périmées' } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const submitted = await db().challenge.count({ where: { status: 'submitted' } });
  const competences = await db().competence.findMany({ orderBy: { code: 'asc' }, select: { id: true, code: true, titleFr: true } });
  const counts = await db().$queryRaw<{ code: string; status: keyof typeof STATUS_LABELS; n: bigint }[]>`
    select co.code, ch.status::text as status, count(*) as n
    from "Challenge" ch join "Skill" s on s.id = ch."skillId" join "Tube" t on t.id = s."tubeId" join "Competence" co on co.id = t."competenceId"
    group by co.code, ch.status`;
  const release = await db().release.findFirst({ orderBy: { number: 'desc' }, include: { _count: { select: { challenges: true } } } });
  return {
    submitted,
    isAdmin: viewer.roles.includes('ADMIN'),
    release: release ? { number: release.number, createdAt: release.createdAt.toISOString(), message: release.message, challenges: release._count.challenges } : null,
    rows: competences.map((c) => ({
      code: c.code,
      title: c.titleFr,
      counts: Object.fromEntries(Object.keys(STATUS_LABELS).map((s) => [s, Number(counts.find((r) => r.code === c.code && r.status === s)?.n ?? 0)])),
    })),
  };
}

export default function Creation() {
  const { rows, release, submitted, isAdmin } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
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
          {new Date(release.createdAt).toLocaleString('fr-FR')}.
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
                <td key={s}>{row.counts[s]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

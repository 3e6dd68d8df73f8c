import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';

export const meta: MetaFunction = () => [{ title: 'Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisations = await db().organisation.findMany({
    where: { id: { in: viewer.organisations.map((o) => o.id) } },
    include: {
      _count: { select: { learners: true, campaigns: true, memberships: true } },
      campaigns: { where: { archivedAt: null }, orderBy: { createdAt: 'desc' }, take: 10, select: { id: true, name: true, code: true } },
    },
  });
  return {
    organisations: organisations.map((o) => ({
      id: o.id,
      name: o.name,
      role: viewer.organisations.find((m) => m.id === o.id)?.role ?? 'TEACHER',
      learners: o._count.learners,
      members: o._count.memberships,
      campaigns: o.campaigns,
    })),
  };
}

export default function Orga() {
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Orga</h1>
      {organisations.map((o) => (
        <section key={o.id} className="panel">
          <h2>{o.name}</h2>
          <p>
            Votre rôle : {o.role === 'ADMIN' ? 'administrateur' : 'enseignant'} · {o.members} membres · {o.learners} élèves
          </p>
          <h3>Campagnes actives</h3>
          {o.campaigns.length === 0 ? (
            <p>Aucune campagne pour l’instant.</p>
          ) : (
            <ul>
              {o.campaigns.map((c) => (
                <li key={c.id}>
                  {c.name} (<code>{c.code}</code>)
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';

export const meta: MetaFunction = () => [{ title: 'Certif – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  const centres = await db().certificationCentre.findMany({
    where: { id: { in: viewer.centres.map((c) => c.id) } },
    include: { sessions: { orderBy: { date: 'desc' }, take: 20, include: { _count: { select: { candidates: true } } } } },
  });
  return {
    centres: centres.map((c) => ({
      id: c.id,
      name: c.name,
      sessions: c.sessions.map((s) => ({ id: s.id, date: s.date.toISOString(), time: s.time, room: s.room, status: s.status, candidates: s._count.candidates })),
    })),
  };
}

export default function Certif() {
  const { centres } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Certif</h1>
      {centres.map((c) => (
        <section key={c.id} className="panel">
          <h2>{c.name}</h2>
          {c.sessions.length === 0 ? (
            <p>Aucune session de certification pour l’instant.</p>
          ) : (
            <ul>
              {c.sessions.map((s) => (
                <li key={s.id}>
                  {new Date(s.date).toLocaleDateString('fr-FR')} {s.time}, salle {s.room} : {s.candidates} candidats
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { learnerProfile } from '~/models/profile.server';
import { useTitle } from '~/i18n';

export const meta: MetaFunction = () => [{ title: 'Mon profil – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'profil');
  return { profile: await learnerProfile(viewer.id) };
}

export default function Profile() {
  const { profile } = useLoaderData<typeof loader>();
  const title = useTitle();
  const areas = [...new Map(profile.competences.map((c) => [c.area.code, c.area])).values()];
  return (
    <>
      <h1>Mon profil</h1>
      <p className="notice">
        <strong>{profile.totalPix} pix</strong> sur {profile.maxPix} possibles.{' '}
        {profile.certifiability.certifiable
          ? 'Vous êtes certifiable : vous avez un niveau 1 ou plus dans au moins 5 compétences.'
          : `Pour être certifiable, il vous faut un niveau 1 ou plus dans 5 compétences : encore ${profile.certifiability.missingCount} à obtenir.`}
      </p>
      {areas.map((area) => (
        <section key={area.code} className="area" aria-labelledby={`area-${area.code}`}>
          <h2 id={`area-${area.code}`}>
            {area.code}. {title(area)}
          </h2>
          <ul className="grid" role="list">
            {profile.competences
              .filter((c) => c.area.code === area.code)
              .map((c) => (
                <li key={c.code} className="card" style={{ listStyle: 'none' }} data-testid="profile-competence">
                  <strong>{c.code}</strong> {title(c)}
                  <p>
                    Niveau {c.level} · {c.pix} pix
                  </p>
                  <label htmlFor={`progress-${c.code}`} className="muted" style={{ fontWeight: 'normal' }}>
                    {c.level >= profile.maxLevel ? 'Niveau maximal atteint' : `Encore ${c.pixToNextLevel} pix pour le niveau ${c.level + 1}`}
                  </label>
                  <progress id={`progress-${c.code}`} max={1} value={c.progress} style={{ width: '100%' }} />
                </li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}

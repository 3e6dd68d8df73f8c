import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { competenceDetail } from '~/models/framework.server';
import { useT, useTitle } from '~/i18n';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.competence.code ?? ''} ${data?.competence.titleFr ?? ''} – Référentiel` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireViewerOutsideCertification(request);
  const competence = await competenceDetail(params.code ?? '');
  if (!competence) throw new Response('Compétence introuvable', { status: 404 });
  return { competence };
}

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8];

export default function CompetencePage() {
  const { competence } = useLoaderData<typeof loader>();
  const t = useT();
  const title = useTitle();
  return (
    <>
      <p>
        <Link to="/referentiel">← {t('framework.back')}</Link>
      </p>
      <h1>
        {competence.code} {title(competence)}
      </h1>
      <p className="muted">
        {competence.area.code}. {title(competence.area)}
      </p>
      {competence.thematics.map((th) => (
        <section key={th.name} className="panel">
          <h2>{th.name}</h2>
          <div style={{ overflowX: 'auto' }}>
            <table className="level-grid">
              <caption className="muted" style={{ textAlign: 'left' }}>
                {th.name} : {t('framework.skills')} × {t('framework.level').toLowerCase()}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Sujet</th>
                  {LEVELS.map((level) => (
                    <th scope="col" key={level}>
                      {t('framework.level')} {level}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {th.tubes.map((tube) => (
                  <tr key={tube.name} data-testid="tube-row">
                    <th scope="row">
                      <code>{tube.name}</code>
                      <br />
                      {tube.title}
                      <br />
                      <span className="muted">{tube.description}</span>
                    </th>
                    {LEVELS.map((level) => {
                      const skill = tube.skills.find((s) => s.level === level);
                      return skill ? (
                        <td key={level}>
                          <code>{skill.name}</code>
                          <br />
                          <span className={`badge ${skill.status}`}>{skill.status.replace('_', ' ')}</span>
                          <br />
                          <span className="muted">
                            {skill.liveChallenges} {t('framework.challenges')}
                          </span>
                        </td>
                      ) : (
                        <td key={level} className="empty">
                          <span aria-label="aucun acquis">{t('framework.noSkill')}</span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

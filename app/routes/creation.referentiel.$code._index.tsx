import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor } from '~/lib/framework-editing.server';
import { competenceWorkspace, type GridSkill } from '~/models/workspace.server';
import { CHALLENGE_STATUS_ORDER } from '~/lib/framework-editing';
import { skillName } from '../../engine/framework/types';
import { useTitle } from '~/i18n';
import { Breadcrumb, SavedNotice, SkillStatusBadge, VisuallyHidden, useR } from '~/components/framework/ui';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.competence.code ?? ''} ${data?.competence.titleFr ?? ''} – Référentiel : édition` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const competence = await competenceWorkspace(db(), params.code ?? '');
  if (!competence) throw notFound('competence');
  return { competence };
}

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8];

function SkillCell({ skill }: { skill: GridSkill }) {
  const { t, f } = useR();
  const toComplete = skill.issues.filter((i) => i !== 'dead_tutorial');
  const deadLink = skill.issues.includes('dead_tutorial');
  const counts = CHALLENGE_STATUS_ORDER.filter((s) => skill.challenges[s] > 0);
  return (
    <td
      className={[toComplete.length > 0 ? 'needs-work' : '', deadLink ? 'dead-link' : ''].join(' ').trim() || undefined}
      data-testid="skill-cell"
      data-skill={skill.name}
    >
      <Link className="cell-skill" to={`/creation/referentiel/acquis/${skill.id}`}>
        {skill.name}
      </Link>
      <br />
      <SkillStatusBadge status={skill.status} />
      <ul className="cell-counts">
        {counts.length === 0 ? <li className="muted">{t('grid.noChallenge')}</li> : null}
        {counts.map((s) => (
          <li key={s}>
            {skill.challenges[s]} {t(`challengeStatus.${s}`)}
          </li>
        ))}
      </ul>
      {toComplete.length > 0 ? (
        <>
          <span className="badge to-complete">{t('quality.toComplete')}</span>
          <ul className="cell-issues">
            {toComplete.map((issue) => (
              <li key={issue}>{t(`quality.${issue}`)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {deadLink ? <span className="badge link-dead">{t('quality.dead_tutorial')}</span> : null}
      <div className="cell-links">
        <Link to={`/creation/epreuves?skill=${encodeURIComponent(skill.id)}`}>
          {t('grid.challenges')}
          <VisuallyHidden> {f('grid.challengesHidden', { name: skill.name })}</VisuallyHidden>
        </Link>
      </div>
    </td>
  );
}

export default function CompetenceGrid() {
  const { competence } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t, f } = useR();
  const title = useTitle();
  const base = `/creation/referentiel/${competence.code}`;
  return (
    <>
      <Breadcrumb
        items={[{ to: '/creation', label: t('nav.creation') }, { to: '/creation/referentiel', label: t('nav.workspace') }, { label: competence.code }]}
      />
      <h1>
        {competence.code} {title(competence)}
      </h1>
      <p className="muted">
        {competence.area.code}. {title(competence.area)}
      </p>
      <SavedNotice show={params.has('ok')} />
      <p className="page-actions">
        <Link className="button" to={`${base}/thematiques/nouvelle`}>
          {t('grid.newThematic')}
        </Link>
        <Link to="/creation/tutoriels">{t('workspace.tutorialsLink')}</Link>
      </p>
      <p className="muted">{t('grid.legend')}</p>
      {competence.thematics.length === 0 ? <p className="notice">{t('grid.noThematic')}</p> : null}
      {competence.thematics.map((th) => (
        <section key={th.id} className="panel" aria-labelledby={`thematic-${th.id}`} data-testid="thematic">
          <div className="thematic-head">
            <h2 id={`thematic-${th.id}`}>{th.name}</h2>
            <p className="page-actions">
              <Link to={`${base}/sujets/nouveau?thematique=${th.id}`}>
                {t('grid.newTube')}
                <VisuallyHidden> {f('grid.newTubeIn', { name: th.name })}</VisuallyHidden>
              </Link>
              <Link to={`${base}/thematiques/${th.id}`}>
                {t('grid.renameThematic')}
                <VisuallyHidden> {th.name}</VisuallyHidden>
              </Link>
            </p>
          </div>
          {th.tubes.length === 0 ? (
            <p className="muted">{t('grid.noTube')}</p>
          ) : (
            <div className="grid-scroll" role="region" aria-label={f('grid.scrollRegion', { name: th.name })} tabIndex={0}>
              <table className="skill-grid">
                <caption className="visually-hidden">{f('grid.caption', { name: th.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('grid.tube')}</th>
                    {LEVELS.map((level) => (
                      <th scope="col" key={level}>
                        {f('grid.level', { n: level })}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {th.tubes.map((tube) => (
                    <tr key={tube.id} data-testid="workspace-tube" data-tube={tube.name}>
                      <th scope="row" className="tube-head">
                        <Link to={`/creation/referentiel/sujets/${tube.id}`}>
                          <code>{tube.name}</code>
                        </Link>
                        <br />
                        <span className="tube-title">{tube.title}</span>
                        <br />
                        <span className="muted">{tube.description}</span>
                      </th>
                      {LEVELS.map((level) => {
                        const skill = tube.skills.find((s) => s.level === level);
                        if (skill) return <SkillCell key={level} skill={skill} />;
                        return (
                          <td key={level} className="empty">
                            <Link to={`/creation/referentiel/acquis/nouveau?sujet=${tube.id}&niveau=${level}`}>
                              {t('grid.createSkill')}
                              <VisuallyHidden> {f('grid.createSkillHidden', { name: skillName(tube.name, level) })}</VisuallyHidden>
                            </Link>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </>
  );
}

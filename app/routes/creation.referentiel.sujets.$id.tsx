import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { competenceThematics, getTube, updateTube, TUBE_FIELDS, type TubeField } from '~/models/tube.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { skillName } from '../../engine/framework/types';
import { Breadcrumb, SavedNotice, SkillStatusBadge, useR } from '~/components/framework/ui';
import { TubeForm } from '~/components/framework/TubeForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sujet ${data?.tube.name ?? ''} – Référentiel : édition` }];

async function load(id: string | undefined) {
  const tube = await getTube(db(), id ?? '');
  if (!tube) throw notFound('tube');
  return tube;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const tube = await load(params.id);
  const thematics = await competenceThematics(db(), tube.competence.id);
  return {
    tube: {
      id: tube.id,
      name: tube.name,
      title: tube.title,
      description: tube.description,
      thematicId: tube.thematicId,
      thematic: tube.thematic,
      skills: tube.skills,
    },
    competence: tube.competence,
    thematics,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const tube = await load(params.id);
  const values = formValues(form, TUBE_FIELDS);
  const result = await updateTube(db(), tube.id, values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/referentiel/sujets/${tube.id}?ok=enregistre`);
}

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8];

export default function TubePage() {
  const { tube, competence, thematics } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as RefusedForm<TubeField> | undefined;
  const [params] = useSearchParams();
  const { t, f } = useR();
  const back = `/creation/referentiel/${competence.code}`;
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: back, label: competence.code },
          { label: tube.name },
        ]}
      />
      <h1>{f('tube.editTitle', { name: tube.name })}</h1>
      <p className="muted">
        {competence.code} {competence.titleFr} · {tube.thematic.name}
      </p>
      <SavedNotice show={params.has('ok')} />
      <div className="two-columns">
        <section className="panel" aria-labelledby="tube-form-title">
          <h2 id="tube-form-title">{tube.title}</h2>
          <TubeForm
            values={actionData?.values ?? { name: tube.name, title: tube.title, description: tube.description, thematicId: tube.thematicId }}
            errors={actionData?.errors}
            thematics={thematics}
            submitLabel={t('form.save')}
            cancelTo={back}
            renaming
          />
        </section>
        <section className="panel" aria-labelledby="tube-skills-title">
          <h2 id="tube-skills-title">{t('tube.skills')}</h2>
          <ul className="tutorial-list">
            {LEVELS.map((level) => {
              const skill = tube.skills.find((s) => s.level === level);
              return (
                <li key={level}>
                  {skill ? (
                    <>
                      <Link to={`/creation/referentiel/acquis/${skill.id}`}>{skill.name}</Link> <SkillStatusBadge status={skill.status} />
                    </>
                  ) : (
                    <>
                      <span className="muted">{f('tube.noSkillAt', { n: level })}</span>{' '}
                      <Link to={`/creation/referentiel/acquis/nouveau?sujet=${tube.id}&niveau=${level}`}>
                        {f('tube.addSkill', { name: skillName(tube.name, level) })}
                      </Link>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      </div>
    </>
  );
}

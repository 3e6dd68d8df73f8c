import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { useActionData, useLoaderData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { getTube } from '~/models/tube.server';
import { createSkill, SKILL_FIELDS, type SkillField } from '~/models/skill.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { Breadcrumb, useR } from '~/components/framework/ui';
import { SkillForm } from '~/components/framework/SkillForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Nouvel acquis – Référentiel : édition' }];

async function loadTube(id: string | null) {
  const tube = id ? await getTube(db(), id) : null;
  if (!tube) throw notFound('tube');
  return tube;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const params = new URL(request.url).searchParams;
  const tube = await loadTube(params.get('sujet'));
  const taken = tube.skills.map((s) => s.level);
  const wanted = Number(params.get('niveau'));
  const level = Number.isInteger(wanted) && wanted >= 1 && wanted <= 8 && !taken.includes(wanted) ? String(wanted) : '';
  return { tube: { id: tube.id, name: tube.name, title: tube.title }, competence: tube.competence, taken, level };
}

export async function action({ request }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const tube = await loadTube(String(form.get('tubeId') ?? ''));
  const values = formValues(form, SKILL_FIELDS);
  const result = await createSkill(db(), tube.id, values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/referentiel/acquis/${result.value.id}?ok=cree`);
}

export default function NewSkill() {
  const { tube, competence, taken, level } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as RefusedForm<SkillField> | undefined;
  const { t, f } = useR();
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: `/creation/referentiel/${competence.code}`, label: competence.code },
          { to: `/creation/referentiel/sujets/${tube.id}`, label: tube.name },
          { label: t('skill.create') },
        ]}
      />
      <h1>{f('skill.newTitle', { name: tube.name })}</h1>
      <p className="muted">
        {tube.title} · {competence.code} {competence.titleFr}
      </p>
      <SkillForm
        values={actionData?.values ?? { level, status: 'en_construction', hint: '' }}
        errors={actionData?.errors}
        submitLabel={t('skill.create')}
        cancelTo={`/creation/referentiel/${competence.code}`}
        hidden={{ tubeId: tube.id }}
        takenLevels={taken}
      />
      <p className="muted">{t('skill.createThenTutorials')}</p>
    </>
  );
}

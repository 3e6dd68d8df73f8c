import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { createTube, newTubeForm, TUBE_FIELDS, type TubeField } from '~/models/tube.server';
import { competenceByCode } from '~/models/positioning-bank.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { Breadcrumb, useR } from '~/components/framework/ui';
import { TubeForm } from '~/components/framework/TubeForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Nouveau sujet – Référentiel : édition' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const form = await newTubeForm(db(), params.code ?? '');
  if (!form) throw notFound('competence');
  const wanted = new URL(request.url).searchParams.get('thematique');
  return { ...form, thematicId: form.thematics.find((th) => th.id === wanted)?.id ?? form.thematics[0]?.id ?? '' };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const competence = await competenceByCode(db(), params.code ?? '');
  if (!competence) throw notFound('competence');
  const values = formValues(form, TUBE_FIELDS);
  const result = await createTube(db(), competence.code, values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/referentiel/sujets/${result.value.id}?ok=cree`);
}

export default function NewTube() {
  const { competence, thematics, thematicId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as RefusedForm<TubeField> | undefined;
  const { t } = useR();
  const back = `/creation/referentiel/${competence.code}`;
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: back, label: competence.code },
          { label: t('tube.newTitle') },
        ]}
      />
      <h1>{t('tube.newTitle')}</h1>
      <p className="muted">
        {competence.code} {competence.titleFr}
      </p>
      {thematics.length === 0 ? (
        <p className="notice">
          {t('grid.noThematic')} <Link to={`${back}/thematiques/nouvelle`}>{t('grid.newThematic')}</Link>
        </p>
      ) : (
        <TubeForm
          values={actionData?.values ?? { name: '@', title: '', description: '', thematicId }}
          errors={actionData?.errors}
          thematics={thematics}
          submitLabel={t('tube.create')}
          cancelTo={back}
        />
      )}
    </>
  );
}

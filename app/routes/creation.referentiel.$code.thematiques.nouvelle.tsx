import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { useActionData, useLoaderData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { createThematic, THEMATIC_FIELDS, type ThematicField } from '~/models/thematic.server';
import { competenceByCode } from '~/models/positioning-bank.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { Breadcrumb, useR } from '~/components/framework/ui';
import { ThematicForm } from '~/components/framework/ThematicForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Nouvelle thématique – Référentiel : édition' }];

async function loadCompetence(code: string | undefined) {
  const competence = await competenceByCode(db(), code ?? '');
  if (!competence) throw notFound('competence');
  return competence;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  return { competence: await loadCompetence(params.code) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const competence = await loadCompetence(params.code);
  const values = formValues(form, THEMATIC_FIELDS);
  const result = await createThematic(db(), competence.code, values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/referentiel/${competence.code}?ok=thematique`);
}

export default function NewThematic() {
  const { competence } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as RefusedForm<ThematicField> | undefined;
  const { t } = useR();
  const back = `/creation/referentiel/${competence.code}`;
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: back, label: competence.code },
          { label: t('thematic.newTitle') },
        ]}
      />
      <h1>{t('thematic.newTitle')}</h1>
      <p className="muted">
        {competence.code} {competence.titleFr}
      </p>
      <ThematicForm values={actionData?.values ?? { name: '' }} errors={actionData?.errors} submitLabel={t('thematic.create')} cancelTo={back} />
    </>
  );
}

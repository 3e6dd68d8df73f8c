import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { useActionData, useLoaderData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { getThematic, updateThematic, THEMATIC_FIELDS, type ThematicField } from '~/models/thematic.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { Breadcrumb, useR } from '~/components/framework/ui';
import { ThematicForm } from '~/components/framework/ThematicForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.thematic.name ?? 'Thématique'} – Référentiel : édition` }];

async function load(params: { code?: string; id?: string }) {
  const thematic = await getThematic(db(), params.id ?? '');
  if (!thematic || thematic.competence.code !== params.code) throw notFound('thematic');
  return thematic;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const thematic = await load(params);
  return { thematic: { id: thematic.id, name: thematic.name, key: thematic.key, tubes: thematic._count.tubes }, competence: thematic.competence };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const thematic = await load(params);
  const values = formValues(form, THEMATIC_FIELDS);
  const result = await updateThematic(db(), thematic.id, values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/referentiel/${thematic.competence.code}?ok=thematique`);
}

export default function EditThematic() {
  const { thematic, competence } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as RefusedForm<ThematicField> | undefined;
  const { t, f } = useR();
  const back = `/creation/referentiel/${competence.code}`;
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: back, label: competence.code },
          { label: thematic.name },
        ]}
      />
      <h1>{f('thematic.editTitle', { name: thematic.name })}</h1>
      <p className="muted">
        {competence.code} {competence.titleFr} · <code>{thematic.key}</code>
      </p>
      <ThematicForm values={actionData?.values ?? { name: thematic.name }} errors={actionData?.errors} submitLabel={t('form.save')} cancelTo={back} />
    </>
  );
}

import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { createTutorial, TUTORIAL_FIELDS, type TutorialField } from '~/models/tutorial.server';
import { formValues, type RefusedForm } from '~/models/validation.server';
import { Breadcrumb, useR } from '~/components/framework/ui';
import { TutorialForm, emptyTutorial } from '~/components/framework/TutorialForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Nouveau tutoriel – Création – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const values = formValues(form, TUTORIAL_FIELDS);
  const result = await createTutorial(db(), values);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  return redirect(`/creation/tutoriels/${result.value.id}?ok=cree`);
}

export default function NewTutorial() {
  const actionData = useActionData<typeof action>() as RefusedForm<TutorialField> | undefined;
  const { t } = useR();
  return (
    <>
      <Breadcrumb
        items={[{ to: '/creation', label: t('nav.creation') }, { to: '/creation/tutoriels', label: t('nav.tutorials') }, { label: t('tutorial.newTitle') }]}
      />
      <h1>{t('tutorial.newTitle')}</h1>
      <TutorialForm
        values={actionData?.values ?? emptyTutorial}
        errors={actionData?.errors}
        submitLabel={t('tutorial.create')}
        cancelTo="/creation/tutoriels"
      />
    </>
  );
}

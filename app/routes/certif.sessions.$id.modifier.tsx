/** Editing a certification session not yet finalised (scoped to the viewer's centres on the server). */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { readSessionForm, scopeOf, sessionDetail, sessionInScope, throwAsResponse, updateSession } from '~/models/certification-session.server';
import { CertifNav } from '~/components/certif/CertifNav';
import { SessionForm } from '~/components/certif/SessionForm';
import { useMessages } from '~/i18n';
import { certifMessages } from '~/i18n/certif';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Modifier la session – Certif – Pix Workbench' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  try {
    const { session } = await sessionDetail(db(), scopeOf(viewer), params.id ?? '');
    return { session };
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'certif');
  // Another centre's session answers 404 before its form is read, like a session that does not exist.
  await sessionInScope(db(), scopeOf(session.viewer), params.id ?? '').catch(throwAsResponse);
  const form = await requireForm(request, session);
  const read = readSessionForm(form);
  const values = Object.fromEntries(
    ['date', 'time', 'address', 'room', 'examiner', 'description', 'durationMinutes'].map((k) => [k, String(form.get(k) ?? '')]),
  );
  if (!read.ok) return { errors: read.errors, values };
  try {
    await updateSession(db(), scopeOf(session.viewer), params.id ?? '', read.input);
    return redirect(`/certif/sessions/${params.id}`);
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function EditSession() {
  const { session } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const busy = useNavigation().state !== 'idle';
  return (
    <>
      <CertifNav />
      <p className="breadcrumb">
        <Link to={`/certif/sessions/${session.id}`}>← {session.centre.name}</Link>
      </p>
      <h1>{t('detail.edit')}</h1>
      <SessionForm values={(data?.values as never) ?? session} errors={data?.errors} submitLabel={t('form.save')} busy={busy} />
    </>
  );
}

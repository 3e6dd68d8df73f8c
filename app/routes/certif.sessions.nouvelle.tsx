/** Creating a certification session in one of the viewer's centres. */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { createSession, parisToday, readSessionForm, scopeOf, throwAsResponse } from '~/models/certification-session.server';
import { DEFAULT_SESSION_MINUTES } from '~/models/certification-labels';
import { CertifNav } from '~/components/certif/CertifNav';
import { SessionForm } from '~/components/certif/SessionForm';
import { useMessages } from '~/i18n';
import { certifMessages } from '~/i18n/certif';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Créer une session – Certif – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  return { centres: viewer.centres.map((c) => ({ id: c.id, name: c.name })) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'certif');
  const form = await requireForm(request, session);
  // A new session cannot be set in the past.
  const read = readSessionForm(form, { notBefore: parisToday(new Date()) });
  const values = Object.fromEntries(
    ['centreId', 'date', 'time', 'address', 'room', 'examiner', 'description', 'durationMinutes'].map((k) => [k, String(form.get(k) ?? '')]),
  );
  if (!read.ok) return { errors: read.errors, values };
  try {
    const created = await createSession(db(), scopeOf(session.viewer), {
      centreId: String(form.get('centreId') ?? ''),
      userId: session.viewer.id,
      session: read.input,
    });
    return redirect(`/certif/sessions/${created.id}`);
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function NewSession() {
  const { centres } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const busy = useNavigation().state !== 'idle';
  const values = data?.values ?? {
    centreId: centres[0]?.id,
    date: '',
    time: '09:00',
    address: '',
    room: '',
    examiner: '',
    description: '',
    durationMinutes: DEFAULT_SESSION_MINUTES,
  };
  return (
    <>
      <CertifNav />
      <h1>{t('nav.newSession')}</h1>
      <SessionForm values={values as never} errors={data?.errors} centres={centres} submitLabel={t('form.create')} busy={busy} />
    </>
  );
}

/**
 * Invigilator sign-in: the session access code and the invigilator password (no account). Failures are
 * rate-limited per code and per address; a signed-in invigilator goes straight to their session.
 */
import { clientAddress } from '~/lib/client-address.server';
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { assertSameOrigin } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { accessFromRequest, invigilatorCookie, signInInvigilator, INVIGILATOR_SIGN_IN_ERRORS } from '~/models/certification-invigilator.server';
import { useMessages } from '~/i18n';
import { certifMessages } from '~/i18n/certif';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Espace surveillant – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await accessFromRequest(db(), request, new Date());
  if (access) throw redirect('/surveillance/session');
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const code = String(form.get('code') ?? '');
  const ip = clientAddress(request);
  const result = await signInInvigilator(db(), { code, password: String(form.get('password') ?? ''), ip, now: new Date() });
  if (!result.ok) return { error: INVIGILATOR_SIGN_IN_ERRORS[result.reason], code };
  return redirect('/surveillance/session', { headers: { 'Set-Cookie': await invigilatorCookie().serialize(result.accessId) } });
}

export default function InvigilatorSignIn() {
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const busy = useNavigation().state !== 'idle';
  return (
    <>
      <h1>{t('portal.title')}</h1>
      <Form method="post" className="certif-form">
        {data?.error ? (
          <p className="error-message" role="alert">
            {data.error}
          </p>
        ) : null}
        <div>
          <label htmlFor="code">{t('portal.code')}</label>
          <input id="code" name="code" type="text" autoComplete="off" autoCapitalize="characters" defaultValue={data?.code ?? ''} required />
        </div>
        <div>
          <label htmlFor="password">{t('portal.password')}</label>
          <input id="password" name="password" type="password" autoComplete="off" required />
        </div>
        <p>
          <button type="submit" className="primary" disabled={busy}>
            {t('portal.signIn')}
          </button>
        </p>
      </Form>
    </>
  );
}

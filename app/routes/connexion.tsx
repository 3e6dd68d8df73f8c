import { clientAddress } from '~/lib/client-address.server';
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { createUserSession, getSession, assertSameOrigin } from '~/lib/session.server';
import { attemptLogin } from '~/lib/login.server';
import { safeRedirect } from '~/lib/safe-redirect';
import { homeSpace } from '~/lib/roles';
import { db } from '~/lib/db.server';
import { landingPathOf } from '~/models/user.server';
import { localeFromRequest, translate, useMessages, useT } from '~/i18n';
import { learnerMessages } from '~/i18n/apprenant';

export const meta: MetaFunction = () => [{ title: 'Connexion – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request);
  if (session) throw redirect(homeSpace(session.viewer));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const locale = localeFromRequest(request);
  const form = await request.formData();
  const email = String(form.get('email') ?? '');
  const password = String(form.get('password') ?? '');
  if (!email.trim() || !password) return { error: translate(locale, 'login.missing'), email };
  const ip = clientAddress(request);
  const result = await attemptLogin(db(), email, password, ip);
  if (!result.ok) {
    return {
      error: translate(locale, result.reason === 'rate_limited' ? 'login.rateLimited' : 'login.invalid'),
      email,
    };
  }
  const target = safeRedirect(form.get('redirectTo'));
  const destination = target ?? (await landingPathOf(db(), result.userId));
  return createUserSession(result.userId, destination);
}

export default function SignIn() {
  const t = useT();
  const learner = useMessages(learnerMessages);
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <section className="panel">
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('app.tagline')}</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        {data?.error ? (
          <p className="error-message" role="alert" id="login-error">
            {data.error}
          </p>
        ) : null}
        <div>
          <label htmlFor="email">{t('login.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={data?.email ?? ''}
            aria-describedby={data?.error ? 'login-error' : undefined}
          />
        </div>
        <div>
          <label htmlFor="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === 'submitting'}>
            {t('login.submit')}
          </button>
        </div>
      </Form>
      <p>
        {learner('login.noAccount')} <Link to="/inscription">{learner('login.signUp')}</Link>
      </p>
    </section>
  );
}

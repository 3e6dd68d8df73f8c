import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { NewPasswordField } from '~/components/NewPasswordField';
import { ErrorSummary } from '~/components/ErrorSummary';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { assertSameOrigin } from '~/lib/session.server';
import { clientAddress } from '~/lib/client-address.server';
import { db } from '~/lib/db.server';
import { checkPasswordResetToken, completePasswordReset, type NewPasswordErrorKey, type ResetLinkProblem } from '~/models/accounts.server';
import { adminMessages } from '~/i18n/admin';
import { fill, useMessages } from '~/i18n';
import adminStyles from '~/styles/admin.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: adminStyles }];

// The token is in the address: no page it links to may receive it as a referrer.
export const meta: MetaFunction = () => [{ title: 'Nouveau mot de passe – Pix Workbench' }, { name: 'referrer', content: 'no-referrer' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('jeton') ?? '';
  const check = await checkPasswordResetToken(db(), token);
  return check.ok ? { problem: null, email: check.email, token } : { problem: check.problem, email: null, token: null };
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const result = await completePasswordReset(db(), { token: text('jeton'), password: text('password'), confirm: text('confirm'), ip: clientAddress(request) });
  if (result.ok) return { done: true as const, problem: null, errors: {} };
  if ('problem' in result) return { done: false as const, problem: result.problem, errors: {} };
  return { done: false as const, problem: null, errors: result.errors };
}

export default function NewPassword() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useMessages(adminMessages);
  const summary = useRef<HTMLDivElement>(null);
  const password = useRef<HTMLInputElement>(null);
  const confirm = useRef<HTMLInputElement>(null);
  const errors: Partial<Record<'password' | 'confirm', NewPasswordErrorKey>> = result?.errors ?? {};
  const problem: ResetLinkProblem | null = result?.problem ?? data.problem;
  useEffect(() => {
    if (!result) return;
    if (password.current) password.current.value = '';
    if (confirm.current) confirm.current.value = '';
    if (result.done) summary.current?.focus();
  }, [result]);

  if (result?.done) {
    return (
      <section className="panel">
        <h1>{t('newPassword.title')}</h1>
        <div className="notice success" role="status" tabIndex={-1} ref={summary}>
          <p>{t('newPassword.done')}</p>
        </div>
        <p>
          <Link to="/connexion" className="button">
            {t('newPassword.signIn')}
          </Link>
        </p>
      </section>
    );
  }
  if (problem) {
    return (
      <section className="panel">
        <h1>{t('newPassword.title')}</h1>
        <ErrorSummary title={t(problem)} focusOn={result}>
          <p>{t('newPassword.askAgain')}</p>
        </ErrorSummary>
        <p>
          <Link to="/connexion">{t('newPassword.signIn')}</Link>
        </p>
      </section>
    );
  }
  const failed = (['password', 'confirm'] as const).filter((f) => errors[f]);
  return (
    <section className="panel">
      <h1>{t('newPassword.title')}</h1>
      {data.email ? <p>{fill(t('newPassword.for'), { email: data.email })}</p> : null}
      {failed.length > 0 ? (
        <ErrorSummary title={t('errorSummary')} items={failed.map((f) => ({ href: `#${f}`, text: t(errors[f]!) }))} focusOn={result} />
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="jeton" value={data.token ?? ''} />
        {/* For password managers: the account the new password is for. */}
        <input type="hidden" name="username" autoComplete="username" value={data.email ?? ''} />
        <NewPasswordField
          label={t('newPassword.password')}
          rules={t('newPassword.rules')}
          error={errors.password ? t(errors.password) : null}
          inputRef={password}
        />
        <div>
          <label htmlFor="confirm">{t('newPassword.confirm')}</label>
          {errors.confirm ? (
            <p id="confirm-error" className="field-error">
              {t(errors.confirm)}
            </p>
          ) : null}
          <input
            ref={confirm}
            id="confirm"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={errors.confirm ? true : undefined}
            aria-describedby={errors.confirm ? 'confirm-error' : undefined}
          />
        </div>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === 'submitting'}>
            {t('newPassword.submit')}
          </button>
        </div>
      </Form>
    </section>
  );
}

import { NewPasswordField } from '~/components/NewPasswordField';
import { ErrorSummary } from '~/components/ErrorSummary';
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { assertSameOrigin, createUserSession, getSession } from '~/lib/session.server';
import { homeSpace } from '~/lib/roles';
import { db } from '~/lib/db.server';
import { SIGNUP_FIELDS, signUpLearner, type SignupErrors, type SignupField } from '~/models/signup.server';
import { learnerMessages } from '~/i18n/apprenant';
import { useMessages } from '~/i18n';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction = () => [{ title: 'Inscription – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request);
  if (session) throw redirect(homeSpace(session.viewer));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const values = Object.fromEntries(SIGNUP_FIELDS.map((f) => [f, typeof form.get(f) === 'string' ? String(form.get(f)) : ''])) as Record<SignupField, string>;
  const result = await signUpLearner(db(), values);
  if (!result.ok) {
    const { password: _password, ...kept } = values;
    return { errors: result.errors, values: kept };
  }
  return createUserSession(result.userId, '/profil');
}

const ORDER: SignupField[] = ['firstName', 'lastName', 'email', 'password', 'consent'];

export default function SignUp() {
  const t = useMessages(learnerMessages);
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: SignupErrors = data?.errors ?? {};
  const password = useRef<HTMLInputElement>(null);
  const failed = ORDER.filter((f) => errors[f]);
  // After a refusal: the password is typed again (never sent back); the summary takes the focus.
  useEffect(() => {
    if (!data) return;
    if (password.current) password.current.value = '';
  }, [data]);

  const field = (name: 'firstName' | 'lastName' | 'email', autoComplete: string, type = 'text', hint?: string) => {
    const error = errors[name];
    const describedBy = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div>
        <label htmlFor={name}>{t(`signup.${name}`)}</label>
        {hint ? (
          <p id={`${name}-hint`} className="field-hint">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={`${name}-error`} className="field-error">
            {t(error)}
          </p>
        ) : null}
        <input
          id={name}
          name={name}
          type={type}
          autoComplete={autoComplete}
          required
          defaultValue={data?.values?.[name] ?? ''}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
    );
  };

  return (
    <section className="panel signup">
      <h1>{t('signup.title')}</h1>
      <p>{t('signup.intro')}</p>
      {failed.length > 0 ? (
        <ErrorSummary title={t('signup.errorSummary')} items={failed.map((f) => ({ href: `#${f}`, text: t(errors[f]!) }))} focusOn={data} />
      ) : null}
      <Form method="post" className="stack" noValidate>
        {field('firstName', 'given-name')}
        {field('lastName', 'family-name')}
        {field('email', 'email', 'email', t('signup.emailHint'))}
        <NewPasswordField
          label={t('signup.password')}
          rules={t('signup.passwordRules')}
          error={errors.password ? t(errors.password) : null}
          inputRef={password}
        />
        <div className="consent">
          {errors.consent ? (
            <p id="consent-error" className="field-error">
              {t(errors.consent)}
            </p>
          ) : null}
          <input
            id="consent"
            name="consent"
            type="checkbox"
            required
            defaultChecked={data?.values?.consent === 'on'}
            aria-invalid={errors.consent ? true : undefined}
            aria-describedby={errors.consent ? 'consent-error' : undefined}
          />
          <label htmlFor="consent">{t('signup.consent')}</label>
        </div>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === 'submitting'}>
            {t('signup.submit')}
          </button>
        </div>
      </Form>
      <p>
        {t('signup.haveAccount')} <Link to="/connexion">{t('signup.signIn')}</Link>
      </p>
    </section>
  );
}

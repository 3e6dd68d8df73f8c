import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { authorsMayValidateOwn, setAuthorsMayValidateOwn } from '~/models/platform-settings.server';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { useRootData } from '~/root';

export const meta: MetaFunction = () => [{ title: 'Réglages – Administration' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'admin');
  return { authorsMayValidateOwn: await authorsMayValidateOwn(db()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'admin');
  const form = await requireForm(request, session);
  // The form always sends `off` (hidden field) and `on` when ticked: a form without it is not this page's, and saves nothing.
  const values = form.getAll('authorsMayValidateOwn');
  if (!values.includes('off') || values.some((v) => v !== 'on' && v !== 'off')) return data({ error: 'settings.incomplete' as const }, { status: 400 });
  await setAuthorsMayValidateOwn(db(), values.includes('on'));
  return redirect('/admin/reglages?enregistre=1');
}

export default function Settings() {
  const { authorsMayValidateOwn } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>() as { error?: 'settings.incomplete' } | undefined;
  return (
    <>
      <p>
        <Link to="/admin">{t('settings.back')}</Link>
      </p>
      <h1>{t('settings.title')}</h1>
      {params.get('enregistre') ? (
        <p className="notice" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      {result?.error ? (
        <p className="notice error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      <Form method="post" className="panel stack">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <input type="hidden" name="authorsMayValidateOwn" value="off" />
        <fieldset>
          <legend>{t('settings.validation')}</legend>
          <div>
            <input
              type="checkbox"
              id="authorsMayValidateOwn"
              name="authorsMayValidateOwn"
              defaultChecked={authorsMayValidateOwn}
              aria-describedby="authorsMayValidateOwn-hint"
            />{' '}
            <label htmlFor="authorsMayValidateOwn" style={{ display: 'inline' }}>
              {t('settings.authorsMayValidateOwn')}
            </label>
            <p className="muted" id="authorsMayValidateOwn-hint">
              {t('settings.authorsMayValidateOwnHint')}
            </p>
          </div>
        </fieldset>
        <div>
          <button type="submit" className="primary">
            {t('settings.save')}
          </button>
        </div>
      </Form>
    </>
  );
}

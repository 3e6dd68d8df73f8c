import { SelectField } from '~/components/admin/SelectField';
import { ErrorSummary } from '~/components/ErrorSummary';
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { clientAddress } from '~/lib/client-address.server';
import { db } from '~/lib/db.server';
import { createAccount, membershipChoices } from '~/models/accounts.server';
import { CENTRE_ROLES, CREATE_FIELDS, GLOBAL_ROLES, ORGANISATION_ROLES, type CreateField } from '~/models/account-options';
import { adminMessages } from '~/i18n/admin';
import { useMessages } from '~/i18n';
import { useRootData } from '~/root';
import adminStyles from '~/styles/admin.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: adminStyles }];

export const meta: MetaFunction = () => [{ title: 'Nouveau compte – Administration' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'admin');
  return membershipChoices(db());
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'admin');
  const form = await requireForm(request, session);
  const values = {
    email: text(form, 'email'),
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    roles: form.getAll('roles').filter((r): r is string => typeof r === 'string'),
    organisationId: text(form, 'organisationId'),
    organisationRole: text(form, 'organisationRole'),
    centreId: text(form, 'centreId'),
    centreRole: text(form, 'centreRole'),
  };
  const result = await createAccount(db(), { actorId: session.viewer.id, ip: clientAddress(request) }, values);
  if (!result.ok) return { errors: result.errors, values };
  return redirect(`/admin/comptes/${result.userId}?cree=1`);
}

export default function NewAccount() {
  const { organisations, centres } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useMessages(adminMessages);
  const { csrfToken } = useRootData();
  const errors = data?.errors ?? {};
  const values = data?.values;
  const failed = CREATE_FIELDS.filter((f) => errors[f]);

  const described = (name: CreateField) => (errors[name] ? `${name}-error` : undefined);
  const errorOf = (name: CreateField) =>
    errors[name] ? (
      <p id={`${name}-error`} className="field-error">
        {t(errors[name])}
      </p>
    ) : null;
  const input = (name: 'email' | 'firstName' | 'lastName', type: string, autoComplete: string) => (
    <div>
      <label htmlFor={name}>{t(`field.${name}`)}</label>
      {errorOf(name)}
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        defaultValue={values?.[name] ?? ''}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={described(name)}
      />
    </div>
  );

  return (
    <>
      <p>
        <Link to="/admin">{t('back.admin')}</Link>
      </p>
      <h1>{t('create.title')}</h1>
      <p className="muted">{t('create.intro')}</p>
      {failed.length > 0 ? (
        <ErrorSummary
          title={t('errorSummary')}
          items={failed.map((f) => ({ href: `#${f === 'roles' ? 'role-ADMIN' : f}`, text: t(errors[f]!) }))}
          focusOn={data}
        />
      ) : null}
      <Form method="post" className="panel stack" noValidate key={JSON.stringify(values ?? null)}>
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        {input('email', 'email', 'off')}
        {input('firstName', 'text', 'off')}
        {input('lastName', 'text', 'off')}
        <fieldset className="checks" aria-describedby={described('roles')}>
          <legend>{t('field.roles')}</legend>
          {errorOf('roles')}
          {GLOBAL_ROLES.map((role) => (
            <div key={role}>
              <input type="checkbox" id={`role-${role}`} name="roles" value={role} defaultChecked={values?.roles.includes(role) ?? false} />{' '}
              <label htmlFor={`role-${role}`}>{t(`role.${role}`)}</label>
            </div>
          ))}
        </fieldset>
        <SelectField
          name="organisationId"
          label={t('field.organisation')}
          error={errors.organisationId ? t(errors.organisationId) : null}
          defaultValue={values?.organisationId ?? ''}
          placeholder={t('field.none')}
          options={organisations.map((o) => ({ value: o.id, label: o.name }))}
        />
        <SelectField
          name="organisationRole"
          label={t('field.organisationRole')}
          error={errors.organisationRole ? t(errors.organisationRole) : null}
          defaultValue={values?.organisationRole ?? ''}
          placeholder={t('field.chooseRole')}
          options={ORGANISATION_ROLES.map((r) => ({ value: r, label: t(`orgaRole.${r}`) }))}
        />
        <SelectField
          name="centreId"
          label={t('field.centre')}
          error={errors.centreId ? t(errors.centreId) : null}
          defaultValue={values?.centreId ?? ''}
          placeholder={t('field.noneCentre')}
          options={centres.map((c) => ({ value: c.id, label: c.name }))}
        />
        <SelectField
          name="centreRole"
          label={t('field.centreRole')}
          error={errors.centreRole ? t(errors.centreRole) : null}
          defaultValue={values?.centreRole ?? ''}
          placeholder={t('field.chooseRole')}
          options={CENTRE_ROLES.map((r) => ({ value: r, label: t(`centreRole.${r}`) }))}
        />
        <div>
          <button type="submit" className="primary" disabled={navigation.state === 'submitting'}>
            {t('create.submit')}
          </button>
        </div>
      </Form>
    </>
  );
}

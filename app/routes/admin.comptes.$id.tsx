import { SelectField } from '~/components/admin/SelectField';
import { ErrorSummary } from '~/components/ErrorSummary';
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { clientAddress } from '~/lib/client-address.server';
import { db } from '~/lib/db.server';
import {
  accountDetail,
  addCentreMembership,
  addMembership,
  createPasswordResetLink,
  disableAccount,
  enableAccount,
  membershipChoices,
  removeCentreMembership,
  removeMembership,
  setRoles,
  type AccountErrorKey,
} from '~/models/accounts.server';
import { CENTRE_ROLES, GLOBAL_ROLES, ORGANISATION_ROLES, RESET_LINK_HOURS } from '~/models/account-options';
import { adminDateTime, adminMessages } from '~/i18n/admin';
import { fill, useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import adminStyles from '~/styles/admin.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: adminStyles }];

export const meta: MetaFunction = () => [{ title: 'Compte – Administration' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'admin');
  const account = await accountDetail(db(), params.id ?? '');
  if (!account) throw new Response('Compte introuvable', { status: 404 });
  return { account, ...(await membershipChoices(db())) };
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

type Intent = 'roles' | 'addMembership' | 'removeMembership' | 'addCentre' | 'removeCentre' | 'disable' | 'enable' | 'resetLink';

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'admin');
  const form = await requireForm(request, session);
  const actor = { actorId: session.viewer.id, ip: clientAddress(request) };
  const userId = params.id ?? '';
  const intent = text(form, 'intent') as Intent;
  const values: Record<string, string | string[]> = {};
  let outcome: { ok: true } | { ok: false; errors: Partial<Record<string, AccountErrorKey>> };
  switch (intent) {
    case 'roles': {
      const roles = form.getAll('roles').filter((r): r is string => typeof r === 'string');
      values.roles = roles;
      outcome = await setRoles(db(), actor, userId, roles);
      break;
    }
    case 'addMembership':
      values.organisationId = text(form, 'organisationId');
      values.organisationRole = text(form, 'organisationRole');
      outcome = await addMembership(db(), actor, userId, { organisationId: values.organisationId, role: values.organisationRole });
      break;
    case 'removeMembership':
      outcome = await removeMembership(db(), actor, userId, text(form, 'organisationId'));
      break;
    case 'addCentre':
      values.centreId = text(form, 'centreId');
      values.centreRole = text(form, 'centreRole');
      outcome = await addCentreMembership(db(), actor, userId, { centreId: values.centreId, role: values.centreRole });
      break;
    case 'removeCentre':
      outcome = await removeCentreMembership(db(), actor, userId, text(form, 'centreId'));
      break;
    case 'disable':
      outcome = await disableAccount(db(), actor, userId);
      break;
    case 'enable':
      outcome = await enableAccount(db(), actor, userId);
      break;
    case 'resetLink': {
      const made = await createPasswordResetLink(db(), actor, userId);
      if (!made.ok) return { intent, errors: made.errors, values, link: null, expiresAt: null };
      const link = new URL(`/mot-de-passe/nouveau?jeton=${encodeURIComponent(made.token)}`, request.url).toString();
      return { intent, errors: {}, values, link, expiresAt: made.expiresAt.toISOString() };
    }
    default:
      throw new Response('Action inconnue', { status: 400 });
  }
  if (!outcome.ok) return { intent, errors: outcome.errors, values, link: null, expiresAt: null };
  // A disabled administrator who disabled themselves is signed out by now: the redirect sends them to sign in.
  return redirect(`/admin/comptes/${userId}?enregistre=1`);
}

export default function Account() {
  const { account, organisations, centres } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(adminMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const errors: Partial<Record<string, AccountErrorKey>> = data?.errors ?? {};
  const values = data?.values ?? {};
  const errorBox = useRef<HTMLDivElement>(null);
  const firstError = Object.values(errors).find(Boolean);
  useEffect(() => {
    if (data?.link) errorBox.current?.focus();
  }, [data]);

  const csrf = <input type="hidden" name="csrf" value={csrfToken ?? ''} />;
  const errorOf = (field: string, id: string) =>
    errors[field] ? (
      <p id={id} className="field-error">
        {t(errors[field])}
      </p>
    ) : null;
  const name = `${account.firstName} ${account.lastName}`;
  const currentRoles = Array.isArray(values.roles) && data?.intent === 'roles' ? values.roles : account.roles;
  const formKey = (intent: Intent) => (data?.intent === intent ? JSON.stringify(values) : 'fresh');

  return (
    <>
      <p>
        <Link to="/admin">{t('back.admin')}</Link>
      </p>
      <h1>{name}</h1>
      <p>
        {account.email} · {fill(t('detail.createdAt'), { date: adminDateTime(account.createdAt, locale) })}
      </p>
      <p>
        <Link to={`/admin/journal?personne=${encodeURIComponent(account.email)}`}>{t('detail.journal')}</Link>
      </p>
      {params.get('cree') && !data ? (
        <p className="notice success" role="status">
          {t('detail.created')}
        </p>
      ) : params.get('enregistre') && !data ? (
        <p className="notice success" role="status">
          {t('detail.saved')}
        </p>
      ) : null}
      {firstError ? <ErrorSummary title={t(firstError)} focusOn={data} /> : null}
      {data?.link && data.expiresAt ? (
        <div className="notice success" role="status" tabIndex={-1} ref={errorBox}>
          <p>{fill(t('reset.made'), { date: adminDateTime(data.expiresAt, locale) })}</p>
          <label htmlFor="reset-link">{t('reset.linkLabel')}</label>
          <input id="reset-link" type="text" readOnly value={data.link} className="reset-link" onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}

      <section className="panel" aria-labelledby="state-title">
        <h2 id="state-title">{t('state.title')}</h2>
        <p>
          {t('detail.status')} :{' '}
          <strong>{account.disabledAt ? fill(t('detail.disabledSince'), { date: adminDateTime(account.disabledAt, locale) }) : t('detail.active')}</strong>
        </p>
        <Form method="post">
          {csrf}
          {account.disabledAt ? (
            <button type="submit" name="intent" value="enable" className="primary">
              {t('state.enable')}
            </button>
          ) : (
            <>
              <p className="muted" id="disable-hint">
                {t('state.disableHint')}
              </p>
              <button type="submit" name="intent" value="disable" className="danger" aria-describedby="disable-hint">
                {t('state.disable')}
              </button>
            </>
          )}
        </Form>
      </section>

      <section className="panel" aria-labelledby="roles-title">
        <h2 id="roles-title">{t('roles.title')}</h2>
        <Form method="post" key={formKey('roles')}>
          {csrf}
          <fieldset className="checks" aria-describedby={errors.roles ? 'roles-error' : undefined}>
            <legend>{t('field.roles')}</legend>
            {errorOf('roles', 'roles-error')}
            {GLOBAL_ROLES.map((role) => (
              <div key={role}>
                <input type="checkbox" id={`role-${role}`} name="roles" value={role} defaultChecked={currentRoles.includes(role)} />{' '}
                <label htmlFor={`role-${role}`}>{t(`role.${role}`)}</label>
              </div>
            ))}
          </fieldset>
          <p>
            <button type="submit" name="intent" value="roles" className="primary">
              {t('roles.submit')}
            </button>
          </p>
        </Form>
      </section>

      <section className="panel" aria-labelledby="orgs-title">
        <h2 id="orgs-title">{t('orgs.title')}</h2>
        {errorOf('membership', 'membership-error')}
        {account.organisations.length === 0 ? (
          <p>{t('orgs.none')}</p>
        ) : (
          <ul className="memberships">
            {account.organisations.map((o) => (
              <li key={o.id}>
                <span>
                  {o.name} ({t(`orgaRole.${o.role}`)})
                </span>
                <Form method="post">
                  {csrf}
                  <input type="hidden" name="organisationId" value={o.id} />
                  <button type="submit" name="intent" value="removeMembership" className="secondary">
                    {fill(t('orgs.remove'), { name: o.name })}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" className="stack" key={formKey('addMembership')}>
          {csrf}
          <h3>{t('orgs.add')}</h3>
          <SelectField
            name="organisationId"
            label={t('field.organisation')}
            error={errors.organisationId ? t(errors.organisationId) : null}
            defaultValue={typeof values.organisationId === 'string' ? values.organisationId : ''}
            placeholder={t('field.none')}
            options={organisations.map((o) => ({ value: o.id, label: o.name }))}
          />
          <SelectField
            name="organisationRole"
            label={t('field.organisationRole')}
            error={errors.organisationRole ? t(errors.organisationRole) : null}
            defaultValue={typeof values.organisationRole === 'string' ? values.organisationRole : ''}
            placeholder={t('field.chooseRole')}
            options={ORGANISATION_ROLES.map((r) => ({ value: r, label: t(`orgaRole.${r}`) }))}
          />
          <div>
            <button type="submit" name="intent" value="addMembership" className="primary">
              {t('orgs.addSubmit')}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="centres-title">
        <h2 id="centres-title">{t('centres.title')}</h2>
        {errorOf('centre', 'centre-error')}
        {account.centres.length === 0 ? (
          <p>{t('centres.none')}</p>
        ) : (
          <ul className="memberships">
            {account.centres.map((c) => (
              <li key={c.id}>
                <span>
                  {c.name} ({t(`centreRole.${c.role}`)})
                </span>
                <Form method="post">
                  {csrf}
                  <input type="hidden" name="centreId" value={c.id} />
                  <button type="submit" name="intent" value="removeCentre" className="secondary">
                    {fill(t('centres.remove'), { name: c.name })}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" className="stack" key={formKey('addCentre')}>
          {csrf}
          <h3>{t('centres.add')}</h3>
          <SelectField
            name="centreId"
            label={t('field.centre')}
            error={errors.centreId ? t(errors.centreId) : null}
            defaultValue={typeof values.centreId === 'string' ? values.centreId : ''}
            placeholder={t('field.noneCentre')}
            options={centres.map((c) => ({ value: c.id, label: c.name }))}
          />
          <SelectField
            name="centreRole"
            label={t('field.centreRole')}
            error={errors.centreRole ? t(errors.centreRole) : null}
            defaultValue={typeof values.centreRole === 'string' ? values.centreRole : ''}
            placeholder={t('field.chooseRole')}
            options={CENTRE_ROLES.map((r) => ({ value: r, label: t(`centreRole.${r}`) }))}
          />
          <div>
            <button type="submit" name="intent" value="addCentre" className="primary">
              {t('centres.addSubmit')}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="reset-title">
        <h2 id="reset-title">{t('reset.title')}</h2>
        <p className="muted">{fill(t('reset.hint'), { hours: RESET_LINK_HOURS })}</p>
        {account.pendingLinks > 0 ? <p>{t('reset.pending')}</p> : null}
        <Form method="post">
          {csrf}
          <button type="submit" name="intent" value="resetLink" className="primary">
            {t('reset.submit')}
          </button>
        </Form>
      </section>
    </>
  );
}

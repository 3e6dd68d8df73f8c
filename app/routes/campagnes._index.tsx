import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, redirect, useActionData } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { lookUpCampaignCode } from '~/models/campaign-code-lookup.server';
import { clientAddress } from '~/lib/client-address.server';
import { Csrf } from '~/components/orga/Csrf';
import { messagesFor, useMessages } from '~/i18n';
import { campaignMessages } from '~/i18n/campagne';
import { fill } from '~/i18n/apprenant';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'J’ai un code – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewerOutsideCertification(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireViewerOutsideCertification(request);
  const form = await requireForm(request, session);
  const typed = String(form.get('code') ?? '');
  const check = await lookUpCampaignCode(db(), typed, { userId: session.viewer.id, ip: clientAddress(request), now: new Date() });
  if (!check.ok) {
    const t = messagesFor(campaignMessages, request);
    return { error: fill(t(`code.error.${check.reason}`), { typed: typed.trim(), code: check.code }), typed };
  }
  return redirect(`/campagnes/${check.code}`);
}

export default function HaveACode() {
  const data = useActionData<typeof action>();
  const t = useMessages(campaignMessages);
  return (
    <>
      <h1>{t('code.title')}</h1>
      <p>{t('code.intro')}</p>
      <Form method="post" className="panel">
        <Csrf />
        <label htmlFor="code">{t('code.label')}</label>
        <br />
        <input
          id="code"
          name="code"
          defaultValue={data?.typed ?? ''}
          autoComplete="off"
          aria-invalid={data?.error ? true : undefined}
          aria-describedby={data?.error ? 'code-error' : 'code-hint'}
          maxLength={20}
          className="code"
        />
        <p id="code-hint">
          <small>{t('code.hint')}</small>
        </p>
        {data?.error ? (
          <p id="code-error" role="alert" className="notice error">
            {data.error}
          </p>
        ) : null}
        <button type="submit">{t('code.submit')}</button>
      </Form>
    </>
  );
}

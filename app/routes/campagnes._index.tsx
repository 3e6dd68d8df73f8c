import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, redirect, useActionData } from '@remix-run/react';
import { requireForm, requireViewer } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { checkCampaignCode } from '~/models/campaign.server';
import { Csrf } from '~/components/orga/Csrf';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'J’ai un code – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireViewer(request);
  const form = await requireForm(request, session);
  const typed = String(form.get('code') ?? '');
  const check = await checkCampaignCode(db(), typed);
  if (!check.ok) return { error: check.error, typed };
  return redirect(`/campagnes/${check.code}`);
}

export default function HaveACode() {
  const data = useActionData<typeof action>();
  return (
    <>
      <h1>J’ai un code</h1>
      <p>Saisissez le code de campagne que vous a donné votre enseignant ou votre organisation.</p>
      <Form method="post" className="panel">
        <Csrf />
        <label htmlFor="code">Code de la campagne</label><br />
        <input id="code" name="code" defaultValue={data?.typed ?? ''} autoComplete="off" aria-invalid={data?.error ? true : undefined} aria-describedby={data?.error ? 'code-error' : 'code-hint'} maxLength={20} className="code" />
        <p id="code-hint"><small>6 lettres puis 3 chiffres, par exemple ABCDEF234.</small></p>
        {data?.error ? <p id="code-error" role="alert" className="notice error">{data.error}</p> : null}
        <button type="submit">Accéder à la campagne</button>
      </Form>
    </>
  );
}

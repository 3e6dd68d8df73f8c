import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation, addTeacher, listMembers, removeMember, requireMembership } from '~/models/organisation.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { Csrf } from '~/components/orga/Csrf';
import orgaStyles from '~/styles/orga.css';
import { codedText, messagesFor, useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Membres – Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  return { organisation, isAdmin: organisation.role === 'ADMIN', me: viewer.id, members: await listMembers(db(), organisation.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  requireMembership(session.viewer, organisation.id, 'ADMIN');
  const form = await requireForm(request, session);
  const intent = form.get('intent');
  if (intent !== 'add' && intent !== 'remove') throw new Response('Action inconnue', { status: 400 });
  const change =
    intent === 'add'
      ? await addTeacher(db(), organisation.id, String(form.get('email') ?? ''))
      : await removeMember(db(), organisation.id, String(form.get('membershipId') ?? ''));
  return { ok: change.ok, text: codedText(messagesFor(orgaMessages, request), 'notice', change.notice) };
}

export default function Members() {
  const { organisation, isAdmin, members, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useMessages(orgaMessages);
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('members.title')}</h1>
      {result ? (
        result.ok ? (
          <p role="status" className="notice success">
            {result.text}
          </p>
        ) : (
          <p role="alert" className="notice error">
            {result.text}
          </p>
        )
      ) : null}
      <table className="orga-table">
        <caption className="visually-hidden">{t('members.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.name')}</th>
            <th scope="col">{t('members.email')}</th>
            <th scope="col">{t('members.role')}</th>
            {isAdmin ? <th scope="col">{t('col.action')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>{m.role === 'ADMIN' ? t('members.admin') : t('members.teacher')}</td>
              {isAdmin ? (
                <td>
                  {m.userId !== me ? (
                    <Form method="post" className="inline-form">
                      <Csrf />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <button type="submit" name="intent" value="remove" aria-label={fill(t('members.removeOf'), { name: m.name })}>
                        {t('members.remove')}
                      </button>
                    </Form>
                  ) : (
                    '—'
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin ? (
        <Form method="post" className="panel">
          <h2>{t('members.add')}</h2>
          <Csrf />
          <label htmlFor="email">{t('members.addEmail')}</label> <input id="email" name="email" type="email" required autoComplete="off" />{' '}
          <button type="submit" name="intent" value="add">
            {t('members.addSubmit')}
          </button>
        </Form>
      ) : (
        <p>{t('members.adminsOnly')}</p>
      )}
    </>
  );
}

/**
 * The candidate's entry to a certification session (a signed-in learner): the session code and their
 * identity (birth name, first name, birth date) checked against an enrolled candidate. Wrong codes and
 * identities get a clear message and are rate-limited.
 */
import { clientAddress } from '~/lib/client-address.server';
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { enterSession, ENTRY_REFUSALS } from '~/models/certification-test.server';
import { openEnrolmentsOf } from '~/models/certification-candidate.server';
import { useLocale, useMessages } from '~/i18n';
import { certifMessages, fill, frDay } from '~/i18n/certif';
import { useRootData } from '~/root';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Certification – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'profil');
  return { enrolments: await openEnrolmentsOf(db(), viewer.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'profil');
  const form = await requireForm(request, session);
  const values = {
    code: String(form.get('code') ?? ''),
    lastName: String(form.get('lastName') ?? ''),
    firstName: String(form.get('firstName') ?? ''),
    birthDate: String(form.get('birthDate') ?? ''),
  };
  const result = await enterSession(db(), { userId: session.viewer.id, ...values, ip: clientAddress(request), now: new Date() });
  if (!result.ok) return { error: ENTRY_REFUSALS[result.refusal], values };
  return redirect(`/certification/${result.candidateId}`);
}

export default function CertificationEntry() {
  const { enrolments } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const busy = useNavigation().state !== 'idle';
  const v = data?.values;
  return (
    <>
      <h1>{t('candidate.title')}</h1>
      {enrolments.length ? (
        <ul>
          {enrolments.map((e) => (
            <li key={e.id}>
              <Link to={`/certification/${e.id}`}>
                {fill(t('candidate.session'), { date: frDay(e.date, locale), time: e.time, centre: e.centre, room: e.room })}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <p>{t('candidate.intro')}</p>
      <Form method="post" className="certif-form">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        {data?.error ? (
          <p className="error-message" role="alert">
            {data.error}
          </p>
        ) : null}
        <div>
          <label htmlFor="code">{t('candidate.code')}</label>
          <p className="hint" id="code-hint">
            {t('candidate.codeHint')}
          </p>
          <input id="code" name="code" type="text" autoComplete="off" aria-describedby="code-hint" defaultValue={v?.code ?? ''} required />
        </div>
        <div>
          <label htmlFor="lastName">{t('candidate.lastName')}</label>
          <input id="lastName" name="lastName" type="text" autoComplete="family-name" defaultValue={v?.lastName ?? ''} required />
        </div>
        <div>
          <label htmlFor="firstName">{t('candidate.firstName')}</label>
          <input id="firstName" name="firstName" type="text" autoComplete="given-name" defaultValue={v?.firstName ?? ''} required />
        </div>
        <div>
          <label htmlFor="birthDate">{t('candidate.birthDate')}</label>
          <p className="hint" id="birth-hint">
            {t('candidate.birthDateHint')}
          </p>
          <input
            id="birthDate"
            name="birthDate"
            type="text"
            inputMode="numeric"
            autoComplete="bday"
            aria-describedby="birth-hint"
            defaultValue={v?.birthDate ?? ''}
            required
          />
        </div>
        <p>
          <button type="submit" className="primary" disabled={busy}>
            {t('candidate.enter')}
          </button>
        </p>
      </Form>
    </>
  );
}

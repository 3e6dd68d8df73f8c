/**
 * The invigilator's view of their one session: every candidate with a status, confirm presence and
 * identity, let in, end a test, record an incident (an in-question one may neutralise the question).
 * The page revalidates every few seconds (no reload), so statuses change live. Every loader and action
 * reads the session from the invigilator's access, never from the request.
 */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { assertSameOrigin } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import {
  accessFromRequest,
  assertInvigilatorCsrf,
  clearAttention,
  endTest,
  invigilatorCookie,
  InvigilatorError,
  portalView,
  recordIncident,
  setAuthorised,
  setPresence,
  signOutInvigilator,
} from '~/models/certification-invigilator.server';
import { IN_CHALLENGE_SUBCATEGORIES, INCIDENT_CATEGORIES } from '~/models/certification-labels';
import { codedText, messagesFor, useLocale, useMessages } from '~/i18n';
import { certifMessages, clock, fill, frDay } from '~/i18n/certif';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction = () => [{ title: 'Surveillance de la session – Pix Workbench' }];

export const POLL_MS = 4000;

async function requireAccess(request: Request) {
  const access = await accessFromRequest(db(), request, new Date());
  if (!access) throw redirect('/surveillance');
  return access;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireAccess(request);
  const view = await portalView(db(), access.sessionId, new Date());
  return { ...view, csrf: access.csrfToken };
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireAccess(request);
  assertSameOrigin(request);
  const form = await request.formData();
  assertInvigilatorCsrf(access, form);
  const intent = String(form.get('intent') ?? '');
  const candidateId = String(form.get('candidateId') ?? '');
  const now = new Date();
  try {
    switch (intent) {
      case 'signout':
        await signOutInvigilator(db(), access.id);
        return redirect('/surveillance', { headers: { 'Set-Cookie': await invigilatorCookie().serialize('', { maxAge: 0 }) } });
      case 'present':
      case 'absent':
        await setPresence(db(), access.sessionId, candidateId, intent === 'present', now);
        return { ok: true, candidateId, message: null };
      case 'letIn':
      case 'withdraw':
        await setAuthorised(db(), access.sessionId, candidateId, intent === 'letIn', now);
        return { ok: true, candidateId, message: null };
      case 'end':
        await endTest(db(), access.sessionId, candidateId, now);
        return { ok: true, candidateId, message: null };
      case 'seen':
        await clearAttention(db(), access.sessionId, candidateId);
        return { ok: true, candidateId, message: null };
      case 'incident': {
        const result = await recordIncident(
          db(),
          access.sessionId,
          {
            candidateId,
            category: String(form.get('category') ?? ''),
            subcategory: String(form.get('subcategory') ?? ''),
            description: String(form.get('description') ?? ''),
            questionNumber: String(form.get('questionNumber') ?? ''),
            neutralise: form.get('neutralise') === 'on',
          },
          now,
        );
        return { ok: true, candidateId, message: result.neutralised ? 'neutralised' : 'saved' };
      }
    }
  } catch (error) {
    if (error instanceof InvigilatorError) return { ok: false, candidateId, message: codedText(messagesFor(certifMessages, request), 'invigilator', error) };
    throw error;
  }
  throw new Response('Action inconnue', { status: 400 });
}

/** Revalidates the page every few seconds while it is visible: live statuses without a reload. */
function usePolling(ms: number) {
  const revalidator = useRevalidator();
  useEffect(() => {
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible' && revalidator.state === 'idle') revalidator.revalidate();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms, revalidator]);
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function CandidateCard({
  c,
  csrf,
  busy,
  result,
}: {
  c: Data['candidates'][number];
  csrf: string;
  busy: boolean;
  result: { ok: boolean; candidateId: string; message: string | null } | undefined;
}) {
  const t = useMessages(certifMessages);
  const locale = useLocale();
  const name = `${c.firstName} ${c.lastName}`;
  const titleId = `cand-${c.id}`;
  const button = (intent: string, label: string, extra?: { confirm?: string }) => (
    <Form
      method="post"
      onSubmit={(e) => {
        if (extra?.confirm && !window.confirm(extra.confirm)) e.preventDefault();
      }}
    >
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="candidateId" value={c.id} />
      <button type="submit" disabled={busy} aria-describedby={titleId}>
        {label}
      </button>
    </Form>
  );
  const mine = result && result.candidateId === c.id ? result : null;
  const incidentForm = useRef<HTMLFormElement>(null);
  const incidentDetails = useRef<HTMLDetailsElement>(null);
  const incidentSaved = mine?.ok === true && (mine.message === 'saved' || mine.message === 'neutralised');
  // After an incident is saved, the form goes back to its defaults (no description, "Neutraliser" unticked,
  // the current question) and folds away: a second click cannot neutralise the next question by mistake.
  // A refused incident keeps everything typed, to be corrected.
  useEffect(() => {
    if (!incidentSaved) return;
    incidentForm.current?.reset();
    if (incidentDetails.current) incidentDetails.current.open = false;
  }, [incidentSaved, mine]);
  return (
    <li className="certif-candidate" data-testid="candidate" data-status={c.status} aria-labelledby={titleId}>
      <h3 id={titleId}>
        {c.lastName.toUpperCase()} {c.firstName}
      </h3>
      <p>
        {t('candidates.birthDate')} : {frDay(c.birthDate, locale)}
        {c.extraTimePercentage ? ` – ${t('candidates.extraTime')} : ${c.extraTimePercentage}` : ''} –{' '}
        <span className={`certif-status ${c.status}`} data-testid="status">
          {t(`status.${c.status}`)}
        </span>
      </p>
      {c.attentionReason !== null ? <p className="error-message">{c.attentionReason}</p> : null}
      {c.asked > 0 ? (
        <p>
          {fill(t('portal.progress'), { answered: c.answered, asked: c.asked })}
          {c.secondsLeft !== null ? ` – ${fill(t('portal.timeLeft'), { time: clock(c.secondsLeft) })}` : ''}
        </p>
      ) : null}
      {mine?.message ? (
        <p role={mine.ok ? 'status' : 'alert'} className={mine.ok ? undefined : 'error-message'}>
          {mine.ok ? t(mine.message === 'neutralised' ? 'portal.neutralised' : 'portal.incidentSaved') : mine.message}
        </p>
      ) : null}
      <div className="certif-actions">
        {c.status === 'not_arrived' || c.status === 'waiting' ? button('present', t('portal.confirmPresence')) : null}
        {c.status === 'not_arrived' || c.status === 'waiting' || c.status === 'present' ? button('letIn', t('portal.letIn')) : null}
        {c.status === 'present' ? button('absent', t('portal.cancelPresence')) : null}
        {c.status === 'authorised' ? button('withdraw', t('portal.cancelLetIn')) : null}
        {c.status === 'needs_attention' && c.attentionReason !== null ? button('seen', t('portal.clearAttention')) : null}
        {c.status === 'in_test' || c.status === 'needs_attention'
          ? button('end', t('portal.endTest'), { confirm: fill(t('portal.endConfirm'), { name }) })
          : null}
      </div>
      {c.issues.length ? (
        <>
          <h4>{t('portal.issues')}</h4>
          <ul>
            {c.issues.map((i) => (
              <li key={i.id}>
                {INCIDENT_CATEGORIES[i.category as keyof typeof INCIDENT_CATEGORIES] ?? i.category}
                {i.questionPosition !== null ? ` – question ${i.questionPosition + 1}` : ''}
                {i.neutralise ? ' – neutralisée' : ''} : {i.description}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {c.asked > 0 ? (
        <details ref={incidentDetails} data-testid="incident">
          <summary>{t('portal.incident')}</summary>
          <Form method="post" className="certif-form" ref={incidentForm}>
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="intent" value="incident" />
            <input type="hidden" name="candidateId" value={c.id} />
            <div>
              <label htmlFor={`cat-${c.id}`}>{t('portal.category')}</label>
              <select id={`cat-${c.id}`} name="category" defaultValue="IN_CHALLENGE">
                {Object.entries(INCIDENT_CATEGORIES).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`sub-${c.id}`}>{t('portal.subcategory')}</label>
              <select id={`sub-${c.id}`} name="subcategory" defaultValue="IMAGE_NOT_DISPLAYING">
                {Object.entries(IN_CHALLENGE_SUBCATEGORIES).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`q-${c.id}`}>{t('portal.questionNumber')}</label>
              <input id={`q-${c.id}`} name="questionNumber" type="number" min={1} defaultValue={c.asked} />
            </div>
            <div>
              <input id={`n-${c.id}`} name="neutralise" type="checkbox" />{' '}
              <label htmlFor={`n-${c.id}`} style={{ display: 'inline', fontWeight: 'normal' }}>
                {t('portal.neutralise')}
              </label>
            </div>
            <div>
              <label htmlFor={`d-${c.id}`}>{t('portal.incidentDescription')}</label>
              <textarea id={`d-${c.id}`} name="description" rows={2} />
            </div>
            <p>
              <button type="submit" disabled={busy}>
                {t('portal.incidentSubmit')}
              </button>
            </p>
          </Form>
        </details>
      ) : null}
    </li>
  );
}

export default function InvigilatorPortal() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  usePolling(POLL_MS);
  const s = data.session;
  return (
    <>
      <h1>{t('portal.title')}</h1>
      <p>
        {s.centre} – {fill(t('candidate.session'), { date: frDay(s.date, locale), time: s.time, centre: s.address, room: s.room })} –{' '}
        <span className="certif-code">{s.accessCode}</span>
      </p>
      {!s.ready ? (
        <p className="error-message" role="alert">
          {t('detail.parametersNone')}
        </p>
      ) : null}
      <p className="muted">{t('portal.live')}</p>
      <Form method="post">
        <input type="hidden" name="csrf" value={data.csrf} />
        <input type="hidden" name="intent" value="signout" />
        <button type="submit">{t('portal.signOut')}</button>
      </Form>
      <h2>
        {t('candidates.title')} ({data.candidates.length})
      </h2>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {data.candidates.map((c) => (
          <CandidateCard key={c.id} c={c} csrf={data.csrf} busy={busy} result={result && 'candidateId' in result ? result : undefined} />
        ))}
      </ul>
    </>
  );
}

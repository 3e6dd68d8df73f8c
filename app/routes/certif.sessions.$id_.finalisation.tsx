import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import {
  CertificateError,
  COURSE_ABORT_REASONS,
  endedEarly,
  finalisationView,
  finaliseSession,
  INCIDENT_CATEGORIES,
  reportIncident,
  sessionOfCentreMember,
  type CourseAbortReason,
} from '~/models/certificate.server';
import { localeFromRequest, messagesFor, useMessages } from '~/i18n';
import { fill, formatDay } from '~/i18n/apprenant';
import { certificateMessages, errorKey } from '~/i18n/certificat';
import { useRootData } from '~/root';

import certificateStyles from '~/styles/certificat.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certificateStyles }];

export const meta: MetaFunction = () => [{ title: 'Finaliser la session – Pix Workbench' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  const locale = localeFromRequest(request);
  await sessionOfCentreMember(db(), viewer, params.id ?? '');
  const s = await finalisationView(db(), params.id ?? '');
  return {
    categories: [...INCIDENT_CATEGORIES],
    abortReasons: [...COURSE_ABORT_REASONS],
    session: {
      id: s.id,
      date: formatDay(s.date, locale),
      time: s.time,
      room: s.room,
      centre: s.centre.name,
      status: s.status,
      comment: s.comment ?? '',
      finalizedAt: s.finalizedAt ? formatDay(s.finalizedAt, locale) : null,
      publishedAt: s.publishedAt ? formatDay(s.publishedAt, locale) : null,
    },
    candidates: s.candidates.map((c) => ({
      id: c.id,
      name: `${c.lastName} ${c.firstName}`,
      present: Boolean(c.presentAt) || Boolean(c.course),
      hasTest: Boolean(c.course),
      // A test left unfinished or ended by the invigilator: the centre says why when finalising.
      endedEarly: c.course ? endedEarly(c.course.status) : false,
      abortReason: c.course?.abortReason ?? null,
      answers: c.course?.assessment?._count.answers ?? 0,
      // Pass or fail is the jury's to tell: nothing of it reaches the centre before publication.
      result: s.publishedAt ? (c.course?.certificate?.status ?? null) : null,
      issues: (c.course?.issues ?? []).map((i) => ({
        id: i.id,
        category: i.category,
        description: i.description,
        question: i.questionPosition === null ? null : i.questionPosition + 1,
        open: i.needsAction && !i.resolvedAt,
      })),
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'certif');
  const form = await requireForm(request, session);
  const t = messagesFor(certificateMessages, request);
  const sessionId = params.id ?? '';
  await sessionOfCentreMember(db(), session.viewer, sessionId);
  const intent = String(form.get('intent') ?? '');
  try {
    if (intent === 'report') {
      const question = String(form.get('question') ?? '').trim();
      const questionNumber = question === '' ? null : Number(question);
      if (questionNumber !== null && !Number.isInteger(questionNumber)) return { intent, error: t('error.bad_question') };
      await reportIncident(db(), sessionId, {
        candidateId: String(form.get('candidateId') ?? ''),
        category: String(form.get('category') ?? ''),
        description: String(form.get('description') ?? ''),
        questionNumber,
        neutralise: form.get('neutralise') === 'on',
      });
      return { intent, ok: t('final.reported') };
    }
    if (intent === 'finalise') {
      if (form.get('confirm') !== 'on') return { intent, error: t('final.mustConfirm') };
      const attendance = new Map<string, boolean>();
      const abortReasons = new Map<string, CourseAbortReason>();
      for (const id of form.getAll('candidate')) {
        attendance.set(String(id), form.get(`present-${String(id)}`) === 'on');
        const reason = String(form.get(`abort-${String(id)}`) ?? '');
        if ((COURSE_ABORT_REASONS as readonly string[]).includes(reason)) abortReasons.set(String(id), reason as CourseAbortReason);
      }
      const result = await finaliseSession(db(), { sessionId, attendance, abortReasons, comment: String(form.get('comment') ?? ''), now: new Date() });
      return { intent, ok: fill(t('final.finalised'), { scored: result.scored }) };
    }
  } catch (error) {
    if (error instanceof CertificateError) return { intent, error: fill(t(errorKey(error.code)), { n: error.count }) };
    throw error;
  }
  return { intent, error: t('error.unknown_intent') };
}

export default function Finalisation() {
  const { session, candidates, categories, abortReasons } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certificateMessages);
  const { csrfToken } = useRootData();
  const busy = useNavigation().state === 'submitting';
  const editable = session.status === 'CREATED';
  const withTest = candidates.filter((c) => c.hasTest);
  const notice = (intent: string) =>
    data && data.intent === intent ? (
      'error' in data && data.error ? (
        <p className="notice error" role="alert">
          {data.error}
        </p>
      ) : 'ok' in data && data.ok ? (
        <p className="notice success" role="status">
          {data.ok}
        </p>
      ) : null
    ) : null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/certif">{t('final.breadcrumb')}</Link>
      </p>
      <h1>{t('final.title')}</h1>
      <p>{fill(t('final.session'), { date: session.date, time: session.time, room: session.room, centre: session.centre })}</p>
      {notice('finalise')}
      {session.publishedAt ? (
        <p className="notice success" role="status">
          {fill(t('final.published'), { date: session.publishedAt })}
        </p>
      ) : session.finalizedAt ? (
        <p className="notice" role="status" data-testid="finalised">
          {fill(t('final.done'), { date: session.finalizedAt })} {session.status === 'IN_REVIEW' ? t('final.doneReview') : t('final.doneReady')}
        </p>
      ) : (
        <p className="muted">{t('final.intro')}</p>
      )}

      <Form method="post" className="panel" id="finalise-form">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <input type="hidden" name="intent" value="finalise" />
        <h2>{t('final.candidates')}</h2>
        {candidates.length === 0 ? (
          <p>{t('final.noCandidates')}</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('final.name')}</th>
                  <th scope="col">{t('final.present')}</th>
                  <th scope="col">{t('final.test')}</th>
                  <th scope="col">{t('final.incidents')}</th>
                  {session.publishedAt ? <th scope="col">{t('final.result')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.id} data-testid="final-candidate">
                    <th scope="row">{c.name}</th>
                    <td>
                      <input type="hidden" name="candidate" value={c.id} />
                      <input
                        type="checkbox"
                        name={`present-${c.id}`}
                        defaultChecked={c.present}
                        disabled={!editable}
                        aria-label={fill(t('final.presentOf'), { name: c.name })}
                      />
                    </td>
                    <td>
                      {c.hasTest ? fill(t('final.answers'), { n: c.answers }) : t('final.noTest')}
                      {c.endedEarly ? (
                        <>
                          <br />
                          <span>{t('final.endedEarly')}</span>
                          <br />
                          {editable ? (
                            <select
                              name={`abort-${c.id}`}
                              required
                              defaultValue={c.abortReason ?? ''}
                              aria-label={fill(t('final.abortReason'), { name: c.name })}
                              data-testid="abort-reason"
                            >
                              <option value="">{t('final.abortChoose')}</option>
                              {abortReasons.map((r) => (
                                <option key={r} value={r}>
                                  {t(`final.abort.${r}`)}
                                </option>
                              ))}
                            </select>
                          ) : c.abortReason ? (
                            <span>{t(`final.abort.${c.abortReason}`)}</span>
                          ) : null}
                        </>
                      ) : null}
                    </td>
                    <td>
                      {c.issues.length === 0 ? (
                        t('final.noIncident')
                      ) : (
                        <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                          {c.issues.map((i) => (
                            <li key={i.id}>
                              {t(`category.${i.category}` as 'category.OTHER') ?? i.category}
                              {i.question ? ` (${fill(t('jury.question'), { n: i.question })})` : ''} : {i.description} —{' '}
                              {i.open ? t('final.needsAction') : t('final.resolved')}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    {session.publishedAt ? <td>{c.result ? t(`status.${c.result}` as 'status.validated') : '—'}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {editable ? (
          <>
            <label htmlFor="comment">{t('final.comment')}</label>
            <textarea id="comment" name="comment" rows={3} defaultValue={session.comment} maxLength={5000} />
            <p className="inline-check">
              <input type="checkbox" id="confirm" name="confirm" /> <label htmlFor="confirm">{t('final.confirm')}</label>
            </p>
            <button type="submit" className="primary" disabled={busy}>
              {t('final.submit')}
            </button>
          </>
        ) : session.comment ? (
          <p>
            {t('final.commentRead')} : {session.comment}
          </p>
        ) : null}
      </Form>

      {editable && withTest.length > 0 ? (
        <Form method="post" className="panel">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="report" />
          <h2>{t('final.reportTitle')}</h2>
          <p className="muted">{t('final.reportIntro')}</p>
          {notice('report')}
          <label htmlFor="candidateId">{t('final.candidate')}</label>
          <select id="candidateId" name="candidateId" required>
            {withTest.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <label htmlFor="category">{t('final.category')}</label>
          <select id="category" name="category" required>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
          <label htmlFor="description">{t('final.description')}</label>
          <textarea id="description" name="description" rows={2} maxLength={2000} />
          <label htmlFor="question">{t('final.question')}</label>
          <input id="question" name="question" inputMode="numeric" pattern="[0-9]*" style={{ maxWidth: '8rem' }} />
          <p className="inline-check">
            <input type="checkbox" id="neutralise" name="neutralise" /> <label htmlFor="neutralise">{t('final.neutralise')}</label>
          </p>
          <button type="submit" className="secondary" disabled={busy}>
            {t('final.report')}
          </button>
        </Form>
      ) : null}
    </>
  );
}

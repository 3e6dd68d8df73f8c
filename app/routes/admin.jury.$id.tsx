import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { assertJury, CertificateError, decideCandidate, decideIssue, jurySession, publishSession, type IssueDecision } from '~/models/certificate.server';
import { localeFromRequest, messagesFor, useMessages } from '~/i18n';
import { fill, formatDay } from '~/i18n/apprenant';
import { certificateMessages, errorKey } from '~/i18n/certificat';
import { useRootData } from '~/root';
import certificateStyles from '~/styles/certificat.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certificateStyles }];

export const meta: MetaFunction = () => [{ title: 'Jury de certification – Pix Workbench' }];

function notFound(): never {
  throw new Response('Session introuvable', { status: 404 });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'admin');
  assertJury(viewer);
  const locale = localeFromRequest(request);
  const found = await jurySession(db(), params.id ?? '').catch((e) => (e instanceof CertificateError ? notFound() : Promise.reject(e)));
  const { session, openIncidents } = found;
  if (session.status === 'CREATED') notFound();
  return {
    openIncidents,
    session: {
      id: session.id,
      centre: session.centre.name,
      date: formatDay(session.date, locale),
      status: session.status,
      comment: session.comment,
      publishedAt: session.publishedAt ? formatDay(session.publishedAt, locale) : null,
    },
    candidates: session.courses.map((c) => ({
      courseId: c.id,
      name: `${c.candidate.lastName} ${c.candidate.firstName}`,
      status: c.certificate?.status ?? null,
      pixScore: c.certificate?.pixScore ?? null,
      theta: c.certificate?.theta ?? null,
      thetaSe: c.certificate?.thetaSe ?? null,
      answersCounted: c.certificate?.answersCounted ?? 0,
      answers: c.assessment?._count.answers ?? 0,
      abandoned: c.certificate?.abandoned ?? false,
      juryComment: c.certificate?.juryComment ?? null,
      issues: c.issues.map((i) => ({
        id: i.id,
        category: i.category,
        description: i.description,
        question: i.questionPosition === null ? null : i.questionPosition + 1,
        neutralise: i.neutralise,
        open: i.needsAction && !i.resolvedAt,
        resolution: i.resolution,
      })),
    })),
  };
}

const DECISIONS: IssueDecision[] = ['validate', 'neutralise', 'cancel'];

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'admin');
  assertJury(session.viewer);
  const form = await requireForm(request, session);
  const t = messagesFor(certificateMessages, request);
  const sessionId = params.id ?? '';
  const intent = String(form.get('intent') ?? '');
  const target = String(form.get('issueId') ?? form.get('courseId') ?? '');
  const comment = String(form.get('comment') ?? '');
  const question = String(form.get('question') ?? '').trim();
  const questionNumber = question === '' ? null : Number(question);
  // Every decision must concern this session.
  const { session: current } = await jurySession(db(), sessionId).catch((e) => (e instanceof CertificateError ? notFound() : Promise.reject(e)));
  try {
    if (intent === 'issue') {
      const decision = String(form.get('decision') ?? '') as IssueDecision;
      if (!DECISIONS.includes(decision)) return { intent, target, error: t('error.unknown_intent') };
      if (!current.courses.some((c) => c.issues.some((i) => i.id === target))) notFound();
      if (questionNumber !== null && !Number.isInteger(questionNumber)) return { intent, target, error: t('error.bad_question') };
      await decideIssue(db(), { issueId: target, decision, comment, userId: session.viewer.id, now: new Date(), questionNumber });
      return { intent, target, ok: t('jury.saved') };
    }
    if (intent === 'candidate') {
      const decision = String(form.get('decision') ?? '');
      if (decision !== 'cancel' && decision !== 'neutralise' && decision !== 'restore') return { intent, target, error: t('error.unknown_intent') };
      if (!current.courses.some((c) => c.id === target)) notFound();
      if (questionNumber !== null && !Number.isInteger(questionNumber)) return { intent, target, error: t('error.bad_question') };
      await decideCandidate(db(), { courseId: target, decision, comment, questionNumber, userId: session.viewer.id });
      return { intent, target, ok: t('jury.saved') };
    }
    if (intent === 'publish') {
      if (form.get('confirm') !== 'on') return { intent, target: '', error: t('jury.publishMustConfirm') };
      const result = await publishSession(db(), sessionId, new Date());
      return { intent, target: '', ok: fill(t('jury.published'), { n: result.published }) };
    }
  } catch (error) {
    if (error instanceof CertificateError) return { intent, target, error: fill(t(errorKey(error.code)), { n: error.count }) };
    throw error;
  }
  return { intent, target, error: t('error.unknown_intent') };
}

const RESOLUTIONS = ['validated', 'neutralised', 'cancelled'] as const;

/** A stored resolution ("validated : comment", see decideIssue) in the page's language; anything else as stored. */
function resolutionInWords(resolution: string, t: (key: `jury.resolution.${(typeof RESOLUTIONS)[number]}`) => string): string {
  const [code, ...rest] = resolution.split(' : ');
  const known = RESOLUTIONS.find((r) => r === code);
  if (!known) return resolution;
  const comment = rest.join(' : ');
  return comment ? `${t(`jury.resolution.${known}`)} — ${comment}` : t(`jury.resolution.${known}`);
}

export default function JurySession() {
  const { session, candidates, openIncidents } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certificateMessages);
  const { csrfToken } = useRootData();
  const busy = useNavigation().state === 'submitting';
  const editable = session.status !== 'PUBLISHED';
  const notice = (intent: string, target: string) =>
    data && data.intent === intent && data.target === target ? (
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
  const csrf = <input type="hidden" name="csrf" value={csrfToken ?? ''} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/jury">{t('jury.back')}</Link>
      </p>
      <h1>{fill(t('jury.sessionTitle'), { date: session.date, centre: session.centre })}</h1>
      {session.comment ? <p>{fill(t('jury.centreComment'), { comment: session.comment })}</p> : null}

      <section className="panel" aria-labelledby="publish-title">
        <h2 id="publish-title">{t('jury.publish')}</h2>
        {notice('publish', '')}
        {session.publishedAt ? (
          <p role="status">{fill(t('final.published'), { date: session.publishedAt })}</p>
        ) : (
          <>
            {data && data.intent === 'publish' && 'error' in data && data.error ? null : openIncidents > 0 ? (
              <p className="notice error" data-testid="publish-blocked">
                {fill(t('jury.blocked'), { n: openIncidents })}
              </p>
            ) : (
              <p className="notice success">{t('jury.publishReady')}</p>
            )}
            <Form method="post">
              {csrf}
              <input type="hidden" name="intent" value="publish" />
              <p className="inline-check">
                <input type="checkbox" id="publish-confirm" name="confirm" />
                <label htmlFor="publish-confirm">{t('jury.publishConfirm')}</label>
              </p>
              <button type="submit" className="primary" disabled={busy}>
                {t('jury.publish')}
              </button>
            </Form>
          </>
        )}
      </section>

      <h2>{t('final.candidates')}</h2>
      <p className="muted" data-testid="jury-figures-help">
        {t('jury.figuresHelp')}
      </p>
      {candidates.map((c) => (
        <section key={c.courseId} className="jury-candidate" aria-labelledby={`cand-${c.courseId}`} data-testid="jury-candidate">
          <h3 id={`cand-${c.courseId}`}>{c.name}</h3>
          <p>
            <strong>{c.status ? t(`status.${c.status}` as 'status.validated') : '—'}</strong>
            {c.pixScore !== null ? ` · ${fill(t('cert.pix'), { pix: c.pixScore })}` : ''}
            {c.theta !== null ? ` · ${t('jury.theta')} = ${c.theta.toFixed(2)} ± ${(c.thetaSe ?? 0).toFixed(2)}` : ''}
            {` · ${t('jury.answers')} : ${c.answersCounted} / ${c.answers}`}
            {c.abandoned ? ` · ${t('jury.abandoned')}` : ''}
          </p>
          {c.juryComment ? (
            <p>
              {t('jury.comment')} : {c.juryComment}
            </p>
          ) : null}
          {c.issues.map((i) => (
            <div key={i.id} className={`jury-issue${i.open ? '' : ' decided'}`} data-testid="jury-issue">
              <p style={{ margin: '.25rem 0' }}>
                <strong>{t(`category.${i.category}` as 'category.OTHER') ?? i.category}</strong>
                {i.question ? ` (${fill(t('jury.question'), { n: i.question })})` : ''}
                {i.neutralise ? ` — ${t('jury.neutraliseAsked')}` : ''} : {i.description}
              </p>
              {i.open && editable ? (
                <Form method="post" className="jury-decision">
                  {csrf}
                  <input type="hidden" name="intent" value="issue" />
                  <input type="hidden" name="issueId" value={i.id} />
                  {notice('issue', i.id)}
                  <fieldset>
                    <legend>{t('jury.decision')}</legend>
                    {DECISIONS.map((d) => (
                      <label key={d}>
                        <input type="radio" name="decision" value={d} defaultChecked={d === (i.neutralise ? 'neutralise' : 'validate')} required />{' '}
                        {t(`jury.decide.${d}`)}
                      </label>
                    ))}
                  </fieldset>
                  {i.question === null ? (
                    <div>
                      <label htmlFor={`q-${i.id}`}>{t('jury.questionNumber')}</label>
                      <input id={`q-${i.id}`} name="question" inputMode="numeric" style={{ maxWidth: '6rem' }} />
                    </div>
                  ) : null}
                  <div>
                    <label htmlFor={`c-${i.id}`}>{t('jury.comment')}</label>
                    <input id={`c-${i.id}`} name="comment" maxLength={2000} />
                  </div>
                  <button type="submit" className="primary" disabled={busy}>
                    {t('jury.decideSubmit')}
                  </button>
                </Form>
              ) : (
                <p className="muted" style={{ margin: '.25rem 0' }}>
                  {i.resolution ? fill(t('jury.decided'), { resolution: resolutionInWords(i.resolution, t) }) : i.neutralise ? t('jury.neutralisedOnSite') : ''}
                </p>
              )}
            </div>
          ))}
          {editable && c.status ? (
            <Form method="post" className="jury-decision">
              {csrf}
              <input type="hidden" name="intent" value="candidate" />
              <input type="hidden" name="courseId" value={c.courseId} />
              {notice('candidate', c.courseId)}
              <div>
                <label htmlFor={`a-${c.courseId}`}>{fill(t('jury.candidateActions'), { name: c.name })}</label>
                <select id={`a-${c.courseId}`} name="decision">
                  <option value="neutralise">{t('jury.decide.neutralise')}</option>
                  <option value="cancel">{t('jury.decide.cancel')}</option>
                  <option value="restore">{t('jury.restore')}</option>
                </select>
              </div>
              <div>
                <label htmlFor={`aq-${c.courseId}`}>{t('jury.questionNumber')}</label>
                <input id={`aq-${c.courseId}`} name="question" inputMode="numeric" style={{ maxWidth: '6rem' }} />
              </div>
              <div>
                <label htmlFor={`ac-${c.courseId}`}>{t('jury.comment')}</label>
                <input id={`ac-${c.courseId}`} name="comment" maxLength={2000} />
              </div>
              <button type="submit" className="secondary" disabled={busy}>
                {t('jury.apply')}
              </button>
            </Form>
          ) : null}
        </section>
      ))}
    </>
  );
}

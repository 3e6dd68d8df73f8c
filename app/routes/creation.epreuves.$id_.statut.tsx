import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound, unknownAction } from '~/lib/http-error.server';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { ChallengeError, createDeclination, getChallenge, listVersions } from '~/models/challenge.server';
import {
  WORKFLOW_ACTIONS,
  WorkflowError,
  addComment,
  availableActions,
  changeStatus,
  isAuthorOf,
  isReviewer,
  listComments,
  mayValidateAsAuthor,
  statusHistory,
  type WorkflowAction,
} from '~/models/workflow.server';
import { redactForLearner } from '../../engine/challenges';
import { ChallengeHeader, StatusBadge, formatDateTime } from '~/components/challenge/ChallengeHeader';
import { ChallengeView } from '~/components/challenge/ChallengeView';
import { AnswerKey } from '~/components/challenge/AnswerKey';
import { creationMessages, workbenchMessages } from '~/i18n/creation';
import { challengeQuality, linksToCheck } from '~/models/quality.server';
import { requestChallengeLinkCheck } from '~/lib/queues.server';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Statut et relecture de ${data?.challenge.key ?? ''} – Création` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const challenge = await getChallenge(db(), params.id ?? '');
  if (!challenge || !challenge.body || !challenge.version) throw notFound('challenge');
  const [history, comments, versions, ownWork, mayValidate, quality] = await Promise.all([
    statusHistory(db(), challenge.id),
    listComments(db(), challenge.id),
    listVersions(db(), challenge.id),
    isAuthorOf(db(), challenge.id, viewer.id),
    mayValidateAsAuthor(db(), challenge.id, viewer.id),
    challengeQuality(db(), challenge.body),
  ]);
  // Addresses never checked (or long ago) go to the link checker; until it answers they are "not verified".
  const toCheck = await linksToCheck(db(), challenge.body);
  const linkCheckRequested =
    toCheck.length > 0
      ? await requestChallengeLinkCheck(toCheck).then(
          () => true,
          () => false,
        )
      : false;
  const { body, ...summary } = challenge;
  return {
    challenge: summary,
    body,
    linkCheckRequested,
    // The learner renderer gets the redacted view only.
    view: redactForLearner(body, challenge.id).view,
    history,
    comments,
    versionNumbers: versions.map((v) => v.number),
    actions: availableActions(challenge.status, viewer.roles, challenge.proposalStatus),
    reviewer: isReviewer(viewer.roles),
    ownWork,
    mayValidate,
    quality,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  const id = params.id ?? '';
  const intent = String(form.get('intent') ?? '');
  const message = String(form.get('message') ?? '');
  try {
    if (intent === 'comment') {
      const version = String(form.get('version') ?? '');
      await addComment(db(), { challengeId: id, versionNumber: version ? Number(version) : null, userId: session.viewer.id, body: message });
      return redirect(`/creation/epreuves/${id}/statut?fait=comment#commentaires`);
    }
    if (intent === 'decline') {
      const d = await createDeclination(db(), { prototypeId: id, userId: session.viewer.id });
      return redirect(`/creation/epreuves/${d.challengeId}?enregistre=1`);
    }
    if ((WORKFLOW_ACTIONS as readonly string[]).includes(intent)) {
      const result = await changeStatus(db(), {
        challengeId: id,
        action: intent as WorkflowAction,
        userId: session.viewer.id,
        roles: session.viewer.roles,
        message,
        confirmRetire: form.get('confirmRetire') === 'on',
      });
      const retired = result.retired.length > 0 ? `&perimees=${encodeURIComponent(result.retired.join(','))}` : '';
      const done = result.proposal && intent === 'validate' ? 'validateProposal' : intent;
      return redirect(`/creation/epreuves/${id}/statut?fait=${done}${retired}`);
    }
    throw unknownAction();
  } catch (error) {
    if (error instanceof WorkflowError || error instanceof ChallengeError) {
      const details = error instanceof WorkflowError ? error.details : [];
      return data({ intent, error: error.message, code: error.code, details }, { status: error.code === 'reviewerOnly' ? 403 : 400 });
    }
    throw error;
  }
}

const ACTION_STYLE: Record<WorkflowAction, string> = {
  submit: 'primary',
  validate: 'primary',
  sendBack: 'secondary',
  archive: 'secondary',
  retire: 'danger',
  revive: 'secondary',
};

export default function StatusPage() {
  const { challenge, body, view, history, comments, versionNumbers, actions, reviewer, ownWork, mayValidate, quality, linkCheckRequested } =
    useLoaderData<typeof loader>();
  const actionData = useActionData() as { intent: string; error: string; code: string; details?: string[] } | undefined;
  const w = useMessages(workbenchMessages);
  const navigation = useNavigation();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const done = params.get('fait');
  const retired = params.get('perimees');
  const csrf = <input type="hidden" name="csrf" value={csrfToken ?? ''} />;
  const errorFor = (intent: string) => (actionData && actionData.intent === intent ? actionData.error : null);
  const busy = navigation.state !== 'idle';

  return (
    <>
      <ChallengeHeader challenge={challenge} />
      {done && !actionData ? (
        <div className="notice success" role="status">
          <p>{t(`workflow.done.${done as 'submit'}`) ?? ''}</p>
          {retired ? (
            <p>
              {t('workflow.retiredList')} {retired.split(',').join(', ')}
            </p>
          ) : null}
        </div>
      ) : null}

      <div className="status-layout">
        <div>
          <section className="panel" aria-labelledby="workflow-title">
            <h2 id="workflow-title">{t('workflow.title')}</h2>
            <p>
              {t('workflow.current')} <StatusBadge status={challenge.status} />
            </p>
            {challenge.proposalStatus && challenge.version && challenge.liveVersion ? (
              <div className="notice" data-testid="proposal-notice">
                <p>{t('workflow.proposal').replace('{current}', String(challenge.version.number)).replace('{live}', String(challenge.liveVersion.number))}</p>
                <p>
                  {t('workflow.proposalStatus')} <StatusBadge status={challenge.proposalStatus} />
                </p>
              </div>
            ) : challenge.status === 'valide' && challenge.liveVersion ? (
              <p className="muted small">{t('workflow.liveVersion').replace('{live}', String(challenge.liveVersion.number))}</p>
            ) : null}
            {actions.length === 0 ? <p className="muted">{t('workflow.noAction')}</p> : null}
            {actions.map((a) => {
              const blocked = a === 'validate' && !mayValidate;
              const error = errorFor(a);
              const needsMessage = a !== 'submit';
              return (
                <div key={a} className="workflow-action">
                  <h3 id={`wf-${a}`}>{t(`workflow.action.${a}`)}</h3>
                  <p className="muted small">{t(`workflow.help.${a}`)}</p>
                  {blocked ? (
                    <p className="notice">{t('workflow.selfValidation')}</p>
                  ) : (
                    <Form method="post" className="stack wide" aria-labelledby={`wf-${a}`}>
                      {csrf}
                      <input type="hidden" name="intent" value={a} />
                      <div>
                        <label htmlFor={`message-${a}`}>
                          {needsMessage ? t(a === 'sendBack' ? 'workflow.commentRequired' : 'workflow.messageRequired') : t('workflow.messageOptional')}
                        </label>
                        <textarea
                          id={`message-${a}`}
                          name="message"
                          rows={2}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `message-${a}-error` : undefined}
                        />
                        {error ? (
                          <div className="error-message" id={`message-${a}-error`} role="alert">
                            <p>{error}</p>
                            {actionData?.details && actionData.details.length > 0 ? (
                              <ul data-testid="quality-refusal">
                                {actionData.details.map((d) => (
                                  <li key={d}>{d}</li>
                                ))}
                              </ul>
                            ) : null}
                          </div>
                        ) : null}
                      </div>
                      {a === 'validate' && actionData?.intent === 'validate' && actionData.code === 'retireConfirm' ? (
                        <div className="checkbox-row">
                          <input type="checkbox" id="confirm-retire" name="confirmRetire" required />
                          <label htmlFor="confirm-retire">{t('workflow.confirmRetire')}</label>
                        </div>
                      ) : null}
                      <div>
                        <button type="submit" className={ACTION_STYLE[a]} disabled={busy}>
                          {t(`workflow.button.${a}`)}
                        </button>
                      </div>
                    </Form>
                  )}
                </div>
              );
            })}
            {!reviewer ? <p className="muted small">{t('workflow.authorNote')}</p> : null}
            {ownWork && reviewer && mayValidate ? <p className="muted small">{t('workflow.ownAllowed')}</p> : null}
          </section>

          <section className="panel" aria-labelledby="quality-title" data-testid="quality-checklist">
            <h2 id="quality-title">{w('quality.title')}</h2>
            <p className="muted small">{w('quality.intro')}</p>
            <ul className="quality-checklist">
              {quality.checklist.map((c) => {
                const problems = quality.problems.filter((p) => p.check === c.check);
                const unchecked = c.unchecked ?? [];
                const state = !c.ok ? (c.blocking ? 'blocking' : 'warning') : unchecked.length > 0 ? 'unchecked' : 'ok';
                return (
                  <li key={c.check} className={`quality-${state === 'unchecked' ? 'warning' : state}`} data-check={c.check} data-state={state}>
                    <span aria-hidden="true">{state === 'ok' ? '✓' : state === 'blocking' ? '✗' : state === 'unchecked' ? '?' : '!'}</span>{' '}
                    {w(`quality.check.${c.check}`)} :{' '}
                    <strong>
                      {w(
                        state === 'ok'
                          ? 'quality.ok'
                          : state === 'blocking'
                            ? 'quality.blocking'
                            : state === 'unchecked'
                              ? 'quality.unchecked'
                              : 'quality.warning',
                      )}
                    </strong>
                    {problems.length > 0 ? (
                      <ul>
                        {problems.map((p, i) => (
                          <li key={i}>{p.message}</li>
                        ))}
                      </ul>
                    ) : null}
                    {unchecked.length > 0 ? (
                      <p className="muted small">
                        {w(linkCheckRequested ? 'quality.uncheckedRequested' : 'quality.uncheckedNote')} {unchecked.join(', ')}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            {quality.blocking ? <p className="notice">{w('quality.blocked')}</p> : null}
          </section>

          <section className="panel" aria-labelledby="declinations-title">
            <h2 id="declinations-title">{challenge.isPrototype ? t('declinations.title') : t('declinations.prototype')}</h2>
            {challenge.isPrototype ? (
              <>
                {challenge.declinations.length > 0 ? (
                  <ul>
                    {challenge.declinations.map((d) => (
                      <li key={d.id}>
                        <Link to={`/creation/epreuves/${d.id}`}>{d.key}</Link> <StatusBadge status={d.status} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">{t('declinations.none')}</p>
                )}
                <p className="muted small">{t('declinations.rule')}</p>
                <Form method="post">
                  {csrf}
                  <input type="hidden" name="intent" value="decline" />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t('declinations.create')}
                  </button>
                  {errorFor('decline') ? (
                    <p className="error-message" role="alert">
                      {errorFor('decline')}
                    </p>
                  ) : null}
                </Form>
              </>
            ) : challenge.prototype ? (
              <p>
                <Link to={`/creation/epreuves/${challenge.prototype.id}`}>{challenge.prototype.key}</Link> <StatusBadge status={challenge.prototype.status} />
                <br />
                <span className="muted small">{t('declinations.needsLivePrototype')}</span>
              </p>
            ) : null}
          </section>

          <section className="panel" aria-labelledby="comments-title" id="commentaires">
            <h2 id="comments-title">
              {t('comments.title')} ({comments.length})
            </h2>
            {comments.length > 0 ? (
              <ol className="comment-list">
                {comments.map((c) => (
                  <li key={c.id}>
                    <p className="muted small">
                      {c.by}, {formatDateTime(c.createdAt, locale)}
                      {c.versionNumber ? ` · ${t('comments.onVersion')} ${c.versionNumber}` : ''}
                    </p>
                    <p className="comment-body">{c.body}</p>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{t('comments.none')}</p>
            )}
            <Form method="post" className="stack wide">
              {csrf}
              <input type="hidden" name="intent" value="comment" />
              <div>
                <label htmlFor="comment-body">{t('comments.label')}</label>
                <textarea
                  id="comment-body"
                  name="message"
                  rows={3}
                  aria-invalid={errorFor('comment') ? true : undefined}
                  aria-describedby={errorFor('comment') ? 'comment-error' : undefined}
                />
                {errorFor('comment') ? (
                  <p className="error-message" id="comment-error" role="alert">
                    {errorFor('comment')}
                  </p>
                ) : null}
              </div>
              <div>
                <label htmlFor="comment-version">{t('comments.version')}</label>
                <select id="comment-version" name="version" defaultValue={challenge.version?.number}>
                  {versionNumbers.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <button type="submit" className="secondary" disabled={busy}>
                  {t('comments.submit')}
                </button>
              </div>
            </Form>
          </section>

          <section className="panel" aria-labelledby="status-history-title">
            <h2 id="status-history-title">{t('workflow.history')}</h2>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('history.date')}</th>
                    <th scope="col">{t('workflow.change')}</th>
                    <th scope="col">{t('history.author')}</th>
                    <th scope="col">{t('history.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((h) => (
                    <tr key={h.id}>
                      <td>{formatDateTime(h.createdAt, locale)}</td>
                      <td>
                        {h.from ? <StatusBadge status={h.from} /> : '—'} → <StatusBadge status={h.to} />
                      </td>
                      <td>{h.by ?? '—'}</td>
                      <td>{h.message || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </div>

        <aside className="panel review-content" aria-labelledby="review-content-title">
          <h2 id="review-content-title">
            {t('review.content')} {challenge.version?.number}
          </h2>
          <ChallengeView view={view} disabled headingLevel={3} title={t('preview.question')} />
          <h3>{t('review.key')}</h3>
          <AnswerKey body={body} />
          <p>
            <Link to={`/creation/epreuves/${challenge.id}`}>{t('review.tryInEditor')}</Link>
          </p>
        </aside>
      </div>
    </>
  );
}

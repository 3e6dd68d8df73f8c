/**
 * The adaptive test of an assessment campaign: the current challenge (the redacted learner view only,
 * never a solution), « Je passe », the progress, the timer; the learner may leave and come back to the
 * same question. POST intent=answer. The engine and its guarantees: campaign-assessment.server.ts.
 */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, isRouteErrorResponse, useActionData, useLoaderData, useRouteError, type ShouldRevalidateFunction } from '@remix-run/react';
import { requireForm, requireViewer } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { completeParticipation, currentParticipation, resumeParticipationTest } from '~/models/campaign.server';
import { campaignStep, submitCampaignAnswer, type CampaignChallengeStep } from '~/models/campaign-assessment.server';
import { requestAggregateRefresh } from '~/lib/queues.server';
import { PositioningError } from '~/models/positioning.server';
import { responseFromForm } from '~/components/challenge/response';
import { ChallengeView } from '~/components/challenge/ChallengeView';
import { Timer } from '~/components/learner/Timer';
import { useAnswerSubmit, useFocusLost, useQuestionHeading } from '~/components/learner/question-page';
import { localeFromRequest, messagesFor, useMessages } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';
import { campaignMessages } from '~/i18n/campagne';
import { useRootData } from '~/root';
import { normalizeCode } from '../../engine/framework';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Question ${(data?.step.position ?? 0) + 1} – ${data?.campaign.title ?? data?.campaign.name ?? ''} – Pix Workbench` }];

/** What the page gets of a challenge step: the learner view, never anything of the solution. */
function pageStep(step: CampaignChallengeStep) {
  return { assessmentId: step.assessmentId, challengeId: step.challengeId, position: step.position, view: step.view, timer: step.timer, secondsLeft: step.secondsLeft, progress: step.progress };
}

function refusal(error: unknown, request: Request): never {
  if (error instanceof PositioningError) {
    const t = messagesFor(campaignMessages, request);
    const key = error.code === 'not_asked' || error.code === 'no_release' || error.code === 'bad_response' ? (`error.${error.code}` as const) : 'error.generic';
    throw new Response(t(key), { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const code = normalizeCode(params.code ?? '');
  const current = await currentParticipation(db(), viewer.id, code);
  if (!current || current.participation.status !== 'STARTED') throw redirect(`/campagnes/${code}`);
  let step;
  try {
    const now = new Date();
    step = await campaignStep(db(), { userId: viewer.id, participationId: current.participation.id, now }, completeParticipation);
    if (step.kind === 'none') {
      // The participation has no test yet (an interrupted start): start it now.
      await resumeParticipationTest(db(), current.participation.id, viewer.id, now, localeFromRequest(request));
      step = await campaignStep(db(), { userId: viewer.id, participationId: current.participation.id, now }, completeParticipation);
    }
  } catch (error) {
    refusal(error, request);
  }
  if (step.kind !== 'challenge') {
    if (step.kind === 'completed') await requestAggregateRefresh(current.campaign.id);
    throw redirect(`/campagnes/${code}`);
  }
  return { campaign: current.campaign, step: pageStep(step) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireViewer(request);
  const form = await requireForm(request, session);
  const code = normalizeCode(params.code ?? '');
  if (form.get('intent') !== 'answer') throw new Response('Action inconnue', { status: 400 });
  const current = await currentParticipation(db(), session.viewer.id, code);
  if (!current) throw redirect(`/campagnes/${code}`);
  const now = new Date();
  try {
    const outcome = await submitCampaignAnswer(
      db(),
      {
        userId: session.viewer.id,
        participationId: current.participation.id,
        assessmentId: String(form.get('assessmentId') ?? ''),
        challengeId: String(form.get('challengeId') ?? ''),
        response: form.get('skipped') === '1' ? { skipped: true } : (answer) => responseFromForm(answer, form),
        now,
      },
      completeParticipation,
    );
    if (outcome.next === 'completed') {
      await requestAggregateRefresh(current.campaign.id);
      return redirect(`/campagnes/${code}`);
    }
    if (outcome.step) return { step: pageStep(outcome.step) };
    // A duplicate: the page reads where the test stands.
    return redirect(`/campagnes/${code}/evaluation`);
  } catch (error) {
    refusal(error, request);
  }
}

/** After an answer, the action's data holds the next question: the loaders have nothing new to say. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === 'object' && 'step' in actionResult ? false : defaultShouldRevalidate;

export default function CampaignTest() {
  const loaded = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const answered = data && 'step' in data ? data.step : null;
  const step = answered && answered.position >= loaded.step.position ? answered : loaded.step;
  const t = useMessages(campaignMessages);
  const tl = useMessages(learnerMessages);
  const { csrfToken } = useRootData();
  const heading = useQuestionHeading(step.challengeId);
  const focusLost = useFocusLost(step.challengeId, step.view.focused);
  const { busy, onSubmit } = useAnswerSubmit();
  const code = loaded.campaign.code;

  return (
    <>
      <header className="test-header">
        <p className="eyebrow">{fill(t('test.eyebrow'), { name: loaded.campaign.title ?? loaded.campaign.name })}</p>
        <h1 ref={heading} tabIndex={-1}>{fill(tl('test.question'), { n: step.position + 1 })}</h1>
        <div className="test-progress">
          <label htmlFor="test-progress">{t('test.progress')}</label>
          <progress id="test-progress" className="bar" max={100} value={Math.round(step.progress * 100)} />
        </div>
      </header>
      {step.secondsLeft !== null ? <Timer key={step.challengeId} secondsLeft={step.secondsLeft} /> : null}
      {focusLost ? <p className="error-message" role="alert">{tl('test.focusLost')}</p> : null}
      <div onSubmit={onSubmit} data-testid="challenge" data-challenge-id={step.challengeId}>
        <ChallengeView
          key={step.challengeId}
          view={step.view}
          title={tl('test.instruction')}
          allowSkip
          disabled={busy}
          hiddenFields={{ csrf: csrfToken ?? '', intent: 'answer', assessmentId: step.assessmentId, challengeId: step.challengeId }}
        >
          {busy ? <p className="muted" role="status">{tl('test.sending')}</p> : null}
        </ChallengeView>
      </div>
      <footer className="test-footer">
        <p className="muted">{t('test.leaveHint')}</p>
        <Link to={`/campagnes/${code}`}>{t('test.leave')}</Link>
      </footer>
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useMessages(campaignMessages);
  const message = isRouteErrorResponse(error) ? (typeof error.data === 'string' ? error.data : error.statusText) : t('error.generic');
  return (
    <section className="panel" role="alert">
      <h1>{isRouteErrorResponse(error) && error.status === 403 ? t('test.refused') : t('test.unavailable')}</h1>
      <p>{message}</p>
      <p><Link to="/campagnes">{t('test.back')}</Link></p>
    </section>
  );
}

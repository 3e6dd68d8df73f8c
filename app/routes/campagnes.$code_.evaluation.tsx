/**
 * The adaptive test of an assessment campaign: the current challenge (the redacted learner view only,
 * never a solution), « Je passe », the progress, the timer; the learner may leave and come back to the
 * same question. POST intent=answer. The engine and its guarantees: campaign-assessment.server.ts.
 */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { completeParticipation, currentParticipation, resumeParticipationTest } from '~/models/campaign.server';
import { campaignStep, submitCampaignAnswer, type CampaignChallengeStep } from '~/models/campaign-assessment.server';
import { requestAggregateRefresh } from '~/lib/queues.server';
import { PositioningError } from '~/models/positioning-error.server';
import { responseFromForm } from '~/lib/learner-response';
import { latestQuestion, TestErrorPanel, TestQuestion } from '~/components/learner/TestQuestion';
import { fill, localeFromRequest, messagesFor, useMessages } from '~/i18n';
import { campaignMessages } from '~/i18n/campagne';
import { normalizeCode } from '../../engine/framework';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Question ${(data?.step.position ?? 0) + 1} – ${data?.campaign.title ?? data?.campaign.name ?? ''} – Pix Workbench` },
];

/** What the page gets of a challenge step: the learner view, never anything of the solution. */
function pageStep(step: CampaignChallengeStep) {
  return {
    assessmentId: step.assessmentId,
    challengeId: step.challengeId,
    position: step.position,
    view: step.view,
    timer: step.timer,
    secondsLeft: step.secondsLeft,
    progress: step.progress,
  };
}

function refusal(error: unknown, request: Request): never {
  if (error instanceof PositioningError) {
    const t = messagesFor(campaignMessages, request);
    const key =
      error.code === 'not_asked' || error.code === 'no_release' || error.code === 'bad_response' || error.code === 'response_too_large'
        ? (`error.${error.code}` as const)
        : 'error.generic';
    throw new Response(t(key), { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewerOutsideCertification(request);
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
  const session = await requireViewerOutsideCertification(request);
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
  const step = latestQuestion(loaded.step, data && 'step' in data ? data.step : null);
  const t = useMessages(campaignMessages);
  return (
    <TestQuestion
      question={step}
      eyebrow={fill(t('test.eyebrow'), { name: loaded.campaign.title ?? loaded.campaign.name })}
      progressLabel={t('test.progress')}
      leaveHint={t('test.leaveHint')}
      leave={{ to: `/campagnes/${loaded.campaign.code}`, label: t('test.leave') }}
    />
  );
}

export function ErrorBoundary() {
  const t = useMessages(campaignMessages);
  return (
    <TestErrorPanel
      titles={{ refused: t('test.refused'), unavailable: t('test.unavailable') }}
      fallback={t('error.generic')}
      back={{ to: '/campagnes', label: t('test.back') }}
    />
  );
}

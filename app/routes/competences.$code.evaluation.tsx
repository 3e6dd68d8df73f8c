/**
 * The competence test: the current challenge (the redacted learner view only, never a solution), "Je
 * passe", the progress, the timer of a timed challenge; the learner may leave at any point and come back
 * to the same question. POST: start or resume the test (intent=start), or answer (intent=answer).
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useEffect, useState } from 'react';
// redirect from @remix-run/react: the same function as @remix-run/node's, usable in the clientAction too.
import { Form, Link, redirect, useActionData, useLoaderData, type ClientActionFunctionArgs, type ShouldRevalidateFunction } from '@remix-run/react';
import { assertPostedForm, requireForm, type CurrentSession } from '~/lib/session.server';
import type { RequestHead } from '~/lib/request-head';
import { learnerFormAdmission, requireLearnerSpace } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { asResponse, positioningMessage } from '~/lib/learner.server';
import {
  currentStep,
  startPositioning,
  startPositioningIfAdmitted,
  submitAnswer,
  submitAnswerIfAdmitted,
  type AnswerInput,
  type AnswerOutcome,
  type ChallengeStep,
} from '~/models/positioning.server';
import { PositioningError } from '~/models/positioning-error.server';
import { completedTestSinceReset } from '~/models/knowledge.server';
import { responseFromForm } from '~/lib/learner-response';
import { resultsPageData } from '~/lib/results-page.server';
import { BRING_RESULTS_FIELD, handOver } from '~/lib/results-handoff';
import { latestQuestion, TestErrorPanel, TestQuestion } from '~/components/learner/TestQuestion';
import { useMessages, useTitle } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';
import { useRootData } from '~/root';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title:
      data?.step.kind === 'challenge'
        ? `Question ${data.step.position + 1} – ${data.competence.code} – Pix Workbench`
        : `Compétence ${data?.competence.code ?? ''} – Pix Workbench`,
  },
];

function testUrl(code: string) {
  return `/competences/${code}/evaluation`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireLearnerSpace(request);
  const code = params.code ?? '';
  let step;
  try {
    step = await currentStep(db(), { userId: viewer.id, competenceCode: code, now: new Date() });
  } catch (error) {
    asResponse(error, request);
  }
  if (step.kind === 'completed') throw redirect(`/competences/${code}/resultats`);
  const competence = step.competence;
  if (step.kind === 'none') {
    // A test completed since the last reset: its results (from where the learner may improve).
    if (await completedTestSinceReset(db(), viewer.id, competence.id)) throw redirect(`/competences/${code}/resultats`);
    return { competence, step: { kind: 'none' as const } };
  }
  return { competence, step: pageStep(step) };
}

/** What the page gets of a challenge step: the learner view, never anything of the solution. */
function pageStep(step: ChallengeStep) {
  return {
    kind: 'challenge' as const,
    assessmentId: step.assessmentId,
    challengeId: step.challengeId,
    position: step.position,
    view: step.view,
    timer: step.timer,
    secondsLeft: step.secondsLeft,
    progress: step.progress,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireLearnerSpace(request);
  const form = await requireForm(request, session);
  return testAction(request, params.code ?? '', session, form);
}

/**
 * The same action for the web server's direct path (scripts/direct-actions.ts), which reads the
 * urlencoded form itself and hands over the request's head without building a `Request`: the same guards
 * in the same order (session and certification lock, origin, CSRF token), then the same work.
 */
export async function directAction({ request, params, form }: { request: RequestHead; params: Record<string, string | undefined>; form: URLSearchParams }) {
  const intent = form.get('intent');
  const code = params.code ?? '';
  // The answer, or a new test, written with the guards checked inside its statement (the session read
  // last in this process, checked again by the database); else (null) the usual way below.
  const now = new Date();
  const admission = intent === 'answer' || intent === 'start' ? await learnerFormAdmission(request, form, now) : null;
  if (admission && intent === 'answer') {
    const outcome = await submitAnswerIfAdmitted(db(), answerInput(admission.session, code, form, now), admission.admit);
    if (outcome) {
      try {
        return await afterAnswer(request, code, admission.session, form, outcome, now);
      } catch (error) {
        asResponse(error, request);
      }
    }
  } else if (admission) {
    const viewer = admission.session.viewer;
    const started = await startPositioningIfAdmitted(db(), { userId: viewer.id, competenceCode: code, locale: viewer.locale, now }, admission.admit);
    if (started?.step) return { step: pageStep(started.step) };
  }
  const session = await requireLearnerSpace(request);
  assertPostedForm(request, session, form);
  return testAction(request, params.code ?? '', session, form);
}

type PostedForm = Pick<FormData, 'get' | 'getAll'>;

async function testAction(request: RequestHead, code: string, session: CurrentSession, form: PostedForm) {
  const intent = form.get('intent');
  const now = new Date();
  try {
    if (intent === 'start') {
      // The first question comes back with the start (as the next one with an answer): no second request.
      const started = await startPositioning(db(), { userId: session.viewer.id, competenceCode: code, locale: session.viewer.locale, now });
      const step = started.step ?? (await currentStep(db(), { userId: session.viewer.id, competenceCode: code, now }));
      if (step.kind === 'challenge') return { step: pageStep(step) };
      return redirect(step.kind === 'completed' ? `/competences/${code}/resultats` : testUrl(code));
    }
    if (intent === 'answer') {
      const outcome = await submitAnswer(db(), answerInput(session, code, form, now));
      return await afterAnswer(request, code, session, form, outcome, now);
    }
  } catch (error) {
    // Delays and missing content are told on the page; anything else refuses the request.
    if (error instanceof PositioningError && intent === 'start') {
      // After a completed test (improving too early, nothing left to improve), its results page says why.
      if (error.code === 'too_early_improve' || error.code === 'nothing_to_improve') {
        return redirect(`/competences/${code}/resultats?refus=${error.code}`);
      }
      if (error.code === 'no_release' || error.code === 'no_content') return { error: positioningMessage(error, request) };
    }
    asResponse(error, request);
  }
  throw new Response('Action inconnue', { status: 400 });
}

function answerInput(session: CurrentSession, code: string, form: PostedForm, now: Date): AnswerInput {
  return {
    userId: session.viewer.id,
    competenceCode: code,
    assessmentId: String(form.get('assessmentId') ?? ''),
    challengeId: String(form.get('challengeId') ?? ''),
    response: form.get('skipped') === '1' ? { skipped: true } : (answer) => responseFromForm(answer, form),
    now,
  };
}

/** What the page gets after its answer was taken: the next question, the results, or where to go. */
async function afterAnswer(request: RequestHead, code: string, session: CurrentSession, form: PostedForm, outcome: AnswerOutcome, now: Date) {
  if (outcome.next === 'completed') {
    // A page with JavaScript gets the results with the last answer (its clientAction opens them).
    if (form.get(BRING_RESULTS_FIELD) === '1') {
      const results = await resultsPageData(request, session.viewer.id, code, new URLSearchParams());
      if (results) return { results, at: `/competences/${code}/resultats` };
    }
    return redirect(`/competences/${code}/resultats`);
  }
  // The next question comes back with the answer: one request per answer (nothing to revalidate).
  const step = outcome.step ?? (await currentStep(db(), { userId: session.viewer.id, competenceCode: code, now }));
  if (step.kind === 'challenge') return { step: pageStep(step) };
  return redirect(step.kind === 'completed' ? `/competences/${code}/resultats` : testUrl(code));
}

/**
 * In the browser: the server's action, except that results brought by the test's last answer are handed
 * to the results page, which the learner is sent to as by the server's redirect (the page then opens
 * without asking the server: its clientLoader takes them).
 */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  const data = await serverAction<typeof action>();
  if (data && typeof data === 'object' && 'results' in data) {
    handOver(data.at, data.results);
    return redirect(data.at);
  }
  return data;
}

/** After an answer, the action's data holds the next question: the loaders have nothing new to say. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === 'object' && 'step' in actionResult ? false : defaultShouldRevalidate;

export default function CompetenceTest() {
  const loaded = useLoaderData<typeof loader>();
  const data = useActionData<typeof clientAction>();
  // Once the page runs its JavaScript, the last answer may bring the results (clientAction).
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  const competence = loaded.competence;
  // The freshest of the page's question and the one the last answer brought.
  const answered = data && 'step' in data ? data.step : null;
  const step = loaded.step.kind === 'challenge' ? latestQuestion(loaded.step, answered) : (answered ?? loaded.step);
  const t = useMessages(learnerMessages);
  const title = useTitle();
  const { csrfToken } = useRootData();

  const eyebrow = fill(t('test.eyebrow'), { code: competence.code, title: title(competence) });

  if (step.kind === 'none') {
    return (
      <>
        <p className="breadcrumb">
          <Link to="/profil">{t('test.backToProfile')}</Link>
        </p>
        <p className="eyebrow">{eyebrow}</p>
        <h1>{fill(t('test.introTitle'), { code: competence.code })}</h1>
        {data && 'error' in data ? (
          <p className="error-message" role="alert">
            {data.error}
          </p>
        ) : null}
        <p>{t('test.introText')}</p>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="start" />
          <button type="submit" className="primary">
            {t('test.start')}
          </button>
        </Form>
      </>
    );
  }

  return (
    <TestQuestion
      question={step}
      eyebrow={eyebrow}
      progressLabel={t('test.progress')}
      leaveHint={t('test.leaveHint')}
      leave={{ to: '/profil', label: t('test.leave') }}
      moreFields={scripted ? { [BRING_RESULTS_FIELD]: '1' } : undefined}
    />
  );
}

export function ErrorBoundary() {
  const t = useMessages(learnerMessages);
  return (
    <TestErrorPanel
      titles={{ refused: t('test.refused'), unavailable: t('test.unavailable') }}
      fallback={t('test.error')}
      back={{ to: '/profil', label: t('test.backToProfile') }}
    />
  );
}

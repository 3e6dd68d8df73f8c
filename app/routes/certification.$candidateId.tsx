/**
 * The candidate's certification test: waiting for the invigilator (the page revalidates by itself), the
 * start, the questions (redacted views only; the whole test's time left from the server), and the
 * finished screen (no score before publication). POST: start, answer, or report leaving the page.
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Form,
  isRouteErrorResponse,
  Link,
  useActionData,
  useFetcher,
  useLoaderData,
  useRevalidator,
  useRouteError,
  type ShouldRevalidateFunction,
} from '@remix-run/react';
import { useEffect, useState } from 'react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import {
  candidateOf,
  candidateStep,
  CertificationTestError,
  reportAttention,
  startCertification,
  submitCertificationAnswer,
  TEST_ERRORS,
  type CandidateStep,
} from '~/models/certification-test.server';
import { isoDay } from '~/models/certification-session.server';
import { publishedResultOf } from '~/models/certificate-view.server';
import { responseFromForm } from '~/lib/learner-response';
import { ChallengeView } from '~/components/challenge/ChallengeView';
import { Timer } from '~/components/learner/Timer';
import { useAnswerSubmit, useQuestionHeading } from '~/components/learner/question-page';
import { localeFromRequest, useLocale, useMessages } from '~/i18n';
import { formatDay } from '~/i18n/apprenant';
import { certifMessages, clock, fill, frDay } from '~/i18n/certif';
import { useRootData } from '~/root';
import certifStyles from '~/styles/certif.css';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: learnerStyles },
  { rel: 'stylesheet', href: certifStyles },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.step.kind === 'challenge' ? `Question ${data.step.position + 1} – Certification – Pix Workbench` : 'Certification – Pix Workbench' },
];

const WAIT_POLL_MS = 3000;

function refuse(error: unknown): never {
  if (error instanceof CertificationTestError)
    throw new Response(TEST_ERRORS[error.code], { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  throw error;
}

/** What the page gets of a step: never anything of a solution. */
function pageStep(step: CandidateStep) {
  if (step.kind !== 'challenge') return step;
  return {
    kind: 'challenge' as const,
    challengeId: step.challengeId,
    position: step.position,
    maxQuestions: step.maxQuestions,
    view: step.view,
    challengeSecondsLeft: step.challengeSecondsLeft,
    secondsLeft: step.secondsLeft,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'profil');
  const candidateId = params.candidateId ?? '';
  try {
    const candidate = await candidateOf(db(), viewer.id, candidateId);
    const step = await candidateStep(db(), { userId: viewer.id, candidateId, now: new Date() });
    const s = candidate.session;
    // Once the jury has published, the finished page gives the result (and the certificate when obtained).
    const published = step.kind === 'finished' ? await publishedResultOf(db(), viewer.id, candidateId) : null;
    const result = published ? { ...published, publishedAt: formatDay(published.publishedAt, localeFromRequest(request)) } : null;
    return {
      result,
      session: {
        date: isoDay(s.date),
        time: s.time,
        room: s.room,
        centre: s.centre.name,
        durationMinutes: Math.round(s.durationMinutes * (1 + candidate.extraTimePercentage / 100)),
      },
      step: pageStep(step),
    };
  } catch (error) {
    refuse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'profil');
  const form = await requireForm(request, session);
  const candidateId = params.candidateId ?? '';
  const intent = form.get('intent');
  const now = new Date();
  const userId = session.viewer.id;
  try {
    if (intent === 'start') {
      return { step: pageStep(await startCertification(db(), { userId, candidateId, locale: session.viewer.locale, now })) };
    }
    if (intent === 'answer') {
      const outcome = await submitCertificationAnswer(db(), {
        userId,
        candidateId,
        challengeId: String(form.get('challengeId') ?? ''),
        response: form.get('skipped') === '1' ? { skipped: true } : (answer) => responseFromForm(answer, form),
        now,
      });
      return { step: pageStep(outcome.step) };
    }
    if (intent === 'attention') {
      await reportAttention(db(), { userId, candidateId, reason: 'Le candidat a quitté la page du test (autre onglet ou fenêtre).', now });
      return { attention: true };
    }
  } catch (error) {
    if (error instanceof CertificationTestError && error.code === 'not_asked') {
      return { step: pageStep(await candidateStep(db(), { userId, candidateId, now })) };
    }
    refuse(error);
  }
  throw new Response('Action inconnue', { status: 400 });
}

/** An answer brings the next question: nothing for the loader to add. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === 'object' && ('step' in actionResult || 'attention' in actionResult) ? false : defaultShouldRevalidate;

function TestClock({ secondsLeft }: { secondsLeft: number }) {
  const t = useMessages(certifMessages);
  const [left, setLeft] = useState(secondsLeft);
  useEffect(() => {
    const start = Date.now();
    setLeft(secondsLeft);
    const id = window.setInterval(() => setLeft(secondsLeft - Math.floor((Date.now() - start) / 1000)), 1000);
    return () => window.clearInterval(id);
  }, [secondsLeft]);
  return (
    <p className="certif-timer" role="timer" aria-live="off">
      {left > 0 ? fill(t('candidate.timeLeft'), { time: clock(left) }) : t('candidate.timeUp')}
    </p>
  );
}

export default function CertificationTest() {
  const loaded = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const revalidator = useRevalidator();
  const attention = useFetcher();
  const [focusLost, setFocusLost] = useState(false);
  const fromAction = data && 'step' in data ? data.step : null;
  // The freshest of the page's step and the one the last action brought.
  const step =
    fromAction && (loaded.step.kind !== 'challenge' || fromAction.kind !== 'challenge' || fromAction.position >= loaded.step.position)
      ? fromAction
      : loaded.step;
  const waiting = step.kind === 'waiting' || step.kind === 'ready';
  const challengeId = step.kind === 'challenge' ? step.challengeId : null;

  // Waiting for the invigilator: the page asks again every few seconds.
  useEffect(() => {
    if (!waiting) return;
    const id = window.setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, WAIT_POLL_MS);
    return () => window.clearInterval(id);
  }, [waiting, revalidator]);

  const heading = useQuestionHeading(challengeId);
  const { busy, onSubmit } = useAnswerSubmit();

  // Leaving the test page is reported once per question (the invigilator sees "needs attention").
  useEffect(() => {
    if (step.kind !== 'challenge') return;
    let reported = false;
    const onHide = () => {
      if (document.visibilityState !== 'hidden' || reported) return;
      reported = true;
      setFocusLost(true);
      attention.submit({ csrf: csrfToken ?? '', intent: 'attention' }, { method: 'post' });
    };
    document.addEventListener('visibilitychange', onHide);
    return () => document.removeEventListener('visibilitychange', onHide);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [challengeId]);

  const sessionLine = fill(t('candidate.session'), {
    date: frDay(loaded.session.date, locale),
    time: loaded.session.time,
    centre: loaded.session.centre,
    room: loaded.session.room,
  });

  if (step.kind === 'waiting') {
    return (
      <>
        <p className="eyebrow">{sessionLine}</p>
        <h1>{t('candidate.waitingTitle')}</h1>
        <p role="status">{step.present ? t('candidate.present') : t('candidate.waiting')}</p>
      </>
    );
  }
  if (step.kind === 'ready') {
    return (
      <>
        <p className="eyebrow">{sessionLine}</p>
        <h1>{t('candidate.readyTitle')}</h1>
        <p>{fill(t('candidate.ready'), { minutes: loaded.session.durationMinutes })}</p>
        <Form method="post">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="start" />
          <button type="submit" className="primary" disabled={busy}>
            {t('candidate.start')}
          </button>
        </Form>
      </>
    );
  }
  if (step.kind === 'finished') {
    return (
      <>
        <p className="eyebrow">{sessionLine}</p>
        <h1>{t('candidate.finishedTitle')}</h1>
        <p role="status">{t(`candidate.finished.${step.reason}`)}</p>
        {loaded.result ? (
          <p data-testid="published-result">
            {fill(t(`candidate.result.${loaded.result.status}`), { date: loaded.result.publishedAt, pix: loaded.result.pixScore ?? 0 })}
            {loaded.result.certificateId ? (
              <>
                {' '}
                <Link to={`/certificats/${loaded.result.certificateId}`}>{t('candidate.result.open')}</Link>
              </>
            ) : null}
          </p>
        ) : (
          <p>{t('candidate.finished')}</p>
        )}
        <p>
          <Link to="/profil">{t('candidate.title')}</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <header className="test-header">
        <p className="eyebrow">{sessionLine}</p>
        <h1 ref={heading} tabIndex={-1}>
          {fill(t('candidate.question'), { n: step.position + 1 })} <span className="muted">{fill(t('candidate.of'), { max: step.maxQuestions })}</span>
        </h1>
        <TestClock secondsLeft={step.secondsLeft} />
      </header>
      {step.challengeSecondsLeft !== null ? <Timer key={step.challengeId} secondsLeft={step.challengeSecondsLeft} /> : null}
      {focusLost ? (
        <p className="error-message" role="alert">
          {t('candidate.focusLost')}
        </p>
      ) : null}
      <div onSubmit={onSubmit} data-testid="challenge" data-challenge-id={step.challengeId} data-position={step.position}>
        <ChallengeView
          key={step.challengeId}
          view={step.view}
          title={t('candidate.instruction')}
          allowSkip
          disabled={busy}
          hiddenFields={{ csrf: csrfToken ?? '', intent: 'answer', challengeId: step.challengeId }}
        >
          {busy ? (
            <p className="muted" role="status">
              {t('candidate.sending')}
            </p>
          ) : null}
        </ChallengeView>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useMessages(certifMessages);
  const message = isRouteErrorResponse(error) ? (typeof error.data === 'string' ? error.data : error.statusText) : String(error);
  return (
    <section className="panel" role="alert">
      <h1>{t('candidate.refused')}</h1>
      <p>{message}</p>
      <p>
        <Link to="/certification">{t('candidate.title')}</Link>
      </p>
    </section>
  );
}

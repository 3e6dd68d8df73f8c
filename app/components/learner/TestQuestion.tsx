/**
 * The question page of a competence test and of a campaign's test: the heading and progress, the
 * challenge's timer, the focus-mode warning, the challenge (the redacted view only) with « Je passe », and
 * how to leave and come back. With JavaScript the answer goes without reloading the page; without, the form
 * posts and the server redirects to the next question. Also the panel a test page shows when it fails.
 */
import { Link, isRouteErrorResponse, useRouteError } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { LearnerChallengeView } from '../../../engine/challenges';
import { ChallengeView } from '~/components/challenge/ChallengeView';
import { Timer } from '~/components/learner/Timer';
import { useAnswerSubmit, useFocusLost, useQuestionHeading, useStayInTest } from '~/components/learner/question-page';
import { fill, useMessages } from '~/i18n';
import { learnerMessages } from '~/i18n/apprenant';
import { useRootData } from '~/root';

/** What a test page gets of the question on screen: never anything of the solution. */
export interface QuestionOnPage {
  assessmentId: string;
  challengeId: string;
  /** 0-based; the question number shown is position + 1. */
  position: number;
  view: LearnerChallengeView;
  secondsLeft: number | null;
  progress: number;
}

/** The question to show: the one the last answer brought back, unless the page's own is further on. */
export function latestQuestion<Q extends { position: number }>(loaded: Q, answered: Q | null): Q {
  return answered && answered.position >= loaded.position ? answered : loaded;
}

export function TestQuestion({
  question,
  eyebrow,
  progressLabel,
  leaveHint,
  leave,
  moreFields,
}: {
  question: QuestionOnPage;
  eyebrow: string;
  progressLabel: string;
  leaveHint: string;
  leave: { to: string; label: string };
  /** Hidden fields the answer form sends besides the question's own. */
  moreFields?: Record<string, string>;
}) {
  const t = useMessages(learnerMessages);
  const { csrfToken } = useRootData();
  const heading = useQuestionHeading(question.challengeId);
  // Focus mode: say so when the learner leaves the page.
  const focusLost = useFocusLost(question.challengeId, question.view.focused);
  const { busy, onSubmit } = useAnswerSubmit();
  // Back does not leave the test: the learner stays on this question, and is told how to leave.
  const backHeld = useStayInTest(question.challengeId);
  return (
    <>
      <header className="test-header">
        <p className="eyebrow">{eyebrow}</p>
        <h1 ref={heading} tabIndex={-1}>
          {fill(t('test.question'), { n: question.position + 1 })}
        </h1>
        <div className="test-progress">
          <label htmlFor="test-progress">{progressLabel}</label>
          <progress id="test-progress" className="bar" max={100} value={Math.round(question.progress * 100)} />
        </div>
      </header>
      {question.secondsLeft !== null ? <Timer key={question.challengeId} secondsLeft={question.secondsLeft} /> : null}
      {backHeld ? (
        <p className="notice" role="status" data-testid="back-held">
          {fill(t('test.backHeld'), { leave: leave.label })}
        </p>
      ) : null}
      {focusLost ? (
        <p className="error-message" role="alert">
          {t('test.focusLost')}
        </p>
      ) : null}
      <div onSubmit={onSubmit} data-testid="challenge" data-challenge-id={question.challengeId}>
        <ChallengeView
          key={question.challengeId}
          view={question.view}
          title={t('test.instruction')}
          allowSkip
          disabled={busy}
          hiddenFields={{ csrf: csrfToken ?? '', intent: 'answer', assessmentId: question.assessmentId, challengeId: question.challengeId, ...moreFields }}
        >
          {busy ? (
            <p className="muted" role="status">
              {t('test.sending')}
            </p>
          ) : null}
        </ChallengeView>
      </div>
      <footer className="test-footer">
        <p className="muted">{leaveHint}</p>
        <Link to={leave.to}>{leave.label}</Link>
      </footer>
    </>
  );
}

/** A test page's error: refused (403) or unavailable, the server's message, and the way back. */
export function TestErrorPanel({
  titles,
  fallback,
  back,
}: {
  titles: { refused: string; unavailable: string };
  fallback: string;
  back: { to: string; label: string };
}): ReactNode {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? (typeof error.data === 'string' ? error.data : error.statusText) : fallback;
  return (
    <section className="panel" role="alert">
      <h1>{isRouteErrorResponse(error) && error.status === 403 ? titles.refused : titles.unavailable}</h1>
      <p>{message}</p>
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}

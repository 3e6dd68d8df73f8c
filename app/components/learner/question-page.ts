/**
 * What every test page (competence, campaign, certification) does around the question on screen:
 * the heading takes the focus when a new question comes, the answer goes without reloading the page,
 * and focus mode notices when the learner leaves the page.
 */
import { useBlocker, useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';

/**
 * The heading to give `ref` and `tabIndex={-1}`: it takes the focus when another question replaces the
 * one shown (not on the first load), so that a screen reader announces the new question.
 */
export function useQuestionHeading(challengeId: string | null) {
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (shown.current !== null && shown.current !== challengeId) heading.current?.focus();
    shown.current = challengeId;
  }, [challengeId]);
  return heading;
}

/**
 * The submit handler for the element around the answer form: the answer goes with JavaScript, without
 * reloading the page, the button pressed being part of it (« Je passe » sends skipped=1). While an answer
 * is on its way (`busy`), the form's buttons are disabled and nothing else is sent.
 */
export function useAnswerSubmit() {
  const navigation = useNavigation();
  const submit = useSubmit();
  const busy = navigation.state !== 'idle';
  const onSubmit = (event: FormEvent<HTMLElement>) => {
    const form = event.target as HTMLFormElement;
    event.preventDefault();
    if (form.tagName !== 'FORM' || busy) return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    submit(submitter ?? form, { method: 'post', replace: true });
  };
  return { busy, onSubmit };
}

/** Focus mode: true once the learner leaves the page (another tab or window) during this question. */
export function useFocusLost(challengeId: string | null, focused: boolean): boolean {
  const [lost, setLost] = useState(false);
  useEffect(() => setLost(false), [challengeId]);
  useEffect(() => {
    if (!focused) return;
    const onHide = () => {
      if (document.visibilityState === 'hidden') setLost(true);
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('blur', onHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('blur', onHide);
    };
  }, [focused]);
  return lost;
}

/**
 * The browser's Back (or Forward) button during a test: it would leave the question for the page before
 * (the profile, the campaign). The move is held back, so the learner stays on the same question; true once
 * it happened, for the page to say how to leave. Links (« Quitter le test ») and answers are not held.
 */
export function useStayInTest(challengeId: string | null): boolean {
  const blocker = useBlocker(
    ({ historyAction, currentLocation, nextLocation }) => historyAction === 'POP' && currentLocation.pathname !== nextLocation.pathname,
  );
  const [held, setHeld] = useState(false);
  useEffect(() => setHeld(false), [challengeId]);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    blocker.reset();
    setHeld(true);
  }, [blocker]);
  return held;
}

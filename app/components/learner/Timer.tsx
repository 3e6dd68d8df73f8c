/**
 * The countdown of a timed challenge. The server is the judge (an answer after the time and a grace
 * counts as timed out); this only shows the time left, from what the server said when the page loaded.
 */
import { useEffect, useState } from 'react';
import { useMessages } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';

function clock(seconds: number): string {
  const s = Math.max(0, seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function Timer({ secondsLeft }: { secondsLeft: number }) {
  const t = useMessages(learnerMessages);
  const [left, setLeft] = useState(secondsLeft);
  useEffect(() => {
    const start = Date.now();
    setLeft(secondsLeft);
    const id = window.setInterval(() => setLeft(secondsLeft - Math.floor((Date.now() - start) / 1000)), 500);
    return () => window.clearInterval(id);
  }, [secondsLeft]);
  return (
    <div>
      <p className={`timer${left <= 0 ? ' over' : ''}`} role="timer" aria-live="off">
        {fill(t('test.timeLeft'), { time: clock(left) })}
      </p>
      {left <= 0 ? (
        <p className="error-message" role="alert">
          {t('test.timeUp')}
        </p>
      ) : null}
    </div>
  );
}

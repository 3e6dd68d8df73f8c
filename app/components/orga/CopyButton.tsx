import { useEffect, useRef, useState } from 'react';

/**
 * A button that copies `value` to the clipboard, and a status region (always in the page, so that screen
 * readers announce the change) that says whether it worked. Where the clipboard is refused (no secure
 * context, permission), the status says how to copy by hand.
 */
export function CopyButton({ value, label, copied, failed }: { value: string; label: string; copied: string; failed: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus('idle'), 8000);
  };
  return (
    <>
      <button type="button" className="copy-button" onClick={() => void copy()}>
        {label}
      </button>{' '}
      <span role="status" className="copy-status">
        {status === 'copied' ? copied : status === 'failed' ? failed : ''}
      </span>
    </>
  );
}

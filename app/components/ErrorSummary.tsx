import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * Why a form was refused, first on the page: a title, then a link to each field in error (and any further
 * explanation as children). It is an alert and takes the focus each time `focusOn` changes (the action's
 * answer), so that it is read first. Used by every form of the workbench that lists its errors (sign-up,
 * reset page, administration accounts, framework and tutorial forms).
 */
export function ErrorSummary(props: {
  title: string;
  items?: { href: string; text: string }[];
  focusOn?: unknown;
  /** The title as a heading of this level (forms inside a page with h1 and sections), else strong text. */
  heading?: 'h2';
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (props.focusOn !== undefined && props.focusOn !== null) ref.current?.focus();
  }, [props.focusOn]);
  const items = props.items ?? [];
  return (
    <div ref={ref} tabIndex={-1} className="error-summary" role="alert" aria-labelledby={titleId}>
      {props.heading ? (
        <h2 id={titleId}>{props.title}</h2>
      ) : (
        <p id={titleId}>
          <strong>{props.title}</strong>
        </p>
      )}
      {items.length > 0 ? (
        <ul>
          {items.map((item) => (
            <li key={item.href}>
              <a href={item.href}>{item.text}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {props.children}
    </div>
  );
}

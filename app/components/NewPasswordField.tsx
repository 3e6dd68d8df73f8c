import type { Ref } from 'react';

/** The field where someone chooses a password (sign-up, reset link): its rules stated, its error tied to it. */
export function NewPasswordField(props: { label: string; rules: string; error: string | null; inputRef?: Ref<HTMLInputElement> }) {
  return (
    <div>
      <label htmlFor="password">{props.label}</label>
      <p id="password-hint" className="field-hint">
        {props.rules}
      </p>
      {props.error ? (
        <p id="password-error" className="field-error">
          {props.error}
        </p>
      ) : null}
      <input
        ref={props.inputRef}
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? 'password-hint password-error' : 'password-hint'}
      />
    </div>
  );
}

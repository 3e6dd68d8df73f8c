/** A labelled list with its error message tied to it (aria-invalid, aria-describedby), as the admin forms use it. */
export interface SelectOption {
  value: string;
  label: string;
}

export function SelectField(props: { name: string; label: string; error: string | null; defaultValue: string; placeholder: string; options: SelectOption[] }) {
  const errorId = `${props.name}-error`;
  return (
    <div>
      <label htmlFor={props.name}>{props.label}</label>
      {props.error ? (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      ) : null}
      <select
        id={props.name}
        name={props.name}
        defaultValue={props.defaultValue}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

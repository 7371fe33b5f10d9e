import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface FieldError {
  /** The id of the input the message belongs to; undefined for a message about the whole form. */
  field?: string;
  message: string;
}

/** GOV.UK error summary: at the top, focused when it appears, each message a link to its field. */
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" ref={ref} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" class="error-summary__title">Det finns ett problem</h2>
      <ul class="error-summary__list">
        {errors.map((e) => (
          <li key={`${e.field}:${e.message}`}>
            {e.field ? (
              <a
                href={`#${e.field}`}
                onClick={(event) => {
                  event.preventDefault();
                  document.getElementById(e.field!)?.focus();
                }}
              >
                {e.message}
              </a>
            ) : (
              e.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export const errorFor = (errors: FieldError[], field: string): string | undefined => errors.find((e) => e.field === field)?.message;

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onInput(value: string): void;
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function FieldMessages({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <div id={`${id}-hint`} class="hint">
          {hint}
        </div>
      )}
      {error && (
        <p id={`${id}-error`} class="error-message">
          <span class="visually-hidden">Fel: </span>
          {error}
        </p>
      )}
    </>
  );
}

/** A form group: the label, the hint and error messages, then the control (GOV.UK's form-group). */
function LabelledField({ id, label, hint, error, children }: Pick<FieldProps, 'id' | 'label' | 'hint' | 'error'> & { children: JSX.Element }) {
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class="label" for={id}>
        {label}
      </label>
      <FieldMessages id={id} hint={hint} error={error} />
      {children}
    </div>
  );
}

/** A file chooser in a form group; `onFile` gets the chosen file (read it in the browser). */
export function FileInput({ id, label, hint, error, accept, onFile }: Pick<FieldProps, 'id' | 'label' | 'hint' | 'error'> & { accept: string; onFile(file: File): void }) {
  return (
    <LabelledField id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={id}
        type="file"
        class={`file-upload${error ? ' input--error' : ''}`}
        accept={accept}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const file = (e.target as HTMLInputElement).files?.[0];
          if (file) onFile(file);
        }}
      />
    </LabelledField>
  );
}

export function TextInput(props: FieldProps & { inputMode?: JSX.HTMLAttributes['inputMode']; autoComplete?: string; type?: string; width?: 'short' | 'full' }) {
  const { id, label, hint, error, value, onInput } = props;
  return (
    <LabelledField id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={id}
        class={`input${props.width === 'short' ? ' input--short' : ''}${error ? ' input--error' : ''}`}
        type={props.type ?? 'text'}
        value={value}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        spellcheck={false}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
      />
    </LabelledField>
  );
}

export function TextArea(props: FieldProps) {
  const { id, label, hint, error, value, onInput } = props;
  return (
    <LabelledField id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={id}
        class={`textarea${error ? ' input--error' : ''}`}
        rows={4}
        value={value}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
      />
    </LabelledField>
  );
}

export function Select(props: FieldProps & { options: { value: string; label: string }[]; placeholder: string }) {
  const { id, label, hint, error, value, onInput } = props;
  return (
    <LabelledField id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={id}
        class={`select${error ? ' input--error' : ''}`}
        value={value}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onInput((e.target as HTMLSelectElement).value)}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

/** Radios in a fieldset; the first radio carries the id the error summary links to. */
export function Radios(props: FieldProps & { options: { value: string; label: string; hint?: string }[] }) {
  const { id, label, hint, error, value, onInput } = props;
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={describedBy(id, hint, error)}>
        <legend class="fieldset__legend">{label}</legend>
        <FieldMessages id={id} hint={hint} error={error} />
        <div class="radios">
          {props.options.map((o, i) => (
            <div class="radios__item" key={o.value}>
              <input
                class="radios__input"
                id={i === 0 ? id : `${id}-${o.value}`}
                name={id}
                type="radio"
                value={o.value}
                checked={value === o.value}
                onChange={() => onInput(o.value)}
              />
              <label class="radios__label" for={i === 0 ? id : `${id}-${o.value}`}>
                {o.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function SummaryList({ rows }: { rows: { key: string; value: ComponentChildren; change?: { href: string; label: string } }[] }) {
  return (
    <dl class="summary-list">
      {rows.map((r) => (
        <div class="summary-list__row" key={r.key}>
          <dt class="summary-list__key">{r.key}</dt>
          <dd class="summary-list__value">{r.value}</dd>
          {r.change && (
            <dd class="summary-list__actions">
              <a href={r.change.href}>
                Ändra<span class="visually-hidden"> {r.change.label}</span>
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

/** The state of a proposal as words in a tag (the colour only repeats what the words say). */
export function StatusTag({ children, tone }: { children: ComponentChildren; tone: 'waiting' | 'good' | 'bad' | 'neutral' }) {
  return <strong class={`tag tag--${tone}`}>{children}</strong>;
}

export function Panel({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="panel">
      <h1 class="panel__title" tabIndex={-1} data-page-heading>
        {title}
      </h1>
      {children && <div class="panel__body">{children}</div>}
    </div>
  );
}

/** The page's h1; focused after each navigation so screen readers start at the new page. */
export function PageHeading({ children, caption }: { children: ComponentChildren; caption?: string }) {
  return (
    <h1 class="heading-l" tabIndex={-1} data-page-heading>
      {caption && <span class="caption">{caption} </span>}
      {children}
    </h1>
  );
}

export function Loading() {
  return (
    <p class="body" role="status">
      Hämtar uppgifter …
    </p>
  );
}

export function Problem({ message }: { message: string }) {
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2 class="error-summary__title">Det gick inte att hämta sidan</h2>
      <p>{message}</p>
    </div>
  );
}

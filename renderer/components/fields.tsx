import { type ReactNode, useId, useRef, useState } from 'react';

import { checkWebAddress } from '../../shared/setup/uri-lint.ts';
import { aboutTopic, InfoButton, InfoText, useFieldInfo } from './field-help.tsx';

/**
 * Form fields with their label, help and in-place error wired up for assistive technology.
 *
 * @remarks
 * Every field's error is linked with `aria-describedby` and flagged with `aria-invalid`, and
 * carries `data-field` so a step can move the keyboard to the first field that needs attention.
 * Help comes in two kinds (issue 19: help where it is needed, not under every field): `help` is
 * always shown and is kept for what changes what the admin does (a consequence, a warning, a
 * value that deviates from the preset); `info` is what the field means, shown on request by the
 * info button beside the label (see {@link useFieldInfo}).
 */
interface FieldProps {
  label: ReactNode;
  /** The document path this field edits, e.g. `app.label`; used to find and focus it. */
  path: string;
  /** Always shown under the field: only what changes what the admin would do. */
  help?: ReactNode;
  /** What the field means, shown when the admin asks for it with the info button. */
  info?: ReactNode;
  /** The info button's topic ("About …") when the label is not plain text. */
  about?: string;
  error?: string | undefined;
}

type FieldIds = { help: string; error: string; info: string };

function describedBy(ids: FieldIds, props: FieldProps, isInfoOpen: boolean): string | undefined {
  const parts = [
    props.help === undefined ? '' : ids.help,
    props.info !== undefined && isInfoOpen ? ids.info : '',
    props.error === undefined ? '' : ids.error,
  ];
  const joined = parts.filter((part) => part !== '').join(' ');
  return joined === '' ? undefined : joined;
}

/** A field's ids and the state of its info disclosure. */
function useFieldIds() {
  const id = useId();
  const info = useFieldInfo(id);
  const ids: FieldIds = { help: `${id}-help`, error: `${id}-error`, info: info.infoId };
  return { id, ids, info };
}

/** The label, with the info button beside it when the field has `info`. */
function LabelRow(
  props: FieldProps & { htmlFor: string; disclosure: ReturnType<typeof useFieldInfo> },
) {
  return (
    <div className="field__label-row">
      <label htmlFor={props.htmlFor}>{props.label}</label>
      {props.info !== undefined && (
        <InfoButton
          topic={aboutTopic(props.label, props.about)}
          controls={props.disclosure.infoId}
          isOpen={props.disclosure.isOpen}
          onToggle={props.disclosure.toggle}
        />
      )}
    </div>
  );
}

function HelpAndError(props: FieldProps & { ids: FieldIds }) {
  return (
    <>
      {props.help !== undefined && (
        <p className="field__help" id={props.ids.help}>
          {props.help}
        </p>
      )}
      {props.error !== undefined && (
        <p className="field__error" id={props.ids.error}>
          {props.error}
        </p>
      )}
    </>
  );
}

/** The info paragraph of a field that has one, in the page and hidden until asked for. */
function FieldInfo(props: FieldProps & { disclosure: ReturnType<typeof useFieldInfo> }) {
  return props.info === undefined ? null : (
    <InfoText id={props.disclosure.infoId} isOpen={props.disclosure.isOpen}>
      {props.info}
    </InfoText>
  );
}

/**
 * A one-line text input.
 *
 * @remarks
 * A `url` field checks what is typed as a web address once the admin leaves it (a base URL
 * typed as `localhost:8080/` has no scheme) and offers the corrected address as a one-click
 * fix, in place, before the step's Next ever has to refuse it. The step's own error, when it
 * shows one, takes the same place.
 */
export function TextField(
  props: FieldProps & {
    value: string;
    onChange: (value: string) => void;
    type?: 'text' | 'url' | 'email';
    placeholder?: string;
    disabled?: boolean;
  },
) {
  const { id, ids, info } = useFieldIds();
  const inputRef = useRef<HTMLInputElement>(null);
  const [isTouched, setIsTouched] = useState(false);
  const address =
    props.type === 'url'
      ? checkWebAddress(props.value, typeof props.label === 'string' ? props.label : 'The address')
      : undefined;
  const error = props.error ?? (isTouched ? address?.message : undefined);
  const fix = error === undefined ? undefined : address?.fix;
  const shown = { ...props, error };
  return (
    <div className="field">
      <LabelRow {...props} htmlFor={id} disclosure={info} />
      <FieldInfo {...props} disclosure={info} />
      <input
        ref={inputRef}
        id={id}
        data-field={props.path}
        type={props.type ?? 'text'}
        spellCheck={false}
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
        onBlur={() => {
          setIsTouched(true);
        }}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy(ids, shown, info.isOpen)}
      />
      <HelpAndError {...shown} ids={ids} />
      {fix !== undefined && (
        <p className="field__fix">
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              props.onChange(fix);
              inputRef.current?.focus();
            }}
          >
            Use {fix}
          </button>
        </p>
      )}
    </div>
  );
}

/** A choice from a short list, as a native select. */
export function SelectField<T extends string>(
  props: FieldProps & {
    value: T;
    options: readonly { value: T; label: string }[];
    onChange: (value: T) => void;
  },
) {
  const { id, ids, info } = useFieldIds();
  return (
    <div className="field">
      <LabelRow {...props} htmlFor={id} disclosure={info} />
      <FieldInfo {...props} disclosure={info} />
      <select
        id={id}
        data-field={props.path}
        value={props.value}
        onChange={(event) => {
          props.onChange(event.target.value as T);
        }}
        aria-invalid={props.error !== undefined}
        aria-describedby={describedBy(ids, props, info.isOpen)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <HelpAndError {...props} ids={ids} />
    </div>
  );
}

/** A yes/no setting. */
export function CheckboxField(
  props: FieldProps & { checked: boolean; onChange: (checked: boolean) => void },
) {
  const { id, ids, info } = useFieldIds();
  return (
    <div className="field field--checkbox">
      <div className="field__row">
        <input
          id={id}
          data-field={props.path}
          type="checkbox"
          checked={props.checked}
          onChange={(event) => {
            props.onChange(event.target.checked);
          }}
          aria-describedby={describedBy(ids, props, info.isOpen)}
        />
        <label htmlFor={id}>{props.label}</label>
        {props.info !== undefined && (
          <InfoButton
            topic={aboutTopic(props.label, props.about)}
            controls={info.infoId}
            isOpen={info.isOpen}
            onToggle={info.toggle}
          />
        )}
      </div>
      <FieldInfo {...props} disclosure={info} />
      <HelpAndError {...props} ids={ids} />
    </div>
  );
}

/** One of a few options, as a fieldset of radio buttons with a sentence each. */
export function RadioGroup<T extends string>(props: {
  legend: ReactNode;
  name: string;
  path: string;
  value: T;
  options: readonly { value: T; label: ReactNode; description?: ReactNode }[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <fieldset className="radio-group">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <div className="radio-group__option" key={option.value}>
          <input
            type="radio"
            id={`${id}-${option.value}`}
            name={`${id}-${props.name}`}
            data-field={props.path}
            value={option.value}
            checked={props.value === option.value}
            onChange={() => {
              props.onChange(option.value);
            }}
            aria-describedby={
              option.description === undefined ? undefined : `${id}-${option.value}-description`
            }
          />
          <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
          {option.description !== undefined && (
            <p className="field__help" id={`${id}-${option.value}-description`}>
              {option.description}
            </p>
          )}
        </div>
      ))}
    </fieldset>
  );
}

/**
 * A list of values edited as text, one per line (redirect URIs, origins, scopes).
 *
 * @remarks
 * The text is kept as typed, so an empty line being typed does not vanish under the cursor; the
 * list sent on is the non-blank lines, trimmed. When the list changes from outside (a preset,
 * an opened file, a new base URL) the text follows it.
 */
export function ListField(
  props: FieldProps & {
    values: readonly string[];
    onChange: (values: string[]) => void;
    rows?: number;
    children?: ReactNode;
  },
) {
  const { id, ids, info } = useFieldIds();
  const joined = props.values.join('\n');
  const [text, setText] = useState(joined);
  const [followed, setFollowed] = useState(joined);
  if (followed !== joined) {
    // The list changed from outside: follow it, unless it is what the text already says.
    setFollowed(joined);
    if (toList(text).join('\n') !== joined) {
      setText(joined);
    }
  }
  return (
    <div className="field">
      <LabelRow {...props} htmlFor={id} disclosure={info} />
      <FieldInfo {...props} disclosure={info} />
      <textarea
        id={id}
        data-field={props.path}
        rows={props.rows ?? Math.max(2, props.values.length + 1)}
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          props.onChange(toList(event.target.value));
        }}
        aria-invalid={props.error !== undefined}
        aria-describedby={describedBy(ids, props, info.isOpen)}
      />
      <HelpAndError {...props} ids={ids} />
      {props.children}
    </div>
  );
}

function toList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

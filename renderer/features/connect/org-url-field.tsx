import { type RefObject, useId } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import { ErrorMessage } from '../../components/error-message.tsx';

/**
 * The org URL of a connect form (token or service app): typed as a URL, checked once the admin
 * leaves it, its problem said next to it.
 */
export function OrgUrlField(props: {
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  onChange: (value: string) => void;
  /** The admin left the field with something in it: from now on it is checked as typed. */
  onTouched: () => void;
  error: AppErrorValue | null;
  disabled: boolean;
}) {
  const id = useId();
  const errorId = useId();
  const { inputRef, value, onChange, onTouched, error, disabled } = props;
  return (
    <div className="field">
      <label htmlFor={id}>Org URL</label>
      <input
        id={id}
        ref={inputRef}
        type="url"
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        placeholder="https://dev-123456.okta.com"
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        onBlur={() => {
          if (value !== '') {
            onTouched();
          }
        }}
        aria-invalid={error !== null}
        aria-describedby={error === null ? undefined : errorId}
        disabled={disabled}
      />
      {error !== null && <ErrorMessage error={error} id={errorId} />}
    </div>
  );
}

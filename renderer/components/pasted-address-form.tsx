import { useState } from 'react';

import type { AppErrorValue } from '../../shared/errors.ts';
import { ErrorMessage } from './error-message.tsx';
import { TextField } from './fields.tsx';

/**
 * "Or paste the address the browser ended on": the fallback that finishes a sign-in when the
 * browser could not reach the console (redirect strategy (d)), shared by the login preview and
 * the export's verification so both explain a wrong address the same way, in place.
 */
export function PastedAddressForm(props: {
  /** The field's path, for `data-field` (e.g. `preview.pasted`). */
  path: string;
  /** Hands the address to main; resolves the error to show, or `null` when it was taken. */
  onPaste: (address: string) => Promise<AppErrorValue | null>;
}) {
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<AppErrorValue | null>(null);
  return (
    <>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void props.onPaste(pasted).then(setPasteError);
        }}
      >
        <TextField
          label="Or paste the address the browser ended on"
          path={props.path}
          type="url"
          value={pasted}
          onChange={setPasted}
          help="If the browser could not reach the console, copy the full address from its address bar after signing in."
        />
        <button type="submit" className="button">
          Use this address
        </button>
      </form>
      {pasteError !== null && <ErrorMessage error={pasteError} />}
    </>
  );
}

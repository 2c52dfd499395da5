import { useEffect, useRef, useState } from 'react';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { ChannelRequest } from '../../shared/ipc/contract.ts';
import { useSetupRun } from '../stores/store-context.tsx';
import { ErrorMessage } from './error-message.tsx';

/**
 * A secret kept in the keychain: hidden until the admin asks, then shown with a Copy button.
 *
 * @remarks
 * The value lives in this component's state only while it is shown; Hide (or leaving the page)
 * drops it. Copying uses the clipboard API; where that is refused the value stays selectable.
 * The setup's result shows the client secret with it, and the preview and the export's
 * verification the test user's password (through `SignInAs`), so it belongs to no one feature.
 */
export function KeptSecret(props: {
  label: string;
  request: ChannelRequest<'setup:reveal-secret'>;
}) {
  const reveal = useSetupRun((state) => state.reveal);
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const [copyState, setCopyState] = useState<string>('');
  const [isLoading, setIsLoading] = useState(false);
  const showRef = useRef<HTMLButtonElement>(null);
  const copyRef = useRef<HTMLButtonElement>(null);
  // Which button replaced the one the admin pressed, to hand the keyboard to once rendered.
  const focusNext = useRef<'copy' | 'show' | null>(null);

  // Show and Hide each replace themselves with the other state's buttons: the keyboard goes
  // to Copy (the next thing to do with a shown secret) or back to Show, never to the body.
  useEffect(() => {
    if (focusNext.current !== null) {
      (focusNext.current === 'copy' ? copyRef : showRef).current?.focus();
      focusNext.current = null;
    }
  });

  return (
    <div className="kept-secret">
      <p className="kept-secret__label">{props.label}</p>
      {value === null ? (
        <button
          ref={showRef}
          type="button"
          className="button"
          aria-disabled={isLoading ? true : undefined}
          onClick={() => {
            if (isLoading) {
              return;
            }
            setIsLoading(true);
            void reveal(props.request).then((result) => {
              setIsLoading(false);
              if (result.ok) {
                setValue(result.data.value);
                setError(null);
                focusNext.current = 'copy';
              } else {
                setError(result.error);
              }
            });
          }}
        >
          {isLoading ? 'Reading the keychain…' : `Show ${props.label.toLowerCase()}`}
        </button>
      ) : (
        <div className="kept-secret__value">
          <code aria-label={props.label} data-secret>
            {value}
          </code>
          <button
            ref={copyRef}
            type="button"
            className="button button--small"
            onClick={() => {
              navigator.clipboard.writeText(value).then(
                () => {
                  setCopyState('Copied.');
                },
                () => {
                  setCopyState(
                    'The clipboard is not available here: select the value and copy it.',
                  );
                },
              );
            }}
          >
            Copy {props.label.toLowerCase()}
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setValue(null);
              setCopyState('');
              focusNext.current = 'show';
            }}
          >
            Hide
          </button>
          <span role="status" className="field__help">
            {copyState}
          </span>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}

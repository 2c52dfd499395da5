import type { ReactNode } from 'react';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { RedirectStrategy, SignInUser } from '../../shared/ipc/contract.ts';
import { PastedAddressForm } from './pasted-address-form.tsx';
import { SignInAs } from './sign-in-as.tsx';

/**
 * Whether a link target is an http(s) address; anything else (`javascript:`, `file:`) is never
 * made a link, even though it comes from main, because it ends up in an `href`.
 */
export function isWebAddress(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** A sign-in main began with a target's files: where to sign in, how it comes back, as whom. */
export interface StartedSignIn {
  authorizeUrl: string;
  strategy: RedirectStrategy;
  user: SignInUser;
}

/**
 * A sign-in with a target's files, waiting for the admin: how it comes back, the link to the
 * sign-in page (only a web address is linked), who signs in, and the pasted-address fallback.
 * The export's verification, the rotation's sign-in with the new files and drift's sign-in with
 * a deployed file all hand the admin this same sign-in.
 */
export function SignInWaiting(props: {
  started: StartedSignIn;
  /** The password's label, e.g. "Password for the verification". */
  passwordLabel: string;
  /** The live status line while waiting, e.g. "Waiting for the sign-in…". */
  waitingText: string;
  /** The pasted address field's path, for `data-field`. */
  pastePath: string;
  onPaste: (address: string) => Promise<AppErrorValue | null>;
  /** Shown after who signs in (the verification's reading of the files). */
  children?: ReactNode;
}) {
  const { started } = props;
  return (
    <div className="verify__sign-in" aria-busy="true">
      <p>{started.strategy.explanation}</p>
      {started.strategy.kind === 'intercept-window' ? (
        // The console's own window shows the sign-in and stops the redirect; signing in in
        // the browser instead would land on the app's real address.
        <p>Sign in in the window the console opened.</p>
      ) : isWebAddress(started.authorizeUrl) ? (
        <p>
          <a href={started.authorizeUrl} target="_blank" rel="noreferrer">
            Open the sign-in page
          </a>{' '}
          <span className="visually-muted">(in your browser)</span>
        </p>
      ) : (
        <p className="field__error">
          The sign-in address is not a web address, so the console does not link to it:{' '}
          <code>{started.authorizeUrl}</code>
        </p>
      )}
      <SignInAs user={started.user} passwordLabel={props.passwordLabel} />
      {props.children}
      <p role="status">{props.waitingText}</p>
      <PastedAddressForm path={props.pastePath} onPaste={props.onPaste} />
    </div>
  );
}

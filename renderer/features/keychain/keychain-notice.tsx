import { useCallback, useEffect, useId, useRef, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import type { BridgeApi } from '../../../shared/ipc/bridge.ts';
import type { KeychainStatus } from '../../../shared/ipc/contract.ts';
import { call } from '../../api/call.ts';
import { ErrorMessage } from '../../components/error-message.tsx';

/** What keeping secrets in memory costs, said before the admin chooses it. */
const CONSEQUENCES = [
  'They are lost when the console quits. Okta never shows a client secret again (you would generate a new one in the Admin Console), and a test user’s lost password must be reset in Okta.',
  'The login preview and the export need them in this same session: export your files, and copy the client secret where it must go, before you quit.',
  'An org you connect with an API token must be connected again after the console restarts.',
  'They are never written to a file, but the OS keychain does not protect them either: they live in the console’s memory.',
];

/**
 * Says, from the start, when no OS keychain is reachable: what that means, how to get one on
 * this OS, and — only on the admin's explicit request, its consequences stated first — keeping
 * secrets in this session's memory instead.
 *
 * @remarks
 * Main checks the keychain (`keychain:status` keeps and removes a throwaway secret), so the
 * notice is the truth of this moment, not a guess from the platform. With a keychain reachable
 * it renders nothing. Without one, main refuses any apply that would make a secret, before it
 * changes the org; the notice is where the admin learns why before meeting the refusal. Focus
 * never drops to the page: the choice's confirmation takes it, Cancel and Escape give it back
 * to the button that opened it, and the notice that replaces a choice made or a keychain found
 * takes it in turn.
 */
export function KeychainNotice(props: {
  api: BridgeApi;
  /** Told after each answer about the keychain, so what else shows where secrets go is redrawn. */
  onStatus?: (status: KeychainStatus) => void;
}) {
  const { api, onStatus } = props;
  const [status, setStatus] = useState<KeychainStatus | null>(null);
  const [isChecking, setIsChecking] = useState(false);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const headingId = useId();
  const confirmHeadingId = useId();
  const openRef = useRef<HTMLButtonElement>(null);
  const confirmHeadingRef = useRef<HTMLHeadingElement>(null);
  const memoryRef = useRef<HTMLParagraphElement>(null);
  /** Where focus goes once the notice changes under it: set by the action that changed it. */
  const focusNext = useRef<'confirm' | 'open' | 'memory' | 'main' | null>(null);

  const check = useCallback(async () => {
    setIsChecking(true);
    const result = await call(api, 'keychain:status', {});
    setIsChecking(false);
    if (result.ok) {
      setStatus(result.data);
      onStatus?.(result.data);
      setError(null);
      setCheckedAt(new Date().toLocaleTimeString());
      if (result.data.isReachable && result.data.store === 'keychain') {
        focusNext.current = 'main';
      }
    } else {
      setError(result.error);
    }
  }, [api, onStatus]);

  useEffect(() => {
    // The handler answers whatever the keychain does; only a window cut off from main fails
    // here, and every other call then says so in its own place.
    void call(api, 'keychain:status', {}).then((result) => {
      if (result.ok) {
        setStatus(result.data);
        onStatus?.(result.data);
      }
    });
  }, [api, onStatus]);

  useEffect(() => {
    const target = focusNext.current;
    focusNext.current = null;
    if (target === 'confirm') {
      confirmHeadingRef.current?.focus();
    } else if (target === 'open') {
      openRef.current?.focus();
    } else if (target === 'memory') {
      memoryRef.current?.focus();
    } else if (target === 'main') {
      document.getElementById('main')?.focus();
    }
  });

  async function keepInMemory() {
    const result = await call(api, 'keychain:keep-in-memory', { consequencesRead: true });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setStatus(result.data);
    onStatus?.(result.data);
    setIsConfirming(false);
    // Main keeps the keychain when it answered meanwhile: then there is no notice to focus.
    focusNext.current = result.data.store === 'session-memory' ? 'memory' : 'main';
  }

  function cancel() {
    setIsConfirming(false);
    focusNext.current = 'open';
  }

  if (status === null) {
    return null;
  }
  if (status.store === 'session-memory') {
    return (
      <section className="keychain-notice keychain-notice--memory" aria-label="Where secrets are">
        <p ref={memoryRef} tabIndex={-1} data-testid="keychain-memory">
          <strong>Secrets are kept in this session’s memory only</strong> (no {status.keychainName}{' '}
          reachable): all are lost when the console quits. Preview, export and copy what you need
          before you quit.
        </p>
      </section>
    );
  }
  if (status.isReachable) {
    return null;
  }
  return (
    <section className="keychain-notice" aria-labelledby={headingId} data-testid="keychain-notice">
      <h2 id={headingId} className="keychain-notice__title">
        No keychain is reachable
      </h2>
      <p>
        The console keeps the secrets it makes — an app’s client secret, a test user’s password, the
        API token you connect with — only in the OS keychain ({status.keychainName}), never in a
        file. {status.problem}
      </p>
      <p>
        Until one is reachable, applying a setup that makes a secret is refused before anything
        changes in the org. Planning, the local sandbox org, and setups that make no secret work as
        usual.
      </p>
      <p className="keychain-notice__help">
        <strong>How to get one:</strong> {status.help.text}
      </p>
      {status.help.command !== null && (
        <pre className="keychain-notice__command">
          <code>{status.help.command}</code>
        </pre>
      )}
      <div className="keychain-notice__actions">
        <button className="button" type="button" disabled={isChecking} onClick={() => void check()}>
          {isChecking ? 'Checking the keychain…' : 'Check again'}
        </button>
        <button
          ref={openRef}
          className="button"
          type="button"
          aria-expanded={isConfirming}
          onClick={() => {
            setIsConfirming(true);
            focusNext.current = 'confirm';
          }}
        >
          Keep secrets in memory for this session…
        </button>
      </div>
      <p className="keychain-notice__checked" role="status">
        {checkedAt !== null && !isChecking ? `Checked at ${checkedAt}: still not reachable.` : ''}
      </p>
      {error !== null && <ErrorMessage error={error} />}
      {isConfirming && (
        <div
          className="keychain-notice__confirm"
          role="group"
          aria-labelledby={confirmHeadingId}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              cancel();
            }
          }}
        >
          <h3 id={confirmHeadingId} ref={confirmHeadingRef} tabIndex={-1}>
            Keep secrets in this session’s memory instead?
          </h3>
          <ul>
            {CONSEQUENCES.map((consequence) => (
              <li key={consequence}>{consequence}</li>
            ))}
          </ul>
          <div className="keychain-notice__actions">
            <button className="button" type="button" onClick={cancel}>
              Cancel
            </button>
            <button className="button" type="button" onClick={() => void keepInMemory()}>
              Keep secrets in memory until I quit
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

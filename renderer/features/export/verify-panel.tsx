import { useEffect, useId, useRef, useState } from 'react';

import type {
  ExportTargetId,
  TargetReadingView,
  VerificationResult,
} from '../../../shared/export/export-targets.ts';
import { ChecksList } from '../../components/checks.tsx';
import { Claims } from '../../components/claims.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RadioGroup, TextField } from '../../components/fields.tsx';
import { isFocusKept } from '../../components/focus.ts';
import { SignInWaiting } from '../../components/sign-in-waiting.tsx';
import { useExport, useSetupDocument } from '../../stores/store-context.tsx';

type UserChoice = 'test-user' | 'existing';

/** What the verification read from the files: the values the target will sign in with. */
function Reading(props: { reading: TargetReadingView; label: string }) {
  const { reading } = props;
  return (
    <dl className="facts" aria-label={props.label}>
      <dt>Issuer</dt>
      <dd>
        <code>{reading.issuer}</code>
      </dd>
      <dt>Client ID</dt>
      <dd>
        <code>{reading.clientId}</code>
      </dd>
      <dt>Redirect URI</dt>
      <dd>
        <code>{reading.redirectUri}</code>
      </dd>
      <dt>Scopes</dt>
      <dd>
        <code>{reading.scopes.join(' ')}</code>
      </dd>
      <dt>Client authentication</dt>
      <dd>
        <code>{reading.tokenEndpointAuthMethod}</code>
      </dd>
      <dt>Client secret from</dt>
      <dd>
        <code>{reading.clientSecretFrom}</code>
      </dd>
    </dl>
  );
}

/** `2026-11-24T14:20:00Z` in the admin's own words for dates; the ISO time stays machine-readable. */
function VerifiedAt(props: { iso: string }) {
  const date = new Date(props.iso);
  return (
    <time dateTime={props.iso}>
      {Number.isNaN(date.getTime()) ? props.iso : date.toLocaleString()}
    </time>
  );
}

/** `all 9 checks passed`, `1 of 9 checks failed`: the outcome of the checks in a few words. */
function checksOutcome(checks: VerificationResult['checks']): string {
  const failed = checks.filter((check) => !check.ok).length;
  const total = checks.length;
  const noun = total === 1 ? 'check' : 'checks';
  if (failed === 0) {
    return total === 1 ? '1 check passed' : `all ${String(total)} ${noun} passed`;
  }
  return `${String(failed)} of ${String(total)} ${noun} failed`;
}

/**
 * A finished verification: one line that says whether it held, when, of which content; the
 * checks, what the files say and the token's claims behind a disclosure.
 *
 * @remarks
 * The short hash is what makes "verified" checkable later: the admin can compare it with the
 * files on disk (`sha256` over names and contents, as `contentHash` documents).
 *
 * Issue 19 found the verified page ran to ~960 words, most of them the list of checks and the
 * claims table, which say again in detail what the one line says. The detail is a `<details>`
 * away while every check passed, and open from the start when one failed: then it is what the
 * admin reads next. It opens afresh for each new result (the `key`). The secret's real source
 * stays in view under the line.
 */
export function VerificationSummary(props: { result: VerificationResult }) {
  const { result } = props;
  const isVerified = result.ok && result.verifiedAt !== null;
  // Where the secret the sign-in used really came from stays in view (issue 19: the files may
  // name a variable that is unset here, and the keychain supplied it).
  const secretSource = result.checks.find((check) => check.name === 'secret');
  return (
    <div
      className={`verification ${result.ok ? 'verification--ok' : 'verification--failed'}`}
      data-verified={result.ok}
    >
      <p className="verification__headline" tabIndex={-1}>
        {isVerified && result.verifiedAt !== null ? (
          <>
            Verified: {checksOutcome(result.checks)} · <VerifiedAt iso={result.verifiedAt} /> ·
            sha256 <code>{result.contentHash.slice(0, 12)}</code>
          </>
        ) : (
          `Not verified: signing in with these files failed (${checksOutcome(result.checks)}).`
        )}
      </p>
      {isVerified && secretSource !== undefined && (
        <p className="verification__secret">{secretSource.detail}</p>
      )}
      <details
        key={`${result.contentHash} ${result.verifiedAt ?? 'failed'}`}
        className="verification__details"
        open={!isVerified}
      >
        <summary>Checks, what the files say and the ID token’s claims</summary>
        <ChecksList checks={result.checks} label="Checks" />
        {result.reading !== null && <Reading reading={result.reading} label="What the files say" />}
        {result.claims !== null && <Claims claims={result.claims} label="ID token claims" />}
      </details>
    </div>
  );
}

/**
 * Verify a target's files by signing in with exactly what they say.
 *
 * @remarks
 * Works like the login preview: the sign-in happens in the admin's browser (RFC 8252), the
 * console shows the link and, for the setup's test user, the password from the keychain on
 * request, and an address pasted from the browser finishes the sign-in when nothing could
 * receive it. Main reads the files the way the target does, and that reading is shown before
 * the sign-in, so a wrong value is visible even before Okta refuses it.
 */
export function VerifyPanel(props: { target: ExportTargetId }) {
  const { target } = props;
  const testUser = useSetupDocument((state) => state.document.assignments.testUser);
  const verification = useExport((state) => state.verifications[target]);
  const start = useExport((state) => state.startVerification);
  const paste = useExport((state) => state.pasteVerification);
  const cancel = useExport((state) => state.cancelVerification);
  const [choice, setChoice] = useState<UserChoice>(
    testUser === undefined ? 'existing' : 'test-user',
  );
  const [login, setLogin] = useState('');
  const reasonId = useId();
  const status = verification?.status;
  const isRunning = status === 'starting' || status === 'waiting';
  const isExisting = testUser === undefined || choice === 'existing';
  const blockedReason =
    isExisting && login.trim() === '' ? 'Type the login of someone assigned to the app.' : null;
  const started = verification?.started ?? null;
  const error = verification?.error ?? null;
  const result = verification?.result ?? null;
  const panelRef = useRef<HTMLDivElement>(null);

  // The keyboard follows the verification: to the sign-in link once the sign-in can begin (it
  // used to take 31 Tabs to reach), to the outcome when the sign-in comes back from the
  // browser's tab, and back to the Verify button when it was dropped on an error or cancel.
  const previousStatus = useRef(status);
  useEffect(() => {
    const panel = panelRef.current;
    const before = previousStatus.current;
    previousStatus.current = status;
    if (panel === null || before === status) {
      return;
    }
    if (status === 'waiting') {
      (
        panel.querySelector<HTMLElement>('.verify__sign-in a[href]') ??
        panel.querySelector<HTMLElement>('.verify__sign-in p')
      )?.focus();
    } else if (status === 'done') {
      panel.querySelector<HTMLElement>('.verification__headline')?.focus();
    } else if (!isFocusKept()) {
      panel.querySelector<HTMLElement>('[data-verify-action]')?.focus();
    }
  }, [status]);

  return (
    // Not a labelled section: every card has one, and same-named regions confuse landmark lists.
    <div className="verify" ref={panelRef}>
      <h3>Verify the files</h3>
      {testUser !== undefined && (
        <RadioGroup
          legend="Who signs in"
          name={`verify-user-${target}`}
          path={`export.${target}.verifyUser`}
          value={choice}
          options={[
            {
              value: 'test-user',
              label: 'The setup’s test user',
              // The sign-in panel shows the password on request: the login is what to know.
              description: testUser.email,
            },
            { value: 'existing', label: 'Someone assigned to the app (types their own password)' },
          ]}
          onChange={setChoice}
        />
      )}
      {isExisting && (
        <TextField
          label="Login"
          path={`export.${target}.verifyLogin`}
          value={login}
          onChange={setLogin}
        />
      )}
      <div className="step-footer">
        <button
          type="button"
          className="button"
          data-verify-action
          // Busy stays focusable, so the keyboard is not dropped while the sign-in starts.
          disabled={blockedReason !== null}
          aria-disabled={isRunning ? true : undefined}
          aria-describedby={blockedReason === null ? undefined : reasonId}
          onClick={() => {
            if (isRunning) {
              return;
            }
            void start(
              target,
              isExisting ? { kind: 'existing', login: login.trim() } : { kind: 'test-user' },
            );
          }}
        >
          {status === 'starting' ? 'Starting the sign-in…' : 'Verify by signing in'}
        </button>
        {isRunning && (
          <button type="button" className="button" onClick={() => void cancel(target)}>
            Cancel the verification
          </button>
        )}
        {blockedReason !== null && !isRunning && (
          <p className="field__help" id={reasonId}>
            {blockedReason}
          </p>
        )}
      </div>
      {status === 'starting' && (
        <p role="status" aria-busy="true">
          Reading the files and preparing the sign-in…
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {started !== null && status === 'waiting' && (
        <SignInWaiting
          started={started}
          passwordLabel="Password for the verification"
          waitingText="Waiting for the sign-in…"
          pastePath={`export.${target}.pasted`}
          onPaste={(address) => paste(target, address)}
        >
          <Reading reading={started.reading} label="What the files say" />
        </SignInWaiting>
      )}
      {result !== null && <VerificationSummary result={result} />}
    </div>
  );
}

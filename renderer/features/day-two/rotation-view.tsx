import { useEffect, useId, useRef, useState } from 'react';

import {
  EXPORT_TARGET_IDS,
  EXPORT_TARGET_TITLES,
  type ExportTargetId,
  type VerificationResult,
} from '../../../shared/export/export-targets.ts';
import type { RotationStatusView } from '../../../shared/ipc/contract.ts';
import { ChecksList } from '../../components/checks.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { SignInWaiting } from '../../components/sign-in-waiting.tsx';
import { useManagedApps, useRotation } from '../../stores/store-context.tsx';
import { BackToManagedApps } from './back-to-managed-apps.tsx';
import { localTime } from './format.ts';
import { useHeadingFocus } from './use-heading-focus.ts';

const PHASE_TEXT: Record<RotationStatusView['phase'], string> = {
  none: 'No rotation in progress',
  creating: 'Started: the new secret is not made and kept yet',
  'awaiting-verification': 'New secret made and kept in the keychain: deploy it, then verify',
  'awaiting-confirmation': 'The new files signed in: confirm the target runs on the new secret',
  retiring: 'Retiring the old secret',
  finished: 'Finished: the old secret is retired',
  cancelled: 'Cancelled: the new secret was removed, the old one kept',
};

const BUSY_TEXT = {
  reading: 'Reading the app’s client secrets and the rotation’s journal…',
  starting: 'Making the second client secret and keeping it in the keychain…',
  rendering: 'Writing the target’s files for the new secret…',
  finishing: 'Retiring the old secret: deactivating, then deleting it…',
  cancelling: 'Removing the new secret; the old one stays…',
} as const;

/** The environment variables a file references (`${NAME}`), which hold the secret when deployed. */
function referencedVariables(content: string): string[] {
  return [
    ...new Set([...content.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1] ?? '')),
  ].filter((name) => name.includes('SECRET'));
}

/** The app's client secrets as a table: id, status, when made, and which one it is. */
function SecretsTable(props: { status: RotationStatusView }) {
  return (
    <table className="claims" aria-label="Client secrets">
      <thead>
        <tr>
          <th scope="col">Secret id</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Role</th>
        </tr>
      </thead>
      <tbody>
        {props.status.secrets.map((secret) => (
          <tr key={secret.id}>
            <th scope="row">
              <code>{secret.id}</code>
            </th>
            <td>{secret.status}</td>
            <td>{secret.created === undefined ? 'Unknown' : localTime(secret.created)}</td>
            <td>
              {secret.role === 'old'
                ? 'Old (in use until you confirm)'
                : secret.role === 'new'
                  ? 'New (kept in the keychain)'
                  : 'The app’s secret'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A finished sign-in with the new files: each check with its outcome. */
function SignInResult(props: { result: VerificationResult }) {
  const { result } = props;
  return (
    <div className={`verification ${result.ok ? '' : 'verification--failed'}`}>
      <p className="verification__headline">
        {result.ok && result.verifiedAt !== null
          ? `Verified with the new secret ${localTime(result.verifiedAt)} · sha256 ${result.contentHash.slice(0, 12)}`
          : 'Not verified: signing in with the new files failed. Both secrets still work.'}
      </p>
      <ChecksList checks={result.checks} label="Checks" />
    </div>
  );
}

/** The sign-in that verified the new files, kept on screen while the admin confirms. */
function LastSignIn() {
  const result = useRotation((state) => state.verification?.result ?? null);
  return result === null ? null : <SignInResult result={result} />;
}

/** The new secret's files: each to download or save, what to deploy, and where the secret goes. */
function NewFiles(props: { appId: string }) {
  const files = useRotation((state) => state.files);
  const saves = useRotation((state) => state.saves);
  const save = useRotation((state) => state.save);
  const replace = useRotation((state) => state.replace);
  const keepExisting = useRotation((state) => state.keepExisting);
  const output = files?.outputs[0];
  if (files === null) {
    return null;
  }
  if (output === undefined) {
    return (
      <>
        {files.refused.map((refusal) => (
          <ErrorMessage
            key={refusal.target}
            error={{ code: 'INVALID_REQUEST', message: refusal.message, hint: refusal.hint }}
          />
        ))}
      </>
    );
  }
  const variables = [...new Set(output.files.flatMap((file) => referencedVariables(file.content)))];
  return (
    <div className="rotation-files">
      <p className="note" data-testid="secret-reference">
        The files reference the secret rather than hold it
        {variables.length > 0 && (
          <>
            : set{' '}
            {variables.map((name, index) => (
              <span key={name}>
                {index > 0 && ' and '}
                <code>{name}</code>
              </span>
            ))}{' '}
            to the <strong>new</strong> secret where the target runs
          </>
        )}
        . The console keeps the new secret in your OS keychain and never shows it in this window;{' '}
        <code>sso-console rotate-secret --app {props.appId} --show-secret</code> prints it in a
        terminal.
      </p>
      <ul className="rotation-files__list" aria-label="New files">
        {output.files.map((file) => {
          const saved = saves[file.name];
          return (
            <li key={file.name} className="export-file">
              <p className="export-file__name">
                <code>{file.name}</code>
                <span className="visually-muted">{file.purpose}</span>
              </p>
              <pre
                className="code-block"
                tabIndex={0}
                aria-label={`${file.name} for the new secret`}
              >
                {file.content}
              </pre>
              <div className="export-file__actions">
                <button
                  type="button"
                  className="button"
                  disabled={saved?.status === 'saving'}
                  onClick={() => void save(file.name)}
                >
                  Save {file.name}
                </button>
                <span role="status">
                  {saved?.status === 'saved'
                    ? `Saved to ${saved.path}.`
                    : saved?.status === 'downloaded'
                      ? 'Downloaded.'
                      : ''}
                </span>
              </div>
              {saved?.status === 'exists' && (
                <div className="export-overwrite" role="group" aria-label={`Replace ${saved.path}`}>
                  <p>
                    <code>{saved.path}</code> exists and differs from the new file:
                  </p>
                  <pre className="code-block" tabIndex={0} aria-label={`Changes to ${saved.path}`}>
                    {saved.diff}
                  </pre>
                  <div className="export-file__actions">
                    <button
                      type="button"
                      className="button button--danger"
                      onClick={() => void replace(file.name)}
                    >
                      Replace it
                    </button>
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        keepExisting(file.name);
                      }}
                    >
                      Keep the existing file
                    </button>
                  </div>
                </div>
              )}
              {saved?.status === 'error' && <ErrorMessage error={saved.error} />}
            </li>
          );
        })}
      </ul>
      {output.nextSteps.length > 0 && (
        <>
          <h3>Deploy</h3>
          <ol className="export-next-steps">
            {output.nextSteps.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

/** Signing in with exactly the new files, as the export's verification does. */
function VerifyNewFiles() {
  const verification = useRotation((state) => state.verification);
  const verify = useRotation((state) => state.verify);
  const paste = useRotation((state) => state.pasteVerification);
  const cancel = useRotation((state) => state.cancelVerification);
  const [login, setLogin] = useState('');
  const status = verification?.status;
  const running = status === 'starting' || status === 'waiting';
  const started = verification?.started ?? null;
  return (
    <div className="verify">
      <h3>Verify the new files</h3>
      <p className="field__help">
        Once the target runs with them, the console reads the files the way the target does and
        signs in with exactly what they say and the new secret — never the old one, which would sign
        in too and prove nothing.
      </p>
      <TextField
        label="Who signs in (login)"
        path="rotation.verifyLogin"
        value={login}
        onChange={setLogin}
        help="Someone assigned to the app, who types their own password; leave empty for anyone."
      />
      <div className="step-footer">
        <button
          type="button"
          className="button button--primary"
          disabled={running}
          onClick={() => void verify(login)}
        >
          {status === 'starting' ? 'Starting the sign-in…' : 'Verify by signing in'}
        </button>
        {running && (
          <button type="button" className="button" onClick={() => void cancel()}>
            Cancel the verification
          </button>
        )}
      </div>
      {status === 'starting' && (
        <p role="status" aria-busy="true">
          Reading the files and preparing the sign-in…
        </p>
      )}
      {verification?.error !== null && verification?.error !== undefined && (
        <ErrorMessage error={verification.error} />
      )}
      {started !== null && status === 'waiting' && (
        <SignInWaiting
          started={started}
          passwordLabel="Password for the verification"
          waitingText="Waiting for the sign-in…"
          pastePath="rotation.pasted"
          onPaste={paste}
        />
      )}
      {verification?.result !== null && verification?.result !== undefined && (
        <SignInResult result={verification.result} />
      )}
    </div>
  );
}

/**
 * The rotation of one managed app's client secret, without downtime: its secrets and where the
 * rotation stands; Start (the second secret, into the keychain); the target's files for it; a
 * sign-in with exactly those files; then the admin's confirmation that retires the old one.
 *
 * @remarks
 * Everything is read from main each time the view opens, so an app mid-rotation shows where it
 * stands and what comes next. The old secret keeps signing in until the confirmation; Cancel
 * (before it) removes the new one instead. No secret value ever reaches this view.
 */
export function RotationView(props: { appId: string }) {
  const app = useManagedApps((state) =>
    state.apps.find((candidate) => candidate.id === props.appId),
  );
  const appsStatus = useManagedApps((state) => state.status);
  const loadApps = useManagedApps((state) => state.load);
  const status = useRotation((state) => state.status);
  const busy = useRotation((state) => state.busy);
  const error = useRotation((state) => state.error);
  const target = useRotation((state) => state.target);
  const files = useRotation((state) => state.files);
  const keychainWarning = useRotation((state) => state.keychainWarning);
  const open = useRotation((state) => state.open);
  const start = useRotation((state) => state.start);
  const render = useRotation((state) => state.render);
  const finish = useRotation((state) => state.finish);
  const cancel = useRotation((state) => state.cancel);
  const reset = useRotation((state) => state.reset);
  const heading = useHeadingFocus();
  const [confirmed, setConfirmed] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const cancelId = useId();
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const confirmCancel = useRef<HTMLButtonElement>(null);
  const phaseShown = useRef<RotationStatusView['phase'] | null>(null);
  const appTarget = app?.target ?? null;
  const defaultTarget = (EXPORT_TARGET_IDS as readonly string[]).includes(appTarget ?? '')
    ? (appTarget as ExportTargetId)
    : null;

  useEffect(() => {
    if (appsStatus === 'idle') {
      void loadApps();
    }
  }, [appsStatus, loadApps]);
  useEffect(() => {
    void open(props.appId, defaultTarget);
  }, [open, props.appId, defaultTarget]);

  const label = app?.label ?? status?.label ?? props.appId;
  const phase = status?.phase ?? null;
  // A step done moves the keyboard to the next one (its button is gone); not on opening.
  useEffect(() => {
    if (phase === null) {
      return;
    }
    if (phaseShown.current !== null && phaseShown.current !== phase) {
      stepHeading.current?.focus();
    }
    phaseShown.current = phase;
  }, [phase]);
  useEffect(() => {
    if (cancelling) {
      confirmCancel.current?.focus();
    }
  }, [cancelling]);
  const canStart = phase === 'none' || phase === 'finished' || phase === 'cancelled';
  const canCancel =
    phase === 'creating' || phase === 'awaiting-verification' || phase === 'awaiting-confirmation';
  return (
    <section className="step day-two" aria-labelledby="rotation-heading">
      <h1 id="rotation-heading" ref={heading} tabIndex={-1}>
        Rotate the client secret of “{label}”
      </h1>
      <p className="lede">
        Okta lets an app hold two active client secrets. The console makes the second one and keeps
        it in your OS keychain; you deploy it; the console signs in with exactly the new files; and
        only after you confirm the target runs on it is the old one deactivated and deleted. The old
        secret keeps working until then.
      </p>
      <p role="status" className="day-two__status">
        {busy === null ? '' : BUSY_TEXT[busy]}
      </p>
      {error !== null && <ErrorMessage error={error.value} />}
      {status !== null && (
        <>
          <dl className="facts">
            <dt>Client id</dt>
            <dd>
              <code>{status.clientId}</code>
            </dd>
            <dt>Rotation</dt>
            <dd data-testid="rotation-phase">{PHASE_TEXT[status.phase]}</dd>
            <dt>Next</dt>
            <dd>{status.next}</dd>
            {status.verified !== null && (
              <>
                <dt>Verified</dt>
                <dd>
                  {EXPORT_TARGET_TITLES[status.verified.target]} files signed in{' '}
                  {localTime(status.verified.at)} (sha256{' '}
                  <code>{status.verified.contentHash.slice(0, 12)}</code>)
                </dd>
              </>
            )}
          </dl>
          <h2
            ref={
              phase === 'awaiting-verification' || phase === 'awaiting-confirmation'
                ? undefined
                : stepHeading
            }
            tabIndex={-1}
          >
            Client secrets
          </h2>
          <SecretsTable status={status} />
        </>
      )}
      {keychainWarning !== null && <p className="note note--warning">{keychainWarning}</p>}

      {(canStart || phase === 'creating') && (
        <div className="step-footer">
          <button
            type="button"
            className="button button--primary"
            disabled={busy !== null}
            onClick={() => void start()}
          >
            {phase === 'creating' ? 'Resume the rotation' : 'Start rotation'}
          </button>
        </div>
      )}

      {phase === 'awaiting-verification' && (
        <>
          <h2 ref={stepHeading} tabIndex={-1}>
            The target’s files for the new secret
          </h2>
          <SelectField<ExportTargetId | ''>
            label="Target"
            path="rotation.target"
            value={target ?? ''}
            options={[
              ...(target === null ? [{ value: '' as const, label: 'Choose the target…' }] : []),
              ...EXPORT_TARGET_IDS.map((id) => ({ value: id, label: EXPORT_TARGET_TITLES[id] })),
            ]}
            onChange={(value) => {
              if (value !== '') {
                void render(value);
              }
            }}
            help="The files are written with the secret referenced, never in them."
          />
          <NewFiles appId={props.appId} />
          {files !== null && files.outputs.length > 0 && <VerifyNewFiles />}
        </>
      )}

      {(phase === 'awaiting-confirmation' || phase === 'retiring') && (
        <div className="rotation-confirm">
          <h2 ref={phase === 'awaiting-confirmation' ? stepHeading : undefined} tabIndex={-1}>
            Retire the old secret
          </h2>
          <LastSignIn />
          <CheckboxField
            label="The target runs on the new secret"
            path="rotation.confirm"
            checked={confirmed || phase === 'retiring'}
            onChange={setConfirmed}
            help="Once retired, the old secret is refused at /token: a target still using it stops signing people in."
          />
          <div className="step-footer">
            <button
              type="button"
              className="button button--danger"
              disabled={busy !== null || (!confirmed && phase !== 'retiring')}
              onClick={() => void finish()}
            >
              {phase === 'retiring' ? 'Finish retiring the old secret' : 'Retire the old secret'}
            </button>
          </div>
        </div>
      )}

      {canCancel && (
        <div className="rotation-cancel">
          {cancelling ? (
            <div role="group" aria-labelledby={cancelId} className="export-overwrite">
              <p id={cancelId}>
                Cancel the rotation? The new secret is deactivated and deleted, and the old one
                stays. A target already running on the new secret would stop signing people in.
              </p>
              <div className="step-footer">
                <button
                  ref={confirmCancel}
                  type="button"
                  className="button button--danger"
                  disabled={busy !== null}
                  onClick={() => {
                    setCancelling(false);
                    void cancel();
                  }}
                >
                  Delete the new secret
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setCancelling(false);
                  }}
                >
                  Keep rotating
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => {
                setCancelling(true);
              }}
            >
              Cancel the rotation…
            </button>
          )}
        </div>
      )}

      <div className="step-footer">
        <BackToManagedApps reset={reset} />
      </div>
    </section>
  );
}

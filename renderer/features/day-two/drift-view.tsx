import { useEffect, useId, useRef, useState } from 'react';

import {
  EXPORT_TARGET_IDS,
  EXPORT_TARGET_TITLES,
  type ExportTargetId,
} from '../../../shared/export/export-targets.ts';
import type { OrgDriftReportView, TargetDriftReportView } from '../../../shared/ipc/contract.ts';
import { CheckItem, ChecksList } from '../../components/checks.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { SignInWaiting } from '../../components/sign-in-waiting.tsx';
import type { TargetSignInStarted } from '../../stores/drift-store.ts';
import { useDrift, useManagedApps } from '../../stores/store-context.tsx';
import { BackToManagedApps } from './back-to-managed-apps.tsx';
import { fileNameOf, localTime } from './format.ts';
import { useHeadingFocus } from './use-heading-focus.ts';

const BUSY_TEXT = {
  checking: 'Comparing the app in the org with its setup document…',
  adopting: 'Writing Okta’s values into the setup document…',
  restoring: 'Restoring: planning and applying the setup document to the org…',
} as const;

/** A target's title when it is one of the export's targets, else the name as given. */
function targetTitle(target: string): string {
  return (EXPORT_TARGET_IDS as readonly string[]).includes(target)
    ? EXPORT_TARGET_TITLES[target as ExportTargetId]
    : target;
}

/** A field's value as the admin reads it: text as it is, anything else as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) {
    return '(none)';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The differing fields, one row each: where in the document, the document's and Okta's value. */
function DriftTable(props: { report: OrgDriftReportView }) {
  return (
    <table className="claims drift-fields" aria-label="Field-level differences">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Setup document</th>
          <th scope="col">Okta</th>
          <th scope="col">Adopt</th>
        </tr>
      </thead>
      <tbody>
        {props.report.drift.fields.map((field) => (
          <tr key={`${field.key} ${field.path}`}>
            <th scope="row">
              <code>{field.path}</code>
              <span className="visually-muted drift-fields__object"> {field.title}</span>
            </th>
            <td>
              <code>{valueText(field.documentValue)}</code>
            </td>
            <td>
              <code>{valueText(field.oktaValue)}</code>
            </td>
            <td>
              {field.adoptable ? (
                'Can be adopted'
              ) : (
                <>
                  <span className="badge badge--warning">Restore only</span>
                  {field.adoptNote !== null && (
                    <span className="visually-muted"> {field.adoptNote}</span>
                  )}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A target file's findings, each failed one with its fix; the sign-in's own checks under it. */
function TargetFindings(props: { report: TargetDriftReportView }) {
  const { report } = props;
  const failed = report.findings.filter((finding) => !finding.ok).length;
  const read = `${report.file}, read as ${targetTitle(report.target)}`;
  return (
    <div className={`verification ${report.ok ? '' : 'verification--failed'}`}>
      <p className="verification__headline">
        {report.ok
          ? report.signIn?.ok === true && report.signIn.verifiedAt !== null
            ? `${read}, matches Okta and signed in ${localTime(report.signIn.verifiedAt)} · sha256 ${report.signIn.contentHash.slice(0, 12)}.`
            : `${read}, matches Okta.`
          : `${read}, does not match Okta: ${String(failed)} finding${failed === 1 ? '' : 's'} to fix.`}
      </p>
      <ul className="checks" aria-label="Findings">
        {report.findings.map((finding) => (
          <CheckItem
            key={finding.check}
            ok={finding.ok}
            name={finding.check}
            detail={finding.detail}
            dataCheck={finding.check}
          >
            {finding.check === 'sign-in' && report.signIn !== undefined && (
              // Indented under the finding, as the fix is: the checks the sign-in made.
              <div className="drift-fix">
                <ChecksList checks={report.signIn.checks} label="Sign-in checks" />
              </div>
            )}
            {finding.fix !== null && (
              <p className="drift-fix">
                <strong>Fix:</strong> {finding.fix}
              </p>
            )}
          </CheckItem>
        ))}
      </ul>
    </div>
  );
}

/** The sign-in with the file, waiting for the admin: where to sign in, or paste the address. */
function TargetSignInWaiting(props: { started: TargetSignInStarted }) {
  const { started } = props;
  const paste = useDrift((state) => state.pasteTargetSignIn);
  return (
    <SignInWaiting
      started={started}
      passwordLabel="Password for the sign-in"
      waitingText="Waiting for the sign-in with the file…"
      pastePath="drift.pasted"
      onPaste={paste}
    />
  );
}

const TARGET_BUSY_TEXT = {
  checking: 'Reading the file and checking it against Okta…',
  starting: 'Checking the file against Okta and preparing the sign-in with it…',
} as const;

/** The check of a deployed config file: its path on this computer and the target reading it. */
function TargetFileCheck(props: { defaultTarget: string | null }) {
  const targetCheck = useDrift((state) => state.targetCheck);
  const checkTarget = useDrift((state) => state.checkTarget);
  const signInWithTarget = useDrift((state) => state.signInWithTarget);
  const cancelSignIn = useDrift((state) => state.cancelTargetSignIn);
  const [filePath, setFilePath] = useState('');
  const [target, setTarget] = useState<ExportTargetId | ''>('');
  const [login, setLogin] = useState('');
  const headingId = useId();
  const { status } = targetCheck;
  const busy = status === 'checking' || status === 'starting' || status === 'waiting';
  const chosenTarget = target === '' ? null : target;
  return (
    <>
      <h2 id={headingId}>Check a deployed config file</h2>
      <p className="field__help">
        Point at the config file the target runs with, on this computer (for example a copy of its
        application.yml). The console reads it with the export’s reader for the target and checks it
        against Okta: the client id, the app being active, the issuer, the redirect URI, the token
        endpoint method and the secret reference. Each finding comes with its fix. Sign in with this
        file proves it end to end: the console signs in with exactly what the file says, as the
        export’s verification does — as the login you give (someone assigned to the app, who types
        their own password), or as whoever signs in.
      </p>
      <form
        aria-labelledby={headingId}
        className="drift-target-form"
        onSubmit={(event) => {
          event.preventDefault();
          void checkTarget(filePath, chosenTarget);
        }}
      >
        <TextField
          label="Path of the config file"
          path="drift.targetFile"
          value={filePath}
          onChange={setFilePath}
          placeholder="/etc/kestra/application.yml"
        />
        <SelectField<ExportTargetId | ''>
          label="Target"
          path="drift.target"
          value={target}
          options={[
            {
              value: '',
              label:
                props.defaultTarget === null
                  ? 'The setup document’s'
                  : `The setup document’s (${targetTitle(props.defaultTarget)})`,
            },
            ...EXPORT_TARGET_IDS.map((id) => ({ value: id, label: EXPORT_TARGET_TITLES[id] })),
          ]}
          onChange={setTarget}
        />
        <TextField
          label="Who signs in with the file (login)"
          path="drift.signInLogin"
          value={login}
          onChange={setLogin}
          placeholder="Anyone assigned to the app"
        />
        <div className="step-footer">
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || filePath.trim() === ''}
          >
            {status === 'checking' ? 'Checking the file…' : 'Check the file'}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || filePath.trim() === ''}
            onClick={() => void signInWithTarget(filePath, chosenTarget, login)}
          >
            {status === 'starting' ? 'Starting the sign-in…' : 'Sign in with this file'}
          </button>
          {status === 'waiting' && (
            <button type="button" className="button" onClick={() => void cancelSignIn()}>
              Cancel the sign-in
            </button>
          )}
        </div>
      </form>
      {(status === 'checking' || status === 'starting') && (
        <p role="status" aria-busy="true">
          {TARGET_BUSY_TEXT[status]}
        </p>
      )}
      {targetCheck.error !== null && <ErrorMessage error={targetCheck.error} />}
      {status === 'waiting' && targetCheck.signIn !== null && (
        <TargetSignInWaiting started={targetCheck.signIn} />
      )}
      {targetCheck.report !== null && status !== 'waiting' && (
        <TargetFindings report={targetCheck.report} />
      )}
    </>
  );
}

/**
 * Drift of one managed app, both ways: the org against the app's setup document, field by field,
 * with Adopt (Okta's values into the document) and Restore (the document applied to Okta, after
 * the admin saw what it changes); and a deployed config file checked against the org.
 *
 * @remarks
 * The same drift service as `sso-console drift`, so the window, `plan` and `list` agree. Restore
 * changes the org: it asks first, listing the fields it puts back.
 */
export function DriftView(props: { appId: string }) {
  const app = useManagedApps((state) =>
    state.apps.find((candidate) => candidate.id === props.appId),
  );
  const appsStatus = useManagedApps((state) => state.status);
  const loadApps = useManagedApps((state) => state.load);
  const report = useDrift((state) => state.report);
  const busy = useDrift((state) => state.busy);
  const error = useDrift((state) => state.error);
  const confirmingRestore = useDrift((state) => state.confirmingRestore);
  const adopted = useDrift((state) => state.adopted);
  const restored = useDrift((state) => state.restored);
  const check = useDrift((state) => state.check);
  const adopt = useDrift((state) => state.adopt);
  const askRestore = useDrift((state) => state.askRestore);
  const cancelRestore = useDrift((state) => state.cancelRestore);
  const restore = useDrift((state) => state.restore);
  const reset = useDrift((state) => state.reset);
  const heading = useHeadingFocus();
  const confirmId = useId();
  const restoreButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The keyboard follows the question: to its answer when asked, back to Restore… when declined.
  useEffect(() => {
    if (confirmingRestore) {
      confirmButton.current?.focus();
    }
  }, [confirmingRestore]);

  useEffect(() => {
    if (appsStatus === 'idle') {
      void loadApps();
    }
  }, [appsStatus, loadApps]);
  useEffect(() => {
    void check(props.appId);
  }, [check, props.appId]);

  const label = app?.label ?? report?.app.label ?? props.appId;
  const fields = report?.drift.fields ?? [];
  const adoptable = fields.filter((field) => field.adoptable).length;
  const drifted = report?.drift.drifted === true;
  return (
    <section className="step day-two" aria-labelledby="drift-heading">
      <h1 id="drift-heading" ref={heading} tabIndex={-1}>
        Drift of “{label}”
      </h1>
      <p className="lede">
        Whether anyone changed the app in Okta since its setup was applied: each field that differs
        from the setup document. Adopt takes Okta’s values into the document; Restore puts Okta back
        the way the document says.
      </p>
      <div className="day-two__toolbar">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => void check(props.appId)}
        >
          Check again
        </button>
        <p role="status" className="day-two__status">
          {busy !== null
            ? BUSY_TEXT[busy]
            : report === null
              ? ''
              : drifted
                ? `Drift: ${String(fields.length)} field${fields.length === 1 ? '' : 's'} differ${fields.length === 1 ? 's' : ''}, ${String(adoptable)} of them adoptable.`
                : restored
                  ? 'Restored: the setup document was applied, and the app matches it.'
                  : 'No drift: the app matches its setup document.'}
        </p>
      </div>
      {error !== null && <ErrorMessage error={error.value} />}
      {adopted !== null && (
        <p className="note">
          {adopted.adopted.length === 0
            ? 'Nothing to adopt: the document already holds Okta’s values for every field it can.'
            : `Adopted Okta’s values of ${adopted.adopted.join(', ')} into ${adopted.written.map(fileNameOf).join(' and ')}.`}
        </p>
      )}
      {report !== null && (
        <p className="field__help">
          Compared with setup document <code>{report.document.id}</code>
          {report.document.keptFile !== null && (
            <>
              {' '}
              (<code title={report.document.keptFile}>{fileNameOf(report.document.keptFile)}</code>)
            </>
          )}{' '}
          in {report.orgUrl}.
        </p>
      )}
      {report !== null && fields.length > 0 && <DriftTable report={report} />}
      {report !== null && report.drift.blockers.length > 0 && (
        <>
          <h2>The document names what the org does not have</h2>
          <ul>
            {report.drift.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </>
      )}
      {drifted && (
        <div className="step-footer">
          <button
            type="button"
            className="button"
            disabled={busy !== null || adoptable === 0}
            onClick={() => void adopt()}
          >
            Adopt Okta’s values
          </button>
          <button
            ref={restoreButton}
            type="button"
            className="button button--danger"
            disabled={busy !== null || confirmingRestore}
            aria-expanded={confirmingRestore}
            onClick={askRestore}
          >
            Restore…
          </button>
        </div>
      )}
      {confirmingRestore && (
        <div role="group" aria-labelledby={confirmId} className="export-overwrite">
          <p id={confirmId}>
            Restore applies the setup document to Okta, as Apply does (journaled, and the secrets it
            makes go to the keychain). These go back to the document’s values:
          </p>
          <ul aria-label="Restore changes">
            {fields.map((field) => (
              <li key={`${field.key} ${field.path}`}>
                <code>{field.path}</code> → <code>{valueText(field.documentValue)}</code>
              </li>
            ))}
          </ul>
          <div className="step-footer">
            <button
              ref={confirmButton}
              type="button"
              className="button button--danger"
              disabled={busy !== null}
              onClick={() => void restore()}
            >
              Restore the document
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                cancelRestore();
                // Enabled again on the next render; focus it once it is.
                setTimeout(() => restoreButton.current?.focus(), 0);
              }}
            >
              Keep Okta as it is
            </button>
          </div>
        </div>
      )}

      <TargetFileCheck defaultTarget={app?.target ?? null} />

      <div className="step-footer">
        <BackToManagedApps reset={reset} />
      </div>
    </section>
  );
}

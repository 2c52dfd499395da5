import { useEffect, useRef, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import type { Diagnosis, TimelineEntry } from '../../../shared/preview/preview-schemas.ts';
import { Claims } from '../../components/claims.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { CheckboxField, RadioGroup, TextField } from '../../components/fields.tsx';
import { isFocusKept } from '../../components/focus.ts';
import { PastedAddressForm } from '../../components/pasted-address-form.tsx';
import { SignInAs } from '../../components/sign-in-as.tsx';
import { FooterBar } from '../../components/step-footer.tsx';
import {
  usePreview,
  useSetupDocument,
  useSetupRun,
  useWizard,
} from '../../stores/store-context.tsx';

type UserChoice = 'test-user' | 'throwaway' | 'existing';

/** The exchanges of the flow, one row each, in order. */
function Timeline(props: { entries: TimelineEntry[]; label: string }) {
  return (
    <table className="timeline" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Request</th>
          <th scope="col">Status</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry, index) => (
          <tr key={`${entry.step} ${String(index)}`}>
            <th scope="row">{entry.step}</th>
            <td>
              <code>
                {entry.method} {entry.url}
              </code>
            </td>
            <td>{entry.status ?? '—'}</td>
            <td>{Math.round(entry.durationMs)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One diagnosis: Okta's words, the cause, the fix, and the one-click fix when there is one. */
function DiagnosisCard(props: { diagnosis: Diagnosis }) {
  const { diagnosis } = props;
  const fixWith = usePreview((state) => state.fix);
  const document = useSetupDocument((state) => state.document);
  const replace = useSetupDocument((state) => state.replace);
  const goTo = useWizard((state) => state.goTo);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const oneClick = diagnosis.oneClickFix;
  return (
    <li className="diagnosis" data-diagnosis-code={diagnosis.code}>
      <p className="diagnosis__code">{diagnosis.code}</p>
      {diagnosis.oktaText !== null && (
        <p>
          Okta said: <q>{diagnosis.oktaText}</q>
        </p>
      )}
      <p>
        <strong>Why:</strong> {diagnosis.cause}
      </p>
      <p>
        <strong>Fix:</strong> {diagnosis.fix}
      </p>
      {diagnosis.systemLog !== undefined && diagnosis.systemLog.length > 0 && (
        <ul aria-label="System Log events">
          {diagnosis.systemLog.map((event) => (
            <li key={`${event.published} ${event.eventType}`}>
              {event.published} <code>{event.eventType}</code> {event.outcome}
              {event.reason !== null && ` (${event.reason})`}
            </li>
          ))}
        </ul>
      )}
      {oneClick !== undefined && (
        <button
          type="button"
          className="button"
          onClick={() => {
            void fixWith(document, oneClick).then((result) => {
              if (result.ok) {
                replace(result.document);
                goTo('review');
              } else {
                setError(result.error);
              }
            });
          }}
        >
          Fix it: review the change
        </button>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </li>
  );
}

/**
 * The last step: sign in to the new app with its real settings, see every exchange and the
 * tokens' claims, and get a diagnosis — with a fix — when it fails.
 *
 * @remarks
 * The sign-in happens in the system browser (RFC 8252): the console only shows the link and,
 * for the setup's test user, the password from the keychain on request. A one-click fix edits
 * the setup document and goes back to review, so the change is seen as a plan before it is made.
 */
export function PreviewStep() {
  const document = useSetupDocument((state) => state.document);
  const applied = useSetupRun((state) => state.apply.result);
  const status = usePreview((state) => state.status);
  const started = usePreview((state) => state.started);
  const live = usePreview((state) => state.live);
  const report = usePreview((state) => state.report);
  const error = usePreview((state) => state.error);
  const start = usePreview((state) => state.start);
  const cancel = usePreview((state) => state.cancel);
  const pasteCallback = usePreview((state) => state.pasteCallback);
  const [choice, setChoice] = useState<UserChoice>(
    document.assignments.testUser === undefined ? 'throwaway' : 'test-user',
  );
  const [login, setLogin] = useState('');
  const [allowAppChange, setAllowAppChange] = useState(true);
  const next = useWizard((state) => state.next);
  const isRunning = status === 'starting' || status === 'waiting';
  const isSignedIn = status === 'done' && report?.ok === true;
  const signInRef = useRef<HTMLElement>(null);
  const reportHeadingRef = useRef<HTMLHeadingElement>(null);
  const stepRef = useRef<HTMLElement>(null);

  // The keyboard follows the preview: to the sign-in link once it can begin (the next thing to
  // do), to the report's heading when the sign-in comes back from the browser's tab, and back
  // to the primary action after a cancel — never left on the page body.
  useEffect(() => {
    if (status === 'waiting') {
      const link = signInRef.current?.querySelector<HTMLElement>('a[href]');
      (link ?? signInRef.current?.querySelector<HTMLElement>('h2'))?.focus();
    } else if (status === 'done') {
      reportHeadingRef.current?.focus();
    } else if (status === 'error' && !isFocusKept()) {
      stepRef.current?.querySelector<HTMLElement>('[data-primary-action]')?.focus();
    }
  }, [status]);

  function startPreview() {
    void start(document, choice === 'existing' ? { kind: 'existing', login } : { kind: choice }, {
      allowAppChange,
    });
  }

  async function cancelPreview() {
    await cancel();
    stepRef.current?.querySelector<HTMLElement>('[data-primary-action]')?.focus();
  }

  // After a sign-in, the next step is what to do; until then, the preview itself.
  const primary = isSignedIn
    ? { label: 'Next: export config files', onClick: next }
    : {
        label: status === 'starting' ? 'Preparing the preview…' : 'Start the preview',
        isBusy: isRunning,
        onClick: startPreview,
      };

  return (
    <section className="step" aria-labelledby="preview-heading" ref={stepRef}>
      <h1 id="preview-heading" tabIndex={-1}>
        Preview the login
      </h1>
      <p className="lede">
        Sign in to {document.app.label} with its real settings — authorization code with PKCE, the
        app’s client authentication, every token verified — before the app itself is running.
      </p>
      {applied === null && (
        <p className="note">
          The preview signs in to the app as it is in the org. Apply the setup first if you have not
          yet.
        </p>
      )}
      <RadioGroup
        legend="Who signs in"
        name="preview-user"
        path="preview.user"
        value={choice}
        options={[
          {
            value: 'test-user',
            label: 'The setup’s test user',
            description:
              document.assignments.testUser === undefined
                ? 'This setup has no test user.'
                : `${document.assignments.testUser.email}; the password is in your OS keychain.`,
          },
          {
            value: 'throwaway',
            label: 'A throwaway user',
            description:
              'Created and assigned for this preview, tagged as the console’s, and deleted afterwards.',
          },
          { value: 'existing', label: 'Someone who already exists (types their own password)' },
        ]}
        onChange={setChoice}
      />
      {choice === 'existing' && (
        <TextField label="Login" path="preview.login" value={login} onChange={setLogin} />
      )}
      <CheckboxField
        label="Let the console add a temporary redirect URI to the app for the preview"
        path="preview.allowAppChange"
        checked={allowAppChange}
        onChange={setAllowAppChange}
        help="Needed only when none of the app’s redirect URIs is a free loopback address; it is removed right after. Clear it for an app you may not change: the sign-in then comes back through the console’s own sign-in window (desktop app) or an address you paste."
      />
      {error !== null && <ErrorMessage error={error} />}
      {started !== null && status === 'waiting' && (
        <section
          className="card"
          aria-labelledby="sign-in-heading"
          aria-busy="true"
          ref={signInRef}
        >
          <h2 id="sign-in-heading" tabIndex={-1}>
            Sign in
          </h2>
          <p>{started.strategy.explanation}</p>
          {started.strategy.kind === 'intercept-window' && (
            // The console's own window shows the sign-in and stops the redirect; signing in in
            // the browser instead would land on the app's real address.
            <p>Sign in in the window the console opened.</p>
          )}
          {started.authorizeUrl !== null && started.strategy.kind !== 'intercept-window' && (
            <p>
              <a href={started.authorizeUrl} target="_blank" rel="noreferrer">
                Open the sign-in page
              </a>{' '}
              <span className="visually-muted">(in your browser)</span>
            </p>
          )}
          <SignInAs user={started.user} passwordLabel="Password for the preview" />
          <p role="status">Waiting for the sign-in…</p>
          <PastedAddressForm path="preview.pasted" onPaste={pasteCallback} />
        </section>
      )}
      {live.length > 0 && status !== 'done' && <Timeline entries={live} label="Exchanges so far" />}
      {report !== null && (
        <section
          aria-labelledby="report-heading"
          className={report.ok ? 'outcome outcome--success' : 'outcome outcome--failed'}
        >
          <h2 id="report-heading" tabIndex={-1} ref={reportHeadingRef}>
            {report.ok ? 'Signed in' : 'The sign-in failed'}
          </h2>
          {report.ok && (
            <p>
              {document.app.label} signs in with Okta as set up. Next, export the config files the
              app reads.
            </p>
          )}
          {report.diagnosis.length > 0 && (
            <ul className="diagnoses" aria-label="Diagnosis">
              {report.diagnosis.map((diagnosis) => (
                <DiagnosisCard key={diagnosis.code} diagnosis={diagnosis} />
              ))}
            </ul>
          )}
          <h3>Timeline</h3>
          <Timeline entries={report.timeline} label="Timeline" />
          {report.idTokenDecoded !== undefined && (
            <>
              <h3>ID token</h3>
              <Claims claims={report.idTokenDecoded.claims} label="ID token claims" />
            </>
          )}
          {report.accessTokenView !== undefined && (
            <>
              <h3>Access token</h3>
              {report.accessTokenView.kind === 'opaque' ? (
                <p>{report.accessTokenView.reason}</p>
              ) : (
                <Claims claims={report.accessTokenView.claims} label="Access token claims" />
              )}
            </>
          )}
          {report.cleanUp.length > 0 && (
            <>
              <h3>Cleaned up</h3>
              <ul aria-label="Cleaned up">
                {report.cleanUp.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <FooterBar primary={primary}>
        {isRunning && (
          <button type="button" className="button" onClick={() => void cancelPreview()}>
            Cancel
          </button>
        )}
        {isSignedIn ? (
          <button type="button" className="button" onClick={startPreview}>
            Preview again
          </button>
        ) : (
          <button type="button" className="button" onClick={next}>
            Next: export config files
          </button>
        )}
      </FooterBar>
    </section>
  );
}

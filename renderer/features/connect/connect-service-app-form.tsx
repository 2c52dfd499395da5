import { type SyntheticEvent, useId, useRef, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import { ADMIN_ROLE_LABELS, type AdminRole } from '../../../shared/okta/management-scopes.ts';
import { parseOrgUrl } from '../../../shared/okta/org-url.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useProfiles } from '../../stores/store-context.tsx';
import { OrgUrlField } from './org-url-field.tsx';
import { VerifyProgress } from './verify-progress.tsx';

function roleLabel(role: string): string {
  return role in ADMIN_ROLE_LABELS ? ADMIN_ROLE_LABELS[role as AdminRole] : role;
}

/**
 * "Service app (OAuth 2.0, private key)": connect an org as an API services app instead of with
 * an API token.
 *
 * @remarks
 * Main makes the key pair and keeps the private half in the OS keychain; this page only ever
 * holds the public JWK, which it shows with a copy button and the exact steps to register it in
 * the Admin Console with the scopes and role the least-privilege planner lists. The admin then
 * pastes the app's client id and the console verifies the connection with the real key.
 */
export function ConnectServiceAppForm(props: {
  /** Another choice is the screen's one primary action (the sandbox, on a first run). */
  isSecondary?: boolean;
}) {
  const connect = useProfiles((state) => state.connect);
  const key = useProfiles((state) => state.serviceAppKey);
  const keyError = useProfiles((state) => state.serviceAppKeyError);
  const newServiceAppKey = useProfiles((state) => state.newServiceAppKey);
  const connectServiceApp = useProfiles((state) => state.connectServiceApp);
  const cancelConnect = useProfiles((state) => state.cancelConnect);
  const [orgUrl, setOrgUrl] = useState('');
  const [clientId, setClientId] = useState('');
  const [label, setLabel] = useState('');
  const [isUrlTouched, setIsUrlTouched] = useState(false);
  const [isMakingKey, setIsMakingKey] = useState(false);
  const [copyNote, setCopyNote] = useState<string | null>(null);
  const orgUrlRef = useRef<HTMLInputElement>(null);
  const clientIdRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);
  const ids = {
    clientId: useId(),
    label: useId(),
    clientIdError: useId(),
    jwk: useId(),
  };

  const isRunning = connect.status === 'running' && connect.target === 'service-app';
  const serverError = connect.target === 'service-app' ? connect.error : null;
  const urlLint = isUrlTouched ? parseOrgUrl(orgUrl) : null;
  const urlError: AppErrorValue | null =
    urlLint !== null && !urlLint.ok
      ? urlLint.error
      : keyError?.field === 'orgUrl'
        ? keyError
        : serverError?.field === 'orgUrl'
          ? serverError
          : null;
  const clientIdError = serverError?.field === 'clientId' ? serverError : null;
  const formError =
    serverError !== null && serverError.field === undefined
      ? serverError
      : keyError !== null && keyError.field === undefined
        ? keyError
        : null;
  const jwkText = key === null ? '' : JSON.stringify(key.publicJwk, null, 2);
  const keyIsForOrg = key !== null && parseOrgUrl(orgUrl).ok && key.orgUrl === parsedUrl(orgUrl);

  async function makeKey() {
    setIsUrlTouched(true);
    if (!parseOrgUrl(orgUrl).ok) {
      orgUrlRef.current?.focus();
      return;
    }
    setIsMakingKey(true);
    setCopyNote(null);
    await newServiceAppKey(orgUrl);
    setIsMakingKey(false);
  }

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    const failure = await connectServiceApp({ orgUrl, clientId, label });
    if (failure === null) {
      setOrgUrl('');
      setClientId('');
      setLabel('');
      setIsUrlTouched(false);
      return;
    }
    (failure.field === 'clientId'
      ? clientIdRef
      : failure.field === 'orgUrl'
        ? orgUrlRef
        : formErrorRef
    ).current?.focus();
  }

  return (
    <form
      className="connect-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-busy={isRunning || isMakingKey}
      aria-label="Connect with a service app"
    >
      <OrgUrlField
        inputRef={orgUrlRef}
        value={orgUrl}
        onChange={setOrgUrl}
        onTouched={() => {
          setIsUrlTouched(true);
        }}
        error={urlError}
        disabled={isRunning}
      />
      {!keyIsForOrg && (
        <div className="field">
          <button
            type="button"
            className="button"
            disabled={isRunning || isMakingKey}
            onClick={() => void makeKey()}
          >
            {isMakingKey ? 'Making the key pair…' : 'Make a key pair'}
          </button>
          <p className="field__help">
            The console makes an RSA key pair. The private key goes straight into your OS keychain
            and never leaves this computer; you register only the public key in Okta.
          </p>
        </div>
      )}
      {keyIsForOrg && (
        <>
          <div className="field">
            <label htmlFor={ids.jwk}>Public key (JWK)</label>
            <pre id={ids.jwk} className="code-block" tabIndex={0} data-testid="public-jwk">
              {jwkText}
            </pre>
            <button
              type="button"
              className="button"
              onClick={() => {
                navigator.clipboard.writeText(jwkText).then(
                  () => {
                    setCopyNote('Copied the public key.');
                  },
                  () => {
                    setCopyNote(
                      'The clipboard is not available here: select the key above and copy it.',
                    );
                  },
                );
              }}
            >
              Copy public key
            </button>
            {copyNote !== null && (
              <p className="field__help" role="status">
                {copyNote}
              </p>
            )}
          </div>
          <section aria-label="Register the key in Okta">
            <h4>Register it on an API services app in the Admin Console</h4>
            <ol className="steps">
              <li>
                Applications › Applications › <strong>Create App Integration</strong> ›{' '}
                <strong>API Services</strong>; name it (e.g. “SSO Setup Console”) and save.
              </li>
              <li>
                General › Client Credentials › Edit: choose{' '}
                <strong>Public key / Private key</strong>, <strong>Add key</strong>, paste the
                public key above, save. Leave “Require Demonstrating Proof of Possession (DPoP)” as
                your org prefers: the console meets both.
              </li>
              <li>
                <strong>Okta API Scopes</strong>: grant each of these (the least the console’s work
                needs; <code>sso-console scopes</code> tells why each one is needed):
                <ul aria-label="Scopes to grant">
                  {key.scopes.map((scope) => (
                    <li key={scope}>
                      <code>{scope}</code>
                    </li>
                  ))}
                </ul>
              </li>
              <li>
                <strong>Admin roles</strong> › Edit assignments: assign{' '}
                {key.roles.map(roleLabel).join(' and ')}.
              </li>
              <li>Copy the app’s Client ID from the General tab into the field below.</li>
            </ol>
          </section>
          <div className="field">
            <label htmlFor={ids.clientId}>Client ID</label>
            <input
              id={ids.clientId}
              ref={clientIdRef}
              type="text"
              spellCheck={false}
              autoComplete="off"
              value={clientId}
              onChange={(event) => {
                setClientId(event.target.value);
              }}
              aria-invalid={clientIdError !== null}
              aria-describedby={clientIdError === null ? undefined : ids.clientIdError}
              disabled={isRunning}
            />
            {clientIdError !== null && (
              <ErrorMessage error={clientIdError} id={ids.clientIdError} />
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.label}>
              Label <span className="visually-muted">(optional)</span>
            </label>
            <input
              id={ids.label}
              type="text"
              value={label}
              maxLength={120}
              onChange={(event) => {
                setLabel(event.target.value);
              }}
              disabled={isRunning}
            />
          </div>
        </>
      )}
      <div ref={formErrorRef} tabIndex={-1}>
        {formError !== null && <ErrorMessage error={formError} />}
      </div>
      {connect.target === 'service-app' && (isRunning || Object.keys(connect.steps).length > 0) && (
        <VerifyProgress steps={connect.steps} includeKeychain={false} method="service-app" />
      )}
      {keyIsForOrg && (
        <div className="profile__actions">
          <button
            type="submit"
            className={props.isSecondary === true ? 'button' : 'button button--primary'}
            disabled={isRunning}
          >
            {isRunning ? 'Verifying…' : 'Verify and connect'}
          </button>
          {isRunning && (
            <button type="button" className="button" onClick={() => void cancelConnect()}>
              Cancel
            </button>
          )}
        </div>
      )}
    </form>
  );
}

/** The normalised org URL of `input`, as main keys the key pair by it. */
function parsedUrl(input: string): string | undefined {
  const parsed = parseOrgUrl(input);
  return parsed.ok ? parsed.value.orgUrl : undefined;
}

import { type SyntheticEvent, useContext, useId, useRef, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import { parseOrgUrl } from '../../../shared/okta/org-url.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { LabelWithInfo, useFieldInfo } from '../../components/field-help.tsx';
import { SecretsPlaceContext, useSecretsPlaceName } from '../../components/secrets-place.tsx';
import { useProfiles } from '../../stores/store-context.tsx';
import { OrgUrlField } from './org-url-field.tsx';
import { VerifyProgress } from './verify-progress.tsx';

function hasProgress(steps: object): boolean {
  return Object.keys(steps).length > 0;
}

/**
 * The "Connect your Okta org" form: org URL, API token, optional label.
 *
 * @remarks
 * The org URL is checked as the admin types (after the first blur) with the same rules main
 * applies, so most mistakes are explained before any request. Errors from main land next to the
 * field they concern (`field` in the error value) or above the button otherwise. The token field
 * is cleared after every attempt: it lives in the page only while typed.
 */
export function ConnectOrgForm(props: {
  /** Another choice is the screen's one primary action (the sandbox, on a first run). */
  isSecondary?: boolean;
}) {
  const connect = useProfiles((state) => state.connect);
  const connectOkta = useProfiles((state) => state.connectOkta);
  const cancelConnect = useProfiles((state) => state.cancelConnect);
  const [orgUrl, setOrgUrl] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [label, setLabel] = useState('');
  const [isUrlTouched, setIsUrlTouched] = useState(false);
  const orgUrlRef = useRef<HTMLInputElement>(null);
  const tokenRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);
  const ids = {
    token: useId(),
    label: useId(),
    tokenError: useId(),
  };
  const tokenInfo = useFieldInfo(ids.token);
  const secretsPlace = useSecretsPlaceName();
  // Kept in memory, the token is lost when the console quits: a consequence, said in place.
  const isTokenPlaceNeeded = useContext(SecretsPlaceContext) === 'memory';
  const tokenPlace = `It is checked against the org, then kept in ${secretsPlace}, never in a file.`;

  const isRunning = connect.status === 'running' && connect.target === 'okta';
  const serverError = connect.target === 'okta' ? connect.error : null;
  const urlLint = isUrlTouched ? parseOrgUrl(orgUrl) : null;
  const urlError: AppErrorValue | null =
    urlLint !== null && !urlLint.ok
      ? urlLint.error
      : serverError?.field === 'orgUrl'
        ? serverError
        : null;
  const tokenError = serverError?.field === 'apiToken' ? serverError : null;
  const formError = serverError !== null && serverError.field === undefined ? serverError : null;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    setIsUrlTouched(true);
    if (!parseOrgUrl(orgUrl).ok) {
      orgUrlRef.current?.focus();
      return;
    }
    const failure = await connectOkta({ orgUrl, apiToken, label });
    setApiToken('');
    if (failure === null) {
      setOrgUrl('');
      setLabel('');
      setIsUrlTouched(false);
      return;
    }
    // Put the keyboard where the problem is.
    const target =
      failure.field === 'orgUrl'
        ? orgUrlRef
        : failure.field === 'apiToken'
          ? tokenRef
          : formErrorRef;
    target.current?.focus();
  }

  return (
    <form
      className="connect-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-busy={isRunning}
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
      <div className="field">
        <LabelWithInfo htmlFor={ids.token} label="API token" topic="API token" info={tokenInfo}>
          A token acts with the permissions of the admin who created it.
          {!isTokenPlaceNeeded && ` ${tokenPlace}`}
        </LabelWithInfo>
        <input
          id={ids.token}
          ref={tokenRef}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiToken}
          onChange={(event) => {
            setApiToken(event.target.value);
          }}
          aria-invalid={tokenError !== null}
          aria-describedby={[
            `${ids.token}-help`,
            ...(tokenInfo.isOpen ? [tokenInfo.infoId] : []),
            ...(tokenError === null ? [] : [ids.tokenError]),
          ].join(' ')}
          disabled={isRunning}
        />
        <p className="field__help" id={`${ids.token}-help`}>
          Create one in the Admin Console under Security › API › Tokens.
          {isTokenPlaceNeeded && ` ${tokenPlace}`}
        </p>
        {tokenError !== null && <ErrorMessage error={tokenError} id={ids.tokenError} />}
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
      <div ref={formErrorRef} tabIndex={-1}>
        {formError !== null && <ErrorMessage error={formError} />}
      </div>
      {connect.target === 'okta' && (isRunning || hasProgress(connect.steps)) && (
        <VerifyProgress steps={connect.steps} includeKeychain />
      )}
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
    </form>
  );
}

import { useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import type { ChannelRequest } from '../../../shared/ipc/contract.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import type { SetupResult } from '../../stores/setup-run-store.ts';
import { useSetupRun } from '../../stores/store-context.tsx';

/**
 * A secret kept in the keychain: hidden until the admin asks, then shown with a Copy button.
 *
 * @remarks
 * The value lives in this component's state only while it is shown; Hide (or leaving the page)
 * drops it. Copying uses the clipboard API; where that is refused the value stays selectable.
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

  return (
    <div className="kept-secret">
      <p className="kept-secret__label">{props.label}</p>
      {value === null ? (
        <button
          type="button"
          className="button"
          disabled={isLoading}
          onClick={() => {
            setIsLoading(true);
            void reveal(props.request).then((result) => {
              setIsLoading(false);
              if (result.ok) {
                setValue(result.data.value);
                setError(null);
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

/**
 * What the apply made: ids, the client id and issuer for the app's config, links into the
 * Admin Console, and the kept secrets on request.
 */
export function ResultPanel(props: { result: SetupResult; isPublicClient: boolean }) {
  const { result } = props;
  return (
    <section className="card result" aria-labelledby="result-heading">
      <h2 id="result-heading" tabIndex={-1}>
        Setup applied
      </h2>
      <dl className="facts">
        <dt>App integration id</dt>
        <dd>
          <code data-testid="result-app-id">{result.appId}</code>
        </dd>
        <dt>Client ID</dt>
        <dd>
          <code data-testid="result-client-id">{result.clientId}</code>
        </dd>
        <dt>Issuer</dt>
        <dd>
          <code data-testid="result-issuer">{result.issuer}</code>
        </dd>
        <dt>Authorization server</dt>
        <dd>
          {result.authServerId === null ? (
            'Org authorization server'
          ) : (
            <code>{result.authServerId}</code>
          )}
        </dd>
        <dt>Org</dt>
        <dd>
          <code>{result.orgUrl}</code>
        </dd>
      </dl>
      <h3>In the Okta Admin Console</h3>
      {result.adminLinks.length === 0 ? (
        <p className="visually-muted">
          The local sandbox org has no Admin Console; in an Okta org each object is linked here.
        </p>
      ) : (
        <ul>
          {result.adminLinks.map((link) => (
            <li key={link.url}>
              <a href={link.url} target="_blank" rel="noreferrer">
                {link.title}
              </a>
            </li>
          ))}
        </ul>
      )}
      <h3>Secrets</h3>
      {props.isPublicClient ? (
        <p className="visually-muted">
          No client secret: this is a public client, which uses PKCE.
        </p>
      ) : (
        <>
          {!result.clientSecretStored && (
            <p className="field__help">
              This apply did not make a new secret (Okta shows one only when it creates it). The
              keychain has the secret if the console created the app on this computer.
            </p>
          )}
          <KeptSecret
            label="Client secret"
            request={{ secret: 'client-secret', clientId: result.clientId }}
          />
        </>
      )}
      {result.testUserLogin !== null && (
        <KeptSecret
          label="Test user password"
          request={{ secret: 'test-user-password', login: result.testUserLogin }}
        />
      )}
      <p className="field__help">
        Both are kept in your OS keychain for the login preview and the config export; they are
        never written to a file or a log.
      </p>
    </section>
  );
}

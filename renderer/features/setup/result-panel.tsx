import type { AppErrorValue } from '../../../shared/errors.ts';
import { KeptSecret } from '../../components/kept-secret.tsx';
import { useSecretsPlaceName } from '../../components/secrets-place.tsx';
import type { SetupResult } from '../../stores/setup-run-store.ts';

/**
 * What the apply made: ids, the client id and issuer for the app's config, links into the
 * Admin Console, and the kept secrets on request.
 */
export function ResultPanel(props: { result: SetupResult; isPublicClient: boolean }) {
  const secretsPlace = useSecretsPlaceName();
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
      {result.keychainWarning !== null && (
        <div className="error-message" role="alert" data-testid="keychain-warning">
          <p className="error-message__text">{result.keychainWarning}</p>
        </div>
      )}
      {props.isPublicClient ? (
        <p className="visually-muted">
          No client secret: this is a public client, which uses PKCE.
        </p>
      ) : result.keychainWarning !== null && !result.clientSecretStored ? null : (
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
      {result.keychainWarning === null && (
        <p className="field__help">
          Both are kept in {secretsPlace} for the login preview and the config export; they are
          never written to a file or a log.
        </p>
      )}
    </section>
  );
}

/**
 * What a cancelled apply did: main's account of what was made before it stopped, that nothing
 * was made twice, and how to finish (apply again: it continues from the journal).
 *
 * @remarks
 * A heading the step focuses once the apply has stopped, as it does "Setup applied": the Cancel
 * button the keyboard was on is gone by then. The error's code is not shown: a cancel the admin
 * asked for is not a failure to quote in a ticket.
 */
export function CancelledPanel(props: { error: AppErrorValue }) {
  return (
    // A plain card, not the result's success look, with the message in the warning look of a
    // plan note: the setup is not finished.
    <section className="card" aria-labelledby="cancelled-heading" data-testid="apply-cancelled">
      <h2 id="cancelled-heading" tabIndex={-1}>
        Apply cancelled
      </h2>
      <p className="plan-note">{props.error.message}</p>
      <p className="field__help">{props.error.hint}</p>
    </section>
  );
}

/**
 * What the review step shows after the admin cancelled a plan: that no plan was made and
 * nothing changed (a plan only reads), and Plan again.
 *
 * @remarks
 * The look of {@link CancelledPanel}: a plain card, the message in the warning look, not an
 * error's — nothing went wrong, the admin asked for this. Its heading takes the keyboard when
 * the Cancel button goes.
 */
export function PlanCancelledPanel(props: { error: AppErrorValue; onPlanAgain: () => void }) {
  return (
    <section className="card" aria-labelledby="plan-cancelled-heading" data-testid="plan-cancelled">
      <h2 id="plan-cancelled-heading" tabIndex={-1}>
        Planning cancelled
      </h2>
      <p className="plan-note">{props.error.message}</p>
      <p className="field__help">{props.error.hint}</p>
      {/* In a paragraph for its margin: the hint above has none. */}
      <p>
        <button type="button" className="button" onClick={props.onPlanAgain}>
          Plan again
        </button>
      </p>
    </section>
  );
}

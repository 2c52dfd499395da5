import { ErrorMessage } from '../../components/error-message.tsx';
import { useProfiles } from '../../stores/store-context.tsx';
import { VerifyProgress } from './verify-progress.tsx';

/**
 * The "Local sandbox org" choice: the console's default for someone without an Okta org.
 *
 * @remarks
 * Labelled plainly as a local emulation so nobody mistakes it for their Okta org.
 */
export function SandboxChoice(props: { isDefault: boolean }) {
  const connect = useProfiles((state) => state.connect);
  const connectSandbox = useProfiles((state) => state.connectSandbox);
  const isRunning = connect.status === 'running' && connect.target === 'sandbox';
  const error = connect.target === 'sandbox' ? connect.error : null;
  return (
    <section className="card card--sandbox" aria-labelledby="sandbox-heading">
      <h3 id="sandbox-heading">
        Local sandbox org {props.isDefault && <span className="badge badge--accent">Default</span>}
      </h3>
      <p className="badge badge--warning">Local emulation — not a real Okta org</p>
      <p>
        An Okta-compatible org that runs on this computer (127.0.0.1). Try every step of the console
        without an Okta account; nothing you do here reaches Okta.
      </p>
      {connect.target === 'sandbox' && (isRunning || Object.keys(connect.steps).length > 0) && (
        <VerifyProgress steps={connect.steps} includeKeychain={false} />
      )}
      {error !== null && <ErrorMessage error={error} />}
      <button
        type="button"
        className={`button ${props.isDefault ? 'button--primary' : ''}`}
        onClick={() => void connectSandbox()}
        disabled={isRunning}
      >
        {isRunning ? 'Starting the sandbox org…' : 'Use the local sandbox org'}
      </button>
    </section>
  );
}

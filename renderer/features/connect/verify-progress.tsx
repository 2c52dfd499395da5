import { VERIFY_STEPS, type VerifyStep } from '../../../shared/profiles/profile.ts';
import type { StepState } from '../../stores/profiles-store.ts';

const STEP_LABELS: Record<VerifyStep, string> = {
  'reach-org': 'Reach the org',
  'check-token': 'Check the API token',
  'read-org': 'Read the org’s settings',
  'read-roles': 'Read the token owner’s admin roles',
  'save-token': 'Keep the token in the OS keychain',
};

/** The labels that differ when the connection is a service app's (no token, no owner). */
const SERVICE_APP_LABELS: Partial<Record<VerifyStep, string>> = {
  'check-token': 'Sign in as the service app with its private key',
  'read-roles': 'Read the admin roles (not needed: the planned scopes do not include it)',
};

const STATE_LABELS: Record<StepState | 'pending', string> = {
  pending: 'waiting',
  running: 'in progress',
  done: 'done',
  failed: 'failed',
  skipped: 'not allowed for this token (skipped)',
};

/** The steps of verifying a connection, each with its state, as a live list. */
export function VerifyProgress(props: {
  steps: Partial<Record<VerifyStep, StepState>>;
  includeKeychain: boolean;
  /** How the connection signs in; an API token when absent. */
  method?: 'api-token' | 'service-app';
}) {
  const steps = VERIFY_STEPS.filter((step) => props.includeKeychain || step !== 'save-token');
  return (
    <ol className="verify-progress" aria-label="Verification progress">
      {steps.map((step) => {
        const state = props.steps[step] ?? 'pending';
        return (
          <li key={step} className={`verify-progress__step verify-progress__step--${state}`}>
            <span className="verify-progress__marker" aria-hidden="true" />
            {(props.method === 'service-app' ? SERVICE_APP_LABELS[step] : undefined) ??
              STEP_LABELS[step]}{' '}
            <span className="visually-muted">— {STATE_LABELS[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}

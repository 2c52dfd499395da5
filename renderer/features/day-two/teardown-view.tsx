import { useEffect } from 'react';

import { ErrorMessage } from '../../components/error-message.tsx';
import { useManagedApps, useTeardown } from '../../stores/store-context.tsx';
import type { RemovalProgress } from '../../stores/teardown-store.ts';
import { BackToManagedApps } from './back-to-managed-apps.tsx';
import { useHeadingFocus } from './use-heading-focus.ts';

const PROGRESS_TEXT: Record<RemovalProgress['state'], string> = {
  pending: 'waiting',
  removing: 'removing…',
  retrying: 'the answer was lost; checking the org and trying again…',
  removed: 'removed',
};

/**
 * The teardown of one managed app's setup: the plan first — each object it would remove and why
 * it is this setup's, and what it leaves alone — then, on confirmation, the removal with
 * progress, and errors in place.
 *
 * @remarks
 * What is removed is exactly the plan on screen (main holds it by id). A failure stops the
 * teardown where it is; reviewing again plans what is left, since the teardown is journaled and
 * resumes.
 */
export function TeardownView(props: { appId: string }) {
  const app = useManagedApps((state) =>
    state.apps.find((candidate) => candidate.id === props.appId),
  );
  const appsStatus = useManagedApps((state) => state.status);
  const loadApps = useManagedApps((state) => state.load);
  const status = useTeardown((state) => state.status);
  const plan = useTeardown((state) => state.plan);
  const progress = useTeardown((state) => state.progress);
  const result = useTeardown((state) => state.result);
  const error = useTeardown((state) => state.error);
  const makePlan = useTeardown((state) => state.makePlan);
  const apply = useTeardown((state) => state.apply);
  const reset = useTeardown((state) => state.reset);
  const heading = useHeadingFocus();
  const setupId = app?.document?.id ?? null;

  useEffect(() => {
    if (appsStatus === 'idle') {
      void loadApps();
    }
  }, [appsStatus, loadApps]);
  useEffect(() => {
    if (setupId !== null) {
      void makePlan(setupId);
    }
  }, [makePlan, setupId]);

  const label = app?.label ?? props.appId;
  const keychainWarning = result === null ? null : result.keychainWarning;
  const removals = plan?.removals ?? [];
  return (
    <section className="step day-two" aria-labelledby="teardown-heading">
      <h1 id="teardown-heading" ref={heading} tabIndex={-1}>
        Tear down “{label}”
      </h1>
      <p className="lede">
        Removes exactly what this setup made in the org — the app (deactivated, then deleted), its
        test and throwaway users, trusted origins, and what it made on a custom authorization server
        — and nothing it did not make. Review the plan, then confirm.
      </p>
      {app === undefined && appsStatus === 'ready' && (
        <ErrorMessage
          error={{
            code: 'SETUP_BLOCKED',
            message: `No managed app with id ${props.appId} is in the connected org any more.`,
            hint: 'Go back to the managed apps: it may have been torn down already.',
          }}
        />
      )}
      <p role="status" className="day-two__status">
        {status === 'planning'
          ? 'Reading the org and the setup’s journal to plan the teardown…'
          : status === 'applying'
            ? `Removing ${String(progress.filter((step) => step.state === 'removed').length)} of ${String(progress.length)}…`
            : status === 'done' && result !== null
              ? `Torn down: ${String(result.removed.length)} object${result.removed.length === 1 ? '' : 's'} removed${
                  result.keychainEntriesForgotten > 0
                    ? `, ${String(result.keychainEntriesForgotten)} keychain entr${result.keychainEntriesForgotten === 1 ? 'y' : 'ies'} forgotten`
                    : ''
                }.`
              : ''}
      </p>
      {error?.during === 'plan' && <ErrorMessage error={error.value} />}
      {plan !== null && status !== 'applying' && status !== 'done' && (
        <>
          <h2>What will be removed</h2>
          {removals.length === 0 ? (
            <p className="note">Nothing: the org holds no object this setup made.</p>
          ) : (
            <ol className="teardown-removals" aria-label="To remove">
              {removals.map((removal) => (
                <li key={`${removal.key} ${removal.objectId}`} className="teardown-removal">
                  <span className="teardown-removal__title">
                    <span aria-hidden="true">− </span>
                    {removal.title}
                  </span>
                  <span className="visually-muted"> {removal.why}</span>
                </li>
              ))}
            </ol>
          )}
          {plan.leftAlone.length > 0 && (
            <>
              <h2>What stays</h2>
              <ul className="teardown-left" aria-label="Left alone">
                {plan.leftAlone.map((left) => (
                  <li key={left.title}>
                    <span aria-hidden="true">= </span>
                    {left.title} <span className="visually-muted">{left.why}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {plan.keychainEntries > 0 && (
            <p>
              {plan.keychainEntries === 1
                ? 'Its keychain entry is forgotten once the object its secret opens is gone.'
                : `${String(plan.keychainEntries)} keychain entries are forgotten once the objects their secrets open are gone.`}
            </p>
          )}
        </>
      )}
      {(status === 'applying' || status === 'done' || error?.during === 'apply') && (
        <ol className="verify-progress" aria-label="Teardown progress">
          {progress.map((step) => (
            <li
              key={step.key}
              className={`verify-progress__step verify-progress__step--${
                step.state === 'removed' ? 'done' : step.state === 'pending' ? 'pending' : 'running'
              }`}
            >
              <span className="verify-progress__marker" aria-hidden="true" />
              {step.title}: {PROGRESS_TEXT[step.state]}
            </li>
          ))}
        </ol>
      )}
      {error?.during === 'apply' && (
        <>
          <ErrorMessage error={error.value} />
          <p>
            What was removed stays removed, and the journal records it: review the teardown again to
            see what is left, then confirm to finish.
          </p>
        </>
      )}
      {keychainWarning !== null && <p className="note note--warning">{keychainWarning}</p>}
      <div className="step-footer">
        {status === 'planned' && removals.length > 0 && (
          <button type="button" className="button button--danger" onClick={() => void apply()}>
            Remove {removals.length} object{removals.length === 1 ? '' : 's'}
          </button>
        )}
        {status === 'error' && setupId !== null && (
          <button type="button" className="button" onClick={() => void makePlan(setupId)}>
            Review the teardown again
          </button>
        )}
        {status !== 'applying' && (
          <BackToManagedApps
            reset={reset}
            label={status === 'done' ? 'Back to managed apps' : 'Cancel'}
          />
        )}
      </div>
    </section>
  );
}

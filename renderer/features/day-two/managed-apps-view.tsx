import { useEffect, useId, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import type { ManagedAppView } from '../../../shared/ipc/contract.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import {
  useConsoleView,
  useManagedApps,
  useProfiles,
  useStoreHandles,
} from '../../stores/store-context.tsx';
import { WIZARD_STEPS, type WizardStepId } from '../../stores/wizard-store.ts';
import { driftText, fileNameOf, localTime, secretAgeText, targetText } from './format.ts';
import { useHeadingFocus } from './use-heading-focus.ts';

/** The wizard steps an app's document can be opened at from the list. */
type OpenAt = Extract<WizardStepId, 'review' | 'preview' | 'export'>;

/**
 * Opens a managed app's kept setup document in the wizard, at review (to edit through plan and
 * review), preview or export.
 *
 * @remarks
 * Does what opening a setup file does (replace the document, forget the last plan and apply),
 * and marks every step before `at` as reached, so the step list lets the admin go back and edit
 * any of them. Answers the failure to show beside the action, or `null`.
 */
function useOpenInWizard() {
  const stores = useStoreHandles();
  const openDocument = useManagedApps((state) => state.openDocument);
  return async (setupId: string, at: OpenAt): Promise<AppErrorValue | null> => {
    const opened = await openDocument(setupId);
    if (!opened.ok) {
      return opened.error;
    }
    stores.setupDocument?.getState().replace(opened.document);
    stores.setupRun?.getState().reset();
    const wizard = stores.wizard?.getState();
    if (wizard !== undefined) {
      for (const step of WIZARD_STEPS) {
        wizard.goTo(step.id);
        if (step.id === at) {
          break;
        }
      }
    }
    stores.consoleView?.getState().show({ kind: 'setup' });
    return null;
  };
}

/** One managed app: its facts and what the admin can do with it. */
function ManagedAppCard(props: { app: ManagedAppView }) {
  const { app } = props;
  const show = useConsoleView((state) => state.show);
  const openInWizard = useOpenInWizard();
  const [busy, setBusy] = useState<OpenAt | null>(null);
  const [error, setError] = useState<AppErrorValue | null>(null);
  const headingId = useId();
  const setupId = app.document?.id ?? null;

  async function open(at: OpenAt) {
    if (setupId === null) {
      return;
    }
    setBusy(at);
    setError(null);
    const failure = await openInWizard(setupId, at);
    setBusy(null);
    setError(failure);
  }

  return (
    <article className="card managed-app" aria-labelledby={headingId} data-app-id={app.id}>
      <h2 id={headingId} className="managed-app__title">
        {app.label}
        <span className={`badge ${app.status === 'ACTIVE' ? 'badge--accent' : 'badge--warning'}`}>
          {app.status === 'ACTIVE' ? 'Active' : app.status === 'INACTIVE' ? 'Inactive' : app.status}
        </span>
        {app.drift === true && <span className="badge badge--warning">Drift</span>}
      </h2>
      <dl className="facts managed-app__facts">
        <dt>Issuer</dt>
        <dd>
          <code>{app.issuer}</code>
        </dd>
        <dt>Target</dt>
        <dd>{targetText(app)}</dd>
        <dt>Client id</dt>
        <dd>
          <code>{app.clientId}</code>
        </dd>
        <dt>Assigned</dt>
        <dd data-testid="assigned-counts">
          {app.users} user{app.users === 1 ? '' : 's'}, {app.groups} group
          {app.groups === 1 ? '' : 's'}
        </dd>
        <dt>Secret age</dt>
        <dd>{secretAgeText(app)}</dd>
        <dt>Last verified export</dt>
        <dd>
          {app.lastVerifiedExport === null ? (
            'None yet'
          ) : (
            <>
              {localTime(app.lastVerifiedExport.verifiedAt)}, {app.lastVerifiedExport.target}{' '}
              <span className="visually-muted">
                (files <code>{app.lastVerifiedExport.contentHash.slice(0, 12)}</code>)
              </span>
            </>
          )}
        </dd>
        <dt>Drift</dt>
        <dd>{driftText(app)}</dd>
        <dt>Setup document</dt>
        <dd>
          {app.document === null ? (
            `None kept on this computer (${app.managedAs})`
          ) : (
            <>
              <code title={app.document.file}>{fileNameOf(app.document.file)}</code> (
              {app.managedAs === 'created' ? 'created by this setup' : 'adopted by this setup'})
            </>
          )}
        </dd>
      </dl>
      {app.document === null && (
        <p className="note">
          No setup document of this app is kept on this computer, so it cannot be opened, exported
          or torn down from here. To change it, choose “Edit an existing app” in Set up.
        </p>
      )}
      <div
        className="managed-app__actions"
        role="group"
        aria-label={`Actions for ${app.label}`}
        aria-busy={busy !== null}
      >
        {setupId !== null && (
          <>
            <button
              type="button"
              className="button button--primary"
              disabled={busy !== null}
              onClick={() => void open('review')}
            >
              {busy === 'review' ? 'Opening…' : 'Open and edit'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => void open('preview')}
            >
              {busy === 'preview' ? 'Opening…' : 'Preview the login'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => void open('export')}
            >
              {busy === 'export' ? 'Opening…' : 'Export config files'}
            </button>
          </>
        )}
        <button
          type="button"
          className="button"
          onClick={() => {
            show({ kind: 'activity', appId: app.id });
          }}
        >
          Sign-in activity
        </button>
        {app.secretAgeDays !== null && (
          <button
            type="button"
            className="button"
            onClick={() => {
              show({ kind: 'rotation', appId: app.id });
            }}
          >
            Rotate secret
          </button>
        )}
        {setupId !== null && (
          <button
            type="button"
            className="button"
            onClick={() => {
              show({ kind: 'drift', appId: app.id });
            }}
          >
            Check drift
          </button>
        )}
        {setupId !== null && (
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              show({ kind: 'teardown', appId: app.id });
            }}
          >
            Tear down…
          </button>
        )}
      </div>
      {error !== null && <ErrorMessage error={error} />}
    </article>
  );
}

/**
 * The managed apps: every app this console created or adopted in the connected org, with its
 * status, issuer, target, assignments, secret age, last verified export, drift and document —
 * what `sso-console list` prints — and the actions on each.
 *
 * @remarks
 * Read when the view opens and whenever the connected org changes; "Refresh" reads it again.
 * Counting assignments and planning each document takes a few requests per app, so the list
 * says it is reading, and keeps the last list on screen meanwhile.
 */
export function ManagedAppsView() {
  const status = useManagedApps((state) => state.status);
  const apps = useManagedApps((state) => state.apps);
  const orgUrl = useManagedApps((state) => state.orgUrl);
  const error = useManagedApps((state) => state.error);
  const load = useManagedApps((state) => state.load);
  const activeProfileId = useProfiles((state) => state.activeProfileId);
  const activeOrgUrl = useProfiles(
    (state) => state.profiles.find((profile) => profile.id === state.activeProfileId)?.orgUrl,
  );
  const show = useConsoleView((state) => state.show);
  const heading = useHeadingFocus();

  useEffect(() => {
    void load();
  }, [load, activeProfileId]);

  const isLoading = status === 'loading' || status === 'idle';
  const shownOrg = orgUrl ?? activeOrgUrl ?? 'the connected org';
  return (
    <section className="step day-two" aria-labelledby="managed-apps-heading">
      <h1 id="managed-apps-heading" ref={heading} tabIndex={-1}>
        Managed apps
      </h1>
      <p className="lede">
        Every app this console created or adopted in {shownOrg}: how it is set up, who can sign in,
        how old its secret is, and whether the org still matches its setup document.
      </p>
      <div className="day-two__toolbar">
        <button type="button" className="button" disabled={isLoading} onClick={() => void load()}>
          Refresh
        </button>
        <p role="status" className="day-two__status">
          {isLoading
            ? 'Reading the managed apps from the org (assignments, secrets and plans)…'
            : status === 'ready'
              ? `${String(apps.length)} managed app${apps.length === 1 ? '' : 's'}.`
              : ''}
        </p>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {status === 'ready' && apps.length === 0 && (
        <p className="note">
          No app this console created or adopted is in {shownOrg}.{' '}
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              show({ kind: 'setup' });
            }}
          >
            Set one up
          </button>
        </p>
      )}
      {apps.length > 0 && (
        <ul className="managed-apps" aria-label="Managed apps" aria-busy={isLoading}>
          {apps.map((app) => (
            <li key={app.id}>
              <ManagedAppCard app={app} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

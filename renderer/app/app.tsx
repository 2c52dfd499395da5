import { useCallback, useEffect, useState } from 'react';

import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
import { call } from '../api/call.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { SecretsPlaceContext } from '../components/secrets-place.tsx';
import { KeychainNotice } from '../features/keychain/keychain-notice.tsx';
import { useConsoleView, useProfiles } from '../stores/store-context.tsx';
import { ConsoleNav, DayTwoArea } from './console-nav.tsx';
import { RateLimitNotice } from './rate-limit-notice.tsx';
import { SetupWizard } from './setup-wizard.tsx';

type AppInfo = ChannelResponse<'app:get-info'>;

/**
 * The console's frame: header with the active org, then the current step.
 *
 * @remarks
 * `data-app-state` on the root is the readiness marker the end-to-end tests wait on (`loading`,
 * `ready`, `error`), so no test ever sleeps.
 */
export function App(props: { api: BridgeApi }) {
  const status = useProfiles((state) => state.status);
  const listError = useProfiles((state) => state.listError);
  const start = useProfiles((state) => state.start);
  const activeProfile = useProfiles((state) =>
    state.profiles.find((profile) => profile.id === state.activeProfileId),
  );
  const [info, setInfo] = useState<AppInfo | null>(null);
  const view = useConsoleView((state) => state.view);
  // The managed apps are an org's: with none connected, only setting up (connecting) is offered.
  const hasOrg = activeProfile !== undefined;

  // Where secrets go can change after start (the admin keeps them in this session's memory), so
  // the header asks again whenever the keychain notice learns something.
  const readInfo = useCallback(() => {
    void call(props.api, 'app:get-info', {}).then((result) => {
      if (result.ok) {
        setInfo(result.data);
      }
    });
  }, [props.api]);

  useEffect(() => {
    void start();
    readInfo();
  }, [start, readInfo]);

  return (
    <div
      className="app"
      data-app-state={status === 'ready' ? 'ready' : status === 'error' ? 'error' : 'loading'}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <p className="app-header__title">SSO Setup Console</p>
        {hasOrg && <ConsoleNav />}
        <p className="app-header__org" aria-live="polite">
          {activeProfile === undefined ? (
            'No org connected'
          ) : (
            <>
              Active org: <strong>{activeProfile.label}</strong>{' '}
              <span className="visually-muted">({activeProfile.orgUrl})</span>
            </>
          )}
        </p>
        {info !== null && (
          <p className="app-header__mode visually-muted">
            {info.mode === 'browser' ? 'Browser mode' : 'Desktop'} · v{info.version} · secrets in{' '}
            {info.secretStore.kind}
          </p>
        )}
      </header>
      <RateLimitNotice api={props.api} />
      <KeychainNotice api={props.api} onStatus={readInfo} />
      <SecretsPlaceContext.Provider
        value={info !== null && !info.secretStore.isPersistent ? 'memory' : 'keychain'}
      >
        <main id="main" className="app-main" tabIndex={-1}>
          {status === 'loading' || status === 'idle' ? (
            <p role="status">Loading connected orgs…</p>
          ) : status === 'error' && listError !== null ? (
            <ErrorMessage error={listError} />
          ) : hasOrg && view.kind !== 'setup' ? (
            <DayTwoArea view={view} />
          ) : (
            <SetupWizard />
          )}
        </main>
      </SecretsPlaceContext.Provider>
    </div>
  );
}

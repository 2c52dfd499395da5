import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ResultPanel } from '../../../../../renderer/features/setup/result-panel.tsx';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupRunStore } from '../../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type { SetupApplied } from '../../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APPLIED: SetupApplied = {
  orgUrl: 'https://acme.okta.com',
  appId: '0oa1',
  clientId: '0oa1',
  issuer: 'https://acme.okta.com',
  authServerId: null,
  clientSecretStored: false,
  testUserLogin: null,
  steps: [],
  adminLinks: [],
  keychainWarning: null,
};

function renderPanel(result: SetupApplied) {
  const { api } = createFakeBridge({});
  render(
    <StoreProvider profiles={createProfilesStore(api)} setupRun={createSetupRunStore(api)}>
      <ResultPanel result={result} isPublicClient={false} />
    </StoreProvider>,
  );
}

describe('ResultPanel', () => {
  it('says in place, as an alert, that the keychain could not keep a secret and why nothing is lost', () => {
    const warning =
      'The keychain could not keep the client secret: Cannot create an item in a locked collection. Nothing is lost: the console never handed it out, and the next apply of this setup replaces it with a new one, straight into the keychain, once it works — apply again then.';
    renderPanel({ ...APPLIED, keychainWarning: warning });
    expect(screen.getByRole('alert').textContent).toBe(warning);
  });

  it('has no alert when every secret was kept', () => {
    renderPanel({ ...APPLIED, clientSecretStored: true });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { SecretsPlaceContext } from '../../../../../renderer/components/secrets-place.tsx';
import { AppStep } from '../../../../../renderer/features/setup/app-step.tsx';
import { createDirectoryStore } from '../../../../../renderer/stores/directory-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

function renderStep(secretsPlace: 'keychain' | 'memory' = 'keychain') {
  const fake = createFakeBridge({});
  const setupDocument = createSetupDocumentStore({
    storage: { getItem: () => null, setItem: () => undefined },
    newId: () => 'setup-1',
  });
  setupDocument.getState().startFromPreset('kestra');
  render(
    <SecretsPlaceContext.Provider value={secretsPlace}>
      <StoreProvider
        profiles={createProfilesStore(fake.api)}
        setupDocument={setupDocument}
        directory={createDirectoryStore(fake.api)}
        wizard={createWizardStore('app')}
      >
        <AppStep />
      </StoreProvider>
    </SecretsPlaceContext.Provider>,
  );
  return setupDocument;
}

/** The grey lines shown under the fields right now (help on request that is closed excluded). */
function visibleHelp(): string[] {
  return [...document.querySelectorAll<HTMLElement>('.field__help')]
    .filter((help) => !help.hidden && help.textContent !== '')
    .map((help) => help.textContent);
}

describe('AppStep’s help (issue 19: where it is needed, not under every field)', () => {
  it('shows no help line under the preset’s own values: each is one info button away', () => {
    renderStep();
    expect(visibleHelp()).toEqual([]);
    for (const name of [
      'About Client authentication',
      'About Require PKCE',
      'About Federation Broker Mode',
      'About Sign-in redirect URIs',
      'About Sign-out redirect URIs',
      'About Initiate login URI',
    ]) {
      expect(screen.getByRole('button', { name }).getAttribute('aria-expanded')).toBe('false');
    }
    fireEvent.click(screen.getByRole('button', { name: 'About Sign-in redirect URIs' }));
    expect(visibleHelp()).toEqual([
      'Okta sends users back only to these, matched exactly. The target’s callback is http://localhost:8080/oauth/callback/okta.',
    ]);
  });

  it('says in place what a setting turned on changes, and where it differs from the preset', () => {
    renderStep();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Federation Broker Mode' }));
    const broker = screen.getByRole('checkbox', { name: 'Federation Broker Mode' });
    const said = document.getElementById(broker.getAttribute('aria-describedby') ?? '');
    expect(said?.textContent).toBe(
      'Everyone in the org may sign in and assignments are skipped. Okta allows it for web apps only. Kestra’s preset leaves Federation Broker Mode off.',
    );
    // The sentence is now in place, so the info button has nothing left to add.
    expect(screen.queryByRole('button', { name: 'About Federation Broker Mode' })).toBeNull();

    fireEvent.click(screen.getByRole('checkbox', { name: 'Require PKCE' }));
    expect(visibleHelp()).toContain('Kestra’s preset does not require PKCE.');
  });

  it('says where the client secret goes in place when it is memory, lost on quit', () => {
    renderStep('memory');
    const method = screen.getByLabelText('Client authentication');
    expect(
      document.getElementById(method.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toBe(
      'Okta generates the secret once; the console keeps it in this session’s memory (lost when the console quits).',
    );
  });
});

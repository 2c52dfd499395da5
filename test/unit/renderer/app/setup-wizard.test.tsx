import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { SetupWizard } from '../../../../renderer/app/setup-wizard.tsx';
import { createDirectoryStore } from '../../../../renderer/stores/directory-store.ts';
import { createProfilesStore } from '../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../renderer/stores/wizard-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

afterEach(cleanup);

describe('SetupWizard', () => {
  it('loads a step’s code on first use, saying so, and then hands the keyboard to its heading', async () => {
    const { api } = createFakeBridge({});
    const setupDocument = createSetupDocumentStore({
      storage: { getItem: () => null, setItem: () => undefined },
      newId: () => 'setup-1',
    });
    setupDocument.getState().replace(
      createSetupDocument({
        id: 'setup-1',
        preset: 'kestra',
        baseUrl: 'http://localhost:8080',
        label: 'Kestra',
      }),
    );
    render(
      <StoreProvider
        profiles={createProfilesStore(api)}
        setupDocument={setupDocument}
        wizard={createWizardStore('target')}
        directory={createDirectoryStore(api)}
        setupRun={createSetupRunStore(api)}
      >
        <SetupWizard />
      </StoreProvider>,
    );

    // The target step's chunk is not loaded yet: a status line says what is coming.
    expect(screen.getByText('Loading Target app…').getAttribute('role')).toBe('status');
    const target = await screen.findByRole('heading', { level: 1, name: 'Target app' });
    // The first step shown is where the page starts: the keyboard is not moved there.
    expect(document.activeElement).not.toBe(target);

    fireEvent.click(screen.getByRole('button', { name: 'Next: app integration' }));
    const app = await screen.findByRole('heading', { level: 1, name: 'App integration' });
    await waitFor(() => {
      expect(document.activeElement).toBe(app);
    });
  });
});

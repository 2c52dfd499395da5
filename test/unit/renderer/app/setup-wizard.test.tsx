import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { SetupWizard } from '../../../../renderer/app/setup-wizard.tsx';
import { createDirectoryStore } from '../../../../renderer/stores/directory-store.ts';
import { createExportStore } from '../../../../renderer/stores/export-store.ts';
import { createPreviewStore } from '../../../../renderer/stores/preview-store.ts';
import { createProfilesStore } from '../../../../renderer/stores/profiles-store.ts';
import {
  createSetupDocumentStore,
  SETUP_DOCUMENT_STORAGE_KEY,
} from '../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../renderer/stores/store-context.tsx';
import { createWizardStore, WIZARD_STORAGE_KEY } from '../../../../renderer/stores/wizard-store.ts';
import type { ProfileSummary } from '../../../../shared/profiles/profile.ts';
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
        preview={createPreviewStore(api)}
        export={createExportStore(api)}
      >
        <SetupWizard />
      </StoreProvider>,
    );

    // The target step's chunk is not loaded yet: a status line says what is coming.
    expect(screen.getByText('Loading Target app…').getAttribute('role')).toBe('status');
    const target = await screen.findByRole('heading', { level: 1, name: 'Target app' });
    // The first step shown is where the page starts: the keyboard is not moved there.
    expect(document.activeElement).not.toBe(target);

    fireEvent.click(screen.getByRole('button', { name: 'Customize' }));
    const app = await screen.findByRole('heading', { level: 1, name: 'App integration' });
    await waitFor(() => {
      expect(document.activeElement).toBe(app);
    });
  });

  it('shows why what was kept could not be restored, until the admin dismisses it', () => {
    const { api } = createFakeBridge({});
    const kept = new Map([
      [SETUP_DOCUMENT_STORAGE_KEY, '{"formatVersion":9}'],
      [WIZARD_STORAGE_KEY, '{broken'],
    ]);
    const storage = {
      getItem: (key: string) => kept.get(key) ?? null,
      setItem: (key: string, value: string) => {
        kept.set(key, value);
      },
    };
    render(
      <StoreProvider
        profiles={createProfilesStore(api)}
        setupDocument={createSetupDocumentStore({ storage, newId: () => 'setup-1' })}
        wizard={createWizardStore('connect', { storage })}
        directory={createDirectoryStore(api)}
        setupRun={createSetupRunStore(api)}
        preview={createPreviewStore(api)}
        export={createExportStore(api)}
      >
        <SetupWizard />
      </StoreProvider>,
    );
    const alert = screen.getByTestId('restore-problem');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toMatch(/The setup kept from the last run could not be restored/);
    expect(alert.textContent).toMatch(/The wizard could not be restored to the step you were on/);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('restore-problem')).toBeNull();
  });

  it('marks finished steps done, and hands the keyboard to Next once an org is connected', () => {
    const { api } = createFakeBridge({});
    const profiles = createProfilesStore(api);
    const wizard = createWizardStore('connect');
    render(
      <StoreProvider
        profiles={profiles}
        setupDocument={createSetupDocumentStore({
          storage: { getItem: () => null, setItem: () => undefined },
          newId: () => 'setup-1',
        })}
        wizard={wizard}
        directory={createDirectoryStore(api)}
        setupRun={createSetupRunStore(api)}
        preview={createPreviewStore(api)}
        export={createExportStore(api)}
      >
        <SetupWizard />
      </StoreProvider>,
    );
    const steps = screen.getByRole('navigation', { name: 'Setup steps' });
    const connect = () => screen.getByRole('button', { name: /^Connect an org/ });
    expect(connect().getAttribute('aria-label')).toBeNull();
    expect(steps.contains(document.activeElement)).toBe(false);

    // The control that connected the org is gone: the keyboard is on the page body.
    (document.activeElement as HTMLElement | null)?.blur();
    act(() => {
      profiles.setState({ status: 'ready', profiles: [PROFILE], activeProfileId: PROFILE.id });
    });
    expect(connect().getAttribute('aria-label')).toBe('Connect an org, done');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Next: target app' }));

    act(() => {
      wizard.getState().goTo('target');
      wizard.getState().goTo('app');
    });
    expect(screen.getByRole('button', { name: 'Target app, done' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'App integration' })).toBeTruthy();
  });
});

const PROFILE: ProfileSummary = {
  id: 'p1',
  kind: 'sandbox',
  label: 'Local sandbox org',
  orgUrl: 'http://127.0.0.1:1',
  orgName: 'Sandbox',
  owner: { id: '00u1', login: 'admin@example.com', displayName: 'Admin' },
  adminRoles: ['SUPER_ADMIN'],
  tokenHint: null,
  verifiedAt: '2026-12-07T10:00:00.000Z',
};

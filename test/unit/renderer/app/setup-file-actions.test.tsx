import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { SetupFileActions } from '../../../../renderer/app/setup-file-actions.tsx';
import { createDirectoryStore } from '../../../../renderer/stores/directory-store.ts';
import { createProfilesStore } from '../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../renderer/stores/wizard-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

afterEach(cleanup);

function renderActions() {
  const { api } = createFakeBridge({});
  const items = new Map<string, string>();
  const stores = {
    profiles: createProfilesStore(api),
    setupDocument: createSetupDocumentStore({
      storage: {
        getItem: (key) => items.get(key) ?? null,
        setItem: (key, value) => {
          items.set(key, value);
        },
      },
      newId: () => 'fresh',
    }),
    wizard: createWizardStore('review'),
    directory: createDirectoryStore(api),
    setupRun: createSetupRunStore(api),
  };
  render(
    <StoreProvider {...stores}>
      <SetupFileActions />
    </StoreProvider>,
  );
  return stores;
}

async function open(text: string, name: string) {
  const input = screen.getByLabelText<HTMLInputElement>('Setup file to open');
  await act(async () => {
    fireEvent.change(input, { target: { files: [new File([text], name)] } });
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
}

describe('SetupFileActions', () => {
  it('opens a valid setup file into the wizard, at the target step', async () => {
    const stores = renderActions();
    const saved = createSetupDocument({ id: 'from-file', preset: 'kaimu', label: 'Kaimu prod' });
    await open(JSON.stringify(saved), 'kaimu.sso-setup.json');
    expect(stores.setupDocument.getState().document).toEqual(saved);
    expect(stores.wizard.getState().step).toBe('target');
    expect(screen.getByRole('status').textContent).toBe('Opened kaimu.sso-setup.json.');
  });

  it('lists an invalid file’s problems by path and keeps the current document', async () => {
    const stores = renderActions();
    const before = stores.setupDocument.getState().document;
    const broken = { ...createSetupDocument({ id: 'x', preset: 'kestra' }), app: { label: '' } };
    await open(JSON.stringify(broken), 'broken.json');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('broken.json: This is not a valid setup document');
    expect(alert.textContent).toContain('app.label: The app name cannot be blank.');
    expect(stores.setupDocument.getState().document).toBe(before);
  });

  it('says a file that is not JSON is not JSON', async () => {
    renderActions();
    await open('client_id: abc', 'okta.yaml');
    expect(screen.getByRole('alert').textContent).toMatch(/^okta\.yaml is not JSON/);
  });
});

import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { TargetStep } from '../../../../../renderer/features/setup/target-step.tsx';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import { PRESETS } from '../../../../../shared/setup/presets.ts';
import { PRESET_IDS } from '../../../../../shared/setup/setup-document.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(() => {
  cleanup();
});

function renderTargetStep(wizard = createWizardStore('target')) {
  const fake = createFakeBridge({});
  const setupDocument = createSetupDocumentStore({
    storage: { getItem: () => null, setItem: () => undefined },
    newId: () => 'setup-1',
  });
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      setupDocument={setupDocument}
      wizard={wizard}
      setupRun={createSetupRunStore(fake.api)}
    >
      <TargetStep />
    </StoreProvider>,
  );
  return setupDocument;
}

describe('TargetStep', () => {
  it('sets up with the preset’s defaults: a test user added, straight to Review, the skipped steps open', () => {
    const wizard = createWizardStore('target');
    const store = renderTargetStep(wizard);
    const primary = document.querySelectorAll('.button--primary');
    expect([...primary].map((button) => button.textContent)).toEqual([
      'Set up with Kestra’s defaults',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Set up with Kestra’s defaults' }));
    expect(store.getState().document.assignments.testUser).toEqual({
      firstName: 'Test',
      lastName: 'Kestra User',
      email: 'kestra.tester@example.com',
    });
    expect(wizard.getState().step).toBe('review');
    expect([...wizard.getState().reached].sort()).toEqual([
      'app',
      'connect',
      'issuer',
      'people',
      'review',
      'target',
    ]);
  });

  it('Customize walks the steps as before, with no test user added', () => {
    const wizard = createWizardStore('target');
    const store = renderTargetStep(wizard);
    fireEvent.click(screen.getByRole('button', { name: 'Customize' }));
    expect(wizard.getState().step).toBe('app');
    expect(store.getState().document.assignments.testUser).toBeUndefined();
  });

  it('offers every preset as one labelled radio, grouped by kind', () => {
    renderTargetStep();
    const picker = screen.getByRole('group', { name: 'Preset' });
    const radios = within(picker).getAllByRole('radio');
    expect(radios.map((radio) => radio.getAttribute('value'))).toEqual([...PRESET_IDS]);
    // One radio group: the arrow keys move through every preset, across the kinds.
    expect(new Set(radios.map((radio) => radio.getAttribute('name'))).size).toBe(1);
    for (const id of PRESET_IDS) {
      expect(screen.getByRole('radio', { name: PRESETS[id].name })).toBeTruthy();
    }
    const apps = screen.getByRole('group', { name: 'Self-hosted apps' });
    expect(within(apps).getByRole('radio', { name: 'Argo CD' })).toBeTruthy();
    const generic = screen.getByRole('group', { name: 'Generic app types' });
    expect(within(generic).getByRole('radio', { name: 'Single-page app' })).toBeTruthy();
    // Each option says the callback its target sends.
    expect(
      screen.getByRole('radio', { name: 'Grafana' }).getAttribute('aria-describedby'),
    ).not.toBeNull();
    expect(screen.getByText('<base URL>/login/okta')).toBeTruthy();
  });

  it('narrows the list as the admin searches, says how many match, and keeps the choice', () => {
    const store = renderTargetStep();
    const search = screen.getByLabelText('Find a target');
    fireEvent.change(search, { target: { value: 'gitops' } });
    expect(screen.getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual([
      'argocd',
    ]);
    expect(screen.getByRole('status').textContent).toBe(
      `1 of ${String(PRESET_IDS.length)} targets match.`,
    );
    // Kestra, the fresh document's preset, is hidden but still chosen.
    expect(screen.getByText('Chosen: Kestra, which the search hides.')).toBeTruthy();

    fireEvent.click(screen.getByRole('radio', { name: 'Argo CD' }));
    expect(store.getState().document.target.preset).toBe('argocd');
    expect(store.getState().document.app.redirectUris).toEqual([
      'https://localhost:8080/auth/callback',
    ]);

    fireEvent.change(search, { target: { value: 'no such app' } });
    expect(screen.queryAllByRole('radio')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Show every target' }));
    expect(screen.getAllByRole('radio')).toHaveLength(PRESET_IDS.length);
  });

  it('moves the preset’s initiate login URI with the base URL', () => {
    const store = renderTargetStep();
    fireEvent.click(screen.getByRole('radio', { name: 'oauth2-proxy' }));
    fireEvent.change(screen.getByLabelText('App’s base URL'), {
      target: { value: 'https://proxy.example.com' },
    });
    expect(store.getState().document.app).toMatchObject({
      redirectUris: ['https://proxy.example.com/oauth2/callback'],
      initiateLoginUri: 'https://proxy.example.com/oauth2/start',
    });
  });
});

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ManagedAppsView } from '../../../../../renderer/features/day-two/managed-apps-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createManagedAppsStore } from '../../../../../renderer/stores/managed-apps-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createWizardStore } from '../../../../../renderer/stores/wizard-store.ts';
import type { ManagedAppView } from '../../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const CREATED: ManagedAppView = {
  id: '0oa1',
  label: 'Kestra',
  status: 'ACTIVE',
  clientId: '0oa1client',
  managedAs: 'created',
  issuer: 'https://acme.okta.com/oauth2/default',
  target: 'kestra',
  users: 3,
  groups: 1,
  secretAgeDays: 12,
  lastVerifiedExport: {
    verifiedAt: '2026-12-01T10:00:00.000Z',
    target: 'kestra-application-yml',
    contentHash: 'abcdef0123456789',
  },
  drift: true,
  document: { id: 'setup-1', file: '/data/setups/setup-1.json' },
};

const ELSEWHERE: ManagedAppView = {
  ...CREATED,
  id: '0oa2',
  label: 'Wiki',
  status: 'INACTIVE',
  managedAs: 'adopted',
  target: null,
  users: 1,
  groups: 0,
  secretAgeDays: null,
  lastVerifiedExport: null,
  drift: null,
  document: null,
};

function renderView(answers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge(answers);
  const stores = {
    profiles: createProfilesStore(fake.api),
    setupDocument: createSetupDocumentStore({
      storage: { getItem: () => null, setItem: () => undefined },
      newId: () => 'fresh',
    }),
    setupRun: createSetupRunStore(fake.api),
    wizard: createWizardStore('connect'),
    consoleView: createConsoleViewStore({ kind: 'managed-apps' }),
    managedApps: createManagedAppsStore(fake.api),
  };
  render(
    <StoreProvider {...stores}>
      <ManagedAppsView />
    </StoreProvider>,
  );
  return { fake, stores };
}

const LISTED = {
  'managed-apps:list': () => ({
    ok: true,
    data: { orgUrl: 'https://acme.okta.com', apps: [CREATED, ELSEWHERE] },
  }),
};

describe('ManagedAppsView', () => {
  it('lists each app with its status, issuer, target, counts, secret age, export, drift and document', async () => {
    renderView(LISTED);
    expect(screen.getByRole('status').textContent).toContain('Reading the managed apps');
    const kestra = await screen.findByRole('article', { name: /Kestra/ });
    const text = kestra.textContent;
    expect(text).toContain('Active');
    expect(text).toContain('Drift');
    expect(text).toContain('https://acme.okta.com/oauth2/default');
    expect(text).toContain('TargetKestra');
    expect(within(kestra).getByTestId('assigned-counts').textContent).toBe('3 users, 1 group');
    expect(text).toContain('Secret age12 days');
    expect(text).toContain('kestra-application-yml');
    expect(text).toContain('abcdef012345');
    expect(text).toContain('Yes: the org differs from the setup document');
    expect(text).toContain('setup-1.json (created by this setup)');
    expect(screen.getByRole('status').textContent).toBe('2 managed apps.');
  });

  it('offers open, preview, export, activity, secret rotation, drift and teardown', async () => {
    renderView(LISTED);
    const actions = await screen.findByRole('group', { name: 'Actions for Kestra' });
    expect(
      within(actions)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual([
      'Open and edit',
      'Preview the login',
      'Export config files',
      'Sign-in activity',
      'Rotate secret',
      'Check drift',
      'Tear down…',
    ]);
  });

  it('without a kept document, says why and offers only the activity', async () => {
    renderView(LISTED);
    const wiki = await screen.findByRole('article', { name: /Wiki/ });
    expect(wiki.textContent).toContain('None kept on this computer (adopted)');
    expect(wiki.textContent).toContain('Unknown: no kept setup document to compare with');
    expect(wiki.textContent).toContain('No client secret');
    const actions = within(wiki).getByRole('group', { name: 'Actions for Wiki' });
    expect(
      within(actions)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Sign-in activity']);
  });

  it('opens the kept document in the wizard at review, every earlier step reachable', async () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kestra', label: 'Kestra' });
    const { stores } = renderView({
      ...LISTED,
      'managed-apps:document': () => ({ ok: true, data: { document } }),
    });
    const actions = await screen.findByRole('group', { name: 'Actions for Kestra' });
    fireEvent.click(within(actions).getByRole('button', { name: 'Open and edit' }));
    await waitFor(() => {
      expect(stores.consoleView.getState().view).toEqual({ kind: 'setup' });
    });
    expect(stores.setupDocument.getState().document).toEqual(document);
    expect(stores.wizard.getState().step).toBe('review');
    expect(stores.wizard.getState().reached).toEqual([
      'connect',
      'target',
      'app',
      'people',
      'issuer',
      'review',
    ]);
  });

  it('says in place why a document could not be opened, and stays on the list', async () => {
    const { stores } = renderView({
      ...LISTED,
      'managed-apps:document': () => ({
        ok: false,
        error: { code: 'SETUP_BLOCKED', message: 'No setup document is kept.', hint: 'Refresh.' },
      }),
    });
    const kestra = await screen.findByRole('article', { name: /Kestra/ });
    fireEvent.click(within(kestra).getByRole('button', { name: 'Export config files' }));
    expect((await within(kestra).findByRole('alert')).textContent).toContain(
      'No setup document is kept.',
    );
    expect(stores.consoleView.getState().view).toEqual({ kind: 'managed-apps' });
  });

  it('moves to the activity, rotation, drift and teardown of an app', async () => {
    const { stores } = renderView(LISTED);
    const kestra = await screen.findByRole('article', { name: /Kestra/ });
    fireEvent.click(within(kestra).getByRole('button', { name: 'Sign-in activity' }));
    expect(stores.consoleView.getState().view).toEqual({ kind: 'activity', appId: '0oa1' });
    fireEvent.click(within(kestra).getByRole('button', { name: 'Rotate secret' }));
    expect(stores.consoleView.getState().view).toEqual({ kind: 'rotation', appId: '0oa1' });
    fireEvent.click(within(kestra).getByRole('button', { name: 'Check drift' }));
    expect(stores.consoleView.getState().view).toEqual({ kind: 'drift', appId: '0oa1' });
    fireEvent.click(within(kestra).getByRole('button', { name: 'Tear down…' }));
    expect(stores.consoleView.getState().view).toEqual({ kind: 'teardown', appId: '0oa1' });
  });

  it('says when the org holds no managed app', async () => {
    renderView({
      'managed-apps:list': () => ({
        ok: true,
        data: { orgUrl: 'https://acme.okta.com', apps: [] },
      }),
    });
    expect(
      await screen.findByText(
        /No app this console created or adopted is in https:\/\/acme\.okta\.com\./,
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Managed apps' })).toBeNull();
  });
});

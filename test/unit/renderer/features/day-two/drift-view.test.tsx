import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { DriftView } from '../../../../../renderer/features/day-two/drift-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createDriftStore } from '../../../../../renderer/stores/drift-store.ts';
import { createManagedAppsStore } from '../../../../../renderer/stores/managed-apps-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type {
  ManagedAppView,
  OrgDriftReportView,
  TargetDriftReportView,
} from '../../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APP: ManagedAppView = {
  id: '0oa1',
  label: 'Kestra',
  status: 'ACTIVE',
  clientId: '0oa1client',
  managedAs: 'created',
  issuer: 'https://acme.okta.com',
  target: 'kestra',
  users: 1,
  groups: 0,
  secretAgeDays: 0,
  lastVerifiedExport: null,
  drift: true,
  document: { id: 'setup-1', file: '/data/setups/setup-1.json' },
};

const CLEAN: OrgDriftReportView = {
  orgUrl: 'https://acme.okta.com',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client', status: 'ACTIVE' },
  document: { id: 'setup-1', keptFile: '/data/setups/setup-1.json', file: null },
  drift: { drifted: false, fields: [], blockers: [] },
};

const DRIFTED: OrgDriftReportView = {
  ...CLEAN,
  drift: {
    drifted: true,
    fields: [
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.redirectUris',
        documentValue: ['https://kestra.example.com/cb'],
        oktaValue: ['https://kestra.example.com/cb', 'https://elsewhere.example.com/cb'],
        adoptable: true,
        adoptNote: null,
      },
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.status',
        documentValue: 'ACTIVE',
        oktaValue: 'INACTIVE',
        adoptable: false,
        adoptNote: 'An inactive app cannot be written into a setup document.',
      },
    ],
    blockers: [],
  },
};

const TARGET: TargetDriftReportView = {
  target: 'kestra',
  file: '/etc/kestra/application.yml',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client' },
  ok: false,
  findings: [
    { check: 'read', ok: true, detail: 'Read as kestra.', fix: null, at: null },
    {
      check: 'client-id',
      ok: false,
      detail: 'The file’s client id 0oaWRONG is no app’s in the org.',
      fix: 'Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6, and redeploy the target.',
      at: { file: '/etc/kestra/application.yml', line: 6 },
    },
  ],
};

const ok = <T,>(data: T) => ({ ok: true, data });

async function renderView(answers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge({
    'managed-apps:list': () => ok({ orgUrl: 'https://acme.okta.com', apps: [APP] }),
    ...answers,
  });
  const managedApps = createManagedAppsStore(fake.api);
  await managedApps.getState().load();
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      consoleView={createConsoleViewStore({ kind: 'drift', appId: '0oa1' })}
      managedApps={managedApps}
      drift={createDriftStore(fake.api)}
    >
      <DriftView appId="0oa1" />
    </StoreProvider>,
  );
  return { fake };
}

describe('DriftView', () => {
  it('shows each differing field with the document’s and Okta’s value, and marks Restore-only ones', async () => {
    await renderView({ 'drift:check': () => ok(DRIFTED) });
    const table = await screen.findByRole('table', { name: 'Field-level differences' });
    const redirects = within(table).getByRole('row', { name: /app\.redirectUris/ });
    expect(redirects.textContent).toContain('["https://kestra.example.com/cb"]');
    expect(redirects.textContent).toContain('https://elsewhere.example.com/cb');
    expect(redirects.textContent).toContain('Can be adopted');
    const status = within(table).getByRole('row', { name: /app\.status/ });
    expect(status.textContent).toContain('Restore only');
    expect(status.textContent).toContain('An inactive app cannot be written');
    expect(screen.getByRole('status').textContent).toBe(
      'Drift: 2 fields differ, 1 of them adoptable.',
    );
  });

  it('restores after showing what goes back, and then shows no drift', async () => {
    const { fake } = await renderView({
      'drift:check': () => ok(DRIFTED),
      'drift:restore': () => ok(CLEAN),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Restore…' }));
    const changes = screen.getByRole('list', { name: 'Restore changes' });
    expect(changes.textContent).toContain('app.redirectUris');
    const confirm = screen.getByRole('button', { name: 'Restore the document' });
    expect(document.activeElement).toBe(confirm);
    expect(fake.calls.map((made) => made.channel)).not.toContain('drift:restore');
    fireEvent.click(confirm);
    expect(
      await screen.findByText('Restored: the setup document was applied, and the app matches it.'),
    ).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Field-level differences' })).toBeNull();
  });

  it('checks a config file by its path and shows each finding with its fix', async () => {
    const { fake } = await renderView({
      'drift:check': () => ok(CLEAN),
      'drift:check-target': () => ok(TARGET),
    });
    await screen.findByText('No drift: the app matches its setup document.');
    const form = screen.getByRole('form', { name: 'Check a deployed config file' });
    const check = within(form).getByRole('button', { name: 'Check the file' });
    expect(check).toHaveProperty('disabled', true);
    fireEvent.change(within(form).getByLabelText('Path of the config file'), {
      target: { value: '/etc/kestra/application.yml' },
    });
    fireEvent.click(check);
    const findings = await screen.findByRole('list', { name: 'Findings' });
    const wrong = within(findings).getAllByRole('listitem')[1];
    expect(wrong?.textContent).toContain('Failed: client-id');
    expect(wrong?.textContent).toContain(
      'Fix: Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6',
    );
    expect(fake.calls.at(-1)).toEqual({
      channel: 'drift:check-target',
      request: { appId: '0oa1', path: '/etc/kestra/application.yml' },
    });
  });
});

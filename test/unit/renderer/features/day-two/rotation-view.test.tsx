import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { RotationView } from '../../../../../renderer/features/day-two/rotation-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createManagedAppsStore } from '../../../../../renderer/stores/managed-apps-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createRotationStore } from '../../../../../renderer/stores/rotation-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import type {
  ChannelResponse,
  ManagedAppView,
  RotationStatusView,
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
  secretAgeDays: 40,
  lastVerifiedExport: null,
  drift: false,
  document: { id: 'setup-1', file: '/data/setups/setup-1.json' },
};

const NONE: RotationStatusView = {
  appId: '0oa1',
  clientId: '0oa1client',
  label: 'Kestra',
  rotationId: null,
  phase: 'none',
  secrets: [{ id: 'ocsOLD', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'other' }],
  verified: null,
  next: 'Start a rotation to give the app a second client secret.',
};

const WAITING: RotationStatusView = {
  ...NONE,
  rotationId: 'r1',
  phase: 'awaiting-verification',
  secrets: [
    { id: 'ocsOLD', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'old' },
    { id: 'ocsNEW', status: 'ACTIVE', created: '2026-12-07T00:00:00.000Z', role: 'new' },
  ],
  next: 'Deploy the new files (or set the new secret where the target reads it), then verify them by signing in.',
};

const CONFIRMING: RotationStatusView = {
  ...WAITING,
  phase: 'awaiting-confirmation',
  verified: { target: 'kestra', contentHash: 'b'.repeat(64), at: '2026-12-07T01:00:00.000Z' },
  next: 'Confirm the target runs on the new secret; the old one is then deactivated and deleted.',
};

const FILES: ChannelResponse<'rotation:render'> = {
  renderId: 'render-1',
  outputs: [
    {
      target: 'kestra',
      files: [
        {
          name: 'application.yml',
          content: 'client-secret: "${OKTA_CLIENT_SECRET}"\n',
          language: 'yaml',
          sensitive: false,
          purpose: 'Kestra’s configuration.',
        },
      ],
      nextSteps: ['Set OKTA_CLIENT_SECRET where Kestra runs, then restart it.'],
      warnings: [],
    },
  ],
  refused: [],
};

const ok = <T,>(data: T) => ({ ok: true, data });

async function renderView(answers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge({
    'managed-apps:list': () => ok({ orgUrl: 'https://acme.okta.com', apps: [APP] }),
    ...answers,
  });
  const managedApps = createManagedAppsStore(fake.api);
  await managedApps.getState().load();
  const consoleView = createConsoleViewStore({ kind: 'rotation', appId: '0oa1' });
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      consoleView={consoleView}
      managedApps={managedApps}
      rotation={createRotationStore(fake.api)}
    >
      <RotationView appId="0oa1" />
    </StoreProvider>,
  );
  return { fake, consoleView };
}

describe('RotationView', () => {
  it('shows where a rotation stands when opened mid-way: secrets by role, the new files, verify', async () => {
    await renderView({
      'rotation:status': () => ok(WAITING),
      'rotation:render': () => ok(FILES),
    });
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(await screen.findByText(/New secret made and kept in the keychain/)).toBeTruthy();
    const secrets = screen.getByRole('table', { name: 'Client secrets' });
    expect(within(secrets).getByRole('row', { name: /ocsOLD/ }).textContent).toContain(
      'Old (in use until you confirm)',
    );
    expect(within(secrets).getByRole('row', { name: /ocsNEW/ }).textContent).toContain(
      'New (kept in the keychain)',
    );
    const files = await screen.findByRole('list', { name: 'New files' });
    expect(files.textContent).toContain('${OKTA_CLIENT_SECRET}');
    expect(screen.getByTestId('secret-reference').textContent).toContain(
      'set OKTA_CLIENT_SECRET to the new secret where the target runs',
    );
    expect(screen.getByRole('button', { name: 'Verify by signing in' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retire the old secret' })).toBeNull();
    // The target picker names the targets by their titles, as the export's catalogue does.
    const picker = screen.getByRole('combobox', { name: 'Target' });
    const options = within(picker).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toContain('Spring Boot');
    expect(options.find((option) => (option as HTMLOptionElement).selected)?.textContent).toBe(
      'Kestra',
    );
    expect(options.map((option) => option.textContent)).not.toContain('spring-boot');
  });

  it('starts a rotation, and the keyboard moves on to the new files', async () => {
    let status = NONE;
    const { fake } = await renderView({
      'rotation:status': () => ok(status),
      'rotation:start': () => {
        status = WAITING;
        return ok(WAITING);
      },
      'rotation:render': () => ok(FILES),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Start rotation' }));
    expect(await screen.findByRole('list', { name: 'New files' })).toBeTruthy();
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: 'The target’s files for the new secret' }),
    );
    expect(fake.calls.map((made) => made.channel)).toContain('rotation:start');
  });

  it('retires the old secret only once the admin confirms the target runs on the new one', async () => {
    const { fake } = await renderView({
      'rotation:status': () => ok(CONFIRMING),
      'rotation:finish': () =>
        ok({
          status: { ...NONE, phase: 'finished', secrets: [{ ...NONE.secrets[0], id: 'ocsNEW' }] },
          keychainWarning: null,
        }),
    });
    const retire = await screen.findByRole('button', { name: 'Retire the old secret' });
    expect(retire).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'The target runs on the new secret' }));
    expect(retire).toHaveProperty('disabled', false);
    fireEvent.click(retire);
    expect(await screen.findByText('Finished: the old secret is retired')).toBeTruthy();
    expect(fake.calls.find((made) => made.channel === 'rotation:finish')?.request).toEqual({
      appId: '0oa1',
      confirmTargetRunsOnNewSecret: true,
    });
  });

  it('cancels before the swap only after asking, keeping the old secret', async () => {
    const { fake } = await renderView({
      'rotation:status': () => ok(CONFIRMING),
      'rotation:cancel': () => ok({ ...NONE, phase: 'cancelled' }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel the rotation…' }));
    const confirm = screen.getByRole('button', { name: 'Delete the new secret' });
    expect(document.activeElement).toBe(confirm);
    expect(fake.calls.map((made) => made.channel)).not.toContain('rotation:cancel');
    fireEvent.click(confirm);
    expect(
      await screen.findByText('Cancelled: the new secret was removed, the old one kept'),
    ).toBeTruthy();
  });

  it('says a refused step in place', async () => {
    await renderView({
      'rotation:status': () => ok(NONE),
      'rotation:start': () => ({
        ok: false,
        error: {
          code: 'INVALID_REQUEST',
          message: '"Kestra" already has two client secrets.',
          hint: 'Delete the leftover one in the Admin Console.',
        },
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Start rotation' }));
    expect(await screen.findByText('"Kestra" already has two client secrets.')).toBeTruthy();
  });
});

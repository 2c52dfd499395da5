import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { RotationView } from '../../../../../renderer/features/day-two/rotation-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { createRotationStore } from '../../../../../renderer/stores/rotation-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import {
  bridgeListing,
  managedApp,
  ok,
  ROTATION_CONFIRMING,
  ROTATION_FILES,
  ROTATION_NONE,
  ROTATION_WAITING,
} from '../../../../support/day-two-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

afterEach(cleanup);

const APP = managedApp({ secretAgeDays: 40 });

async function renderView(answers: Parameters<typeof createFakeBridge>[0]) {
  const { fake, managedApps } = await bridgeListing(APP, answers);
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
      'rotation:status': () => ok(ROTATION_WAITING),
      'rotation:render': () => ok(ROTATION_FILES),
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
    let status = ROTATION_NONE;
    const { fake } = await renderView({
      'rotation:status': () => ok(status),
      'rotation:start': () => {
        status = ROTATION_WAITING;
        return ok(ROTATION_WAITING);
      },
      'rotation:render': () => ok(ROTATION_FILES),
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
      'rotation:status': () => ok(ROTATION_CONFIRMING),
      'rotation:finish': () =>
        ok({
          status: {
            ...ROTATION_NONE,
            phase: 'finished',
            secrets: [{ ...ROTATION_NONE.secrets[0], id: 'ocsNEW' }],
          },
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
      'rotation:status': () => ok(ROTATION_CONFIRMING),
      'rotation:cancel': () => ok({ ...ROTATION_NONE, phase: 'cancelled' }),
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
      'rotation:status': () => ok(ROTATION_NONE),
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

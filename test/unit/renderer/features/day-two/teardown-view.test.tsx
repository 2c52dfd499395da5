import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { TeardownView } from '../../../../../renderer/features/day-two/teardown-view.tsx';
import { createConsoleViewStore } from '../../../../../renderer/stores/console-view-store.ts';
import { createProfilesStore } from '../../../../../renderer/stores/profiles-store.ts';
import { StoreProvider } from '../../../../../renderer/stores/store-context.tsx';
import { createTeardownStore } from '../../../../../renderer/stores/teardown-store.ts';
import type { TeardownPlanView } from '../../../../../shared/ipc/contract.ts';
import { bridgeListing, managedApp } from '../../../../support/day-two-fixtures.ts';

afterEach(cleanup);

const APP = managedApp({ clientId: '0oa1' });

const PLAN: TeardownPlanView = {
  planId: 'teardown-1',
  orgUrl: 'https://acme.okta.com',
  removals: [
    {
      key: 'destroy:app',
      kind: 'app',
      title: 'App integration "Kestra" (0oa1)',
      objectId: '0oa1',
      why: 'made by this setup (its mark)',
    },
  ],
  leftAlone: [{ title: 'Group "Engineering"', why: 'it existed before' }],
  keychainEntries: 1,
};

async function renderView(apply: () => unknown) {
  const { fake, managedApps } = await bridgeListing(APP, {
    'teardown:plan': () => ({ ok: true, data: PLAN }),
    'teardown:apply': apply,
  });
  const consoleView = createConsoleViewStore({ kind: 'teardown', appId: '0oa1' });
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      consoleView={consoleView}
      managedApps={managedApps}
      teardown={createTeardownStore(fake.api)}
    >
      <TeardownView appId="0oa1" />
    </StoreProvider>,
  );
  return { fake, consoleView };
}

describe('TeardownView', () => {
  it('shows what goes and what stays, each with why, before anything is removed', async () => {
    const { fake } = await renderView(() => ({ ok: true, data: {} }));
    const removals = await screen.findByRole('list', { name: 'To remove' });
    expect(removals.textContent).toContain('App integration "Kestra" (0oa1)');
    expect(removals.textContent).toContain('made by this setup (its mark)');
    expect(screen.getByRole('list', { name: 'Left alone' }).textContent).toContain(
      'Group "Engineering" it existed before',
    );
    expect(fake.calls.some((call) => call.channel === 'teardown:apply')).toBe(false);
    expect(screen.getByRole('button', { name: 'Remove 1 object' })).toBeTruthy();
  });

  it('removes on confirmation and says what was removed', async () => {
    await renderView(() => ({
      ok: true,
      data: {
        removed: [{ key: 'destroy:app', title: 'App integration "Kestra" (0oa1)' }],
        keychainEntriesForgotten: 1,
        keychainWarning: null,
      },
    }));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove 1 object' }));
    expect(
      await screen.findByText('Torn down: 1 object removed, 1 keychain entry forgotten.'),
    ).toBeTruthy();
    const progress = screen.getByRole('list', { name: 'Teardown progress' });
    expect(within(progress).getByRole('listitem').textContent).toBe(
      'App integration "Kestra" (0oa1): removed',
    );
  });

  it('says in place what failed, and offers to review what is left', async () => {
    await renderView(() => ({
      ok: false,
      error: {
        code: 'PERMISSION_DENIED',
        message: 'Deleting the app was refused.',
        hint: 'Use a token that may.',
      },
    }));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove 1 object' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Deleting the app was refused.',
    );
    expect(screen.getByRole('button', { name: 'Review the teardown again' })).toBeTruthy();
  });
});

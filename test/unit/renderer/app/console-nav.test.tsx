import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { App } from '../../../../renderer/app/app.tsx';
import { createActivityStore } from '../../../../renderer/stores/activity-store.ts';
import { createConsoleViewStore } from '../../../../renderer/stores/console-view-store.ts';
import { createDirectoryStore } from '../../../../renderer/stores/directory-store.ts';
import { createExportStore } from '../../../../renderer/stores/export-store.ts';
import { createManagedAppsStore } from '../../../../renderer/stores/managed-apps-store.ts';
import { createPreviewStore } from '../../../../renderer/stores/preview-store.ts';
import { createProfilesStore } from '../../../../renderer/stores/profiles-store.ts';
import { createSetupDocumentStore } from '../../../../renderer/stores/setup-document-store.ts';
import { createSetupRunStore } from '../../../../renderer/stores/setup-run-store.ts';
import { StoreProvider } from '../../../../renderer/stores/store-context.tsx';
import { createTeardownStore } from '../../../../renderer/stores/teardown-store.ts';
import { createWizardStore } from '../../../../renderer/stores/wizard-store.ts';
import type { ProfileSummary } from '../../../../shared/profiles/profile.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

afterEach(cleanup);

const PROFILE: ProfileSummary = {
  id: 'p1',
  kind: 'okta',
  label: 'Acme',
  orgUrl: 'https://acme.okta.com',
  orgName: 'Acme',
  owner: { id: '00u1', login: 'admin@acme.com', displayName: 'Admin' },
  adminRoles: ['SUPER_ADMIN'],
  tokenHint: 'abcd',
  verifiedAt: '2026-12-07T10:00:00.000Z',
};

function renderApp(activeProfileId: string | null) {
  const fake = createFakeBridge({
    'profiles:list': () => ({
      ok: true,
      data: { profiles: activeProfileId === null ? [] : [PROFILE], activeProfileId },
    }),
    'managed-apps:list': () => ({
      ok: true,
      data: { orgUrl: 'https://acme.okta.com', apps: [] },
    }),
  });
  const consoleView = createConsoleViewStore();
  render(
    <StoreProvider
      profiles={createProfilesStore(fake.api)}
      setupDocument={createSetupDocumentStore({
        storage: { getItem: () => null, setItem: () => undefined },
        newId: () => 'setup-1',
      })}
      wizard={createWizardStore()}
      directory={createDirectoryStore(fake.api)}
      setupRun={createSetupRunStore(fake.api)}
      preview={createPreviewStore(fake.api)}
      export={createExportStore(fake.api)}
      consoleView={consoleView}
      managedApps={createManagedAppsStore(fake.api)}
      teardown={createTeardownStore(fake.api)}
      activity={createActivityStore(fake.api)}
    >
      <App api={fake.api} />
    </StoreProvider>,
  );
  return { consoleView };
}

describe('the console’s areas', () => {
  it('offers "Managed apps" only once an org is connected', async () => {
    renderApp(null);
    expect(await screen.findByText('No org connected')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Console' })).toBeNull();
  });

  it('loads the managed apps on first use, and marks the area the admin is in', async () => {
    const { consoleView } = renderApp('p1');
    const areas = await screen.findByRole('navigation', { name: 'Console' });
    const setUp = within(areas).getByRole('button', { name: 'Set up' });
    const managed = within(areas).getByRole('button', { name: 'Managed apps' });
    expect(setUp.getAttribute('aria-current')).toBe('page');
    fireEvent.click(managed);
    expect(managed.getAttribute('aria-current')).toBe('page');
    expect(setUp.hasAttribute('aria-current')).toBe(false);
    expect(await screen.findByRole('heading', { level: 1, name: 'Managed apps' })).toBeTruthy();
    consoleView.getState().show({ kind: 'activity', appId: '0oa1' });
    // The teardown and activity views belong to "Managed apps".
    expect(
      within(screen.getByRole('navigation', { name: 'Console' }))
        .getByRole('button', { name: 'Managed apps' })
        .getAttribute('aria-current'),
    ).toBe('page');
  });
});

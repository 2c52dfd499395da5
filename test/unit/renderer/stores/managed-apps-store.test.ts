import { describe, expect, it } from 'vitest';

import { createManagedAppsStore } from '../../../../renderer/stores/managed-apps-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { managedApp } from '../../../support/day-two-fixtures.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const MANAGED_APP = managedApp({ users: 3, groups: 1, secretAgeDays: 12 });

describe('createManagedAppsStore', () => {
  it('shows only the latest of two loads, whichever answers first', async () => {
    const releases: ((label: string) => void)[] = [];
    const fake = createFakeBridge({
      'managed-apps:list': () =>
        new Promise((resolve) => {
          releases.push((label) => {
            resolve({
              ok: true,
              data: { orgUrl: 'https://acme.okta.com', apps: [{ ...MANAGED_APP, label }] },
            });
          });
        }),
    });
    const store = createManagedAppsStore(fake.api);
    const first = store.getState().load();
    const second = store.getState().load();
    releases[1]?.('newer');
    await second;
    releases[0]?.('older');
    await first;
    expect(store.getState().status).toBe('ready');
    expect(store.getState().apps.map((app) => app.label)).toEqual(['newer']);
  });

  it('keeps the last list on screen and says why a refresh failed', async () => {
    let fail = false;
    const fake = createFakeBridge({
      'managed-apps:list': () =>
        fail
          ? {
              ok: false,
              error: {
                code: 'ORG_UNREACHABLE',
                message: 'The org did not answer.',
                hint: 'Retry.',
              },
            }
          : { ok: true, data: { orgUrl: 'https://acme.okta.com', apps: [MANAGED_APP] } },
    });
    const store = createManagedAppsStore(fake.api);
    await store.getState().load();
    fail = true;
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'ORG_UNREACHABLE' } });
    expect(store.getState().apps).toHaveLength(1);
  });

  it('answers the kept document an app came from', async () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });
    const fake = createFakeBridge({
      'managed-apps:document': () => ({ ok: true, data: { document } }),
    });
    const store = createManagedAppsStore(fake.api);
    expect(await store.getState().openDocument('setup-1')).toEqual({ ok: true, document });
    expect(fake.calls[0]).toEqual({
      channel: 'managed-apps:document',
      request: { setupId: 'setup-1' },
    });
  });
});

import { describe, expect, it, vi } from 'vitest';

import { defaultExportTarget } from '../../../../../renderer/stores/export/targets-slice.ts';
import { createExportStore } from '../../../../../renderer/stores/export-store.ts';
import { CATALOGUE } from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';
import { APP_INFO, fakePlatform, renderedStore } from './export-store-harness.ts';

describe('defaultExportTarget', () => {
  it('picks the preset’s own target, and a .env for the generic presets', () => {
    expect(defaultExportTarget('kestra')).toBe('kestra');
    expect(defaultExportTarget('kaimu')).toBe('kaimu');
    expect(defaultExportTarget('grafana')).toBe('grafana');
    expect(defaultExportTarget('jupyterhub')).toBe('jupyterhub');
    expect(defaultExportTarget('web')).toBe('dotenv');
    expect(defaultExportTarget('spa')).toBe('dotenv');
  });
});

describe('the export store’s targets', () => {
  it('loads the catalogue and the mode, and chooses the preset’s target until the admin chooses', async () => {
    const fake = createFakeBridge({
      'app:get-info': APP_INFO('browser'),
      'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
    });
    const store = createExportStore(fake.api, fakePlatform());
    await store.getState().load('web');
    await vi.waitFor(() => {
      expect(store.getState().mode).toBe('browser');
    });
    expect(store.getState().catalogue.status).toBe('ready');
    expect(store.getState().chosen).toEqual(['dotenv']);

    store.getState().setChosen('kestra', true);
    store.getState().setChosen('dotenv', false);
    await store.getState().load('kaimu');
    // The admin's choice stands, and the catalogue is not fetched again.
    expect(store.getState().chosen).toEqual(['kestra']);
    expect(fake.calls.filter((call) => call.channel === 'export:targets')).toHaveLength(1);
  });

  it('keeps the chosen targets in catalogue order', async () => {
    const { store } = await renderedStore({});
    store.getState().setChosen('terraform', true);
    store.getState().setChosen('dotenv', true);
    expect(store.getState().chosen).toEqual(['kestra', 'dotenv', 'terraform']);
  });
});

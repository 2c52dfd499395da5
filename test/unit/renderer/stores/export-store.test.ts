import { describe, expect, it, vi } from 'vitest';

import type { ChannelResponse } from '../../../../shared/ipc/contract.ts';
import type { Result } from '../../../../shared/ipc/result.ts';
import { deferred, VERIFY_STARTED } from '../../../support/export-renderer-fixtures.ts';
import { document, renderedStore } from './export/export-store-harness.ts';

/**
 * The slices composed into one store: a new rendering resets the file deliveries and ends the
 * verifications of the previous files (each slice's own behaviour is tested in export/).
 */
describe('createExportStore', () => {
  it('drops a save answer for files that were written again meanwhile', async () => {
    const saved = deferred<Result<ChannelResponse<'export:save'>>>();
    const { store } = await renderedStore({ 'export:save': () => saved.promise });
    const saving = store.getState().save('kestra', 'application.yml');
    await store.getState().render(document);
    saved.resolve({ ok: true, data: { kind: 'saved', path: '/old', mode: '0644' } });
    await saving;
    expect(store.getState().saves).toEqual({});
  });

  it('cancels a waiting verification when the files are written again', async () => {
    const { fake, store } = await renderedStore({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => new Promise(() => undefined),
      'export:verify-cancel': () => ({ ok: true, data: {} }),
    });
    void store.getState().startVerification('kestra', { kind: 'test-user' });
    await vi.waitFor(() => {
      expect(store.getState().verifications.kestra?.status).toBe('waiting');
    });
    await store.getState().render(document);
    expect(store.getState().verifications).toEqual({});
    expect(fake.calls.map((call) => call.channel)).toContain('export:verify-cancel');
  });
});

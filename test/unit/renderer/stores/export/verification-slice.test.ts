import { describe, expect, it, vi } from 'vitest';

import type { Result } from '../../../../../shared/ipc/result.ts';
import {
  deferred,
  VERIFIED,
  VERIFY_STARTED,
} from '../../../../support/export-renderer-fixtures.ts';
import { renderedStore } from './export-store-harness.ts';

describe('the export store’s verification', () => {
  it('verifies: starts with the chosen user, shows what the files say, then the result', async () => {
    const wait = deferred<Result<typeof VERIFIED>>();
    const { fake, store } = await renderedStore({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => wait.promise,
    });
    const verifying = store
      .getState()
      .startVerification('kestra', { kind: 'existing', login: 'ada@example.com' });
    await vi.waitFor(() => {
      expect(store.getState().verifications.kestra?.status).toBe('waiting');
    });
    expect(store.getState().verifications.kestra?.started).toEqual(VERIFY_STARTED);
    expect(fake.calls.find((call) => call.channel === 'export:verify-start')?.request).toEqual({
      renderId: 'render-1',
      target: 'kestra',
      user: { kind: 'existing', login: 'ada@example.com' },
    });

    wait.resolve({ ok: true, data: VERIFIED });
    await verifying;
    expect(store.getState().verifications.kestra).toMatchObject({
      status: 'done',
      result: VERIFIED,
    });
    expect(fake.calls.find((call) => call.channel === 'export:verify-wait')?.request).toEqual({
      verificationId: 'verify-1',
    });
  });

  it('passes a pasted address on and returns main’s objection', async () => {
    const { store } = await renderedStore({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => new Promise(() => undefined),
      'export:verify-paste': () => ({
        ok: false,
        error: { code: 'INVALID_REQUEST', message: 'Not the callback.', hint: 'Copy it again.' },
      }),
    });
    void store.getState().startVerification('kestra', { kind: 'test-user' });
    await vi.waitFor(() => {
      expect(store.getState().verifications.kestra?.status).toBe('waiting');
    });
    expect(await store.getState().pasteVerification('kestra', 'https://x.example/')).toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('ends a verification that answers after it was cancelled, and shows nothing of it', async () => {
    const started = deferred<Result<typeof VERIFY_STARTED>>();
    const { fake, store } = await renderedStore({
      'export:verify-start': () => started.promise,
      'export:verify-cancel': () => ({ ok: true, data: {} }),
    });
    const verifying = store.getState().startVerification('kestra', { kind: 'test-user' });
    await store.getState().cancelVerification('kestra');
    started.resolve({ ok: true, data: VERIFY_STARTED });
    await verifying;
    expect(store.getState().verifications.kestra).toBeUndefined();
    expect(fake.calls.filter((call) => call.channel === 'export:verify-cancel')).toEqual([
      { channel: 'export:verify-cancel', request: { verificationId: 'verify-1' } },
    ]);
    expect(fake.calls.map((call) => call.channel)).not.toContain('export:verify-wait');
  });

  it('ignores the result of an earlier verification attempt after a restart', async () => {
    const waits = [deferred<Result<typeof VERIFIED>>(), deferred<Result<typeof VERIFIED>>()];
    let waitCount = 0;
    const { store } = await renderedStore({
      'export:verify-start': () => ({ ok: true, data: VERIFY_STARTED }),
      'export:verify-wait': () => waits[waitCount++]?.promise,
    });
    const first = store.getState().startVerification('kestra', { kind: 'test-user' });
    await vi.waitFor(() => {
      expect(waitCount).toBe(1);
    });
    const second = store.getState().startVerification('kestra', { kind: 'test-user' });
    await vi.waitFor(() => {
      expect(waitCount).toBe(2);
    });
    waits[0]?.resolve({ ok: true, data: { ...VERIFIED, contentHash: 'stale' } });
    await first;
    expect(store.getState().verifications.kestra?.status).toBe('waiting');
    waits[1]?.resolve({ ok: true, data: VERIFIED });
    await second;
    expect(store.getState().verifications.kestra?.result?.contentHash).toBe(VERIFIED.contentHash);
  });
});

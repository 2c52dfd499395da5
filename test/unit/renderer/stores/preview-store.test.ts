import { describe, expect, it } from 'vitest';

import { createPreviewStore } from '../../../../renderer/stores/preview-store.ts';
import type { ChannelResponse } from '../../../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { ok } from '../../../support/day-two-fixtures.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

/**
 * The preview store lets go of a run it no longer follows: a run that started after the admin
 * cancelled, or started again, would otherwise hold the preview (and its temporary redirect URI)
 * in main until its sign-in timed out.
 */

const DOCUMENT = {} as SetupDocument;

function started(previewId: string): ChannelResponse<'preview:start'> {
  return {
    previewId,
    authorizeUrl: `https://acme.okta.com/oauth2/v1/authorize?run=${previewId}`,
    strategy: {
      kind: 'temporary-loopback',
      redirectUri: 'http://127.0.0.1:50123/sso-console/preview/callback',
      explanation: 'A temporary loopback redirect URI is added to the app for this preview.',
    },
    user: { login: 'ada@example.com', passwordInKeychain: true },
  };
}

/** A `preview:start` whose answer the test releases, one per call. */
function startsOnCue() {
  const cues: ((previewId: string) => void)[] = [];
  return {
    answer: () =>
      new Promise((resolve) => {
        cues.push((previewId) => {
          resolve(ok(started(previewId)));
        });
      }),
    release: (index: number, previewId: string) => cues[index]?.(previewId),
  };
}

describe('createPreviewStore', () => {
  it('cancels a run that started after the admin cancelled it', async () => {
    const starts = startsOnCue();
    const fake = createFakeBridge({
      'preview:start': starts.answer,
      'preview:cancel': () => ok({}),
    });
    const store = createPreviewStore(fake.api);
    const starting = store.getState().start(DOCUMENT, { kind: 'throwaway' });
    await store.getState().cancel();
    starts.release(0, 'preview-1');
    await starting;
    expect(store.getState().status).toBe('idle');
    expect(fake.calls.filter((call) => call.channel !== 'preview:start')).toEqual([
      { channel: 'preview:cancel', request: { previewId: 'preview-1' } },
    ]);
  });

  it('cancels the first run when the preview was started again while it started', async () => {
    const starts = startsOnCue();
    const fake = createFakeBridge({
      'preview:start': starts.answer,
      'preview:cancel': () => ok({}),
      'preview:wait': () => new Promise(() => undefined),
    });
    const store = createPreviewStore(fake.api);
    const first = store.getState().start(DOCUMENT, { kind: 'throwaway' });
    void store.getState().start(DOCUMENT, { kind: 'throwaway' });
    starts.release(0, 'preview-1');
    await first;
    starts.release(1, 'preview-2');
    await expect.poll(() => store.getState().status).toBe('waiting');
    expect(store.getState().started?.previewId).toBe('preview-2');
    expect(fake.calls.map((call) => [call.channel, call.request])).toContainEqual([
      'preview:cancel',
      { previewId: 'preview-1' },
    ]);
    expect(
      fake.calls.filter((call) => call.channel === 'preview:wait').map((call) => call.request),
    ).toEqual([{ previewId: 'preview-2' }]);
  });
});

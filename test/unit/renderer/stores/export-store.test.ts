import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  createExportStore,
  defaultExportTarget,
  type ExportPlatform,
  fileKey,
} from '../../../../renderer/stores/export-store.ts';
import type { ChannelResponse } from '../../../../shared/ipc/contract.ts';
import type { Result } from '../../../../shared/ipc/result.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import {
  CATALOGUE,
  deferred,
  DOTENV_SENSITIVE_OUTPUT,
  KESTRA_OUTPUT,
  RENDERED,
  REVEALED_SECRET,
  VERIFIED,
  VERIFY_STARTED,
} from '../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });

const APP_INFO = (mode: 'electron' | 'browser') => () => ({
  ok: true,
  data: {
    mode,
    version: '0.1.0',
    secretStore: { kind: 'memory', isPersistent: false, isOsProtected: false },
  },
});

function fakePlatform() {
  return {
    download: vi.fn<ExportPlatform['download']>(),
    writeClipboard: vi.fn<ExportPlatform['writeClipboard']>(() => Promise.resolve()),
  };
}

/** A store that has loaded the catalogue and rendered `rendered`. */
async function renderedStore(
  answers: Parameters<typeof createFakeBridge>[0],
  rendered: ChannelResponse<'export:render'> = RENDERED,
) {
  const fake = createFakeBridge({
    'app:get-info': APP_INFO('electron'),
    'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
    'export:render': () => ({ ok: true, data: rendered }),
    ...answers,
  });
  const platform = fakePlatform();
  const store = createExportStore(fake.api, platform);
  await store.getState().load('kestra');
  await store.getState().render(document);
  return { fake, platform, store };
}

const SENSITIVE_RENDERED = {
  renderId: 'render-s',
  outputs: [DOTENV_SENSITIVE_OUTPUT],
  refused: [],
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defaultExportTarget', () => {
  it('picks the preset’s own target, and a .env for the generic presets', () => {
    expect(defaultExportTarget('kestra')).toBe('kestra');
    expect(defaultExportTarget('kaimu')).toBe('kaimu');
    expect(defaultExportTarget('web')).toBe('dotenv');
    expect(defaultExportTarget('spa')).toBe('dotenv');
  });
});

describe('createExportStore', () => {
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

  it('renders the chosen targets, with the merge file only for a chosen target', async () => {
    const fake = createFakeBridge({
      'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
      'export:render': () => ({ ok: true, data: RENDERED }),
    });
    const store = createExportStore(fake.api, fakePlatform());
    await store.getState().load('kestra');
    store.getState().setInlineSecret(true);
    store.getState().setChosen('terraform', true);
    store
      .getState()
      .setMergeInto({ target: 'kestra', fileName: 'application.yml', content: 'a: 1\n' });
    await store.getState().render(document);

    expect(fake.calls.find((call) => call.channel === 'export:render')?.request).toEqual({
      document,
      targets: ['kestra', 'terraform'],
      inlineSecret: true,
      mergeInto: { target: 'kestra', content: 'a: 1\n' },
    });
    expect(store.getState().rendering).toMatchObject({
      status: 'done',
      renderId: 'render-1',
      outputs: [KESTRA_OUTPUT],
      refused: RENDERED.refused,
    });

    store.getState().setChosen('kestra', false);
    await store.getState().render(document);
    const last = fake.calls.filter((call) => call.channel === 'export:render').at(-1);
    expect(last?.request).not.toHaveProperty('mergeInto');
  });

  it('copies a plain file as shown, without asking main for anything', async () => {
    const { fake, platform, store } = await renderedStore({});
    await store.getState().copy('kestra', 'application.yml');
    expect(platform.writeClipboard).toHaveBeenCalledWith(KESTRA_OUTPUT.files[0]?.content);
    expect(store.getState().copies[fileKey('kestra', 'application.yml')]).toEqual({
      status: 'copied',
    });
    expect(fake.calls.map((call) => call.channel)).not.toContain('export:reveal-file');
  });

  it('reveals a sensitive file before copying it, so the clipboard gets the secret, not the mask', async () => {
    const { fake, platform, store } = await renderedStore(
      {
        'export:reveal-file': () => ({
          ok: true,
          data: { content: `OIDC_CLIENT_SECRET="${REVEALED_SECRET}"\n` },
        }),
      },
      SENSITIVE_RENDERED,
    );
    await store.getState().copy('dotenv', '.env');
    expect(fake.calls.find((call) => call.channel === 'export:reveal-file')?.request).toEqual({
      renderId: 'render-s',
      target: 'dotenv',
      name: '.env',
    });
    expect(platform.writeClipboard).toHaveBeenCalledWith(
      `OIDC_CLIENT_SECRET="${REVEALED_SECRET}"\n`,
    );
  });

  it('says the clipboard is unavailable when it refuses, and explains a refused reveal', async () => {
    const { platform, store } = await renderedStore(
      {
        'export:reveal-file': () => ({
          ok: false,
          error: { code: 'SECRET_NOT_FOUND', message: 'The secret is gone.', hint: 'Apply again.' },
        }),
      },
      { ...SENSITIVE_RENDERED, outputs: [KESTRA_OUTPUT, DOTENV_SENSITIVE_OUTPUT] },
    );
    platform.writeClipboard.mockRejectedValueOnce(new Error('denied'));
    await store.getState().copy('kestra', 'application.yml');
    expect(store.getState().copies[fileKey('kestra', 'application.yml')]?.status).toBe(
      'unavailable',
    );
    await store.getState().copy('dotenv', '.env');
    expect(store.getState().copies[fileKey('dotenv', '.env')]).toMatchObject({
      status: 'error',
      error: { code: 'SECRET_NOT_FOUND' },
    });
  });

  it('shows the diff of an existing file, then replaces it with the hash of what was shown', async () => {
    const saves: unknown[] = [];
    const { store } = await renderedStore({
      'export:save': (request) => {
        saves.push(request);
        return saves.length === 1
          ? {
              ok: true,
              data: {
                kind: 'confirm-overwrite',
                path: '/srv/kestra/application.yml',
                diff: '--- a\n+++ b\n-old\n+new',
                replaceHash: 'hash-of-old',
                replaceId: 'token-1',
              },
            }
          : {
              ok: true,
              data: { kind: 'saved', path: '/srv/kestra/application.yml', mode: '0644' },
            };
      },
    });
    await store.getState().save('kestra', 'application.yml');
    expect(store.getState().saves[fileKey('kestra', 'application.yml')]).toEqual({
      status: 'confirm-overwrite',
      path: '/srv/kestra/application.yml',
      diff: '--- a\n+++ b\n-old\n+new',
      replaceHash: 'hash-of-old',
      replaceId: 'token-1',
    });

    await store.getState().replace('kestra', 'application.yml');
    expect(saves).toEqual([
      { renderId: 'render-1', target: 'kestra', name: 'application.yml' },
      {
        renderId: 'render-1',
        target: 'kestra',
        name: 'application.yml',
        // The path stays in main: the page names it only by main's token.
        replace: { id: 'token-1', hash: 'hash-of-old' },
      },
    ]);
    expect(store.getState().saves[fileKey('kestra', 'application.yml')]).toEqual({
      status: 'saved',
      path: '/srv/kestra/application.yml',
      mode: '0644',
    });
  });

  it('keeps the existing file when the admin says so, without asking main again', async () => {
    const { fake, store } = await renderedStore({
      'export:save': () => ({
        ok: true,
        data: {
          kind: 'confirm-overwrite',
          path: '/x',
          diff: '',
          replaceHash: 'h',
          replaceId: 't',
        },
      }),
    });
    await store.getState().save('kestra', 'application.yml');
    store.getState().keepExisting('kestra', 'application.yml');
    await store.getState().replace('kestra', 'application.yml');
    expect(store.getState().saves[fileKey('kestra', 'application.yml')]).toEqual({
      status: 'cancelled',
    });
    expect(fake.calls.filter((call) => call.channel === 'export:save')).toHaveLength(1);
  });

  it('downloads in browser mode, revealing a sensitive file first', async () => {
    const { fake, platform, store } = await renderedStore(
      {
        'export:save': () => ({ ok: true, data: { kind: 'download' } }),
        'export:reveal-file': () => ({ ok: true, data: { content: REVEALED_SECRET } }),
      },
      SENSITIVE_RENDERED,
    );
    await store.getState().save('dotenv', '.env');
    expect(platform.download).toHaveBeenCalledWith('.env', REVEALED_SECRET);
    expect(fake.calls.map((call) => call.channel).slice(-2)).toEqual([
      'export:save',
      'export:reveal-file',
    ]);
    expect(store.getState().saves[fileKey('dotenv', '.env')]).toEqual({ status: 'downloaded' });
  });

  it('downloads through a Blob and a clicked <a download> by default', async () => {
    const createObjectURL = vi.fn(() => 'blob:export-1');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });
    const fake = createFakeBridge({
      'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
      'export:render': () => ({ ok: true, data: RENDERED }),
      'export:save': () => ({ ok: true, data: { kind: 'download' } }),
    });
    const store = createExportStore(fake.api);
    await store.getState().load('kestra');
    await store.getState().render(document);
    await store.getState().save('kestra', 'application.yml');

    expect(clicked.map((link) => [link.download, link.href])).toEqual([
      ['application.yml', 'blob:export-1'],
    ]);
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toBe(KESTRA_OUTPUT.files[0]?.content);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:export-1');
  });

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

  it('ignores a rendering’s answer that arrives after a newer rendering was asked for', async () => {
    const first = deferred<Result<ChannelResponse<'export:render'>>>();
    const answers = [first.promise, Promise.resolve({ ok: true, data: SENSITIVE_RENDERED })];
    const fake = createFakeBridge({
      'export:targets': () => ({ ok: true, data: { targets: CATALOGUE } }),
      'export:render': () => answers.shift(),
    });
    const store = createExportStore(fake.api, fakePlatform());
    await store.getState().load('kestra');
    const slow = store.getState().render(document);
    await store.getState().render(document);
    first.resolve({ ok: true, data: RENDERED });
    await slow;
    expect(store.getState().rendering.renderId).toBe('render-s');
  });

  it('drops a save answer for files that were written again meanwhile', async () => {
    const saved = deferred<Result<ChannelResponse<'export:save'>>>();
    const { store } = await renderedStore({ 'export:save': () => saved.promise });
    const saving = store.getState().save('kestra', 'application.yml');
    await store.getState().render(document);
    saved.resolve({ ok: true, data: { kind: 'saved', path: '/old', mode: '0644' } });
    await saving;
    expect(store.getState().saves).toEqual({});
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

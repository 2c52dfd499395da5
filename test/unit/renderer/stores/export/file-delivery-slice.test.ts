import { afterEach, describe, expect, it, vi } from 'vitest';

import { fileKey } from '../../../../../renderer/stores/export/file-delivery-slice.ts';
import { createExportStore } from '../../../../../renderer/stores/export-store.ts';
import {
  CATALOGUE,
  DOTENV_SENSITIVE_OUTPUT,
  KESTRA_OUTPUT,
  RENDERED,
  REVEALED_SECRET,
} from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';
import { document, renderedStore, SENSITIVE_RENDERED } from './export-store-harness.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the export store’s file delivery', () => {
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
});

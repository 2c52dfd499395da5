import { vi } from 'vitest';

import type { ExportPlatform } from '../../../../../renderer/stores/export/file-delivery-slice.ts';
import { createExportStore } from '../../../../../renderer/stores/export-store.ts';
import type { ChannelResponse } from '../../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';
import {
  CATALOGUE,
  DOTENV_SENSITIVE_OUTPUT,
  RENDERED,
} from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';

// What the export store's tests share, one file per slice: the slices act on one another's
// state (a save on the rendering shown, a new rendering on the saves), so each is tested
// through the composed store.

export const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });

export const APP_INFO = (mode: 'electron' | 'browser') => () => ({
  ok: true,
  data: {
    mode,
    version: '0.1.0',
    secretStore: { kind: 'memory', isPersistent: false, isOsProtected: false },
  },
});

export function fakePlatform() {
  return {
    download: vi.fn<ExportPlatform['download']>(),
    writeClipboard: vi.fn<ExportPlatform['writeClipboard']>(() => Promise.resolve()),
  };
}

/** A store that has loaded the catalogue and rendered `rendered`. */
export async function renderedStore(
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

export const SENSITIVE_RENDERED = {
  renderId: 'render-s',
  outputs: [DOTENV_SENSITIVE_OUTPUT],
  refused: [],
};

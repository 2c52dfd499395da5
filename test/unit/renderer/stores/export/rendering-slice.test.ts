import { describe, expect, it } from 'vitest';

import { createExportStore } from '../../../../../renderer/stores/export-store.ts';
import type { ChannelResponse } from '../../../../../shared/ipc/contract.ts';
import type { Result } from '../../../../../shared/ipc/result.ts';
import {
  CATALOGUE,
  deferred,
  KESTRA_OUTPUT,
  RENDERED,
} from '../../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../../support/fake-bridge.ts';
import { document, fakePlatform, SENSITIVE_RENDERED } from './export-store-harness.ts';

describe('the export store’s rendering', () => {
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
});

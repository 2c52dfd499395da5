import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelRequest, ChannelResponse } from '../../shared/ipc/contract.ts';
import type {
  OneClickFix,
  PreviewReport,
  TimelineEntry,
} from '../../shared/preview/preview-schemas.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { call, subscribe } from '../api/call.ts';

/** A started preview: where to sign in and how the sign-in comes back. */
export type PreviewStarted = ChannelResponse<'preview:start'>;

/** The preview store's state and actions. */
export interface PreviewState {
  status: 'idle' | 'starting' | 'waiting' | 'done' | 'error';
  operationId: string | null;
  started: PreviewStarted | null;
  /** Exchanges as they happen, before the report arrives. */
  live: TimelineEntry[];
  report: PreviewReport | null;
  error: AppErrorValue | null;
  start: (
    document: SetupDocument,
    user: ChannelRequest<'preview:start'>['user'],
    options?: { allowAppChange?: boolean },
  ) => Promise<void>;
  pasteCallback: (url: string) => Promise<AppErrorValue | null>;
  cancel: () => Promise<void>;
  /** Applies a one-click fix to the document; resolves the new document and what changed. */
  fix: (
    document: SetupDocument,
    fix: OneClickFix,
  ) => Promise<
    { ok: true; document: SetupDocument; summary: string } | { ok: false; error: AppErrorValue }
  >;
}

/**
 * The login preview: start it, follow its exchanges live, wait for the report, and fix what it
 * diagnosed.
 *
 * @remarks
 * `preview:start` answers as soon as the sign-in can begin (the admin then signs in in the
 * system browser); `preview:wait` answers with the report when the flow has finished and the
 * console has cleaned up after it. Progress events carry the operation id, as everywhere.
 */
export function createPreviewStore(api: BridgeApi) {
  const store = createStore<PreviewState>()((set, get) => ({
    status: 'idle',
    operationId: null,
    started: null,
    live: [],
    report: null,
    error: null,

    async start(document, user, options = {}) {
      const operationId = crypto.randomUUID();
      set({ status: 'starting', operationId, started: null, live: [], report: null, error: null });
      const started = await call(api, 'preview:start', {
        document,
        user,
        operationId,
        ...(options.allowAppChange === undefined ? {} : { allowAppChange: options.allowAppChange }),
      });
      if (get().operationId !== operationId) {
        // Cancelled, or started again, while it was starting: a run that did start would hold
        // the preview (and its temporary redirect URI) until its sign-in timed out.
        if (started.ok) {
          await call(api, 'preview:cancel', { previewId: started.data.previewId });
        }
        return;
      }
      if (!started.ok) {
        set({ status: 'error', error: started.error });
        return;
      }
      set({ status: 'waiting', started: started.data });
      const report = await call(api, 'preview:wait', { previewId: started.data.previewId });
      if (get().operationId !== operationId) {
        return;
      }
      set(
        report.ok
          ? { status: 'done', report: report.data }
          : { status: 'error', error: report.error },
      );
    },

    async pasteCallback(url) {
      const previewId = get().started?.previewId;
      if (previewId === undefined) {
        return null;
      }
      const result = await call(api, 'preview:paste-callback', { previewId, url });
      return result.ok ? null : result.error;
    },

    async cancel() {
      const previewId = get().started?.previewId;
      set({ status: 'idle', operationId: null, started: null });
      if (previewId !== undefined) {
        await call(api, 'preview:cancel', { previewId });
      }
    },

    async fix(document, fix) {
      const result = await call(api, 'preview:fix', { document, fix });
      return result.ok ? { ok: true, ...result.data } : result;
    },
  }));

  subscribe(api, 'preview:progress', (event) => {
    const state = store.getState();
    if (event.operationId === state.operationId) {
      store.setState({ live: [...state.live, event.entry] });
    }
  });
  return store;
}

/** A preview store; see {@link createPreviewStore}. */
export type PreviewStore = ReturnType<typeof createPreviewStore>;

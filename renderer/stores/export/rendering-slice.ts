import type { AppErrorValue } from '../../../shared/errors.ts';
import type { ExportOutput } from '../../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../../shared/ipc/bridge.ts';
import type { ChannelResponse } from '../../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import { call } from '../../api/call.ts';
import type { ExportSliceCreator, ExportState } from '../export-store.ts';

/** A target that could not be exported, with why and what to do. */
export type RefusedTarget = ChannelResponse<'export:render'>['refused'][number];

/** What the admin asked to be written, and what came back. */
export interface ExportRendering {
  status: 'idle' | 'loading' | 'done' | 'error';
  operationId: string | null;
  renderId: string | null;
  outputs: ExportOutput[];
  refused: RefusedTarget[];
  error: AppErrorValue | null;
}

/** The rendering an action started from, to recognise answers that arrive after a new one. */
export interface ShownRendering {
  renderId: string;
  operationId: string;
}

/** Writing the files: the one rendering on screen. */
export interface ExportRenderingSlice {
  rendering: ExportRendering;
  render: (document: SetupDocument) => Promise<void>;
}

const IDLE_RENDERING: ExportRendering = {
  status: 'idle',
  operationId: null,
  renderId: null,
  outputs: [],
  refused: [],
  error: null,
};

/** The rendering whose files are on screen, or `null` before the first one. */
export function shownRendering({ renderId, operationId }: ExportRendering): ShownRendering | null {
  return renderId === null || operationId === null ? null : { renderId, operationId };
}

/**
 * Whether `shown` is still on screen; compared by operation, not by `renderId`, so even a
 * rendering main happened to give the same id counts as new.
 */
export function isStillShown(rendering: ExportRendering, shown: ShownRendering): boolean {
  return rendering.operationId === shown.operationId;
}

/**
 * Writing the chosen targets' files with main, keeping only the answer to the latest request.
 *
 * @param forgetPreviousRendering - Called as a new rendering starts: what the other slices hold
 *   about the previous files (saves, copies, verifications), reset. The store composes it, so
 *   this slice does not depend on the slices that depend on it.
 */
export function createRenderingSlice(
  api: BridgeApi,
  forgetPreviousRendering: (state: ExportState) => Partial<ExportState>,
): ExportSliceCreator<ExportRenderingSlice> {
  return (set, get) => ({
    rendering: IDLE_RENDERING,

    async render(document) {
      const { chosen, inlineSecret, mergeInto } = get();
      if (chosen.length === 0) {
        return;
      }
      const operationId = crypto.randomUUID();
      set({
        ...forgetPreviousRendering(get()),
        rendering: { ...IDLE_RENDERING, status: 'loading', operationId },
      });
      const answer = await call(api, 'export:render', {
        document,
        targets: chosen,
        inlineSecret,
        ...(mergeInto !== null && chosen.includes(mergeInto.target)
          ? { mergeInto: { target: mergeInto.target, content: mergeInto.content } }
          : {}),
      });
      if (get().rendering.operationId !== operationId) {
        return;
      }
      set({
        rendering: answer.ok
          ? { ...IDLE_RENDERING, status: 'done', operationId, ...answer.data }
          : { ...IDLE_RENDERING, status: 'error', operationId, error: answer.error },
      });
    },
  });
}

import { createStore, type StateCreator } from 'zustand/vanilla';

import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import {
  BROWSER_PLATFORM,
  createFileDeliverySlice,
  type ExportPlatform,
  type FileDeliverySlice,
  noFileDeliveries,
} from './export/file-delivery-slice.ts';
import { createRenderingSlice, type ExportRenderingSlice } from './export/rendering-slice.ts';
import { createTargetsSlice, type ExportTargetsSlice } from './export/targets-slice.ts';
import {
  createVerificationSlice,
  endVerifications,
  type VerificationSlice,
} from './export/verification-slice.ts';

/** The export store's state and actions: one slice per job, composed into one store. */
export type ExportState = ExportTargetsSlice &
  ExportRenderingSlice &
  FileDeliverySlice &
  VerificationSlice;

/** A slice of the export store: it builds its own part and reads the others through `get`. */
export type ExportSliceCreator<Slice> = StateCreator<ExportState, [], [], Slice>;

/**
 * Exporting config files for the target apps: choose targets, write the files, save or copy
 * each one, and verify them by signing in with exactly what they say.
 *
 * @remarks
 * Main writes the files and keeps them under a `renderId`; the renderer gets them to show, with
 * an inline secret masked. Every answer is checked against the rendering or verification it
 * belongs to: the admin can write the files again or restart a verification while an answer is
 * on its way, and a late answer must not overwrite what is now on screen.
 *
 * One store rather than four, so the components read every job through one `useExport`; the
 * jobs live in `export/`, and a new rendering resets the file deliveries and ends the
 * verifications of the previous files, wired here so the rendering slice needs neither.
 */
export function createExportStore(api: BridgeApi, platform: ExportPlatform = BROWSER_PLATFORM) {
  return createStore<ExportState>()((...store) => ({
    ...createTargetsSlice(api)(...store),
    ...createRenderingSlice(api, (previous) => ({
      ...noFileDeliveries(),
      ...endVerifications(api, previous.verifications),
    }))(...store),
    ...createFileDeliverySlice(api, platform)(...store),
    ...createVerificationSlice(api)(...store),
  }));
}

/** An export store; see {@link createExportStore}. */
export type ExportStore = ReturnType<typeof createExportStore>;

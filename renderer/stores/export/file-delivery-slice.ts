import type { AppErrorValue } from '../../../shared/errors.ts';
import type { ExportTargetId } from '../../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../../shared/ipc/bridge.ts';
import type { Result } from '../../../shared/ipc/result.ts';
import { call } from '../../api/call.ts';
import type { ExportSliceCreator } from '../export-store.ts';
import { isStillShown, type ShownRendering, shownRendering } from './rendering-slice.ts';

/** Where saving one file stands. */
export type FileSaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; path: string; mode: '0600' | '0644' }
  | { status: 'cancelled' }
  | { status: 'downloaded' }
  /**
   * A file is already there: the diff is shown, and Replace saves again naming the dialog's path
   * by main's opaque id with the hash of the file whose diff was shown.
   */
  | {
      status: 'confirm-overwrite';
      path: string;
      diff: string;
      replaceHash: string;
      replaceId: string;
    }
  | { status: 'error'; error: AppErrorValue };

/** Where copying one file stands; `unavailable` means the clipboard refused. */
export type FileCopyState =
  | { status: 'idle' | 'copying' | 'copied' | 'unavailable' }
  | { status: 'error'; error: AppErrorValue };

/** The browser facilities the store uses; tests pass their own. */
export interface ExportPlatform {
  /** Hands `content` to the browser as a download named `name`. */
  download: (name: string, content: string) => void;
  writeClipboard: (text: string) => Promise<void>;
}

/** Getting the written files to the admin: save (or download), replace after a diff, copy. */
export interface FileDeliverySlice {
  /** Per file, keyed by {@link fileKey}. */
  saves: Record<string, FileSaveState>;
  /** Per file, keyed by {@link fileKey}. */
  copies: Record<string, FileCopyState>;
  /** Saves a file: a dialog (desktop), a download (browser mode), or a diff to confirm first. */
  save: (target: ExportTargetId, name: string) => Promise<void>;
  /** Replaces the existing file whose diff the admin saw. */
  replace: (target: ExportTargetId, name: string) => Promise<void>;
  /** Leaves the existing file as it is, after seeing the diff. */
  keepExisting: (target: ExportTargetId, name: string) => void;
  copy: (target: ExportTargetId, name: string) => Promise<void>;
}

/** The key of one file in {@link FileDeliverySlice.saves} and {@link FileDeliverySlice.copies}. */
export function fileKey(target: ExportTargetId, name: string): string {
  return `${target}/${name}`;
}

/** No file saved or copied yet: how a new rendering starts. */
export function noFileDeliveries(): Pick<FileDeliverySlice, 'saves' | 'copies'> {
  return { saves: {}, copies: {} };
}

/** The browser's download and clipboard, used unless a test passes its own. */
export const BROWSER_PLATFORM: ExportPlatform = {
  download(name, content) {
    // The same download path as the setup file's: it works in the desktop app and browser mode.
    const blob = new Blob([content], { type: 'text/plain;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    // Revoked at once: the URL may point at a file holding the secret.
    URL.revokeObjectURL(link.href);
  },
  async writeClipboard(text) {
    // `navigator.clipboard` is missing outside secure contexts; awaiting turns that into a
    // rejection like the clipboard's own refusals.
    await navigator.clipboard.writeText(text);
  },
};

/**
 * Saving, downloading and copying the files on screen.
 *
 * @remarks
 * Copying or downloading a sensitive file first asks main for the real content
 * (`export:reveal-file`), so the secret reaches the renderer only when the admin takes the file.
 * Each action remembers the rendering it started from and drops its answer if the files were
 * written again meanwhile.
 */
export function createFileDeliverySlice(
  api: BridgeApi,
  platform: ExportPlatform,
): ExportSliceCreator<FileDeliverySlice> {
  return (set, get) => {
    function outputFile(target: ExportTargetId, name: string) {
      return get()
        .rendering.outputs.find((output) => output.target === target)
        ?.files.find((file) => file.name === name);
    }

    function setSave(target: ExportTargetId, name: string, save: FileSaveState) {
      set({ saves: { ...get().saves, [fileKey(target, name)]: save } });
    }

    function setCopy(target: ExportTargetId, name: string, copy: FileCopyState) {
      set({ copies: { ...get().copies, [fileKey(target, name)]: copy } });
    }

    function isStillOnScreen(shown: ShownRendering) {
      return isStillShown(get().rendering, shown);
    }

    /** The file as it will be used: with the secret for a sensitive file, asked of main. */
    async function contentToTake(
      { renderId }: ShownRendering,
      target: ExportTargetId,
      name: string,
    ): Promise<Result<string>> {
      const file = outputFile(target, name);
      if (file === undefined) {
        return {
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: `${name} is not among the files written.`,
            hint: 'Write the files again.',
          },
        };
      }
      if (!file.sensitive) {
        return { ok: true, data: file.content };
      }
      const revealed = await call(api, 'export:reveal-file', { renderId, target, name });
      return revealed.ok ? { ok: true, data: revealed.data.content } : revealed;
    }

    /**
     * The content to take, or `null` when there is nothing to do with it: the files were written
     * again meanwhile (the answer is dropped), or main refused (`refused` is told why).
     */
    async function contentStillShown(
      shown: ShownRendering,
      target: ExportTargetId,
      name: string,
      refused: (error: AppErrorValue) => void,
    ): Promise<string | null> {
      const content = await contentToTake(shown, target, name);
      if (!isStillOnScreen(shown)) {
        return null;
      }
      if (!content.ok) {
        refused(content.error);
        return null;
      }
      return content.data;
    }

    async function download(shown: ShownRendering, target: ExportTargetId, name: string) {
      const content = await contentStillShown(shown, target, name, (error) => {
        setSave(target, name, { status: 'error', error });
      });
      if (content === null) {
        return;
      }
      platform.download(name, content);
      setSave(target, name, { status: 'downloaded' });
    }

    async function saveWith(
      target: ExportTargetId,
      name: string,
      confirmed: { id: string; hash: string } | null,
    ) {
      const shown = shownRendering(get().rendering);
      if (shown === null) {
        return;
      }
      setSave(target, name, { status: 'saving' });
      const answer = await call(api, 'export:save', {
        renderId: shown.renderId,
        target,
        name,
        ...(confirmed === null ? {} : { replace: confirmed }),
      });
      if (!isStillOnScreen(shown)) {
        return;
      }
      if (!answer.ok) {
        setSave(target, name, { status: 'error', error: answer.error });
        return;
      }
      const saved = answer.data;
      switch (saved.kind) {
        case 'saved':
          setSave(target, name, { status: 'saved', path: saved.path, mode: saved.mode });
          return;
        case 'cancelled':
          setSave(target, name, { status: 'cancelled' });
          return;
        case 'download':
          await download(shown, target, name);
          return;
        case 'confirm-overwrite':
          setSave(target, name, {
            status: 'confirm-overwrite',
            path: saved.path,
            diff: saved.diff,
            replaceHash: saved.replaceHash,
            replaceId: saved.replaceId,
          });
          return;
      }
    }

    return {
      ...noFileDeliveries(),

      async save(target, name) {
        await saveWith(target, name, null);
      },

      async replace(target, name) {
        const pending = get().saves[fileKey(target, name)];
        if (pending?.status !== 'confirm-overwrite') {
          return;
        }
        await saveWith(target, name, { id: pending.replaceId, hash: pending.replaceHash });
      },

      keepExisting(target, name) {
        setSave(target, name, { status: 'cancelled' });
      },

      async copy(target, name) {
        const shown = shownRendering(get().rendering);
        if (shown === null) {
          return;
        }
        setCopy(target, name, { status: 'copying' });
        const content = await contentStillShown(shown, target, name, (error) => {
          setCopy(target, name, { status: 'error', error });
        });
        if (content === null) {
          return;
        }
        try {
          await platform.writeClipboard(content);
          setCopy(target, name, { status: 'copied' });
        } catch {
          setCopy(target, name, { status: 'unavailable' });
        }
      },
    };
  };
}

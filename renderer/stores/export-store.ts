import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import {
  EXPORT_TARGET_IDS,
  type ExportOutput,
  type ExportTargetId,
  type ExportTargetInfo,
  type VerificationResult,
} from '../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelRequest, ChannelResponse } from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import type { PresetId, SetupDocument } from '../../shared/setup/setup-document.ts';
import { call } from '../api/call.ts';

/** A target that could not be exported, with why and what to do. */
export type RefusedTarget = ChannelResponse<'export:render'>['refused'][number];

/** A started verification: where to sign in, and what was read from the files. */
export type VerificationStarted = ChannelResponse<'export:verify-start'>;

/** Who signs in to verify the files. */
export type VerificationUser = ChannelRequest<'export:verify-start'>['user'];

/** An existing file the admin picked to merge the export into (Kestra's application.yml). */
export interface MergeFile {
  target: ExportTargetId;
  /** The picked file's name, shown back to the admin; main never sees it. */
  fileName: string;
  content: string;
}

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

/** One target's verification. */
export interface VerificationState {
  status: 'starting' | 'waiting' | 'done' | 'error';
  /** Chosen by the store for this attempt, so answers to an earlier attempt are dropped. */
  operationId: string;
  started: VerificationStarted | null;
  result: VerificationResult | null;
  error: AppErrorValue | null;
}

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
interface ShownRendering {
  renderId: string;
  operationId: string;
}

/** The browser facilities the store uses; tests pass their own. */
export interface ExportPlatform {
  /** Hands `content` to the browser as a download named `name`. */
  download: (name: string, content: string) => void;
  writeClipboard: (text: string) => Promise<void>;
}

/** The export store's state and actions. */
export interface ExportState {
  /** How the console runs: the desktop app saves through a dialog, browser mode downloads. */
  mode: 'electron' | 'browser' | null;
  catalogue: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    targets: ExportTargetInfo[];
    error: AppErrorValue | null;
  };
  chosen: ExportTargetId[];
  /** Whether the admin changed the choice; until then it follows the setup's preset. */
  hasChosen: boolean;
  inlineSecret: boolean;
  mergeInto: MergeFile | null;
  rendering: ExportRendering;
  /** Per file, keyed by {@link fileKey}. */
  saves: Record<string, FileSaveState>;
  /** Per file, keyed by {@link fileKey}. */
  copies: Record<string, FileCopyState>;
  verifications: Partial<Record<ExportTargetId, VerificationState>>;
  /** Loads the catalogue and the console's mode, and picks the preset's target if none was. */
  load: (preset: PresetId) => Promise<void>;
  setChosen: (target: ExportTargetId, isChosen: boolean) => void;
  setInlineSecret: (inlineSecret: boolean) => void;
  setMergeInto: (merge: MergeFile | null) => void;
  render: (document: SetupDocument) => Promise<void>;
  /** Saves a file: a dialog (desktop), a download (browser mode), or a diff to confirm first. */
  save: (target: ExportTargetId, name: string) => Promise<void>;
  /** Replaces the existing file whose diff the admin saw. */
  replace: (target: ExportTargetId, name: string) => Promise<void>;
  /** Leaves the existing file as it is, after seeing the diff. */
  keepExisting: (target: ExportTargetId, name: string) => void;
  copy: (target: ExportTargetId, name: string) => Promise<void>;
  startVerification: (target: ExportTargetId, user: VerificationUser) => Promise<void>;
  /** Hands over the address the browser ended on; resolves the error, if any, to show. */
  pasteVerification: (target: ExportTargetId, url: string) => Promise<AppErrorValue | null>;
  cancelVerification: (target: ExportTargetId) => Promise<void>;
}

/** The key of one file in {@link ExportState.saves} and {@link ExportState.copies}. */
export function fileKey(target: ExportTargetId, name: string): string {
  return `${target}/${name}`;
}

/**
 * The target the export starts with for a preset: its own config for Kestra and Kaimu, a
 * `.env` for the generic presets, whose apps are unknown.
 */
export function defaultExportTarget(preset: PresetId): ExportTargetId {
  return preset === 'kestra' || preset === 'kaimu' ? preset : 'dotenv';
}

const IDLE_RENDERING: ExportRendering = {
  status: 'idle',
  operationId: null,
  renderId: null,
  outputs: [],
  refused: [],
  error: null,
};

const BROWSER_PLATFORM: ExportPlatform = {
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
 * Exporting config files for the target apps: choose targets, write the files, save or copy
 * each one, and verify them by signing in with exactly what they say.
 *
 * @remarks
 * Main writes the files and keeps them under a `renderId`; the renderer gets them to show, with
 * an inline secret masked. Copying or downloading a sensitive file first asks main for the real
 * content (`export:reveal-file`), so the secret reaches the renderer only when the admin takes
 * the file. Every answer is checked against the rendering or verification it belongs to: the
 * admin can write the files again or restart a verification while an answer is on its way, and
 * a late answer must not overwrite what is now on screen.
 */
export function createExportStore(api: BridgeApi, platform: ExportPlatform = BROWSER_PLATFORM) {
  return createStore<ExportState>()((set, get) => {
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

    function setVerification(target: ExportTargetId, verification: VerificationState | undefined) {
      set({ verifications: { ...get().verifications, [target]: verification } });
    }

    function isCurrentVerification(target: ExportTargetId, operationId: string) {
      return get().verifications[target]?.operationId === operationId;
    }

    /** The rendering whose files are on screen, or `null` before the first one. */
    function shownRendering(): ShownRendering | null {
      const { renderId, operationId } = get().rendering;
      return renderId === null || operationId === null ? null : { renderId, operationId };
    }

    /**
     * Whether `shown` is still on screen; compared by operation, not by `renderId`, so even a
     * rendering main happened to give the same id counts as new.
     */
    function isStillShown(shown: ShownRendering) {
      return get().rendering.operationId === shown.operationId;
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

    async function download(shown: ShownRendering, target: ExportTargetId, name: string) {
      const content = await contentToTake(shown, target, name);
      if (!isStillShown(shown)) {
        return;
      }
      if (!content.ok) {
        setSave(target, name, { status: 'error', error: content.error });
        return;
      }
      platform.download(name, content.data);
      setSave(target, name, { status: 'downloaded' });
    }

    async function saveWith(
      target: ExportTargetId,
      name: string,
      confirmed: { id: string; hash: string } | null,
    ) {
      const shown = shownRendering();
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
      if (!isStillShown(shown)) {
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
      mode: null,
      catalogue: { status: 'idle', targets: [], error: null },
      chosen: [],
      hasChosen: false,
      inlineSecret: false,
      mergeInto: null,
      rendering: IDLE_RENDERING,
      saves: {},
      copies: {},
      verifications: {},

      async load(preset) {
        if (get().mode === null) {
          void call(api, 'app:get-info', {}).then((info) => {
            if (info.ok) {
              set({ mode: info.data.mode });
            }
          });
        }
        let targets = get().catalogue.targets;
        if (get().catalogue.status !== 'ready') {
          set({ catalogue: { status: 'loading', targets: [], error: null } });
          const answer = await call(api, 'export:targets', {});
          if (!answer.ok) {
            set({ catalogue: { status: 'error', targets: [], error: answer.error } });
            return;
          }
          targets = answer.data.targets;
          set({ catalogue: { status: 'ready', targets, error: null } });
        }
        if (!get().hasChosen) {
          const preferred = defaultExportTarget(preset);
          set({ chosen: targets.some((target) => target.id === preferred) ? [preferred] : [] });
        }
      },

      setChosen(target, isChosen) {
        const others = get().chosen.filter((id) => id !== target);
        // Kept in catalogue order, so the request and the cards follow the list on screen.
        const chosen = isChosen ? [...others, target] : others;
        const order = get().catalogue.targets.map((info) => info.id);
        chosen.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        set({ chosen, hasChosen: true });
      },

      setInlineSecret(inlineSecret) {
        set({ inlineSecret });
      },

      setMergeInto(mergeInto) {
        set({ mergeInto });
      },

      async render(document) {
        const { chosen, inlineSecret, mergeInto } = get();
        if (chosen.length === 0) {
          return;
        }
        // Verifications sign in with the previous files; they mean nothing for the new ones.
        for (const target of EXPORT_TARGET_IDS) {
          const verification = get().verifications[target];
          if (verification?.status === 'waiting' && verification.started !== null) {
            void call(api, 'export:verify-cancel', {
              verificationId: verification.started.verificationId,
            });
          }
        }
        const operationId = crypto.randomUUID();
        set({
          rendering: { ...IDLE_RENDERING, status: 'loading', operationId },
          saves: {},
          copies: {},
          verifications: {},
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
        const shown = shownRendering();
        if (shown === null) {
          return;
        }
        setCopy(target, name, { status: 'copying' });
        const content = await contentToTake(shown, target, name);
        if (!isStillShown(shown)) {
          return;
        }
        if (!content.ok) {
          setCopy(target, name, { status: 'error', error: content.error });
          return;
        }
        try {
          await platform.writeClipboard(content.data);
          setCopy(target, name, { status: 'copied' });
        } catch {
          setCopy(target, name, { status: 'unavailable' });
        }
      },

      async startVerification(target, user) {
        const renderId = get().rendering.renderId;
        if (renderId === null) {
          return;
        }
        // A new rendering clears the verifications, so this attempt's id covers that case too.
        const operationId = crypto.randomUUID();
        setVerification(target, {
          status: 'starting',
          operationId,
          started: null,
          result: null,
          error: null,
        });
        const started = await call(api, 'export:verify-start', { renderId, target, user });
        if (!isCurrentVerification(target, operationId)) {
          // Cancelled or restarted meanwhile: end the sign-in main has just begun waiting for.
          if (started.ok) {
            void call(api, 'export:verify-cancel', {
              verificationId: started.data.verificationId,
            });
          }
          return;
        }
        if (!started.ok) {
          setVerification(target, {
            status: 'error',
            operationId,
            started: null,
            result: null,
            error: started.error,
          });
          return;
        }
        setVerification(target, {
          status: 'waiting',
          operationId,
          started: started.data,
          result: null,
          error: null,
        });
        const result = await call(api, 'export:verify-wait', {
          verificationId: started.data.verificationId,
        });
        if (!isCurrentVerification(target, operationId)) {
          return;
        }
        setVerification(target, {
          status: result.ok ? 'done' : 'error',
          operationId,
          started: started.data,
          result: result.ok ? result.data : null,
          error: result.ok ? null : result.error,
        });
      },

      async pasteVerification(target, url) {
        const verificationId = get().verifications[target]?.started?.verificationId;
        if (verificationId === undefined) {
          return null;
        }
        const answer = await call(api, 'export:verify-paste', { verificationId, url });
        return answer.ok ? null : answer.error;
      },

      async cancelVerification(target) {
        const started = get().verifications[target]?.started ?? null;
        setVerification(target, undefined);
        if (started !== null) {
          await call(api, 'export:verify-cancel', { verificationId: started.verificationId });
        }
      },
    };
  });
}

/** An export store; see {@link createExportStore}. */
export type ExportStore = ReturnType<typeof createExportStore>;

import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { ExportTargetId, VerificationResult } from '../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelResponse, RotationStatusView } from '../../shared/ipc/contract.ts';
import { call } from '../api/call.ts';
import { BROWSER_PLATFORM, type ExportPlatform } from './export/file-delivery-slice.ts';

/** The new secret's files, as main wrote them (the secret referenced, never in them). */
export type RotationFiles = ChannelResponse<'rotation:render'>;

/** Saving one of the new files. */
export type RotationSaveState =
  | { status: 'saving' | 'cancelled' | 'downloaded' }
  | { status: 'saved'; path: string }
  /** A different file is there: its diff is shown, and `replace` overwrites it. */
  | { status: 'exists'; path: string; diff: string; replaceId: string; replaceHash: string }
  | { status: 'error'; error: AppErrorValue };

/** The sign-in with the new files. */
export interface RotationVerification {
  status: 'starting' | 'waiting' | 'done' | 'error';
  /** Chosen by the store per attempt, so an answer to an earlier attempt is dropped. */
  operationId: string;
  started: ChannelResponse<'rotation:verify-start'> | null;
  result: VerificationResult | null;
  error: AppErrorValue | null;
}

/** What the store is doing, for the view's busy states. */
export type RotationBusy = 'reading' | 'starting' | 'rendering' | 'finishing' | 'cancelling';

/** The rotation store's state and actions. */
export interface RotationState {
  /** The app whose rotation is on screen. */
  appId: string | null;
  status: RotationStatusView | null;
  busy: RotationBusy | null;
  /** The target whose files are written for the new secret. */
  target: ExportTargetId | null;
  files: RotationFiles | null;
  saves: Record<string, RotationSaveState>;
  verification: RotationVerification | null;
  /** The last step's failure, shown where the step is. */
  error: { during: RotationBusy; value: AppErrorValue } | null;
  keychainWarning: string | null;
  /** Reads where the app's rotation stands; mid-rotation, writes the new files again. */
  open: (appId: string, target: ExportTargetId | null) => Promise<void>;
  start: () => Promise<void>;
  /** Writes the target's files for the new secret (again, for another target). */
  render: (target: ExportTargetId) => Promise<void>;
  save: (name: string) => Promise<void>;
  /** Replaces the existing file whose diff the admin saw. */
  replace: (name: string) => Promise<void>;
  /** Leaves the existing file as it is. */
  keepExisting: (name: string) => void;
  /** Signs in with exactly the new files; `login` empty: whoever signs in. */
  verify: (login: string) => Promise<void>;
  pasteVerification: (url: string) => Promise<AppErrorValue | null>;
  cancelVerification: () => Promise<void>;
  /** The admin's confirmation that the target runs on the new secret: the old one is retired. */
  finish: () => Promise<void>;
  /** Ends the rotation before the swap, keeping the old secret. */
  cancel: () => Promise<void>;
  reset: () => void;
}

const IDLE = {
  appId: null,
  status: null,
  busy: null,
  target: null,
  files: null,
  saves: {},
  verification: null,
  error: null,
  keychainWarning: null,
} as const satisfies Partial<RotationState>;

/**
 * One app's secret rotation, step by step: where it stands, the second secret made, the
 * target's files for it, the sign-in with exactly those files, then the admin's confirmation
 * (or a cancel).
 *
 * @remarks
 * Main holds the rotation (journaled, resumable) and every secret; this store holds only what
 * the window shows. Opening an app mid-rotation reads its phase and, while the new files wait
 * to be verified, writes them again (the same secret, so the same files). No call here can
 * carry a secret: the files reference it, and the keychain keeps it.
 */
export function createRotationStore(api: BridgeApi, platform: ExportPlatform = BROWSER_PLATFORM) {
  const store = createStore<RotationState>()((set, get) => {
    /** Runs one step for the app on screen; its answer is dropped if another app was opened. */
    async function step<T>(
      busy: RotationBusy,
      run: () => Promise<{ ok: true; data: T } | { ok: false; error: AppErrorValue }>,
    ): Promise<T | null> {
      const { appId } = get();
      set({ busy, error: null });
      const answer = await run();
      if (get().appId !== appId) {
        return null;
      }
      if (!answer.ok) {
        set({ busy: null, error: { during: busy, value: answer.error } });
        return null;
      }
      set({ busy: null });
      return answer.data;
    }

    /** Writes the files again when the new secret waits to be deployed and verified. */
    async function filesIfWaiting(status: RotationStatusView) {
      const { target } = get();
      if (status.phase === 'awaiting-verification' && target !== null) {
        await get().render(target);
      }
    }

    function endVerification() {
      const started = get().verification?.started ?? null;
      if (started !== null && get().verification?.status === 'waiting') {
        void call(api, 'rotation:verify-cancel', { verificationId: started.verificationId });
      }
    }

    /** Saves one file; `replace` names the existing file whose diff the admin saw. */
    async function saveFile(name: string, replace: { id: string; hash: string } | null) {
      const { files } = get();
      const output = files?.outputs[0];
      const file = output?.files.find((candidate) => candidate.name === name);
      if (files === null || output === undefined || file === undefined) {
        return;
      }
      const setSave = (save: RotationSaveState) => {
        if (get().files?.renderId === files.renderId) {
          set({ saves: { ...get().saves, [name]: save } });
        }
      };
      setSave({ status: 'saving' });
      const answer = await call(api, 'rotation:save', {
        renderId: files.renderId,
        target: output.target,
        name,
        ...(replace === null ? {} : { replace }),
      });
      if (!answer.ok) {
        setSave({ status: 'error', error: answer.error });
        return;
      }
      switch (answer.data.kind) {
        case 'saved':
          setSave({ status: 'saved', path: answer.data.path });
          return;
        case 'cancelled':
          setSave({ status: 'cancelled' });
          return;
        case 'confirm-overwrite':
          // A different file is there: replaced only after the admin saw the diff.
          setSave({
            status: 'exists',
            path: answer.data.path,
            diff: answer.data.diff,
            replaceId: answer.data.replaceId,
            replaceHash: answer.data.replaceHash,
          });
          return;
        case 'download':
          if (file.sensitive) {
            // Never the case with the secret referenced; a masked file is no file to deploy.
            setSave({
              status: 'error',
              error: {
                code: 'INVALID_REQUEST',
                message: `${name} would hold the new secret, which the console keeps in the keychain only.`,
                hint: 'Use `sso-console rotate-secret --out PATH` to write it on this computer.',
              },
            });
            return;
          }
          // Referenced secret: the content on screen is the file, with nothing to reveal.
          platform.download(name, file.content);
          setSave({ status: 'downloaded' });
      }
    }

    return {
      ...IDLE,

      async open(appId, target) {
        endVerification();
        set({ ...IDLE, appId, target });
        const status = await step('reading', () => call(api, 'rotation:status', { appId }));
        if (status !== null) {
          set({ status });
          await filesIfWaiting(status);
        }
      },

      async start() {
        const { appId } = get();
        if (appId === null) {
          return;
        }
        const status = await step('starting', () => call(api, 'rotation:start', { appId }));
        if (status !== null) {
          set({ status, keychainWarning: null });
          await filesIfWaiting(status);
        }
      },

      async render(target) {
        const { appId } = get();
        if (appId === null) {
          return;
        }
        endVerification();
        set({ target, files: null, saves: {}, verification: null });
        const files = await step('rendering', () =>
          call(api, 'rotation:render', { appId, target }),
        );
        if (files !== null && get().target === target) {
          set({ files });
        }
      },

      save: (name) => saveFile(name, null),

      async replace(name) {
        const saved = get().saves[name];
        if (saved?.status === 'exists') {
          await saveFile(name, { id: saved.replaceId, hash: saved.replaceHash });
        }
      },

      keepExisting(name) {
        set({ saves: { ...get().saves, [name]: { status: 'cancelled' } } });
      },

      async verify(login) {
        const { appId, files } = get();
        if (appId === null || files === null) {
          return;
        }
        endVerification();
        const operationId = crypto.randomUUID();
        const current = () => get().verification?.operationId === operationId;
        set({
          error: null,
          verification: {
            status: 'starting',
            operationId,
            started: null,
            result: null,
            error: null,
          },
        });
        const started = await call(api, 'rotation:verify-start', {
          appId,
          renderId: files.renderId,
          ...(login.trim() === '' ? {} : { login: login.trim() }),
        });
        if (!current()) {
          if (started.ok) {
            void call(api, 'rotation:verify-cancel', {
              verificationId: started.data.verificationId,
            });
          }
          return;
        }
        if (!started.ok) {
          set({
            verification: {
              status: 'error',
              operationId,
              started: null,
              result: null,
              error: started.error,
            },
          });
          return;
        }
        set({
          verification: {
            status: 'waiting',
            operationId,
            started: started.data,
            result: null,
            error: null,
          },
        });
        const result = await call(api, 'rotation:verify-wait', {
          verificationId: started.data.verificationId,
        });
        if (!current()) {
          return;
        }
        set({
          verification: {
            status: result.ok ? 'done' : 'error',
            operationId,
            started: started.data,
            result: result.ok ? result.data : null,
            error: result.ok ? null : result.error,
          },
        });
        if (result.ok && result.data.ok) {
          // Journaled by main: the rotation now waits for the admin's confirmation.
          const status = await call(api, 'rotation:status', { appId });
          if (status.ok && get().appId === appId) {
            set({ status: status.data });
          }
        }
      },

      async pasteVerification(url) {
        const verificationId = get().verification?.started?.verificationId;
        if (verificationId === undefined) {
          return null;
        }
        const answer = await call(api, 'rotation:verify-paste', { verificationId, url });
        return answer.ok ? null : answer.error;
      },

      async cancelVerification() {
        const started = get().verification?.started ?? null;
        set({ verification: null });
        if (started !== null) {
          await call(api, 'rotation:verify-cancel', { verificationId: started.verificationId });
        }
      },

      async finish() {
        const { appId } = get();
        if (appId === null) {
          return;
        }
        const finished = await step('finishing', () =>
          call(api, 'rotation:finish', { appId, confirmTargetRunsOnNewSecret: true }),
        );
        if (finished !== null) {
          set({
            status: finished.status,
            keychainWarning: finished.keychainWarning,
            files: null,
            saves: {},
            verification: null,
          });
        }
      },

      async cancel() {
        const { appId } = get();
        if (appId === null) {
          return;
        }
        endVerification();
        const status = await step('cancelling', () => call(api, 'rotation:cancel', { appId }));
        if (status !== null) {
          set({ status, files: null, saves: {}, verification: null });
        }
      },

      reset() {
        endVerification();
        set({ ...IDLE });
      },
    };
  });
  return store;
}

/** A rotation store; see {@link createRotationStore}. */
export type RotationStore = ReturnType<typeof createRotationStore>;

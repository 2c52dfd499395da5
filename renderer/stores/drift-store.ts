import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type {
  ChannelResponse,
  OrgDriftReportView,
  TargetDriftReportView,
} from '../../shared/ipc/contract.ts';
import { call } from '../api/call.ts';

/** What the drift store is doing against the org. */
export type DriftBusy = 'checking' | 'adopting' | 'restoring';

/** A sign-in with a target's file, begun: where to sign in and how it comes back. */
export type TargetSignInStarted = NonNullable<
  ChannelResponse<'drift:target-sign-in-start'>['signIn']
>;

/**
 * The check of a target's config file: `checking` the file alone; `starting` the check and then
 * the sign-in with it; `waiting` for the admin to sign in.
 */
export interface TargetCheck {
  status: 'idle' | 'checking' | 'starting' | 'waiting' | 'done' | 'error';
  /** The file's findings (with the sign-in's, once it ran). */
  report: TargetDriftReportView | null;
  error: AppErrorValue | null;
  /** The sign-in waiting for the admin; `null` otherwise. */
  signIn: TargetSignInStarted | null;
  /** Chosen by the store per attempt, so an answer to an earlier attempt is dropped. */
  operationId: string | null;
}

/** The drift store's state and actions. */
export interface DriftState {
  appId: string | null;
  report: OrgDriftReportView | null;
  busy: DriftBusy | null;
  /** The admin asked to restore and sees what it will change; `restore` applies it. */
  confirmingRestore: boolean;
  /** What the last Adopt took into the document, and where it wrote it. */
  adopted: Pick<ChannelResponse<'drift:adopt'>, 'adopted' | 'written'> | null;
  /** Whether the last action was a Restore that went through. */
  restored: boolean;
  error: { during: DriftBusy; value: AppErrorValue } | null;
  /** The check of a target's config file, and the sign-in with it. */
  targetCheck: TargetCheck;
  check: (appId: string) => Promise<void>;
  adopt: () => Promise<void>;
  askRestore: () => void;
  cancelRestore: () => void;
  restore: () => Promise<void>;
  /** Checks the file at `path` on this computer; `target` left out: the document's. */
  checkTarget: (path: string, target: ExportTargetId | null) => Promise<void>;
  /**
   * Checks the file, then signs in with exactly it through the export's verification; `login`
   * empty: whoever signs in. The admin signs in at the address main answers with.
   */
  signInWithTarget: (path: string, target: ExportTargetId | null, login: string) => Promise<void>;
  /** The address the browser ended on, when the console cannot listen on the file's URI. */
  pasteTargetSignIn: (url: string) => Promise<AppErrorValue | null>;
  /** Ends the sign-in without waiting for it; the file's findings so far stay. */
  cancelTargetSignIn: () => Promise<void>;
  reset: () => void;
}

const NO_TARGET_CHECK: TargetCheck = {
  status: 'idle',
  report: null,
  error: null,
  signIn: null,
  operationId: null,
};

const IDLE = {
  appId: null,
  report: null,
  busy: null,
  confirmingRestore: false,
  adopted: null,
  restored: false,
  error: null,
  targetCheck: NO_TARGET_CHECK,
} as const satisfies Partial<DriftState>;

/**
 * Drift, both ways, for one managed app: the org against its setup document field by field
 * (Adopt writes Okta's values into the document, Restore applies the document after the admin
 * saw what it changes), and a deployed config file against the org.
 *
 * @remarks
 * Restore changes the org, so it takes two steps: `askRestore` shows the fields it will put
 * back, `restore` applies. Every answer is dropped when another app was opened meanwhile.
 */
export function createDriftStore(api: BridgeApi) {
  return createStore<DriftState>()((set, get) => {
    /** Ends a sign-in still waiting (another check, another app, the view closed): frees its port. */
    function endSignIn() {
      const { signIn, status } = get().targetCheck;
      if (signIn !== null && status === 'waiting') {
        void call(api, 'drift:target-sign-in-cancel', { verificationId: signIn.verificationId });
      }
    }

    /** Starts a target check attempt; `current` says whether it is still the one on screen. */
    function beginTargetCheck(status: 'checking' | 'starting') {
      endSignIn();
      const operationId = crypto.randomUUID();
      set({ targetCheck: { status, report: null, error: null, signIn: null, operationId } });
      return { operationId, current: () => get().targetCheck.operationId === operationId };
    }

    async function orgStep<T>(
      busy: DriftBusy,
      run: (appId: string) => Promise<{ ok: true; data: T } | { ok: false; error: AppErrorValue }>,
    ): Promise<T | null> {
      const { appId } = get();
      if (appId === null) {
        return null;
      }
      set({ busy, error: null, confirmingRestore: false });
      const answer = await run(appId);
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

    return {
      ...IDLE,

      async check(appId) {
        if (get().appId !== appId) {
          endSignIn();
          set({ ...IDLE, appId });
        }
        set({ adopted: null, restored: false });
        const report = await orgStep('checking', (id) => call(api, 'drift:check', { appId: id }));
        if (report !== null) {
          set({ report });
        }
      },

      async adopt() {
        const answer = await orgStep('adopting', (id) => call(api, 'drift:adopt', { appId: id }));
        if (answer !== null) {
          set({
            report: answer.after,
            adopted: { adopted: answer.adopted, written: answer.written },
            restored: false,
          });
        }
      },

      askRestore() {
        if (get().report?.drift.drifted === true && get().busy === null) {
          set({ confirmingRestore: true, error: null });
        }
      },

      cancelRestore() {
        set({ confirmingRestore: false });
      },

      async restore() {
        if (!get().confirmingRestore) {
          return;
        }
        const report = await orgStep('restoring', (id) =>
          call(api, 'drift:restore', { appId: id }),
        );
        if (report !== null) {
          set({ report, restored: true, adopted: null });
        }
      },

      async checkTarget(path, target) {
        const { appId } = get();
        if (appId === null || path.trim() === '') {
          return;
        }
        const { operationId, current } = beginTargetCheck('checking');
        const answer = await call(api, 'drift:check-target', {
          appId,
          path: path.trim(),
          ...(target === null ? {} : { target }),
        });
        if (get().appId !== appId || !current()) {
          return;
        }
        set({
          targetCheck: {
            ...NO_TARGET_CHECK,
            operationId,
            ...(answer.ok
              ? { status: 'done', report: answer.data }
              : { status: 'error', error: answer.error }),
          },
        });
      },

      async signInWithTarget(path, target, login) {
        const { appId } = get();
        if (appId === null || path.trim() === '') {
          return;
        }
        const { operationId, current } = beginTargetCheck('starting');
        const started = await call(api, 'drift:target-sign-in-start', {
          appId,
          path: path.trim(),
          ...(target === null ? {} : { target }),
          ...(login.trim() === '' ? {} : { login: login.trim() }),
        });
        if (get().appId !== appId || !current()) {
          if (started.ok && started.data.signIn !== null) {
            void call(api, 'drift:target-sign-in-cancel', {
              verificationId: started.data.signIn.verificationId,
            });
          }
          return;
        }
        if (!started.ok) {
          set({
            targetCheck: { ...NO_TARGET_CHECK, operationId, status: 'error', error: started.error },
          });
          return;
        }
        const { report, signIn } = started.data;
        if (signIn === null) {
          // No sign-in was started: the report's sign-in finding says why, with its fix.
          set({ targetCheck: { ...NO_TARGET_CHECK, operationId, status: 'done', report } });
          return;
        }
        set({
          targetCheck: { ...NO_TARGET_CHECK, operationId, status: 'waiting', report, signIn },
        });
        const finished = await call(api, 'drift:target-sign-in-wait', {
          verificationId: signIn.verificationId,
        });
        if (get().appId !== appId || !current()) {
          return;
        }
        set({
          targetCheck: finished.ok
            ? { ...NO_TARGET_CHECK, operationId, status: 'done', report: finished.data }
            : { ...NO_TARGET_CHECK, operationId, status: 'error', error: finished.error },
        });
      },

      async pasteTargetSignIn(url) {
        const { signIn, status } = get().targetCheck;
        if (signIn === null || status !== 'waiting') {
          return null;
        }
        const answer = await call(api, 'drift:target-sign-in-paste', {
          verificationId: signIn.verificationId,
          url,
        });
        return answer.ok ? null : answer.error;
      },

      async cancelTargetSignIn() {
        const { signIn, status } = get().targetCheck;
        if (signIn === null || status !== 'waiting') {
          return;
        }
        // Cleared, as the rotation's verification is: the wait's answer (the cancel) is dropped.
        set({ targetCheck: NO_TARGET_CHECK });
        await call(api, 'drift:target-sign-in-cancel', { verificationId: signIn.verificationId });
      },

      reset() {
        endSignIn();
        set({ ...IDLE });
      },
    };
  });
}

/** A drift store; see {@link createDriftStore}. */
export type DriftStore = ReturnType<typeof createDriftStore>;

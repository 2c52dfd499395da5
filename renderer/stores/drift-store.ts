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
  /** The check of a target's config file. */
  targetCheck: {
    status: 'idle' | 'checking' | 'done' | 'error';
    report: TargetDriftReportView | null;
    error: AppErrorValue | null;
  };
  check: (appId: string) => Promise<void>;
  adopt: () => Promise<void>;
  askRestore: () => void;
  cancelRestore: () => void;
  restore: () => Promise<void>;
  /** Checks the file at `path` on this computer; `target` left out: the document's. */
  checkTarget: (path: string, target: ExportTargetId | null) => Promise<void>;
  reset: () => void;
}

const NO_TARGET_CHECK = { status: 'idle', report: null, error: null } as const;

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
        set({ targetCheck: { status: 'checking', report: null, error: null } });
        const answer = await call(api, 'drift:check-target', {
          appId,
          path: path.trim(),
          ...(target === null ? {} : { target }),
        });
        if (get().appId !== appId) {
          return;
        }
        set({
          targetCheck: answer.ok
            ? { status: 'done', report: answer.data, error: null }
            : { status: 'error', report: null, error: answer.error },
        });
      },

      reset() {
        set({ ...IDLE });
      },
    };
  });
}

/** A drift store; see {@link createDriftStore}. */
export type DriftStore = ReturnType<typeof createDriftStore>;

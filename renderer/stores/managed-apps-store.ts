import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ManagedAppView } from '../../shared/ipc/contract.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { call } from '../api/call.ts';

/** The managed apps store's state and actions. */
export interface ManagedAppsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The org the list was read from. */
  orgUrl: string | null;
  apps: ManagedAppView[];
  error: AppErrorValue | null;
  /** Reads the list again from the connected org. */
  load: () => Promise<void>;
  /**
   * The kept setup document an app came from, for the wizard to open; a failure is answered,
   * not stored, so the action that asked shows it next to itself.
   */
  openDocument: (
    setupId: string,
  ) => Promise<{ ok: true; document: SetupDocument } | { ok: false; error: AppErrorValue }>;
}

/**
 * The apps the console created or adopted in the connected org, as `sso-console list` shows
 * them: status, issuer, target, assignments, secret age, last verified export, drift, document.
 *
 * @remarks
 * A load that an earlier one overtakes (the admin switched org, or refreshed twice) is dropped:
 * only the latest answer is shown.
 */
export function createManagedAppsStore(api: BridgeApi) {
  let latest = 0;
  return createStore<ManagedAppsState>()((set, get) => ({
    status: 'idle',
    orgUrl: null,
    apps: [],
    error: null,

    async load() {
      latest += 1;
      const mine = latest;
      set({ status: 'loading', error: null });
      const result = await call(api, 'managed-apps:list', {});
      if (mine !== latest) {
        return;
      }
      set(
        result.ok
          ? { status: 'ready', orgUrl: result.data.orgUrl, apps: result.data.apps, error: null }
          : { status: 'error', error: result.error, apps: get().apps },
      );
    },

    async openDocument(setupId) {
      const result = await call(api, 'managed-apps:document', { setupId });
      return result.ok
        ? { ok: true, document: result.data.document }
        : { ok: false, error: result.error };
    },
  }));
}

/** A managed apps store; see {@link createManagedAppsStore}. */
export type ManagedAppsStore = ReturnType<typeof createManagedAppsStore>;

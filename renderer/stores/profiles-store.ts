import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ProfileSummary, VerifyStep } from '../../shared/profiles/profile.ts';
import { call, subscribe } from '../api/call.ts';

/** The state of one verification step, as the progress list shows it. */
export type StepState = 'running' | 'done' | 'failed' | 'skipped';

/** What the connect form sends. */
export interface ConnectForm {
  orgUrl: string;
  apiToken: string;
  label: string;
}

/** The profiles store's state and actions. */
export interface ProfilesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  profiles: ProfileSummary[];
  activeProfileId: string | null;
  /** Why the list could not be loaded or changed. */
  listError: AppErrorValue | null;
  /** Which action is running on which profile, to show progress and disable its buttons. */
  busyProfileId: string | null;
  connect: {
    status: 'idle' | 'running' | 'error' | 'done';
    target: 'okta' | 'sandbox' | null;
    /** Matches progress events to this attempt; see the contract's `operationId`. */
    operationId: string | null;
    error: AppErrorValue | null;
    steps: Partial<Record<VerifyStep, StepState>>;
    connected: ProfileSummary | null;
  };
  load: () => Promise<void>;
  /** Connects an Okta org; resolves the failure, or `null` on success. */
  connectOkta: (form: ConnectForm) => Promise<AppErrorValue | null>;
  /** Connects the local sandbox org; resolves the failure, or `null` on success. */
  connectSandbox: () => Promise<AppErrorValue | null>;
  switchTo: (profileId: string) => Promise<void>;
  verify: (profileId: string) => Promise<void>;
  remove: (profileId: string) => Promise<void>;
  resetConnect: () => void;
}

const IDLE_CONNECT: ProfilesState['connect'] = {
  status: 'idle',
  target: null,
  operationId: null,
  error: null,
  steps: {},
  connected: null,
};

/**
 * The store for connected orgs: list, connect, switch, verify, remove.
 *
 * @remarks
 * A factory taking the bridge, so tests create a store with a fake one. Verification progress
 * arrives as events and is folded into `connect.steps`.
 */
export function createProfilesStore(api: BridgeApi) {
  const store = createStore<ProfilesState>()((set, get) => {
    async function connectWith(
      target: 'okta' | 'sandbox',
      run: (operationId: string) => ReturnType<typeof call<'profiles:add'>>,
    ): Promise<AppErrorValue | null> {
      const operationId = crypto.randomUUID();
      set({ connect: { ...IDLE_CONNECT, status: 'running', target, operationId } });
      const result = await run(operationId);
      if (get().connect.operationId !== operationId) {
        // A newer attempt (or a reset) replaced this one; its answer no longer applies.
        return result.ok ? null : result.error;
      }
      if (!result.ok) {
        set({ connect: { ...get().connect, status: 'error', error: result.error } });
        return result.error;
      }
      set({ connect: { ...get().connect, status: 'done', connected: result.data.profile } });
      await get().load();
      return null;
    }

    /** Clears the busy marker only if it still belongs to this profile's action. */
    function clearBusy(profileId: string): void {
      if (get().busyProfileId === profileId) {
        set({ busyProfileId: null });
      }
    }

    async function changeList(
      profileId: string,
      run: () => ReturnType<typeof call<'profiles:list'>>,
    ): Promise<void> {
      set({ busyProfileId: profileId, listError: null });
      const result = await run();
      set(result.ok ? { ...result.data, listError: null } : { listError: result.error });
      clearBusy(profileId);
    }

    return {
      status: 'idle',
      profiles: [],
      activeProfileId: null,
      listError: null,
      busyProfileId: null,
      connect: IDLE_CONNECT,

      async load() {
        if (get().status === 'idle') {
          set({ status: 'loading' });
        }
        const result = await call(api, 'profiles:list', {});
        if (result.ok) {
          set({ status: 'ready', ...result.data, listError: null });
        } else {
          set({ status: 'error', listError: result.error });
        }
      },

      connectOkta(form) {
        const label = form.label.trim();
        return connectWith('okta', (operationId) =>
          call(api, 'profiles:add', {
            orgUrl: form.orgUrl,
            apiToken: form.apiToken,
            operationId,
            ...(label === '' ? {} : { label }),
          }),
        );
      },

      connectSandbox() {
        return connectWith('sandbox', (operationId) =>
          call(api, 'profiles:add-sandbox', { operationId }),
        );
      },

      switchTo: (profileId) =>
        changeList(profileId, () => call(api, 'profiles:switch', { profileId })),
      remove: (profileId) =>
        changeList(profileId, () => call(api, 'profiles:remove', { profileId })),

      async verify(profileId) {
        set({ busyProfileId: profileId, listError: null });
        const result = await call(api, 'profiles:verify', { profileId });
        await get().load();
        // After the reload, which clears the list error: a failed check must stay visible.
        if (!result.ok) {
          set({ listError: result.error });
        }
        clearBusy(profileId);
      },

      resetConnect() {
        set({ connect: IDLE_CONNECT });
      },
    };
  });

  subscribe(api, 'profiles:verify-progress', (progress) => {
    const { connect } = store.getState();
    if (progress.operationId !== null && progress.operationId === connect.operationId) {
      store.setState({
        connect: { ...connect, steps: { ...connect.steps, [progress.step]: progress.state } },
      });
    }
  });
  return store;
}

/** A profiles store; see {@link createProfilesStore}. */
export type ProfilesStore = ReturnType<typeof createProfilesStore>;

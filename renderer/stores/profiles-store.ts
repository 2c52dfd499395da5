import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelResponse } from '../../shared/ipc/contract.ts';
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

/** What the service-app form sends once the admin registered the key. */
export interface ServiceAppForm {
  orgUrl: string;
  clientId: string;
  label: string;
}

/**
 * A key pair main made for a service app: its public JWK and the planned scopes and roles. The
 * private key stayed in main (in the keychain); nothing here is secret.
 */
export type ServiceAppKey = ChannelResponse<'profiles:new-service-app-key'>;

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
    target: 'okta' | 'sandbox' | 'service-app' | null;
    /** Matches progress events to this attempt; see the contract's `operationId`. */
    operationId: string | null;
    error: AppErrorValue | null;
    steps: Partial<Record<VerifyStep, StepState>>;
    connected: ProfileSummary | null;
  };
  load: () => Promise<void>;
  /**
   * The first load, once: the window asks for it before React draws the first page (`main.tsx`),
   * so main answers while the page is drawn, and the app asks again when it mounts (a test may
   * render it alone). Any call after the first does nothing; {@link load} reads the list again.
   */
  start: () => Promise<void>;
  /** Connects an Okta org; resolves the failure, or `null` on success. */
  connectOkta: (form: ConnectForm) => Promise<AppErrorValue | null>;
  /** Connects the local sandbox org; resolves the failure, or `null` on success. */
  connectSandbox: () => Promise<AppErrorValue | null>;
  /** The key pair made for the service app being connected, or `null` before one is made. */
  serviceAppKey: ServiceAppKey | null;
  serviceAppKeyError: AppErrorValue | null;
  /** Asks main for a new key pair for `orgUrl`; only the public half comes back. */
  newServiceAppKey: (orgUrl: string) => Promise<AppErrorValue | null>;
  /** Connects with the service app that holds {@link serviceAppKey}; the failure, or `null`. */
  connectServiceApp: (form: ServiceAppForm) => Promise<AppErrorValue | null>;
  /** Deletes the API token of a profile that now connects with a service app. */
  forgetToken: (profileId: string) => Promise<void>;
  /** With a token profile: main makes the console's service app and switches the profile to it. */
  createServiceApp: (profileId: string) => Promise<void>;
  switchTo: (profileId: string) => Promise<void>;
  verify: (profileId: string) => Promise<void>;
  remove: (profileId: string) => Promise<void>;
  resetConnect: () => void;
  /** Stops waiting for the running connect: main saves nothing, and it fails as `CANCELLED`. */
  cancelConnect: () => Promise<void>;
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
      target: 'okta' | 'sandbox' | 'service-app',
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
      serviceAppKey: null,
      serviceAppKeyError: null,

      start() {
        return get().status === 'idle' ? get().load() : Promise.resolve();
      },

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

      async newServiceAppKey(orgUrl) {
        set({ serviceAppKeyError: null });
        const result = await call(api, 'profiles:new-service-app-key', { orgUrl });
        if (!result.ok) {
          set({ serviceAppKeyError: result.error });
          return result.error;
        }
        set({ serviceAppKey: result.data });
        return null;
      },

      async connectServiceApp(form) {
        const key = get().serviceAppKey;
        if (key === null) {
          const error: AppErrorValue = {
            code: 'INVALID_REQUEST',
            message: 'No key pair was made for this service app yet.',
            hint: 'Choose “Make a key pair” first, register its public key, then connect.',
          };
          set({ connect: { ...IDLE_CONNECT, status: 'error', target: 'service-app', error } });
          return error;
        }
        const label = form.label.trim();
        const failure = await connectWith('service-app', (operationId) =>
          call(api, 'profiles:add-service-app', {
            orgUrl: form.orgUrl,
            clientId: form.clientId,
            keyId: key.keyId,
            operationId,
            ...(label === '' ? {} : { label }),
          }),
        );
        if (failure === null) {
          set({ serviceAppKey: null });
        }
        return failure;
      },

      async createServiceApp(profileId) {
        set({ busyProfileId: profileId, listError: null });
        const result = await call(api, 'profiles:create-service-app', { profileId });
        await get().load();
        if (!result.ok) {
          set({ listError: result.error });
        }
        clearBusy(profileId);
      },

      forgetToken: (profileId) =>
        changeList(profileId, () => call(api, 'profiles:forget-token', { profileId })),

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

      async cancelConnect() {
        const { status, operationId } = get().connect;
        if (status === 'running' && operationId !== null) {
          // The connect's own answer (CANCELLED) then ends the attempt, with its message.
          await call(api, 'profiles:cancel-connect', { operationId });
        }
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

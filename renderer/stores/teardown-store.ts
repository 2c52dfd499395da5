import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelResponse, TeardownPlanView } from '../../shared/ipc/contract.ts';
import { call, subscribe } from '../api/call.ts';

/** One removal as the progress list shows it. */
export interface RemovalProgress {
  key: string;
  title: string;
  state: 'pending' | 'removing' | 'retrying' | 'removed';
}

/** The teardown store's state and actions. */
export interface TeardownState {
  /** The setup whose teardown is on screen. */
  setupId: string | null;
  status: 'idle' | 'planning' | 'planned' | 'applying' | 'done' | 'error';
  plan: TeardownPlanView | null;
  /** Set while and after applying: each reviewed removal, in order. */
  progress: RemovalProgress[];
  result: ChannelResponse<'teardown:apply'> | null;
  /** What went wrong, with the stage it went wrong in. */
  error: { during: 'plan' | 'apply'; value: AppErrorValue } | null;
  /** Reads the org and plans the teardown of a setup; removes nothing. */
  makePlan: (setupId: string) => Promise<void>;
  /** Removes exactly the plan on screen, with progress. */
  apply: () => Promise<void>;
  reset: () => void;
}

const IDLE = {
  setupId: null,
  status: 'idle',
  plan: null,
  progress: [],
  result: null,
  error: null,
} as const satisfies Partial<TeardownState>;

/**
 * The teardown of one setup: its plan first, then, on the admin's confirmation, the removal of
 * exactly what was reviewed, with per-object progress.
 *
 * @remarks
 * Progress arrives as events matched by the `operationId` this store chose, as for the apply.
 * A failure leaves the journal to resume from: planning again shows what is left, and confirming
 * that removes the rest.
 */
export function createTeardownStore(api: BridgeApi) {
  const store = createStore<TeardownState>()((set, get) => ({
    ...IDLE,
    progress: [],

    async makePlan(setupId) {
      set({ ...IDLE, progress: [], setupId, status: 'planning' });
      const result = await call(api, 'teardown:plan', { setupId });
      if (get().setupId !== setupId || get().status !== 'planning') {
        return;
      }
      set(
        result.ok
          ? { status: 'planned', plan: result.data }
          : { status: 'error', error: { during: 'plan', value: result.error } },
      );
    },

    async apply() {
      const { plan, setupId } = get();
      if (plan === null || get().status !== 'planned') {
        return;
      }
      const operationId = crypto.randomUUID();
      set({
        status: 'applying',
        error: null,
        progress: plan.removals.map(({ key, title }) => ({ key, title, state: 'pending' })),
      });
      const stop = subscribe(api, 'teardown:progress', (event) => {
        if (event.operationId !== operationId) {
          return;
        }
        set({
          progress: get().progress.map((step) =>
            step.key === event.key ? { ...step, state: event.state } : step,
          ),
        });
      });
      try {
        const result = await call(api, 'teardown:apply', { planId: plan.planId, operationId });
        if (get().setupId !== setupId) {
          return;
        }
        set(
          result.ok
            ? {
                status: 'done',
                result: result.data,
                progress: get().progress.map((step) =>
                  result.data.removed.some((removed) => removed.key === step.key)
                    ? { ...step, state: 'removed' }
                    : step,
                ),
              }
            : { status: 'error', error: { during: 'apply', value: result.error } },
        );
      } finally {
        stop();
      }
    },

    reset() {
      set({ ...IDLE, progress: [] });
    },
  }));
  return store;
}

/** A teardown store; see {@link createTeardownStore}. */
export type TeardownStore = ReturnType<typeof createTeardownStore>;

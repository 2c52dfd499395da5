import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ChannelRequest, ChannelResponse } from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { call, subscribe } from '../api/call.ts';

/** The plan as main returns it. */
export type SetupPlan = ChannelResponse<'setup:plan'>['plan'];
/** What an apply made: ids, issuer, links, and where the secrets went. */
export type SetupResult = ChannelResponse<'setup:apply'>;

/** One apply step as the progress list shows it. */
export interface ApplyStepProgress {
  key: string;
  title: string;
  state: 'pending' | 'running' | 'retrying' | 'done';
}

/** The plan-and-apply store's state and actions. */
export interface SetupRunState {
  plan: {
    status: 'idle' | 'planning' | 'done' | 'error';
    value: SetupPlan | null;
    /** The document the plan was made for, as JSON: a changed document needs a new plan. */
    plannedFor: string | null;
    error: AppErrorValue | null;
  };
  apply: {
    status: 'idle' | 'applying' | 'done' | 'error';
    operationId: string | null;
    progress: ApplyStepProgress[];
    result: SetupResult | null;
    error: AppErrorValue | null;
  };
  makePlan: (document: SetupDocument) => Promise<void>;
  applyPlan: (document: SetupDocument) => Promise<void>;
  /**
   * Fetches a kept secret from the keychain, for the admin who asked to see it.
   *
   * @remarks
   * The value is returned, not stored: the component that shows it holds it only while it is on
   * screen.
   */
  reveal: (
    request: ChannelRequest<'setup:reveal-secret'>,
  ) => Promise<Result<ChannelResponse<'setup:reveal-secret'>>>;
  /** Forgets the last apply's result, e.g. when a new setup is started. */
  reset: () => void;
}

const IDLE_PLAN: SetupRunState['plan'] = {
  status: 'idle',
  value: null,
  plannedFor: null,
  error: null,
};
const IDLE_APPLY: SetupRunState['apply'] = {
  status: 'idle',
  operationId: null,
  progress: [],
  result: null,
  error: null,
};

/**
 * Planning the setup document against the org, and applying the plan with per-step progress.
 *
 * @remarks
 * Apply sends the document, not the plan: main plans again right before it writes, so a plan
 * that went stale while the admin read it cannot make a wrong change. Progress arrives as events
 * matched by `operationId`, exactly as for the connect flow.
 */
export function createSetupRunStore(api: BridgeApi) {
  const store = createStore<SetupRunState>()((set, get) => ({
    plan: IDLE_PLAN,
    apply: IDLE_APPLY,

    async makePlan(document) {
      const plannedFor = JSON.stringify(document);
      set({ plan: { ...IDLE_PLAN, status: 'planning', plannedFor } });
      const result = await call(api, 'setup:plan', { document });
      if (get().plan.plannedFor !== plannedFor) {
        return;
      }
      set({
        plan: result.ok
          ? { status: 'done', value: result.data.plan, plannedFor, error: null }
          : { status: 'error', value: null, plannedFor, error: result.error },
      });
    },

    async applyPlan(document) {
      const operationId = crypto.randomUUID();
      const planned = get().plan.value;
      const progress: ApplyStepProgress[] = (planned?.steps ?? [])
        .filter((step) => step.action !== 'unchanged')
        .map((step) => ({ key: step.key, title: step.title, state: 'pending' }));
      set({ apply: { ...IDLE_APPLY, status: 'applying', operationId, progress } });
      const result = await call(api, 'setup:apply', { document, operationId });
      if (get().apply.operationId !== operationId) {
        return;
      }
      set({
        apply: result.ok
          ? {
              ...get().apply,
              status: 'done',
              result: result.data,
              progress: get().apply.progress.map((step) => ({ ...step, state: 'done' })),
            }
          : { ...get().apply, status: 'error', error: result.error },
      });
      if (result.ok) {
        // Plan again: "no changes" is the proof that the org now matches the document.
        await get().makePlan(document);
      }
    },

    reveal: (request) => call(api, 'setup:reveal-secret', request),

    reset() {
      set({ plan: IDLE_PLAN, apply: IDLE_APPLY });
    },
  }));

  subscribe(api, 'setup:apply-progress', (event) => {
    const { apply } = store.getState();
    if (event.operationId !== apply.operationId) {
      return;
    }
    const known = apply.progress.some((step) => step.key === event.stepKey);
    const progress = known
      ? apply.progress.map((step) =>
          step.key === event.stepKey ? { ...step, state: event.state } : step,
        )
      : [...apply.progress, { key: event.stepKey, title: event.title, state: event.state }];
    store.setState({ apply: { ...apply, progress } });
  });
  return store;
}

/** A plan-and-apply store; see {@link createSetupRunStore}. */
export type SetupRunStore = ReturnType<typeof createSetupRunStore>;

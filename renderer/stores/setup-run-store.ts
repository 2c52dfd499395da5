import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type {
  ChannelRequest,
  ChannelResponse,
  PlanChange,
  SetupApplied,
} from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { call, subscribe } from '../api/call.ts';

/** The plan as main returns it. */
export type SetupPlan = ChannelResponse<'setup:plan'>['plan'];
/** What an apply made: ids, issuer, links, and where the secrets went. */
export type SetupResult = SetupApplied;

/** One apply step as the progress list shows it; `stopped`: not done, the apply was cancelled. */
export interface ApplyStepProgress {
  key: string;
  title: string;
  state: 'pending' | 'running' | 'retrying' | 'done' | 'stopped';
}

/** The plan-and-apply store's state and actions. */
export interface SetupRunState {
  plan: {
    /**
     * `cancelling`: the admin chose Cancel and the plan's reads are being dropped; `cancelled`:
     * it stopped, with no plan made (`error` says so, code `CANCELLED`).
     */
    status: 'idle' | 'planning' | 'cancelling' | 'done' | 'error' | 'cancelled';
    /** Names the plan being made to main, so Cancel stops this one and its answer is known. */
    operationId: string | null;
    value: SetupPlan | null;
    /** Main holds the plan under this id; Apply names it, so exactly this plan is applied. */
    planId: string | null;
    /** The document the plan was made for, as JSON: a changed document needs a new plan. */
    plannedFor: string | null;
    error: AppErrorValue | null;
  };
  apply: {
    /**
     * `stale`: the org changed since the reviewed plan; nothing was written. `cancelling`: the
     * admin chose Cancel and the apply is stopping before its next request; `cancelled`: it
     * stopped, `error` says what it made.
     */
    status: 'idle' | 'applying' | 'cancelling' | 'done' | 'error' | 'stale' | 'cancelled';
    operationId: string | null;
    progress: ApplyStepProgress[];
    result: SetupResult | null;
    error: AppErrorValue | null;
    /** What changed in the org since the plan the admin reviewed, when `stale`. */
    changes: PlanChange[];
  };
  makePlan: (document: SetupDocument) => Promise<void>;
  /**
   * Cancels the plan being made: main drops its reads still waiting (on Okta's rate limit, say),
   * and the plan's own answer (`CANCELLED`) then ends it.
   */
  cancelPlan: () => Promise<void>;
  /** Applies the plan on screen (by its id); `document` is planned again once it is applied. */
  applyPlan: (document: SetupDocument) => Promise<void>;
  /**
   * Cancels the running apply: main stops it before its next request to Okta, and the apply's
   * own answer (`CANCELLED`, with what it made) then ends it.
   */
  cancelApply: () => Promise<void>;
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
  operationId: null,
  value: null,
  planId: null,
  plannedFor: null,
  error: null,
};
const IDLE_APPLY: SetupRunState['apply'] = {
  status: 'idle',
  operationId: null,
  progress: [],
  result: null,
  error: null,
  changes: [],
};

/**
 * Planning the setup document against the org, and applying the plan with per-step progress.
 *
 * @remarks
 * Apply names the plan on screen by the id main holds it under, so what is applied is exactly
 * what the admin read. If the org changed meanwhile, main writes nothing and answers with the
 * changes and a fresh plan, which replaces the one on screen for the admin to review. Progress
 * arrives as events matched by `operationId`, exactly as for the connect flow. A plan and an
 * apply each have their own operation id, which main's one cancel channel (`setup:cancel`)
 * takes: either can be cancelled while Okta's rate limit holds it.
 */
export function createSetupRunStore(api: BridgeApi) {
  const store = createStore<SetupRunState>()((set, get) => ({
    plan: IDLE_PLAN,
    apply: IDLE_APPLY,

    async makePlan(document) {
      const plannedFor = JSON.stringify(document);
      const operationId = crypto.randomUUID();
      // A refusal was about the plan on screen; a new plan makes it moot.
      const apply = get().apply.status === 'stale' ? IDLE_APPLY : get().apply;
      set({ plan: { ...IDLE_PLAN, status: 'planning', operationId, plannedFor }, apply });
      const result = await call(api, 'setup:plan', { document, operationId });
      // A newer plan replaced this one: its answer is the one that counts.
      if (get().plan.operationId !== operationId) {
        return;
      }
      set({
        plan: result.ok
          ? {
              status: 'done',
              operationId,
              value: result.data.plan,
              planId: result.data.planId,
              plannedFor,
              error: null,
            }
          : {
              status: result.error.code === 'CANCELLED' ? 'cancelled' : 'error',
              operationId,
              value: null,
              planId: null,
              plannedFor,
              error: result.error,
            },
      });
    },

    async cancelPlan() {
      const { status, operationId } = get().plan;
      if (status !== 'planning' || operationId === null) {
        return;
      }
      set({ plan: { ...get().plan, status: 'cancelling' } });
      // Main's answer to the cancel says only whether the plan was still running; the plan's
      // own answer (CANCELLED, or the plan when it finished first) is what the step shows.
      await call(api, 'setup:cancel', { operationId });
    },

    async applyPlan(document) {
      const operationId = crypto.randomUUID();
      const { value: planned, planId } = get().plan;
      if (planId === null) {
        return;
      }
      const progress: ApplyStepProgress[] = (planned?.steps ?? [])
        .filter((step) => step.action !== 'unchanged')
        .map((step) => ({ key: step.key, title: step.title, state: 'pending' }));
      set({ apply: { ...IDLE_APPLY, status: 'applying', operationId, progress } });
      const result = await call(api, 'setup:apply', { planId, operationId });
      if (get().apply.operationId !== operationId) {
        return;
      }
      if (!result.ok) {
        const isCancelled = result.error.code === 'CANCELLED';
        set({
          apply: {
            ...get().apply,
            status: isCancelled ? 'cancelled' : 'error',
            error: result.error,
            // What a cancel stopped is not done; what was done says so already.
            progress: isCancelled
              ? get().apply.progress.map((step) =>
                  step.state === 'done' ? step : { ...step, state: 'stopped' },
                )
              : get().apply.progress,
          },
        });
        // Plan again: what the failed apply did is now in the org (and a plan main no longer
        // holds is made anew), so applying again applies what is left, reviewed.
        await get().makePlan(document);
        return;
      }
      const answer = result.data;
      if (answer.outcome === 'stale') {
        // Nothing was written: the fresh plan replaces the one on screen, for review.
        set({
          apply: { ...IDLE_APPLY, status: 'stale', operationId, changes: answer.changes },
          plan: {
            ...get().plan,
            status: 'done',
            value: answer.fresh.plan,
            planId: answer.fresh.planId,
            error: null,
          },
        });
        return;
      }
      set({
        apply: {
          ...get().apply,
          status: 'done',
          result: answer.applied,
          progress: get().apply.progress.map((step) => ({ ...step, state: 'done' })),
        },
      });
      // Plan again: "no changes" is the proof that the org now matches the document.
      await get().makePlan(document);
    },

    async cancelApply() {
      const { status, operationId } = get().apply;
      if (status !== 'applying' || operationId === null) {
        return;
      }
      set({ apply: { ...get().apply, status: 'cancelling' } });
      await call(api, 'setup:cancel', { operationId });
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
    if (apply.status === 'cancelled' && event.state !== 'done') {
      // Late news of a step the cancel stopped (events and answers travel apart).
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

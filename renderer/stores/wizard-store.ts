import { createStore } from 'zustand/vanilla';

/** The wizard's steps, in order. */
export const WIZARD_STEPS = [
  { id: 'connect', title: 'Connect an org' },
  { id: 'target', title: 'Target app' },
  { id: 'app', title: 'App integration' },
  { id: 'people', title: 'Users and groups' },
  { id: 'issuer', title: 'Issuer' },
  { id: 'review', title: 'Review and apply' },
  { id: 'preview', title: 'Preview the login' },
  { id: 'export', title: 'Export config files' },
] as const;

/** One of the wizard's step ids. */
export type WizardStepId = (typeof WIZARD_STEPS)[number]['id'];

/**
 * Where the wizard's place is kept: the window's session storage, so a reload (or a renderer
 * that crashed and came back) returns to the step the admin was on, while a new launch starts
 * at the beginning with the kept document.
 */
export const WIZARD_STORAGE_KEY = 'sso-console.wizard';

/** The wizard store's state and actions. */
export interface WizardState {
  step: WizardStepId;
  /** Steps the admin has reached; the step list lets them jump back to any of these. */
  reached: WizardStepId[];
  /** Why the kept place could not be restored (the wizard then starts at the beginning). */
  restoreProblem: string | null;
  goTo: (step: WizardStepId) => void;
  /**
   * Goes to `step` past the steps before it, each marked reached: a preset's quick path skips
   * the steps its preset filled, and the step list still opens every one of them.
   */
  skipTo: (step: WizardStepId) => void;
  next: () => void;
  back: () => void;
  /** Back to the target step for a new setup: every later step is to be reached again. */
  startOver: () => void;
  /** The admin has read {@link WizardState.restoreProblem}. */
  dismissRestoreProblem: () => void;
}

const STEP_IDS: readonly string[] = WIZARD_STEPS.map((candidate) => candidate.id);

function isStepId(value: unknown): value is WizardStepId {
  return typeof value === 'string' && STEP_IDS.includes(value);
}

/** The kept place, or why it cannot be read; nothing kept is no problem. */
function restore(
  storage: Pick<Storage, 'getItem'> | undefined,
): { step: WizardStepId; reached: WizardStepId[] } | { problem: string } | null {
  const kept = storage?.getItem(WIZARD_STORAGE_KEY) ?? null;
  if (kept === null) {
    return null;
  }
  try {
    const value = JSON.parse(kept) as { step?: unknown; reached?: unknown };
    const reached = Array.isArray(value.reached) ? value.reached.filter(isStepId) : [];
    if (!isStepId(value.step) || !reached.includes(value.step)) {
      return { problem: 'it names no step of this wizard' };
    }
    return { step: value.step, reached };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Where the admin is in the wizard.
 *
 * @remarks
 * Kept apart from the document: moving between steps never changes what will be applied. With
 * a storage, the place is kept in it on every move and restored on creation, so a reload in the
 * middle of a setup comes back to the same step (the document store keeps what was typed). A
 * kept place that cannot be read is not dropped silently: the wizard starts at `initial` and
 * says why. Forward moves are gated by the step's own checks in the components; this store only
 * records where the admin is.
 */
export function createWizardStore(
  initial: WizardStepId = 'connect',
  deps: { storage?: Pick<Storage, 'getItem' | 'setItem'> } = {},
) {
  const restored = restore(deps.storage);
  const store = createStore<WizardState>()((set, get) => {
    function goTo(step: WizardStepId) {
      const reached = get().reached.includes(step) ? get().reached : [...get().reached, step];
      set({ step, reached });
    }
    function offset(by: number) {
      const index = WIZARD_STEPS.findIndex((candidate) => candidate.id === get().step);
      const target = WIZARD_STEPS[index + by];
      if (target !== undefined) {
        goTo(target.id);
      }
    }
    const start =
      restored === null || 'problem' in restored
        ? { step: initial, reached: [initial] }
        : { step: restored.step, reached: restored.reached };
    return {
      ...start,
      restoreProblem:
        restored !== null && 'problem' in restored
          ? `The wizard could not be restored to the step you were on (${restored.problem}), so it starts at the beginning. What you typed is kept.`
          : null,
      goTo,
      skipTo: (step) => {
        const index = WIZARD_STEPS.findIndex((candidate) => candidate.id === step);
        const before = get().reached;
        const passed = WIZARD_STEPS.slice(0, index + 1)
          .map((candidate) => candidate.id)
          .filter((id) => !before.includes(id));
        set({ step, reached: [...before, ...passed] });
      },
      next: () => {
        offset(1);
      },
      back: () => {
        offset(-1);
      },
      startOver: () => {
        set({ step: 'target', reached: ['connect', 'target'] });
      },
      dismissRestoreProblem: () => {
        set({ restoreProblem: null });
      },
    };
  });
  const { storage } = deps;
  if (storage !== undefined) {
    store.subscribe((state, previous) => {
      if (state.step !== previous.step || state.reached !== previous.reached) {
        storage.setItem(
          WIZARD_STORAGE_KEY,
          JSON.stringify({ step: state.step, reached: state.reached }),
        );
      }
    });
  }
  return store;
}

/** A wizard store; see {@link createWizardStore}. */
export type WizardStore = ReturnType<typeof createWizardStore>;

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

/** The wizard store's state and actions. */
export interface WizardState {
  step: WizardStepId;
  /** Steps the admin has reached; the step list lets them jump back to any of these. */
  reached: WizardStepId[];
  goTo: (step: WizardStepId) => void;
  next: () => void;
  back: () => void;
}

/**
 * Where the admin is in the wizard.
 *
 * @remarks
 * Kept apart from the document: moving between steps never changes what will be applied, and
 * the document store stays the one thing that is persisted. Forward moves are gated by the
 * step's own checks in the components; this store only records where the admin is.
 */
export function createWizardStore(initial: WizardStepId = 'connect') {
  return createStore<WizardState>()((set, get) => {
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
    return {
      step: initial,
      reached: [initial],
      goTo,
      next: () => {
        offset(1);
      },
      back: () => {
        offset(-1);
      },
    };
  });
}

/** A wizard store; see {@link createWizardStore}. */
export type WizardStore = ReturnType<typeof createWizardStore>;

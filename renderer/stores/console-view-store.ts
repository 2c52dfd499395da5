import { createStore } from 'zustand/vanilla';

/**
 * Where the admin is in the console: the setup wizard, or the day-two views of the connected
 * org's managed apps (the list, an app's teardown, sign-in activity, secret rotation, drift).
 */
export type ConsoleView =
  | { kind: 'setup' }
  | { kind: 'managed-apps' }
  | { kind: 'teardown'; appId: string }
  | { kind: 'activity'; appId: string }
  | { kind: 'rotation'; appId: string }
  | { kind: 'drift'; appId: string };

/** The console view store's state and actions. */
export interface ConsoleViewState {
  view: ConsoleView;
  show: (view: ConsoleView) => void;
}

/**
 * Which of the console's two areas is on screen: "Set up" (the wizard) or "Managed apps".
 *
 * @remarks
 * Apart from the wizard's own step store, so leaving the wizard for the managed apps and coming
 * back finds it on the step the admin left.
 */
export function createConsoleViewStore(initial: ConsoleView = { kind: 'setup' }) {
  return createStore<ConsoleViewState>()((set) => ({
    view: initial,
    show: (view) => {
      set({ view });
    },
  }));
}

/** A console view store; see {@link createConsoleViewStore}. */
export type ConsoleViewStore = ReturnType<typeof createConsoleViewStore>;

import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';

import type { ActivityState, ActivityStore } from './activity-store.ts';
import type { ConsoleViewState, ConsoleViewStore } from './console-view-store.ts';
import type { DirectoryState, DirectoryStore } from './directory-store.ts';
import type { DriftState, DriftStore } from './drift-store.ts';
import type { ExportState, ExportStore } from './export-store.ts';
import type { ManagedAppsState, ManagedAppsStore } from './managed-apps-store.ts';
import type { PreviewState, PreviewStore } from './preview-store.ts';
import type { ProfilesState, ProfilesStore } from './profiles-store.ts';
import type { RotationState, RotationStore } from './rotation-store.ts';
import type { SetupDocumentState, SetupDocumentStore } from './setup-document-store.ts';
import type { SetupRunState, SetupRunStore } from './setup-run-store.ts';
import type { TeardownState, TeardownStore } from './teardown-store.ts';
import type { WizardState, WizardStore } from './wizard-store.ts';

/** The renderer's stores, one per concern; each is built by its own factory. */
export interface Stores {
  profiles: ProfilesStore;
  setupDocument?: SetupDocumentStore;
  wizard?: WizardStore;
  directory?: DirectoryStore;
  setupRun?: SetupRunStore;
  preview?: PreviewStore;
  export?: ExportStore;
  consoleView?: ConsoleViewStore;
  managedApps?: ManagedAppsStore;
  teardown?: TeardownStore;
  activity?: ActivityStore;
  rotation?: RotationStore;
  drift?: DriftStore;
}

const StoresContext = createContext<Stores | null>(null);

/** Makes the stores available to the components below. */
export function StoreProvider(props: Stores & { children: ReactNode }) {
  const { children, ...stores } = props;
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

function useStores<K extends keyof Stores>(key: K): NonNullable<Stores[K]> {
  const stores = useContext(StoresContext);
  const store = stores?.[key];
  if (store === undefined) {
    throw new Error(`This component needs the ${key} store from a <StoreProvider> above it.`);
  }
  return store;
}

/** Reads a slice of the profiles store and re-renders when it changes. */
export function useProfiles<T>(selector: (state: ProfilesState) => T): T {
  return useStore(useStores('profiles'), selector);
}

/** Reads a slice of the setup document store. */
export function useSetupDocument<T>(selector: (state: SetupDocumentState) => T): T {
  return useStore(useStores('setupDocument'), selector);
}

/** Reads a slice of the wizard store. */
export function useWizard<T>(selector: (state: WizardState) => T): T {
  return useStore(useStores('wizard'), selector);
}

/** Reads a slice of the directory store. */
export function useDirectory<T>(selector: (state: DirectoryState) => T): T {
  return useStore(useStores('directory'), selector);
}

/** Reads a slice of the plan-and-apply store. */
export function useSetupRun<T>(selector: (state: SetupRunState) => T): T {
  return useStore(useStores('setupRun'), selector);
}

/** Reads a slice of the login preview store. */
export function usePreview<T>(selector: (state: PreviewState) => T): T {
  return useStore(useStores('preview'), selector);
}

/** Reads a slice of the config-file export store. */
export function useExport<T>(selector: (state: ExportState) => T): T {
  return useStore(useStores('export'), selector);
}

/** Reads a slice of the console view store ("Set up" or "Managed apps"). */
export function useConsoleView<T>(selector: (state: ConsoleViewState) => T): T {
  return useStore(useStores('consoleView'), selector);
}

/** Reads a slice of the managed apps store. */
export function useManagedApps<T>(selector: (state: ManagedAppsState) => T): T {
  return useStore(useStores('managedApps'), selector);
}

/** Reads a slice of the teardown store. */
export function useTeardown<T>(selector: (state: TeardownState) => T): T {
  return useStore(useStores('teardown'), selector);
}

/** Reads a slice of the sign-in activity store. */
export function useActivity<T>(selector: (state: ActivityState) => T): T {
  return useStore(useStores('activity'), selector);
}

/** Reads a slice of the secret rotation store. */
export function useRotation<T>(selector: (state: RotationState) => T): T {
  return useStore(useStores('rotation'), selector);
}

/** Reads a slice of the drift store. */
export function useDrift<T>(selector: (state: DriftState) => T): T {
  return useStore(useStores('drift'), selector);
}

/**
 * The stores themselves, for an action that drives several at once (opening a managed app's
 * document in the wizard replaces the document, forgets the last run and moves the wizard).
 */
export function useStoreHandles(): Stores {
  const stores = useContext(StoresContext);
  if (stores === null) {
    throw new Error('This component needs a <StoreProvider> above it.');
  }
  return stores;
}

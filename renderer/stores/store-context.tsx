import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';

import type { ProfilesState, ProfilesStore } from './profiles-store.ts';

const ProfilesContext = createContext<ProfilesStore | null>(null);

/** Makes the profiles store available to the components below. */
export function StoreProvider(props: { profiles: ProfilesStore; children: ReactNode }) {
  return (
    <ProfilesContext.Provider value={props.profiles}>{props.children}</ProfilesContext.Provider>
  );
}

/** Reads a slice of the profiles store and re-renders when it changes. */
export function useProfiles<T>(selector: (state: ProfilesState) => T): T {
  const store = useContext(ProfilesContext);
  if (store === null) {
    throw new Error('useProfiles needs a <StoreProvider> above it.');
  }
  return useStore(store, selector);
}

import { createContext, useContext } from 'react';

/**
 * Where the secrets the console makes are kept right now: the OS keychain, or — only after the
 * admin chose it, with no keychain reachable — this session's memory.
 *
 * @remarks
 * A context rather than a store: one fact, set by the window (`app:get-info`, asked again
 * whenever the keychain notice learns something) and read by every sentence that says where a
 * secret is, so none of them claims the keychain while the secrets are in memory. Without a
 * provider (a component rendered alone) it is the keychain, the console's default.
 */
export const SecretsPlaceContext = createContext<'keychain' | 'memory'>('keychain');

/** The words for where secrets are kept now, to put after "in" or "kept in". */
export function useSecretsPlaceName(): string {
  return useContext(SecretsPlaceContext) === 'memory'
    ? 'this session’s memory (lost when the console quits)'
    : 'your OS keychain';
}

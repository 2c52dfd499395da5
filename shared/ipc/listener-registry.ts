/**
 * Listeners by event name: the part of a bridge that fans one incoming event stream out.
 *
 * @remarks
 * Shared by the Electron preload and browser mode's HTTP bridge, which differ only in where the
 * events come from.
 */
export function createListenerRegistry() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    /** Adds a listener; returns the function that removes it. */
    add(event: string, listener: (payload: unknown) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => {
        set.delete(listener);
      };
    },
    dispatch(event: string, payload: unknown): void {
      for (const listener of listeners.get(event) ?? []) {
        listener(payload);
      }
    },
  };
}

import { parsePastedCallback } from './redirect-strategy.ts';

/** A wait for one callback; see {@link createCallbackRace}. */
export interface CallbackRace {
  /** Aborted on cancel, for whatever else the wait holds (a window, a listener). */
  readonly signal: AbortSignal;
  /** The final redirected URL, pasted by the admin; throws `PastedCallbackError` if wrong. */
  paste(url: string): void;
  /** Ends the wait with `reason`, or with the race's own cancelled message. */
  cancel(reason?: Error): void;
  /** The first callback from `sources` (absent ones skipped), a paste, or the cancel. */
  first(sources: readonly (Promise<URL> | undefined)[]): Promise<URL>;
}

/**
 * The one redirect back from Okta, taken from whichever way brings it first — a loopback
 * listener, the sign-in window, an address the admin pastes — or a cancel.
 *
 * @remarks
 * The login preview and an export's verification both wait like this; one copy decides that a
 * paste is checked against the redirect URI before it counts, and that a cancel rejects the wait
 * without leaving an unhandled rejection behind when nobody is waiting yet.
 */
export function createCallbackRace(options: {
  /** The redirect URI a pasted address must start with. */
  redirectUri: string;
  /** What the wait rejects with when it is cancelled. */
  cancelledMessage: string;
}): CallbackRace {
  let deliverPasted: (url: URL) => void = () => undefined;
  const pasted = new Promise<URL>((resolve) => {
    deliverPasted = resolve;
  });
  const cancelling = new AbortController();
  let cancelReason: Error | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    cancelling.signal.addEventListener('abort', () => {
      reject(cancelReason ?? new Error(options.cancelledMessage));
    });
  });
  cancelled.catch(() => undefined);
  return {
    signal: cancelling.signal,
    paste(url: string): void {
      deliverPasted(parsePastedCallback(url, options.redirectUri));
    },
    cancel(reason?: Error): void {
      cancelReason ??= reason;
      cancelling.abort();
    },
    first(sources: readonly (Promise<URL> | undefined)[]): Promise<URL> {
      return Promise.race([
        ...sources.filter((source): source is Promise<URL> => source !== undefined),
        pasted,
        cancelled,
      ]);
    },
  };
}

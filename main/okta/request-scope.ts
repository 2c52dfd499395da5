import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the Okta calls made inside {@link inRequestScope} share: the signal that cancels them,
 * and a count of the writes among them that may have changed the org.
 */
export interface RequestScope {
  /** Aborted: every request of the scope still waiting in the org's scheduler is dropped. */
  readonly signal: AbortSignal | undefined;
  /**
   * Writes (any method but GET and HEAD) sent to Okta and not refused with a 429, so possibly
   * made: 0 means nothing of the scope can have changed the org.
   */
  writesSent: number;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `work` with every Okta request it makes, however deep in the SDK, in `scope`.
 *
 * @remarks
 * Why an async context rather than an argument: the SDK's generated methods
 * (`client.applicationApi.createApplication(…)` and the rest) take no per-call options that
 * reach the request executor, so a signal cannot be handed down the call; and a client per
 * cancellable operation would re-read the SDK's configuration files and, for a service app, ask
 * for a new access token each time. The client and the org's scheduler are shared by every
 * operation on the org, so the signal cannot live on them either. `AsyncLocalStorage` follows
 * the async path of exactly the calls made inside `work` — through the SDK's promises down to
 * its request executor (`ConsoleRequestExecutor` in okta-client.ts), which hands the signal to
 * the scheduler — and no other operation's, even on the same client at the same time. A nested
 * scope replaces the outer one for the calls inside it.
 */
export function inRequestScope<T>(scope: RequestScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The scope of the request being made now, if it was made inside {@link inRequestScope}. */
export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}

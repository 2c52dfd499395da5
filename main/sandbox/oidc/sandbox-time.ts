import { AsyncLocalStorage } from 'node:async_hooks';

const offsetOfThisRequest = new AsyncLocalStorage<number>();
let realNow: (() => number) | undefined;

/**
 * Runs `work` with `Date.now()` shifted by `offsetMs`, for that work's async context only.
 *
 * @remarks
 * `oidc-provider` reads the time from `Date.now()` for every `iat`, `exp` and expiry, and takes
 * no clock option; the sandbox's clock offset (`PUT /__sandbox/clock`) must still reach its
 * tokens, or token-time tests would test nothing. So `Date.now` is wrapped once per process to
 * add the offset of the OIDC request being served, found through `AsyncLocalStorage`. Outside an
 * OIDC request — the console itself when it embeds the sandbox, the management API — it returns
 * the real time unchanged. `new Date()` is not affected, so the sandbox clock, which builds on
 * it, never adds the offset twice.
 */
export function withSandboxTime<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
  if (realNow === undefined) {
    const original = Date.now.bind(Date);
    realNow = original;
    Date.now = () => original() + (offsetOfThisRequest.getStore() ?? 0);
  }
  return offsetOfThisRequest.run(offsetMs, work);
}

/** The real time in milliseconds, whatever the current request's offset. */
export function realTimeMs(): number {
  return new Date().getTime();
}

import { useEffect, useState } from 'react';

import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import { subscribe } from '../api/call.ts';

interface Wait {
  message: string;
  /** The org's host: a wait may be for an org other than the active one (one being connected). */
  host: string;
  untilMs: number;
  /** `rate-limit`: until Okta's reset; `backoff`: a 429 with no reset, waited out by a guess. */
  reason: 'rate-limit' | 'backoff';
}

/**
 * Says when the console is holding its requests for Okta's rate limit, whatever step is slow.
 *
 * @remarks
 * Main tells every wait of a second or more, from any operation (a plan naming many users, an
 * apply, a diagnosis). The sentence is announced once, as main wrote it; the countdown beside
 * it is for the eye only, so a screen reader is not read a number every second. The live region
 * stays in the page while empty: one that appears with its text is not announced everywhere.
 *
 * The notice is about the org's rate limit, not about an operation (main's event names none):
 * after the admin cancels the operation that was waiting, the limit still holds every request of
 * that kind until Okta's reset, another operation may still be waiting on it, and applying or
 * planning again waits for it too. So it stays, counting down to the reset, and says only what
 * stays true after a cancel: requests wait for the reset, and a cancelled one is not sent. It
 * never says that anything goes on by itself, which read as false next to "Apply cancelled".
 */
export function RateLimitNotice(props: { api: BridgeApi }) {
  const [wait, setWait] = useState<Wait | null>(null);
  const [nowMs, setNowMs] = useState(() => Date.now());

  useEffect(
    () =>
      subscribe(props.api, 'okta:rate-limit-wait', (event) => {
        const untilMs = Date.now() + event.seconds * 1000;
        setNowMs(Date.now());
        setWait((current) =>
          current !== null && current.untilMs > untilMs
            ? current
            : {
                message: event.message,
                host: new URL(event.orgUrl).host,
                untilMs,
                reason: event.reason,
              },
        );
      }),
    [props.api],
  );

  useEffect(() => {
    if (wait === null) {
      return undefined;
    }
    const timer = setInterval(() => {
      const now = Date.now();
      setNowMs(now);
      if (now >= wait.untilMs) {
        setWait(null);
      }
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [wait]);

  const secondsLeft = wait === null ? 0 : Math.max(0, Math.ceil((wait.untilMs - nowMs) / 1000));
  return (
    <div className="rate-limit-notice" role="status">
      {wait !== null && (
        <p>
          <span className="rate-limit-notice__message">
            Okta ({wait.host}) asks the console to slow down: {wait.message}. Requests of this kind
            wait until then; a cancelled one is not sent.
          </span>{' '}
          <span className="rate-limit-notice__left" aria-hidden="true">
            {wait.reason === 'rate-limit'
              ? `(resets in ${String(secondsLeft)} s)`
              : `(${String(secondsLeft)} s left)`}
          </span>
        </p>
      )}
    </div>
  );
}

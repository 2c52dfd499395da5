import okta from '@okta/okta-sdk-nodejs';

import { AppError } from '../../shared/errors.ts';
import { isLoopbackHostname } from '../../shared/okta/org-url.ts';
import { bucketOf } from '../../shared/okta/rate-limit-buckets.ts';
import { ServiceAppTokenError } from './okta-errors.ts';
import {
  createRequestScheduler,
  type RequestScheduler,
  type RequestSchedulerOptions,
  type ScheduledResponse,
} from './request-scheduler.ts';
import { currentRequestScope } from './request-scope.ts';

/** The management client the console uses: the real SDK, configured explicitly. */
export type OktaClient = InstanceType<typeof okta.Client>;

/** How long one attempt at a management request may take (waits for a rate limit excluded). */
export const OKTA_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The SDK's request executor, replaced: every request goes through the org's
 * {@link RequestScheduler}, and loopback requests skip the SDK's proxy.
 *
 * @remarks
 * - The SDK's own executor retries only a 429 that carries `X-Rate-Limit-Reset`, twice, with no
 *   jitter and no bound on how many requests are in flight (okta-behaviours.md §8); a 429
 *   without a reset ended an apply. The scheduler paces before a 429 and backs off after one.
 * - It drops the SDK's `HTTPS_PROXY` agent for loopback URLs: the SDK installs it on every
 *   request and ignores `NO_PROXY` (okta-behaviours.md §8, trap 1), which would send sandbox calls
 *   to a corporate proxy.
 * - Each attempt has its own timeout, so a wait for Okta's reset never counts against the
 *   request, and a retry carries Okta's `X-Okta-Retry-For` / `X-Okta-Retry-Count` as the SDK's do.
 * - A 5xx or a dropped connection is never retried here: a write may have been committed, and
 *   the apply engine settles it by reading the org (security.md §6).
 * - A request made inside a cancellable operation (`inRequestScope`, e.g. an apply) is
 *   queued with that operation's signal, so a cancel drops it from the scheduler's queue rather
 *   than waiting out a rate limit; and each write sent is counted on the scope, so the operation
 *   knows whether a step it stopped can have changed the org.
 */
class ConsoleRequestExecutor extends okta.RequestExecutor {
  readonly #scheduler: RequestScheduler;
  readonly #timeoutMs: number;

  constructor(scheduler: RequestScheduler, timeoutMs: number) {
    super();
    this.#scheduler = scheduler;
    this.#timeoutMs = timeoutMs;
  }

  override fetch(options: RequestOptions): ReturnType<okta.RequestExecutor['fetch']> {
    const request = options as ExecutorRequest;
    const url = new URL(String(request.url));
    if (isLoopbackHostname(url.hostname)) {
      delete request.agent;
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const scope = currentRequestScope();
    // The org's token endpoint changes nothing in it: a service app's access token is not a write.
    const isWrite = method !== 'GET' && method !== 'HEAD' && !url.pathname.endsWith(ORG_TOKEN_PATH);
    let retryFor: string | null = null;
    const send = async (attempt: number) => {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      if (attempt > 0) {
        headers['X-Okta-Retry-Count'] = String(attempt);
        if (retryFor !== null) {
          headers['X-Okta-Retry-For'] = retryFor;
        }
      }
      const attemptRequest: ExecutorRequest = { ...request, headers, timeout: this.#timeoutMs };
      if (scope !== undefined && isWrite) {
        scope.writesSent += 1;
      }
      // node-fetch's Response, whose types are not installed: read through the fields used.
      const response = (await (super.fetch(
        attemptRequest,
      ) as Promise<unknown>)) as ScheduledResponse & {
        text(): Promise<string>;
      };
      if (scope !== undefined && isWrite && response.status === 429) {
        // Okta refused it without doing anything (okta-behaviours.md §7).
        scope.writesSent -= 1;
      }
      retryFor ??= response.headers.get('x-okta-request-id');
      // A 429 sent again is not read by the SDK: its body is drained, so its connection is free.
      response.discard = async () => {
        await response.text().catch(() => undefined);
      };
      return response;
    };
    const answer = this.#scheduler.run(bucketOf(method, url.pathname), send, {
      signal: scope?.signal,
    });
    if (url.pathname.endsWith(ORG_TOKEN_PATH)) {
      return answer.then((response) => refuseFailedTokenResponse(response as TokenResponse, url));
    }
    return answer;
  }
}

/** The org authorization server's token endpoint, where the SDK gets a service app's token. */
const ORG_TOKEN_PATH = '/oauth2/v1/token';

type TokenResponse = ScheduledResponse & {
  clone(): { text(): Promise<string> };
};

/**
 * Turns the token endpoint's refusal into an error the console can explain.
 *
 * @remarks
 * The SDK (7.x, `src/oauth.js`) pipes the token response through `Http.errorFilter`, which is
 * `undefined` there (`./http` exports `{ Http }`), so a refused token request is kept as the
 * "access token": the next call goes out with `Bearer undefined` and Okta's 401 `E0000011`
 * "Invalid token provided" is all the admin would see, whether the scope was not granted, the key
 * not registered or the client id mistyped. Okta's own answer is read here instead and thrown as a
 * {@link ServiceAppTokenError}. `use_dpop_nonce` passes through: the SDK answers it by sending its
 * DPoP proof again with the nonce (RFC 9449 §8).
 */
async function refuseFailedTokenResponse<T extends TokenResponse>(
  response: T,
  url: URL,
): Promise<T> {
  if (response.status >= 200 && response.status < 300) {
    return response;
  }
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON (a proxy's page): the status alone is told.
  }
  if (body.error === 'use_dpop_nonce') {
    return response;
  }
  const words = (value: unknown) => (typeof value === 'string' ? value : undefined);
  throw new ServiceAppTokenError({
    httpStatus: response.status,
    url: url.href,
    error: words(body.error) ?? words(body.errorCode),
    description: words(body.error_description) ?? words(body.errorSummary),
  });
}

type RequestOptions = Parameters<okta.RequestExecutor['fetch']>[0];

/** The fields of node-fetch's options the executor reads (its types are not installed). */
type ExecutorRequest = RequestOptions & {
  method?: string;
  headers?: Record<string, string>;
  timeout?: number;
};

/**
 * The public facts of an API services app the console signs in as; its private key travels
 * beside them as the credentials' `token`.
 *
 * @remarks
 * The SDK asks the org authorization server for an access token with client credentials and a
 * client assertion signed with the key (`private_key_jwt`), and answers a `use_dpop_nonce` by
 * binding its tokens with DPoP (RFC 9449), so an app that requires DPoP works too. The token
 * carries `scopes` and nothing more: they must be granted to the app.
 */
export interface ServiceAppIdentity {
  clientId: string;
  keyId: string;
  scopes: readonly string[];
}

/**
 * Builds a management client for one org and token (or service app).
 *
 * @remarks
 * Everything is passed explicitly because the SDK merges `~/.okta/okta.yaml`, `./okta.yaml`
 * and `OKTA_CLIENT_*` under the constructor's arguments; explicit values win. It still *reads*
 * those files, so a malformed one makes the constructor throw: that becomes an error naming the
 * files, without their contents (they may hold a token). The default cache is off (`cacheMiddleware: null`):
 * it never expires and would serve stale apps after another admin's change. Requests go through
 * `scheduler`: pass the org's own, so that every client of one org shares its limits; without
 * one, the client gets a scheduler of its own, set by `rateLimits`.
 */
export function createOktaClient(options: {
  orgUrl: string;
  /** The API token, or for a service app ({@link OktaClient} in `PrivateKey` mode) its private key. */
  token: string;
  /** Set for a service app: the SDK then signs in with client credentials and `private_key_jwt`. */
  serviceApp?: ServiceAppIdentity | undefined;
  scheduler?: RequestScheduler;
  rateLimits?: RequestSchedulerOptions;
  requestTimeoutMs?: number;
}): OktaClient {
  const scheduler = options.scheduler ?? createRequestScheduler(options.rateLimits);
  try {
    const { serviceApp } = options;
    const authorization =
      serviceApp === undefined
        ? { token: options.token, authorizationMode: 'SSWS' }
        : {
            authorizationMode: 'PrivateKey',
            clientId: serviceApp.clientId,
            scopes: [...serviceApp.scopes],
            // A string, so the SDK's parse makes its own object (it writes `alg` into it).
            privateKey: options.token,
            keyId: serviceApp.keyId,
          };
    return new okta.Client({
      orgUrl: options.orgUrl,
      ...authorization,
      cacheMiddleware: null,
      requestExecutor: new ConsoleRequestExecutor(
        scheduler,
        options.requestTimeoutMs ?? OKTA_REQUEST_TIMEOUT_MS,
      ),
    });
  } catch (error) {
    throw new AppError(
      {
        code: 'OKTA_ERROR',
        message:
          'The Okta SDK could not start: it reads ~/.okta/okta.yaml and ./okta.yaml even when given its settings, and one of them could not be read or parsed.',
        hint: 'Fix or remove ~/.okta/okta.yaml and any okta.yaml in the folder the console was started from; the console does not need them.',
      },
      { cause: error },
    );
  }
}

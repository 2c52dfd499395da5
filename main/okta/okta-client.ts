import okta from '@okta/okta-sdk-nodejs';

import { AppError } from '../../shared/errors.ts';
import { isLoopbackHostname } from '../../shared/okta/org-url.ts';

/** The management client the console uses: the real SDK, configured explicitly. */
export type OktaClient = InstanceType<typeof okta.Client>;

/** How long one management request may take, including the SDK's own 429 retries. */
export const OKTA_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The SDK's request executor, with two corrections.
 *
 * @remarks
 * - It drops the SDK's `HTTPS_PROXY` agent for loopback URLs: the SDK installs it on every
 *   request and ignores `NO_PROXY` (okta-behaviours.md §8, trap 1), which would send sandbox calls
 *   to a corporate proxy.
 * - When Okta's `X-Rate-Limit-Reset` is further away than the request may still wait, it gives
 *   up with Okta's own 429 (which becomes `E0000047`) instead of the SDK's plain `Error`, which
 *   carries no code and would reach the admin as an unexplained failure.
 */
class ConsoleRequestExecutor extends okta.DefaultRequestExecutor {
  override fetch(request: RequestOptions): ReturnType<okta.DefaultRequestExecutor['fetch']> {
    if (typeof request.url === 'string' && isLoopbackHostname(new URL(request.url).hostname)) {
      delete request.agent;
    }
    return super.fetch(request);
  }

  override parseResponse(
    request: RequestOptions,
    response: Parameters<okta.DefaultRequestExecutor['parseResponse']>[1],
  ): ReturnType<okta.DefaultRequestExecutor['parseResponse']> {
    // node-fetch's Response type is not installed with the SDK, hence the narrow cast.
    const { status } = response as unknown as { status: number };
    if (status === 429 && this.requestTimeout > 0 && this.validateRetryResponseHeaders(response)) {
      const startedAt = (request as { startTime?: Date }).startTime?.getTime() ?? Date.now();
      const elapsedMs = Date.now() - startedAt;
      if (elapsedMs + this.getRetryDelayMs(response) >= this.requestTimeout) {
        return response;
      }
    }
    return super.parseResponse(request, response);
  }
}

type RequestOptions = Parameters<okta.DefaultRequestExecutor['fetch']>[0];

/**
 * Builds a management client for one org and token.
 *
 * @remarks
 * Everything is passed explicitly because the SDK merges `~/.okta/okta.yaml`, `./okta.yaml`
 * and `OKTA_CLIENT_*` under the constructor's arguments; explicit values win. It still *reads*
 * those files, so a malformed one makes the constructor throw: that becomes an error naming the
 * files, without their contents (they may hold a token). The default cache is off (`cacheMiddleware: null`):
 * it never expires and would serve stale apps after another admin's change. The SDK retries a 429
 * that carries `X-Rate-Limit-Reset` at most `maxRetries` times.
 */
export function createOktaClient(options: {
  orgUrl: string;
  token: string;
  maxRetries?: number;
  requestTimeoutMs?: number;
}): OktaClient {
  try {
    return new okta.Client({
      orgUrl: options.orgUrl,
      token: options.token,
      authorizationMode: 'SSWS',
      cacheMiddleware: null,
      requestExecutor: new ConsoleRequestExecutor({
        maxRetries: options.maxRetries ?? 2,
        requestTimeout: options.requestTimeoutMs ?? OKTA_REQUEST_TIMEOUT_MS,
      }),
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

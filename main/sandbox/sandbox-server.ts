import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { bucketOf } from '../../shared/okta/rate-limit-buckets.ts';
import { BodyTooLargeError } from '../platform/http/read-body.ts';
import { createControlApi } from './control-api.ts';
import {
  createExchangeRecorder,
  RECORD_DIR_ENV,
  type RecordedExchange,
} from './exchange-recorder.ts';
import { createFaultStore, type Fault } from './faults.ts';
import { createJsonSender, logClientOf, readJsonBody } from './http-exchange.ts';
import { createManagementAuth, isRefusal } from './management-auth.ts';
import { MANAGEMENT_ROUTES } from './management-routes.ts';
import { createOidcLayer, isManagementOnOAuthPath } from './oidc/oidc-layer.ts';
import { createRelyingPartyFaultStore } from './oidc/relying-party-faults.ts';
import { OKTA_ERRORS } from './okta-errors.ts';
import { requestId as newRequestId } from './okta-ids.ts';
import { openOrg } from './org-startup.ts';
import { unimplementedQueryParameter } from './query-parameters.ts';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMIT_TIER,
  type RateLimitSettings,
  resolveRateLimits,
} from './rate-limits.ts';
import { createSandboxClock } from './sandbox-clock.ts';
import type { SandboxOrg, SandboxUser } from './sandbox-org.ts';
import type { SeedOption, SeedSummary } from './seed.ts';
import { apiTokenId, clientActor, logAdminChanges } from './system-log.ts';
import { forgetUserLookups } from './user-directory.ts';

/** A running sandbox org. */
export interface RunningSandbox {
  /** The org URL, e.g. `http://127.0.0.1:43123`. */
  orgUrl: string;
  /** The super admin's SSWS token; also the sandbox's admin token for `/__sandbox/`. */
  apiToken: string;
  org: SandboxOrg;
  /**
   * The sandbox clock, including the offset set through `PUT /__sandbox/clock` (the same
   * function as `org.clock`): what every timestamp, header and token of this org is based on.
   */
  clock: () => Date;
  /** What the seed added; `undefined` when the org came from the state file or has no seed. */
  seeded: SeedSummary | undefined;
  /** Whether the org was loaded from the state file (rather than started fresh). */
  loadedFromState: boolean;
  /**
   * Notes that the org changed outside a request (requests are noted by the server itself):
   * derived lookups are dropped and the state file is saved soon.
   */
  markDirty(): void;
  /** Stops listening and saves the state file one last time. */
  close(): Promise<void>;
}

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  port?: number;
  host?: string;
  /** The base clock (default: real time); `/__sandbox/clock` shifts it. */
  clock?: () => Date;
  /** Where to record every management exchange (default: the {@link RECORD_DIR_ENV} variable). */
  recordDir?: string;
  /**
   * Rate limits and the concurrency cap: a tier, `'unlimited'`, or a tier with per-bucket
   * overrides (rate-limits.ts). Default: the {@link DEFAULT_RATE_LIMIT_TIER} tier.
   */
  rateLimits?: RateLimitSettings;
  /** What a fresh org starts with besides its super admin and `default` server. */
  seed?: SeedOption;
  /** A file that keeps the org across restarts: loaded if it exists, else created. */
  statePath?: string;
  /** Called with a line before slow start-up work (loading, seeding), for the CLI. */
  onProgress?: (message: string) => void;
  /** Called when saving the state file fails (default: a line on stderr). */
  onSaveError?: (error: unknown) => void;
}

/** Headers a response carries. */
type Headers = Record<string, string | string[]>;

/**
 * One request on Okta's paths as it goes through the pipeline: what later steps — the
 * management routes, and the OIDC layer — need to answer it.
 */
export interface SandboxExchange {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  method: string;
  /** The `X-Okta-Request-Id` of this exchange (also `transaction.id` of its log events). */
  requestId: string;
  /** The `X-Rate-Limit-*` headers of the request's bucket (none for unlimited paths). */
  rateLimitHeaders: Record<string, string>;
  /** Sends a JSON answer with `Date` and `X-Okta-Request-Id`; management answers are recorded. */
  reply(status: number, body: unknown, headers?: Headers): void;
  /**
   * Call once the request's change is committed, before answering: when a fault asked for it,
   * this answers with the fault's 5xx or closes the connection unanswered, and returns `true` —
   * the caller must then not answer.
   */
  interceptAfterCommit(): boolean;
  /** The injected fault this request met, if any. */
  readonly fault: Fault | undefined;
  /**
   * A management write's JSON body, read as soon as the request arrived (before any injected
   * latency): Okta has the whole request once the client sent it, and commits it even if the
   * client goes away while it is being handled.
   */
  readonly body: Promise<{ ok: true; value: unknown } | { ok: false }> | undefined;
}

/** The Okta type a 404 names for a path, e.g. `AppInstance` for `/api/v1/apps/{id}…`. */
function resourceTypeOf(path: string): string {
  const collection = path.split('/')[3] ?? '';
  const types: Record<string, string> = {
    apps: 'AppInstance',
    users: 'User',
    groups: 'UserGroup',
    trustedOrigins: 'TrustedOrigin',
    authorizationServers: 'AuthorizationServer',
  };
  return types[collection] ?? 'Resource';
}

/** Paths whose exchanges are management API calls, recorded for the conformance check. */
function isManagementPath(path: string): boolean {
  return path.startsWith('/api/') || isManagementOnOAuthPath(path);
}

/**
 * Starts a local Okta-compatible org on loopback.
 *
 * @remarks
 * Plain Node, no Electron: the console embeds it as the default org, `npm run sandbox` runs it
 * alone, and the tests use it as their Okta. It answers like Okta where the console depends on
 * it: SSWS auth with `E0000011`, a service app's OAuth access tokens (Bearer or DPoP) held to
 * each operation's `okta.*` scope (management-auth.ts), role checks with `E0000006`, Okta's error objects, per-bucket
 * rate limits with `X-Rate-Limit-*` and a concurrency cap, `Date` and `X-Okta-Request-Id` on
 * every response, and a System Log of every change. Test-only controls live under
 * `/__sandbox/`, never mixed into Okta's paths, and need the sandbox's admin token.
 *
 * Every request on Okta's paths goes through one pipeline: concurrency cap → injected fault
 * (latency, dropped connection, 429 storm) → rate-limit bucket → injected 5xx before commit →
 * the handler (the management routes) → injected 5xx or lost response after commit.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const limits = resolveRateLimits(options.rateLimits ?? DEFAULT_RATE_LIMIT_TIER);
  if (!limits.ok) {
    throw new Error(`Invalid rate limits: ${limits.problem} Expected ${limits.expected}.`);
  }
  const sandboxClock = createSandboxClock(options.clock);
  const clock = sandboxClock.now;
  const host = options.host ?? '127.0.0.1';
  const { org, adminToken, seeded, loadedFromState, persister } = await openOrg({
    ...options,
    clock,
  });

  /**
   * The one place that hears of every change to the org: the server calls it after each
   * successful request that is not a read, and code that changes the org outside a request
   * calls it through {@link RunningSandbox.markDirty}.
   */
  function markDirty(): void {
    forgetUserLookups(org);
    persister?.markDirty();
  }
  const faults = createFaultStore();
  const rateLimiter = createRateLimiter(limits.limits, clock);
  const send = createJsonSender(clock, newRequestId);
  let orgUrl = '';
  /** The `Host` values the sandbox answers to, set once it listens. */
  const allowedHosts = new Set<string>();
  let record: ((exchange: RecordedExchange) => void) | undefined;
  const relyingPartyFaults = createRelyingPartyFaultStore();
  const oidc = createOidcLayer({ org, orgUrl: () => orgUrl, relyingPartyFaults });

  const auth = createManagementAuth({
    org,
    orgUrl: () => orgUrl,
    clientAccessToken: (value) => oidc.clientAccessToken(value),
  });

  /** The SSWS caller of a control request (the control API takes SSWS tokens only). */
  function callerOf(request: IncomingMessage): { user: SandboxUser; token: string } | undefined {
    const token = /^SSWS\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const userId = token === undefined ? undefined : org.tokens.get(token);
    const user = userId === undefined ? undefined : org.users.get(userId);
    return user?.status === 'ACTIVE' && token !== undefined ? { user, token } : undefined;
  }

  const handleControl = createControlApi({
    org,
    faults,
    relyingPartyFaults,
    rateLimiter,
    clock: sandboxClock,
    orgUrl: () => orgUrl,
    send,
    newRequestId,
    isSandboxAdmin: (request) => callerOf(request)?.user.id === org.tokens.get(adminToken),
  });

  function openExchange(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    fault: Fault | undefined,
  ): SandboxExchange {
    const method = request.method ?? 'GET';
    const requestId = newRequestId();
    const writesBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const exchange: SandboxExchange = {
      request,
      response,
      url,
      method,
      fault,
      body:
        writesBody && isManagementPath(url.pathname)
          ? readJsonBody(request).then(
              (value) => ({ ok: true as const, value }),
              () => ({ ok: false as const }),
            )
          : undefined,
      requestId,
      rateLimitHeaders: {},
      reply(status, body, headers = {}) {
        send(response, status, body, { 'X-Okta-Request-Id': requestId, ...headers });
        if (isManagementPath(url.pathname)) {
          record?.({
            method,
            path: url.pathname,
            query: url.search,
            status,
            contentType: 'application/json',
            body: body ?? null,
          });
        }
      },
      interceptAfterCommit() {
        if (fault?.effect.kind === 'lose-response') {
          request.socket.destroy();
          return true;
        }
        if (fault?.effect.kind === 'error' && fault.effect.afterCommit) {
          exchange.reply(
            fault.effect.status,
            OKTA_ERRORS.internal().body,
            exchange.rateLimitHeaders,
          );
          return true;
        }
        return false;
      },
    };
    return exchange;
  }

  /**
   * The faults that act before the request is handled. Returns `false` when the request has
   * been answered (or its connection dropped) and the pipeline stops.
   */
  async function faultBeforeHandling(
    fault: Fault | undefined,
    exchange: SandboxExchange,
  ): Promise<boolean> {
    if (fault === undefined) {
      return true;
    }
    if (fault.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    }
    if (fault.effect.kind === 'drop') {
      exchange.request.socket.destroy();
      return false;
    }
    if (fault.effect.kind === 'rate-limit') {
      // A storm looks like the request's own bucket running dry.
      const { resetSeconds } = fault.effect;
      const bucket = bucketOf(exchange.method, exchange.url.pathname) ?? 'api/v1';
      const nowSeconds = Math.floor(clock().getTime() / 1000);
      exchange.reply(429, OKTA_ERRORS.rateLimited().body, {
        'X-Rate-Limit-Limit': String(rateLimiter.limits().buckets[bucket]),
        'X-Rate-Limit-Remaining': '0',
        ...(resetSeconds === null
          ? {}
          : { 'X-Rate-Limit-Reset': String(nowSeconds + resetSeconds) }),
      });
      return false;
    }
    return true;
  }

  /**
   * The management API: auth (SSWS, or a service app's Bearer/DPoP access token), route, the
   * access token's scopes, role check, query parameters (only those the route implements, else
   * `E0000001`), body, handler, System Log.
   */
  async function handleManagement(exchange: SandboxExchange): Promise<void> {
    const { request, url, method, rateLimitHeaders: limits } = exchange;
    const caller = await auth.authenticate(request, url);
    if (isRefusal(caller)) {
      exchange.reply(caller.status, caller.body, { ...limits, ...caller.headers });
      return;
    }
    const candidates = MANAGEMENT_ROUTES.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method);
    if (route === undefined) {
      const { status, body } =
        candidates.length > 0 ? OKTA_ERRORS.methodNotAllowed() : OKTA_ERRORS.pathNotFound();
      exchange.reply(status, body, limits);
      return;
    }
    const missingScope = auth.refuseMissingScope(caller, route.operationId, url);
    if (missingScope !== undefined) {
      exchange.reply(missingScope.status, missingScope.body, {
        ...limits,
        ...missingScope.headers,
      });
      return;
    }
    const mayCall =
      route.allowedRoles === 'any' ||
      caller.user.adminRoles.some((role) =>
        (route.allowedRoles as readonly string[]).includes(role.type),
      );
    if (!mayCall) {
      const { status, body } = OKTA_ERRORS.accessDenied();
      exchange.reply(status, body, limits);
      return;
    }
    const unimplemented = unimplementedQueryParameter(route, url.searchParams);
    if (unimplemented !== undefined) {
      exchange.reply(unimplemented.status, unimplemented.body, limits);
      return;
    }
    if (method === 'GET') {
      const hiddenId = faults.staleReads.takeByPath(url.pathname);
      if (hiddenId !== undefined) {
        // A replica that has not seen the object yet: Okta's 404 for it.
        const { status, body } = OKTA_ERRORS.notFound(hiddenId, resourceTypeOf(url.pathname));
        exchange.reply(status, body, limits);
        return;
      }
    }
    const params = route.pattern.exec(url.pathname)?.groups ?? {};
    let body: unknown = {};
    if (exchange.body !== undefined) {
      const read = await exchange.body;
      if (!read.ok) {
        const { status, body: error } = OKTA_ERRORS.malformedBody();
        exchange.reply(status, error, limits);
        return;
      }
      body = read.value;
    }
    const result = route.handle({
      org,
      orgUrl,
      url,
      caller: caller.user,
      ...(caller.kind === 'ssws' ? { callerToken: caller.token } : {}),
      params: Object.fromEntries(
        Object.entries(params).map(([key, value]) => [key, decodeURIComponent(value)]),
      ),
      query: url.searchParams,
      body,
      now: clock(),
    });
    if ('events' in result && result.events !== undefined) {
      logAdminChanges(org, result.events, {
        caller: caller.user,
        ...(caller.kind === 'ssws'
          ? { apiTokenId: apiTokenId(caller.token) }
          : { actor: clientActor(caller.app, caller.clientId) }),
        client: logClientOf(request, exchange.requestId),
      });
    }
    const createdId = (result.body as { id?: unknown } | undefined)?.id;
    if (exchange.fault !== undefined && result.status < 300 && typeof createdId === 'string') {
      faults.staleReads.hide(createdId, exchange.fault.staleReads);
    }
    if (!exchange.interceptAfterCommit()) {
      exchange.reply(
        result.status,
        method === 'GET' ? faults.staleReads.filterList(result.body) : result.body,
        {
          ...limits,
          ...('headers' in result ? result.headers : {}),
        },
      );
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has((request.headers.host ?? '').toLowerCase())) {
      // DNS rebinding: a web page whose name now resolves to 127.0.0.1 still sends its own
      // name as Host. Its requests must not reach the sign-in page or the control API.
      send(response, 403, {
        error: 'foreign_host',
        message: `This sandbox org answers only to Host ${[...allowedHosts].join(' or ')}.`,
      });
      return;
    }
    const url = new URL(request.url ?? '/', orgUrl);
    if (url.pathname.startsWith('/__sandbox/')) {
      await handleControl(request, response, url.pathname);
      return;
    }
    const slot = rateLimiter.enter();
    const fault = slot.admitted ? faults.take(request.method ?? 'GET', url.pathname) : undefined;
    const exchange = openExchange(request, response, url, fault);
    if (!slot.admitted) {
      exchange.reply(429, OKTA_ERRORS.rateLimited().body, slot.headers);
      return;
    }
    try {
      if (!(await faultBeforeHandling(fault, exchange))) {
        return;
      }
      const limit = rateLimiter.take(exchange.method, url.pathname);
      exchange.rateLimitHeaders = limit.headers;
      if (!limit.allowed) {
        exchange.reply(429, OKTA_ERRORS.rateLimited().body, limit.headers);
        return;
      }
      if (fault?.effect.kind === 'error' && !fault.effect.afterCommit) {
        exchange.reply(fault.effect.status, OKTA_ERRORS.internal().body, limit.headers);
        return;
      }
      if (oidc.handles(url.pathname)) {
        // Okta's headers on OIDC answers too; oidc-provider keeps headers set before it writes.
        const headers = {
          ...limit.headers,
          Date: clock().toUTCString(),
          'X-Okta-Request-Id': exchange.requestId,
        };
        for (const [name, value] of Object.entries(headers)) {
          response.setHeader(name, value);
        }
        await oidc.handle(request, response, url);
        return;
      }
      await handleManagement(exchange);
    } finally {
      slot.release();
    }
  }

  /** Answers a request, then notes the change if it was a successful write. */
  async function handleAndNoteChange(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    await handle(request, response);
    // Runs before any other request is handled (a microtask after the route's synchronous
    // change), so no request ever sees derived lookups older than the org.
    const method = request.method ?? 'GET';
    // A refused sign-in changes the org too: it counts towards the lockout, or locks the user
    // out (oidc/sign-in-lockout.ts), and the state file must keep that.
    const failedSignIn = method === 'POST' && (request.url ?? '').startsWith('/signin/');
    if (method !== 'GET' && method !== 'HEAD' && (response.statusCode < 400 || failedSignIn)) {
      markDirty();
    }
  }

  const server = createServer((request, response) => {
    handleAndNoteChange(request, response).catch((error: unknown) => {
      if (response.headersSent || request.socket.destroyed) {
        return;
      }
      const { status, body } =
        error instanceof SyntaxError || error instanceof BodyTooLargeError
          ? OKTA_ERRORS.malformedBody()
          : OKTA_ERRORS.internal();
      send(response, status, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const recordDir = options.recordDir ?? process.env[RECORD_DIR_ENV];
  if (recordDir !== undefined && recordDir !== '') {
    record = createExchangeRecorder(recordDir, port);
  }
  // Plain http on loopback, like any local dev server; the SDK and the console accept it there.
  // (The SDL rule's autofix would turn this into https, which nothing here serves.)
  // eslint-disable-next-line @microsoft/sdl/no-insecure-url -- loopback listener
  orgUrl = `http://${host}:${String(port)}`;
  // The org's own name, and localhost: the name that plays the org's custom domain (README).
  for (const name of [host, 'localhost', '127.0.0.1']) {
    allowedHosts.add(`${name}:${String(port)}`);
  }
  return {
    orgUrl,
    apiToken: adminToken,
    org,
    clock,
    seeded,
    loadedFromState,
    markDirty,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await persister?.flush();
    },
  };
}

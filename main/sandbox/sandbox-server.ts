import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BodyTooLargeError, readRequestBody } from '../services/http/read-body.ts';
import {
  createExchangeRecorder,
  RECORD_DIR_ENV,
  type RecordedExchange,
} from './exchange-recorder.ts';
import { OKTA_ERRORS } from './okta-errors.ts';
import { requestId } from './okta-ids.ts';
import { openOrg } from './org-startup.ts';
import { APP_ROUTES } from './routes/apps.ts';
import { AUTHORIZATION_SERVER_ROUTES } from './routes/authorization-servers.ts';
import { GROUP_ROUTES } from './routes/groups.ts';
import { ORG_ROUTES } from './routes/org.ts';
import type { Route } from './routes/route.ts';
import { TRUSTED_ORIGIN_ROUTES } from './routes/trusted-origins.ts';
import { USER_ROUTES } from './routes/users.ts';
import {
  addUserWithToken,
  ADMIN_ROLE_TYPES,
  type AdminRoleType,
  type SandboxOrg,
  type SandboxUser,
} from './sandbox-org.ts';
import type { SeedOption, SeedSummary } from './seed.ts';
import { forgetUserLookups } from './user-directory.ts';

/** A running sandbox org. */
export interface RunningSandbox {
  /** The org URL, e.g. `http://127.0.0.1:43123`. */
  orgUrl: string;
  /** The super admin's SSWS token; also the sandbox's admin token for `/__sandbox/`. */
  apiToken: string;
  org: SandboxOrg;
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

/** A response the sandbox forces on matching requests (`/__sandbox/faults`). */
interface Fault {
  method: string;
  path: string;
  /** The forced answer; `undefined` delays the request and then answers it normally. */
  status: 429 | 500 | 503 | undefined;
  /** Milliseconds to wait before answering. */
  latencyMs: number;
  remaining: number;
  /** For 429: seconds until `X-Rate-Limit-Reset`; `null` sends no Reset header. */
  resetSeconds: number | null;
}

/** Per-bucket request limit the sandbox reports by default (Okta's One App tier, per minute). */
const DEFAULT_RATE_LIMIT = 600;

/** Every management route the sandbox answers, most specific first where paths overlap. */
const ROUTES: readonly Route[] = [
  ...USER_ROUTES,
  ...GROUP_ROUTES,
  ...APP_ROUTES,
  ...TRUSTED_ORIGIN_ROUTES,
  ...AUTHORIZATION_SERVER_ROUTES,
  ...ORG_ROUTES,
];

function isAdminRoleType(value: unknown): value is AdminRoleType {
  return typeof value === 'string' && (ADMIN_ROLE_TYPES as readonly string[]).includes(value);
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readRequestBody(request, 1_000_000);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

/**
 * Starts a local Okta-compatible org on loopback.
 *
 * @remarks
 * Plain Node, no Electron: the console embeds it as the default org, `npm run sandbox` runs it
 * alone, and the tests use it as their Okta. It answers like Okta where the console depends on
 * it: SSWS auth with `E0000011`, role checks with `E0000006`, Okta's error objects, and
 * `X-Rate-Limit-*`, `Date` and `X-Okta-Request-Id` on every response. Test-only controls live
 * under `/__sandbox/`, never mixed into Okta's paths, and need the sandbox's admin token.
 */
export async function startSandbox(
  options: {
    port?: number;
    host?: string;
    clock?: () => Date;
    /** Where to record every management exchange (default: the {@link RECORD_DIR_ENV} variable). */
    recordDir?: string;
    /** What a fresh org starts with besides its super admin and `default` server. */
    seed?: SeedOption;
    /** A file that keeps the org across restarts: loaded if it exists, else created. */
    statePath?: string;
    /** Called with a line before slow start-up work (loading, seeding), for the CLI. */
    onProgress?: (message: string) => void;
    /** Called when saving the state file fails (default: a line on stderr). */
    onSaveError?: (error: unknown) => void;
  } = {},
): Promise<RunningSandbox> {
  const clock = options.clock ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const { org, adminToken, seeded, loadedFromState, persister } = await openOrg({
    ...options,
    clock,
  });

  /**
   * The one place that hears of every change to the org: the server calls it after each
   * successful request that is not a read, and code that changes the org outside a request
   * (OIDC sign-ins, the System Log) calls it through {@link RunningSandbox.markDirty}.
   */
  function markDirty(): void {
    forgetUserLookups(org);
    persister?.markDirty();
  }
  const faults: Fault[] = [];
  const bucket = { windowStart: 0, used: 0 };
  let orgUrl = '';
  let record: ((exchange: RecordedExchange) => void) | undefined;

  function rateLimitHeaders(): Record<string, string> {
    const nowSeconds = Math.floor(clock().getTime() / 1000);
    if (nowSeconds - bucket.windowStart >= 60) {
      bucket.windowStart = nowSeconds;
      bucket.used = 0;
    }
    bucket.used += 1;
    return {
      'X-Rate-Limit-Limit': String(DEFAULT_RATE_LIMIT),
      'X-Rate-Limit-Remaining': String(Math.max(0, DEFAULT_RATE_LIMIT - bucket.used)),
      'X-Rate-Limit-Reset': String(bucket.windowStart + 60),
    };
  }

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string | string[]> = {},
  ): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json',
      Date: clock().toUTCString(),
      'X-Okta-Request-Id': requestId(),
      ...headers,
    });
    response.end(text);
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const fault = faults.find((f) => f.method === method && f.path === path && f.remaining > 0);
    if (fault !== undefined) {
      fault.remaining -= 1;
    }
    return fault;
  }

  function callerOf(request: IncomingMessage): SandboxUser | undefined {
    const match = /^SSWS\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const userId = match?.[1] === undefined ? undefined : org.tokens.get(match[1]);
    const user = userId === undefined ? undefined : org.users.get(userId);
    return user?.status === 'ACTIVE' ? user : undefined;
  }

  async function handleControl(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    if (callerOf(request)?.id !== org.tokens.get(adminToken)) {
      send(response, 401, {
        error: 'sandbox_admin_token_required',
        message:
          'The /__sandbox/ control API needs the sandbox admin token: Authorization: SSWS <apiToken printed at start>.',
      });
      return;
    }
    const body = (request.method === 'POST' ? await readJsonBody(request) : {}) as Record<
      string,
      unknown
    >;
    if (request.method === 'POST' && path === '/__sandbox/api-tokens') {
      const roles = Array.isArray(body.adminRoles) ? body.adminRoles : [];
      if (!roles.every(isAdminRoleType)) {
        send(response, 400, { error: 'invalid_roles', allowed: ADMIN_ROLE_TYPES });
        return;
      }
      const login =
        typeof body.login === 'string'
          ? body.login
          : `user${String(org.users.size)}@sandbox.example`;
      const { user, token } = addUserWithToken(org, {
        login,
        firstName: typeof body.firstName === 'string' ? body.firstName : 'Sandbox',
        lastName: typeof body.lastName === 'string' ? body.lastName : 'User',
        adminRoles: roles,
        now: clock(),
      });
      send(response, 201, { userId: user.id, login, apiToken: token });
      return;
    }
    if (request.method === 'POST' && path === '/__sandbox/faults') {
      const status = body.status;
      const latencyMs = body.latencyMs ?? 0;
      if (
        typeof body.method !== 'string' ||
        typeof body.path !== 'string' ||
        (status !== undefined && status !== 429 && status !== 500 && status !== 503) ||
        typeof latencyMs !== 'number' ||
        (status === undefined && latencyMs <= 0)
      ) {
        send(response, 400, {
          error: 'invalid_fault',
          expected:
            '{ method, path, status?: 429 | 500 | 503, latencyMs?, times?, resetSeconds? } with a status or a latency',
        });
        return;
      }
      faults.push({
        method: body.method.toUpperCase(),
        path: body.path,
        status,
        latencyMs,
        remaining: typeof body.times === 'number' ? body.times : 1,
        resetSeconds:
          body.resetSeconds === null
            ? null
            : typeof body.resetSeconds === 'number'
              ? body.resetSeconds
              : 0,
      });
      send(response, 201, { faults: faults.length });
      return;
    }
    if (request.method === 'DELETE' && path === '/__sandbox/faults') {
      faults.length = 0;
      send(response, 204, undefined);
      return;
    }
    send(response, 404, { error: 'unknown_control_route' });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', orgUrl);
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/__sandbox/')) {
      await handleControl(request, response, url.pathname);
      return;
    }
    // Every answer on Okta's paths goes through here, so the conformance step sees them all.
    const reply = (
      status: number,
      body: unknown,
      headers: Record<string, string | string[]> = {},
    ) => {
      send(response, status, body, headers);
      record?.({
        method,
        path: url.pathname,
        query: url.search,
        status,
        contentType: 'application/json',
        body: body ?? null,
      });
    };
    const limits = rateLimitHeaders();
    const fault = takeFault(method, url.pathname);
    if (fault !== undefined && fault.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    }
    if (fault?.status !== undefined) {
      if (fault.status === 429) {
        const nowSeconds = Math.floor(clock().getTime() / 1000);
        const { body } = OKTA_ERRORS.rateLimited();
        reply(429, body, {
          'X-Rate-Limit-Limit': String(DEFAULT_RATE_LIMIT),
          'X-Rate-Limit-Remaining': '0',
          ...(fault.resetSeconds === null
            ? {}
            : { 'X-Rate-Limit-Reset': String(nowSeconds + fault.resetSeconds) }),
        });
      } else {
        reply(fault.status, OKTA_ERRORS.internal().body, limits);
      }
      return;
    }
    const caller = callerOf(request);
    if (caller === undefined) {
      const { status, body } = OKTA_ERRORS.invalidToken();
      reply(status, body, limits);
      return;
    }
    const candidates = ROUTES.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method);
    if (route === undefined) {
      const { status, body } =
        candidates.length > 0 ? OKTA_ERRORS.methodNotAllowed() : OKTA_ERRORS.pathNotFound();
      reply(status, body, limits);
      return;
    }
    const mayCall =
      route.allowedRoles === 'any' ||
      caller.adminRoles.some((role) =>
        (route.allowedRoles as readonly string[]).includes(role.type),
      );
    if (!mayCall) {
      const { status, body } = OKTA_ERRORS.accessDenied();
      reply(status, body, limits);
      return;
    }
    const params = route.pattern.exec(url.pathname)?.groups ?? {};
    let body: unknown = {};
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      try {
        body = await readJsonBody(request);
      } catch {
        const { status, body: error } = OKTA_ERRORS.malformedBody();
        reply(status, error, limits);
        return;
      }
    }
    const result = route.handle({
      org,
      orgUrl,
      url,
      caller,
      params: Object.fromEntries(
        Object.entries(params).map(([key, value]) => [key, decodeURIComponent(value)]),
      ),
      query: url.searchParams,
      body,
      now: clock(),
    });
    reply(result.status, result.body, {
      ...limits,
      ...('headers' in result ? result.headers : {}),
    });
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
    if (method !== 'GET' && method !== 'HEAD' && response.statusCode < 400) {
      markDirty();
    }
  }

  const server = createServer((request, response) => {
    handleAndNoteChange(request, response).catch((error: unknown) => {
      if (error instanceof SyntaxError || error instanceof BodyTooLargeError) {
        const { status, body } = OKTA_ERRORS.malformedBody();
        send(response, status, body);
        return;
      }
      const { status, body } = OKTA_ERRORS.internal();
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
  return {
    orgUrl,
    apiToken: adminToken,
    org,
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

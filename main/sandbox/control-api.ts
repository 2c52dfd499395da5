import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultStore } from './faults.ts';
import { logClientOf, readJsonBody, type SendJson } from './http-exchange.ts';
import { oauthClientView } from './oidc/okta-oauth-rules.ts';
import {
  RELYING_PARTY_MISBEHAVIOURS,
  type RelyingPartyFaultStore,
} from './oidc/relying-party-faults.ts';
import { type RateLimiter, resolveRateLimits } from './rate-limits.ts';
import type { SandboxClock } from './sandbox-clock.ts';
import {
  addUserWithToken,
  ADMIN_ROLE_TYPES,
  type AdminRoleType,
  type SandboxOrg,
} from './sandbox-org.ts';
import { addSignInHistory, DEFAULT_HISTORY_DAYS, MAX_SIGN_IN_HISTORY } from './sign-in-history.ts';
import { apiTokenId, appendLogEvent, userActor } from './system-log.ts';

/** What the control API works on. */
export interface ControlApiDependencies {
  org: SandboxOrg;
  faults: FaultStore;
  /** The OIDC side's misbehaviours, for relying-party tests. */
  relyingPartyFaults: RelyingPartyFaultStore;
  rateLimiter: RateLimiter;
  clock: SandboxClock;
  /** The org's URL (known once the server listens), for the issuer in logged OAuth events. */
  orgUrl: () => string;
  send: SendJson;
  /** Whether the request carries the sandbox admin token. */
  isSandboxAdmin(request: IncomingMessage): boolean;
  newRequestId(): string;
}

/** The control routes, for the 404 that lists them. */
const CONTROL_ROUTES = [
  'POST /__sandbox/api-tokens',
  'GET|POST|DELETE /__sandbox/faults',
  'GET|POST|DELETE /__sandbox/oidc-faults',
  'GET|PUT /__sandbox/rate-limits',
  'GET|PUT /__sandbox/clock',
  'POST /__sandbox/sign-in-history',
];

function isAdminRoleType(value: unknown): value is AdminRoleType {
  return typeof value === 'string' && (ADMIN_ROLE_TYPES as readonly string[]).includes(value);
}

type ControlHandler = (
  request: IncomingMessage,
  body: unknown,
) => {
  status: number;
  body: unknown;
};

/**
 * The sandbox-only control API under `/__sandbox/`: tokens for test users, faults (the
 * management API's, and the OIDC side's for relying-party tests), rate limits and the clock.
 *
 * @remarks
 * Never mixed into Okta's paths, and refused (401) without the sandbox admin token — the token
 * printed at start, which acts as the org's first super admin. Its answers are plain JSON, not
 * Okta error objects: bad input says what is wrong and the shape expected.
 */
export function createControlApi(
  deps: ControlApiDependencies,
): (request: IncomingMessage, response: ServerResponse, path: string) => Promise<void> {
  const { org, faults, relyingPartyFaults, rateLimiter, clock } = deps;

  const clockState = () => ({
    offsetSeconds: clock.offsetSeconds(),
    now: clock.now().toISOString(),
  });

  const handlers: Record<string, Partial<Record<string, ControlHandler>>> = {
    '/__sandbox/api-tokens': {
      POST(request, input) {
        const body = (input ?? {}) as Record<string, unknown>;
        const roles = Array.isArray(body.adminRoles) ? body.adminRoles : [];
        if (!roles.every(isAdminRoleType)) {
          return {
            status: 400,
            body: {
              error: 'invalid_roles',
              message: 'adminRoles holds a role type the sandbox does not know.',
              allowed: ADMIN_ROLE_TYPES,
            },
          };
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
          now: clock.now(),
        });
        const tokenId = apiTokenId(token);
        appendLogEvent(org, {
          eventType: 'system.api_token.create',
          actor: userActor(user),
          client: logClientOf(request, deps.newRequestId()),
          target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: login }],
        });
        return { status: 201, body: { userId: user.id, login, apiToken: token } };
      },
    },
    '/__sandbox/faults': {
      GET: () => ({ status: 200, body: { faults: faults.list() } }),
      POST(_request, body) {
        const added = faults.add(body);
        return added.ok
          ? { status: 201, body: { id: added.fault.id, faults: faults.list().length } }
          : {
              status: 400,
              body: { error: 'invalid_fault', message: added.problem, expected: added.expected },
            };
      },
      DELETE() {
        faults.clear();
        return { status: 204, body: undefined };
      },
    },
    '/__sandbox/oidc-faults': {
      GET: () => ({
        status: 200,
        body: {
          ...relyingPartyFaults.list(),
          misbehaviours: Object.fromEntries(
            Object.entries(RELYING_PARTY_MISBEHAVIOURS).map(([name, { changes, does }]) => [
              name,
              `${changes}: ${does}`,
            ]),
          ),
        },
      }),
      POST(_request, body) {
        const added = relyingPartyFaults.add(body);
        return added.ok
          ? {
              status: 201,
              body: {
                id: added.fault.id,
                misbehaviour: added.fault.misbehaviour,
                faults: relyingPartyFaults.list().faults.length,
              },
            }
          : {
              status: 400,
              body: {
                error: 'invalid_oidc_fault',
                message: added.problem,
                expected: added.expected,
              },
            };
      },
      DELETE() {
        relyingPartyFaults.clear();
        return { status: 204, body: undefined };
      },
    },
    '/__sandbox/rate-limits': {
      GET: () => ({ status: 200, body: rateLimiter.limits() }),
      PUT(_request, body) {
        const resolved = resolveRateLimits(body);
        if (!resolved.ok) {
          return {
            status: 400,
            body: {
              error: 'invalid_rate_limits',
              message: resolved.problem,
              expected: resolved.expected,
            },
          };
        }
        rateLimiter.configure(resolved.limits);
        return { status: 200, body: rateLimiter.limits() };
      },
    },
    '/__sandbox/sign-in-history': {
      // Past sign-ins of one app in the System Log (sign-in-history.ts), for trying the
      // console's sign-in activity on many of them.
      POST(_request, input) {
        const body = (input ?? {}) as { appId?: unknown; entries?: unknown; days?: unknown };
        const expected = `{ appId: string, entries: 0…${String(MAX_SIGN_IN_HISTORY)}, days?: number (default ${String(DEFAULT_HISTORY_DAYS)}) }`;
        const app = typeof body.appId === 'string' ? org.apps.get(body.appId) : undefined;
        if (app === undefined || oauthClientView(app) === undefined) {
          return {
            status: 400,
            body: {
              error: 'invalid_sign_in_history',
              message: 'appId must be the id of an OIDC app in the org.',
              expected,
            },
          };
        }
        const entries = body.entries;
        const days = body.days ?? DEFAULT_HISTORY_DAYS;
        if (
          typeof entries !== 'number' ||
          !Number.isInteger(entries) ||
          entries < 0 ||
          entries > MAX_SIGN_IN_HISTORY ||
          typeof days !== 'number' ||
          !Number.isFinite(days) ||
          days <= 0
        ) {
          return {
            status: 400,
            body: {
              error: 'invalid_sign_in_history',
              message: `entries must be a whole number from 0 to ${String(MAX_SIGN_IN_HISTORY)}, and days a positive number.`,
              expected,
            },
          };
        }
        const summary = addSignInHistory(org, {
          app,
          entries,
          days,
          now: clock.now(),
          orgUrl: deps.orgUrl(),
        });
        return { status: 201, body: summary };
      },
    },
    '/__sandbox/clock': {
      GET: () => ({ status: 200, body: clockState() }),
      PUT(_request, body) {
        const offset = (body as { offsetSeconds?: unknown } | null)?.offsetSeconds;
        if (typeof offset !== 'number' || !Number.isFinite(offset)) {
          return {
            status: 400,
            body: {
              error: 'invalid_clock',
              message: 'offsetSeconds must be a number of seconds (negative moves the clock back).',
              expected: '{ offsetSeconds: number }',
            },
          };
        }
        clock.setOffsetSeconds(offset);
        return { status: 200, body: clockState() };
      },
    },
  };

  return async (request, response, path) => {
    if (!deps.isSandboxAdmin(request)) {
      deps.send(response, 401, {
        error: 'sandbox_admin_token_required',
        message:
          'The /__sandbox/ control API needs the sandbox admin token: Authorization: SSWS <apiToken printed at start>.',
      });
      return;
    }
    const routes = handlers[path];
    if (routes === undefined) {
      deps.send(response, 404, {
        error: 'unknown_control_route',
        message: `${path} is not a control route.`,
        routes: CONTROL_ROUTES,
      });
      return;
    }
    const method = request.method ?? 'GET';
    const handler = routes[method];
    if (handler === undefined) {
      deps.send(
        response,
        405,
        {
          error: 'method_not_allowed',
          message: `${path} accepts ${Object.keys(routes).join(', ')}, not ${method}.`,
        },
        { Allow: Object.keys(routes).join(', ') },
      );
      return;
    }
    let body: unknown = undefined;
    if (method === 'POST' || method === 'PUT') {
      try {
        body = await readJsonBody(request);
      } catch (error) {
        deps.send(response, 400, {
          error: 'invalid_json',
          message: `The body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        });
        return;
      }
    }
    const result = handler(request, body);
    deps.send(response, result.status, result.body);
  };
}

import { sameOrigin } from '../../../shared/okta/trusted-origin-match.ts';
import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxTrustedOrigin } from '../sandbox-org.ts';
import { adminChange, trustedOriginTarget } from '../system-log.ts';
import { applyFilter, pagedResponse, supportedFilter, validationFailed } from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';

const READERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'] as const;
const WRITERS = ['SUPER_ADMIN', 'ORG_ADMIN'] as const;
const SCOPE_TYPES = new Set(['CORS', 'REDIRECT', 'IFRAME_EMBED']);
/** Okta accepts these schemes for trusted origins (okta-behaviours.md §3). */
const ORIGIN_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ionic:', 'capacitor:']);
/** `scheme://host[:port]`, and at most a `/` after it: no path, query, fragment or credentials. */
const BARE_ORIGIN = /^[a-z][\d+.a-z-]*:\/\/[^\s#/?@]+\/?$/i;

function render(origin: SandboxTrustedOrigin, orgUrl: string) {
  const self = `${orgUrl}/api/v1/trustedOrigins/${origin.id}`;
  const action = origin.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    ...origin,
    _links: {
      self: { href: self, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
      [action]: { href: `${self}/lifecycle/${action}`, hints: { allow: ['POST'] } },
    },
  };
}

/** What a create or a replace sets. */
type TrustedOriginInput = Pick<SandboxTrustedOrigin, 'name' | 'origin' | 'scopes'>;

/**
 * The scheme, host and port of a trusted origin as sent, or `undefined` when it is not just
 * that (a path other than `/`, a query, a fragment, credentials, a scheme Okta does not take).
 */
function parseOrigin(value: unknown): URL | undefined {
  if (typeof value !== 'string' || !BARE_ORIGIN.test(value) || !URL.canParse(value)) {
    return undefined;
  }
  const url = new URL(value);
  return ORIGIN_SCHEMES.has(url.protocol) && url.host !== '' ? url : undefined;
}

/**
 * Whether a trusted origin, as stored, is the origin a browser names in its `Origin` header
 * (scheme, host and port, never a path): `https://app.example/` is the origin
 * `https://app.example`. Okta keeps the origin as sent (okta-behaviours.md §3); that it matches
 * CORS requests the same way is **(unverified)**.
 */
export function trustedOriginMatches(stored: string, requestOrigin: string): boolean {
  // The same rule the console matches by (shared), for values that are origins at all.
  return (
    parseOrigin(stored) !== undefined &&
    URL.canParse(requestOrigin) &&
    sameOrigin(stored, requestOrigin)
  );
}

/** Reads and checks a trusted origin from a request body. */
function readInput(
  context: RouteContext,
  selfId: string | null,
): { ok: false; error: RouteResult } | { ok: true; value: TrustedOriginInput } {
  const body = (context.body ?? {}) as { name?: unknown; origin?: unknown; scopes?: unknown };
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    return { ok: false, error: validationFailed('name', 'The field cannot be left blank') };
  }
  const origin = body.origin;
  if (typeof origin !== 'string' || parseOrigin(origin) === undefined) {
    return {
      ok: false,
      error: validationFailed(
        'origin',
        'The origin must be a scheme, a host and an optional port, such as https://example.com',
      ),
    };
  }
  // Kept as sent, a trailing `/` included (okta-behaviours.md §3); so a duplicate is the same text.
  if (
    [...context.org.trustedOrigins.values()].some(
      (other) => other.id !== selfId && other.origin === origin,
    )
  ) {
    return {
      ok: false,
      error: validationFailed(
        'origin',
        'An object with this field already exists in the current organization',
      ),
    };
  }
  const scopes = Array.isArray(body.scopes) ? (body.scopes as { type?: unknown }[]) : [];
  if (
    scopes.length === 0 ||
    !scopes.every((scope) => typeof scope.type === 'string' && SCOPE_TYPES.has(scope.type))
  ) {
    return {
      ok: false,
      error: validationFailed(
        'scopes',
        'At least one scope of type CORS, REDIRECT or IFRAME_EMBED is required',
      ),
    };
  }
  return {
    ok: true,
    value: {
      name: body.name,
      origin,
      scopes: scopes as SandboxTrustedOrigin['scopes'],
    },
  };
}

/**
 * What `listTrustedOrigins` may filter on: "`name`, `origin`, `status`, and `type` (type of
 * scopes)" (management.yaml), compared with `eq` — the one operator its example uses; others are
 * **(unverified)** and refused, as an attribute outside the four is, with `E0000031`.
 */
const ORIGIN_FILTER = supportedFilter(['name', 'origin', 'status', 'type'], ['eq']);

/** A trusted origin as its `filter` sees it: `type` holds the type of each of its scopes. */
function filterSubject(origin: SandboxTrustedOrigin) {
  return {
    name: origin.name,
    origin: origin.origin,
    status: origin.status,
    type: origin.scopes.map((scope) => scope.type),
  };
}

function originOf(context: RouteContext) {
  return context.org.trustedOrigins.get(context.params.trustedOriginId ?? '');
}

function notFound(context: RouteContext) {
  return OKTA_ERRORS.notFound(context.params.trustedOriginId ?? '', 'TrustedOrigin');
}

const ONE = '^\\/api\\/v1\\/trustedOrigins\\/(?<trustedOriginId>[^/]+)';

/** The trusted-origins API: list, create, get, replace, delete, activate, deactivate. */
export const TRUSTED_ORIGIN_ROUTES: readonly Route[] = [
  {
    operationId: 'listTrustedOrigins',
    queryParameters: ['q', 'filter', 'after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/trustedOrigins$/,
    allowedRoles: READERS,
    handle(context) {
      let origins = [...context.org.trustedOrigins.values()];
      const q = context.query.get('q');
      if (q !== null) {
        const prefix = q.toLowerCase();
        origins = origins.filter(
          (o) =>
            o.name.toLowerCase().startsWith(prefix) || o.origin.toLowerCase().startsWith(prefix),
        );
      }
      const filtered = applyFilter(
        origins,
        context.query.get('filter'),
        filterSubject,
        ORIGIN_FILTER,
      );
      if (!filtered.ok) {
        return filtered.error;
      }
      return pagedResponse(
        context,
        filtered.items,
        { default: 20, max: 200 },
        (o) => o.id,
        (o) => render(o, context.orgUrl),
      );
    },
  },
  {
    operationId: 'createTrustedOrigin',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/trustedOrigins$/,
    allowedRoles: WRITERS,
    handle(context) {
      const input = readInput(context, null);
      if (!input.ok) {
        return input.error;
      }
      const now = context.now.toISOString();
      const origin: SandboxTrustedOrigin = {
        id: oktaId('tos'),
        ...input.value,
        status: 'ACTIVE',
        created: now,
        createdBy: context.caller.id,
        lastUpdated: now,
        lastUpdatedBy: context.caller.id,
      };
      context.org.trustedOrigins.set(origin.id, origin);
      return {
        status: 200,
        body: render(origin, context.orgUrl),
        events: [adminChange('security.trusted_origin.create', trustedOriginTarget(origin))],
      };
    },
  },
  {
    operationId: 'getTrustedOrigin',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: READERS,
    handle(context) {
      const origin = originOf(context);
      return origin === undefined
        ? notFound(context)
        : { status: 200, body: render(origin, context.orgUrl) };
    },
  },
  {
    operationId: 'replaceTrustedOrigin',
    queryParameters: [],
    method: 'PUT',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: WRITERS,
    handle(context) {
      const origin = originOf(context);
      if (origin === undefined) {
        return notFound(context);
      }
      const input = readInput(context, origin.id);
      if (!input.ok) {
        return input.error;
      }
      Object.assign(origin, input.value, {
        lastUpdated: context.now.toISOString(),
        lastUpdatedBy: context.caller.id,
      });
      return {
        status: 200,
        body: render(origin, context.orgUrl),
        events: [adminChange('security.trusted_origin.update', trustedOriginTarget(origin))],
      };
    },
  },
  {
    operationId: 'deleteTrustedOrigin',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: WRITERS,
    handle(context) {
      const origin = originOf(context);
      if (origin === undefined) {
        return notFound(context);
      }
      context.org.trustedOrigins.delete(origin.id);
      return {
        status: 204,
        body: undefined,
        events: [adminChange('security.trusted_origin.delete', trustedOriginTarget(origin))],
      };
    },
  },
  ...(['activate', 'deactivate'] as const).map((action): Route => ({
    operationId: `${action}TrustedOrigin`,
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${ONE}\\/lifecycle\\/${action}$`),
    allowedRoles: WRITERS,
    handle(context) {
      const origin = originOf(context);
      if (origin === undefined) {
        return notFound(context);
      }
      origin.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
      origin.lastUpdated = context.now.toISOString();
      origin.lastUpdatedBy = context.caller.id;
      return {
        status: 200,
        body: render(origin, context.orgUrl),
        events: [adminChange(`security.trusted_origin.${action}`, trustedOriginTarget(origin))],
      };
    },
  })),
];

import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxTrustedOrigin } from '../sandbox-org.ts';
import { adminChange, trustedOriginTarget } from '../system-log.ts';
import { applyFilter, pagedResponse, validationFailed } from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';

const READERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'] as const;
const WRITERS = ['SUPER_ADMIN', 'ORG_ADMIN'] as const;
const SCOPE_TYPES = new Set(['CORS', 'REDIRECT', 'IFRAME_EMBED']);
/** Okta accepts these schemes for trusted origins (okta-behaviours.md §3). */
const ORIGIN_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ionic:', 'capacitor:']);

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

/** Reads and checks a trusted origin from a request body. */
type TrustedOriginInput = Pick<SandboxTrustedOrigin, 'name' | 'origin' | 'scopes'>;

function readInput(
  context: RouteContext,
  selfId: string | null,
): { ok: false; error: RouteResult } | { ok: true; value: TrustedOriginInput } {
  const body = (context.body ?? {}) as { name?: unknown; origin?: unknown; scopes?: unknown };
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    return { ok: false, error: validationFailed('name', 'The field cannot be left blank') };
  }
  let origin: URL | undefined;
  try {
    origin = typeof body.origin === 'string' ? new URL(body.origin) : undefined;
  } catch {
    origin = undefined;
  }
  if (
    origin === undefined ||
    !ORIGIN_SCHEMES.has(origin.protocol) ||
    (origin.pathname !== '/' && origin.pathname !== '')
  ) {
    return {
      ok: false,
      error: validationFailed(
        'origin',
        'The origin must be a scheme, a host and an optional port, such as https://example.com',
      ),
    };
  }
  const normalised = `${origin.protocol}//${origin.host}`;
  if (
    [...context.org.trustedOrigins.values()].some(
      (other) => other.id !== selfId && other.origin === normalised,
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
      origin: normalised,
      scopes: scopes as SandboxTrustedOrigin['scopes'],
    },
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
      const filtered = applyFilter(origins, context.query.get('filter'), (o) => o);
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

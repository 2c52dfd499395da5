import { createPublicKey } from 'node:crypto';

import { asObject, type JsonObject, textOf } from '../../platform/json.ts';
import { oktaId } from '../okta-ids.ts';
import { newSigningKey, type SandboxAuthServer, type SandboxOrg } from '../sandbox-org.ts';
import { adminChange, authServerTarget } from '../system-log.ts';
import { AUTH_SERVER_ITEM_ROUTES } from './authorization-server-items.ts';
import {
  AS_LIST_LIMITS,
  AUTH_SERVER_READERS,
  AUTH_SERVER_WRITERS,
  isResult,
  serverNotFound,
  serverOf,
} from './authorization-server-shared.ts';
import { pagedResponse, validationFailed } from './list-responses.ts';
import type { Route, RouteResult } from './route.ts';

/** The scopes every custom authorization server has (okta-behaviours.md §1). */
const SYSTEM_SCOPES: readonly [string, string][] = [
  ['openid', 'Signals that a request is an OpenID request.'],
  ['profile', "Allows access to the user's profile."],
  ['email', "Allows access to the user's email address."],
  ['address', "Allows access to the user's address."],
  ['phone', "Allows access to the user's phone number."],
  ['offline_access', 'Allows the app to request refresh tokens.'],
];

function newServerSigningKey(now: string): SandboxAuthServer['signingKey'] {
  const { kid, privateKeyPem } = newSigningKey();
  const publicJwk = createPublicKey(privateKeyPem).export({ format: 'jwk' });
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
    privateKeyPem,
    created: now,
  };
}

function scopeRecord(name: string, description: string, system: boolean): JsonObject {
  return {
    id: oktaId('scp'),
    name,
    description,
    system,
    default: false,
    consent: 'IMPLICIT',
    metadataPublish: system ? 'ALL_CLIENTS' : 'NO_CLIENTS',
    optional: false,
  };
}

/**
 * Creates an authorization server with Okta's starting content: the system scopes, and — for
 * `default` — the "Default Policy" with a rule that admits every client and user.
 */
export function createAuthServer(
  org: SandboxOrg,
  options: {
    id: string;
    name: string;
    description: string;
    audiences: string[];
    now: Date;
    withDefaultPolicy: boolean;
  },
): SandboxAuthServer {
  const stamp = options.now.toISOString();
  const server: SandboxAuthServer = {
    id: options.id,
    record: {
      name: options.name,
      description: options.description,
      audiences: options.audiences,
      status: 'ACTIVE',
      created: stamp,
      lastUpdated: stamp,
    },
    scopes: new Map(),
    claims: new Map(),
    policies: new Map(),
    rules: new Map(),
    signingKey: newServerSigningKey(stamp),
  };
  for (const [name, description] of SYSTEM_SCOPES) {
    const scope = scopeRecord(name, description, true);
    server.scopes.set(scope.id as string, scope);
  }
  if (options.withDefaultPolicy) {
    const policyId = oktaId('00p');
    const ruleId = oktaId('0pr');
    server.policies.set(policyId, {
      id: policyId,
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: 'Default Policy',
      description: 'Default policy description',
      status: 'ACTIVE',
      priority: 1,
      system: false,
      conditions: { clients: { include: ['ALL_CLIENTS'] } },
      created: stamp,
      lastUpdated: stamp,
    });
    const rule: JsonObject = {
      id: ruleId,
      type: 'RESOURCE_ACCESS',
      name: 'Default Policy Rule',
      status: 'ACTIVE',
      priority: 1,
      system: false,
      conditions: {
        people: { groups: { include: ['EVERYONE'] } },
        grantTypes: {
          include: ['implicit', 'client_credentials', 'authorization_code', 'password'],
        },
        scopes: { include: ['*'] },
      },
      actions: {
        token: {
          accessTokenLifetimeMinutes: 60,
          refreshTokenLifetimeMinutes: 0,
          refreshTokenWindowMinutes: 10080,
        },
      },
      created: stamp,
      lastUpdated: stamp,
    };
    server.rules.set(policyId, new Map([[ruleId, rule]]));
  }
  org.authServers.set(server.id, server);
  return server;
}

function renderServer(server: SandboxAuthServer, orgUrl: string): JsonObject {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}`;
  const action = server.record.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    id: server.id,
    ...server.record,
    issuer: `${orgUrl}/oauth2/${server.id}`,
    issuerMode: 'ORG_URL',
    credentials: {
      signing: {
        kid: server.signingKey.kid,
        lastRotated: server.signingKey.created,
        rotationMode: 'AUTO',
        use: 'sig',
      },
    },
    _links: {
      self: { href: self },
      scopes: { href: `${self}/scopes` },
      claims: { href: `${self}/claims` },
      policies: { href: `${self}/policies` },
      [action]: { href: `${self}/lifecycle/${action}`, hints: { allow: ['POST'] } },
    },
  };
}

function readServerInput(
  input: JsonObject,
): { name: string; description: string; audiences: string[] } | RouteResult {
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    return validationFailed('name', 'The field cannot be left blank');
  }
  const audiences = input.audiences;
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    !audiences.every((audience) => typeof audience === 'string')
  ) {
    return validationFailed('audiences', 'At least one audience is required');
  }
  return {
    name: input.name,
    description: textOf(input.description),
    audiences,
  };
}

const ONE = '^\\/api\\/v1\\/authorizationServers\\/(?<authServerId>[^/]+)';

/** The authorization servers API, with scopes, claims, policies, rules and signing keys. */
export const AUTHORIZATION_SERVER_ROUTES: readonly Route[] = [
  {
    operationId: 'listAuthorizationServers',
    queryParameters: ['q', 'after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/authorizationServers$/,
    allowedRoles: AUTH_SERVER_READERS,
    handle(context) {
      let servers = [...context.org.authServers.values()];
      const q = context.query.get('q');
      if (q !== null) {
        const prefix = q.toLowerCase();
        servers = servers.filter(
          (server) =>
            String(server.record.name).toLowerCase().startsWith(prefix) ||
            (server.record.audiences as string[]).some((audience) =>
              audience.toLowerCase().startsWith(prefix),
            ),
        );
      }
      return pagedResponse(
        context,
        servers,
        AS_LIST_LIMITS,
        (server) => server.id,
        (server) => renderServer(server, context.orgUrl),
      );
    },
  },
  {
    operationId: 'createAuthorizationServer',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/authorizationServers$/,
    allowedRoles: AUTH_SERVER_WRITERS,
    handle(context) {
      const input = readServerInput(asObject(context.body));
      if (isResult(input)) {
        return input;
      }
      const server = createAuthServer(context.org, {
        id: oktaId('aus'),
        ...input,
        now: context.now,
        withDefaultPolicy: false,
      });
      return {
        status: 201,
        body: renderServer(server, context.orgUrl),
        events: [adminChange('oauth2.as.created', authServerTarget(server))],
      };
    },
  },
  {
    operationId: 'getAuthorizationServer',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: AUTH_SERVER_READERS,
    handle(context) {
      const server = serverOf(context);
      return server === undefined
        ? serverNotFound(context)
        : { status: 200, body: renderServer(server, context.orgUrl) };
    },
  },
  {
    operationId: 'replaceAuthorizationServer',
    queryParameters: [],
    method: 'PUT',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: AUTH_SERVER_WRITERS,
    handle(context) {
      const server = serverOf(context);
      if (server === undefined) {
        return serverNotFound(context);
      }
      const input = readServerInput(asObject(context.body));
      if (isResult(input)) {
        return input;
      }
      Object.assign(server.record, input, { lastUpdated: context.now.toISOString() });
      return {
        status: 200,
        body: renderServer(server, context.orgUrl),
        events: [adminChange('oauth2.as.updated', authServerTarget(server))],
      };
    },
  },
  {
    operationId: 'deleteAuthorizationServer',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${ONE}$`),
    allowedRoles: AUTH_SERVER_WRITERS,
    handle(context) {
      const server = serverOf(context);
      if (server === undefined) {
        return serverNotFound(context);
      }
      context.org.authServers.delete(server.id);
      return {
        status: 204,
        body: undefined,
        events: [adminChange('oauth2.as.deleted', authServerTarget(server))],
      };
    },
  },
  ...(['activate', 'deactivate'] as const).map((action): Route => ({
    operationId: `${action}AuthorizationServer`,
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${ONE}\\/lifecycle\\/${action}$`),
    allowedRoles: AUTH_SERVER_WRITERS,
    handle(context) {
      const server = serverOf(context);
      if (server === undefined) {
        return serverNotFound(context);
      }
      server.record.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
      server.record.lastUpdated = context.now.toISOString();
      return {
        status: 204,
        body: undefined,
        events: [adminChange(`oauth2.as.${action}d`, authServerTarget(server))],
      };
    },
  })),
  {
    operationId: 'listAuthorizationServerKeys',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${ONE}\\/credentials\\/keys$`),
    allowedRoles: AUTH_SERVER_READERS,
    handle(context) {
      const server = serverOf(context);
      if (server === undefined) {
        return serverNotFound(context);
      }
      return { status: 200, body: [{ ...server.signingKey.publicJwk, status: 'ACTIVE' }] };
    },
  },
  ...AUTH_SERVER_ITEM_ROUTES,
];

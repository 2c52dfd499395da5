import { asObject, stringOf } from '../../platform/json.ts';
import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import { OKTA_API_SCOPES } from '../operation-scopes.ts';
import {
  ADMIN_ROLE_TYPES,
  type AdminRoleType,
  roleLabel,
  type SandboxApp,
  type SandboxScopeGrant,
} from '../sandbox-org.ts';
import { adminChange, appTarget } from '../system-log.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf } from './app-shared.ts';
import { validationFailed } from './list-responses.ts';
import type { Route, RouteContext } from './route.ts';

/**
 * An app's Okta API scopes and admin roles: the grants that let a service app's access tokens
 * carry `okta.*` scopes (`/api/v1/apps/{appId}/grants`), and the admin roles that bound what
 * those tokens may do (`/oauth2/v1/clients/{clientId}/roles`).
 */

/** Roles that may read and assign admin roles: Okta reserves role assignment to super admins. */
const ROLE_ASSIGNERS: readonly AdminRoleType[] = ['SUPER_ADMIN'];
const ROLE_READERS: readonly AdminRoleType[] = ['SUPER_ADMIN', 'ORG_ADMIN'];

function renderGrant(app: SandboxApp, grant: SandboxScopeGrant, orgUrl: string) {
  const self = `${orgUrl}/api/v1/apps/${app.id}/grants/${grant.id}`;
  return {
    id: grant.id,
    issuer: orgUrl,
    scopeId: grant.scopeId,
    clientId: clientIdOf(app),
    source: 'ADMIN',
    status: 'ACTIVE',
    created: grant.created,
    lastUpdated: grant.lastUpdated,
    createdBy: { id: grant.createdBy, type: 'User' },
    _links: {
      self: { href: self, hints: { allow: ['GET', 'DELETE'] } },
      app: { href: `${orgUrl}/api/v1/apps/${app.id}` },
      scope: { href: `${orgUrl}/api/v1/scopes/${grant.scopeId}` },
    },
  };
}

function clientIdOf(app: SandboxApp): string {
  return stringOf(asObject(asObject(app.record.credentials).oauthClient).client_id) ?? app.id;
}

function grantOf(context: RouteContext, app: SandboxApp): SandboxScopeGrant | undefined {
  return app.scopeGrants?.get(context.params.grantId ?? '');
}

/** The OIDC app whose client id the path names (`/oauth2/v1/clients/{clientId}`). */
function clientAppOf(context: RouteContext): SandboxApp | undefined {
  const clientId = context.params.clientId ?? '';
  for (const app of context.org.apps.values()) {
    if (app.record.signOnMode === 'OPENID_CONNECT' && clientIdOf(app) === clientId) {
      return app;
    }
  }
  return undefined;
}

function renderClientRole(
  app: SandboxApp,
  role: { id: string; type: AdminRoleType; created: string },
  orgUrl: string,
) {
  return {
    id: role.id,
    label: roleLabel(role.type),
    type: role.type,
    status: 'ACTIVE',
    created: role.created,
    lastUpdated: role.created,
    assignmentType: 'CLIENT',
    _links: { assignee: { href: `${orgUrl}/oauth2/v1/clients/${clientIdOf(app)}` } },
  };
}

const CLIENT = '^\\/oauth2\\/v1\\/clients\\/(?<clientId>[^/]+)';

/** The app grants and client role routes. */
export const APP_GRANT_ROUTES: readonly Route[] = [
  {
    operationId: 'listScopeConsentGrants',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/grants$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return {
        status: 200,
        body: [...(app.scopeGrants?.values() ?? [])].map((grant) =>
          renderGrant(app, grant, context.orgUrl),
        ),
      };
    },
  },
  {
    operationId: 'grantConsentToScope',
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${APP}\\/grants$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const body = asObject(context.body);
      const scopeId = stringOf(body.scopeId);
      const issuer = stringOf(body.issuer);
      if (issuer === undefined || issuer === '') {
        return validationFailed('issuer', 'The field cannot be left blank.');
      }
      if (issuer.replace(/\/$/, '') !== context.orgUrl) {
        // Okta API scopes are granted on the org authorization server only, whose issuer is the
        // org URL.
        return validationFailed('issuer', `The issuer must be ${context.orgUrl}.`);
      }
      if (scopeId === undefined || !OKTA_API_SCOPES.has(scopeId)) {
        return validationFailed('scopeId', `${scopeId ?? '(none)'} is not an Okta API scope.`);
      }
      app.scopeGrants ??= new Map();
      const existing = [...app.scopeGrants.values()].find((grant) => grant.scopeId === scopeId);
      if (existing !== undefined) {
        // Granting an already granted scope again changes nothing: answer with the grant.
        return { status: 201, body: renderGrant(app, existing, context.orgUrl) };
      }
      const now = context.now.toISOString();
      const grant: SandboxScopeGrant = {
        id: oktaId('oag'),
        scopeId,
        createdBy: context.caller.id,
        created: now,
        lastUpdated: now,
      };
      app.scopeGrants.set(grant.id, grant);
      return {
        status: 201,
        body: renderGrant(app, grant, context.orgUrl),
        events: [adminChange('app.oauth2.admin.consent.grant', appTarget(app), { scopeId })],
      };
    },
  },
  {
    operationId: 'getScopeConsentGrant',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/grants\\/(?<grantId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const grant = grantOf(context, app);
      return grant === undefined
        ? OKTA_ERRORS.notFound(context.params.grantId ?? '', 'OAuth2ScopeConsentGrant')
        : { status: 200, body: renderGrant(app, grant, context.orgUrl) };
    },
  },
  {
    operationId: 'revokeScopeConsentGrant',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/grants\\/(?<grantId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const grant = grantOf(context, app);
      if (grant === undefined) {
        return OKTA_ERRORS.notFound(context.params.grantId ?? '', 'OAuth2ScopeConsentGrant');
      }
      app.scopeGrants?.delete(grant.id);
      return {
        status: 204,
        body: undefined,
        events: [
          adminChange('app.oauth2.admin.consent.revoke', appTarget(app), {
            scopeId: grant.scopeId,
          }),
        ],
      };
    },
  },
  {
    operationId: 'listRolesForClient',
    queryParameters: [],
    method: 'GET',
    pattern: new RegExp(`${CLIENT}\\/roles$`),
    allowedRoles: ROLE_READERS,
    handle(context) {
      const app = clientAppOf(context);
      if (app === undefined) {
        return OKTA_ERRORS.notFound(context.params.clientId ?? '', 'Client');
      }
      return {
        status: 200,
        body: (app.adminRoles ?? []).map((role) => renderClientRole(app, role, context.orgUrl)),
      };
    },
  },
  {
    operationId: 'assignRoleToClient',
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${CLIENT}\\/roles$`),
    allowedRoles: ROLE_ASSIGNERS,
    handle(context) {
      const app = clientAppOf(context);
      if (app === undefined) {
        return OKTA_ERRORS.notFound(context.params.clientId ?? '', 'Client');
      }
      const type = stringOf(asObject(context.body).type);
      if (!(ADMIN_ROLE_TYPES as readonly string[]).includes(type ?? '')) {
        return validationFailed('type', `Unknown role type: ${type ?? '(none)'}.`);
      }
      const roleType = type as AdminRoleType;
      app.adminRoles ??= [];
      const existing = app.adminRoles.find((role) => role.type === roleType);
      if (existing !== undefined) {
        return { status: 200, body: renderClientRole(app, existing, context.orgUrl) };
      }
      const role = { id: oktaId('irb'), type: roleType, created: context.now.toISOString() };
      app.adminRoles.push(role);
      return {
        status: 200,
        body: renderClientRole(app, role, context.orgUrl),
        events: [
          adminChange('app.oauth2.client.privilege.grant', appTarget(app), { role: roleType }),
        ],
      };
    },
  },
];

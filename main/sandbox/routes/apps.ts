import { randomBytes } from 'node:crypto';

import { asObject, type JsonObject, stringOf } from '../../platform/json.ts';
import { OKTA_ERRORS, oktaError } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxApp, SandboxClientSecret, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, appTarget, groupTarget, userTarget } from '../system-log.ts';
import { membersOf, renderGroup } from './groups.ts';
import { applyFilter, pagedResponse, validationFailed } from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';
import { renderUser } from './users.ts';

const APP_READERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN', 'READ_ONLY_ADMIN'] as const;
const APP_WRITERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN'] as const;
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

function newSecret(now: string): SandboxClientSecret {
  return {
    id: oktaId('ocs'),
    status: 'ACTIVE',
    secret: randomBytes(48).toString('base64url'),
    created: now,
    lastUpdated: now,
  };
}

/** A client secret as Okta lists it: the secret itself only when `reveal` (create, rotation). */
function renderSecret(
  app: SandboxApp,
  secret: SandboxClientSecret,
  orgUrl: string,
  reveal: boolean,
) {
  const self = `${orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${secret.id}`;
  return {
    id: secret.id,
    status: secret.status,
    created: secret.created,
    lastUpdated: secret.lastUpdated,
    secret_hash: randomBytes(16).toString('base64url'),
    ...(reveal ? { client_secret: secret.secret } : {}),
    _links: {
      [secret.status === 'ACTIVE' ? 'deactivate' : 'activate']: {
        href: `${self}/lifecycle/${secret.status === 'ACTIVE' ? 'deactivate' : 'activate'}`,
        hints: { allow: ['POST'] },
      },
    },
  };
}

/**
 * An app as Okta renders it.
 *
 * @remarks
 * The client secret appears only where Okta shows it: in the answer to the create (and to a
 * secret operation), never on reads (okta-behaviours.md §3).
 */
function renderApp(
  app: SandboxApp,
  orgUrl: string,
  options: { revealSecret: boolean } = { revealSecret: false },
) {
  const record = structuredClone(app.record);
  const self = `${orgUrl}/api/v1/apps/${app.id}`;
  const credentials = asObject(record.credentials);
  const oauthClient = asObject(credentials.oauthClient);
  const active = app.secrets.find((secret) => secret.status === 'ACTIVE');
  if (options.revealSecret && active !== undefined && record.signOnMode === 'OPENID_CONNECT') {
    oauthClient.client_secret = active.secret;
  }
  if (record.signOnMode === 'OPENID_CONNECT') {
    credentials.oauthClient = oauthClient;
  }
  record.credentials = credentials;
  record._links = {
    appLinks: [],
    groups: { href: `${self}/groups` },
    users: { href: `${self}/users` },
    [record.status === 'ACTIVE' ? 'deactivate' : 'activate']: {
      href: `${self}/lifecycle/${record.status === 'ACTIVE' ? 'deactivate' : 'activate'}`,
    },
  };
  return record;
}

/** Builds the stored record of an app from what an admin sent; returns an Okta error if invalid. */
function buildApp(
  input: JsonObject,
  id: string,
  now: string,
  previous?: SandboxApp,
): { ok: true; record: JsonObject } | { ok: false; error: { status: number; body: unknown } } {
  const signOnMode = input.signOnMode;
  if (signOnMode !== 'OPENID_CONNECT' && signOnMode !== 'BOOKMARK') {
    return {
      ok: false,
      error: validationFailed(
        'signOnMode',
        'The sandbox org supports OPENID_CONNECT and BOOKMARK apps',
      ),
    };
  }
  if (typeof input.label !== 'string' || input.label.trim() === '') {
    return { ok: false, error: validationFailed('label', 'The field cannot be left blank') };
  }
  const settings = asObject(input.settings);
  const record: JsonObject = {
    id,
    name: signOnMode === 'OPENID_CONNECT' ? 'oidc_client' : 'bookmark',
    label: input.label,
    status: previous?.record.status ?? 'ACTIVE',
    created: previous?.record.created ?? now,
    lastUpdated: now,
    signOnMode,
    features: [],
    // management.yaml types these optional fields as strings: absent, not null.
    accessibility: { selfService: false, ...asObject(input.accessibility) },
    visibility: {
      autoLaunch: false,
      autoSubmitToolbar: false,
      hide: { iOS: false, web: false },
      appLinks: {},
      ...asObject(input.visibility),
    },
    settings: {
      app: asObject(settings.app),
      implicitAssignment: settings.implicitAssignment === true,
      notifications: { vpn: { network: { connection: 'DISABLED' } } },
      manualProvisioning: false,
      notes: asObject(settings.notes),
      ...(signOnMode === 'OPENID_CONNECT' ? { oauthClient: asObject(settings.oauthClient) } : {}),
    },
  };
  if (signOnMode === 'BOOKMARK') {
    const url = asObject(settings.app).url;
    if (typeof url !== 'string' || url === '') {
      return { ok: false, error: validationFailed('url', 'The field cannot be left blank') };
    }
    record.credentials = { userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' } };
    return { ok: true, record };
  }
  const oauthSettings = asObject(asObject(record.settings).oauthClient);
  const grantTypes = oauthSettings.grant_types;
  if (!Array.isArray(grantTypes) || grantTypes.length === 0) {
    return { ok: false, error: validationFailed('grant_types', 'The field cannot be left blank') };
  }
  const applicationType = stringOf(oauthSettings.application_type) ?? 'web';
  const redirectUris = Array.isArray(oauthSettings.redirect_uris)
    ? oauthSettings.redirect_uris
    : [];
  if (
    (grantTypes.includes('authorization_code') || grantTypes.includes('implicit')) &&
    redirectUris.length === 0
  ) {
    return {
      ok: false,
      error: validationFailed(
        'redirect_uris',
        'At least one redirect URI is required for this grant type',
      ),
    };
  }
  asObject(record.settings).oauthClient = {
    application_type: applicationType,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: [],
    response_types: ['code'],
    consent_method: 'TRUSTED',
    issuer_mode: 'DYNAMIC',
    wildcard_redirect: 'DISABLED',
    idp_initiated_login: { mode: 'DISABLED', default_scope: [] },
    ...oauthSettings,
  };
  const incoming = asObject(asObject(input.credentials).oauthClient);
  const method = stringOf(incoming.token_endpoint_auth_method) ?? 'client_secret_basic';
  const pkceDefault = applicationType === 'browser' || applicationType === 'native';
  const pkceRequired =
    typeof incoming.pkce_required === 'boolean' ? incoming.pkce_required : pkceDefault;
  if (method === 'none' && !pkceRequired) {
    return {
      ok: false,
      error: validationFailed(
        'pkce_required',
        'PKCE must be required when the client authentication method is none',
      ),
    };
  }
  const previousClient = asObject(asObject(previous?.record.credentials).oauthClient);
  record.credentials = {
    userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
    signing: { kid: 'sandbox-app-signing' },
    oauthClient: {
      autoKeyRotation: true,
      // client_id defaults to the app id and never changes (okta-behaviours.md §3).
      client_id: previousClient.client_id ?? stringOf(incoming.client_id) ?? id,
      token_endpoint_auth_method: method,
      pkce_required: pkceRequired,
    },
  };
  if (input.profile !== undefined) {
    record.profile = input.profile;
  }
  return { ok: true, record };
}

function appOf(context: RouteContext): SandboxApp | undefined {
  return context.org.apps.get(context.params.appId ?? '');
}

function appNotFound(context: RouteContext) {
  return OKTA_ERRORS.notFound(context.params.appId ?? '', 'AppInstance');
}

function renderAppUser(
  app: SandboxApp,
  user: SandboxUser,
  orgUrl: string,
  scope: 'USER' | 'GROUP',
  created: string,
  expand: string | null = null,
) {
  return {
    id: user.id,
    created,
    lastUpdated: created,
    scope,
    status: 'ACTIVE',
    statusChanged: created,
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: user.profile.login },
    profile: {},
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${app.id}` },
      user: { href: `${orgUrl}/api/v1/users/${user.id}` },
    },
    // `expand=user` embeds the user (management.yaml, queryAppUserExpand).
    ...(expand === 'user' ? { _embedded: { user: renderUser(user, orgUrl) } } : {}),
  };
}

/** Users of an app: assigned directly, or through one of its groups. */
function appUsers(org: SandboxOrg, app: SandboxApp) {
  const result = new Map<string, { user: SandboxUser; scope: 'USER' | 'GROUP'; created: string }>();
  for (const [userId, assignment] of app.users) {
    const user = org.users.get(userId);
    if (user !== undefined) {
      result.set(userId, { user, scope: 'USER', created: assignment.created });
    }
  }
  for (const [groupId, assignment] of app.groups) {
    const group = org.groups.get(groupId);
    for (const user of group === undefined ? [] : membersOf(org, group)) {
      if (!result.has(user.id)) {
        result.set(user.id, { user, scope: 'GROUP', created: assignment.created });
      }
    }
  }
  return [...result.values()];
}

function renderGroupAssignment(
  app: SandboxApp,
  groupId: string,
  context: Pick<RouteContext, 'org' | 'orgUrl'>,
  expand: string | null = null,
) {
  const { orgUrl } = context;
  const assignment = app.groups.get(groupId);
  // `expand=group` embeds the group (management.yaml, queryGroupAssignmentWithGroupExpand), when
  // it still exists: an assignment can outlive a deleted group.
  const group = expand === 'group' ? context.org.groups.get(groupId) : undefined;
  return {
    id: groupId,
    lastUpdated: assignment?.lastUpdated,
    priority: assignment?.priority ?? 0,
    profile: {},
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${app.id}` },
      group: { href: `${orgUrl}/api/v1/groups/${groupId}` },
    },
    ...(group === undefined ? {} : { _embedded: { group: renderGroup(group, orgUrl) } }),
  };
}

function secretOf(context: RouteContext, app: SandboxApp) {
  return app.secrets.find((secret) => secret.id === context.params.secretId);
}

/**
 * The log event of a client-secret change. Okta documents no event type of its own for these,
 * so they are logged as the app update they are, with the secret and the change in `debugData`.
 */
function secretChange(app: SandboxApp, secret: SandboxClientSecret, change: string) {
  return adminChange('application.lifecycle.update', appTarget(app), {
    clientSecretId: secret.id,
    clientSecretChange: change,
  });
}

/**
 * Removes a user's or a group's assignment to an app. The log event names the user or group
 * when it still exists (an assignment can outlive a deleted group).
 */
function deleteAssignment(context: RouteContext, kind: 'users' | 'groups'): RouteResult {
  const app = appOf(context);
  if (app === undefined) {
    return appNotFound(context);
  }
  const id = (kind === 'users' ? context.params.userId : context.params.groupId) ?? '';
  if (!app[kind].delete(id)) {
    return OKTA_ERRORS.notFound(id, kind === 'users' ? 'AppUser' : 'ApplicationGroupAssignment');
  }
  const user = context.org.users.get(id);
  const group = context.org.groups.get(id);
  const change =
    kind === 'users'
      ? adminChange('application.user_membership.remove', [
          appTarget(app),
          ...(user === undefined ? [] : [userTarget(user)]),
        ])
      : adminChange('group.application_assignment.remove', [
          ...(group === undefined ? [] : [groupTarget(group)]),
          appTarget(app),
        ]);
  return { status: 204, body: undefined, events: [change] };
}

const APP = '^\\/api\\/v1\\/apps\\/(?<appId>[^/]+)';

/** The apps API: apps, their lifecycle, client secrets, and user and group assignments. */
export const APP_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/apps$/,
    allowedRoles: APP_READERS,
    handle(context) {
      let apps = [...context.org.apps.values()];
      const q = context.query.get('q');
      if (q !== null) {
        // q: startsWith on name or label (okta-behaviours.md §6).
        const prefix = q.toLowerCase();
        apps = apps.filter((app) =>
          [app.record.name, app.record.label].some(
            (value) => typeof value === 'string' && value.toLowerCase().startsWith(prefix),
          ),
        );
      }
      const filtered = applyFilter(apps, context.query.get('filter'), (app) => app.record);
      if (!filtered.ok) {
        return filtered.error;
      }
      apps = filtered.items;
      return pagedResponse(
        context,
        apps,
        { default: 20, max: 200 },
        (app) => app.id,
        (app) => renderApp(app, context.orgUrl),
      );
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/apps$/,
    allowedRoles: APP_WRITERS,
    handle(context) {
      const id = oktaId('0oa');
      const now = context.now.toISOString();
      const built = buildApp(asObject(context.body), id, now);
      if (!built.ok) {
        return built.error;
      }
      const { record } = built;
      if (context.query.get('activate') === 'false') {
        record.status = 'INACTIVE';
      }
      const oauthClient = asObject(asObject(record.credentials).oauthClient);
      const method = oauthClient.token_endpoint_auth_method;
      const app: SandboxApp = {
        id,
        record,
        secrets: typeof method === 'string' && SECRET_METHODS.has(method) ? [newSecret(now)] : [],
        users: new Map(),
        groups: new Map(),
      };
      context.org.apps.set(id, app);
      return {
        status: 200,
        body: renderApp(app, context.orgUrl, { revealSecret: true }),
        events: [
          adminChange('application.lifecycle.create', appTarget(app)),
          ...(record.status === 'ACTIVE'
            ? [adminChange('application.lifecycle.activate', appTarget(app))]
            : []),
        ],
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`${APP}$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      return app === undefined
        ? appNotFound(context)
        : { status: 200, body: renderApp(app, context.orgUrl) };
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`${APP}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const built = buildApp(asObject(context.body), app.id, context.now.toISOString(), app);
      if (!built.ok) {
        return built.error;
      }
      app.record = built.record;
      return {
        status: 200,
        body: renderApp(app, context.orgUrl),
        events: [adminChange('application.lifecycle.update', appTarget(app))],
      };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${APP}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      if (app.record.status === 'ACTIVE') {
        return oktaError(403, 'E0000056', 'Delete application forbidden.', [
          'The application must be deactivated before deletion.',
        ]);
      }
      context.org.apps.delete(app.id);
      return {
        status: 204,
        body: undefined,
        events: [adminChange('application.lifecycle.delete', appTarget(app))],
      };
    },
  },
  ...(['activate', 'deactivate'] as const).map((action): Route => ({
    method: 'POST',
    pattern: new RegExp(`${APP}\\/lifecycle\\/${action}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      app.record.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
      app.record.lastUpdated = context.now.toISOString();
      // 200 with no body, as management.yaml declares for the app lifecycle operations.
      return {
        status: 200,
        body: undefined,
        events: [adminChange(`application.lifecycle.${action}`, appTarget(app))],
      };
    },
  })),
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/credentials\\/secrets$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      return app === undefined
        ? appNotFound(context)
        : {
            status: 200,
            body: app.secrets.map((secret) => renderSecret(app, secret, context.orgUrl, false)),
          };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`${APP}\\/credentials\\/secrets$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      if (app.secrets.length >= 2) {
        return validationFailed(
          'client_secret',
          'You can only have two client secrets per application',
        );
      }
      const secret = newSecret(context.now.toISOString());
      app.secrets.push(secret);
      return {
        status: 201,
        body: renderSecret(app, secret, context.orgUrl, true),
        events: [secretChange(app, secret, 'create')],
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/credentials\\/secrets\\/(?<secretId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      const secret = app === undefined ? undefined : secretOf(context, app);
      return app === undefined || secret === undefined
        ? OKTA_ERRORS.notFound(context.params.secretId ?? '', 'OAuth2ClientSecret')
        : { status: 200, body: renderSecret(app, secret, context.orgUrl, false) };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/credentials\\/secrets\\/(?<secretId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      const secret = app === undefined ? undefined : secretOf(context, app);
      if (app === undefined || secret === undefined) {
        return OKTA_ERRORS.notFound(context.params.secretId ?? '', 'OAuth2ClientSecret');
      }
      if (secret.status === 'ACTIVE') {
        return validationFailed(
          'client_secret',
          'Cannot delete an active client secret. Deactivate it first',
        );
      }
      app.secrets = app.secrets.filter((other) => other.id !== secret.id);
      return { status: 204, body: undefined, events: [secretChange(app, secret, 'delete')] };
    },
  },
  ...(['activate', 'deactivate'] as const).map((action): Route => ({
    method: 'POST',
    pattern: new RegExp(
      `${APP}\\/credentials\\/secrets\\/(?<secretId>[^/]+)\\/lifecycle\\/${action}$`,
    ),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      const secret = app === undefined ? undefined : secretOf(context, app);
      if (app === undefined || secret === undefined) {
        return OKTA_ERRORS.notFound(context.params.secretId ?? '', 'OAuth2ClientSecret');
      }
      if (
        action === 'deactivate' &&
        app.secrets.filter((other) => other.status === 'ACTIVE').length === 1 &&
        secret.status === 'ACTIVE'
      ) {
        return validationFailed('client_secret', 'Cannot deactivate the only active client secret');
      }
      secret.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
      secret.lastUpdated = context.now.toISOString();
      return {
        status: 200,
        body: renderSecret(app, secret, context.orgUrl, false),
        events: [secretChange(app, secret, action)],
      };
    },
  })),
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/users$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return pagedResponse(
        context,
        appUsers(context.org, app),
        { default: 50, max: 500 },
        (entry) => entry.user.id,
        (entry) =>
          renderAppUser(
            app,
            entry.user,
            context.orgUrl,
            entry.scope,
            entry.created,
            context.query.get('expand'),
          ),
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`${APP}\\/users$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const userId = stringOf(asObject(context.body).id);
      const user = userId === undefined ? undefined : context.org.users.get(userId);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(userId ?? '', 'User');
      }
      const created = app.users.get(user.id)?.created ?? context.now.toISOString();
      app.users.set(user.id, { created });
      return {
        status: 200,
        body: renderAppUser(app, user, context.orgUrl, 'USER', created),
        events: [
          adminChange('application.user_membership.add', [appTarget(app), userTarget(user)]),
        ],
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/users\\/(?<userId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const entry = appUsers(context.org, app).find(
        (candidate) => candidate.user.id === context.params.userId,
      );
      return entry === undefined
        ? OKTA_ERRORS.notFound(context.params.userId ?? '', 'AppUser')
        : {
            status: 200,
            body: renderAppUser(
              app,
              entry.user,
              context.orgUrl,
              entry.scope,
              entry.created,
              context.query.get('expand'),
            ),
          };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/users\\/(?<userId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle: (context) => deleteAssignment(context, 'users'),
  },
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/groups$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return pagedResponse(
        context,
        [...app.groups.keys()],
        { default: 20, max: 200 },
        (groupId) => groupId,
        (groupId) => renderGroupAssignment(app, groupId, context, context.query.get('expand')),
      );
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const group = context.org.groups.get(context.params.groupId ?? '');
      if (group === undefined) {
        return OKTA_ERRORS.notFound(context.params.groupId ?? '', 'UserGroup');
      }
      const now = context.now.toISOString();
      const priority = asObject(context.body).priority;
      const existing = app.groups.get(group.id);
      app.groups.set(group.id, {
        created: existing?.created ?? now,
        lastUpdated: now,
        priority: typeof priority === 'number' ? priority : app.groups.size,
      });
      const eventType =
        existing === undefined
          ? 'group.application_assignment.add'
          : 'group.application_assignment.update';
      return {
        status: 200,
        body: renderGroupAssignment(app, group.id, context),
        events: [adminChange(eventType, [groupTarget(group), appTarget(app)])],
      };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return app.groups.has(context.params.groupId ?? '')
        ? {
            status: 200,
            body: renderGroupAssignment(
              app,
              context.params.groupId ?? '',
              context,
              context.query.get('expand'),
            ),
          }
        : OKTA_ERRORS.notFound(context.params.groupId ?? '', 'ApplicationGroupAssignment');
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle: (context) => deleteAssignment(context, 'groups'),
  },
];

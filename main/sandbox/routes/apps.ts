import { asObject, type JsonObject, stringOf } from '../../platform/json.ts';
import { oktaError } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxApp } from '../sandbox-org.ts';
import { adminChange, appTarget } from '../system-log.ts';
import { APP_ASSIGNMENT_ROUTES } from './app-assignments.ts';
import { APP_SECRET_ROUTES, newSecret } from './app-secrets.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf } from './app-shared.ts';
import { applyFilter, pagedResponse, validationFailed } from './list-responses.ts';
import type { Route } from './route.ts';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

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
  ...APP_SECRET_ROUTES,
  ...APP_ASSIGNMENT_ROUTES,
];

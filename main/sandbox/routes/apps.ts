import { asObject, type JsonObject, stringOf } from '../../platform/json.ts';
import { resolveRefreshTokenSettings } from '../oidc/refresh-token-rotation.ts';
import { oktaError } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import type { SandboxApp, SandboxOrg } from '../sandbox-org.ts';
import { adminChange, appTarget } from '../system-log.ts';
import { APP_ASSIGNMENT_ROUTES } from './app-assignments.ts';
import { APP_SECRET_ROUTES, newSecret } from './app-secrets.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf, renderApp } from './app-shared.ts';
import { applyFilter, pagedResponse, supportedFilter, validationFailed } from './list-responses.ts';
import type { Route } from './route.ts';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/**
 * The sign-on modes beside OIDC and bookmark, as a real org holds them (SAML, SWA, basic auth,
 * secure password store, WS-Federation): what management.yaml requires of each, what Okta fills
 * in, and which credentials it renders. The sandbox stores, lists, assigns and deletes them; it
 * signs users in only to OIDC apps.
 */
interface OtherSignOnMode {
  /**
   * The app's `name`, management.yaml's rule for the mode:
   * - `generated`: "A unique key is generated for the custom app instance" (SAML 2.0, and SWA
   *   with `AUTO_LOGIN`); the property is `readOnly`, so what a request sends is ignored;
   * - `one-of`: the key names of the mode's app definitions, the first when none is sent;
   * - `catalog`: an OIN app's key, which the request must name ("You can't create a custom SAML
   *   1.1 app integration instance. Only existing OIN SAML 1.1 app integrations are supported.").
   */
  name:
    | { kind: 'generated' }
    | { kind: 'one-of'; names: readonly [string, ...string[]] }
    | { kind: 'catalog' };
  /** Where the mode's own settings live, and which of them are required (the spec's `required`). */
  section: 'app' | 'signOn';
  required: readonly string[];
  /** What Okta fills in when the request leaves it out. */
  defaults?: (section: JsonObject) => JsonObject;
  /** `SchemeApplicationCredentials` (a password scheme) or plain `ApplicationCredentials`. */
  scheme: boolean;
}

const OTHER_SIGN_ON_MODES: Readonly<Record<string, OtherSignOnMode>> = {
  SAML_2_0: {
    name: { kind: 'generated' },
    section: 'signOn',
    required: ['ssoAcsUrl', 'audience'],
    // SamlApplicationSettingsSignOn's required members, as Okta fills them for a custom app.
    defaults: (signOn) => ({
      allowMultipleAcsEndpoints: false,
      assertionSigned: true,
      authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
      destination: signOn.ssoAcsUrl,
      digestAlgorithm: 'SHA256',
      honorForceAuthn: true,
      // An identifier Okta writes as this expression, never fetched.
      // eslint-disable-next-line @microsoft/sdl/no-insecure-url -- Okta's own default issuer name
      idpIssuer: 'http://www.okta.com/${org.externalKey}',
      recipient: signOn.ssoAcsUrl,
      requestCompressed: false,
      responseSigned: true,
      signatureAlgorithm: 'RSA_SHA256',
      subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      subjectNameIdTemplate: '${user.userName}',
    }),
    scheme: false,
  },
  SAML_1_1: { name: { kind: 'catalog' }, section: 'app', required: [], scheme: false },
  AUTO_LOGIN: {
    name: { kind: 'generated' },
    section: 'signOn',
    required: ['loginUrl'],
    scheme: true,
  },
  BROWSER_PLUGIN: {
    name: { kind: 'one-of', names: ['template_swa', 'template_swa3field'] },
    section: 'app',
    required: ['url', 'usernameField', 'passwordField', 'buttonField'],
    scheme: true,
  },
  BASIC_AUTH: {
    name: { kind: 'one-of', names: ['template_basic_auth'] },
    section: 'app',
    required: ['url', 'authURL'],
    scheme: true,
  },
  SECURE_PASSWORD_STORE: {
    name: { kind: 'one-of', names: ['template_sps'] },
    section: 'app',
    required: ['url', 'usernameField', 'passwordField'],
    scheme: true,
  },
  WS_FEDERATION: {
    name: { kind: 'one-of', names: ['template_wsfed'] },
    section: 'app',
    required: [
      'audienceRestriction',
      'groupValueFormat',
      'wReplyURL',
      'nameIDFormat',
      'authnContextClassRef',
      'siteURL',
      'usernameAttribute',
    ],
    scheme: false,
  },
};

/** Every sign-on mode of management.yaml's `ApplicationSignOnMode`, as an error names them. */
const SIGN_ON_MODES = ['OPENID_CONNECT', 'BOOKMARK', ...Object.keys(OTHER_SIGN_ON_MODES)].sort();

/** The record of a SAML, SWA, basic-auth, secure-password-store or WS-Federation app. */
function buildOtherApp(
  record: JsonObject,
  settings: JsonObject,
  input: JsonObject,
  mode: OtherSignOnMode,
): { ok: true; record: JsonObject } | { ok: false; error: { status: number; body: unknown } } {
  const given = asObject(settings[mode.section]);
  const missing = mode.required.find(
    (field) => typeof given[field] !== 'string' || given[field] === '',
  );
  if (missing !== undefined) {
    return { ok: false, error: validationFailed(missing, 'The field cannot be left blank') };
  }
  asObject(record.settings)[mode.section] = { ...mode.defaults?.(given), ...given };
  const incoming = asObject(input.credentials);
  const userNameTemplate = { template: '${source.login}', type: 'BUILT_IN' };
  record.credentials = mode.scheme
    ? {
        scheme: stringOf(incoming.scheme) ?? 'EDIT_USERNAME_AND_PASSWORD',
        userNameTemplate,
        revealPassword: incoming.revealPassword === true,
        signing: {},
      }
    : { userNameTemplate, signing: { kid: 'sandbox-app-signing' } };
  return { ok: true, record };
}

/**
 * The unique key Okta generates for a custom SAML or SWA app: the org's subdomain, the label in
 * lower-case letters and digits, and a counter, e.g. `sandbox_grafana_1` (the form Okta's custom
 * app keys take; the exact slug rule is Okta's own and unverified).
 */
function generatedAppName(org: SandboxOrg, label: string): string {
  const slug =
    label
      .toLowerCase()
      .replaceAll(/[^a-z0-9]+/gu, '')
      .slice(0, 40) || 'app';
  let taken = namesTaken.get(org);
  if (taken === undefined) {
    // Built once per org (the large seed makes thousands of apps), then kept up to date here.
    taken = new Set([...org.apps.values()].map((app) => String(app.record.name)));
    namesTaken.set(org, taken);
  }
  let counter = 1;
  while (taken.has(`${org.subdomain}_${slug}_${String(counter)}`)) {
    counter += 1;
  }
  const name = `${org.subdomain}_${slug}_${String(counter)}`;
  taken.add(name);
  return name;
}

/** The app names each org has used: a generated key is never handed out twice. */
const namesTaken = new WeakMap<SandboxOrg, Set<string>>();

/** The `name` an app of another sign-on mode gets, or the error its request earns. */
function otherAppName(
  org: SandboxOrg,
  mode: OtherSignOnMode,
  signOnMode: string,
  input: JsonObject,
  previous: SandboxApp | undefined,
): { ok: true; name: string } | { ok: false; error: { status: number; body: unknown } } {
  const sent = stringOf(input.name);
  switch (mode.name.kind) {
    case 'generated':
      return {
        ok: true,
        name: stringOf(previous?.record.name) ?? generatedAppName(org, String(input.label)),
      };
    case 'one-of':
      if (sent !== undefined && !mode.name.names.includes(sent)) {
        return {
          ok: false,
          error: validationFailed(
            'name',
            `must be one of ${mode.name.names.join(', ')} for a ${signOnMode} app`,
          ),
        };
      }
      return { ok: true, name: sent ?? mode.name.names[0] };
    case 'catalog':
      if (sent === undefined || sent === '') {
        return {
          ok: false,
          error: validationFailed(
            'name',
            `A ${signOnMode} app is created from an Okta Integration Network app: name its key. Custom ${signOnMode} apps cannot be created`,
          ),
        };
      }
      return { ok: true, name: sent };
  }
}

/** Builds the stored record of an app from what an admin sent; returns an Okta error if invalid. */
function buildApp(
  org: SandboxOrg,
  input: JsonObject,
  id: string,
  now: string,
  previous?: SandboxApp,
): { ok: true; record: JsonObject } | { ok: false; error: { status: number; body: unknown } } {
  const signOnMode = input.signOnMode;
  if (
    typeof signOnMode !== 'string' ||
    !(
      signOnMode in OTHER_SIGN_ON_MODES ||
      signOnMode === 'OPENID_CONNECT' ||
      signOnMode === 'BOOKMARK'
    )
  ) {
    return {
      ok: false,
      error: validationFailed('signOnMode', `must be one of ${SIGN_ON_MODES.join(', ')}`),
    };
  }
  if (typeof input.label !== 'string' || input.label.trim() === '') {
    return { ok: false, error: validationFailed('label', 'The field cannot be left blank') };
  }
  const settings = asObject(input.settings);
  const other = OTHER_SIGN_ON_MODES[signOnMode];
  const otherName =
    other === undefined ? undefined : otherAppName(org, other, signOnMode, input, previous);
  if (otherName?.ok === false) {
    return otherName;
  }
  const record: JsonObject = {
    id,
    name:
      signOnMode === 'OPENID_CONNECT'
        ? 'oidc_client'
        : signOnMode === 'BOOKMARK'
          ? 'bookmark'
          : (otherName?.name ?? 'app'),
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
  if (other !== undefined) {
    return buildOtherApp(record, settings, input, other);
  }
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
  // Validated, defaulted by application type, or kept from before: refresh-token-rotation.ts.
  const refreshToken = resolveRefreshTokenSettings(oauthSettings.refresh_token, {
    applicationType,
    grantTypes,
    previous: asObject(asObject(previous?.record.settings).oauthClient).refresh_token,
  });
  if (!refreshToken.ok) {
    const { summary, cause } = refreshToken.problem;
    return { ok: false, error: oktaError(400, 'E0000001', summary, [cause]) };
  }
  const oauthClient: JsonObject = {
    application_type: applicationType,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: [],
    response_types: ['code'],
    consent_method: 'TRUSTED',
    issuer_mode: 'DYNAMIC',
    wildcard_redirect: 'DISABLED',
    idp_initiated_login: { mode: 'DISABLED', default_scope: [] },
    ...oauthSettings,
    refresh_token: refreshToken.settings,
  };
  if (refreshToken.settings === undefined) {
    delete oauthClient.refresh_token;
  }
  asObject(record.settings).oauthClient = oauthClient;
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

/**
 * What `listApplications` may filter on: "`id`, `status`, `credentials.signing.kid`,
 * `settings.slo.enabled`, or `name`" (management.yaml), compared with `eq`, the operator of every
 * example Okta gives for it; another attribute or operator is refused with `E0000031`.
 */
const APP_FILTER = supportedFilter(
  ['id', 'status', 'credentials.signing.kid', 'settings.slo.enabled', 'name'],
  ['eq'],
);

/** The apps API: apps, their lifecycle, client secrets, and user and group assignments. */
export const APP_ROUTES: readonly Route[] = [
  {
    operationId: 'listApplications',
    queryParameters: ['q', 'filter', 'after', 'limit'],
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
      const filtered = applyFilter(
        apps,
        context.query.get('filter'),
        (app) => app.record,
        APP_FILTER,
      );
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
    operationId: 'createApplication',
    queryParameters: ['activate'],
    method: 'POST',
    pattern: /^\/api\/v1\/apps$/,
    allowedRoles: APP_WRITERS,
    handle(context) {
      const id = oktaId('0oa');
      const now = context.now.toISOString();
      const built = buildApp(context.org, asObject(context.body), id, now);
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
    operationId: 'getApplication',
    queryParameters: [],
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
    operationId: 'replaceApplication',
    queryParameters: [],
    method: 'PUT',
    pattern: new RegExp(`${APP}$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const built = buildApp(
        context.org,
        asObject(context.body),
        app.id,
        context.now.toISOString(),
        app,
      );
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
    operationId: 'deleteApplication',
    queryParameters: [],
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
    operationId: `${action}Application`,
    queryParameters: [],
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

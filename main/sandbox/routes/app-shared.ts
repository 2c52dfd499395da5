import { asObject } from '../../platform/json.ts';
import { OKTA_ERRORS } from '../okta-errors.ts';
import type { SandboxApp } from '../sandbox-org.ts';
import type { RouteContext } from './route.ts';

/**
 * What the routes of apps, their client secrets and their assignments share (and the groups
 * routes, which list a group's apps): who may call them, the path of one app, finding the app a
 * path names, and an app's rendering.
 */

/** Roles that may read apps, their secrets and their assignments. */
export const APP_READERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN', 'READ_ONLY_ADMIN'] as const;

/** Roles that may create and change apps, their secrets and their assignments. */
export const APP_WRITERS = ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN'] as const;

/** The path of one app, as a regex source naming its `appId`. */
export const APP = '^\\/api\\/v1\\/apps\\/(?<appId>[^/]+)';

/** The app the path's `appId` names. */
export function appOf(context: RouteContext): SandboxApp | undefined {
  return context.org.apps.get(context.params.appId ?? '');
}

/** Okta's 404 for the app the path names. */
export function appNotFound(context: RouteContext) {
  return OKTA_ERRORS.notFound(context.params.appId ?? '', 'AppInstance');
}

/**
 * An app as Okta renders it.
 *
 * @remarks
 * The client secret appears only where Okta shows it: in the answer to the create (and to a
 * secret operation), never on reads (okta-behaviours.md §3).
 */
export function renderApp(
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

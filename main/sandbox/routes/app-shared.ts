import { OKTA_ERRORS } from '../okta-errors.ts';
import type { SandboxApp } from '../sandbox-org.ts';
import type { RouteContext } from './route.ts';

/**
 * What the routes of apps, their client secrets and their assignments share: who may call them,
 * the path of one app, and finding the app a path names.
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

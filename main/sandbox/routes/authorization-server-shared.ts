import { OKTA_ERRORS } from '../okta-errors.ts';
import type { SandboxAuthServer } from '../sandbox-org.ts';
import type { RouteContext, RouteResult } from './route.ts';

/**
 * What the authorization-server routes and the routes of their items (scopes, claims, policies,
 * rules) share: who may call them, how long their lists run, and finding the server a path
 * names.
 */

/** Roles that may read authorization servers and their items. */
export const AUTH_SERVER_READERS = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'READ_ONLY_ADMIN',
] as const;

/** Roles that may create and change authorization servers and their items. */
export const AUTH_SERVER_WRITERS = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
] as const;

/** `limit` of authorization-server lists: default 200, maximum 200 (okta-behaviours.md §6). */
export const AS_LIST_LIMITS = { default: 200, max: 200 };

/** The server the path's `authServerId` names. */
export function serverOf(context: RouteContext): SandboxAuthServer | undefined {
  return context.org.authServers.get(context.params.authServerId ?? '');
}

/** Okta's 404 for the server the path names. */
export function serverNotFound(context: RouteContext): RouteResult {
  return OKTA_ERRORS.notFound(context.params.authServerId ?? '', 'AuthorizationServer');
}

/** Whether a builder's answer is a refusal (a route result) rather than the built value. */
export function isResult(value: unknown): value is RouteResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    typeof value.status === 'number' &&
    'body' in value
  );
}

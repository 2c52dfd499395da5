import type { OktaErrorResponse } from '../okta-errors.ts';
import {
  ADMIN_ROLE_TYPES,
  type AdminRoleType,
  type SandboxOrg,
  type SandboxUser,
} from '../sandbox-org.ts';
import type { AdminChange } from '../system-log.ts';

/** What a management route gets to answer one request. */
export interface RouteContext {
  org: SandboxOrg;
  orgUrl: string;
  /** The full request URL, on the org's origin (for `Link` and `_links`). */
  url: URL;
  caller: SandboxUser;
  /** The caller's SSWS token (for `DELETE /api/v1/api-tokens/current`); none for the seed. */
  callerToken?: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (`{}` when empty). */
  body: unknown;
  now: Date;
}

/**
 * A route's answer: a status, a JSON body (or `undefined` for none), extra headers, and the
 * changes it made, which the server logs to the System Log once the answer is settled.
 */
export type RouteResult =
  | {
      status: number;
      body: unknown;
      headers?: Record<string, string | string[]>;
      events?: AdminChange[];
    }
  | OktaErrorResponse;

/** One operation of Okta's management API, as the sandbox implements it. */
export interface Route {
  method: string;
  pattern: RegExp;
  /** Admin roles that may call this route; `'any'` lets every valid token through. */
  allowedRoles: readonly AdminRoleType[] | 'any';
  handle(context: RouteContext): RouteResult;
}

/** Roles that may read the directory: every admin role but the mobile admin's. */
export const DIRECTORY_READERS: readonly AdminRoleType[] = ADMIN_ROLE_TYPES.filter(
  (role) => role !== 'MOBILE_ADMIN',
);

/** Roles that may create and change users and groups. */
export const DIRECTORY_WRITERS: readonly AdminRoleType[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'USER_ADMIN',
];

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
  /**
   * The operation's `operationId` in management.yaml (e.g. `listUsers`): the name a refusal
   * gives, and the key by which the unit tests and the conformance report hold the route to the
   * spec (same method, a path template the pattern matches).
   */
  operationId: string;
  method: string;
  pattern: RegExp;
  /**
   * The query parameters this route implements: it reads each one and answers as
   * management.yaml's description of it says.
   *
   * @remarks
   * The server refuses a request with any other query parameter before the handler runs
   * (query-parameters.ts), because a parameter the sandbox silently ignored would answer as if
   * it had been honoured — a filter that filtered nothing, an `expand` that embedded nothing —
   * and a test or the console would pass against the sandbox yet act differently on a real org.
   * A parameter listed here must be declared by the operation in management.yaml (the unit
   * tests and the conformance report check it), and must be honoured fully, never in part.
   */
  queryParameters: readonly string[];
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

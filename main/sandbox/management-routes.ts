import { API_TOKEN_ROUTES } from './routes/api-tokens.ts';
import { APP_GRANT_ROUTES } from './routes/app-grants.ts';
import { APP_GROUPS_CLAIM_ROUTES } from './routes/app-groups-claim.ts';
import { APP_ROUTES } from './routes/apps.ts';
import { AUTHORIZATION_SERVER_ROUTES } from './routes/authorization-servers.ts';
import { GROUP_ROUTES } from './routes/groups.ts';
import { LOG_ROUTES } from './routes/logs.ts';
import { ORG_ROUTES } from './routes/org.ts';
import type { Route } from './routes/route.ts';
import { TRUSTED_ORIGIN_ROUTES } from './routes/trusted-origins.ts';
import { USER_LIFECYCLE_ROUTES } from './routes/user-lifecycle.ts';
import { USER_ROUTES } from './routes/users.ts';

/**
 * Every management route the sandbox answers, most specific first where paths overlap.
 *
 * @remarks
 * A module of its own, apart from the server, so that what the sandbox implements — each
 * route's `operationId` and `queryParameters` — can be read without starting an org: the unit
 * tests hold it to management.yaml, and the conformance report sets it beside what the test run
 * exercised.
 */
export const MANAGEMENT_ROUTES: readonly Route[] = [
  ...USER_ROUTES,
  ...USER_LIFECYCLE_ROUTES,
  ...GROUP_ROUTES,
  ...APP_ROUTES,
  ...APP_GROUPS_CLAIM_ROUTES,
  ...APP_GRANT_ROUTES,
  ...TRUSTED_ORIGIN_ROUTES,
  ...AUTHORIZATION_SERVER_ROUTES,
  ...ORG_ROUTES,
  ...LOG_ROUTES,
  ...API_TOKEN_ROUTES,
];

/**
 * Okta's rate-limit buckets: which counter a management or OIDC request is counted against
 * (okta-behaviours.md §7). The sandbox counts requests by them, and the console paces its own
 * requests by them, so both read this one table.
 */

/**
 * The buckets, named after the endpoints they count (okta-behaviours.md §7's table):
 *
 * - `apps` — `/api/v1/apps` and every `/api/v1/apps/*` below an app (users, groups, secrets…);
 * - `apps/{id}` — `/api/v1/apps/{id}` exactly;
 * - `groups` — `/api/v1/groups`; `groups/{id}` — `/api/v1/groups/{id}` and below;
 * - `users` — `GET`/`POST /api/v1/users`;
 * - `users/{id}:get` — `GET /api/v1/users/{idOrLogin}`; `users/{id}:write` — its POST/PUT/DELETE;
 * - `logs` — `/api/v1/logs`; `oauth2/v1/clients` — dynamic client registration;
 * - `api/v1` — every other management path, authorization servers included;
 * - `oauth2` — the OIDC endpoints under `/oauth2/` (not their `/keys` or `.well-known`).
 */
export const RATE_LIMIT_BUCKETS = [
  'apps',
  'apps/{id}',
  'groups',
  'groups/{id}',
  'users',
  'users/{id}:get',
  'users/{id}:write',
  'logs',
  'oauth2/v1/clients',
  'api/v1',
  'oauth2',
] as const;

/** One of {@link RATE_LIMIT_BUCKETS}. */
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

/** What an admin reads after "waiting 23 s for Okta's rate limit on …". */
export const RATE_LIMIT_BUCKET_NAMES: Record<RateLimitBucket, string> = {
  apps: 'apps',
  'apps/{id}': 'reading and changing an app',
  groups: 'groups',
  'groups/{id}': 'a group',
  users: 'users',
  'users/{id}:get': 'reading a user',
  'users/{id}:write': 'changing a user',
  logs: 'the System Log',
  'oauth2/v1/clients': 'client registration',
  'api/v1': 'the management API',
  oauth2: 'sign-ins',
};

/**
 * The bucket a request counts against, or `null` for paths Okta does not limit (discovery
 * documents and signing keys).
 */
export function bucketOf(method: string, path: string): RateLimitBucket | null {
  if (
    path.startsWith('/.well-known/') ||
    /^\/oauth2\/(?:[^/]+\/)?(?:\.well-known\/|v1\/keys$)/.test(path)
  ) {
    return null;
  }
  if (path === '/oauth2/v1/clients' || path.startsWith('/oauth2/v1/clients/')) {
    return 'oauth2/v1/clients';
  }
  if (path.startsWith('/oauth2/')) {
    return 'oauth2';
  }
  if (/^\/api\/v1\/apps\/[^/]+$/.test(path)) {
    return 'apps/{id}';
  }
  if (path === '/api/v1/apps' || path.startsWith('/api/v1/apps/')) {
    return 'apps';
  }
  if (path === '/api/v1/groups') {
    return 'groups';
  }
  if (path.startsWith('/api/v1/groups/')) {
    return 'groups/{id}';
  }
  if (path === '/api/v1/users') {
    return 'users';
  }
  if (/^\/api\/v1\/users\/[^/]+$/.test(path)) {
    return method.toUpperCase() === 'GET' ? 'users/{id}:get' : 'users/{id}:write';
  }
  if (path === '/api/v1/logs') {
    return 'logs';
  }
  return 'api/v1';
}

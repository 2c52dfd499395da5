import { describe, expect, it } from 'vitest';

import { bucketOf } from '../../../../shared/okta/rate-limit-buckets.ts';

describe('bucketOf (okta-behaviours.md §7)', () => {
  it.each([
    ['GET', '/api/v1/apps', 'apps'],
    ['POST', '/api/v1/apps', 'apps'],
    ['GET', '/api/v1/apps/0oa1', 'apps/{id}'],
    ['PUT', '/api/v1/apps/0oa1', 'apps/{id}'],
    ['GET', '/api/v1/apps/0oa1/users', 'apps'],
    ['POST', '/api/v1/apps/0oa1/credentials/secrets', 'apps'],
    ['GET', '/api/v1/groups', 'groups'],
    ['GET', '/api/v1/groups/00g1/users', 'groups/{id}'],
    ['GET', '/api/v1/users', 'users'],
    ['POST', '/api/v1/users', 'users'],
    ['GET', '/api/v1/users/me', 'users/{id}:get'],
    ['POST', '/api/v1/users/00u1', 'users/{id}:write'],
    ['DELETE', '/api/v1/users/00u1', 'users/{id}:write'],
    ['POST', '/api/v1/users/00u1/lifecycle/activate', 'api/v1'],
    ['GET', '/api/v1/logs', 'logs'],
    ['GET', '/api/v1/authorizationServers/default/scopes', 'api/v1'],
    ['GET', '/api/v1/org', 'api/v1'],
    ['POST', '/oauth2/v1/clients', 'oauth2/v1/clients'],
    ['GET', '/oauth2/default/v1/authorize', 'oauth2'],
    ['POST', '/oauth2/v1/token', 'oauth2'],
    ['GET', '/oauth2/default/v1/keys', null],
    ['GET', '/oauth2/v1/keys', null],
    ['GET', '/oauth2/default/.well-known/openid-configuration', null],
    ['GET', '/.well-known/openid-configuration', null],
  ])('%s %s → %s', (method, path, bucket) => {
    expect(bucketOf(method, path)).toBe(bucket);
  });
});

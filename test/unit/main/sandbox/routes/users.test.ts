import { describe, expect, it } from 'vitest';

import { compileFilter } from '../../../../../main/sandbox/query-filter.ts';
import { renderUser } from '../../../../../main/sandbox/routes/user-shared.ts';
import { USER_ROUTES } from '../../../../../main/sandbox/routes/users.ts';
import { createSandboxOrg } from '../../../../../main/sandbox/sandbox-org.ts';
import { seedOrg } from '../../../../../main/sandbox/seed.ts';

const now = new Date('2026-03-01T00:00:00.000Z');
const orgUrl = 'http://127.0.0.1:4000';
const { org, adminToken } = createSandboxOrg(() => now);
const admin = (() => {
  const user = org.users.get(org.tokens.get(adminToken) ?? '');
  if (user === undefined) {
    throw new Error('no admin');
  }
  return user;
})();
seedOrg(org, { kind: 'large', users: 3000, groups: 40, apps: 0 }, { admin, now });
const listRoute = USER_ROUTES.find(
  (route) => route.method === 'GET' && route.pattern.test('/api/v1/users'),
);

function get(url: URL) {
  if (listRoute === undefined) {
    throw new Error('no list route');
  }
  return listRoute.handle({
    org,
    orgUrl,
    url,
    caller: admin,
    params: {},
    query: url.searchParams,
    body: {},
    now,
  }) as { status: number; body: { id: string }[]; headers?: { Link?: string[] } };
}

/** Every id the list answers for `query`, following `rel="next"` like a client. */
function walk(query: string): { ids: string[]; pages: number } {
  let url: URL | undefined = new URL(`/api/v1/users?${query}`, orgUrl);
  const ids: string[] = [];
  let pages = 0;
  while (url !== undefined) {
    const answer = get(url);
    expect(answer.status).toBe(200);
    ids.push(...answer.body.map((user) => user.id));
    pages += 1;
    const next = answer.headers?.Link?.find((link) => link.endsWith('rel="next"'));
    url = next === undefined ? undefined : new URL(/<([^>]+)>/.exec(next)?.[1] ?? '');
  }
  return { ids, pages };
}

/** The answer by definition: every user, rendered, tested against the expression. */
function expected(expression: string): string[] {
  const predicate = compileFilter(expression);
  return [...org.users.values()]
    .filter((user) => predicate(renderUser(user, orgUrl)))
    .map((user) => user.id);
}

const someone = [...org.users.values()][1234];
/** A batch of logins as the console looks them up: `profile.login eq "…" or …`, out of order. */
const batchOfLogins = [2900, 17, 1234, 640]
  .map((index) => [...org.users.values()][index]?.profile.login ?? '')
  .concat('nobody@example.com')
  .map((login) => `profile.login eq ${JSON.stringify(login)}`)
  .join(' or ');

describe('GET /api/v1/users on a 3,000-user org', () => {
  // Each expression as `search`; and as `filter` too where it stays within the filter's subset
  // (management.yaml: `status`, `lastUpdated`, `id` and four profile attributes, `eq` only, the
  // inequalities on `lastUpdated`), which otherwise answers E0000031.
  it.each([
    ['status eq "ACTIVE"', 'filter too'],
    ['status eq "DEPROVISIONED"', 'filter too'],
    [`profile.login eq "${someone?.profile.login.toUpperCase() ?? ''}"`, 'filter too'],
    ['profile.login eq "nobody@example.com"', 'filter too'],
    ['profile.email sw "an"', 'search only'],
    // The spec's way round `ne`, which search does not take: `lt … or … gt`.
    ['profile.lastName eq "Nguyen" and (status lt "ACTIVE" or status gt "ACTIVE")', 'search only'],
    ['profile.department eq "Finance" or profile.title sw "dir"', 'search only'],
    ['lastUpdated gt "2026-02-15T00:00:00.000Z"', 'filter too'],
    ['created lt "2025-06-01T00:00:00.000Z" and statusChanged pr', 'search only'],
    ['profile.mobilePhone eq null and profile.firstName sw "m"', 'search only'],
    ['type.id pr and status eq "SUSPENDED"', 'search only'],
    [batchOfLogins, 'filter too'],
    [`${batchOfLogins} or status eq "SUSPENDED"`, 'filter too'],
  ] as const)('search=%s pages through exactly the users that match (%s)', (expression, filter) => {
    const wanted = expected(expression);
    const { ids, pages } = walk(`search=${encodeURIComponent(expression)}&limit=200`);
    expect(ids).toEqual(wanted);
    expect(pages).toBe(Math.max(1, Math.ceil(wanted.length / 200)));
    const asFilter = new URL(`/api/v1/users?filter=${encodeURIComponent(expression)}`, orgUrl);
    if (filter === 'filter too') {
      expect(walk(`filter=${encodeURIComponent(expression)}&limit=200`).ids).toEqual(wanted);
    } else {
      expect(get(asFilter)).toMatchObject({ status: 400, body: { errorCode: 'E0000031' } });
    }
  });

  it('lists every user but the deprovisioned ones without a search, 200 a page', () => {
    const wanted = [...org.users.values()]
      .filter((user) => user.status !== 'DEPROVISIONED')
      .map((user) => user.id);
    const { ids, pages } = walk('');
    expect(ids).toEqual(wanted);
    expect(pages).toBe(Math.ceil(wanted.length / 200));
  });

  it('answers q with the first matches by name or email, leaving out deprovisioned users', () => {
    const answer = get(new URL('/api/v1/users?q=ma&limit=7', orgUrl));
    const wanted = [...org.users.values()]
      .filter(
        (user) =>
          user.status !== 'DEPROVISIONED' &&
          [user.profile.firstName, user.profile.lastName, user.profile.email].some((value) =>
            value.toLowerCase().startsWith('ma'),
          ),
      )
      .slice(0, 7)
      .map((user) => user.id);
    expect(answer.body.map((user) => user.id)).toEqual(wanted);
    expect(answer.headers).toBeUndefined();
  });
});

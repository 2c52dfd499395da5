import { beforeEach, describe, expect, it } from 'vitest';

import { MANAGEMENT_ROUTES } from '../../../../../main/sandbox/management-routes.ts';
import { unimplementedQueryParameter } from '../../../../../main/sandbox/query-parameters.ts';
import { createAuthServer } from '../../../../../main/sandbox/routes/authorization-servers.ts';
import type { RouteResult } from '../../../../../main/sandbox/routes/route.ts';
import { createSandboxOrg, type SandboxUser } from '../../../../../main/sandbox/sandbox-org.ts';
import { forgetUserLookups } from '../../../../../main/sandbox/user-directory.ts';

/**
 * `q`, `filter` and `search` of the list operations the console uses, as tables: per row the
 * parameter's value, the items listed, and what the answer keeps — with the words of
 * management.yaml's description of the parameter that the row checks. Every table has rows the
 * answer would fail if the sandbox ignored the parameter (and answered the whole list), and rows
 * for what the operation refuses. The routes are called as the server calls them: the query
 * parameters checked first, then the handler. The integration tier runs the same parameters
 * through the real SDK (list-queries.test.ts); these tables reach the cases it does not.
 */

const orgUrl = 'http://127.0.0.1:4000';
const start = new Date('2026-01-01T00:00:00.000Z');
const { org, adminToken } = createSandboxOrg(() => start);
const admin: SandboxUser = (() => {
  const user = org.users.get(org.tokens.get(adminToken) ?? '');
  if (user === undefined) {
    throw new Error('The sandbox org has no admin.');
  }
  return user;
})();
const everyone = [...org.groups.values()].find((group) => group.type === 'BUILT_IN');
// Every org has its `default` server, as the sandbox starts it (org-startup.ts).
createAuthServer(org, {
  id: 'default',
  name: 'default',
  description: 'Default Authorization Server for your Applications',
  audiences: ['api://default'],
  now: start,
  withDefaultPolicy: true,
});

/** Calls the route the server would pick, checking its query parameters first as it does. */
function call(method: string, pathAndQuery: string, body: unknown = {}, now = start): RouteResult {
  const url = new URL(pathAndQuery, orgUrl);
  const route = MANAGEMENT_ROUTES.find(
    (candidate) => candidate.method === method && candidate.pattern.test(url.pathname),
  );
  if (route === undefined) {
    throw new Error(`No sandbox route answers ${method} ${url.pathname}.`);
  }
  const result =
    unimplementedQueryParameter(route, url.searchParams) ??
    route.handle({
      org,
      orgUrl,
      url,
      caller: admin,
      params: route.pattern.exec(url.pathname)?.groups ?? {},
      query: url.searchParams,
      body,
      now,
    });
  if (method !== 'GET') {
    forgetUserLookups(org);
  }
  return result;
}

/** Creates something through its route; a refusal is a bug in the test's items. */
function create(path: string, body: unknown, now = start): Record<string, unknown> {
  const result = call('POST', path, body, now);
  if (result.status >= 300) {
    throw new Error(
      `POST ${path} answered ${String(result.status)}: ${JSON.stringify(result.body)}`,
    );
  }
  return result.body as Record<string, unknown>;
}

/** Empties the org but for its admin's token, the Everyone group and the `default` server. */
beforeEach(() => {
  org.users.clear();
  for (const id of org.groups.keys()) {
    if (id !== everyone?.id) {
      org.groups.delete(id);
    }
  }
  org.groupMembers.clear();
  org.apps.clear();
  org.trustedOrigins.clear();
  for (const id of org.authServers.keys()) {
    if (id !== 'default') {
      org.authServers.delete(id);
    }
  }
  forgetUserLookups(org);
});

/** The answer: the names of the items listed, or the error code of a refusal. */
function answered(
  result: RouteResult,
  nameOf: (item: Record<string, unknown>) => unknown,
): unknown[] | string {
  if (result.status >= 400) {
    return (result.body as { errorCode: string }).errorCode;
  }
  return (result.body as Record<string, unknown>[]).map(nameOf);
}

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** The items a table lists, shown in the test's title by `label`. */
function itemSet<T>(label: string, list: readonly T[]): readonly T[] {
  return Object.assign([...list], { toString: () => label });
}

// Users --------------------------------------------------------------------------------------

interface Person {
  firstName: string;
  lastName: string;
  email: string;
  department?: string;
  /** The status it ends in: ACTIVE (the default), STAGED or DEPROVISIONED. */
  status?: 'ACTIVE' | 'STAGED' | 'DEPROVISIONED';
  /** When it was created (and last changed). */
  on: string;
}

/** First name, last name, email; login is the first name at example.com. */
const PEOPLE = itemSet<Person>('Ada, Grace, Alan (DEPROVISIONED), Marie (STAGED)', [
  {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    department: 'Engineering',
    on: '2026-01-05',
  },
  { firstName: 'Grace', lastName: 'Hopper', email: 'gh@navy.example', on: '2026-02-01' },
  {
    firstName: 'Alan',
    lastName: 'Turing',
    email: 'alan@example.com',
    status: 'DEPROVISIONED',
    on: '2026-02-15',
  },
  {
    firstName: 'Marie',
    lastName: 'Curie',
    email: 'marie@example.com',
    status: 'STAGED',
    on: '2026-03-01',
  },
]);

/** Twelve active people whose first names all start with "Pat". */
const TWELVE_PATS = itemSet<Person>(
  'Pat0 … Pat11',
  Array.from({ length: 12 }, (_, index) => ({
    firstName: `Pat${String(index)}`,
    lastName: 'Doe',
    email: `pat${String(index)}@example.com`,
    on: '2026-01-10',
  })),
);

function givenPeople(people: readonly Person[]): void {
  for (const person of people) {
    const now = day(person.on);
    const user = create(
      `/api/v1/users?activate=${String(person.status !== 'STAGED')}`,
      {
        profile: {
          login: `${person.firstName.toLowerCase()}@example.com`,
          firstName: person.firstName,
          lastName: person.lastName,
          email: person.email,
          ...(person.department === undefined ? {} : { department: person.department }),
        },
        credentials: { password: { value: 'Sandbox-Test-1' } },
      },
      now,
    );
    if (person.status === 'DEPROVISIONED') {
      call('POST', `/api/v1/users/${String(user.id)}/lifecycle/deactivate`, {}, now);
    }
  }
}

const firstNameOf = (user: Record<string, unknown>) =>
  (user.profile as { firstName: string }).firstName;

describe('listUsers', () => {
  // q: "The value of `q` is matched against `firstName`, `lastName`, or `email`. This performs a
  // `startsWith` match"; "Using the `q` parameter in a request omits users that have a status of
  // `DEPROVISIONED`"; limit: "Defaults to 10 if `q` is provided".
  it.each([
    ['ad', PEOPLE, ['Ada']], // firstName
    ['HOP', PEOPLE, ['Grace']], // lastName, any case
    ['gh@', PEOPLE, ['Grace']], // email
    ['grace@', PEOPLE, []], // the login is not matched
    ['navy', PEOPLE, []], // a prefix, not a substring
    ['al', PEOPLE, []], // Alan is DEPROVISIONED: omitted
    ['cur', PEOPLE, ['Marie']], // STAGED is listed
    ['pat', TWELVE_PATS, TWELVE_PATS.slice(0, 10).map((person) => person.firstName)], // 10 by default
  ] as const)('q=%s over %s → %j', (q, people, expected) => {
    givenPeople(people);
    expect(answered(call('GET', `/api/v1/users?q=${q}`), firstNameOf)).toEqual(expected);
  });

  // filter: "Filtering supports the following limited number of properties: `status`,
  // `lastUpdated`, `id`, `profile.login`, `profile.email`, `profile.firstName`, and
  // `profile.lastName`"; "filtering supports only the equal `eq` operator … except in the case of
  // the `lastUpdated` property. This property can also use the inequality operators (`gt`, `ge`,
  // `lt`, and `le`)"; "Returned users include those with the `DEPROVISIONED` status".
  it.each([
    ['status eq "DEPROVISIONED"', PEOPLE, ['Alan']],
    ['profile.firstName eq "Grace"', PEOPLE, ['Grace']],
    ['profile.email eq "gh@navy.example"', PEOPLE, ['Grace']],
    [
      'profile.login eq "ada@example.com" or profile.login eq "alan@example.com"',
      PEOPLE,
      ['Ada', 'Alan'],
    ],
    ['lastUpdated gt "2026-02-10T00:00:00.000Z"', PEOPLE, ['Alan', 'Marie']],
    ['lastUpdated le "2026-02-01T00:00:00.000Z" and status eq "ACTIVE"', PEOPLE, ['Ada', 'Grace']],
    ['profile.email sw "gh"', PEOPLE, 'E0000031'], // `sw`: not an operator of filter
    ['profile.department eq "Engineering"', PEOPLE, 'E0000031'], // not a filter property
    ['created gt "2026-02-10T00:00:00.000Z"', PEOPLE, 'E0000031'], // inequalities: lastUpdated only
  ] as const)('filter=%s over %s → %j', (filter, people, expected) => {
    givenPeople(people);
    const query = `filter=${encodeURIComponent(filter)}`;
    expect(answered(call('GET', `/api/v1/users?${query}`), firstNameOf)).toEqual(expected);
  });

  // search: "This operation searches many properties: Any user profile attribute, including
  // custom-defined attributes; The top-level properties: `id`, `status`, `created`, `activated`,
  // `statusChanged`, and `lastUpdated`"; "operators … and string values are case insensitive";
  // "Searches for users can be filtered by the following operators: `sw`, `eq`, and `co`. You can
  // only use `co` with these select user profile attributes: `profile.firstName`,
  // `profile.lastName`, `profile.email`, and `profile.login`"; "The `ne` (not equal) operator
  // isn't supported, but you can obtain the same result by using `lt ... or ... gt`"; "Returned
  // users include those with the `DEPROVISIONED` status".
  it.each([
    ['profile.department eq "engineering"', PEOPLE, ['Ada']], // a custom attribute, any case
    ['profile.lastName sw "TUR"', PEOPLE, ['Alan']], // DEPROVISIONED included
    ['profile.email co "navy"', PEOPLE, ['Grace']],
    ['created lt "2026-02-01T00:00:00.000Z"', PEOPLE, ['Ada']],
    ['(status lt "ACTIVE" or status gt "ACTIVE")', PEOPLE, ['Alan', 'Marie']],
    ['profile.department co "gine"', PEOPLE, 'E0000031'], // `co` on another attribute
    ['status ne "ACTIVE"', PEOPLE, 'E0000031'], // `ne` "isn't supported"
    ['lastLogin pr', PEOPLE, 'E0000031'], // not a property search reads
    ['profile.lastName sw', PEOPLE, 'E0000031'], // does not parse
  ] as const)('search=%s over %s → %j', (search, people, expected) => {
    givenPeople(people);
    const query = `search=${encodeURIComponent(search)}`;
    expect(answered(call('GET', `/api/v1/users?${query}`), firstNameOf)).toEqual(expected);
  });

  // sortBy: "Specifies the field to sort by (for search queries only). This can be any single
  // property"; sortOrder: "`asc` or `desc` (for search queries only). This parameter is ignored
  // if `sortBy` isn't present".
  it.each([
    [
      'search=status eq "ACTIVE" or status eq "STAGED"&sortBy=profile.lastName',
      PEOPLE,
      ['Marie', 'Grace', 'Ada'],
    ],
    [
      'search=status eq "ACTIVE" or status eq "STAGED"&sortBy=profile.lastName&sortOrder=desc',
      PEOPLE,
      ['Ada', 'Grace', 'Marie'],
    ],
    [
      'search=status eq "ACTIVE" or status eq "STAGED"&sortOrder=desc',
      PEOPLE,
      ['Ada', 'Grace', 'Marie'],
    ], // no sortBy: list order
    ['filter=status eq "ACTIVE"&sortBy=profile.lastName&sortOrder=desc', PEOPLE, ['Ada', 'Grace']], // not a search: list order
    ['search=status pr&sortBy=created&sortOrder=up', PEOPLE, 'E0000001'],
  ] as const)('%s over %s → %j', (query, people, expected) => {
    givenPeople(people);
    expect(answered(call('GET', `/api/v1/users?${query}`), firstNameOf)).toEqual(expected);
  });

  it('refuses q with filter or search (E0000033), and fields, which it does not implement (E0000001)', () => {
    givenPeople(PEOPLE);
    expect(answered(call('GET', '/api/v1/users?q=a&search=status%20pr'), firstNameOf)).toBe(
      'E0000033',
    );
    expect(answered(call('GET', '/api/v1/users?fields=id'), firstNameOf)).toBe('E0000001');
  });
});

// Groups -------------------------------------------------------------------------------------

interface GroupItem {
  name: string;
  description?: string;
  on: string;
}

/** Beside the org's Everyone group. */
const GROUPS = itemSet<GroupItem>('Everyone, Engineering, Engineers EU, Finance', [
  { name: 'Engineering', description: 'Builds things', on: '2026-01-05' },
  { name: 'Engineers EU', on: '2026-02-01' },
  { name: 'Finance', description: 'Counts things', on: '2026-03-01' },
]);

function givenGroups(groups: readonly GroupItem[]): void {
  for (const group of groups) {
    create(
      '/api/v1/groups',
      { profile: { name: group.name, description: group.description } },
      day(group.on),
    );
  }
}

const groupNameOf = (group: Record<string, unknown>) => (group.profile as { name: string }).name;

describe('listGroups', () => {
  // q: "Finds a group that matches the `name` property" (okta-behaviours.md §6: startsWith).
  it.each([
    ['eng', GROUPS, ['Engineering', 'Engineers EU']],
    ['FIN', GROUPS, ['Finance']],
    ['every', GROUPS, ['Everyone']],
    ['EU', GROUPS, []], // a prefix, not a word
  ] as const)('q=%s over %s → %j', (q, groups, expected) => {
    givenGroups(groups);
    expect(answered(call('GET', `/api/v1/groups?q=${q}`), groupNameOf)).toEqual(expected);
  });

  // filter: "Filtering supports the following limited number of properties: `id`, `type`,
  // `lastUpdated`, and `lastMembershipUpdated`".
  it.each([
    ['type eq "OKTA_GROUP"', GROUPS, ['Engineering', 'Engineers EU', 'Finance']],
    ['type eq "BUILT_IN"', GROUPS, ['Everyone']],
    ['lastUpdated gt "2026-01-15T00:00:00.000Z"', GROUPS, ['Engineers EU', 'Finance']],
    [
      'lastMembershipUpdated lt "2026-01-15T00:00:00.000Z" and type eq "OKTA_GROUP"',
      GROUPS,
      ['Engineering'],
    ],
    ['profile.name eq "Finance"', GROUPS, 'E0000031'], // not a filter property
  ] as const)('filter=%s over %s → %j', (filter, groups, expected) => {
    givenGroups(groups);
    const query = `filter=${encodeURIComponent(filter)}`;
    expect(answered(call('GET', `/api/v1/groups?${query}`), groupNameOf)).toEqual(expected);
  });

  // search: "Searches for groups with a supported filtering expression for all properties except
  // for `_embedded`, `_links`, and `objectClass`"; "Searches for groups can be filtered by the
  // following operators: `sw`, `eq`, and `co`. You can only use `co` with these select profile
  // attributes: `profile.name` and `profile.description`".
  it.each([
    ['profile.name sw "eng"', GROUPS, ['Engineering', 'Engineers EU']],
    ['profile.description co "COUNTS"', GROUPS, ['Finance']],
    ['profile.name co "ance"', GROUPS, ['Finance']],
    ['type eq "BUILT_IN"', GROUPS, ['Everyone']],
    ['created ge "2026-02-01T00:00:00.000Z"', GROUPS, ['Engineers EU', 'Finance']],
    ['type co "GROUP"', GROUPS, 'E0000031'], // `co` on another property
    ['objectClass eq "okta:user_group"', GROUPS, 'E0000031'], // a property search leaves out
  ] as const)('search=%s over %s → %j', (search, groups, expected) => {
    givenGroups(groups);
    const query = `search=${encodeURIComponent(search)}`;
    expect(answered(call('GET', `/api/v1/groups?${query}`), groupNameOf)).toEqual(expected);
  });

  // sortBy: "Specifies the field to sort by (for search queries only)"; "Groups with the same
  // value for the `sortBy` property are ordered by `id`"; sortOrder: "`asc` or `desc`".
  it.each([
    [
      'search=type eq "OKTA_GROUP"&sortBy=profile.name&sortOrder=desc',
      GROUPS,
      ['Finance', 'Engineers EU', 'Engineering'],
    ],
    [
      'search=type eq "OKTA_GROUP"&sortBy=lastUpdated&sortOrder=desc',
      GROUPS,
      ['Finance', 'Engineers EU', 'Engineering'],
    ],
    ['q=eng&search=type eq "OKTA_GROUP"', GROUPS, 'E0000033'], // q does not page; both cannot hold
  ] as const)('%s over %s → %j', (query, groups, expected) => {
    givenGroups(groups);
    expect(answered(call('GET', `/api/v1/groups?${query}`), groupNameOf)).toEqual(expected);
  });
});

// Apps and their assignments ------------------------------------------------------------------

const OIDC_APP = {
  name: 'oidc_client',
  label: 'Kestra',
  signOnMode: 'OPENID_CONNECT',
  settings: {
    oauthClient: {
      application_type: 'web',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://localhost:8080/oauth/callback/okta'],
    },
  },
};

const bookmark = (label: string) => ({
  name: 'bookmark',
  label,
  signOnMode: 'BOOKMARK',
  settings: { app: { url: 'https://docs.example.com' } },
});

/** Kestra (OIDC), Kaimu Docs (bookmark) and Old Wiki (bookmark, created INACTIVE). */
const APPS = itemSet('Kestra (OIDC), Kaimu Docs, Old Wiki (INACTIVE)', [
  { body: OIDC_APP, activate: true },
  { body: bookmark('Kaimu Docs'), activate: true },
  { body: bookmark('Old Wiki'), activate: false },
]);

function givenApps(apps: readonly { body: unknown; activate: boolean }[]): string[] {
  return apps.map(
    ({ body, activate }) => create(`/api/v1/apps?activate=${String(activate)}`, body).id as string,
  );
}

const labelOf = (app: Record<string, unknown>) => app.label;

describe('listApplications', () => {
  // q: "Searches for apps with `name` or `label` properties that starts with the `q` value using
  // the `startsWith` operation".
  it.each([
    ['kes', APPS, ['Kestra']], // label
    ['OIDC', APPS, ['Kestra']], // name: oidc_client
    ['book', APPS, ['Kaimu Docs', 'Old Wiki']], // name: bookmark
    ['docs', APPS, []], // a prefix, not a word
  ] as const)('q=%s over %s → %j', (q, apps, expected) => {
    givenApps(apps);
    expect(answered(call('GET', `/api/v1/apps?q=${q}`), labelOf)).toEqual(expected);
  });

  // filter: "Filtering supports the following limited number of properties: `id`, `status`,
  // `credentials.signing.kid`, `settings.slo.enabled`, or `name`".
  it.each([
    ['status eq "INACTIVE"', APPS, ['Old Wiki']],
    ['name eq "oidc_client"', APPS, ['Kestra']],
    ['name eq "bookmark" and status eq "ACTIVE"', APPS, ['Kaimu Docs']],
    ['label eq "Kestra"', APPS, 'E0000031'], // not a filter property
    ['status sw "INACT"', APPS, 'E0000031'], // `eq` only
  ] as const)('filter=%s over %s → %j', (filter, apps, expected) => {
    givenApps(apps);
    const query = `filter=${encodeURIComponent(filter)}`;
    expect(answered(call('GET', `/api/v1/apps?${query}`), labelOf)).toEqual(expected);
  });

  it('keeps only the apps both q and filter keep', () => {
    givenApps(APPS);
    const query = `q=k&filter=${encodeURIComponent('status eq "ACTIVE"')}`;
    expect(answered(call('GET', `/api/v1/apps?${query}`), labelOf)).toEqual([
      'Kestra',
      'Kaimu Docs',
    ]);
  });
});

/** Ada, Grace and Alan (as in PEOPLE, all active), assigned to an OIDC and a bookmark app. */
function givenAssignedApps(): { oidc: string; bookmark: string } {
  givenPeople(PEOPLE.slice(0, 3).map((person) => ({ ...person, status: 'ACTIVE' })));
  const [oidc = '', bookmarkApp = ''] = givenApps(APPS.slice(0, 2));
  for (const user of org.users.values()) {
    for (const appId of [oidc, bookmarkApp]) {
      create(`/api/v1/apps/${appId}/users`, { id: user.id });
    }
  }
  return { oidc, bookmark: bookmarkApp };
}

const userNameOf = (appUser: Record<string, unknown>) =>
  (appUser.credentials as { userName: string }).userName;

describe('listApplicationUsers', () => {
  // q: "The value of `q` is matched against the beginning of the following profile attributes:
  // `userName`, `firstName`, `lastName`, and `email`"; "For OIDC apps, user profiles don't
  // contain the `firstName` or `lastName` attributes. Therefore, the query only matches against
  // the `userName` or `email` attributes".
  it.each([
    ['bookmark', 'lov', ['ada@example.com']], // lastName
    ['OIDC', 'lov', []], // no lastName for OIDC apps
    ['OIDC', 'GH@', ['grace@example.com']], // email, any case
    ['OIDC', 'alan@', ['alan@example.com']], // userName
    ['bookmark', 'example', []], // a prefix only
  ] as const)('%s app, q=%s → %j', (kind, q, expected) => {
    const apps = givenAssignedApps();
    const appId = kind === 'OIDC' ? apps.oidc : apps.bookmark;
    expect(answered(call('GET', `/api/v1/apps/${appId}/users?q=${q}`), userNameOf)).toEqual(
      expected,
    );
  });
});

describe('listApplicationGroupAssignments', () => {
  // q: "This filter only supports the `startsWith` operation that matches the `q` string against
  // the beginning of the group name".
  it.each([
    ['ENG', GROUPS, ['Engineering', 'Engineers EU']],
    ['fin', GROUPS, ['Finance']],
    ['eu', GROUPS, []],
  ] as const)('q=%s over %s → %j', (q, groups, expected) => {
    givenGroups(groups);
    const [appId = ''] = givenApps(APPS.slice(0, 1));
    for (const group of org.groups.values()) {
      if (group.type !== 'BUILT_IN') {
        call('PUT', `/api/v1/apps/${appId}/groups/${group.id}`);
      }
    }
    const result = call('GET', `/api/v1/apps/${appId}/groups?q=${q}&expand=group`);
    expect(
      answered(result, (assignment) =>
        groupNameOf((assignment._embedded as { group: Record<string, unknown> }).group),
      ),
    ).toEqual(expected);
  });
});

// Trusted origins ----------------------------------------------------------------------------

interface OriginItem {
  name: string;
  origin: string;
  scopes: { type: string }[];
  inactive?: boolean;
}

const ORIGINS = itemSet<OriginItem>('Kestra (CORS, REDIRECT), Docs (INACTIVE), Local (REDIRECT)', [
  {
    name: 'Kestra',
    origin: 'https://kestra.example.com',
    scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
  },
  { name: 'Docs', origin: 'https://docs.example.com', scopes: [{ type: 'CORS' }], inactive: true },
  { name: 'Local', origin: 'http://localhost:3000', scopes: [{ type: 'REDIRECT' }] },
]);

function givenOrigins(origins: readonly OriginItem[]): void {
  for (const { inactive = false, ...body } of origins) {
    const created = create('/api/v1/trustedOrigins', body);
    if (inactive) {
      call('POST', `/api/v1/trustedOrigins/${String(created.id)}/lifecycle/deactivate`);
    }
  }
}

const nameOf = (item: Record<string, unknown>) => item.name;

describe('listTrustedOrigins', () => {
  // q: "A search string that prefix matches against the `name` and `origin`".
  it.each([
    ['https://k', ORIGINS, ['Kestra']], // origin
    ['loc', ORIGINS, ['Local']], // name
    ['DOC', ORIGINS, ['Docs']], // name, any case; INACTIVE listed
    ['example', ORIGINS, []], // a prefix only
  ] as const)('q=%s over %s → %j', (q, origins, expected) => {
    givenOrigins(origins);
    const query = `q=${encodeURIComponent(q)}`;
    expect(answered(call('GET', `/api/v1/trustedOrigins?${query}`), nameOf)).toEqual(expected);
  });

  // filter: "You can filter on the following properties: `name`, `origin`, `status`, and `type`
  // (type of scopes)".
  it.each([
    ['type eq "REDIRECT"', ORIGINS, ['Kestra', 'Local']],
    ['status eq "INACTIVE"', ORIGINS, ['Docs']],
    ['origin eq "http://localhost:3000"', ORIGINS, ['Local']],
    ['name eq "Kestra" or name eq "Docs"', ORIGINS, ['Kestra', 'Docs']],
    ['id eq "tos1"', ORIGINS, 'E0000031'], // not a filter property
    ['name sw "K"', ORIGINS, 'E0000031'], // `eq` only
  ] as const)('filter=%s over %s → %j', (filter, origins, expected) => {
    givenOrigins(origins);
    const query = `filter=${encodeURIComponent(filter)}`;
    expect(answered(call('GET', `/api/v1/trustedOrigins?${query}`), nameOf)).toEqual(expected);
  });
});

// Authorization servers ----------------------------------------------------------------------

/** Beside the org's `default` server, audience `api://default`. */
const SERVERS = itemSet('default, Kestra API (api://kestra), Reports (https://reports…)', [
  { name: 'Kestra API', description: 'Kestra', audiences: ['api://kestra'] },
  { name: 'Reports', description: 'Reports', audiences: ['https://reports.example.com'] },
]);

function givenServers(servers: readonly unknown[]): void {
  for (const server of servers) {
    create('/api/v1/authorizationServers', server);
  }
}

describe('listAuthorizationServers', () => {
  // q: "Searches the `name` and `audiences` of authorization servers for matching values"
  // (okta-behaviours.md §6: a prefix, like every `q`). The org's own `default` server, audience
  // `api://default`, is listed too.
  it.each([
    ['kes', SERVERS, ['Kestra API']], // name
    ['api://k', SERVERS, ['Kestra API']], // audience
    ['api://', SERVERS, ['default', 'Kestra API']],
    ['HTTPS', SERVERS, ['Reports']], // audience, any case
    ['example', SERVERS, []], // a prefix only
  ] as const)('q=%s over %s → %j', (q, servers, expected) => {
    givenServers(servers);
    const query = `q=${encodeURIComponent(q)}`;
    expect(answered(call('GET', `/api/v1/authorizationServers?${query}`), nameOf)).toEqual(
      expected,
    );
  });
});

/** The `default` server's system scopes, and two custom ones. */
const CUSTOM_SCOPES = itemSet('the system scopes, kestra.read, kestra.write', [
  'kestra.read',
  'kestra.write',
]);

describe('listOAuth2Scopes', () => {
  // q: "Searches the `name` of Custom Token Scopes for matching values"; filter: "Filter
  // expression for Custom Token Scopes".
  it.each([
    ['q=kestra', CUSTOM_SCOPES, ['kestra.read', 'kestra.write']],
    ['q=PRO', CUSTOM_SCOPES, ['profile']],
    ['filter=system eq false', CUSTOM_SCOPES, ['kestra.read', 'kestra.write']],
    ['filter=name eq "openid"', CUSTOM_SCOPES, ['openid']],
    ['filter=system eq false&q=kestra.w', CUSTOM_SCOPES, ['kestra.write']],
    ['filter=name eq', CUSTOM_SCOPES, 'E0000031'], // does not parse
  ] as const)('%s over %s → %j', (query, scopes, expected) => {
    for (const name of scopes) {
      create('/api/v1/authorizationServers/default/scopes', { name });
    }
    const path = `/api/v1/authorizationServers/default/scopes?${query.replaceAll(' ', '%20')}`;
    expect(answered(call('GET', path), nameOf)).toEqual(expected);
    for (const [id, scope] of org.authServers.get('default')?.scopes ?? []) {
      if (scope.system !== true) {
        org.authServers.get('default')?.scopes.delete(id);
      }
    }
  });
});

describe('listOAuth2Claims and listAuthorizationServerPolicies', () => {
  // management.yaml declares no `q`, `filter` or `search` for either: each is refused, naming
  // the parameter, rather than answered with the whole list.
  it.each([
    ['claims', 'q=groups'],
    ['claims', 'filter=name eq "groups"'],
    ['policies', 'q=Default'],
    ['policies', 'search=name eq "Default Policy"'],
  ] as const)('%s?%s → E0000001', (collection, query) => {
    const path = `/api/v1/authorizationServers/default/${collection}?${query.replaceAll(' ', '%20')}`;
    const result = call('GET', path);
    const parameter = query.split('=')[0] ?? '';
    expect(result).toMatchObject({
      status: 400,
      body: { errorCode: 'E0000001', errorSummary: `Api validation failed: ${parameter}` },
    });
  });
});

// Other parameters of these lists ------------------------------------------------------------

describe('listGroups expand', () => {
  // expand: "Possible values are `stats` and `app`"; "You can use the `stats` value to return the
  // number of users within a group. This is listed as the `_embedded.stats.usersCount` value".
  it('embeds stats: the members and the apps assigned, counted', () => {
    givenGroups(GROUPS);
    givenPeople(PEOPLE.slice(0, 2));
    const engineering = [...org.groups.values()].find(
      (group) => group.profile.name === 'Engineering',
    );
    const [appId = ''] = givenApps(APPS.slice(0, 1));
    call('PUT', `/api/v1/apps/${appId}/groups/${engineering?.id ?? ''}`);
    for (const user of org.users.values()) {
      call('PUT', `/api/v1/groups/${engineering?.id ?? ''}/users/${user.id}`);
    }
    const result = call('GET', '/api/v1/groups?expand=stats');
    expect(
      answered(result, (group) => [
        groupNameOf(group),
        (group._embedded as { stats: { usersCount: number; appsCount: number } }).stats,
      ]),
    ).toEqual([
      ['Everyone', expect.objectContaining({ usersCount: 2, appsCount: 0 })],
      ['Engineering', expect.objectContaining({ usersCount: 2, appsCount: 1 })],
      ['Engineers EU', expect.objectContaining({ usersCount: 0, appsCount: 0 })],
      ['Finance', expect.objectContaining({ usersCount: 0, appsCount: 0 })],
    ]);
  });

  it('embeds no app for expand=app (no sandbox group is sourced from an app), and refuses other values', () => {
    givenGroups(GROUPS);
    const byApp = call('GET', '/api/v1/groups?expand=app');
    expect(answered(byApp, (group) => group._embedded ?? 'none')).toEqual([
      'none',
      'none',
      'none',
      'none',
    ]);
    expect(call('GET', '/api/v1/groups?expand=members')).toMatchObject({
      status: 400,
      body: { errorCode: 'E0000001', errorSummary: 'Api validation failed: expand' },
    });
  });
});

describe('listApplicationGroupAssignments limit and expand', () => {
  // limit: "default 20, minimum 20, maximum 200"; expand: the assigned group, or "the group
  // assignment metadata details", which the sandbox does not implement.
  it('raises a limit under 20 to 20, and refuses expand=metadata rather than embed nothing', () => {
    const [appId = ''] = givenApps(APPS.slice(0, 1));
    for (let index = 0; index < 25; index += 1) {
      const group = create('/api/v1/groups', { profile: { name: `Team ${String(index)}` } });
      call('PUT', `/api/v1/apps/${appId}/groups/${String(group.id)}`);
    }
    const page = call('GET', `/api/v1/apps/${appId}/groups?limit=5`);
    expect((page.body as unknown[]).length).toBe(20);
    expect(call('GET', `/api/v1/apps/${appId}/groups?expand=metadata`)).toMatchObject({
      status: 400,
      body: {
        errorCode: 'E0000001',
        errorCauses: [{ errorSummary: expect.stringContaining('expand=group') as string }],
      },
    });
  });
});

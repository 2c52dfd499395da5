import { generateKeyPairSync, randomBytes } from 'node:crypto';

import { hashPassword } from './passwords.ts';
import { unimplementedQueryParameter } from './query-parameters.ts';
import { APP_GRANT_ROUTES } from './routes/app-grants.ts';
import { APP_ROUTES } from './routes/apps.ts';
import { GROUP_ROUTES } from './routes/groups.ts';
import type { Route } from './routes/route.ts';
import { USER_LIFECYCLE_ROUTES } from './routes/user-lifecycle.ts';
import { USER_ROUTES } from './routes/users.ts';
import type { SandboxGroup, SandboxOrg, SandboxUser, UserStatus } from './sandbox-org.ts';

/** What to put in a fresh sandbox org besides its super admin and `default` server. */
export type SeedOption =
  { kind: 'demo' } | { kind: 'large'; users: number; groups: number; apps: number };

/** How many users, groups and apps `--seed large` adds when not told otherwise. */
export const LARGE_SEED_DEFAULTS = { users: 100_000, groups: 2_000, apps: 1_000 } as const;

/** The most `--seed large` accepts of each: beyond that the org no longer fits a laptop's RAM. */
export const LARGE_SEED_MAXIMUMS = { users: 1_000_000, groups: 100_000, apps: 20_000 } as const;

/**
 * The password of every seeded user who has one (documented in the CLI output and the README).
 *
 * @remarks
 * Meets Okta's default policy for every seeded login, so the sandbox's sign-in page accepts it.
 * Large-seed users share one precomputed hash of it: hashing 100,000 passwords one by one
 * (scrypt) would take minutes, and a shared salt is harmless for a published password.
 */
export const SEED_PASSWORD = 'Sandbox-Demo-1';

/** What a seed added, for the CLI's summary line. */
export interface SeedSummary {
  kind: SeedOption['kind'];
  users: number;
  groups: number;
  apps: number;
  groupMemberships: number;
  appAssignments: number;
  /** The demo seed's service app ({@link SERVICE_APP_LABEL}): its client id. */
  serviceAppClientId?: string;
}

/** The label of the demo seed's API services app. */
export const SERVICE_APP_LABEL = 'Console service app';

/**
 * The Okta API scopes granted to the demo's service app: what the console's work needs
 * (okta-behaviours.md §13) — apps, users, groups, authorization servers, trusted origins, the
 * System Log.
 */
export const SERVICE_APP_SCOPES = [
  'okta.apps.read',
  'okta.apps.manage',
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.authorizationServers.read',
  'okta.authorizationServers.manage',
  'okta.trustedOrigins.read',
  'okta.trustedOrigins.manage',
  'okta.logs.read',
] as const;

type LargeSeedCount = keyof typeof LARGE_SEED_DEFAULTS;

/**
 * A large seed from counts given as numbers or as typed (`--users 5000`), the defaults filling
 * in the rest; or why they are not valid (`users must be …`, for the caller to prefix).
 */
export function largeSeedFrom(
  counts: Partial<Record<LargeSeedCount, number | string>>,
): { ok: true; seed: Extract<SeedOption, { kind: 'large' }> } | { ok: false; problem: string } {
  const seed: Extract<SeedOption, { kind: 'large' }> = { kind: 'large', ...LARGE_SEED_DEFAULTS };
  for (const key of ['users', 'groups', 'apps'] as const) {
    const given = counts[key] ?? LARGE_SEED_DEFAULTS[key];
    const value = typeof given === 'string' ? (/^\d+$/.test(given) ? Number(given) : NaN) : given;
    const maximum = LARGE_SEED_MAXIMUMS[key];
    if (!Number.isInteger(value) || value < 0 || value > maximum) {
      return {
        ok: false,
        problem: `${key} must be a whole number from 0 to ${maximum.toLocaleString('en-US')}, not ${JSON.stringify(given)}`,
      };
    }
    seed[key] = value;
  }
  return { ok: true, seed };
}

/** Origin the seed's internal management calls are made on; nothing stored depends on it. */
const SEED_ORIGIN = 'https://seed.sandbox.invalid';

const SEED_ROUTES: readonly Route[] = [
  ...USER_ROUTES,
  ...USER_LIFECYCLE_ROUTES,
  ...GROUP_ROUTES,
  ...APP_ROUTES,
  ...APP_GRANT_ROUTES,
];

type ManagementCall = (
  method: string,
  pathAndQuery: string,
  body?: unknown,
) => Record<string, unknown>;

/**
 * Calls the sandbox's own management routes as `caller`, without HTTP.
 *
 * @remarks
 * Seeded users, groups and apps are made by the very code that serves `POST /api/v1/users` and
 * the rest, so they have Okta's shape and defaults exactly as if an admin had created them. A
 * refusal — by the route, or by the server's check of query parameters, which the seed goes
 * through too — is a bug in the seed, so it throws with Okta's answer.
 */
function managementCaller(org: SandboxOrg, caller: SandboxUser, now: Date): ManagementCall {
  return (method, pathAndQuery, body = {}) => {
    const url = new URL(pathAndQuery, SEED_ORIGIN);
    const route = SEED_ROUTES.find(
      (candidate) => candidate.method === method && candidate.pattern.test(url.pathname),
    );
    if (route === undefined) {
      throw new Error(`Seed: no sandbox route answers ${method} ${url.pathname}.`);
    }
    const result =
      unimplementedQueryParameter(route, url.searchParams) ??
      route.handle({
        org,
        orgUrl: SEED_ORIGIN,
        url,
        caller,
        params: route.pattern.exec(url.pathname)?.groups ?? {},
        query: url.searchParams,
        body,
        now,
      });
    if (result.status >= 400) {
      throw new Error(
        `Seed: ${method} ${url.pathname} answered ${String(result.status)}: ${JSON.stringify(result.body)}`,
      );
    }
    return (result.body ?? {}) as Record<string, unknown>;
  };
}

function everyoneGroup(org: SandboxOrg): SandboxGroup {
  const everyone = [...org.groups.values()].find((group) => group.type === 'BUILT_IN');
  if (everyone === undefined) {
    throw new Error('Seed: the org has no built-in Everyone group.');
  }
  return everyone;
}

/**
 * The demo org's people, one at least in every status management.yaml names: first the six in
 * Okta's three starting statuses (`activate` and a password decide which), then one per later
 * status, named after it, each with the documented password and in no group but Everyone.
 */
const DEMO_PEOPLE: readonly (readonly [string, string, string, string, UserStatus])[] = [
  ['Alice', 'Martin', 'Engineering', 'Platform Engineer', 'ACTIVE'],
  ['Bilal', 'Haddad', 'Engineering', 'Data Engineer', 'ACTIVE'],
  ['Chen', 'Wei', 'Engineering', 'Site Reliability Engineer', 'ACTIVE'],
  ['Dana', 'Kowalski', 'Finance', 'Finance Manager', 'ACTIVE'],
  ['Emeka', 'Obi', 'Engineering', 'Software Engineer', 'PROVISIONED'],
  ['Farah', 'Nasser', 'Sales', 'Account Executive', 'STAGED'],
  ['Suspended', 'User', 'Support', 'Suspended account', 'SUSPENDED'],
  ['Locked', 'User', 'Support', 'Locked-out account', 'LOCKED_OUT'],
  ['Expired', 'User', 'Support', 'Expired-password account', 'PASSWORD_EXPIRED'],
  ['Recovery', 'User', 'Support', 'Password-recovery account', 'RECOVERY'],
  ['Deprovisioned', 'User', 'Support', 'Deactivated account', 'DEPROVISIONED'],
];

/**
 * How a demo person who starts ACTIVE reaches a later status: the lifecycle call an admin would
 * make, or none where no admin call leads there (LOCKED_OUT follows failed sign-ins, RECOVERY a
 * password reset; the sandbox has neither), and the seed sets the status as Okta would.
 */
const DEMO_STATUS_CALLS: Partial<Record<UserStatus, string>> = {
  SUSPENDED: 'suspend',
  PASSWORD_EXPIRED: 'expire_password',
  DEPROVISIONED: 'deactivate',
};

/** Group name → description and the first names of its members. */
const DEMO_GROUPS: readonly [string, string, readonly string[]][] = [
  ['Kestra Admins', 'Administrators of the Kestra workflow platform', ['Alice']],
  ['Kestra Users', 'People who run flows in Kestra', ['Bilal', 'Chen']],
  ['Engineering', 'Everyone in Engineering', ['Alice', 'Bilal', 'Chen', 'Emeka']],
  ['Finance', 'Everyone in Finance', ['Dana']],
];

function demoLogin(firstName: string, lastName: string): string {
  return `${firstName}.${lastName}@example.com`.toLowerCase();
}

function oidcWebApp(label: string, baseUrl: string, callbackPath: string, logoutPath: string) {
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: {
      oauthClient: {
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${baseUrl}${callbackPath}`],
        post_logout_redirect_uris: logoutPath === '' ? [] : [`${baseUrl}${logoutPath}`],
        initiate_login_uri: baseUrl,
      },
    },
  };
}

/**
 * An API services app that authenticates with `private_key_jwt`, registered with the public half
 * of a key pair made here. The private half is dropped at once: nobody can sign in as this app,
 * which is there to be seen (and to show Okta's shape); tests and the console register their own
 * key on an app of their own.
 */
function serviceApp(label: string) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid: randomBytes(16).toString('base64url'),
    use: 'sig',
    alg: 'RS256',
  };
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        redirect_uris: [],
        jwks: { keys: [jwk] },
      },
    },
  };
}

/** A custom SAML 2.0 app, as a real org's Grafana or Jira often is. */
function samlApp(label: string, baseUrl: string) {
  return {
    label,
    signOnMode: 'SAML_2_0',
    settings: {
      signOn: { ssoAcsUrl: `${baseUrl}/saml/acs`, audience: `${baseUrl}/saml/metadata` },
    },
  };
}

/** A SWA (secure web authentication) app: Okta fills in a password on the app's own form. */
function swaApp(label: string, loginUrl: string) {
  return { label, signOnMode: 'AUTO_LOGIN', settings: { signOn: { loginUrl } } };
}

function bookmarkApp(label: string, url: string) {
  return {
    name: 'bookmark',
    label,
    signOnMode: 'BOOKMARK',
    settings: { app: { url, requestIntegration: false } },
  };
}

/**
 * A small org to click through: eleven people, at least one in each user status, four groups
 * (`Kestra Admins`, `Kestra Users`, `Engineering`, `Finance`), two OIDC apps, a bookmark app, a
 * SAML app (`Grafana`) and a SWA app (`Payroll`), with group and user assignments; and an API
 * services app (`Console service app`) with Okta API scopes granted and the Org Admin role.
 */
function seedDemo(org: SandboxOrg, call: ManagementCall, now: Date): SeedSummary {
  const userIds = new Map<string, string>();
  for (const [firstName, lastName, department, title, status] of DEMO_PEOPLE) {
    const login = demoLogin(firstName, lastName);
    const hasPassword = status !== 'STAGED' && status !== 'PROVISIONED';
    const created = call('POST', `/api/v1/users?activate=${String(status !== 'STAGED')}`, {
      profile: { firstName, lastName, login, email: login, department, title },
      ...(hasPassword ? { credentials: { password: { value: SEED_PASSWORD } } } : {}),
    });
    const id = created.id as string;
    userIds.set(firstName, id);
    const lifecycleCall = DEMO_STATUS_CALLS[status];
    const user = org.users.get(id);
    if (lifecycleCall !== undefined) {
      call('POST', `/api/v1/users/${id}/lifecycle/${lifecycleCall}`);
    } else if (user !== undefined && user.status !== status) {
      user.status = status;
      user.statusChanged = now.toISOString();
      user.lastUpdated = user.statusChanged;
    }
  }
  const groupIds = new Map<string, string>();
  let groupMemberships = 0;
  for (const [name, description, members] of DEMO_GROUPS) {
    const groupId = call('POST', '/api/v1/groups', { profile: { name, description } }).id as string;
    groupIds.set(name, groupId);
    for (const member of members) {
      call('PUT', `/api/v1/groups/${groupId}/users/${userIds.get(member) ?? ''}`);
      groupMemberships += 1;
    }
  }
  const kestra = call(
    'POST',
    '/api/v1/apps',
    oidcWebApp(
      'Kestra (staging)',
      'https://kestra-staging.example.com',
      '/oauth/callback/okta',
      '/logout',
    ),
  ).id as string;
  const kaimu = call(
    'POST',
    '/api/v1/apps',
    oidcWebApp('Kaimu', 'https://kaimu.example.com', '/auth/oidc/okta/callback', ''),
  ).id as string;
  const wiki = call('POST', '/api/v1/apps', bookmarkApp('Team Wiki', 'https://wiki.example.com/'))
    .id as string;
  // A real org's other apps, which the console lists but never offers to set up.
  const grafana = call('POST', '/api/v1/apps', samlApp('Grafana', 'https://grafana.example.com'))
    .id as string;
  const payroll = call(
    'POST',
    '/api/v1/apps',
    swaApp('Payroll', 'https://payroll.example.com/login'),
  ).id as string;
  const groupAssignments: [string, string][] = [
    [kestra, groupIds.get('Kestra Admins') ?? ''],
    [kestra, groupIds.get('Kestra Users') ?? ''],
    [kaimu, groupIds.get('Engineering') ?? ''],
    [wiki, everyoneGroup(org).id],
    [grafana, groupIds.get('Engineering') ?? ''],
    [payroll, everyoneGroup(org).id],
  ];
  for (const [appId, groupId] of groupAssignments) {
    call('PUT', `/api/v1/apps/${appId}/groups/${groupId}`);
  }
  call('POST', `/api/v1/apps/${kaimu}/users`, { id: userIds.get('Dana') });
  const service = call('POST', '/api/v1/apps', serviceApp(SERVICE_APP_LABEL));
  const serviceAppId = service.id as string;
  const clientId =
    (service.credentials as { oauthClient?: { client_id?: string } } | undefined)?.oauthClient
      ?.client_id ?? serviceAppId;
  for (const scopeId of SERVICE_APP_SCOPES) {
    call('POST', `/api/v1/apps/${serviceAppId}/grants`, { issuer: SEED_ORIGIN, scopeId });
  }
  call('POST', `/oauth2/v1/clients/${clientId}/roles`, { type: 'ORG_ADMIN' });
  return {
    kind: 'demo',
    users: DEMO_PEOPLE.length,
    groups: DEMO_GROUPS.length,
    apps: 6,
    groupMemberships,
    appAssignments: groupAssignments.length + 1,
    serviceAppClientId: clientId,
  };
}

/** Mulberry32: a tiny, fast PRNG, so the same large seed gives the same org every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LARGE_SEED_PRNG_SEED = 0x5eed_0003;

/**
 * The large seed's status mix: a user whose roll is below a threshold (and above the previous
 * one) gets its status — 90 % ACTIVE, then PROVISIONED, STAGED and the later statuses.
 */
const LARGE_SEED_STATUS_MIX: readonly [number, UserStatus][] = [
  [0.9, 'ACTIVE'],
  [0.93, 'PROVISIONED'],
  [0.945, 'STAGED'],
  [0.96, 'SUSPENDED'],
  [0.97, 'LOCKED_OUT'],
  [0.98, 'PASSWORD_EXPIRED'],
  [0.99, 'RECOVERY'],
  [1, 'DEPROVISIONED'],
];

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const FIRST_NAMES = (
  'Aaliyah,Abdul,Ada,Adebayo,Aiko,Alejandro,Amara,Amir,Ana,Andrei,Anika,Arjun,Astrid,' +
  'Ayesha,Bao,Beatriz,Benjamin,Camille,Carlos,Chiara,Chloe,Daniel,Darius,Deepa,Diego,' +
  'Elena,Elif,Emma,Erik,Fatima,Felix,Freya,Gabriel,Grace,Hana,Hassan,Ingrid,Isabel,' +
  'Ivan,Jamal,Javier,Jin,Joao,Julia,Kai,Kamala,Kenji,Kwame,Layla,Leon,Lina,Lucas,Maja,' +
  'Malik,Maria,Mateo,Mei,Mohammed,Nadia,Naveen,Nia,Noah,Olga,Omar,Priya,Rafael,Ravi,' +
  'Rosa,Sakura,Samuel,Sara,Sofia,Tariq,Thanh,Tomas,Uma,Valentina,Wei,Yara,Yusuf,Zainab'
).split(',');

const LAST_NAMES = (
  'Abara,Ahmed,Alvarez,Andersson,Bakker,Banerjee,Becker,Bianchi,Brown,Castro,Chen,' +
  'Cohen,Costa,Dubois,Eriksen,Fernandes,Fischer,Garcia,Gupta,Haddad,Hansen,Hoang,' +
  'Ibrahim,Ivanova,Jansen,Jung,Kahn,Kato,Kim,Kowalski,Kumar,Larsen,Lee,Lopez,Mahlangu,' +
  'Martin,Mendes,Meyer,Moreau,Mueller,Murphy,Nakamura,Nguyen,Novak,Obi,Okafor,Olsen,' +
  'Park,Patel,Pereira,Petrov,Popescu,Rahman,Reddy,Rossi,Sato,Schmidt,Silva,Singh,Smith,' +
  'Sousa,Suzuki,Tanaka,Tran,Vasquez,Wagner,Wang,Weber,Wilson,Wong,Yamamoto,Yilmaz,' +
  'Zhang,Zimmermann'
).split(',');

const DEPARTMENTS = (
  'Engineering,Sales,Marketing,Finance,People,Support,Legal,Operations,Product,Design,' +
  'Security,IT,Data,Research,Customer Success,Procurement'
).split(',');

const TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Lead', 'Manager', 'Director'];

const LOCATIONS = (
  'Amsterdam,Austin,Bangalore,Berlin,Boston,Cape Town,Dublin,Lagos,Lisbon,London,' +
  'Madrid,Melbourne,Mexico City,Montreal,Nairobi,New York,Paris,Sao Paulo,Seoul,' +
  'Singapore,Stockholm,Tokyo,Toronto,Warsaw'
).split(',');

const APP_PRODUCTS = (
  'Atlas,Beacon,Compass,Harbor,Keystone,Lighthouse,Meridian,Nimbus,Orbit,Pioneer,' +
  'Quartz,Summit,Tandem,Vertex,Waypoint,Zephyr'
).split(',');

const APP_KINDS = (
  'Wiki,Dashboard,CRM,Analytics,Portal,Tracker,Helpdesk,Billing,Scheduler,Inventory,' +
  'Payroll,Recruiting,Docs,Status,Reports,Builds'
).split(',');

/** The name a large-seed item gets in a list of combinations: `A B`, then `A B 2`, …. */
function combinedName(index: number, first: readonly string[], second: readonly string[]) {
  const round = Math.floor(index / (first.length * second.length));
  const name = `${first[index % first.length] ?? ''} ${second[Math.floor(index / first.length) % second.length] ?? ''}`;
  return round === 0 ? name : `${name} ${String(round + 1)}`;
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * A large org for search, paging and performance work: deterministic (a fixed PRNG seed), with
 * plausible names, a realistic status mix, users spread over department groups, and apps with
 * group assignments.
 *
 * @remarks
 * Users and groups are built directly in the stored shape and memberships set directly, in one
 * pass each (the routes check each new login and group name against every existing one, which
 * is O(n²) for 100,000 users). Apps and their assignments go through the routes (few enough).
 * Everything is the same on every run except app ids and client secrets, which are random like
 * any created app's.
 */
function seedLarge(
  org: SandboxOrg,
  call: ManagementCall,
  counts: { users: number; groups: number; apps: number },
  now: Date,
): SeedSummary {
  const random = seededRandom(LARGE_SEED_PRNG_SEED);
  const below = (count: number) => Math.floor(random() * count);
  const pick = <T>(list: readonly T[]): T => list[below(list.length)] as T;
  const idCharacters: string[] = [];
  const id = (prefix: string) => {
    idCharacters.length = 0;
    while (idCharacters.length < 20 - prefix.length) {
      idCharacters.push(ALPHANUMERIC.charAt(below(62)));
    }
    return prefix + idCharacters.join('');
  };
  const day = 86_400_000;
  const stamp = (msBeforeNow: number) => new Date(now.getTime() - msBeforeNow).toISOString();

  const groupsByDepartment = DEPARTMENTS.map((): SandboxGroup[] => []);
  const groups: SandboxGroup[] = [];
  for (let index = 0; index < counts.groups; index += 1) {
    const created = stamp((2 * 365 + below(365)) * day);
    const department = DEPARTMENTS[index % DEPARTMENTS.length] ?? '';
    const group: SandboxGroup = {
      id: id('00g'),
      type: 'OKTA_GROUP',
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
      profile: {
        name: combinedName(index, DEPARTMENTS, LOCATIONS),
        description: `${department} team`,
      },
    };
    org.groups.set(group.id, group);
    org.groupMembers.set(group.id, new Set());
    groups.push(group);
    groupsByDepartment[index % DEPARTMENTS.length]?.push(group);
  }

  const sharedHash = hashPassword(SEED_PASSWORD);
  const loginsTaken = new Map<string, number>();
  let groupMemberships = 0;
  for (let index = 0; index < counts.users; index += 1) {
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const base = `${firstName}.${lastName}`.toLowerCase();
    const taken = (loginsTaken.get(base) ?? 0) + 1;
    loginsTaken.set(base, taken);
    const login = `${base}${taken === 1 ? '' : String(taken)}@example.com`;
    const departmentIndex = below(DEPARTMENTS.length);
    const roll = random();
    // The first users take each status in turn, so even a small org has every one.
    const status: UserStatus =
      LARGE_SEED_STATUS_MIX[index]?.[1] ??
      LARGE_SEED_STATUS_MIX.find(([threshold]) => roll < threshold)?.[1] ??
      'DEPROVISIONED';
    const ageDays = 1 + below(3 * 365);
    const created = stamp(ageDays * day);
    const activated = status === 'STAGED' ? null : stamp((ageDays - random()) * day);
    const statusChanged =
      status === 'ACTIVE' || status === 'PROVISIONED' || status === 'STAGED'
        ? activated
        : stamp(below(ageDays) * day);
    const hasPassword = status !== 'STAGED' && status !== 'PROVISIONED';
    const lastLogin =
      status === 'ACTIVE' && random() < 0.8 ? stamp(random() * Math.min(ageDays, 60) * day) : null;
    const user: SandboxUser = {
      id: id('00u'),
      status,
      created,
      activated,
      statusChanged,
      lastUpdated: statusChanged ?? created,
      passwordChanged: hasPassword ? activated : null,
      lastLogin,
      profile: {
        firstName,
        lastName,
        login,
        email: login,
        department: DEPARTMENTS[departmentIndex],
        title: pick(TITLES),
      },
      passwordHash: hasPassword ? sharedHash : null,
      adminRoles: [],
    };
    org.users.set(user.id, user);
    // One group of the user's department, and sometimes one or two others.
    const own = groupsByDepartment[departmentIndex] ?? [];
    const memberOf = own.length > 0 ? [pick(own)] : [];
    for (const chance of [0.5, 0.2]) {
      if (groups.length > 0 && random() < chance) {
        memberOf.push(pick(groups));
      }
    }
    for (const group of memberOf) {
      const members = org.groupMembers.get(group.id);
      if (members !== undefined && !members.has(user.id)) {
        members.add(user.id);
        groupMemberships += 1;
      }
    }
  }

  const everyone = everyoneGroup(org);
  let appAssignments = 0;
  for (let index = 0; index < counts.apps; index += 1) {
    const label = combinedName(index, APP_PRODUCTS, APP_KINDS);
    const baseUrl = `https://${slug(label)}.example.com`;
    const app = call(
      'POST',
      '/api/v1/apps',
      random() < 0.85
        ? oidcWebApp(label, baseUrl, '/oauth/callback', '/logout')
        : // The rest by index, not by another draw, so the sequence (and the org) stays the same.
          [
            bookmarkApp(label, `${baseUrl}/`),
            samlApp(label, baseUrl),
            swaApp(label, `${baseUrl}/login`),
          ][index % 3],
    );
    const assigned = new Set<SandboxGroup>();
    if (random() < 0.03) {
      assigned.add(everyone);
    }
    for (let count = 1 + below(3); count > 0 && groups.length > 0; count -= 1) {
      assigned.add(pick(groups));
    }
    for (const group of assigned) {
      call('PUT', `/api/v1/apps/${app.id as string}/groups/${group.id}`);
    }
    appAssignments += assigned.size;
  }
  return {
    kind: 'large',
    users: counts.users,
    groups: counts.groups,
    apps: counts.apps,
    groupMemberships,
    appAssignments,
  };
}

/**
 * Fills a fresh org with the given seed, acting as `admin` (its super admin).
 *
 * @throws RangeError when a large seed's counts are out of range (see {@link largeSeedFrom}).
 */
export function seedOrg(
  org: SandboxOrg,
  seed: SeedOption,
  options: { admin: SandboxUser; now: Date },
): SeedSummary {
  const call = managementCaller(org, options.admin, options.now);
  if (seed.kind === 'demo') {
    return seedDemo(org, call, options.now);
  }
  const checked = largeSeedFrom(seed);
  if (!checked.ok) {
    throw new RangeError(`Large seed: ${checked.problem}.`);
  }
  return seedLarge(org, call, checked.seed, options.now);
}

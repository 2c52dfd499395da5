/**
 * The management operations the console calls, each with the OAuth 2.0 scope Okta requires for
 * it and the standard admin roles that may call it.
 *
 * @remarks
 * A service app's access token reaches an operation only when the token carries the scope the
 * operation's `security` block in management.yaml names *and* the app holds an admin role allowed
 * to do it (okta-behaviours.md §13). This table is the one place both facts live for the
 * operations the console uses; the least-privilege planner (main/okta/least-privilege.ts) and the
 * diagnosis of a refused call (main/okta/okta-errors.ts) read it.
 *
 * It is hand-kept, and three tests keep it honest: every spec entry's method, path and scopes are
 * checked against management.yaml; every SDK method main/ calls must have an entry; and the roles
 * are checked against the sandbox's routes, which enforce them.
 */

/** Where an admin grants a scope to a service app in the Admin Console. */
export const GRANT_SCOPES_PATH =
  'Admin Console → Applications → Applications → the service app → Okta API Scopes → Grant';

/** Okta's standard admin roles, least privileged first (the order the planner prefers them in). */
export const ADMIN_ROLES = [
  'READ_ONLY_ADMIN',
  'REPORT_ADMIN',
  'HELP_DESK_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'USER_ADMIN',
  'MOBILE_ADMIN',
  'APP_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'ORG_ADMIN',
  'SUPER_ADMIN',
] as const;

/** One of {@link ADMIN_ROLES}. */
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** How Okta labels each role (the role assignment's `label`, as the sandbox answers it too). */
export const ADMIN_ROLE_LABELS: Record<AdminRole, string> = {
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  USER_ADMIN: 'Group Administrator',
  MOBILE_ADMIN: 'Mobile Administrator',
  APP_ADMIN: 'Application Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  SUPER_ADMIN: 'Super Administrator',
};

/** Roles that may read apps, their assignments and their client secrets' metadata. */
const APP_READERS: readonly AdminRole[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'APP_ADMIN',
  'READ_ONLY_ADMIN',
];
/** Roles that may create and change apps, assign them and manage their client secrets. */
const APP_WRITERS: readonly AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN'];
/** Roles that may read the directory: every admin role but the mobile admin's. */
const DIRECTORY_READERS: readonly AdminRole[] = ADMIN_ROLES.filter(
  (role) => role !== 'MOBILE_ADMIN',
);
/** Roles that may create, change and remove users. */
const DIRECTORY_WRITERS: readonly AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'USER_ADMIN'];
/** Roles that may read authorization servers and their scopes, claims and policies. */
const AUTH_SERVER_READERS: readonly AdminRole[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'READ_ONLY_ADMIN',
];
/** Roles that may create and change authorization servers and their items. */
const AUTH_SERVER_WRITERS: readonly AdminRole[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
];
/** Roles that may read trusted origins. */
const ORIGIN_READERS: readonly AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'];
/** Roles that may change trusted origins: an org-wide security setting. */
const ORIGIN_WRITERS: readonly AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN'];
/** Roles that may read the System Log. */
const LOG_READERS: readonly AdminRole[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'READ_ONLY_ADMIN',
  'REPORT_ADMIN',
];
/** Roles that may list another admin's role assignments. */
const ROLE_READERS: readonly AdminRole[] = ['SUPER_ADMIN', 'ORG_ADMIN'];
/** Only a super admin may give an admin role, to a user or to a client app. */
const ROLE_ASSIGNERS: readonly AdminRole[] = ['SUPER_ADMIN'];

/** An operation of management.yaml the console calls. */
export interface SpecOperation {
  source: 'management.yaml';
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template exactly as management.yaml writes it. */
  path: string;
  /** The scopes its `security` block lists under `oauth2`: any one of them lets the call through. */
  scopes: readonly string[];
  /** The admin roles that may call it; a service app needs one of them as well as a scope. */
  roles: readonly AdminRole[];
}

/**
 * An Okta route outside management.yaml (the org authorization server's groups claim).
 *
 * @remarks
 * No `okta.*` scope opens it: Okta's own Terraform provider documents that the groups claim it
 * sets through this route is ignored under OAuth 2.0 credentials (okta-behaviours.md §13). The
 * planner reports it as a step that needs an API token or the Admin Console.
 */
export interface InternalOperation {
  source: 'internal';
  method: 'GET' | 'POST';
  path: string;
  scopes: readonly [];
  roles: readonly AdminRole[];
}

/** One operation the console calls. */
export type ManagementOperation = SpecOperation | InternalOperation;

/** Shorthand for a spec entry. */
function spec(
  method: SpecOperation['method'],
  path: string,
  scope: string,
  roles: readonly AdminRole[],
): SpecOperation {
  return { source: 'management.yaml', method, path, scopes: [scope], roles };
}

const APP = '/api/v1/apps/{appId}';
const SECRET = `${APP}/credentials/secrets/{secretId}`;
const AS = '/api/v1/authorizationServers/{authServerId}';
const POLICY = `${AS}/policies/{policyId}`;
const RULE = `${POLICY}/rules/{ruleId}`;
const GROUPS_CLAIM = '/api/v1/internal/apps/{appId}/settings/oauth/idToken';

/** Every operation the console calls, by its management.yaml `operationId`. */
export const MANAGEMENT_OPERATIONS = {
  // Apps
  listApplications: spec('GET', '/api/v1/apps', 'okta.apps.read', APP_READERS),
  getApplication: spec('GET', APP, 'okta.apps.read', APP_READERS),
  createApplication: spec('POST', '/api/v1/apps', 'okta.apps.manage', APP_WRITERS),
  replaceApplication: spec('PUT', APP, 'okta.apps.manage', APP_WRITERS),
  activateApplication: spec('POST', `${APP}/lifecycle/activate`, 'okta.apps.manage', APP_WRITERS),
  deactivateApplication: spec(
    'POST',
    `${APP}/lifecycle/deactivate`,
    'okta.apps.manage',
    APP_WRITERS,
  ),
  deleteApplication: spec('DELETE', APP, 'okta.apps.manage', APP_WRITERS),
  // App assignments
  listApplicationUsers: spec('GET', `${APP}/users`, 'okta.apps.read', APP_READERS),
  getApplicationUser: spec('GET', `${APP}/users/{userId}`, 'okta.apps.read', APP_READERS),
  assignUserToApplication: spec('POST', `${APP}/users`, 'okta.apps.manage', APP_WRITERS),
  listApplicationGroupAssignments: spec('GET', `${APP}/groups`, 'okta.apps.read', APP_READERS),
  assignGroupToApplication: spec('PUT', `${APP}/groups/{groupId}`, 'okta.apps.manage', APP_WRITERS),
  // Client secrets
  listOAuth2ClientSecrets: spec('GET', `${APP}/credentials/secrets`, 'okta.apps.read', APP_READERS),
  createOAuth2ClientSecret: spec(
    'POST',
    `${APP}/credentials/secrets`,
    'okta.apps.manage',
    APP_WRITERS,
  ),
  deactivateOAuth2ClientSecret: spec(
    'POST',
    `${SECRET}/lifecycle/deactivate`,
    'okta.apps.manage',
    APP_WRITERS,
  ),
  deleteOAuth2ClientSecret: spec('DELETE', SECRET, 'okta.apps.manage', APP_WRITERS),
  // The org authorization server's groups claim (no public API)
  getAppOauthGroupsClaim: {
    source: 'internal',
    method: 'GET',
    path: GROUPS_CLAIM,
    scopes: [],
    roles: APP_READERS,
  },
  updateAppOauthGroupsClaim: {
    source: 'internal',
    method: 'POST',
    path: GROUPS_CLAIM,
    scopes: [],
    roles: APP_WRITERS,
  },
  // Users
  listUsers: spec('GET', '/api/v1/users', 'okta.users.read', DIRECTORY_READERS),
  getUser: spec('GET', '/api/v1/users/{userId}', 'okta.users.read', DIRECTORY_READERS),
  createUser: spec('POST', '/api/v1/users', 'okta.users.manage', DIRECTORY_WRITERS),
  updateUser: spec('POST', '/api/v1/users/{userId}', 'okta.users.manage', DIRECTORY_WRITERS),
  deactivateUser: spec(
    'POST',
    '/api/v1/users/{userId}/lifecycle/deactivate',
    'okta.users.manage',
    DIRECTORY_WRITERS,
  ),
  deleteUser: spec('DELETE', '/api/v1/users/{userId}', 'okta.users.manage', DIRECTORY_WRITERS),
  listUserGroups: spec(
    'GET',
    '/api/v1/users/{userId}/groups',
    'okta.users.read',
    DIRECTORY_READERS,
  ),
  // Groups
  listGroups: spec('GET', '/api/v1/groups', 'okta.groups.read', DIRECTORY_READERS),
  getGroup: spec('GET', '/api/v1/groups/{groupId}', 'okta.groups.read', DIRECTORY_READERS),
  // Authorization servers
  listAuthorizationServers: spec(
    'GET',
    '/api/v1/authorizationServers',
    'okta.authorizationServers.read',
    AUTH_SERVER_READERS,
  ),
  getAuthorizationServer: spec('GET', AS, 'okta.authorizationServers.read', AUTH_SERVER_READERS),
  createAuthorizationServer: spec(
    'POST',
    '/api/v1/authorizationServers',
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  deactivateAuthorizationServer: spec(
    'POST',
    `${AS}/lifecycle/deactivate`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  deleteAuthorizationServer: spec(
    'DELETE',
    AS,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  listOAuth2Scopes: spec(
    'GET',
    `${AS}/scopes`,
    'okta.authorizationServers.read',
    AUTH_SERVER_READERS,
  ),
  createOAuth2Scope: spec(
    'POST',
    `${AS}/scopes`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  deleteOAuth2Scope: spec(
    'DELETE',
    `${AS}/scopes/{scopeId}`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  listOAuth2Claims: spec(
    'GET',
    `${AS}/claims`,
    'okta.authorizationServers.read',
    AUTH_SERVER_READERS,
  ),
  createOAuth2Claim: spec(
    'POST',
    `${AS}/claims`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  deleteOAuth2Claim: spec(
    'DELETE',
    `${AS}/claims/{claimId}`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  listAuthorizationServerPolicies: spec(
    'GET',
    `${AS}/policies`,
    'okta.authorizationServers.read',
    AUTH_SERVER_READERS,
  ),
  createAuthorizationServerPolicy: spec(
    'POST',
    `${AS}/policies`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  replaceAuthorizationServerPolicy: spec(
    'PUT',
    POLICY,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  activateAuthorizationServerPolicy: spec(
    'POST',
    `${POLICY}/lifecycle/activate`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  deleteAuthorizationServerPolicy: spec(
    'DELETE',
    POLICY,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  listAuthorizationServerPolicyRules: spec(
    'GET',
    `${POLICY}/rules`,
    'okta.authorizationServers.read',
    AUTH_SERVER_READERS,
  ),
  createAuthorizationServerPolicyRule: spec(
    'POST',
    `${POLICY}/rules`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  replaceAuthorizationServerPolicyRule: spec(
    'PUT',
    RULE,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  activateAuthorizationServerPolicyRule: spec(
    'POST',
    `${RULE}/lifecycle/activate`,
    'okta.authorizationServers.manage',
    AUTH_SERVER_WRITERS,
  ),
  // Trusted origins
  listTrustedOrigins: spec(
    'GET',
    '/api/v1/trustedOrigins',
    'okta.trustedOrigins.read',
    ORIGIN_READERS,
  ),
  createTrustedOrigin: spec(
    'POST',
    '/api/v1/trustedOrigins',
    'okta.trustedOrigins.manage',
    ORIGIN_WRITERS,
  ),
  replaceTrustedOrigin: spec(
    'PUT',
    '/api/v1/trustedOrigins/{trustedOriginId}',
    'okta.trustedOrigins.manage',
    ORIGIN_WRITERS,
  ),
  deleteTrustedOrigin: spec(
    'DELETE',
    '/api/v1/trustedOrigins/{trustedOriginId}',
    'okta.trustedOrigins.manage',
    ORIGIN_WRITERS,
  ),
  // System Log
  listLogEvents: spec('GET', '/api/v1/logs', 'okta.logs.read', LOG_READERS),
  // The org and the connecting admin
  getOrgSettings: spec('GET', '/api/v1/org', 'okta.orgs.read', ADMIN_ROLES),
  listAssignedRolesForUser: spec(
    'GET',
    '/api/v1/users/{userId}/roles',
    'okta.roles.read',
    ROLE_READERS,
  ),
  // Making the console's own service app from a token profile ("Create it for me").
  listScopeConsentGrants: spec('GET', `${APP}/grants`, 'okta.appGrants.read', APP_READERS),
  grantConsentToScope: spec('POST', `${APP}/grants`, 'okta.appGrants.manage', APP_WRITERS),
  listRolesForClient: spec(
    'GET',
    '/oauth2/v1/clients/{clientId}/roles',
    'okta.roles.read',
    ROLE_READERS,
  ),
  assignRoleToClient: spec(
    'POST',
    '/oauth2/v1/clients/{clientId}/roles',
    'okta.roles.manage',
    ROLE_ASSIGNERS,
  ),
} as const satisfies Record<string, ManagementOperation>;

/** The `operationId` of an operation the console calls. */
export type OperationId = keyof typeof MANAGEMENT_OPERATIONS;

/** Every {@link OperationId}, in the table's order. */
export const OPERATION_IDS = Object.keys(MANAGEMENT_OPERATIONS) as OperationId[];

/** Whether `name` is an operation the console calls. */
export function isOperationId(name: string): name is OperationId {
  return Object.hasOwn(MANAGEMENT_OPERATIONS, name);
}

/** The operation's entry. */
export function operationOf(operationId: OperationId): ManagementOperation {
  return MANAGEMENT_OPERATIONS[operationId];
}

/**
 * The operations whose path template matches `requestPath` (no query), most literal first.
 *
 * @remarks
 * An SDK error carries the URL but not the method, so a refused call may match more than one
 * operation (`GET` and `DELETE` of one app); the caller then names every candidate's scope.
 */
export function operationsAtPath(requestPath: string, method?: string): OperationId[] {
  const literalCount = (template: string) =>
    template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;
  return OPERATION_IDS.filter((operationId) => {
    const operation = MANAGEMENT_OPERATIONS[operationId];
    if (method !== undefined && operation.method !== method.toUpperCase()) {
      return false;
    }
    const pattern = operation.path
      .split('/')
      .map((segment) =>
        segment.startsWith('{') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    return new RegExp(`^${pattern}$`).test(requestPath);
  }).sort(
    (a, b) =>
      literalCount(MANAGEMENT_OPERATIONS[b].path) - literalCount(MANAGEMENT_OPERATIONS[a].path),
  );
}

import { OKTA_API_SCOPES as CONSOLE_KNOWN_SCOPES } from '../../shared/okta/okta-api-scopes.ts';

/**
 * The `okta.*` scopes each management operation the sandbox answers requires of an OAuth 2.0
 * access token: the `oauth2` alternative of the operation's `security` block in management.yaml.
 *
 * @remarks
 * A table checked in rather than read from management.yaml at start-up, because the sandbox
 * also runs inside the packaged console, which carries no spec. A unit test
 * (test/unit/main/sandbox/operation-scopes.test.ts) holds it to management.yaml and to the route
 * registry, so it cannot drift from either. Every scope listed is required (each operation names
 * one today). An empty list means no OAuth scope reaches the operation: `revokeCurrentApiToken`
 * declares only `apiToken`, and the internal groups-claim endpoint is outside the spec, which the
 * Terraform provider notes Okta ignores under OAuth credentials (okta-behaviours.md §3, §13).
 * SSWS tokens are not checked against this table: they act with their admin's roles.
 */
export const OPERATION_SCOPES: Readonly<Record<string, readonly string[]>> = {
  listUsers: ['okta.users.read'],
  createUser: ['okta.users.manage'],
  getUser: ['okta.users.read'],
  updateUser: ['okta.users.manage'],
  replaceUser: ['okta.users.manage'],
  deleteUser: ['okta.users.manage'],
  activateUser: ['okta.users.manage'],
  deactivateUser: ['okta.users.manage'],
  suspendUser: ['okta.users.manage'],
  unsuspendUser: ['okta.users.manage'],
  unlockUser: ['okta.users.manage'],
  resetFactors: ['okta.users.manage'],
  expirePassword: ['okta.users.manage'],
  expirePasswordAndGetTemporaryPassword: ['okta.users.manage'],
  revokeUserSessions: ['okta.users.manage'],
  listGroups: ['okta.groups.read'],
  createGroup: ['okta.groups.manage'],
  getGroup: ['okta.groups.read'],
  replaceGroup: ['okta.groups.manage'],
  deleteGroup: ['okta.groups.manage'],
  listGroupUsers: ['okta.groups.read'],
  listAssignedApplicationsForGroup: ['okta.groups.read'],
  assignUserToGroup: ['okta.groups.manage'],
  unassignUserFromGroup: ['okta.groups.manage'],
  listUserGroups: ['okta.users.read'],
  listApplications: ['okta.apps.read'],
  createApplication: ['okta.apps.manage'],
  getApplication: ['okta.apps.read'],
  replaceApplication: ['okta.apps.manage'],
  deleteApplication: ['okta.apps.manage'],
  activateApplication: ['okta.apps.manage'],
  deactivateApplication: ['okta.apps.manage'],
  listOAuth2ClientSecrets: ['okta.apps.read'],
  createOAuth2ClientSecret: ['okta.apps.manage'],
  getOAuth2ClientSecret: ['okta.apps.read'],
  deleteOAuth2ClientSecret: ['okta.apps.manage'],
  activateOAuth2ClientSecret: ['okta.apps.manage'],
  deactivateOAuth2ClientSecret: ['okta.apps.manage'],
  listApplicationUsers: ['okta.apps.read'],
  assignUserToApplication: ['okta.apps.manage'],
  getApplicationUser: ['okta.apps.read'],
  unassignUserFromApplication: ['okta.apps.manage'],
  listApplicationGroupAssignments: ['okta.apps.read'],
  assignGroupToApplication: ['okta.apps.manage'],
  getApplicationGroupAssignment: ['okta.apps.read'],
  unassignApplicationFromGroup: ['okta.apps.manage'],
  getAppOauthGroupsClaim: [],
  updateAppOauthGroupsClaim: [],
  listTrustedOrigins: ['okta.trustedOrigins.read'],
  createTrustedOrigin: ['okta.trustedOrigins.manage'],
  getTrustedOrigin: ['okta.trustedOrigins.read'],
  replaceTrustedOrigin: ['okta.trustedOrigins.manage'],
  deleteTrustedOrigin: ['okta.trustedOrigins.manage'],
  activateTrustedOrigin: ['okta.trustedOrigins.manage'],
  deactivateTrustedOrigin: ['okta.trustedOrigins.manage'],
  listAuthorizationServers: ['okta.authorizationServers.read'],
  createAuthorizationServer: ['okta.authorizationServers.manage'],
  getAuthorizationServer: ['okta.authorizationServers.read'],
  replaceAuthorizationServer: ['okta.authorizationServers.manage'],
  deleteAuthorizationServer: ['okta.authorizationServers.manage'],
  activateAuthorizationServer: ['okta.authorizationServers.manage'],
  deactivateAuthorizationServer: ['okta.authorizationServers.manage'],
  listAuthorizationServerKeys: ['okta.authorizationServers.read'],
  listOAuth2Scopes: ['okta.authorizationServers.read'],
  createOAuth2Scope: ['okta.authorizationServers.manage'],
  getOAuth2Scope: ['okta.authorizationServers.read'],
  replaceOAuth2Scope: ['okta.authorizationServers.manage'],
  deleteOAuth2Scope: ['okta.authorizationServers.manage'],
  listOAuth2Claims: ['okta.authorizationServers.read'],
  createOAuth2Claim: ['okta.authorizationServers.manage'],
  getOAuth2Claim: ['okta.authorizationServers.read'],
  replaceOAuth2Claim: ['okta.authorizationServers.manage'],
  deleteOAuth2Claim: ['okta.authorizationServers.manage'],
  listAuthorizationServerPolicyRules: ['okta.authorizationServers.read'],
  createAuthorizationServerPolicyRule: ['okta.authorizationServers.manage'],
  getAuthorizationServerPolicyRule: ['okta.authorizationServers.read'],
  replaceAuthorizationServerPolicyRule: ['okta.authorizationServers.manage'],
  deleteAuthorizationServerPolicyRule: ['okta.authorizationServers.manage'],
  activateAuthorizationServerPolicyRule: ['okta.authorizationServers.manage'],
  deactivateAuthorizationServerPolicyRule: ['okta.authorizationServers.manage'],
  listAuthorizationServerPolicies: ['okta.authorizationServers.read'],
  createAuthorizationServerPolicy: ['okta.authorizationServers.manage'],
  getAuthorizationServerPolicy: ['okta.authorizationServers.read'],
  replaceAuthorizationServerPolicy: ['okta.authorizationServers.manage'],
  deleteAuthorizationServerPolicy: ['okta.authorizationServers.manage'],
  activateAuthorizationServerPolicy: ['okta.authorizationServers.manage'],
  deactivateAuthorizationServerPolicy: ['okta.authorizationServers.manage'],
  listAssignedRolesForUser: ['okta.roles.read'],
  getOrgSettings: ['okta.orgs.read'],
  listLogEvents: ['okta.logs.read'],
  listApiTokens: ['okta.apiTokens.read'],
  revokeCurrentApiToken: [],
  getApiToken: ['okta.apiTokens.read'],
  revokeApiToken: ['okta.apiTokens.manage'],
  listScopeConsentGrants: ['okta.appGrants.read'],
  grantConsentToScope: ['okta.appGrants.manage'],
  getScopeConsentGrant: ['okta.appGrants.read'],
  revokeScopeConsentGrant: ['okta.appGrants.manage'],
  assignRoleToClient: ['okta.roles.manage'],
  listRolesForClient: ['okta.roles.read'],
};

/**
 * Every scope management.yaml declares (its `oauth2` security scheme) that an app may be granted
 * for the client credentials flow: the console's list of `okta.*` scopes (all but the `.self`
 * ones, which act for a signed-in user), and the two Shared Signals scopes. The org authorization
 * server knows these and no others.
 */
export const OKTA_API_SCOPES: ReadonlySet<string> = new Set<string>([
  ...CONSOLE_KNOWN_SCOPES,
  'ssf.manage',
  'ssf.read',
]);

/** The scopes an operation requires of an access token; `undefined` for an unknown operation. */
export function scopesRequiredBy(operationId: string): readonly string[] | undefined {
  return Object.hasOwn(OPERATION_SCOPES, operationId) ? OPERATION_SCOPES[operationId] : undefined;
}

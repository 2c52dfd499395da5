import { generateKeyPairSync, randomBytes } from 'node:crypto';

import { apiToken, oktaId } from './okta-ids.ts';
import { createSystemLog, type SystemLog } from './system-log.ts';

/** Okta's standard admin role types the sandbox knows. */
export const ADMIN_ROLE_TYPES = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'APP_ADMIN',
  'USER_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'HELP_DESK_ADMIN',
  'READ_ONLY_ADMIN',
  'MOBILE_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'REPORT_ADMIN',
] as const;

/** One of {@link ADMIN_ROLE_TYPES}. */
export type AdminRoleType = (typeof ADMIN_ROLE_TYPES)[number];

const ROLE_LABELS: Record<AdminRoleType, string> = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  MOBILE_ADMIN: 'Mobile Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  REPORT_ADMIN: 'Report Administrator',
};

/** Every status a user can have: the `UserStatus` enum of management.yaml. */
export const USER_STATUSES = [
  'ACTIVE',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'PROVISIONED',
  'RECOVERY',
  'STAGED',
  'SUSPENDED',
] as const;

/** One of {@link USER_STATUSES}. */
export type UserStatus = (typeof USER_STATUSES)[number];

/** A sandbox user, stored as the sandbox needs it (rendered to Okta's shape on the way out). */
export interface SandboxUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  lastLogin: string | null;
  /** Okta's base profile plus any custom attributes the admin sent. */
  profile: { firstName: string; lastName: string; login: string; email: string } & Record<
    string,
    unknown
  >;
  /** scrypt hash of the password, `salt:hash` in hex; `null` when the user has none. */
  passwordHash: string | null;
  /**
   * Consecutive wrong passwords at the sign-in page since the last successful sign-in (absent:
   * none). Never rendered; kept here so the state file keeps it. Reaching the password policy's
   * limit locks the user out and starts the count again (oidc/sign-in-lockout.ts), so an admin's
   * unlock always finds it cleared.
   */
  failedSignIns?: number;
  adminRoles: { id: string; type: AdminRoleType; created: string }[];
}

/** A sandbox group; membership is kept in {@link SandboxOrg.groupMembers}. */
export interface SandboxGroup {
  id: string;
  type: 'OKTA_GROUP' | 'BUILT_IN';
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  profile: { name: string; description: string | null };
}

/** One OAuth client secret of an app (two may exist at once, for rotation). */
export interface SandboxClientSecret {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  secret: string;
  created: string;
  lastUpdated: string;
}

/** An app integration: the JSON Okta renders (without its secrets), plus the secrets. */
export interface SandboxApp {
  id: string;
  record: Record<string, unknown>;
  secrets: SandboxClientSecret[];
  /** User id → when it was assigned directly. */
  users: Map<string, { created: string }>;
  /** Group id → its assignment. */
  groups: Map<string, { created: string; lastUpdated: string; priority: number }>;
  /**
   * The org authorization server's groups claim of an OIDC app (its Sign On tab), set through
   * Okta's internal settings endpoint (`routes/app-groups-claim.ts`); not part of the app's JSON.
   */
  idTokenGroupsClaim?: SandboxIdTokenGroupsClaim;
  /**
   * The `okta.*` scopes granted to the app (its "Okta API Scopes" tab; `/api/v1/apps/{appId}/grants`),
   * by grant id: the only Okta scopes the org authorization server issues to it.
   */
  scopeGrants?: Map<string, SandboxScopeGrant>;
  /**
   * Admin roles assigned to the app as a client (`/oauth2/v1/clients/{clientId}/roles`): what
   * bounds a service app's access tokens, as an admin's roles bound their SSWS tokens.
   */
  adminRoles?: { id: string; type: AdminRoleType; created: string }[];
}

/**
 * A scope consent grant of an app (`OAuth2ScopeConsentGrant` in management.yaml). Its issuer is
 * always the org authorization server's, the org URL, so it is rendered rather than kept.
 */
export interface SandboxScopeGrant {
  id: string;
  scopeId: string;
  /** The admin who granted it (user id), for `createdBy`. */
  createdBy: string;
  created: string;
  lastUpdated: string;
}

/** An app's org-server groups claim, in the internal endpoint's terms. */
export type SandboxIdTokenGroupsClaim =
  | {
      name: string;
      valueType: 'GROUPS';
      groupFilterType: 'STARTS_WITH' | 'EQUALS' | 'CONTAINS' | 'REGEX';
      value: string;
    }
  | { name: string; valueType: 'EXPRESSION'; value: string; groupFilterType?: undefined };

/** A trusted origin (CORS, redirect or iframe embedding), as Okta renders it minus `_links`. */
export interface SandboxTrustedOrigin {
  id: string;
  name: string;
  origin: string;
  scopes: { type: string; allowedOktaApps?: string[] }[];
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  createdBy: string;
  lastUpdated: string;
  lastUpdatedBy: string;
}

/** A custom authorization server with its scopes, claims, access policies and signing key. */
export interface SandboxAuthServer {
  id: string;
  /** name, description, audiences, status, created, lastUpdated. */
  record: Record<string, unknown>;
  scopes: Map<string, Record<string, unknown>>;
  claims: Map<string, Record<string, unknown>>;
  policies: Map<string, Record<string, unknown>>;
  /** Policy id → its rules. */
  rules: Map<string, Map<string, Record<string, unknown>>>;
  /** The active signing key: public JWK (for `keys` and the JWKS) and the private key in PEM. */
  signingKey: {
    kid: string;
    publicJwk: Record<string, unknown>;
    privateKeyPem: string;
    created: string;
  };
}

/** The sandbox org's state: in memory, one per server. */
export interface SandboxOrg {
  id: string;
  companyName: string;
  subdomain: string;
  created: string;
  users: Map<string, SandboxUser>;
  groups: Map<string, SandboxGroup>;
  apps: Map<string, SandboxApp>;
  trustedOrigins: Map<string, SandboxTrustedOrigin>;
  authServers: Map<string, SandboxAuthServer>;
  /** Group id → member user ids. The built-in Everyone group has no entry: it holds every user. */
  groupMembers: Map<string, Set<string>>;
  /** SSWS token → the id of the user it acts as. */
  tokens: Map<string, string>;
  /** The System Log (system-log.ts), newest events last. */
  systemLog: SystemLog;
  /**
   * The org authorization server's signing key (custom servers keep theirs on the server). In
   * the org, not the OIDC layer, so the state file keeps it and tokens outlive a restart.
   */
  orgSigningKey: { kid: string; privateKeyPem: string };
  /**
   * The sandbox's clock, including any offset set through `/__sandbox/clock`: the one source of
   * "now" for timestamps, tokens and log events.
   */
  clock: () => Date;
}

/** A fresh RS256 signing key: a 2048-bit RSA key in PKCS #8 PEM and a random `kid`. */
export function newSigningKey(): { kid: string; privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: randomBytes(32).toString('base64url'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Adds a user with the given admin roles and an API token that acts as them. */
export function addUserWithToken(
  org: SandboxOrg,
  options: {
    login: string;
    firstName: string;
    lastName: string;
    adminRoles: readonly AdminRoleType[];
    now: Date;
  },
): { user: SandboxUser; token: string } {
  const stamp = options.now.toISOString();
  const user: SandboxUser = {
    id: oktaId('00u'),
    status: 'ACTIVE',
    created: stamp,
    activated: stamp,
    statusChanged: stamp,
    lastUpdated: stamp,
    passwordChanged: null,
    lastLogin: null,
    passwordHash: null,
    profile: {
      firstName: options.firstName,
      lastName: options.lastName,
      login: options.login,
      email: options.login,
    },
    adminRoles: options.adminRoles.map((type) => ({ id: oktaId('ra1'), type, created: stamp })),
  };
  org.users.set(user.id, user);
  const token = apiToken();
  org.tokens.set(token, user.id);
  return { user, token };
}

/** The label Okta shows for a role type. */
export function roleLabel(type: AdminRoleType): string {
  return ROLE_LABELS[type];
}

/**
 * A fresh sandbox org: one super admin and the token that acts as them.
 *
 * @remarks
 * Mirrors what a new Okta org has: the admin who created it. Issue #3 adds the `default`
 * authorization server and the seeds.
 */
export function createSandboxOrg(clock: () => Date): { org: SandboxOrg; adminToken: string } {
  const now = clock();
  const org: SandboxOrg = {
    id: oktaId('00o'),
    companyName: 'SSO Console Sandbox',
    subdomain: 'sandbox',
    created: now.toISOString(),
    users: new Map(),
    groups: new Map(),
    apps: new Map(),
    trustedOrigins: new Map(),
    authServers: new Map(),
    groupMembers: new Map(),
    tokens: new Map(),
    systemLog: createSystemLog(),
    orgSigningKey: newSigningKey(),
    clock,
  };
  // Every Okta org has the built-in Everyone group.
  const everyone: SandboxGroup = {
    id: oktaId('00g'),
    type: 'BUILT_IN',
    created: now.toISOString(),
    lastUpdated: now.toISOString(),
    lastMembershipUpdated: now.toISOString(),
    profile: { name: 'Everyone', description: 'All users in your organization' },
  };
  org.groups.set(everyone.id, everyone);
  const { token } = addUserWithToken(org, {
    login: 'admin@sandbox.example',
    firstName: 'Sandbox',
    lastName: 'Admin',
    adminRoles: ['SUPER_ADMIN'],
    now,
  });
  return { org, adminToken: token };
}

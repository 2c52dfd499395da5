import { createHash, randomUUID } from 'node:crypto';

import type {
  SandboxApp,
  SandboxAuthServer,
  SandboxGroup,
  SandboxOrg,
  SandboxTrustedOrigin,
  SandboxUser,
} from './sandbox-org.ts';

/**
 * The org's System Log: an append-only store of Okta `LogEvent`s, the event types the sandbox
 * emits, and the functions that record admin changes, sign-in attempts and OAuth requests.
 *
 * @remarks
 * Events are rendered once, when they happen, in the shape `GET /api/v1/logs` returns
 * (`LogEvent` in management.yaml). Fields Okta sends as `null` where the spec types them as
 * non-nullable strings or objects (`outcome.reason`, `target`, `detailEntry`, …) are left out
 * instead, so every answer validates against the spec.
 */

/** How many events the log keeps: the newest {@link SYSTEM_LOG_CAPACITY}; older ones drop off. */
export const SYSTEM_LOG_CAPACITY = 150_000;

/** `LogActor`: who did it. */
export interface LogActor {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown>;
}

/** `LogTarget`: what it was done to. */
export interface LogTarget {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown>;
}

/** `LogOutcome.result` values the sandbox uses. */
export type LogOutcomeResult = 'SUCCESS' | 'FAILURE' | 'ALLOW' | 'DENY' | 'SKIPPED';

/** A System Log event as `GET /api/v1/logs` renders it. */
export interface LogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  displayMessage: string;
  legacyEventType?: string;
  actor: LogActor;
  client: {
    userAgent: { rawUserAgent: string; os: string; browser: string };
    zone: string;
    device: string;
    id?: string;
    ipAddress: string;
  };
  outcome: { result: LogOutcomeResult; reason?: string };
  target?: LogTarget[];
  transaction: { type: 'WEB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  authenticationContext: {
    authenticationProvider?: string;
    credentialProvider?: string;
    credentialType?: string;
    issuer?: { id: string; type: string };
    authenticationStep: 0;
    externalSessionId: string;
  };
  securityContext: {
    asNumber: null;
    asOrg: null;
    isp: null;
    domain: null;
    isProxy: null;
  };
  request: { ipChain: { ip: string; version: 'V4' | 'V6' }[] };
}

/**
 * The org's log: events in the order they were stored, each with its storage sequence number
 * and its `published` time in milliseconds (parsed once, not on every query of the log).
 */
export interface SystemLog {
  entries: { seq: number; event: LogEvent; publishedMs: number }[];
  nextSeq: number;
}

/** An empty System Log. */
export function createSystemLog(): SystemLog {
  return { entries: [], nextSeq: 1 };
}

interface EventTypeInfo {
  displayMessage: string;
  /** The Events API name Okta puts in `legacyEventType`, when known (per outcome if it differs). */
  legacy?: string | { SUCCESS: string; FAILURE: string };
}

/**
 * The event types the sandbox emits, with Okta's display messages and legacy names.
 *
 * @remarks
 * Names come from Okta's System Log catalogue and its Events API migration guide
 * (okta-developer-docs `event-types` / `events-api-migration`). Display messages marked
 * "(unverified)" are the sandbox's best reading where no live event was at hand; the others are
 * quoted from Okta's docs or from live events published in public fixtures.
 */
export const EVENT_TYPES = {
  // Users.
  'user.lifecycle.create': {
    displayMessage: 'Create okta user',
    legacy: 'core.user.config.user_creation.success',
  },
  'user.lifecycle.activate': {
    displayMessage: 'Activate Okta user',
    legacy: 'core.user.config.user_activated',
  },
  'user.lifecycle.deactivate': {
    displayMessage: 'Deactivate Okta user',
    legacy: 'core.user.config.user_deactivated',
  },
  'user.lifecycle.delete.initiated': {
    displayMessage: 'Delete Okta user initiated', // (unverified)
    legacy: 'core.user.config.user_status.delete.initiated',
  },
  'user.lifecycle.delete.completed': {
    displayMessage: 'Delete Okta user completed', // (unverified)
    legacy: 'core.user.config.user_status.delete.completed',
  },
  'user.account.update_profile': {
    displayMessage: 'Update user profile for Okta',
    legacy: 'core.user.config.profile_update.success',
  },
  'user.account.update_password': {
    displayMessage: 'User update password for Okta',
    legacy: 'core.user.config.password_update.success',
  },
  'user.lifecycle.suspend': { displayMessage: 'Suspend Okta user' }, // (unverified)
  'user.lifecycle.unsuspend': { displayMessage: 'Unsuspend Okta user' }, // (unverified)
  'user.account.unlock_by_admin': { displayMessage: 'Unlock user account by admin' }, // (unverified)
  'user.account.expire_password': { displayMessage: 'Expire user password' }, // (unverified)
  'user.mfa.factor.reset_all': { displayMessage: 'Reset all factors for user' }, // (unverified)
  'user.session.clear': { displayMessage: 'Clear user session' }, // (unverified)
  // Groups.
  'group.lifecycle.create': { displayMessage: 'Create Okta group' },
  'group.lifecycle.delete': { displayMessage: 'Delete Okta group' },
  'group.profile.update': { displayMessage: 'Update group profile' }, // (unverified)
  'group.user_membership.add': {
    displayMessage: 'Add user to group membership',
    legacy: 'core.user_group_member.user_add',
  },
  'group.user_membership.remove': {
    displayMessage: 'Remove user from group membership',
    legacy: 'core.user_group_member.user_remove',
  },
  'group.application_assignment.add': {
    displayMessage: 'Add assigned application to group',
    legacy: 'group.application_assignment.add',
  },
  'group.application_assignment.update': {
    displayMessage: 'Update assigned application in group',
    legacy: 'group.application_assignment.update',
  },
  'group.application_assignment.remove': {
    displayMessage: 'Remove assigned application from group',
    legacy: 'group.application_assignment.remove',
  },
  // Apps. Okta has no documented event for client-secret changes; they are logged as
  // `application.lifecycle.update` with the secret in `debugData` (see `adminChange`).
  'application.lifecycle.create': {
    displayMessage: 'Create application',
    legacy: 'app.app_editor.app.create',
  },
  'application.lifecycle.update': {
    displayMessage: 'Update application',
    legacy: 'app.app_editor.app.update',
  },
  'application.lifecycle.activate': { displayMessage: 'Activate application' },
  'application.lifecycle.deactivate': { displayMessage: 'Deactivate application' },
  'application.lifecycle.delete': { displayMessage: 'Delete application' },
  'application.user_membership.add': {
    displayMessage: 'Add user to application membership',
    legacy: 'app.generic.provision.assign_user_to_app',
  },
  'application.user_membership.remove': {
    displayMessage: 'Remove users application membership',
  },
  // Okta API scopes and admin roles of a client app (display messages unverified).
  'app.oauth2.admin.consent.grant': { displayMessage: 'Grant admin consent to scope' },
  'app.oauth2.admin.consent.revoke': { displayMessage: 'Revoke admin consent to scope' },
  'app.oauth2.client.privilege.grant': { displayMessage: 'Grant client privilege' },
  // Trusted origins (display messages unverified).
  'security.trusted_origin.create': { displayMessage: 'Create trusted origin' },
  'security.trusted_origin.update': { displayMessage: 'Update trusted origin' },
  'security.trusted_origin.delete': { displayMessage: 'Delete trusted origin' },
  'security.trusted_origin.activate': { displayMessage: 'Activate trusted origin' },
  'security.trusted_origin.deactivate': { displayMessage: 'Deactivate trusted origin' },
  // Authorization servers and their content (display messages unverified).
  'oauth2.as.created': {
    displayMessage: 'Create authorization server',
    legacy: 'api.oauth2.as.created',
  },
  'oauth2.as.updated': {
    displayMessage: 'Update authorization server',
    legacy: 'api.oauth2.as.updated',
  },
  'oauth2.as.deleted': {
    displayMessage: 'Delete authorization server',
    legacy: 'api.oauth2.as.deleted',
  },
  'oauth2.as.activated': {
    displayMessage: 'Activate authorization server',
    legacy: 'api.oauth2.as.activated',
  },
  'oauth2.as.deactivated': {
    displayMessage: 'Deactivate authorization server',
    legacy: 'api.oauth2.as.deactivated',
  },
  'oauth2.scope.created': {
    displayMessage: 'Create authorization server scope',
    legacy: 'api.oauth2.scope.created',
  },
  'oauth2.scope.updated': {
    displayMessage: 'Update authorization server scope',
    legacy: 'api.oauth2.scope.updated',
  },
  'oauth2.scope.deleted': {
    displayMessage: 'Delete authorization server scope',
    legacy: 'api.oauth2.scope.deleted',
  },
  'oauth2.claim.created': {
    displayMessage: 'Create authorization server claim',
    legacy: 'api.oauth2.claim.created',
  },
  'oauth2.claim.updated': {
    displayMessage: 'Update authorization server claim',
    legacy: 'api.oauth2.claim.updated',
  },
  'oauth2.claim.deleted': {
    displayMessage: 'Delete authorization server claim',
    legacy: 'api.oauth2.claim.deleted',
  },
  'policy.lifecycle.create': { displayMessage: 'Create policy' },
  'policy.lifecycle.update': { displayMessage: 'Update policy' },
  'policy.lifecycle.delete': { displayMessage: 'Delete policy' },
  'policy.lifecycle.activate': { displayMessage: 'Activate policy' },
  'policy.lifecycle.deactivate': { displayMessage: 'Deactivate policy' },
  'policy.rule.add': { displayMessage: 'Add policy rule' },
  'policy.rule.update': { displayMessage: 'Update policy rule' },
  'policy.rule.delete': { displayMessage: 'Delete policy rule' },
  'policy.rule.activate': { displayMessage: 'Activate policy rule' },
  'policy.rule.deactivate': { displayMessage: 'Deactivate policy rule' },
  // API tokens.
  'system.api_token.create': { displayMessage: 'Create API token', legacy: 'api.token.create' },
  'system.api_token.revoke': { displayMessage: 'Revoke API token', legacy: 'api.token.revoke' },
  // Sign-in.
  'user.session.start': {
    displayMessage: 'User login to Okta',
    legacy: { SUCCESS: 'core.user_auth.login_success', FAILURE: 'core.user_auth.login_failed' },
  },
  'user.authentication.sso': {
    displayMessage: 'User single sign on to app',
    legacy: 'app.auth.sso',
  },
  'user.account.lock': {
    displayMessage: 'Max sign in attempts exceeded',
    legacy: 'core.user_auth.account_locked',
  },
  // OAuth 2.0 / OIDC: `app.oauth2.*` is the org authorization server, `app.oauth2.as.*` a custom one.
  'app.oauth2.authorize': {
    displayMessage: 'OIDC authorization request',
    legacy: 'app.oauth2.authorize_failure',
  },
  'app.oauth2.as.authorize': {
    displayMessage: 'OAuth2 authorization request',
    legacy: 'app.oauth2.as.authorize_failure',
  },
  'app.oauth2.authorize.code': {
    displayMessage: 'OIDC authorization code request', // (unverified)
    legacy: 'app.oauth2.authorize.code_success',
  },
  'app.oauth2.as.authorize.code': {
    displayMessage: 'OAuth2 authorization code request', // (unverified)
    legacy: 'app.oauth2.as.authorize.code_success',
  },
  'app.oauth2.token.grant': {
    displayMessage: 'OIDC token request', // (unverified)
    legacy: 'app.oauth2.token.grant_failure',
  },
  'app.oauth2.as.token.grant': {
    displayMessage: 'OAuth2 token request', // (unverified)
    legacy: 'app.oauth2.as.token.grant_failure',
  },
  'app.oauth2.token.grant.access_token': {
    displayMessage: 'OIDC access token is granted',
    legacy: 'app.oauth2.token.grant.access_token_success',
  },
  'app.oauth2.token.grant.id_token': {
    displayMessage: 'OIDC id token is granted',
    legacy: 'app.oauth2.token.grant.id_token_success',
  },
  'app.oauth2.token.grant.refresh_token': {
    displayMessage: 'OIDC refresh token is granted',
    legacy: 'app.oauth2.token.grant.refresh_token_success',
  },
  'app.oauth2.as.token.grant.access_token': {
    displayMessage: 'OAuth2 access token is granted',
    legacy: 'app.oauth2.as.token.grant.access_token_success',
  },
  'app.oauth2.as.token.grant.id_token': {
    displayMessage: 'OAuth2 id token is granted',
    legacy: 'app.oauth2.as.token.grant.id_token_success',
  },
  'app.oauth2.as.token.grant.refresh_token': {
    displayMessage: 'OAuth2 refresh token is granted',
    legacy: 'app.oauth2.as.token.grant.refresh_token_success',
  },
  // Refresh-token reuse detection (developer.okta.com/docs/guides/refresh-tokens/
  // refresh-token-rotation names the event types; the display messages are unverified).
  'app.oauth2.token.detect_reuse': { displayMessage: 'OIDC refresh token reuse detected' },
  'app.oauth2.as.token.detect_reuse': { displayMessage: 'OAuth2 refresh token reuse detected' },
} as const satisfies Record<string, EventTypeInfo>;

/** An event type the sandbox emits (a key of {@link EVENT_TYPES}). */
export type SystemLogEventType = keyof typeof EVENT_TYPES;

/** The HTTP request behind an event, as `client`, `request` and `debugContext` describe it. */
export interface LogClientInfo {
  /** The caller's IP address (the socket's remote address). */
  ipAddress: string;
  /** The raw `User-Agent` header, if any. */
  userAgent?: string;
  /** The request's `X-Okta-Request-Id`, which becomes `transaction.id` (a fresh one if absent). */
  requestId?: string;
  /** The request's path and query, for `debugContext.debugData.requestUri`/`url`. */
  requestUri?: string;
  /** For OAuth requests: the client id of the app making them (`client.id`). */
  oauthClientId?: string;
}

/** Everything an event needs beyond its type; see {@link appendLogEvent}. */
export interface LogEventInput {
  eventType: SystemLogEventType;
  actor: LogActor;
  client: LogClientInfo;
  /** Default `SUCCESS`. */
  outcome?: { result: LogOutcomeResult; reason?: string };
  target?: LogTarget[];
  /** Default: `WARN` for a FAILURE or DENY, else `INFO`. */
  severity?: LogEvent['severity'];
  debugData?: Record<string, unknown>;
  /** Extra `transaction.detail`, e.g. `requestApiTokenId`. */
  transactionDetail?: Record<string, unknown>;
  authenticationContext?: Partial<Omit<LogEvent['authenticationContext'], 'authenticationStep'>>;
}

const NO_SECURITY_CONTEXT: LogEvent['securityContext'] = {
  asNumber: null,
  asOrg: null,
  isp: null,
  domain: null,
  isProxy: null,
};

/** User-agent fragments → Okta's OS and browser names, first match wins. */
const OS_NAMES: readonly [string, string][] = [
  ['Windows', 'Windows'],
  ['iPhone', 'iOS'],
  ['iPad', 'iOS'],
  ['Mac OS X', 'Mac OS X'],
  ['Android', 'Android'],
  ['Linux', 'Linux'],
];
const BROWSER_NAMES: readonly [string, string][] = [
  ['Edg/', 'EDGE_CHROMIUM'],
  ['Firefox/', 'FIREFOX'],
  ['Chrome/', 'CHROME'],
  ['Chromium/', 'CHROME'],
  ['Safari/', 'SAFARI'],
];

type UserAgentReading = LogEvent['client']['userAgent'] & { device: string };

/** The last user agents read: a client sends the same one on every request. */
const userAgentReadings = new Map<string, UserAgentReading>();
const USER_AGENT_READINGS_KEPT = 64;

/** Okta's reading of a user agent: browser family, OS and device kind (remembered for reuse). */
function describeUserAgent(raw: string): UserAgentReading {
  const known = userAgentReadings.get(raw);
  if (known !== undefined) {
    return known;
  }
  if (userAgentReadings.size >= USER_AGENT_READINGS_KEPT) {
    userAgentReadings.clear();
  }
  const reading = readUserAgent(raw);
  userAgentReadings.set(raw, reading);
  return reading;
}

function readUserAgent(raw: string): UserAgentReading {
  const nameOf = (names: readonly [string, string][], fallback: string) =>
    names.find(([fragment]) => raw.includes(fragment))?.[1] ?? fallback;
  const browser = nameOf(BROWSER_NAMES, 'UNKNOWN');
  const device = browser === 'UNKNOWN' ? 'Unknown' : raw.includes('Mobile') ? 'Mobile' : 'Computer';
  return { rawUserAgent: raw, os: nameOf(OS_NAMES, 'Unknown'), browser, device };
}

function legacyOf(info: EventTypeInfo, result: LogOutcomeResult): string | undefined {
  if (info.legacy === undefined || typeof info.legacy === 'string') {
    return info.legacy;
  }
  return result === 'SUCCESS' ? info.legacy.SUCCESS : info.legacy.FAILURE;
}

/**
 * Appends one event to the org's System Log, stamped with the org's clock, and returns it.
 *
 * @remarks
 * The general entry point; {@link logAdminChanges}, {@link recordSignInAttempt},
 * {@link recordOAuthAuthorize} and {@link recordOAuthTokenGrant} build their events with it.
 * The log keeps the newest {@link SYSTEM_LOG_CAPACITY} events.
 */
export function appendLogEvent(org: SandboxOrg, input: LogEventInput): LogEvent {
  const info: EventTypeInfo = EVENT_TYPES[input.eventType];
  const outcome = input.outcome ?? { result: 'SUCCESS' };
  const { device, ...userAgent } = describeUserAgent(input.client.userAgent ?? '');
  const requestId = input.client.requestId ?? randomUUID().replaceAll('-', '');
  const legacyEventType = legacyOf(info, outcome.result);
  const event: LogEvent = {
    uuid: randomUUID(),
    published: org.clock().toISOString(),
    eventType: input.eventType,
    version: '0',
    severity:
      input.severity ??
      (outcome.result === 'FAILURE' || outcome.result === 'DENY' ? 'WARN' : 'INFO'),
    displayMessage: info.displayMessage,
    ...(legacyEventType === undefined ? {} : { legacyEventType }),
    actor: input.actor,
    client: {
      userAgent,
      // Okta writes the string "null" here when the client matches no network zone.
      zone: 'null',
      device,
      ...(input.client.oauthClientId === undefined ? {} : { id: input.client.oauthClientId }),
      ipAddress: input.client.ipAddress,
    },
    outcome:
      outcome.reason === undefined || outcome.reason === ''
        ? { result: outcome.result }
        : { result: outcome.result, reason: outcome.reason },
    ...(input.target === undefined || input.target.length === 0 ? {} : { target: input.target }),
    transaction: { type: 'WEB', id: requestId, detail: input.transactionDetail ?? {} },
    debugContext: {
      debugData: {
        requestId,
        ...(input.client.requestUri === undefined
          ? {}
          : { requestUri: input.client.requestUri.split('?')[0], url: input.client.requestUri }),
        ...input.debugData,
      },
    },
    authenticationContext: {
      authenticationStep: 0,
      externalSessionId: 'unknown',
      ...input.authenticationContext,
    },
    securityContext: NO_SECURITY_CONTEXT,
    request: {
      ipChain: [
        { ip: input.client.ipAddress, version: input.client.ipAddress.includes(':') ? 'V6' : 'V4' },
      ],
    },
  };
  const log = org.systemLog;
  log.entries.push({ seq: log.nextSeq, event, publishedMs: Date.parse(event.published) });
  log.nextSeq += 1;
  if (log.entries.length > SYSTEM_LOG_CAPACITY) {
    log.entries.shift();
  }
  return event;
}

// ---------------------------------------------------------------------------------------------
// Actors and targets.

function fullName(user: SandboxUser): string {
  return `${user.profile.firstName} ${user.profile.lastName}`;
}

/** A user as an event's actor. */
export function userActor(user: SandboxUser): LogActor {
  return {
    id: user.id,
    type: 'User',
    alternateId: user.profile.login,
    displayName: fullName(user),
  };
}

/** A user as an event's target. */
export function userTarget(user: SandboxUser): LogTarget {
  return {
    id: user.id,
    type: 'User',
    alternateId: user.profile.login,
    displayName: fullName(user),
  };
}

/** A group as an event's target (Okta gives groups no alternate id). */
export function groupTarget(group: SandboxGroup): LogTarget {
  return {
    id: group.id,
    type: 'UserGroup',
    alternateId: 'unknown',
    displayName: group.profile.name,
  };
}

/** An app as an event's target, with its sign-on mode in `detailEntry` as Okta adds it. */
export function appTarget(app: SandboxApp): LogTarget {
  const label = String(app.record.label);
  return {
    id: app.id,
    type: 'AppInstance',
    alternateId: label,
    displayName: label,
    detailEntry: { signOnModeType: String(app.record.signOnMode) },
  };
}

/** A user's assignment to an app (`AppUser`), as sign-on events name it. */
export function appUserTarget(user: SandboxUser): LogTarget {
  return {
    id: user.id,
    type: 'AppUser',
    alternateId: user.profile.login,
    displayName: fullName(user),
  };
}

/** A trusted origin as an event's target. */
export function trustedOriginTarget(origin: SandboxTrustedOrigin): LogTarget {
  return {
    id: origin.id,
    type: 'TrustedOrigin',
    alternateId: origin.origin,
    displayName: origin.name,
  };
}

/** A custom authorization server as an event's target. */
export function authServerTarget(server: Pick<SandboxAuthServer, 'id' | 'record'>): LogTarget {
  const name = String(server.record.name);
  return { id: server.id, type: 'AuthorizationServer', alternateId: name, displayName: name };
}

/**
 * A scope, claim, policy or rule of an authorization server as an event's target.
 *
 * @param type - Okta's target type: `OAuth2Scope`, `OAuth2Claim`, `PolicyEntity`, `PolicyRule`.
 */
export function authServerItemTarget(type: string, item: Record<string, unknown>): LogTarget {
  const name = String(item.name);
  return { id: String(item.id), type, alternateId: name, displayName: name };
}

/**
 * The id Okta gives an API token (`00T…`, shown under Security › API), derived from the token so
 * the same token always has the same id and the id never reveals the token.
 */
export function apiTokenId(token: string): string {
  return `00T${createHash('sha256').update(token).digest('hex').slice(0, 17)}`;
}

// ---------------------------------------------------------------------------------------------
// Admin changes.

/** One change a management route made, to be logged once the change is committed. */
export interface AdminChange {
  eventType: SystemLogEventType;
  target: LogTarget[];
  debugData?: Record<string, unknown>;
}

/** Builds an {@link AdminChange}: what a route returns in `events` for each change it made. */
export function adminChange(
  eventType: SystemLogEventType,
  target: LogTarget | LogTarget[],
  debugData?: Record<string, unknown>,
): AdminChange {
  return {
    eventType,
    target: Array.isArray(target) ? target : [target],
    ...(debugData === undefined ? {} : { debugData }),
  };
}

/** Who made an admin change, through which token, from where. */
export interface AdminRequest {
  caller: SandboxUser;
  /**
   * The SSWS token's id ({@link apiTokenId}), for `transaction.detail.requestApiTokenId`; none
   * for a service app's OAuth access token.
   */
  apiTokenId?: string;
  /** The actor when it is not the caller as a user: a service app ({@link clientActor}). */
  actor?: LogActor;
  client: LogClientInfo;
}

/** A service app acting with its OAuth access token, as an event's actor. */
export function clientActor(app: SandboxApp, clientId: string): LogActor {
  const label = typeof app.record.label === 'string' ? app.record.label : clientId;
  return { id: clientId, type: 'PublicClientApp', alternateId: clientId, displayName: label };
}

/**
 * Logs the changes a management request made, with the admin as actor and the API token in
 * `transaction.detail.requestApiTokenId`, as Okta logs changes made through the API.
 */
export function logAdminChanges(
  org: SandboxOrg,
  changes: readonly AdminChange[],
  request: AdminRequest,
): void {
  for (const change of changes) {
    appendLogEvent(org, {
      eventType: change.eventType,
      actor: request.actor ?? userActor(request.caller),
      client: request.client,
      target: change.target,
      ...(change.debugData === undefined ? {} : { debugData: change.debugData }),
      transactionDetail:
        request.apiTokenId === undefined ? {} : { requestApiTokenId: request.apiTokenId },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Sign-in and OAuth, for the OIDC layer.

/**
 * Why a sign-in failed, as Okta puts it in `outcome.reason` of `user.session.start`:
 * `INVALID_CREDENTIALS` (wrong password), `LOCKED_OUT` (the account is locked),
 * `VERIFICATION_ERROR` (unknown user under Identity Engine), `USER_NOT_ACTIVE` (the user is not
 * ACTIVE — STAGED, PROVISIONED, DEPROVISIONED, SUSPENDED).
 */
export type SignInFailureReason =
  'INVALID_CREDENTIALS' | 'LOCKED_OUT' | 'VERIFICATION_ERROR' | 'USER_NOT_ACTIVE';

/** A sign-in attempt at the sandbox's sign-in page; see {@link recordSignInAttempt}. */
export interface SignInAttempt {
  /** The username as typed. */
  login: string;
  /** The user it resolved to, if any. */
  user?: SandboxUser;
  outcome: 'SUCCESS' | 'FAILURE';
  /** Required for a FAILURE. */
  reason?: SignInFailureReason;
  /** On success into an app: the app, which adds a `user.authentication.sso` event. */
  app?: SandboxApp;
  /** The session id the sign-in created (success only), for `externalSessionId`. */
  sessionId?: string;
  client: LogClientInfo;
}

/**
 * Logs a sign-in attempt the way Okta does: `user.session.start` with the outcome (and, for a
 * failure, `severity: WARN` and the reason), plus `user.authentication.sso` into the app when a
 * sign-in for an app succeeds.
 *
 * @remarks
 * An unknown username is logged with actor `{ id: 'unknown', alternateId: <login> }`, as Okta
 * does. `externalSessionId` is the session id on success and `unknown` on failure.
 *
 * @returns the events appended, in order.
 */
export function recordSignInAttempt(org: SandboxOrg, attempt: SignInAttempt): LogEvent[] {
  const actor: LogActor =
    attempt.user === undefined
      ? { id: 'unknown', type: 'User', alternateId: attempt.login, displayName: 'unknown' }
      : userActor(attempt.user);
  const authenticationContext = {
    authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER',
    credentialProvider: 'OKTA_CREDENTIAL_PROVIDER',
    credentialType: 'PASSWORD',
    externalSessionId:
      attempt.outcome === 'SUCCESS' && attempt.sessionId !== undefined
        ? attempt.sessionId
        : 'unknown',
  };
  const events = [
    appendLogEvent(org, {
      eventType: 'user.session.start',
      actor,
      client: attempt.client,
      outcome:
        attempt.outcome === 'SUCCESS'
          ? { result: 'SUCCESS' }
          : { result: 'FAILURE', reason: attempt.reason ?? 'INVALID_CREDENTIALS' },
      authenticationContext,
    }),
  ];
  if (attempt.outcome === 'SUCCESS' && attempt.app !== undefined && attempt.user !== undefined) {
    events.push(
      appendLogEvent(org, {
        eventType: 'user.authentication.sso',
        actor,
        client: attempt.client,
        target: [appTarget(attempt.app), appUserTarget(attempt.user)],
        debugData: { initiationType: 'SP_INITIATED' },
        authenticationContext,
      }),
    );
  }
  return events;
}

/**
 * Logs what a user's own sign-in did to their account: `user.account.lock` when the last wrong
 * password reached the policy's limit, `user.account.update_password` when they set a new
 * password in place of an expired one. The user is actor and target, as in Okta's events for a
 * user's own actions.
 *
 * @remarks
 * The lock is logged with `outcome` FAILURE / `LOCKED_OUT`, as public detection-rule fixtures
 * of Okta's event show it (unverified against a live org).
 */
export function recordUserAccountEvent(
  org: SandboxOrg,
  event: {
    eventType: 'user.account.lock' | 'user.account.update_password';
    user: SandboxUser;
    client: LogClientInfo;
  },
): LogEvent {
  return appendLogEvent(org, {
    eventType: event.eventType,
    actor: userActor(event.user),
    client: event.client,
    target: [userTarget(event.user)],
    outcome:
      event.eventType === 'user.account.lock'
        ? { result: 'FAILURE', reason: 'LOCKED_OUT' }
        : { result: 'SUCCESS' },
    authenticationContext: {
      authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER',
      credentialProvider: 'OKTA_CREDENTIAL_PROVIDER',
      credentialType: 'PASSWORD',
    },
  });
}

/**
 * Which authorization server handled an OAuth request: the org's (`/oauth2/v1/…`, events
 * `app.oauth2.*`) or a custom one such as `default` (`/oauth2/{id}/v1/…`, events
 * `app.oauth2.as.*`).
 */
export type OAuthServerRef =
  | { kind: 'org'; issuer: string }
  | { kind: 'custom'; server: Pick<SandboxAuthServer, 'id' | 'record'>; issuer: string };

/** An `/authorize` request's outcome; see {@link recordOAuthAuthorize}. */
export interface OAuthAuthorizeAttempt {
  authServer: OAuthServerRef;
  /** The client's app, when the `client_id` is known. */
  app?: SandboxApp;
  /** The `client_id` as sent (logged in `client.id` even when no app has it). */
  clientId: string;
  /** The signed-in user, when there is one. */
  user?: SandboxUser;
  outcome: 'SUCCESS' | 'FAILURE';
  /**
   * For a FAILURE, Okta's `outcome.reason`: e.g. `illegal_redirect_uri` (redirect_uri not
   * registered; `illegal_redirect_uri_enhanced` in some orgs), `invalid_client` (unknown
   * client_id), `access_denied` (user not assigned / policy), `invalid_scope`,
   * `invalid_request` (e.g. PKCE missing), `unsupported_response_type`, `login_required`.
   */
  reason?: string;
  /** Free-form detail for `debugContext.debugData`, e.g. `{ redirectUri }`. */
  debugData?: Record<string, unknown>;
  client: LogClientInfo;
}

function oauthActor(attempt: { user?: SandboxUser; app?: SandboxApp; clientId: string }): LogActor {
  if (attempt.user !== undefined) {
    return userActor(attempt.user);
  }
  const label = attempt.app === undefined ? 'unknown' : String(attempt.app.record.label);
  return { id: attempt.clientId, type: 'PublicClientApp', alternateId: label, displayName: label };
}

function oauthTargets(attempt: { app?: SandboxApp; user?: SandboxUser }): LogTarget[] {
  return [
    ...(attempt.app === undefined ? [] : [appTarget(attempt.app)]),
    ...(attempt.user === undefined ? [] : [userTarget(attempt.user)]),
  ];
}

/**
 * Logs an `/authorize` request: on success the code grant (`app.oauth2[.as].authorize.code`),
 * on failure `app.oauth2[.as].authorize` with `outcome.reason` — where Okta's "doctor" query
 * `outcome.reason eq "illegal_redirect_uri"` finds a wrong redirect URI (okta-behaviours §12).
 */
export function recordOAuthAuthorize(org: SandboxOrg, attempt: OAuthAuthorizeAttempt): LogEvent {
  const prefix = attempt.authServer.kind === 'org' ? 'app.oauth2' : 'app.oauth2.as';
  return appendLogEvent(org, {
    eventType:
      attempt.outcome === 'SUCCESS'
        ? (`${prefix}.authorize.code` as SystemLogEventType)
        : (`${prefix}.authorize` as SystemLogEventType),
    actor: oauthActor(attempt),
    client: { ...attempt.client, oauthClientId: attempt.clientId },
    outcome:
      attempt.outcome === 'SUCCESS'
        ? { result: 'SUCCESS' }
        : {
            result: 'FAILURE',
            ...(attempt.reason === undefined ? {} : { reason: attempt.reason }),
          },
    target: oauthTargets(attempt),
    ...(attempt.debugData === undefined ? {} : { debugData: attempt.debugData }),
    authenticationContext: {
      issuer: { id: attempt.authServer.issuer, type: 'AUTHORIZATION_SERVER' },
    },
  });
}

/** A `/token` request's outcome; see {@link recordOAuthTokenGrant}. */
export interface OAuthTokenGrant {
  authServer: OAuthServerRef;
  app?: SandboxApp;
  clientId: string;
  user?: SandboxUser;
  /** On success: the tokens issued, one event each. */
  tokens?: readonly ('access_token' | 'id_token' | 'refresh_token')[];
  outcome: 'SUCCESS' | 'FAILURE';
  /** For a FAILURE: the OAuth `error`, e.g. `invalid_grant`, `invalid_client`. */
  reason?: string;
  /** e.g. `{ grantType: 'authorization_code' }`. */
  debugData?: Record<string, unknown>;
  client: LogClientInfo;
}

/**
 * Logs a `/token` request: one `app.oauth2[.as].token.grant.<token>` event per token issued, or
 * one `app.oauth2[.as].token.grant` FAILURE with the OAuth error as reason.
 */
export function recordOAuthTokenGrant(org: SandboxOrg, grant: OAuthTokenGrant): LogEvent[] {
  const prefix = grant.authServer.kind === 'org' ? 'app.oauth2' : 'app.oauth2.as';
  const common = {
    actor: oauthActor(grant),
    client: { ...grant.client, oauthClientId: grant.clientId },
    target: oauthTargets(grant),
    ...(grant.debugData === undefined ? {} : { debugData: grant.debugData }),
    authenticationContext: {
      issuer: { id: grant.authServer.issuer, type: 'AUTHORIZATION_SERVER' },
    },
  };
  if (grant.outcome === 'FAILURE') {
    return [
      appendLogEvent(org, {
        ...common,
        eventType: `${prefix}.token.grant` as SystemLogEventType,
        outcome: {
          result: 'FAILURE',
          ...(grant.reason === undefined ? {} : { reason: grant.reason }),
        },
      }),
    ];
  }
  return (grant.tokens ?? []).map((token) =>
    appendLogEvent(org, {
      ...common,
      eventType: `${prefix}.token.grant.${token}` as SystemLogEventType,
    }),
  );
}

/**
 * Logs a rotated-out refresh token presented after its leeway: Okta's reuse detection
 * (`app.oauth2[.as].token.detect_reuse`), which revoked the token's grant, followed by the
 * refused grant itself (`app.oauth2[.as].token.grant`, `outcome.reason`
 * `invalid_refresh_token`, the reason support.okta.com's "Refresh Token Invalid or Expired"
 * article searches for). The detection event's outcome is the sandbox's choice (unverified).
 */
export function recordRefreshTokenReuse(
  org: SandboxOrg,
  grant: Omit<OAuthTokenGrant, 'outcome' | 'tokens' | 'reason'>,
): LogEvent[] {
  const prefix = grant.authServer.kind === 'org' ? 'app.oauth2' : 'app.oauth2.as';
  const detection = appendLogEvent(org, {
    eventType: `${prefix}.token.detect_reuse` as SystemLogEventType,
    actor: oauthActor(grant),
    client: { ...grant.client, oauthClientId: grant.clientId },
    outcome: { result: 'FAILURE', reason: 'invalid_refresh_token' },
    target: oauthTargets(grant),
    ...(grant.debugData === undefined ? {} : { debugData: grant.debugData }),
    authenticationContext: {
      issuer: { id: grant.authServer.issuer, type: 'AUTHORIZATION_SERVER' },
    },
  });
  return [
    detection,
    ...recordOAuthTokenGrant(org, {
      ...grant,
      outcome: 'FAILURE',
      reason: 'invalid_refresh_token',
    }),
  ];
}

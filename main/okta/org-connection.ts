import { OKTA_API_SCOPES } from '../../shared/okta/okta-api-scopes.ts';
import type { VerifyStep } from '../../shared/profiles/profile.ts';
import type { OktaClient } from './okta-client.ts';
import { scopesNotAllowed, ServiceAppTokenError, toOktaAppError } from './okta-errors.ts';

/** What verifying a token established about the org and the token's owner. */
export interface VerifiedConnection {
  orgName: string;
  owner: { id: string; login: string; displayName: string };
  /** Admin role types, or `null` when the token may not read them. */
  adminRoles: string[] | null;
}

/** Progress of one verification step. */
export type VerifyProgress = (
  step: VerifyStep,
  state: 'running' | 'done' | 'failed' | 'skipped',
) => void;

async function runStep<T>(
  step: VerifyStep,
  onProgress: VerifyProgress,
  work: () => Promise<T>,
): Promise<T> {
  onProgress(step, 'running');
  try {
    const result = await work();
    onProgress(step, 'done');
    return result;
  } catch (error) {
    onProgress(step, 'failed');
    throw error;
  }
}

/**
 * Proves a token works against an org before anything is saved.
 *
 * @remarks
 * Three reads, each a question an admin would ask: who does this token act as (`users/me`), which
 * org is this (`org`), and what may it do (the owner's admin roles). The first two must succeed;
 * roles are reported only where the token may read them (`E0000006` there is not a failure).
 */
export async function verifyOrgConnection(options: {
  client: OktaClient;
  orgUrl: string;
  token: string;
  onProgress: VerifyProgress;
}): Promise<VerifiedConnection> {
  const { client, orgUrl, token, onProgress } = options;
  const context = (action: string) => ({ orgUrl, token, action });

  onProgress('reach-org', 'running');
  let me: Awaited<ReturnType<OktaClient['userApi']['getUser']>>;
  try {
    me = await client.userApi.getUser({ userId: 'me' });
  } catch (error) {
    const appError = toOktaAppError(error, context('reading the token’s owner'));
    const reached = appError.code !== 'ORG_UNREACHABLE' && appError.code !== 'ORG_NOT_OKTA';
    onProgress('reach-org', reached ? 'done' : 'failed');
    if (reached) {
      onProgress('check-token', 'failed');
    }
    throw appError;
  }
  onProgress('reach-org', 'done');
  onProgress('check-token', 'done');

  const profile = me.profile;
  const login = profile?.login ?? '';
  const displayName =
    [profile?.firstName, profile?.lastName].filter(Boolean).join(' ').trim() || login;
  const owner = { id: me.id ?? '', login, displayName };

  const orgName = await runStep('read-org', onProgress, async () => {
    try {
      const org = await client.orgSettingApi.getOrgSettings();
      return org.companyName ?? org.subdomain ?? new URL(orgUrl).hostname;
    } catch (error) {
      throw toOktaAppError(error, context('reading the org settings'));
    }
  });

  onProgress('read-roles', 'running');
  let adminRoles: string[] | null;
  try {
    const roles = await client.roleAssignmentApi.listAssignedRolesForUser({ userId: owner.id });
    adminRoles = [];
    for await (const role of roles) {
      const type = (role as { type?: unknown } | null)?.type;
      if (typeof type === 'string') {
        adminRoles.push(type);
      }
    }
    onProgress('read-roles', 'done');
  } catch (error) {
    const appError = toOktaAppError(error, context('reading the owner’s admin roles'));
    if (appError.code !== 'PERMISSION_DENIED') {
      onProgress('read-roles', 'failed');
      throw appError;
    }
    adminRoles = null;
    onProgress('read-roles', 'skipped');
  }
  return { orgName, owner, adminRoles };
}

/**
 * Proves a service app can sign in to an org and read it, before anything is saved.
 *
 * @remarks
 * A service app acts as no user, so `users/me` means nothing to it; the check is the org's
 * settings (`GET /api/v1/org`, `okta.orgs.read`), the one call of the planner's `connect` task
 * an app can make. The SDK first gets an access token with the app's key, so a wrong client id,
 * an unregistered key or an ungranted scope shows at `check-token`. The "owner" reported is the
 * app itself, and its admin roles are not read: that would need `okta.roles.read`, which the
 * planned work never uses (least privilege), so the step is skipped.
 */
export async function verifyServiceAppConnection(options: {
  client: OktaClient;
  orgUrl: string;
  clientId: string;
  privateKey: string;
  onProgress: VerifyProgress;
}): Promise<VerifiedConnection> {
  const { client, orgUrl, clientId, privateKey, onProgress } = options;
  onProgress('reach-org', 'running');
  let orgName: string;
  try {
    const org = await client.orgSettingApi.getOrgSettings();
    orgName = org.companyName ?? org.subdomain ?? new URL(orgUrl).hostname;
  } catch (error) {
    const appError = toOktaAppError(error, {
      orgUrl,
      token: privateKey,
      action: `signing in as the service app ${clientId} and reading the org settings`,
      operationId: 'getOrgSettings',
      clientId,
    });
    const reached = appError.code !== 'ORG_UNREACHABLE' && appError.code !== 'ORG_NOT_OKTA';
    onProgress('reach-org', reached ? 'done' : 'failed');
    if (reached) {
      onProgress('check-token', 'failed');
    }
    throw appError;
  }
  onProgress('reach-org', 'done');
  onProgress('check-token', 'done');
  onProgress('read-org', 'running');
  onProgress('read-org', 'done');
  onProgress('read-roles', 'skipped');
  return {
    orgName,
    owner: { id: clientId, login: clientId, displayName: `Service app ${clientId}` },
    adminRoles: null,
  };
}

/**
 * The `okta.*` scopes granted to a service app, or `null` when Okta did not say.
 *
 * @remarks
 * A service app may not read its own grants without `okta.appGrants.read`, which nothing else the
 * console does needs, so it asks instead: one token request for every scope Okta defines. Okta
 * refuses it with `invalid_scope` naming the scopes not granted (the sandbox does; Okta's exact
 * list is unverified), and the rest are granted. A refusal for another reason (a wrong key, a
 * mistyped client id) is left to the connection check that follows, which explains it.
 */
export async function probeGrantedScopes(
  clientFor: (scopes: readonly string[]) => OktaClient,
): Promise<string[] | null> {
  const all: string[] = [...OKTA_API_SCOPES];
  try {
    await clientFor(all).orgSettingApi.getOrgSettings();
    return all;
  } catch (error) {
    if (!(error instanceof ServiceAppTokenError)) {
      // The token was issued with every scope; the call itself failed for another reason.
      return all;
    }
    const refused = error.error === 'invalid_scope' ? scopesNotAllowed(error.description) : [];
    return refused.length === 0 ? null : all.filter((scope) => !refused.includes(scope));
  }
}

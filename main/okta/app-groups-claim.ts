import { GROUP_FILTER_TYPES, type GroupsClaim } from '../../shared/setup/setup-document.ts';
import { asObject, stringOf, textOf } from '../platform/json.ts';
import type { OktaClient } from './okta-client.ts';
import { requestOktaJson } from './okta-request.ts';

/**
 * The org authorization server's groups claim of one OIDC app: the Admin Console's Sign On tab,
 * "OpenID Connect ID Token → Groups claim type / filter".
 *
 * @remarks
 * Okta's public app model has no field for it (okta-behaviours.md §3, "Not in the public app
 * model"). The Admin Console and Okta's Terraform provider (`sdk/app_oauth_group_claim.go`,
 * `GetAppOauthGroupsClaim` / `UpdateAppOauthGroupsClaim`) read and write it at
 * `/api/v1/internal/apps/{appId}/settings/oauth/idToken` with
 * `{issuerMode, name, value, valueType: GROUPS|EXPRESSION, groupFilterType}`; `valueType GROUPS`
 * is the Admin Console's "Filter". The console calls the same endpoint through the SDK's own
 * HTTP client (and so through the org's request scheduler). Being internal, it is not in
 * management.yaml, and the provider notes it is honoured only under an API token, not under
 * OAuth 2.0 service-app credentials. (okta-behaviours.md §3 names `…/settings/oidc`; the
 * provider's source, which works against Okta, uses `…/settings/oauth/idToken`.)
 */

/** The endpoint's path for one app. */
export function appGroupsClaimPath(appId: string): string {
  return `/api/v1/internal/apps/${encodeURIComponent(appId)}/settings/oauth/idToken`;
}

function urlOf(client: OktaClient, appId: string): string {
  return new URL(appGroupsClaimPath(appId), client.baseUrl).toString();
}

/** Reads the endpoint's answer as a document's groups claim; `undefined` when none is set. */
export function readAppGroupsClaim(value: unknown): GroupsClaim | undefined {
  const json = asObject(value);
  const name = stringOf(json.name);
  if (name === undefined || name === '') {
    return undefined;
  }
  const claimValue = textOf(json.value);
  if (textOf(json.valueType) === 'EXPRESSION') {
    return { type: 'EXPRESSION', name, value: claimValue };
  }
  const filterType = GROUP_FILTER_TYPES.find((type) => type === json.groupFilterType);
  return { type: 'FILTER', name, filterType: filterType ?? 'REGEX', value: claimValue };
}

/** The body that sets a groups claim (or, with `undefined`, clears it) for an issuer mode. */
export function appGroupsClaimBody(
  claim: GroupsClaim | undefined,
  issuerMode: string,
): Record<string, string> {
  if (claim === undefined) {
    // How the Terraform provider removes the claim: the issuer mode alone.
    return { issuerMode };
  }
  return claim.type === 'FILTER'
    ? {
        issuerMode,
        name: claim.name,
        valueType: 'GROUPS',
        groupFilterType: claim.filterType,
        value: claim.value,
      }
    : { issuerMode, name: claim.name, valueType: 'EXPRESSION', value: claim.value };
}

/** The app's org-server groups claim as Okta has it now. */
export async function getAppGroupsClaim(
  client: OktaClient,
  appId: string,
): Promise<GroupsClaim | undefined> {
  return readAppGroupsClaim((await requestOktaJson(client, 'GET', urlOf(client, appId))).body);
}

/** Sets the app's org-server groups claim. */
export async function setAppGroupsClaim(
  client: OktaClient,
  appId: string,
  claim: GroupsClaim | undefined,
  issuerMode: string,
): Promise<void> {
  await requestOktaJson(
    client,
    'POST',
    urlOf(client, appId),
    appGroupsClaimBody(claim, issuerMode),
  );
}

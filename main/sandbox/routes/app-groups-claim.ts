import { readGroupsExpression } from '../../../shared/okta/groups-expression.ts';
import { GROUP_FILTER_TYPES, ISSUER_MODES } from '../../../shared/setup/setup-document.ts';
import { asObject, stringOf } from '../../platform/json.ts';
import { oktaError } from '../okta-errors.ts';
import type { SandboxApp, SandboxIdTokenGroupsClaim } from '../sandbox-org.ts';
import { adminChange, appTarget } from '../system-log.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf } from './app-shared.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';

/**
 * The org authorization server's groups claim of an OIDC app — the Admin Console's Sign On tab,
 * "OpenID Connect ID Token → Groups claim type / filter" — at Okta's internal
 * `/api/v1/internal/apps/{appId}/settings/oauth/idToken`.
 *
 * @remarks
 * Not in management.yaml: Okta's public app model has no field for this claim (okta-behaviours.md
 * §3). The shape is the one Okta's Terraform provider reads and writes against real orgs
 * (okta/terraform-provider-okta `sdk/app_oauth_group_claim.go`): the members `issuerMode`,
 * `name`, `value`, `valueType` (`GROUPS` or `EXPRESSION`) and `groupFilterType`, where `GROUPS`
 * is the Admin Console's "Filter"; a body with no `name` removes the claim, as the provider does to clear it. The GET answer adds
 * the `issuer`, `orgUrl` and `audience` (the client id) the provider's struct names. Okta puts
 * the claim only into ID tokens asked for with the `groups` scope (Okta's guide "Add a groups
 * claim for the org authorization server"); `okta-claims.ts` does that.
 *
 * Unverified, and chosen to explain rather than guess: the answer for an app that is not an OIDC
 * app (here E0000001 naming the sign-on mode), and Okta's validation texts for a bad filter type
 * or expression (here E0000001 with the field and what is accepted).
 */

const GROUPS_CLAIM_PATH = new RegExp(
  `${APP.replace('\\/apps\\/', '\\/internal\\/apps\\/')}\\/settings\\/oauth\\/idToken$`,
);

function invalid(field: string, problem: string) {
  return oktaError(400, 'E0000001', `Api validation failed: ${field}`, [`${field}: ${problem}`]);
}

function oauthClientOf(app: SandboxApp): Record<string, unknown> {
  return asObject(asObject(asObject(app.record.settings).oauthClient));
}

/** The endpoint's answer for one app. */
function renderGroupsClaim(app: SandboxApp, orgUrl: string): Record<string, unknown> {
  const claim = app.idTokenGroupsClaim;
  return {
    issuer: orgUrl,
    orgUrl,
    audience: stringOf(asObject(asObject(app.record.credentials).oauthClient).client_id) ?? app.id,
    issuerMode: stringOf(oauthClientOf(app).issuer_mode) ?? 'ORG_URL',
    ...(claim === undefined
      ? {}
      : {
          name: claim.name,
          value: claim.value,
          valueType: claim.valueType,
          ...(claim.groupFilterType === undefined
            ? {}
            : { groupFilterType: claim.groupFilterType }),
        }),
  };
}

/** The OIDC app the path names, or Okta's error for another. */
function oidcAppOf(context: RouteContext): SandboxApp | RouteResult {
  const app = appOf(context);
  if (app === undefined) {
    return appNotFound(context);
  }
  if (app.record.signOnMode !== 'OPENID_CONNECT') {
    return invalid(
      'groupsClaim',
      `Only OpenID Connect apps have an ID token groups claim; this app's sign-on mode is ${String(app.record.signOnMode)}.`,
    );
  }
  return app;
}

/** Reads a POSTed claim: `undefined` to remove it, or the error the body earns. */
function readClaim(
  body: Record<string, unknown>,
): { ok: true; claim: SandboxIdTokenGroupsClaim | undefined } | { ok: false; error: RouteResult } {
  const name = stringOf(body.name);
  if (name === undefined || name.trim() === '') {
    return { ok: true, claim: undefined };
  }
  const value = stringOf(body.value) ?? '';
  const valueType = body.valueType;
  if (valueType === 'EXPRESSION') {
    const read = readGroupsExpression(value);
    if (!read.ok) {
      return {
        ok: false,
        error: invalid(
          'value',
          `${read.problem} The sandbox org evaluates only these group functions; Okta evaluates any Okta Expression Language expression, so try other forms against a real org.`,
        ),
      };
    }
    return { ok: true, claim: { name, valueType, value } };
  }
  if (valueType !== 'GROUPS') {
    return {
      ok: false,
      error: invalid(
        'valueType',
        `Use GROUPS (a filter on group names) or EXPRESSION, not ${JSON.stringify(valueType ?? null)}.`,
      ),
    };
  }
  const groupFilterType = GROUP_FILTER_TYPES.find((type) => type === body.groupFilterType);
  if (groupFilterType === undefined) {
    return {
      ok: false,
      error: invalid(
        'groupFilterType',
        `Use one of ${GROUP_FILTER_TYPES.join(', ')}, not ${JSON.stringify(body.groupFilterType ?? null)}.`,
      ),
    };
  }
  if (groupFilterType === 'REGEX') {
    try {
      new RegExp(value, 'u');
    } catch {
      return { ok: false, error: invalid('value', `"${value}" is not a regular expression.`) };
    }
  }
  return { ok: true, claim: { name, valueType, groupFilterType, value } };
}

/** The internal groups-claim routes, read and write. */
export const APP_GROUPS_CLAIM_ROUTES: readonly Route[] = [
  {
    operationId: 'getAppOauthGroupsClaim',
    queryParameters: [],
    method: 'GET',
    pattern: GROUPS_CLAIM_PATH,
    allowedRoles: APP_READERS,
    handle(context) {
      const app = oidcAppOf(context);
      return 'status' in app ? app : { status: 200, body: renderGroupsClaim(app, context.orgUrl) };
    },
  },
  {
    operationId: 'updateAppOauthGroupsClaim',
    queryParameters: [],
    method: 'POST',
    pattern: GROUPS_CLAIM_PATH,
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = oidcAppOf(context);
      if ('status' in app) {
        return app;
      }
      const body = asObject(context.body);
      const issuerMode = body.issuerMode;
      if (issuerMode !== undefined && !ISSUER_MODES.some((mode) => mode === issuerMode)) {
        return invalid(
          'issuerMode',
          `Use one of ${ISSUER_MODES.join(', ')}, not ${JSON.stringify(issuerMode)}.`,
        );
      }
      const read = readClaim(body);
      if (!read.ok) {
        return read.error;
      }
      const oauthClient = oauthClientOf(app);
      if (typeof issuerMode === 'string' && oauthClient.issuer_mode !== issuerMode) {
        oauthClient.issuer_mode = issuerMode;
        app.record.lastUpdated = context.now.toISOString();
      }
      if (read.claim === undefined) {
        delete app.idTokenGroupsClaim;
      } else {
        app.idTokenGroupsClaim = read.claim;
      }
      return {
        status: 200,
        body: renderGroupsClaim(app, context.orgUrl),
        events: [adminChange('application.lifecycle.update', appTarget(app))],
      };
    },
  },
];

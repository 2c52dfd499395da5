/**
 * Why Okta refused a preview at its authorize endpoint — an error page, or an error sent back to
 * the redirect URI — with the values that explain it; see `diagnose.ts`.
 */
import { OKTA_OAUTH_TEXTS, ORG_AS_SCOPES } from '../../../shared/okta/oauth-texts.ts';
import { lintRedirectUris } from '../../../shared/setup/uri-lint.ts';
import type { Diagnosis } from '../preview-types.ts';
import { appName, type DiagnosisContext, list, oktaError } from './diagnosis-wording.ts';
import type { AppFacts, OrgFacts } from './org-facts.ts';

/** A redirect URI that almost matches the one sent, and how it differs. */
export interface RedirectNearMiss {
  registered: string;
  kind: 'trailing slash' | 'scheme' | 'host' | 'port' | 'letter case' | 'client key';
}

export function authorizePage(
  text: string,
  status: number,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
  if (text.includes(OKTA_OAUTH_TEXTS.redirectUriNotRegistered)) {
    return redirectUriNotRegistered(OKTA_OAUTH_TEXTS.redirectUriNotRegistered, facts, context);
  }
  if (text.includes(OKTA_OAUTH_TEXTS.unknownClientId)) {
    return unknownClient(OKTA_OAUTH_TEXTS.unknownClientId, facts);
  }
  if (facts.app?.status === 'INACTIVE') {
    return appInactive(null, facts.app);
  }
  return oktaError(
    text === '' ? null : text,
    `Okta answered the authorize request with an HTTP ${String(status)} page instead of sending the browser back.`,
  );
}

/** The registered URI that nearly matches the one sent, and how it differs. */
export function findRedirectNearMiss(
  sent: string,
  registered: readonly string[],
): RedirectNearMiss | undefined {
  const kinds: Record<string, RedirectNearMiss['kind']> = {
    'trailing-slash': 'trailing slash',
    'scheme-mismatch': 'scheme',
    'host-mismatch': 'host',
    'port-mismatch': 'port',
    'path-case-mismatch': 'letter case',
  };
  // Only uri-lint's comparison with the sent URI matters here: `native` lets a plain-http URI
  // through to it instead of stopping at the insecure-http finding (an http registration behind
  // a TLS proxy is exactly the scheme near miss to find), and `sign-out` skips the
  // "callback missing" finding, which this diagnosis states itself.
  for (const finding of lintRedirectUris(registered, {
    kind: 'sign-out',
    expected: sent,
    applicationType: 'native',
  })) {
    const kind = kinds[finding.rule];
    if (kind !== undefined) {
      return { registered: finding.uri, kind };
    }
  }
  // Micronaut (Kestra) ends the callback with its client key, Kaimu puts its provider slug in
  // the path: the same URI with another key is the classic near miss of those targets.
  const keyed = [/^(.*\/oauth\/callback\/)([^/]+)$/, /^(.*\/auth\/oidc\/)([^/]+)(\/callback)$/];
  for (const pattern of keyed) {
    const sentMatch = pattern.exec(sent);
    if (sentMatch === null) {
      continue;
    }
    for (const uri of registered) {
      const match = pattern.exec(uri);
      if (match !== null && match[1] === sentMatch[1] && match[2] !== sentMatch[2]) {
        return { registered: uri, kind: 'client key' };
      }
    }
  }
  return undefined;
}

function redirectUriNotRegistered(
  oktaText: string,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
  const sent = facts.request.redirectUri;
  const registered = facts.app?.redirectUris ?? [];
  const nearMiss = findRedirectNearMiss(sent, registered);
  const keyOf = (uri: string) =>
    /\/oauth\/callback\/([^/]+)$/.exec(uri)?.[1] ??
    /\/auth\/oidc\/([^/]+)\/callback$/.exec(uri)?.[1];
  const difference =
    nearMiss === undefined
      ? ''
      : nearMiss.kind === 'client key'
        ? ` The registered ${nearMiss.registered} has client key "${keyOf(nearMiss.registered) ?? ''}" where the target sends "${keyOf(sent) ?? ''}": Micronaut names the callback after its client's YAML key (Kaimu after its provider slug).`
        : ` The registered ${nearMiss.registered} differs from it only by ${nearMiss.kind === 'letter case' ? 'letter case' : `its ${nearMiss.kind}`}, and Okta matches redirect URIs exactly.`;
  const expected =
    context.expectedCallback !== undefined && context.expectedCallback !== sent
      ? ` From the target's settings its callback should be ${context.expectedCallback}.`
      : '';
  return {
    code: 'REDIRECT_URI_NOT_REGISTERED',
    oktaText,
    cause: `The sign-in sent redirect_uri ${sent}, which is not a sign-in redirect URI of ${appName(facts.app, facts)}. Registered: ${list(registered)}.${difference}${expected}`,
    fix:
      nearMiss === undefined
        ? `Add ${sent} to the app's Sign-in redirect URIs (Applications → ${facts.app?.label ?? 'the app'} → General → Login), or configure the target to send one of the registered URIs.`
        : nearMiss.kind === 'client key'
          ? `Replace ${nearMiss.registered} with ${sent} in the app's Sign-in redirect URIs, or rename the target's client key back to match the registered URI.`
          : `Replace ${nearMiss.registered} with ${sent} in the app's Sign-in redirect URIs, or configure the target to send ${nearMiss.registered} exactly.`,
    oneClickFix: {
      kind: 'add-redirect-uri',
      uri: sent,
      ...(nearMiss === undefined ? {} : { replaces: nearMiss.registered }),
    },
  };
}

export function unknownClient(oktaText: string, facts: OrgFacts): Diagnosis {
  if (facts.app?.status === 'INACTIVE') {
    // Okta answers /token for a deactivated app as if the client did not exist.
    return appInactive(oktaText, facts.app);
  }
  return {
    code: 'UNKNOWN_CLIENT',
    oktaText,
    cause:
      facts.app === null
        ? `This org (${facts.orgUrl}) has no app with client id ${facts.request.appId}: it was deleted, or the target holds a client id from another org.`
        : `Okta does not know the client id that was sent; ${appName(facts.app, facts)} has client id ${facts.app.clientId}.`,
    fix: `Apply the setup again to create the app, then give the target the new client id and secret. If the target points at another org, change its issuer to ${facts.orgUrl}.`,
  };
}

function appInactive(oktaText: string | null, app: AppFacts): Diagnosis {
  return {
    code: 'APP_INACTIVE',
    oktaText,
    cause: `The app "${app.label}" (${app.id}) is ${app.status}. Okta refuses every sign-in to an inactive app, with a bare 400 page at /authorize.`,
    fix: `Activate the app: Applications → ${app.label} → the status menu → Activate.`,
    oneClickFix: { kind: 'activate-app' },
  };
}

export function authorizeRedirect(
  error: string,
  description: string | null,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis[] {
  const said = description ?? '';
  if (error === 'access_denied' && said.startsWith(OKTA_OAUTH_TEXTS.notAssigned)) {
    return [userNotAssigned(said, facts)];
  }
  if (error === 'access_denied' && said.startsWith('Policy evaluation failed')) {
    return [policyEvaluationFailed(said, facts)];
  }
  if (error === 'invalid_scope' && said.startsWith('One or more scopes are not configured')) {
    return scopeNotOnServer(said, facts);
  }
  if (error === 'invalid_request' && said.startsWith('PKCE code challenge is required')) {
    return [pkceRequired(said, facts, context)];
  }
  if (error === 'access_denied' && said.includes('`openid` scope')) {
    return [
      {
        ...oktaError(
          said,
          `The request asked for ${list(facts.request.requestedScopes)} without openid.`,
        ),
        fix: 'Add openid to the scopes the target requests.',
      },
    ];
  }
  return [
    oktaError(
      description,
      `Okta refused the authorize request with ${error}${description === null ? ' and no description' : ''}.`,
    ),
  ];
}

function userNotAssigned(oktaText: string, facts: OrgFacts): Diagnosis {
  const user = facts.user;
  const app = appName(facts.app, facts);
  if (user?.id === null || user === null) {
    return {
      code: 'USER_NOT_ASSIGNED',
      oktaText,
      cause: `The person who signed in is not assigned to ${app}${user === null ? '' : `, and no user has the login ${user.login}`}.`,
      fix: `Assign the person who signs in to ${app} (Applications → Assignments), directly or through a group.`,
    };
  }
  return {
    code: 'USER_NOT_ASSIGNED',
    oktaText,
    cause: `${user.login} (${user.id}) is not assigned to ${app}, neither directly nor through any of their ${String(user.groupIds.length)} group${user.groupIds.length === 1 ? '' : 's'}.`,
    fix: `Assign ${user.login} to the app, or assign a group they are in (Applications → ${facts.app?.label ?? 'the app'} → Assignments).`,
    oneClickFix: { kind: 'assign-user', login: user.login },
  };
}

function policyEvaluationFailed(oktaText: string, facts: OrgFacts): Diagnosis {
  const server = facts.authServer;
  if (server === null) {
    return {
      code: 'POLICY_EVALUATION_FAILED',
      oktaText,
      cause:
        'Okta says an access policy refused the request, but it went to the org authorization server, which has none the console can read.',
      fix: "Check the app's sign-on policy (Applications → the app → Sign On → User authentication).",
    };
  }
  const clientId = facts.app?.clientId ?? facts.request.appId;
  const covering = server.policies.filter((policy) => policy.coversClient);
  const active = covering.filter((policy) => policy.status === 'ACTIVE');
  const reasons: string[] = [];
  if (covering.length === 0) {
    reasons.push(
      `none of the ${String(server.policies.length)} access polic${server.policies.length === 1 ? 'y' : 'ies'} of server "${server.id}" (${list(server.policies.map((policy) => `"${policy.name}"`))}) names client ${clientId} or ALL_CLIENTS`,
    );
  }
  for (const policy of covering) {
    if (policy.status !== 'ACTIVE') {
      reasons.push(`policy "${policy.name}" covers the client but is ${policy.status}`);
      continue;
    }
    if (policy.rules.length === 0) {
      reasons.push(`policy "${policy.name}" has no rules`);
    }
    for (const rule of policy.rules) {
      const shortfalls = [
        ...(rule.status === 'ACTIVE' ? [] : [`is ${rule.status}`]),
        ...(rule.grantTypes.includes('authorization_code')
          ? []
          : [`allows grant types ${list(rule.grantTypes)}, not authorization_code`]),
        ...(rule.scopesNotIncluded.length === 0
          ? []
          : [`does not include the scopes ${list(rule.scopesNotIncluded)}`]),
        ...(rule.coversUser === false
          ? [`does not cover ${facts.user?.login ?? 'the user'} (people/groups condition)`]
          : []),
      ];
      reasons.push(`rule "${rule.name}" of policy "${policy.name}" ${shortfalls.join(' and ')}`);
    }
  }
  // The engine's access-policy step makes a policy and rule for the client, its grant types and
  // scopes, for everyone: it fixes every shortfall but a people condition an admin chose.
  const onlyPeople = active.some((policy) =>
    policy.rules.some(
      (rule) =>
        rule.status === 'ACTIVE' &&
        rule.grantTypes.includes('authorization_code') &&
        rule.scopesNotIncluded.length === 0,
    ),
  );
  return {
    code: 'POLICY_EVALUATION_FAILED',
    oktaText,
    cause: `No access-policy rule of the authorization server "${server.id}" admits client ${clientId} for authorization_code with the scopes ${list(facts.request.requestedScopes)}: ${reasons.join('; ')}.`,
    fix: onlyPeople
      ? `Add ${facts.user?.login ?? 'the user'}, or a group of theirs, to the people condition of the rule (Security → API → Authorization Servers → ${server.id} → Access Policies).`
      : `Add an access policy for the app with a rule allowing authorization_code and the scopes ${list(facts.request.requestedScopes)} (Security → API → Authorization Servers → ${server.id} → Access Policies), or activate the one that does.`,
    ...(onlyPeople ? {} : { oneClickFix: { kind: 'allow-client-in-policy' } as const }),
  };
}

function scopeNotOnServer(oktaText: string, facts: OrgFacts): Diagnosis[] {
  const server = facts.authServer;
  const requested = facts.request.requestedScopes;
  const missing =
    server === null
      ? requested.filter((scope) => !ORG_AS_SCOPES.has(scope) && !scope.startsWith('okta.'))
      : server.missingScopes;
  if (missing.length === 0) {
    return [oktaError(oktaText, `Okta refused the scopes ${list(requested)}.`)];
  }
  return missing.map((scope) =>
    server === null
      ? {
          code: 'SCOPE_NOT_ON_SERVER',
          oktaText,
          cause: `The request asked for scope "${scope}", which the org authorization server does not have: its scopes are fixed (${[...ORG_AS_SCOPES].join(' ')}).`,
          fix: `Remove "${scope}" from the scopes the target requests, or use a custom authorization server and create the scope there.`,
        }
      : {
          code: 'SCOPE_NOT_ON_SERVER',
          oktaText,
          cause: `The request asked for scope "${scope}", which the authorization server "${server.id}" does not define (it has ${list(server.scopeNames)}).`,
          fix: `Create the scope "${scope}" on the server (Security → API → Authorization Servers → ${server.id} → Scopes), or remove it from the scopes the target requests.`,
          oneClickFix: { kind: 'add-scope', scope },
        },
  );
}

function pkceRequired(oktaText: string, facts: OrgFacts, context: DiagnosisContext): Diagnosis {
  const app = facts.app;
  const method = app?.tokenEndpointAuthMethod ?? 'unknown';
  const publicClient = method === 'none';
  const wanted = context.document?.app.pkceRequired;
  return {
    code: 'PKCE_REQUIRED',
    oktaText,
    cause: `${appName(app, facts)} has token_endpoint_auth_method ${method} and pkce_required ${String(app?.pkceRequired ?? 'unknown')}, and the authorize request carried no code_challenge.${publicClient ? ' A client without a secret must always use PKCE.' : ''}`,
    fix: publicClient
      ? 'Turn on PKCE (S256) in the target. A client with no secret cannot do without it; if the target cannot do PKCE, give the app a client secret instead (client authentication: client secret) and configure the target with it.'
      : 'Turn on PKCE (S256) in the target if it supports it — it protects the code. Otherwise clear "Require PKCE" on the app (Applications → the app → General → Client Credentials).',
    ...(publicClient || wanted === true
      ? {}
      : { oneClickFix: { kind: 'set-pkce-required', value: false } as const }),
  };
}

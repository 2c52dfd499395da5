import { OKTA_OAUTH_TEXTS, ORG_AS_SCOPES } from '../../../shared/okta/oauth-texts.ts';
import { USER_STATUS_EXPLANATIONS } from '../../../shared/preview/sign-in-event-diagnosis.ts';
import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import { lintRedirectUris } from '../../../shared/setup/uri-lint.ts';
import type { Diagnosis, OneClickFix, PreviewFailure } from '../preview-types.ts';
import type { AppFacts, OrgFacts } from './org-facts.ts';

/** What the diagnosis knows beyond the failure and the org: what the console set up. */
export interface DiagnosisContext {
  /** The setup document the preview runs for. */
  document?: SetupDocument;
  /** The callback the target sends, derived from its settings (the preset's `uris`). */
  expectedCallback?: string;
  /** The issuer the target was configured with (what the console exported). */
  configuredIssuer?: string;
  /** How the relying party authenticated at `/token`. */
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** A redirect URI that almost matches the one sent, and how it differs. */
export interface RedirectNearMiss {
  registered: string;
  kind: 'trailing slash' | 'scheme' | 'host' | 'port' | 'letter case' | 'client key';
}

/**
 * Explains a failed preview: Okta's words, the root cause naming the values, what to do, and
 * the change the console can make — most likely cause first.
 *
 * @remarks
 * Pure, so it can be tested on every failure without an org and re-run on a saved failure. It
 * keys on Okta's `error` and on the stable start of its description (Okta varies the end, e.g.
 * "PKCE code challenge is required…"), and passes Okta's text through untouched in `oktaText`.
 * One-click fixes are offered only where the plan/apply engine can make the change and where it
 * is the likely intent; otherwise the fix is said in words, pointing at the Admin Console.
 */
export function diagnose(
  failure: PreviewFailure,
  facts: OrgFacts,
  context: DiagnosisContext = {},
): Diagnosis[] {
  const inactive = userNotActive(failure, facts);
  const diagnoses =
    inactive === null
      ? primary(failure, facts, context)
      : // A sign-in Okta refused at its page ends the preview by timing out: the user's status
        // is the cause, and the generic "never sent back" would only hide it.
        [
          inactive,
          ...(failure.stage === 'timeout' || failure.stage === 'user-status'
            ? []
            : primary(failure, facts, context)),
        ];
  const origin = facts.trustedOrigin;
  if (
    origin !== null &&
    !origin.cors &&
    !diagnoses.some((diagnosis) => diagnosis.code === 'TRUSTED_ORIGIN_MISSING')
  ) {
    // Invisible to the preview (it is not a browser), certain to stop the browser app later.
    diagnoses.push(trustedOriginMissing(origin.origin, origin.exists, null));
  }
  const events = facts.systemLog;
  const first = diagnoses[0];
  if (first !== undefined && events !== null && events.length > 0) {
    first.systemLog = events;
  }
  return diagnoses;
}

/**
 * What a preview that signed in still has to say: a browser app's origin that Okta will not
 * answer with CORS.
 *
 * @remarks
 * The preview signs in from main, not from a browser page, so CORS never fails it — a green
 * preview of a single-page app would otherwise hide the first error its users meet.
 */
export function adviseAfterSuccess(trustedOrigin: OrgFacts['trustedOrigin']): Diagnosis[] {
  return trustedOrigin === null || trustedOrigin.cors
    ? []
    : [trustedOriginMissing(trustedOrigin.origin, trustedOrigin.exists, null)];
}

/** HTML page text as a person reads it: tags dropped, entities decoded, spaces collapsed. */
export function pageTextOf(html: string): string {
  return html
    .replaceAll(/<[^<>]*>/g, ' ')
    .replaceAll(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replaceAll(/\s+/g, ' ')
    .trim();
}

function appName(app: AppFacts | null, facts: OrgFacts): string {
  return app === null ? `the app ${facts.request.appId}` : `"${app.label}" (${app.id})`;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.join(', ');
}

function primary(failure: PreviewFailure, facts: OrgFacts, context: DiagnosisContext): Diagnosis[] {
  switch (failure.stage) {
    case 'authorize-page':
      return [authorizePage(pageTextOf(failure.pageText), failure.status, facts, context)];
    case 'authorize-redirect':
      return authorizeRedirect(failure.error, failure.errorDescription, facts, context);
    case 'token':
      return [tokenFailure(failure, facts, context)];
    case 'callback':
      if (failure.reason === 'iss-mismatch') {
        return [issuerMismatch(null, facts, context, issFrom(failure.detail))];
      }
      if (failure.reason === 'no-code') {
        return [oktaError(null, `The callback carried no code: ${failure.detail}`)];
      }
      return [
        {
          code: 'STATE_MISMATCH',
          oktaText: null,
          cause: `The callback's state was ${failure.reason === 'state-missing' ? 'missing' : failure.reason === 'replayed' ? 'already used' : 'not the one this preview sent'} (${failure.detail}), so the console did not exchange the code: it may not be the answer to this sign-in.`,
          fix: 'Run the preview again from the start, in one browser window. If it repeats, check that nothing between the browser and the callback (a proxy, a second tab, a bookmark of the callback URL) replays or rewrites the redirect.',
        },
      ];
    case 'discovery':
      return [discoveryFailure(failure, facts, context)];
    case 'id-token':
      if (failure.reason === 'iss') {
        const iss = failure.claims?.iss;
        return [issuerMismatch(null, facts, context, typeof iss === 'string' ? iss : null)];
      }
      return [
        {
          code: 'ID_TOKEN_INVALID',
          oktaText: null,
          cause: `The ID token failed its ${failure.reason} check: ${failure.detail}`,
          fix:
            failure.reason === 'exp' || failure.reason === 'iat'
              ? "Check this computer's clock (and the target's): ID tokens are judged by time, and a clock that is minutes off rejects them."
              : 'Run the preview again; if it repeats, the token did not come from the issuer the console expects — check the issuer and the app’s client id.',
        },
      ];
    case 'userinfo':
      if (failure.reason === 'sub-mismatch') {
        return [
          {
            code: 'USERINFO_SUB_MISMATCH',
            oktaText: null,
            cause: `userinfo answered for another subject than the ID token (${failure.detail}); OpenID Connect Core §5.3.2 says its claims must then not be used.`,
            fix: 'Run the preview again with a fresh sign-in. If it repeats, the access token sent to userinfo is not the one issued with this ID token — check for a proxy or cache in between.',
          },
        ];
      }
      return [oktaError(null, `userinfo failed: ${failure.detail}`)];
    case 'claims':
      return [groupsClaimMissing(failure.detail, facts, context)];
    case 'user-status':
      // Only reached for a status the table does not know (one Okta adds later).
      return [oktaError(`User status: ${failure.status}`, failure.detail)];
    case 'timeout':
      return [
        {
          code: 'OKTA_ERROR',
          oktaText: null,
          cause: `Okta never sent the browser back to the callback (${failure.detail}).`,
          fix: 'Finish the sign-in in the browser window the preview opened, or start it again. A sign-in that stops at an Okta page shows that page’s message there.',
        },
      ];
  }
}

/**
 * A diagnosis for a sign-in by a user Okta will not let in, or `null`: the user's status is read
 * from the org, and the System Log's reason for the refused sign-in, when there is one, is Okta's
 * text.
 */
function userNotActive(failure: PreviewFailure, facts: OrgFacts): Diagnosis | null {
  const user = facts.user;
  const status = user?.status ?? null;
  const entry = status === null ? undefined : USER_STATUS_EXPLANATIONS[status];
  if (
    user === null ||
    entry === undefined ||
    !['user-status', 'timeout', 'authorize-page', 'authorize-redirect'].includes(failure.stage)
  ) {
    return null;
  }
  const refused = facts.systemLog?.find(
    (event) => event.eventType === 'user.session.start' && event.reason !== null,
  );
  return {
    code: 'USER_NOT_ACTIVE',
    oktaText: refused?.reason ?? `User status: ${status ?? ''}`,
    cause: `${user.login} ${entry.means} (Okta's status for the user: ${status ?? ''}).`,
    fix: entry.fix(user.login),
  };
}

function oktaError(oktaText: string | null, cause: string): Diagnosis {
  return {
    code: 'OKTA_ERROR',
    oktaText,
    cause,
    fix: 'Read Okta’s message above; the console has no specific explanation for it. The System Log (Reports → System Log) has the event with its reason.',
  };
}

function authorizePage(
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

function unknownClient(oktaText: string, facts: OrgFacts): Diagnosis {
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

function authorizeRedirect(
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

function tokenFailure(
  failure: Extract<PreviewFailure, { stage: 'token' }>,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
  const said = failure.errorDescription ?? failure.errorSummary ?? null;
  if (failure.errorSummary?.startsWith(OKTA_OAUTH_TEXTS.unknownClientId) === true) {
    return unknownClient(failure.errorSummary, facts);
  }
  if (failure.error === 'invalid_client') {
    return clientAuthMismatch(said, facts, context);
  }
  if (failure.error === 'invalid_grant' && said?.startsWith('PKCE verification failed') === true) {
    return {
      code: 'PKCE_VERIFICATION_FAILED',
      oktaText: said,
      cause:
        'The code_verifier sent to /token does not hash to the code_challenge of the authorize request: the verifier was lost or mixed up between the two requests (e.g. kept in one server replica’s memory, or in a cookie that did not come back).',
      fix: 'Make the target keep the PKCE verifier with the sign-in state, in storage every replica reads (or use sticky sessions), then try again.',
    };
  }
  if (failure.error === 'invalid_grant' && said === OKTA_OAUTH_TEXTS.codeInvalid) {
    return {
      code: 'CODE_INVALID',
      oktaText: said,
      cause:
        'Okta refused the authorization code: it was already exchanged, or more than a minute passed, or it was issued by another authorization server.',
      fix: 'Sign in again: codes are single-use and short-lived. If it repeats, check that the target exchanges the code once, at the same issuer it sent the user to.',
    };
  }
  return oktaError(
    said,
    `Okta refused the token request with HTTP ${String(failure.status)}${failure.error === null ? '' : ` ${failure.error}`}.`,
  );
}

function clientAuthMismatch(
  oktaText: string | null,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
  const app = facts.app;
  const registered = app?.tokenEndpointAuthMethod ?? 'unknown';
  const used = context.clientAuthentication;
  const documented = context.document?.app.tokenEndpointAuthMethod;
  const secretMethods = new Set(['client_secret_basic', 'client_secret_post']);
  // Okta accepts basic and post alike for a confidential client; only secret vs none matters.
  const kindDiffers =
    used !== undefined && secretMethods.has(used) !== secretMethods.has(registered);
  // The org drifted from the setup (an admin's edit): restore the setup's method. Otherwise the
  // target and the app disagree: make the app take what the target sends.
  const target =
    documented !== undefined && documented !== registered
      ? documented
      : kindDiffers
        ? used
        : undefined;
  if (target !== undefined) {
    return {
      code: 'CLIENT_AUTH_MISMATCH',
      oktaText,
      cause: `${appName(app, facts)} expects token_endpoint_auth_method ${registered}, but ${used === undefined ? `the setup says ${target}` : `the target authenticated with ${used}${used === 'none' ? ' (no secret)' : ''}`}.`,
      fix: `Set the app's client authentication to ${target} (Applications → ${app?.label ?? 'the app'} → General → Client Credentials), or configure the target to authenticate with ${registered}.`,
      oneClickFix: { kind: 'set-token-endpoint-auth-method', method: target },
    };
  }
  if (oktaText === OKTA_OAUTH_TEXTS.noCredentials) {
    return {
      code: 'CLIENT_AUTH_MISMATCH',
      oktaText,
      cause: `The token request carried no client credentials, and ${appName(app, facts)} expects ${registered}.`,
      fix: `Configure the target with the app's client id and secret (Applications → ${app?.label ?? 'the app'} → General → Client Credentials).`,
    };
  }
  return {
    code: 'CLIENT_AUTH_MISMATCH',
    oktaText,
    cause: `${appName(app, facts)} authenticates with ${registered}${used === undefined ? '' : ', as the target did'}, so the secret itself was refused: it is not one of the app's active secrets (mistyped, or rotated since the target was configured).`,
    fix: `Copy the app's current client secret into the target (Applications → ${app?.label ?? 'the app'} → General → Client Credentials), or generate a new secret and configure the target with it.`,
  };
}

function orgOrCustom(issuer: string, orgUrl: string): string {
  const match = /\/oauth2\/([^/]+)$/.exec(issuer);
  const host =
    new URL(issuer).origin === new URL(orgUrl).origin ? 'the org URL' : 'a custom domain';
  return match === null
    ? `the org authorization server at ${host}`
    : `the custom server "${match[1] ?? ''}" at ${host}`;
}

function configuredIssuerOf(facts: OrgFacts, context: DiagnosisContext): string | null {
  if (context.configuredIssuer !== undefined) {
    return context.configuredIssuer;
  }
  const issuer = context.document?.issuer;
  if (issuer === undefined) {
    return null;
  }
  if (issuer.kind === 'org') {
    return facts.orgUrl;
  }
  return issuer.server.kind === 'existing' ? `${facts.orgUrl}/oauth2/${issuer.server.id}` : null;
}

function issFrom(detail: string): string | null {
  return /https?:\/\/[^\s"',)]+/.exec(detail)?.[0] ?? null;
}

function issuerMismatch(
  oktaText: string | null,
  facts: OrgFacts,
  context: DiagnosisContext,
  tokenIss: string | null,
): Diagnosis {
  const configured = configuredIssuerOf(facts, context);
  const discovered = facts.discovery?.issuer ?? null;
  const actual = tokenIss ?? discovered;
  const mode = facts.authServer?.issuerMode ?? facts.app?.issuerMode ?? 'unknown';
  const values = [
    `the target was configured with ${configured ?? '(unknown)'}${configured === null ? '' : ` (${orgOrCustom(configured, facts.orgUrl)})`}`,
    `discovery says ${discovered ?? '(not read)'}`,
    `the ID token's iss is ${tokenIss ?? '(none)'}`,
  ];
  let oneClickFix: OneClickFix | undefined;
  let fix = `Configure the target with the issuer Okta uses${actual === null ? '' : `, ${actual}`}, exactly (go-oidc and Micronaut compare it character for character).`;
  if (configured !== null && actual !== null && URL.canParse(configured) && URL.canParse(actual)) {
    const configuredServer = /\/oauth2\/([^/]+)$/.exec(configured)?.[1];
    const actualServer = /\/oauth2\/([^/]+)$/.exec(actual)?.[1];
    const sameOrigin = new URL(configured).origin === new URL(actual).origin;
    const issuerMode =
      new URL(configured).origin === new URL(facts.orgUrl).origin ? 'ORG_URL' : 'CUSTOM_URL';
    if (
      configuredServer !== actualServer &&
      (configuredServer === undefined || configuredServer === 'default')
    ) {
      oneClickFix = {
        kind: 'set-issuer',
        issuer: configuredServer === undefined ? 'org' : 'default',
        ...(sameOrigin ? {} : { issuerMode }),
      };
      fix += ` Or switch the setup to ${configuredServer === undefined ? 'the org authorization server' : 'the default custom server'}, which issues ${configured}.`;
    } else if (configuredServer === actualServer && !sameOrigin && configuredServer === undefined) {
      oneClickFix = { kind: 'set-issuer', issuer: 'org', issuerMode };
      fix += ` Or set the app's issuer mode to ${issuerMode} (Applications → the app → Sign On → Issuer), so Okta issues ${configured}.`;
    } else if (!sameOrigin) {
      fix += ` Or set the server's Issuer to ${issuerMode === 'ORG_URL' ? 'the Okta URL' : 'the custom domain URL'} (Security → API → Authorization Servers → ${actualServer ?? ''} → Settings).`;
    }
  }
  return {
    code: 'ISSUER_MISMATCH',
    oktaText,
    cause: `The issuers disagree: ${values.join('; ')}. Okta's issuer_mode here is ${mode}.`,
    fix,
    ...(oneClickFix === undefined ? {} : { oneClickFix }),
  };
}

function discoveryFailure(
  failure: Extract<PreviewFailure, { stage: 'discovery' }>,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
  if (
    failure.status === null &&
    /cors/i.test(failure.detail) &&
    facts.request.origin !== undefined
  ) {
    return trustedOriginMissing(facts.request.origin, facts.trustedOrigin?.exists ?? false, null);
  }
  const server = /\/oauth2\/([^/]+)\/\.well-known/.exec(failure.url)?.[1];
  if (failure.status === 404 && server !== undefined) {
    return {
      code: 'ISSUER_MISMATCH',
      oktaText: null,
      cause: `Discovery at ${failure.url} answered 404: this org has no authorization server "${server}"${server === 'default' ? ' — without API Access Management even default is missing' : ''}.`,
      fix: 'Use the org authorization server (its issuer is the org URL), or create the server and apply again.',
      oneClickFix: { kind: 'set-issuer', issuer: 'org' },
    };
  }
  if (failure.status === 200) {
    return issuerMismatch(null, facts, context, null);
  }
  return oktaError(
    null,
    `Discovery at ${failure.url} failed${failure.status === null ? '' : ` with HTTP ${String(failure.status)}`}: ${failure.detail}`,
  );
}

function groupsClaimMissing(detail: string, facts: OrgFacts, context: DiagnosisContext): Diagnosis {
  const server = facts.authServer;
  const name = context.document?.issuer.groupsClaim?.name ?? 'groups';
  if (server === null) {
    return {
      code: 'GROUPS_CLAIM_MISSING',
      oktaText: null,
      cause: `The ID token has no "${name}" claim (${detail}). On the org authorization server the groups claim is a setting of the app (its Sign On tab), and Okta puts it only into ID tokens asked for with the groups scope.`,
      fix: `Add the groups claim "${name}" to this setup and apply it (the console sets the app's Sign On tab), or in the Admin Console open Applications → ${facts.app?.label ?? 'the app'} → Sign On → OpenID Connect ID Token → Edit and set "Groups claim filter" to ${name}, Matches regex, .* (or a narrower filter). The target must request the groups scope as well.`,
      oneClickFix: { kind: 'add-groups-claim', name },
    };
  }
  const existing = server.claims.find(
    (claim) => claim.name === name && claim.valueType === 'GROUPS',
  );
  if (existing !== undefined) {
    return {
      code: 'GROUPS_CLAIM_MISSING',
      oktaText: null,
      cause: `The ID token has no "${name}" claim (${detail}), although the server "${server.id}" has a ${existing.status} ${existing.claimType} groups claim of that name: ${existing.status !== 'ACTIVE' ? 'it is not active' : existing.claimType !== 'IDENTITY' ? 'it goes into access tokens only' : 'its filter matches none of the user’s groups'}.`,
      fix: `Edit the claim "${name}" (Security → API → Authorization Servers → ${server.id} → Claims): make it active, include it in the ID token, and widen its filter to the user's groups.`,
    };
  }
  return {
    code: 'GROUPS_CLAIM_MISSING',
    oktaText: null,
    cause: `The ID token has no "${name}" claim (${detail}): the authorization server "${server.id}" has no groups claim (its claims: ${list(server.claims.map((claim) => claim.name))}).`,
    fix: `Add a groups claim "${name}" to the server, in the ID token, with a filter matching the groups the target reads (Security → API → Authorization Servers → ${server.id} → Claims).`,
    oneClickFix: { kind: 'add-groups-claim', name },
  };
}

function trustedOriginMissing(origin: string, exists: boolean, oktaText: string | null): Diagnosis {
  return {
    code: 'TRUSTED_ORIGIN_MISSING',
    oktaText,
    cause: exists
      ? `${origin} is a trusted origin, but without the CORS scope, so a browser app there cannot call Okta's /token.`
      : `${origin} is not a trusted origin, so a browser app there cannot call Okta's /token (the browser blocks the answer for lack of CORS).`,
    fix: `Add ${origin} as a trusted origin with CORS (Security → API → Trusted Origins).`,
    oneClickFix: { kind: 'add-trusted-origin', origin },
  };
}

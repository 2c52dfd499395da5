/**
 * Why a preview failed after the browser came back — the token request, the issuer, discovery,
 * the ID token's claims — or will fail in a browser app (a trusted origin); see `diagnose.ts`.
 */
import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import type { Diagnosis, OneClickFix, PreviewFailure } from '../preview-types.ts';
import { unknownClient } from './authorize-causes.ts';
import { appName, type DiagnosisContext, list, oktaError } from './diagnosis-wording.ts';
import type { OrgFacts } from './org-facts.ts';

export function tokenFailure(
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

export function issFrom(detail: string): string | null {
  return /https?:\/\/[^\s"',)]+/.exec(detail)?.[0] ?? null;
}

export function issuerMismatch(
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

export function discoveryFailure(
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

export function groupsClaimMissing(
  detail: string,
  facts: OrgFacts,
  context: DiagnosisContext,
): Diagnosis {
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

export function trustedOriginMissing(
  origin: string,
  exists: boolean,
  oktaText: string | null,
): Diagnosis {
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

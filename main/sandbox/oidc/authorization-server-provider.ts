import { AsyncLocalStorage } from 'node:async_hooks';
import { createPrivateKey, randomBytes } from 'node:crypto';

import Provider, {
  type AccountClaims,
  type Adapter,
  type ClientMetadata,
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import { OKTA_API_SCOPES } from '../operation-scopes.ts';
import type { SandboxAuthServer, SandboxOrg } from '../sandbox-org.ts';
import { recordOAuthAuthorize } from '../system-log.ts';
import { logClient } from './http-answers.ts';
import { hashAccessTokensIntoIdTokens } from './id-token-hashes.ts';
import type { OidcArtifactStore } from './oidc-storage.ts';
import { ID_TOKEN_EXTRAS, orgGroupsClaimNames, SCOPE_CLAIMS, userClaims } from './okta-claims.ts';
import {
  evaluateAccessPolicy,
  findClient,
  groupNamesFor,
  groupsClaimsFor,
  isAssigned,
  type OAuthClientView,
} from './okta-oauth-rules.ts';
import { refreshTokenSettingsOf } from './refresh-token-rotation.ts';

/** What the Okta layer learned about the client's authentication before `oidc-provider` runs. */
export interface OidcRequestContext {
  /** The secret the client presented, when it is one of the app's ACTIVE secrets. */
  presentedSecret?: string;
  /** How the client authenticated on this request (`none` when it sent no secret). */
  authMethodUsed?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
}

/** Per-request facts shared between the Okta layer and the provider's callbacks. */
export const oidcRequestContext = new AsyncLocalStorage<OidcRequestContext>();

/** A signing key as the sandbox keeps it: public JWK plus the private key in PEM. */
export interface SigningKey {
  kid: string;
  privateKeyPem: string;
}

function privateJwk(key: SigningKey) {
  return { ...createPrivateKey(key.privateKeyPem).export({ format: 'jwk' }), kid: key.kid };
}

/** The `oidc-provider` client metadata for an Okta app, for this request's auth method. */
function clientMetadata(view: OAuthClientView): ClientMetadata {
  const context = oidcRequestContext.getStore();
  const publicClient = view.authMethod === 'none';
  const authMethod = publicClient ? 'none' : (context?.authMethodUsed ?? view.authMethod);
  const grantTypes = view.grantTypes.filter((grant) =>
    ['authorization_code', 'refresh_token', 'implicit', 'client_credentials'].includes(grant),
  );
  const responseTypes = [
    ...(grantTypes.includes('authorization_code') ? ['code'] : []),
    ...(grantTypes.includes('implicit') ? ['id_token', 'id_token token'] : []),
  ];
  const keyClient = view.authMethod === 'private_key_jwt';
  return {
    client_id: view.clientId,
    ...(publicClient || keyClient
      ? {}
      : { client_secret: context?.presentedSecret ?? view.activeSecrets[0] ?? randomHex() }),
    // A service app's public keys (`settings.oauthClient.jwks`), which verify its assertions.
    ...(keyClient ? { jwks: { keys: view.jwks } } : {}),
    // Okta's `dpop_bound_access_tokens`: the provider then refuses a token request without a
    // DPoP proof and binds the token to the proof's key.
    ...(view.dpopBound ? { dpop_bound_access_tokens: true } : {}),
    client_name: view.label,
    application_type: view.applicationType === 'native' ? 'native' : 'web',
    redirect_uris: view.redirectUris,
    post_logout_redirect_uris: view.postLogoutRedirectUris,
    grant_types: grantTypes,
    response_types: responseTypes as ClientMetadata['response_types'],
    token_endpoint_auth_method: (authMethod === 'none' && !publicClient
      ? view.authMethod
      : authMethod) as ClientMetadata['token_endpoint_auth_method'],
    id_token_signed_response_alg: 'RS256',
    // Okta always sends auth_time in ID tokens.
    require_auth_time: true,
  };
}

function randomHex(): string {
  return randomBytes(32).toString('hex');
}

/** Where a provider is mounted and which Okta server it plays. */
export interface ProviderPlacement {
  /** The org URL, e.g. `http://127.0.0.1:4000`. */
  orgUrl: string;
  /** The custom server, or `undefined` for the org authorization server. */
  server: SandboxAuthServer | undefined;
  /** Short name used in the sign-in page URL: `org` or the server id, `.cd` for the custom domain. */
  key: string;
  /**
   * Names the cookies: the server's, whichever name it was reached by, so that a login begun by
   * one issuer variant can be resumed by the other (their artifact store is shared too).
   */
  sessionKey: string;
}

/**
 * Builds the `oidc-provider` instance for one Okta authorization server.
 *
 * @remarks
 * `oidc-provider` does the protocol (it is OpenID-certified); this configuration makes it look
 * like Okta: Okta's endpoint paths, clients read live from the org's apps on every request,
 * Okta's ID-token claims (`at_hash` included: `id-token-hashes.ts`), JWT access tokens on custom
 * servers, no consent screen for trusted
 * apps, and assignment and access-policy checks with Okta's texts whenever a user is known. The
 * checks that need no user (client, redirect URI, PKCE, scopes) run earlier, in the Okta layer,
 * because Okta answers them before showing a sign-in page.
 */
export function createAuthorizationServerProvider(options: {
  org: SandboxOrg;
  placement: ProviderPlacement;
  signingKey: SigningKey;
  store: OidcArtifactStore;
  cookieKeys: string[];
  /** Whether an origin may call this server from a browser (a CORS trusted origin). */
  isTrustedCorsOrigin: (origin: string) => boolean;
}): Provider {
  const { org, placement, store } = options;
  const server = placement.server;
  const issuer =
    server === undefined ? placement.orgUrl : `${placement.orgUrl}/oauth2/${server.id}`;
  const prefix = server === undefined ? '/oauth2/v1' : '/v1';
  const groupsClaimNames =
    server === undefined
      ? []
      : [...server.claims.values()]
          .filter((claim) => claim.valueType === 'GROUPS')
          .map((claim) => String(claim.name));

  const ClientAdapter: Adapter = {
    find: (id: string) => {
      const view = findClient(org, id);
      return Promise.resolve(!view?.active ? undefined : clientMetadata(view));
    },
    upsert: () => Promise.resolve(),
    findByUid: () => Promise.resolve(undefined),
    findByUserCode: () => Promise.resolve(undefined),
    consume: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
    revokeByGrantId: () => Promise.resolve(),
  };

  function userOf(accountId: string | undefined) {
    const user = accountId === undefined ? undefined : org.users.get(accountId);
    return user?.status === 'ACTIVE' ? user : undefined;
  }

  function requestedScopes(ctx: KoaContextWithOIDC): string[] {
    const scope = ctx.oidc.params?.scope;
    return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  }

  const policy = interactionPolicy.base();
  // Okta's apps are trusted (consent_method TRUSTED): `prompt=consent` shows no consent screen.
  // The Okta layer adds that prompt to requests for `offline_access` (authorize.ts), which the
  // provider otherwise drops (OIDC Core §11) where Okta issues the refresh token.
  policy.get('consent')?.checks.remove('consent_prompt');
  // `prompt=none` without a session: Okta's words for the `login_required` it redirects with.
  const noSession = policy.get('login')?.checks.get('no_session');
  if (noSession !== undefined) {
    noSession.description = OKTA_OAUTH_TEXTS.loginRequired;
  }
  // Okta checks assignment and access policy once it knows the user — after sign-in, and on
  // every later request that rides an existing session.
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(
      'okta_user_allowed',
      'the user may not use this client',
      (ctx: KoaContextWithOIDC) => {
        const user = userOf(ctx.oidc.session?.accountId);
        const client = ctx.oidc.client;
        if (user === undefined || client === undefined) {
          return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        }
        const view = findClient(org, client.clientId);
        // A refused `/authorize` goes to the System Log like the Okta layer's own refusals
        // (authorize.ts), with the user now known as actor.
        const refuse = (description: string) => {
          recordOAuthAuthorize(org, {
            authServer:
              server === undefined ? { kind: 'org', issuer } : { kind: 'custom', server, issuer },
            ...(view === undefined ? {} : { app: view.app }),
            clientId: client.clientId,
            user,
            outcome: 'FAILURE',
            reason: 'access_denied',
            debugData: { errorDescription: description },
            client: logClient(ctx.req, ctx.res),
          });
          return new errors.AccessDenied(description);
        };
        if (view === undefined || !isAssigned(org, view.app, user.id)) {
          throw refuse(OKTA_OAUTH_TEXTS.notAssigned);
        }
        if (
          server !== undefined &&
          evaluateAccessPolicy(org, server, {
            clientId: client.clientId,
            grantType: 'authorization_code',
            scopes: requestedScopes(ctx),
            user,
          }) === undefined
        ) {
          throw refuse(OKTA_OAUTH_TEXTS.policyFailed);
        }
        return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );

  const audience = server === undefined ? undefined : asAudience(server);

  const configuration: Configuration = {
    adapter: (name: string) => (name === 'Client' ? ClientAdapter : store.adapterFor(name)),
    jwks: { keys: [privateJwk(options.signingKey)] },
    cookies: {
      keys: options.cookieKeys,
      names: {
        session: `okta_sid_${placement.sessionKey}`,
        interaction: `okta_interaction_${placement.sessionKey}`,
        resume: `okta_resume_${placement.sessionKey}`,
      },
    },
    routes: {
      authorization: `${prefix}/authorize`,
      token: `${prefix}/token`,
      jwks: `${prefix}/keys`,
      userinfo: `${prefix}/userinfo`,
      end_session: `${prefix}/logout`,
      revocation: `${prefix}/revoke`,
      introspection: `${prefix}/introspect`,
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    pkce: {
      // The Okta layer enforces Okta's rule (required for `none` and `pkce_required`).
      required: () => false,
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', ...(server === undefined ? ['groups'] : [])],
    claims: {
      openid: ['sub', ...ID_TOKEN_EXTRAS, ...groupsClaimNames],
      ...SCOPE_CLAIMS,
      // The org server's per-app groups claims, released for the `groups` scope (okta-claims.ts).
      ...(server === undefined ? { groups: orgGroupsClaimNames(org) } : {}),
    },
    enabledJWA: {
      // RS256 too: the Okta SDK signs its DPoP proofs with the service app's RSA key.
      dPoPSigningAlgValues: ['ES256', 'RS256', 'PS256', 'Ed25519', 'EdDSA'],
    },
    features: {
      devInteractions: { enabled: false },
      // RFC 9449. Okta first answers a DPoP app's token request with `use_dpop_nonce` and a
      // `DPoP-Nonce` header (the Okta SDK expects that round), so a nonce is required of every
      // app that requires DPoP; the others never get here with a proof (token.ts drops it).
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: (ctx) => {
          const clientId = ctx.oidc.client?.clientId;
          return clientId !== undefined && findClient(org, clientId)?.dpopBound === true;
        },
      },
      // Stated rather than left to the provider's defaults (which print a notice): a client may
      // revoke or introspect only the tokens issued to it (RFC 7009 §2.1, RFC 7662 §4). Okta's
      // answer to another client's token is unverified; refusing it is the RFC's.
      introspection: {
        enabled: true,
        allowedPolicy: (ctx, _client, token) =>
          Promise.resolve(token.clientId === ctx.oidc.client?.clientId),
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => Promise.resolve(token.clientId === client.clientId),
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          // Okta ends the Okta session without asking: answer the provider's "sign out of the
          // provider too?" with yes, and submit its form at once (a button without script).
          const confirmed = form.replace(
            '</form>',
            '<input type="hidden" name="logout" value="yes"><noscript><button type="submit">Sign out</button></noscript></form>',
          );
          ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Signing out</title></head><body>${confirmed}<script>document.forms[0].submit()</script></body></html>`;
          return Promise.resolve();
        },
      },
      clientCredentials: { enabled: true },
      ...(audience === undefined
        ? {
            // The org server's client-credentials tokens are for Okta's own API: audience the
            // org URL, and only Okta API scopes (the Okta layer has checked them against the
            // app's grants, token.ts). Other grants ask for no resource, as before.
            resourceIndicators: {
              enabled: true,
              defaultResource: (ctx) =>
                ctx.oidc.params?.grant_type === 'client_credentials' ? placement.orgUrl : undefined,
              useGrantedResource: () => false,
              getResourceServerInfo: (_ctx, resource) => {
                if (resource !== placement.orgUrl) {
                  throw new errors.InvalidTarget();
                }
                return {
                  audience: placement.orgUrl,
                  accessTokenFormat: 'opaque',
                  accessTokenTTL: 3600,
                  scope: [...OKTA_API_SCOPES].join(' '),
                };
              },
            },
          }
        : {
            resourceIndicators: {
              enabled: true,
              defaultResource: () => audience,
              useGrantedResource: () => true,
              getResourceServerInfo: (_ctx, resource) => {
                if (resource !== audience) {
                  throw new errors.InvalidTarget();
                }
                return {
                  audience,
                  accessTokenFormat: 'jwt',
                  accessTokenTTL: 3600,
                  scope: [...(server?.scopes.values() ?? [])]
                    .map((scope) => String(scope.name))
                    .join(' '),
                  jwt: { sign: { alg: 'RS256' } },
                };
              },
            },
          }),
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/signin/${placement.key}/${interaction.uid}`,
    },
    // The app's `refresh_token.rotation_type` (refresh-token-rotation.ts): ROTATE issues a new
    // refresh token on every use, STATIC answers with the same one. The leeway of a rotated-out
    // token is the Okta layer's (token.ts), before the provider sees it.
    rotateRefreshToken: (ctx) => {
      const clientId = ctx.oidc.client?.clientId;
      const view = clientId === undefined ? undefined : findClient(org, clientId);
      return view !== undefined && refreshTokenSettingsOf(view.app).rotation_type === 'ROTATE';
    },
    // Okta's apps are trusted (consent_method TRUSTED): no consent screen.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (session?.accountId === undefined || client === undefined) {
        return undefined;
      }
      const existingId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant =
        (existingId === undefined ? undefined : await ctx.oidc.provider.Grant.find(existingId)) ??
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const scope = requestedScopes(ctx).join(' ');
      grant.addOIDCScope(scope);
      if (audience !== undefined) {
        grant.addResourceScope(audience, scope);
      }
      await grant.save();
      return grant;
    },
    findAccount: (ctx, id) => {
      const user = userOf(id);
      if (user === undefined) {
        return undefined;
      }
      return {
        accountId: user.id,
        claims: (use: string, scope: string) =>
          userClaims({
            org,
            server,
            user,
            use: use === 'id_token' ? 'id_token' : 'userinfo',
            scopes: scope.split(' '),
            clientId: ctx.oidc.client?.clientId,
          }) as AccountClaims,
      };
    },
    extraTokenClaims: (_ctx, token) => {
      if (server === undefined || !('accountId' in token)) {
        return undefined;
      }
      const user = userOf(token.accountId);
      const scopes = ((token as { scope?: string }).scope ?? '').split(' ');
      const extra: Record<string, unknown> = {
        ver: 1,
        cid: token.clientId,
        ...(user === undefined ? {} : { uid: user.id }),
        scp: scopes.filter(Boolean),
      };
      if (user !== undefined) {
        for (const claim of groupsClaimsFor(server, 'RESOURCE', scopes)) {
          extra[claim.name] = groupNamesFor(org, user, claim);
        }
      }
      return extra;
    },
    formats: {
      customizers: {
        jwt: (_ctx, token, jwt) => {
          // Okta's access tokens name the user by login in `sub` and list scopes in `scp`.
          const user = userOf((token as { accountId?: string }).accountId);
          if (user !== undefined) {
            jwt.payload.sub = user.profile.login;
          }
          delete jwt.payload.scope;
          delete jwt.payload.client_id;
        },
      },
    },
    clientBasedCORS: (_ctx, origin) => options.isTrustedCorsOrigin(origin),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 2 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 7 * 24 * 3600,
      // Okta's access tokens live an hour, client-credentials ones too.
      ClientCredentials: 3600,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage('400 Bad Request', out.error_description ?? out.error);
      return Promise.resolve();
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  hashAccessTokensIntoIdTokens(provider);
  return provider;
}

function asAudience(server: SandboxAuthServer): string {
  const audiences = server.record.audiences;
  return Array.isArray(audiences) && typeof audiences[0] === 'string'
    ? audiences[0]
    : `api://${server.id}`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Okta's bare HTML error page: a title and one sentence (the live markup is unverified), in the
 * system's light or dark theme like the sandbox's sign-in page.
 */
export function errorPage(title: string, sentence: string | undefined): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
  main { width: min(30rem, 90vw); padding: 2rem; border: 1px solid GrayText; border-left: 4px solid #c62828; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin-top: 0; }
</style></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${sentence === undefined ? '' : `<p id="error-summary">${escapeHtml(sentence)}</p>`}
</main>
</body>
</html>`;
}

export { escapeHtml };

import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';

import okta from '@okta/okta-sdk-nodejs';
import { importJWK, SignJWT } from 'jose';

import type { OktaSdkClient } from './sandbox-sdk.ts';

/**
 * API services apps for tests: a key pair made here (the private half stays in the test), the
 * app registered with its public half through the management API as an admin would, its Okta
 * API scopes granted and an admin role assigned; then the real SDK in `PrivateKey` mode.
 */

/** A private RSA key as a JWK with its `kid`, as the SDK's `privateKey` takes it. */
export type PrivateJwk = Record<string, unknown> & { kid: string };

/** A fresh 2048-bit RSA key pair: the private JWK, and the public one to register. */
export function newServiceKey(): { privateJwk: PrivateJwk; publicJwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

/** What {@link createServiceApp} made. */
export interface ServiceApp {
  appId: string;
  clientId: string;
  privateJwk: PrivateJwk;
}

/**
 * Registers an API services app with `private_key_jwt` and the given public key, as an admin
 * does in the Admin Console, through the admin's SSWS client: its Okta API scopes granted and
 * its admin roles assigned.
 */
export async function registerServiceApp(
  admin: OktaSdkClient,
  orgUrl: string,
  options: {
    publicJwk: object;
    label?: string;
    scopes: readonly string[];
    roles: readonly string[];
    dpop?: boolean;
  },
): Promise<{ appId: string; clientId: string }> {
  const created = (await admin.applicationApi.createApplication({
    application: {
      name: 'oidc_client',
      label: options.label ?? 'Test service app',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: {
        oauthClient: {
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
          redirect_uris: [],
          jwks: { keys: [options.publicJwk] },
          ...(options.dpop === true ? { dpop_bound_access_tokens: true } : {}),
        },
      },
    } as unknown as Parameters<
      OktaSdkClient['applicationApi']['createApplication']
    >[0]['application'],
  })) as unknown as { id: string; credentials: { oauthClient: { client_id: string } } };
  const appId = created.id;
  const clientId = created.credentials.oauthClient.client_id;
  for (const scopeId of options.scopes) {
    await admin.applicationApi.grantConsentToScope({
      appId,
      oAuth2ScopeConsentGrant: { issuer: orgUrl, scopeId },
    });
  }
  for (const role of options.roles) {
    await admin.roleAssignmentApi.assignRoleToClient({
      clientId,
      assignRoleRequest: { type: role } as never,
    });
  }
  return { appId, clientId };
}

/**
 * Creates an API services app with `private_key_jwt` and a new key, grants it `scopes` and
 * assigns it `role` (none when `null`), through the admin's SSWS client.
 */
export async function createServiceApp(
  admin: OktaSdkClient,
  orgUrl: string,
  options: { label?: string; scopes: readonly string[]; role: string | null; dpop?: boolean },
): Promise<ServiceApp> {
  const { privateJwk, publicJwk } = newServiceKey();
  const { appId, clientId } = await registerServiceApp(admin, orgUrl, {
    publicJwk,
    scopes: options.scopes,
    roles: options.role === null ? [] : [options.role],
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.dpop === undefined ? {} : { dpop: options.dpop }),
  });
  return { appId, clientId, privateJwk };
}

/** The real SDK acting as a service app: `PrivateKey` mode, client credentials for `scopes`. */
export function privateKeyClient(
  orgUrl: string,
  app: ServiceApp,
  scopes: readonly string[],
): OktaSdkClient {
  return new okta.Client({
    orgUrl,
    authorizationMode: 'PrivateKey',
    clientId: app.clientId,
    scopes: [...scopes],
    // A copy: the SDK writes `alg` into the object it is given.
    privateKey: JSON.stringify(app.privateJwk),
    keyId: app.privateJwk.kid,
    cacheMiddleware: null,
  });
}

/**
 * A client assertion (RFC 7523) for the org authorization server's token endpoint, signed with
 * the app's key, as the SDK makes one: for requests the SDK cannot be made to send.
 */
export async function clientAssertion(
  orgUrl: string,
  app: ServiceApp,
  overrides: { audience?: string } = {},
): Promise<string> {
  const key = await importJWK(app.privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: app.privateJwk.kid })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(overrides.audience ?? `${orgUrl}/oauth2/v1/token`)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .setJti(randomUUID())
    .sign(key);
}

/** Posts a client-credentials token request with a client assertion; the raw answer. */
export async function requestToken(
  orgUrl: string,
  app: ServiceApp,
  scope: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${orgUrl}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(orgUrl, app),
    }).toString(),
  });
}

/**
 * A DPoP proof (RFC 9449 §4.2) signed with the app's key, as the SDK makes one: for requests
 * the SDK cannot be made to send.
 */
export async function dpopProof(
  app: ServiceApp,
  claims: { htm: string; htu: string; nonce?: string; accessToken?: string },
): Promise<string> {
  const key = await importJWK(app.privateJwk, 'RS256');
  const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);
  const publicJwk = Object.fromEntries(
    Object.entries(app.privateJwk).filter(([name]) => !privateMembers.has(name)),
  );
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
    ...(claims.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(claims.accessToken).digest('base64url') }),
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'dpop+jwt', jwk: publicJwk })
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(key);
}

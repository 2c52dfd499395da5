import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPair,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { promisify } from 'node:util';

import type { KoaContextWithOIDC } from 'oidc-provider';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import type { SigningKey } from './authorization-server-provider.ts';
import {
  OTHER_AUDIENCE,
  OTHER_ISSUER,
  type RelyingPartyFaultStore,
  type RelyingPartyMisbehaviour,
  type RotatedKey,
  SKEW_OFFSETS_SECONDS,
} from './relying-party-faults.ts';

/**
 * The provider's answers changed the way an armed relying-party fault says: an `oidc-provider`
 * middleware that runs after the provider has answered, so everything but the one misbehaviour —
 * status, headers, the other members, the order of the parameters — stays the provider's.
 */

const generateRsaKeyPair = promisify(generateKeyPair);

type Claims = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string | undefined): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
  return isRecord(value) ? value : {};
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token. */
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** A random value of the shape `state` and `nonce` have, that no sign-in sent. */
function unsentValue(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 7638 thumbprint, the way `oidc-provider` names its keys. */
function thumbprint(jwk: { e: string; kty: string; n: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
}

/** A new RS256 key, in the shape the server's JWKS publishes its own. */
async function newSigningKey(jwksReadsBeforePublished: number): Promise<RotatedKey> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const { kty, e, n } = createPublicKey(privateKey).export({ format: 'jwk' }) as {
    kty: string;
    e: string;
    n: string;
  };
  const kid = thumbprint({ kty, e, n });
  return {
    kid,
    privateKey,
    publicJwk: { kty, use: 'sig', kid, e, n },
    jwksReadsBeforePublished,
  };
}

/** The claims as the misbehaviour has them; `undefined` when it does not change claims. */
function changedClaims(
  misbehaviour: RelyingPartyMisbehaviour,
  claims: Claims,
  accessToken: string,
): Claims | undefined {
  const now = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
  const lifetime =
    typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? claims.exp - claims.iat
      : 3600;
  const without = (name: string): Claims =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
  const { beyond, within } = SKEW_OFFSETS_SECONDS;
  const expiredAgo = (seconds: number) => ({
    ...claims,
    iat: now - seconds - lifetime,
    exp: now - seconds,
  });
  const issuedIn = (seconds: number) => ({
    ...claims,
    iat: now + seconds,
    exp: now + seconds + lifetime,
  });
  switch (misbehaviour) {
    case 'id-token-iss-wrong':
      return { ...claims, iss: OTHER_ISSUER };
    case 'id-token-aud-wrong':
      return { ...claims, aud: OTHER_AUDIENCE };
    case 'id-token-aud-missing':
      return without('aud');
    case 'id-token-aud-extra':
      return { ...without('azp'), aud: [claims.aud, OTHER_AUDIENCE] };
    case 'id-token-aud-extra-with-azp':
      return { ...claims, aud: [claims.aud, OTHER_AUDIENCE], azp: claims.aud };
    case 'id-token-azp-wrong':
      return { ...claims, azp: OTHER_AUDIENCE };
    case 'id-token-nonce-wrong':
      return { ...claims, nonce: unsentValue() };
    case 'id-token-nonce-missing':
      return without('nonce');
    case 'id-token-exp-past':
      return expiredAgo(beyond);
    case 'id-token-exp-past-within-skew':
      return expiredAgo(within);
    case 'id-token-iat-future':
      return issuedIn(beyond);
    case 'id-token-iat-future-within-skew':
      return issuedIn(within);
    case 'id-token-sub-missing':
      return without('sub');
    case 'id-token-at-hash-wrong':
      return { ...claims, at_hash: atHash(`${accessToken}.another`) };
    default:
      return undefined;
  }
}

function signRs256(header: Claims, claims: Claims, key: KeyObject): string {
  const input = `${base64urlJson(header)}.${base64urlJson(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

/** What re-signing an ID token needs besides the token. */
interface SigningContext {
  faults: RelyingPartyFaultStore;
  serverKey: string;
  realKey: KeyObject;
  accessToken: string;
  clientSecret: string | undefined;
}

/** The ID token as `misbehaviour` has it. */
async function misbehavingIdToken(
  misbehaviour: RelyingPartyMisbehaviour,
  idToken: string,
  context: SigningContext,
): Promise<string> {
  const [headerPart, claimsPart] = idToken.split('.');
  const header = decodeSegment(headerPart);
  const claims = decodeSegment(claimsPart);
  switch (misbehaviour) {
    case 'id-token-signature-broken': {
      const [signedHeader = '', signedClaims = '', signature = ''] = idToken.split('.');
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return `${signedHeader}.${signedClaims}.${bytes.toString('base64url')}`;
    }
    case 'id-token-alg-none':
      return `${base64urlJson({ alg: 'none' })}.${base64urlJson(claims)}.`;
    case 'id-token-alg-hs256': {
      const input = `${base64urlJson({ alg: 'HS256' })}.${base64urlJson(claims)}`;
      const secret = context.clientSecret ?? unsentValue();
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    }
    case 'id-token-kid-unknown':
      return signRs256(
        { ...header, kid: `unknown-${unsentValue().slice(0, 16)}` },
        claims,
        context.realKey,
      );
    case 'id-token-key-unpublished': {
      const key = await newSigningKey(0);
      return signRs256({ ...header, kid: key.kid }, claims, key.privateKey);
    }
    case 'signing-key-rotated':
    case 'signing-key-rotated-after-jwks-read': {
      const key = await newSigningKey(misbehaviour === 'signing-key-rotated' ? 0 : 1);
      context.faults.rotate(context.serverKey, key);
      return signRs256({ ...header, kid: key.kid }, claims, key.privateKey);
    }
    default: {
      const changed = changedClaims(misbehaviour, claims, context.accessToken) ?? claims;
      return signRs256(header, changed, context.realKey);
    }
  }
}

/** A new body for the answer, keeping the provider's `Content-Type` (Koa would reset it). */
function replaceBody(ctx: KoaContextWithOIDC, body: Record<string, unknown>): void {
  const type = ctx.response.get('Content-Type');
  ctx.body = body;
  if (type !== '') {
    ctx.set('Content-Type', type);
  }
}

/** The redirect back's parameters as `misbehaviour` has them. */
function misbehavingAuthorizationResponse(
  misbehaviour: RelyingPartyMisbehaviour,
  params: URLSearchParams,
): URLSearchParams {
  const changed = new URLSearchParams(params);
  const error = (iss: string | null) => {
    // Okta's error redirect: error, its description, then state (and here iss).
    const answer = new URLSearchParams({
      error: 'access_denied',
      error_description: OKTA_OAUTH_TEXTS.notAssigned,
    });
    const state = params.get('state');
    if (state !== null) {
      answer.set('state', state);
    }
    if (iss !== null) {
      answer.set('iss', iss);
    }
    return answer;
  };
  switch (misbehaviour) {
    case 'authorization-response-iss-wrong':
      changed.set('iss', OTHER_ISSUER);
      return changed;
    case 'authorization-response-iss-missing':
      changed.delete('iss');
      return changed;
    case 'authorization-response-state-changed':
      changed.set('state', unsentValue());
      return changed;
    case 'authorization-response-state-missing':
      changed.delete('state');
      return changed;
    case 'authorization-response-error':
      return error(params.get('iss'));
    case 'authorization-response-error-iss-wrong':
      return error(OTHER_ISSUER);
    default:
      return changed;
  }
}

/**
 * The middleware for one authorization server's provider.
 *
 * @remarks
 * It does nothing while the store is idle, so a sandbox without faults answers byte for byte as
 * before. An ID token is changed after the provider issued it and signed again with the server's
 * own key (`signingKey`), so only the misbehaviour differs from a real answer; a rotation keeps
 * its new key in the store, whose JWKS answers then publish it beside the server's own.
 */
export function misbehavingResponses(options: {
  faults: RelyingPartyFaultStore;
  /** `'org'` or the custom server's id: a rotation is per server, whatever name reached it. */
  serverKey: string;
  signingKey: SigningKey;
}) {
  const { faults, serverKey } = options;
  let realKey: KeyObject | undefined;

  async function changeTokenResponse(ctx: KoaContextWithOIDC): Promise<void> {
    const body: unknown = ctx.body;
    if (ctx.status !== 200 || !isRecord(body) || typeof body.id_token !== 'string') {
      return;
    }
    const client = ctx.oidc.client;
    const fault = faults.take('token-response', client?.clientId);
    if (fault === undefined) {
      return;
    }
    realKey ??= createPrivateKey(options.signingKey.privateKeyPem);
    const idToken = await misbehavingIdToken(fault.misbehaviour, body.id_token, {
      faults,
      serverKey,
      realKey,
      accessToken: typeof body.access_token === 'string' ? body.access_token : '',
      clientSecret: client?.clientSecret,
    });
    replaceBody(ctx, { ...body, id_token: idToken });
  }

  function changeAuthorizationResponse(ctx: KoaContextWithOIDC): void {
    const location = ctx.response.get('Location');
    const client = ctx.oidc.client;
    if (ctx.status < 300 || ctx.status >= 400 || location === '' || client === undefined) {
      return;
    }
    // The redirect to the sign-in page is relative; only an absolute one can be the app's.
    const target = URL.parse(location);
    if (target === null) {
      return;
    }
    const redirectUri = `${target.origin}${target.pathname}`;
    const toTheApp = (client.redirectUris ?? []).some((uri) => {
      const registered = new URL(uri);
      return `${registered.origin}${registered.pathname}` === redirectUri;
    });
    // Only the answer that carries a code: not the sign-in page, not an error already.
    if (!toTheApp || !target.searchParams.has('code')) {
      return;
    }
    const fault = faults.take('authorization-response', client.clientId);
    if (fault === undefined) {
      return;
    }
    target.search = misbehavingAuthorizationResponse(
      fault.misbehaviour,
      target.searchParams,
    ).toString();
    ctx.redirect(target.toString());
  }

  function changeDiscovery(ctx: KoaContextWithOIDC): void {
    const body: unknown = ctx.body;
    if (
      ctx.status !== 200 ||
      !isRecord(body) ||
      faults.take('discovery', undefined) === undefined
    ) {
      return;
    }
    // The one discovery misbehaviour: PKCE offered without S256 (RFC 9700 §4.8's downgrade).
    replaceBody(ctx, { ...body, code_challenge_methods_supported: ['plain'] });
  }

  function changeJwks(ctx: KoaContextWithOIDC): void {
    const body: unknown = ctx.body;
    const rotated = faults.rotatedKey(serverKey);
    if (
      rotated === undefined ||
      ctx.status !== 200 ||
      !isRecord(body) ||
      !Array.isArray(body.keys)
    ) {
      return;
    }
    if (rotated.jwksReadsBeforePublished > 0) {
      rotated.jwksReadsBeforePublished -= 1;
      return;
    }
    replaceBody(ctx, { ...body, keys: [rotated.publicJwk, ...(body.keys as unknown[])] });
  }

  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    await next();
    if (faults.isIdle()) {
      return;
    }
    // `oidc` exists only on the provider's own routes.
    const route = (ctx as Partial<KoaContextWithOIDC>).oidc?.route;
    if (route === 'token') {
      await changeTokenResponse(ctx);
    } else if (route === 'authorization' || route === 'resume') {
      changeAuthorizationResponse(ctx);
    } else if (route === 'discovery') {
      changeDiscovery(ctx);
    } else if (route === 'jwks') {
      changeJwks(ctx);
    }
  };
}

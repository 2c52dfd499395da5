import { createHash } from 'node:crypto';

import { AuthSdkError, type IDToken, type OktaAuth } from '@okta/okta-auth-js';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';

import type { Discovery } from './flow-checks.ts';
import { type IdTokenReason, OutOfTime, shown, Stop } from './flow-stop.ts';
import { type Answer, isRecord, parseJson } from './recorded-http.ts';

/** A JWKS key auth-js and the flow may use to check an RS256 signature. */
export function isSigningKey(key: unknown): key is JWK {
  return (
    isRecord(key) &&
    key.kty === 'RSA' &&
    (key.use === undefined || key.use === 'sig') &&
    (key.alg === undefined || key.alg === 'RS256')
  );
}

/** OIDC Core 3.1.3.6: base64url of the left half of SHA-256 of the access token. */
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** auth-js's ID-token complaints (`verifyToken.ts`, `validateClaims.ts`), as failure reasons. */
const AUTH_JS_REASONS: [RegExp, IdTokenReason][] = [
  [/nonce/i, 'nonce'],
  [/^The issuer/i, 'iss'],
  [/^The audience/i, 'aud'],
  [/expired before it was issued/i, 'iat'],
  [/expired/i, 'exp'],
  [/issued in the future/i, 'iat'],
  [/key id/i, 'kid'],
  [/signature/i, 'signature'],
  [/hash/i, 'at_hash'],
];

/** What verifying one ID token needs: the run's auth-js, its JWKS and what was asked. */
export interface IdTokenVerification {
  auth: OktaAuth;
  discovery: Discovery;
  clientId: string;
  scopes: string[];
  /** Audiences besides the client id the ID token may carry. */
  trustedAudiences?: string[];
  idToken: string;
  accessToken: string;
  nonce: string;
  /** The last answer of the JWKS endpoint, so an unreadable key set is said as such. */
  lastKeysAnswer: () => Answer | undefined;
  /** Whether auth-js's keys are the download made before the token arrived. */
  keysWereEarly: () => boolean;
  /** The JWKS as it is after the token, for a token without `kid`. */
  downloadKeys: () => Promise<Answer>;
}

/**
 * The ID token's header and claims once every check passed; an `id-token` failure naming the
 * first one that did not.
 *
 * @remarks
 * The checks auth-js lacks run first (RS256 only, `sub`, `iat`, `exp`, trusted audiences, `azp`),
 * then auth-js's own (signature, `iss`, `aud`, `nonce`, lifetime within `maxClockSkew`,
 * `at_hash`), with one more JWKS download for a `kid` the first one lacked. A token without
 * `kid` is one auth-js cannot look up, so its signature is checked here against the JWKS's single
 * signing key (RP certification: accept).
 */
export async function verifyIdToken(
  input: IdTokenVerification,
): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const { discovery, clientId } = input;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(input.idToken);
    claims = decodeJwt(input.idToken);
  } catch {
    throw new Stop({
      stage: 'id-token',
      reason: 'signature',
      detail: 'The id_token is not a signed JWT.',
    });
  }
  const fail = (reason: IdTokenReason, detail: string): never => {
    throw new Stop({ stage: 'id-token', reason, detail, claims });
  };
  checkClaimsAuthJsLacks(header, claims, input, fail);
  const idTokenObject: IDToken = {
    idToken: input.idToken,
    claims: claims as IDToken['claims'],
    issuer: discovery.issuer,
    clientId,
    authorizeUrl: discovery.authorization_endpoint,
    scopes: input.scopes,
    expiresAt: Number(claims.exp),
  };
  const validation = {
    clientId,
    issuer: discovery.issuer,
    nonce: input.nonce,
    accessToken: input.accessToken,
  };
  try {
    if (typeof header.kid === 'string') {
      await verifyWithOneMoreKeyDownload(input, idTokenObject, validation);
    } else {
      // No kid: auth-js can only look keys up by kid. Its claim checks still run; the signature
      // is checked here against the JWKS's one signing key (RP certification: accept).
      await input.auth.token.verify(idTokenObject, { ...validation, ignoreSignature: true });
      await verifyWithSingleKey(input, fail);
      if (typeof claims.at_hash === 'string' && claims.at_hash !== atHash(input.accessToken)) {
        fail('at_hash', 'The ID token at_hash does not match the access token.');
      }
    }
  } catch (error) {
    if (error instanceof Stop || error instanceof OutOfTime) {
      throw error;
    }
    const keys = input.lastKeysAnswer();
    if (!(error instanceof AuthSdkError) && keys !== undefined && keys.status !== 200) {
      fail(
        'signature',
        `The signing keys could not be read (${discovery.jwks_uri} answered HTTP ${String(keys.status)}), so the ID token cannot be verified.`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    const reason = AUTH_JS_REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'signature';
    fail(reason, message);
  }
  return { header, claims };
}

/** auth-js's words when the JWKS it downloaded holds no key with the token's `kid`. */
const KID_NOT_FOUND = /^The key id, .*, was not found in the server's keys$/;

/**
 * auth-js's verification, with the JWKS downloaded once more when the first download after the
 * token lacks the token's `kid` — and never a third time.
 *
 * @remarks
 * OIDC Core §10.1.1: an OP rotates its key by signing with a new `kid`, and an RP that does not
 * know that `kid` goes back to `jwks_uri` for it. auth-js goes back only when it held keys
 * before; each preview starts with none, so auth-js's first download is its last, and a key
 * published just after it (a JWKS served from a cache that has not caught up) would be refused.
 * The next call finds that download in auth-js's cache, misses the `kid` in it, and downloads
 * once more; a `kid` still missing is refused as unknown.
 *
 * The keys downloaded while the admin signed in are what any RP holds from before: a `kid` they
 * lack sends the verification to `jwks_uri` as above, for a first download after the token and
 * one more — so a key rotated during the sign-in is accepted exactly as before, bounded still.
 */
async function verifyWithOneMoreKeyDownload(
  input: Pick<IdTokenVerification, 'auth' | 'keysWereEarly'>,
  idToken: IDToken,
  validation: Parameters<OktaAuth['token']['verify']>[1],
): Promise<void> {
  // One more download after the first one after the token; keys read before it are not that one.
  // At most three verifications, whatever auth-js's cache does: never a loop an OP can drive.
  let downloadsLeft = 1;
  let earlyKeysPassed = false;
  for (;;) {
    try {
      await input.auth.token.verify(idToken, validation);
      return;
    } catch (error) {
      if (!(error instanceof AuthSdkError) || !KID_NOT_FOUND.test(error.message)) {
        throw error;
      }
      if (input.keysWereEarly() && !earlyKeysPassed) {
        earlyKeysPassed = true;
        continue;
      }
      if (downloadsLeft === 0) {
        throw error;
      }
      downloadsLeft -= 1;
    }
  }
}

/** security.md §3's checks that auth-js does not make, in the order they are reported. */
function checkClaimsAuthJsLacks(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  input: Pick<IdTokenVerification, 'clientId' | 'trustedAudiences'>,
  fail: (reason: IdTokenReason, detail: string) => never,
): void {
  const { clientId } = input;
  if (header.alg !== 'RS256') {
    fail(
      'alg',
      `The ID token is signed with ${JSON.stringify(header.alg)}; only RS256 is accepted.`,
    );
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    fail('sub', 'The ID token has no sub (subject) claim.');
  }
  if (typeof claims.iat !== 'number') {
    fail('iat', 'The ID token has no iat (issued at) claim.');
  }
  if (typeof claims.exp !== 'number') {
    fail('exp', 'The ID token has no exp (expiry) claim.');
  }
  const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
  if (!audiences.includes(clientId)) {
    fail('aud', `The ID token's audience is ${shown(claims.aud)}, not the client id ${clientId}.`);
  }
  const trusted = new Set([clientId, ...(input.trustedAudiences ?? [])]);
  const untrusted = audiences.filter((audience) => !trusted.has(audience as string));
  if (untrusted.length > 0) {
    fail(
      'aud',
      `The ID token is also meant for ${JSON.stringify(untrusted)}, which is not trusted.`,
    );
  }
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== clientId) {
    fail(
      'azp',
      `The ID token has several audiences but its azp is ${shown(claims.azp)}, not ${clientId}.`,
    );
  }
}

/**
 * A token without `kid` checked against the JWKS's one signing key, read after the token: with no
 * `kid`, a key rotated during the sign-in could not be told from a wrong signature.
 */
async function verifyWithSingleKey(
  input: Pick<IdTokenVerification, 'downloadKeys' | 'discovery' | 'idToken'>,
  fail: (reason: 'kid' | 'signature', detail: string) => never,
): Promise<void> {
  const answer = await input.downloadKeys();
  const jwks = parseJson(answer.text);
  if (answer.status !== 200 || !isRecord(jwks) || !Array.isArray(jwks.keys)) {
    fail(
      'signature',
      `The signing keys could not be read (${input.discovery.jwks_uri} answered HTTP ${String(answer.status)}), so the ID token cannot be verified.`,
    );
    return;
  }
  const keys = jwks.keys.filter(isSigningKey);
  const [key] = keys;
  if (key === undefined || keys.length !== 1) {
    fail(
      'kid',
      `The ID token names no key (kid) and the JWKS has ${String(keys.length)} RS256 signing keys, so the key cannot be chosen.`,
    );
  }
  try {
    await compactVerify(input.idToken, await importJWK(key, 'RS256'), {
      algorithms: ['RS256'],
    });
  } catch {
    fail('signature', 'The token signature is not valid');
  }
}

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
} from 'node:crypto';

import { AppError } from '../../shared/errors.ts';

/**
 * The key pair a service app signs its client assertions with (`private_key_jwt`).
 *
 * @remarks
 * RSA 2048 with RS256: the key type and algorithm every Okta org accepts for `private_key_jwt`
 * and for DPoP proofs. The pair is made in main; the private half, as a JWK in JSON, goes straight
 * to the keychain and is handed only to the SDK, never to the renderer, a file or a log.
 */

/** A public key as a JWK, ready to paste into an app's "Public keys" in the Admin Console. */
export interface PublicJwk {
  kty: string;
  kid: string;
  use: 'sig';
  alg: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** A new key pair: the private key (JWK JSON, for the keychain only) and its public JWK. */
export interface ServiceAppKey {
  keyId: string;
  /** Secret: the private JWK as JSON. */
  privateKey: string;
  publicJwk: PublicJwk;
}

/** Makes a new RSA 2048 key pair with a random `kid`. */
export function generateServiceAppKey(): ServiceAppKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomUUID();
  const publicJwk: PublicJwk = {
    ...(publicKey.export({ format: 'jwk' }) as { kty: string }),
    kid: keyId,
    use: 'sig',
    alg: 'RS256',
  };
  return {
    keyId,
    privateKey: JSON.stringify({
      ...privateKey.export({ format: 'jwk' }),
      kid: keyId,
      alg: 'RS256',
    }),
    publicJwk,
  };
}

function unusableKey(source: string, cause?: unknown): AppError {
  return new AppError(
    {
      code: 'TOKEN_INVALID',
      message: `${source} does not hold a private key the console can sign with: it must be an RSA or EC (P-256) private key, as a PEM block or a private JWK.`,
      hint: 'Use the private key whose public half is registered on the API services app (Applications › the app › General › Public keys).',
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Reads a private key given as a PEM block or a private JWK (JSON), as CI passes one in
 * `SSO_CONSOLE_PRIVATE_KEY_FILE`: its public JWK (with `kid`) and the key text for the SDK.
 *
 * @remarks
 * A PEM has no `kid`: the `kid` is then the RFC 7638 thumbprint, which is what Okta shows for a
 * key registered without one. A JWK's own `kid` wins, and `keyIdOverride` (`SSO_CONSOLE_KEY_ID`)
 * over both, for a key registered under another id. The error names `source`, never the key.
 */
export function readPrivateKey(
  text: string,
  source: string,
  keyIdOverride?: string,
): { keyId: string; privateKey: string; publicJwk: PublicJwk } {
  const trimmed = text.trim();
  let jwk: Record<string, unknown> | undefined;
  if (trimmed.startsWith('{')) {
    try {
      jwk = JSON.parse(trimmed) as Record<string, unknown>;
    } catch (error) {
      throw unusableKey(source, error);
    }
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key =
      jwk === undefined ? createPrivateKey(trimmed) : createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    throw unusableKey(source);
  }
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type !== 'rsa' && !(type === 'ec' && curve === 'prime256v1')) {
    throw unusableKey(source);
  }
  const alg = type === 'rsa' ? 'RS256' : 'ES256';
  const publicPart = createPublicKey(key).export({ format: 'jwk' }) as Record<string, string>;
  const keyId =
    keyIdOverride !== undefined && keyIdOverride !== ''
      ? keyIdOverride
      : typeof jwk?.kid === 'string' && jwk.kid !== ''
        ? jwk.kid
        : thumbprint(publicPart);
  const privateJwk = { ...(key.export({ format: 'jwk' }) as object), kid: keyId, alg };
  return {
    keyId,
    privateKey: JSON.stringify(privateJwk),
    publicJwk: { ...(publicPart as unknown as { kty: string }), kid: keyId, use: 'sig', alg },
  };
}

/** The RFC 7638 thumbprint of a public JWK, base64url. */
function thumbprint(publicJwk: Record<string, string>): string {
  const members =
    publicJwk.kty === 'RSA'
      ? { e: publicJwk.e, kty: 'RSA', n: publicJwk.n }
      : { crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x, y: publicJwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

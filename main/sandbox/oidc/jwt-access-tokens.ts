import { createPublicKey } from 'node:crypto';

import { jwtVerify } from 'jose';

import type { SandboxAuthServer } from '../sandbox-org.ts';
import type { OidcContext } from './context.ts';

/**
 * The claims of a custom server's JWT access token when its signature, issuer and lifetime
 * hold. `oidc-provider` does not store JWT access tokens, so the sandbox checks them the way a
 * resource server would (on the org's clock; either issuer name counts), and the callers add its
 * own list of revoked ids.
 */
export async function verifiedAccessToken(
  context: OidcContext,
  server: SandboxAuthServer,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const key = createPublicKey({ key: server.signingKey.privateKeyPem, format: 'pem' });
    const { payload } = await jwtVerify(token, key, {
      issuer: [context.orgUrl(), context.customDomainUrl()].map(
        (base) => `${base}/oauth2/${server.id}`,
      ),
      currentDate: context.org.clock(),
    });
    return payload;
  } catch {
    return undefined;
  }
}

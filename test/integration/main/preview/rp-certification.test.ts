import { afterEach, describe, expect, it } from 'vitest';

import { diagnose } from '../../../../main/preview/diagnosis/diagnose.ts';
import type { OrgFacts } from '../../../../main/preview/diagnosis/org-facts.ts';
import {
  type PreviewOptions,
  type PreviewResult,
  runPreview,
  type TokenEndpointAuthMethod,
} from '../../../../main/preview/preview-flow.ts';
import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';
import { type Misbehaviour, startStubOp, type StubOp } from '../../../support/stub-op.ts';

/**
 * OpenID RP certification (Basic RP, security.md §4) and the further negative checks, one stub
 * OP per case that misbehaves in exactly one way; each asserts acceptance or the exact reason.
 */

let op: StubOp | undefined;
afterEach(async () => {
  await op?.close();
  op = undefined;
});

/** A browser that the stub OP auto-approves: follows its redirects to the loopback listener. */
async function browse(url: string, redirectUri: string): Promise<void> {
  let location = url;
  while (!location.startsWith(redirectUri)) {
    const response = await fetch(location, { redirect: 'manual' });
    const next = response.headers.get('location');
    if (next === null) {
      throw new Error(`The stub OP answered ${String(response.status)} without a redirect.`);
    }
    location = new URL(next, location).toString();
  }
  await fetch(location);
}

async function run(
  misbehaviour: Misbehaviour,
  method: TokenEndpointAuthMethod = 'client_secret_basic',
  extra: Partial<PreviewOptions> = {},
): Promise<PreviewResult> {
  op = await startStubOp(misbehaviour);
  const listener = await listenForCallback({ redirectUri: 'http://127.0.0.1:0/callback' });
  try {
    return await runPreview(
      {
        fetch,
        openBrowser: (url) => browse(url, listener.redirectUri),
        receiveCallback: (state) => listener.callbackFor(state),
        now: Date.now,
      },
      {
        issuer: op.issuer,
        clientId: op.clientId,
        clientSecret: op.clientSecret,
        tokenEndpointAuthMethod: method,
        redirectUri: listener.redirectUri,
        scopes: ['openid', 'email'],
        timeoutMs: 10_000,
        ...extra,
      },
    );
  } finally {
    await listener.close();
  }
}

describe('rp-response_type-code and rp-userinfo-bearer-header', () => {
  it('signs in, verifies the ID token and reads userinfo with a Bearer header only', async () => {
    const result = await run('none');
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.userinfo).toEqual({ sub: 'user-1', email: 'ada@example.com' });
    expect(op?.userinfoRequests).toEqual([{ scheme: 'Bearer', queryKeys: [] }]);
    expect(op?.counts.jwks).toBe(1);
    expect(JSON.stringify(result)).not.toContain(op?.clientSecret);
  });
});

describe('rp-token_endpoint-client_secret_basic', () => {
  it('is accepted when the app is configured for client_secret_basic (id and secret form-encoded)', async () => {
    const result = await run('basic-required', 'client_secret_basic');
    expect(result.failure).toBeUndefined();
  });

  it('is refused by the OP when the app is configured for client_secret_post', async () => {
    const result = await run('basic-required', 'client_secret_post');
    expect(result.failure).toEqual({
      stage: 'token',
      status: 401,
      error: 'invalid_client',
      errorDescription: 'Client authentication failed.',
      errorSummary: null,
    });
  });
});

describe('rp-id_token-kid-absent-single-jwks', () => {
  it('accepts a token without kid when the JWKS has a single RS256 signing key', async () => {
    const result = await run('kid-absent');
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
  });
});

describe('ID-token rejections', () => {
  it.each([
    ['nonce-invalid', 'nonce'],
    ['aud-wrong', 'aud'],
    ['aud-missing', 'aud'],
    ['aud-extra', 'aud'],
    ['alg-none', 'alg'],
    ['alg-hs256', 'alg'],
    ['iss-mismatch', 'iss'],
    ['bad-signature', 'signature'],
    ['iat-missing', 'iat'],
    ['sub-missing', 'sub'],
    ['exp-past', 'exp'],
    ['unknown-kid', 'kid'],
    ['jwks-enc-only', 'kid'],
    ['jwks-5xx', 'signature'],
    ['no-id-token', 'missing'],
    ['token-type', 'token-type'],
  ] as const)('%s → %s', async (misbehaviour, reason) => {
    const result = await run(misbehaviour);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ stage: 'id-token', reason });
    expect(result.userinfo).toBeUndefined();
    expect(op?.counts.userinfo).toBe(0);
  });

  it('fails closed on a JWKS 5xx, naming the status', async () => {
    const result = await run('jwks-5xx');
    expect(result.failure).toHaveProperty('detail', expect.stringContaining('HTTP 503'));
  });

  it('checks azp when every extra audience is trusted', async () => {
    const result = await run('aud-extra', 'client_secret_basic', {
      trustedAudiences: ['another-client'],
    });
    expect(result.failure).toMatchObject({ stage: 'id-token', reason: 'azp' });
  });
});

describe('rp-userinfo-bad-sub-claim', () => {
  it('rejects the userinfo response whose sub differs from the ID token', async () => {
    const result = await run('userinfo-sub');
    expect(result.failure).toMatchObject({ stage: 'userinfo', reason: 'sub-mismatch' });
    expect(result.userinfo).toBeUndefined();
    expect(result.idToken?.claims.sub).toBe('user-1');
  });
});

describe('S256 not advertised', () => {
  it('aborts before the authorize request', async () => {
    const result = await run('no-s256');
    expect(result.failure).toMatchObject({ stage: 'discovery' });
    expect(result.failure).toHaveProperty('detail', expect.stringContaining('S256'));
    expect(op?.counts.authorize).toBe(0);
    expect(result.timeline.map((entry) => entry.step)).toEqual(['discovery']);
  });
});

/** What the diagnosis reads from an org, empty: the stub OP is no Okta org to ask. */
function noOrgFacts(): OrgFacts {
  return {
    orgUrl: op?.issuer ?? '',
    request: {
      appId: op?.clientId ?? '',
      redirectUri: 'http://127.0.0.1/callback',
      requestedScopes: ['openid', 'email'],
      origin: undefined,
    },
    app: null,
    user: null,
    authServer: null,
    trustedOrigin: null,
    discovery: {
      url: `${op?.issuer ?? ''}/.well-known/openid-configuration`,
      status: 200,
      issuer: op?.issuer ?? null,
    },
    systemLog: null,
  };
}

describe('the diagnosis of an OP that misbehaves', () => {
  it.each([
    ['bad-signature', 'signature'],
    ['nonce-invalid', 'nonce'],
    ['aud-wrong', 'aud'],
    ['alg-hs256', 'alg'],
    ['unknown-kid', 'kid'],
  ] as const)('%s → ID_TOKEN_INVALID (%s)', async (misbehaviour, reason) => {
    const result = await run(misbehaviour);
    if (result.failure === undefined) {
      throw new Error('The preview accepted the ID token.');
    }
    const [diagnosis] = diagnose(result.failure, noOrgFacts(), {
      configuredIssuer: op?.issuer ?? '',
    });
    expect(diagnosis).toMatchObject({ code: 'ID_TOKEN_INVALID', oktaText: null });
    expect(diagnosis?.cause).toContain(`failed its ${reason} check`);
    expect(diagnosis?.oneClickFix).toBeUndefined();
  });

  it('an expired ID token points at the clock', async () => {
    const result = await run('exp-past');
    const [diagnosis] = diagnose(result.failure ?? never(), noOrgFacts());
    expect(diagnosis).toMatchObject({ code: 'ID_TOKEN_INVALID' });
    expect(diagnosis?.fix).toContain('clock');
  });

  it('userinfo for another subject → USERINFO_SUB_MISMATCH', async () => {
    const result = await run('userinfo-sub');
    const [diagnosis] = diagnose(result.failure ?? never(), noOrgFacts());
    expect(diagnosis).toMatchObject({ code: 'USERINFO_SUB_MISMATCH', oktaText: null });
    expect(diagnosis?.cause).toContain('OpenID Connect Core §5.3.2');
    expect(diagnosis?.oneClickFix).toBeUndefined();
  });
});

function never(): never {
  throw new Error('The preview did not fail.');
}

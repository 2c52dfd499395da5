import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  type PreviewOptions,
  type PreviewResult,
  runPreview,
} from '../../../../main/preview/preview-flow.ts';
import {
  OTHER_AUDIENCE,
  type RelyingPartyMisbehaviour,
  SKEW_OFFSETS_SECONDS,
} from '../../../../main/sandbox/oidc/relying-party-faults.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';
import { OKTA_OAUTH_TEXTS } from '../../../../shared/okta/oauth-texts.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import {
  clearOidcFaults,
  injectOidcFault,
  listOidcFaults,
} from '../../../support/sandbox-control.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The login preview as a relying party, rule by rule (README "The preview as a relying party:
 * rules and tests"): each test runs the real preview against the sandbox org whose OIDC side
 * (the certified `oidc-provider`) is told, through `/__sandbox/oidc-faults`, to misbehave in
 * exactly one way — and asserts the exact refusal, or the acceptance where the rule allows a
 * range. The name of each test is the rule's, as the README's table cites it.
 */

let sandbox: RunningSandbox;
let app: OidcAppUnderTest;

beforeAll(async () => {
  sandbox = await startSandbox();
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'RP rules',
    applicationType: 'web',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUri: `http://127.0.0.1:${String(await freePort())}/callback`,
  });
});
afterEach(async () => {
  await clearOidcFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
});

/** Delivers a URL to the loopback listener as the browser would; answers the listener's status. */
async function land(url: URL): Promise<number> {
  const page = await fetch(url, { redirect: 'manual' });
  await page.text();
  return page.status;
}

interface RunOptions {
  trustedAudiences?: string[];
  /** How the redirect back reaches the preview: on the loopback listener (default), or pasted. */
  delivery?: 'loopback' | 'pasted';
  /**
   * What the browser does with the redirect back (default: lands on the listener once); given
   * the `state` the sign-in sent, as the authorize URL carries it.
   */
  browse?: (back: URL, sentState: string, landings: number[]) => Promise<void>;
}

interface Run {
  result: PreviewResult;
  /** The steps of the timeline, in order. */
  steps: string[];
  /** The loopback listener's answers to what the browser landed on it. */
  landings: number[];
}

/** One preview of the app against the org server, with `misbehaviour` armed for it. */
async function previewWith(
  misbehaviour: RelyingPartyMisbehaviour | undefined,
  options: RunOptions = {},
): Promise<Run> {
  if (misbehaviour !== undefined) {
    await injectOidcFault(sandbox.orgUrl, sandbox.apiToken, {
      misbehaviour,
      ...(misbehaviour.startsWith('discovery-') ? {} : { clientId: app.clientId }),
    });
  }
  const listener = await listenForCallback({ redirectUri: app.redirectUri });
  const landings: number[] = [];
  let deliverPasted: (url: URL) => void = () => undefined;
  const pasted = new Promise<URL>((resolve) => {
    deliverPasted = resolve;
  });
  const settings: PreviewOptions = {
    issuer: sandbox.orgUrl,
    clientId: app.clientId,
    clientSecret: app.clientSecret ?? '',
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUri: listener.redirectUri,
    scopes: ['openid', 'profile', 'email'],
    timeoutMs: 10_000,
    ...(options.trustedAudiences === undefined
      ? {}
      : { trustedAudiences: options.trustedAudiences }),
  };
  try {
    const result = await runPreview(
      {
        fetch,
        openBrowser: async (authorizeUrl) => {
          const back = await oidcHttp(sandbox.orgUrl, listener.redirectUri).signInAt(
            authorizeUrl,
            app.user,
          );
          if (options.delivery === 'pasted') {
            deliverPasted(back);
            return;
          }
          const sentState = new URL(authorizeUrl).searchParams.get('state') ?? '';
          await (options.browse ?? (async () => void landings.push(await land(back))))(
            back,
            sentState,
            landings,
          );
        },
        receiveCallback: (state) =>
          options.delivery === 'pasted' ? pasted : listener.callbackFor(state),
        now: Date.now,
      },
      settings,
    );
    // Exactly one misbehaviour, and it happened: the fault was used up by this run.
    expect((await listOidcFaults(sandbox.orgUrl, sandbox.apiToken)).faults).toEqual([]);
    return { result, steps: result.timeline.map((entry) => entry.step), landings };
  } finally {
    await listener.close();
  }
}

/** The preview refused the ID token and used none of the tokens afterwards. */
function expectIdTokenRefused(run: Run, reason: string): void {
  expect(run.result.ok).toBe(false);
  expect(run.result.failure).toMatchObject({ stage: 'id-token', reason });
  expect(run.steps).not.toContain('userinfo');
  expect(run.result.userinfo).toBeUndefined();
  expect(run.result.session).toBeUndefined();
}

/** The preview refused the redirect back before asking for any token. */
function expectNoTokenRequest(run: Run): void {
  // The signing keys are downloaded while the user signs in, before any callback.
  expect(run.steps).toEqual(['discovery', 'authorize', 'keys', 'callback']);
  expect(run.result.session).toBeUndefined();
}

function expectAccepted(run: Run): void {
  expect(run.result.failure).toBeUndefined();
  expect(run.result.ok).toBe(true);
  expect(run.result.userinfo).toMatchObject({ sub: app.user.id });
}

/**
 * The JWKS downloads after the token response: the one made while the user signed in is the
 * keys an RP holds from before, and §10.1.1 is about going back for a `kid` they lack.
 */
function keysDownloadsAfterToken(run: Run): number {
  expect(run.steps.slice(0, run.steps.indexOf('callback'))).toContain('keys');
  return run.steps.slice(run.steps.indexOf('token')).filter((step) => step === 'keys').length;
}

describe('the sandbox without a fault', () => {
  it('signs in: its ID token passes every rule below', async () => {
    const run = await previewWith(undefined);
    expectAccepted(run);
    expect(run.steps).toEqual(['discovery', 'authorize', 'keys', 'callback', 'token', 'userinfo']);
  });
});

describe('OpenID Connect Core §3.1.3.7: ID token validation', () => {
  it.each([
    ['OIDC Core 3.1.3.7 rule 2: iss must equal the issuer', 'id-token-iss-wrong', 'iss'],
    ['OIDC Core 3.1.3.7 rule 3: aud must contain the client id', 'id-token-aud-wrong', 'aud'],
    ['OIDC Core 3.1.3.7 rule 3: an ID token without aud is refused', 'id-token-aud-missing', 'aud'],
    [
      'OIDC Core 3.1.3.7 rule 3: an audience the client does not trust is refused, azp or not',
      'id-token-aud-extra-with-azp',
      'aud',
    ],
    [
      'OIDC Core 3.1.3.7 rule 5: azp, when present, must be the client id',
      'id-token-azp-wrong',
      'azp',
    ],
    [
      "OIDC Core 3.1.3.7 rule 6: the signature must verify with the issuer's key",
      'id-token-signature-broken',
      'signature',
    ],
    ['OIDC Core 3.1.3.7 rule 7: alg none is refused', 'id-token-alg-none', 'alg'],
    [
      'OIDC Core 3.1.3.7 rule 8: a MAC (HS256 keyed with the client secret) is refused: the app expects RS256',
      'id-token-alg-hs256',
      'alg',
    ],
    [
      'OIDC Core 3.1.3.7 rule 9: exp further in the past than the clock skew is refused',
      'id-token-exp-past',
      'exp',
    ],
    [
      'OIDC Core 3.1.3.7 rule 10: iat further in the future than the clock skew is refused',
      'id-token-iat-future',
      'iat',
    ],
    ['OIDC Core 3.1.3.7 rule 11: nonce must be the one sent', 'id-token-nonce-wrong', 'nonce'],
    [
      'OIDC Core 3.1.3.7 rule 11: an ID token without the nonce sent is refused',
      'id-token-nonce-missing',
      'nonce',
    ],
    ['OIDC Core 2: sub is required', 'id-token-sub-missing', 'sub'],
  ] as const)('%s', async (_rule, misbehaviour, reason) => {
    expectIdTokenRefused(await previewWith(misbehaviour), reason);
  });

  it('OIDC Core 3.1.3.7 rule 4: several audiences, all trusted, need an azp', async () => {
    const run = await previewWith('id-token-aud-extra', { trustedAudiences: [OTHER_AUDIENCE] });
    expectIdTokenRefused(run, 'azp');
  });

  it('OIDC Core 3.1.3.7 rules 3–5 (accepted): an extra audience the client trusts, with azp the client id', async () => {
    const run = await previewWith('id-token-aud-extra-with-azp', {
      trustedAudiences: [OTHER_AUDIENCE],
    });
    expectAccepted(run);
    expect(run.result.idToken?.claims).toMatchObject({
      aud: [app.clientId, OTHER_AUDIENCE],
      azp: app.clientId,
    });
  });

  it('OIDC Core 3.1.3.7 rule 9 (accepted): exp in the past by less than the clock skew', async () => {
    const run = await previewWith('id-token-exp-past-within-skew');
    expectAccepted(run);
    const exp = Number(run.result.idToken?.claims.exp);
    expect(exp).toBeLessThan(Date.now() / 1000);
    expect(exp).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('OIDC Core 3.1.3.7 rule 10 (accepted): iat in the future by less than the clock skew', async () => {
    const run = await previewWith('id-token-iat-future-within-skew');
    expectAccepted(run);
    const iat = Number(run.result.idToken?.claims.iat);
    expect(iat).toBeGreaterThan(Date.now() / 1000 + SKEW_OFFSETS_SECONDS.within - 10);
  });
});

describe('OpenID Connect Core §3.1.3.8: access token validation', () => {
  it('OIDC Core 3.1.3.8: at_hash must match the access token', async () => {
    expectIdTokenRefused(await previewWith('id-token-at-hash-wrong'), 'at_hash');
  });

  it('OIDC Core 3.1.3.8 (accepted): an at_hash that matches the access token', async () => {
    // No fault: the sandbox, like Okta, puts the access token's at_hash in every ID token.
    const run = await previewWith(undefined);
    expectAccepted(run);
    expect(run.result.idToken?.claims.at_hash).toEqual(expect.any(String));
  });
});

describe('OpenID Connect Core §10.1.1: signing key rotation', () => {
  it('OIDC Core 10.1.1: a rotated signing key is read from the JWKS and accepted', async () => {
    const run = await previewWith('signing-key-rotated');
    expectAccepted(run);
    const { rotatedKeys } = await listOidcFaults(sandbox.orgUrl, sandbox.apiToken);
    expect(run.result.idToken?.header.kid).toBe(rotatedKeys[0]?.kid);
    // The keys read during the sign-in lack the new kid: one download after the token has it.
    expect(keysDownloadsAfterToken(run)).toBe(1);
  });

  it('OIDC Core 10.1.1: a key rotated after the JWKS was read is accepted after exactly one more download', async () => {
    const run = await previewWith('signing-key-rotated-after-jwks-read');
    expectAccepted(run);
    expect(keysDownloadsAfterToken(run)).toBe(2);
  });

  it('OIDC Core 10.1.1: a key the JWKS never publishes is refused after exactly one more download', async () => {
    const run = await previewWith('id-token-key-unpublished');
    expectIdTokenRefused(run, 'kid');
    expect(keysDownloadsAfterToken(run)).toBe(2);
  });

  it('OIDC Core 10.1.1: a kid the JWKS does not hold is refused after exactly one more download', async () => {
    const run = await previewWith('id-token-kid-unknown');
    expectIdTokenRefused(run, 'kid');
    expect(keysDownloadsAfterToken(run)).toBe(2);
  });
});

describe('RFC 9207 and RFC 6749 §4.1.2: the authorization response', () => {
  it('RFC 9207 §2.4 / RFC 9700 §4.4 (mix-up): an iss other than the issuer is refused before any token request', async () => {
    const run = await previewWith('authorization-response-iss-wrong');
    expect(run.result.failure).toMatchObject({ stage: 'callback', reason: 'iss-mismatch' });
    expectNoTokenRequest(run);
  });

  it('RFC 9207 §2.4: a missing iss is refused when discovery advertises authorization_response_iss_parameter_supported', async () => {
    const run = await previewWith('authorization-response-iss-missing');
    expect(run.result.failure).toMatchObject({ stage: 'callback', reason: 'iss-mismatch' });
    expect(run.result.failure).toHaveProperty('detail', expect.stringContaining('sent none'));
    expectNoTokenRequest(run);
  });

  it("RFC 9207 §2.4: an error naming another issuer is refused as a mix-up, not shown as the issuer's", async () => {
    const run = await previewWith('authorization-response-error-iss-wrong');
    expect(run.result.failure).toMatchObject({ stage: 'callback', reason: 'iss-mismatch' });
    expectNoTokenRequest(run);
  });

  it("RFC 6749 §4.1.2.1: an error response is shown in the issuer's words, with no token request", async () => {
    const run = await previewWith('authorization-response-error');
    expect(run.result.failure).toEqual({
      stage: 'authorize-redirect',
      error: 'access_denied',
      errorDescription: OKTA_OAUTH_TEXTS.notAssigned,
    });
    expectNoTokenRequest(run);
  });
});

describe('RFC 9700 §4: attacks a client defends against', () => {
  it.each([
    ['changed', 'authorization-response-state-changed', 'state-mismatch'],
    ['missing', 'authorization-response-state-missing', 'state-missing'],
  ] as const)(
    'RFC 9700 §4.7 (CSRF): a %s state in a pasted address is refused before any token request',
    async (_kind, misbehaviour, reason) => {
      const run = await previewWith(misbehaviour, { delivery: 'pasted' });
      expect(run.result.failure).toMatchObject({ stage: 'callback', reason });
      expectNoTokenRequest(run);
    },
  );

  it.each([
    ['changed', 'authorization-response-state-changed'],
    ['missing', 'authorization-response-state-missing'],
  ] as const)(
    'RFC 9700 §4.7 (CSRF): the loopback listener answers a %s state with an error page and waits for the real callback',
    async (_kind, misbehaviour) => {
      const run = await previewWith(misbehaviour, {
        browse: async (back, sentState, landings) => {
          landings.push(await land(back));
          const real = new URL(back);
          real.searchParams.set('state', sentState);
          landings.push(await land(real));
        },
      });
      expect(run.landings).toEqual([400, 200]);
      expectAccepted(run);
      expect(run.steps.filter((step) => step === 'callback')).toHaveLength(1);
    },
  );

  it('RFC 9700 §4.8 (PKCE downgrade): discovery without S256 stops the preview before the authorize request', async () => {
    const run = await previewWith('discovery-without-s256');
    expect(run.result.failure).toMatchObject({ stage: 'discovery' });
    expect(run.result.failure).toHaveProperty('detail', expect.stringContaining('S256'));
    expect(run.steps).toEqual(['discovery']);
  });

  it("RFC 9700 §4.5 (code injection): a code issued to another PKCE challenge fails at the token endpoint, with the preview's verifier", async () => {
    const run = await previewWith(undefined, {
      browse: async (back, _sentState, landings) => {
        // An attacker's own authorization of the same app: its code, bound to its challenge.
        const attacker = oidcHttp(sandbox.orgUrl, app.redirectUri);
        const { challenge } = attacker.pkce();
        const theirs = await attacker.signIn(
          `${sandbox.orgUrl}/oauth2`,
          app,
          attacker.codeParams(app, { code_challenge: challenge, code_challenge_method: 'S256' }),
        );
        const injected = new URL(back);
        injected.searchParams.set('code', theirs.searchParams.get('code') ?? '');
        landings.push(await land(injected));
      },
    });
    expect(run.result.failure).toMatchObject({
      stage: 'token',
      status: 400,
      error: 'invalid_grant',
      errorDescription: OKTA_OAUTH_TEXTS.pkceVerificationFailed,
    });
    expect(run.steps).toEqual(['discovery', 'authorize', 'keys', 'callback', 'token']);
  });
});

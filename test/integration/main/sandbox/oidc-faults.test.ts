import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
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
 * `/__sandbox/oidc-faults` over HTTP: what it accepts, and that an armed fault changes its own
 * answer and nothing else — the sandbox's OIDC answers stay byte for byte what they were
 * without it. What each misbehaviour does to a relying party is `preview/rp-rules.test.ts`'s.
 */
let sandbox: RunningSandbox;
let app: OidcAppUnderTest;

beforeAll(async () => {
  sandbox = await startSandbox();
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'OIDC faults',
    applicationType: 'web',
    redirectUri: `http://127.0.0.1:${String(await freePort())}/callback`,
  });
});
afterEach(async () => {
  await clearOidcFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
});

async function control(method: string, body?: unknown, token = sandbox.apiToken) {
  const response = await fetch(`${sandbox.orgUrl}/__sandbox/oidc-faults`, {
    method,
    headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** An answer as a client receives it: status, content type and the exact bytes. */
async function answer(path: string) {
  const response = await fetch(`${sandbox.orgUrl}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

describe('the control route', () => {
  it('refuses a bad body with what is wrong and the shape expected, and callers without the admin token', async () => {
    const refused = await control('POST', { misbehaviour: 'id-token-all-wrong' });
    expect(refused.status).toBe(400);
    const body = refused.body as { error: string; message: string; expected: string };
    expect(body.error).toBe('invalid_oidc_fault');
    expect(body.message).toContain('"misbehaviour" must be one of');
    expect(body.message).toContain('not "id-token-all-wrong"');
    expect(body.expected).toContain('misbehaviour');
    expect((await control('GET', undefined, 'not-the-token')).status).toBe(401);
  });

  it('arms, lists and disarms; GET names every misbehaviour', async () => {
    expect(
      await control('POST', { misbehaviour: 'id-token-nonce-wrong', clientId: app.clientId }),
    ).toEqual({ status: 201, body: { id: 1, misbehaviour: 'id-token-nonce-wrong', faults: 1 } });
    const listed = await listOidcFaults(sandbox.orgUrl, sandbox.apiToken);
    expect(listed.faults).toEqual([
      { id: 1, misbehaviour: 'id-token-nonce-wrong', clientId: app.clientId, remaining: 1 },
    ]);
    expect(listed.misbehaviours['signing-key-rotated']).toContain('token-response:');
    expect((await control('DELETE')).status).toBe(204);
    expect((await listOidcFaults(sandbox.orgUrl, sandbox.apiToken)).faults).toEqual([]);
  });
});

describe('what a fault changes', () => {
  it('changes only its own answer: discovery and the JWKS stay byte for byte', async () => {
    const discovery = await answer('/.well-known/openid-configuration');
    const keys = await answer('/oauth2/v1/keys');
    await injectOidcFault(sandbox.orgUrl, sandbox.apiToken, { misbehaviour: 'id-token-iss-wrong' });
    expect(await answer('/.well-known/openid-configuration')).toEqual(discovery);
    expect(await answer('/oauth2/v1/keys')).toEqual(keys);
  });

  it('discovery-without-s256 changes code_challenge_methods_supported and nothing else', async () => {
    const before = await answer('/.well-known/openid-configuration');
    await injectOidcFault(sandbox.orgUrl, sandbox.apiToken, {
      misbehaviour: 'discovery-without-s256',
    });
    const changed = await answer('/.well-known/openid-configuration');
    expect(changed.type).toBe(before.type);
    expect(JSON.parse(changed.text)).toEqual({
      ...(JSON.parse(before.text) as object),
      code_challenge_methods_supported: ['plain'],
    });
    // Used up: the next read is the real one again.
    expect(await answer('/.well-known/openid-configuration')).toEqual(before);
  });

  it('a rotation publishes the new key beside the old one until DELETE restores the JWKS', async () => {
    const keys = await answer('/oauth2/v1/keys');
    await injectOidcFault(sandbox.orgUrl, sandbox.apiToken, {
      misbehaviour: 'signing-key-rotated',
    });
    const http = oidcHttp(sandbox.orgUrl, app.redirectUri);
    const { verifier, challenge } = http.pkce();
    const back = await http.signIn(
      `${sandbox.orgUrl}/oauth2`,
      app,
      http.codeParams(app, { code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    const token = await http.token(
      `${sandbox.orgUrl}/oauth2`,
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: app.redirectUri,
        code_verifier: verifier,
      },
      http.basic(app),
    );
    // Okta's token response, member for member; only the ID token's key is new.
    expect(Object.keys(token.body)).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'scope',
      'token_type',
    ]);
    const [header = ''] = String(token.body.id_token).split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const rotated = await answer('/oauth2/v1/keys');
    expect(rotated.type).toBe(keys.type);
    const published = (JSON.parse(rotated.text) as { keys: { kid: string }[] }).keys;
    const original = (JSON.parse(keys.text) as { keys: { kid: string }[] }).keys;
    expect(published.map((key) => key.kid)).toEqual([kid, ...original.map((key) => key.kid)]);
    await clearOidcFaults(sandbox.orgUrl, sandbox.apiToken);
    expect(await answer('/oauth2/v1/keys')).toEqual(keys);
  });
});

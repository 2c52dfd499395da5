import { describe, expect, it } from 'vitest';

import {
  scopesNotAllowed,
  ServiceAppTokenError,
  toOktaAppError,
} from '../../../../main/okta/okta-errors.ts';
import { oktaScopesNotAllowed } from '../../../../shared/okta/oauth-texts.ts';

const ORG = 'https://dev-1.okta.com';

function refusal(httpStatus: number, error: string | undefined, description?: string) {
  return new ServiceAppTokenError({
    httpStatus,
    url: `${ORG}/oauth2/v1/token`,
    error,
    description,
  });
}

function explain(error: unknown, token = 'PRIVATE-KEY-JSON') {
  return toOktaAppError(error, {
    orgUrl: ORG,
    token,
    action: 'listing the apps',
    clientId: '0oaService',
  });
}

describe('scopesNotAllowed', () => {
  it('reads the scopes Okta names in its invalid_scope answer', () => {
    // Okta's sentence, as the sandbox says it.
    expect(scopesNotAllowed(oktaScopesNotAllowed(['okta.users.manage', 'okta.logs.read']))).toEqual(
      ['okta.users.manage', 'okta.logs.read'],
    );
    expect(scopesNotAllowed('No scopes were requested.')).toEqual([]);
    expect(scopesNotAllowed(undefined)).toEqual([]);
  });
});

describe('toOktaAppError on a refused service-app token request', () => {
  it('names the scopes to grant, and where', () => {
    const explained = explain(
      refusal(400, 'invalid_scope', 'The following scopes are not allowed: okta.users.manage'),
    );
    expect(explained.code).toBe('PERMISSION_DENIED');
    expect(explained.message).toBe(
      'Okta would not give the service app 0oaService an access token while listing the apps: the scope okta.users.manage is not granted to it (HTTP 400 invalid_scope: “The following scopes are not allowed: okta.users.manage”).',
    );
    expect(explained.hint).toMatch(/^Grant okta\.users\.manage \(Admin Console → /);
  });

  it('says a wrong client id or key is the app’s sign-in, not an API token', () => {
    const explained = explain(refusal(401, 'invalid_client', 'Invalid value for client_id'));
    expect(explained.code).toBe('TOKEN_INVALID');
    expect(explained.message).toContain('did not accept the service app 0oaService');
    expect(explained.message).not.toContain('API token');
    expect(explained.hint).toContain('public key');
  });

  it('explains an app that may not use client credentials, and a refused DPoP proof', () => {
    expect(explain(refusal(400, 'unauthorized_client', 'x')).hint).toContain('API Services app');
    expect(explain(refusal(400, 'invalid_dpop_proof', 'x')).message).toContain('DPoP proof');
  });

  it('never repeats the key it signed with', () => {
    const key = '{"kty":"RSA","d":"secret-d"}';
    const explained = explain(refusal(400, 'invalid_request', `bad ${key}`), key);
    expect(`${explained.message} ${explained.hint}`).not.toContain('secret-d');
  });

  it('tells a failing org from a refused request', () => {
    expect(explain(refusal(503, undefined)).code).toBe('OKTA_ERROR');
  });
});

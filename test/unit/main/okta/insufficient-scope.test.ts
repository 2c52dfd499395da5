import { describe, expect, it } from 'vitest';

import { parseBearerChallenge, toOktaAppError } from '../../../../main/okta/okta-errors.ts';

const ORG = 'https://dev-1.okta.com';
const context = { orgUrl: ORG, action: 'creating the test user' };

/** Okta's answer to a call whose access token lacks the scope (okta-behaviours.md §10, §13). */
function refused(url: string, challenge: string | null) {
  return Object.assign(
    new Error('Okta HTTP 403 E0000006 You do not have permission to perform the requested action'),
    {
      name: 'OktaApiError',
      status: 403,
      errorCode: 'E0000006',
      errorSummary: 'You do not have permission to perform the requested action',
      errorId: 'oaeScope',
      url,
      headers: new Headers(challenge === null ? {} : { 'www-authenticate': challenge }),
    },
  );
}

const challengeFor = (scope: string, resource: string) =>
  `Bearer authorization_uri="${ORG}/oauth2/v1/authorize", realm="${ORG}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${resource}"`;

describe('parseBearerChallenge', () => {
  it('reads every auth-param, quoted or not, commas inside quotes included', () => {
    expect(
      parseBearerChallenge('Bearer realm="a, b", error=insufficient_scope, scope="okta.apps.read"'),
    ).toEqual({ realm: 'a, b', error: 'insufficient_scope', scope: 'okta.apps.read' });
  });

  it('reads nothing from another scheme', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toEqual({});
    expect(parseBearerChallenge('')).toEqual({});
  });
});

describe('toOktaAppError on a missing scope', () => {
  it('names the scope Okta names, the operation, and where to grant it', () => {
    const error = toOktaAppError(
      refused(
        `${ORG}/api/v1/users?activate=true`,
        challengeFor('okta.users.manage', '/api/v1/users'),
      ),
      { ...context, operationId: 'createUser' },
    );
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('lacks the scope okta.users.manage, which createUser needs');
    expect(error.message).toContain(
      'The access token provided does not contain the required scopes.',
    );
    expect(error.message).toContain('insufficient_scope');
    expect(error.message).toContain('oaeScope');
    expect(error.hint).toContain('Grant okta.users.manage');
    expect(error.hint).toContain(
      'Applications → Applications → the service app → Okta API Scopes → Grant',
    );
    expect(error.field).toBeUndefined();
  });

  it('takes the scope from the catalogue when Okta’s challenge names none', () => {
    const error = toOktaAppError(
      refused(`${ORG}/api/v1/apps/0oa1/credentials/secrets`, 'Bearer error="insufficient_scope"'),
      { ...context, action: 'issuing a client secret', operationId: 'createOAuth2ClientSecret' },
    );
    expect(error.message).toContain(
      'lacks the scope okta.apps.manage, which createOAuth2ClientSecret needs',
    );
    expect(error.hint).toContain('Grant okta.apps.manage');
  });

  it('finds the operation from the URL when the caller does not name it', () => {
    const error = toOktaAppError(
      refused(`${ORG}/api/v1/logs?since=x`, 'Bearer error="insufficient_scope"'),
      { ...context, action: 'reading the System Log' },
    );
    expect(error.message).toContain('lacks the scope okta.logs.read, which listLogEvents needs');
  });

  it('names every candidate when the path alone is ambiguous', () => {
    const error = toOktaAppError(
      refused(`${ORG}/api/v1/apps/0oa1`, 'Bearer error="insufficient_scope"'),
      { ...context, action: 'reading the app' },
    );
    expect(error.message).toContain('one of the scopes okta.apps.read, okta.apps.manage');
  });

  it('keeps the role diagnosis for a 403 without insufficient_scope', () => {
    const error = toOktaAppError(refused(`${ORG}/api/v1/users`, null), context);
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).not.toContain('insufficient_scope');
    expect(error.field).toBe('apiToken');
  });
});

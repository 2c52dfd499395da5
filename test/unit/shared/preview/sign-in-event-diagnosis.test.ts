import { describe, expect, it } from 'vitest';

import { OKTA_OAUTH_TEXTS } from '../../../../shared/okta/oauth-texts.ts';
import {
  diagnoseSignInEvent,
  type SignInLogEvent,
  USER_STATUS_EXPLANATIONS,
} from '../../../../shared/preview/sign-in-event-diagnosis.ts';

const failure = (eventType: string, reason: string, extra: Partial<SignInLogEvent> = {}) => ({
  eventType,
  outcome: { result: 'FAILURE', reason },
  login: 'ada@example.com',
  ...extra,
});

describe('diagnoseSignInEvent', () => {
  it.each([
    ['user.session.start', 'INVALID_CREDENTIALS', {}, 'INVALID_CREDENTIALS'],
    ['user.session.start', 'VERIFICATION_ERROR', {}, 'UNKNOWN_USER'],
    ['user.session.start', 'LOCKED_OUT', {}, 'USER_NOT_ACTIVE'],
    ['user.session.start', 'USER_NOT_ACTIVE', {}, 'USER_NOT_ACTIVE'],
    ['user.session.start', 'SOMETHING_NEW', {}, 'OKTA_ERROR'],
    ['user.account.lock', 'LOCKED_OUT', {}, 'USER_NOT_ACTIVE'],
    ['app.oauth2.authorize', 'illegal_redirect_uri', {}, 'REDIRECT_URI_NOT_REGISTERED'],
    ['app.oauth2.as.authorize', 'illegal_redirect_uri_enhanced', {}, 'REDIRECT_URI_NOT_REGISTERED'],
    ['app.oauth2.authorize', 'invalid_client', {}, 'UNKNOWN_CLIENT'],
    ['app.oauth2.authorize', 'app_inactive', {}, 'APP_INACTIVE'],
    [
      'app.oauth2.authorize',
      'access_denied',
      { errorDescription: OKTA_OAUTH_TEXTS.notAssigned },
      'USER_NOT_ASSIGNED',
    ],
    [
      'app.oauth2.as.authorize',
      'access_denied',
      { errorDescription: OKTA_OAUTH_TEXTS.policyFailed },
      'POLICY_EVALUATION_FAILED',
    ],
    [
      'app.oauth2.authorize',
      'access_denied',
      { errorDescription: OKTA_OAUTH_TEXTS.openidScopeRequired },
      'OKTA_ERROR',
    ],
    ['app.oauth2.as.authorize', 'invalid_scope', {}, 'SCOPE_NOT_ON_SERVER'],
    [
      'app.oauth2.authorize',
      'invalid_request',
      { errorDescription: OKTA_OAUTH_TEXTS.pkceRequiredByApp },
      'PKCE_REQUIRED',
    ],
    ['app.oauth2.token.grant', 'invalid_client', {}, 'CLIENT_AUTH_MISMATCH'],
    ['app.oauth2.as.token.grant', 'invalid_grant', {}, 'CODE_INVALID'],
    ['app.oauth2.token.grant', 'invalid_refresh_token', {}, 'OKTA_ERROR'],
  ])('%s %s %o → %s', (eventType, reason, debugData, code) => {
    expect(diagnoseSignInEvent(failure(eventType, reason, { debugData }))?.code).toBe(code);
  });

  it('says nothing about a success', () => {
    expect(
      diagnoseSignInEvent({ eventType: 'user.authentication.sso', outcome: { result: 'SUCCESS' } }),
    ).toBeNull();
  });

  it('explains a lock-out with the same words as the preview', () => {
    const diagnosis = diagnoseSignInEvent(failure('user.session.start', 'LOCKED_OUT'));
    const locked = USER_STATUS_EXPLANATIONS.LOCKED_OUT;
    expect(diagnosis).toEqual({
      code: 'USER_NOT_ACTIVE',
      oktaText: 'LOCKED_OUT',
      cause: `ada@example.com ${locked?.means ?? ''} (Okta's status for the user: LOCKED_OUT).`,
      fix: locked?.fix('ada@example.com'),
    });
  });

  it('names the user, Okta’s text and the redirect URI', () => {
    expect(diagnoseSignInEvent(failure('user.session.start', 'INVALID_CREDENTIALS'))?.cause).toBe(
      "ada@example.com typed a wrong password. Under Okta's default password policy the 10th wrong password in a row locks the account.",
    );
    const refused = diagnoseSignInEvent(
      failure('app.oauth2.authorize', 'access_denied', {
        debugData: { errorDescription: OKTA_OAUTH_TEXTS.notAssigned },
      }),
    );
    expect(refused?.oktaText).toBe(OKTA_OAUTH_TEXTS.notAssigned);
    expect(refused?.fix).toContain('Assign ada@example.com');
    expect(
      diagnoseSignInEvent(
        failure('app.oauth2.authorize', 'illegal_redirect_uri', {
          debugData: { redirectUri: 'https://app.example/cb/' },
        }),
      )?.cause,
    ).toContain('https://app.example/cb/');
  });
});

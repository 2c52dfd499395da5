import { describe, expect, it } from 'vitest';

import { notEditableReason, signOnModeName } from '../../../../shared/okta/sign-on-modes.ts';

describe('notEditableReason', () => {
  it('lets the console edit only custom OIDC apps', () => {
    expect(notEditableReason('OPENID_CONNECT', 'oidc_client')).toBeNull();
  });

  it.each([
    ['OPENID_CONNECT', 'saasure', /^An Okta or OIN catalog app \(saasure\)/],
    ['OPENID_CONNECT', 'okta_enduser', /^An Okta or OIN catalog app \(okta_enduser\)/],
    ['SAML_2_0', 'acme_grafana_1', /^A SAML 2\.0 app: the console sets up OIDC sign-in only/],
    ['AUTO_LOGIN', 'acme_payroll_1', /^A SWA app:/],
    ['BOOKMARK', 'bookmark', /^A bookmark app only links to a URL/],
  ])('refuses %s %s, saying why', (signOnMode, name, reason) => {
    expect(notEditableReason(signOnMode, name)).toMatch(reason);
  });

  it('refuses an API services app, which signs no one in', () => {
    expect(notEditableReason('OPENID_CONNECT', 'oidc_client', 'service')).toMatch(
      /^An API services app: it gets tokens for itself \(client credentials\)/,
    );
    expect(notEditableReason('OPENID_CONNECT', 'oidc_client', 'web')).toBeNull();
  });

  it('names a mode Okta adds later by itself', () => {
    expect(signOnModeName('FUTURE_MODE')).toBe('FUTURE_MODE');
  });
});

import { describe, expect, it } from 'vitest';

import {
  connectedOrgOrigins,
  isAllowedNavigation,
  isSafeExternalUrl,
} from '../../../../main/windows/navigation-policy.ts';

const APP = 'app://console';

describe('isAllowedNavigation (Electron checklist #13)', () => {
  it.each([
    ['app://console/index.html', true],
    ['app://console/', true],
    ['https://console.attacker.com', false],
    ['app://console.evil/index.html', false],
    ['app://evil@console/index.html', false],
    ['app://console@evil/index.html', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['file:///etc/passwd', false],
    ['https://okta.com@evil.example/', false],
    ['not a url', false],
    ['about:blank', false],
  ])('%s → %s', (url, expected) => {
    expect(isAllowedNavigation(url, APP)).toBe(expected);
  });
});

describe('isSafeExternalUrl (Electron checklist #15)', () => {
  const allowed = ['https://dev-1.okta.com', 'https://developer.okta.com'];
  it.each([
    ['https://dev-1.okta.com/admin/apps', true],
    ['https://developer.okta.com/docs/', true],
    ['http://dev-1.okta.com/', false],
    ['https://evil.example/', false],
    ['https://dev-1.okta.com.evil.example/', false],
    ['https://user@dev-1.okta.com/', false],
    ['file:///C:/Windows/system32/calc.exe', false],
    ['smb://evil.example/share', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['javascript:alert(1)', false],
    ['sso-console://callback', false],
    ['https://dev-1.оkta.com/', false],
  ])('%s → %s', (url, expected) => {
    expect(isSafeExternalUrl(url, allowed)).toBe(expected);
  });
});

describe('connectedOrgOrigins', () => {
  it('allows each https org and its Admin Console, and plain http only for a loopback sandbox', () => {
    const origins = connectedOrgOrigins([
      'https://dev-1.okta.com',
      'https://login.example.com',
      'http://127.0.0.1:4000',
      'http://okta.example.com',
    ]);
    expect(origins).toEqual([
      'https://dev-1.okta.com',
      'https://dev-1-admin.okta.com',
      'https://login.example.com',
      'http://127.0.0.1:4000',
    ]);
    // The sandbox's sign-in page opens in the system browser; an http look-alike does not.
    expect(isSafeExternalUrl('http://127.0.0.1:4000/oauth2/v1/authorize?x=1', origins)).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:4001/', origins)).toBe(false);
    expect(isSafeExternalUrl('http://okta.example.com/', ['http://okta.example.com'])).toBe(false);
    expect(
      isSafeExternalUrl(
        'https://dev-1-admin.okta.com/admin/app/oidc_client/instance/0oa1/#tab-general',
        origins,
      ),
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';

import {
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

import { describe, expect, it } from 'vitest';

import {
  adminConsoleUrl,
  isLoopbackHostname,
  parseOrgUrl,
} from '../../../../shared/okta/org-url.ts';

describe('parseOrgUrl', () => {
  it.each([
    ['https://dev-123456.okta.com', 'https://dev-123456.okta.com', false],
    ['  https://Dev-123456.OKTA.com/  ', 'https://dev-123456.okta.com', false],
    ['dev-123456.okta.com', 'https://dev-123456.okta.com', false],
    ['https://login.example.com:8443', 'https://login.example.com:8443', false],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000', true],
    ['http://localhost:4000/', 'http://localhost:4000', true],
    ['http://[::1]:4000', 'http://[::1]:4000', true],
  ])('accepts %s as %s', (input, orgUrl, isLoopback) => {
    expect(parseOrgUrl(input)).toEqual({ ok: true, value: { orgUrl, isLoopback } });
  });

  it.each([
    ['', 'ORG_URL_MALFORMED'],
    ['https://', 'ORG_URL_MALFORMED'],
    ['https://exa mple.com', 'ORG_URL_MALFORMED'],
    ['https://dev-1.okta.com/ x', 'ORG_URL_MALFORMED'],
    ['ftp://dev-1.okta.com', 'ORG_URL_MALFORMED'],
    ['https://admin:pw@dev-1.okta.com', 'ORG_URL_MALFORMED'],
    ['https://{yourOktaDomain}', 'ORG_URL_PLACEHOLDER'],
    ['https://${OKTA_DOMAIN}', 'ORG_URL_PLACEHOLDER'],
    ['https://<your-org>.okta.com', 'ORG_URL_PLACEHOLDER'],
    ['https://dev-123456-admin.okta.com', 'ORG_URL_ADMIN_DOMAIN'],
    ['https://dev-123456.okta.com/oauth2/default', 'ORG_URL_HAS_PATH'],
    ['https://dev-123456.okta.com/admin/dashboard', 'ORG_URL_HAS_PATH'],
    ['https://dev-123456.okta.com/?x=1', 'ORG_URL_HAS_PATH'],
    ['https://dev-123456.okta.com/#top', 'ORG_URL_HAS_PATH'],
    ['http://dev-123456.okta.com', 'ORG_URL_INSECURE'],
    ['http://127.0.0.1.evil.example', 'ORG_URL_INSECURE'],
    ['http://10.0.0.5:8080', 'ORG_URL_INSECURE'],
  ])('refuses %j with %s, naming the field and giving a hint', (input, code) => {
    const result = parseOrgUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.field).toBe('orgUrl');
      expect(result.error.hint.length).toBeGreaterThan(10);
    }
  });

  it('suggests the non-admin domain for an -admin domain', () => {
    const result = parseOrgUrl('https://acme-admin.okta.com');
    expect(!result.ok && result.error.hint).toContain('https://acme.okta.com');
  });

  it('recognises a pasted issuer', () => {
    const result = parseOrgUrl('https://acme.okta.com/oauth2/default');
    expect(!result.ok && result.error.message).toContain('issuer');
    expect(!result.ok && result.error.hint).toContain('https://acme.okta.com');
  });
});

describe('isLoopbackHostname', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.10.1', true],
    ['localhost', true],
    ['[::1]', true],
    ['127.0.0.1.nip.io', false],
    ['128.0.0.1', false],
    ['127.0.0.256', false],
    ['localhost.evil.example', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHostname(host)).toBe(expected);
  });
});

describe('adminConsoleUrl', () => {
  it.each([
    ['https://dev-123.okta.com', 'https://dev-123-admin.okta.com'],
    ['https://Acme.OKTA.com', 'https://acme-admin.okta.com'],
    ['https://acme.oktapreview.com', 'https://acme-admin.oktapreview.com'],
    ['https://acme.okta-emea.com', 'https://acme-admin.okta-emea.com'],
    ['https://acme.okta-gov.com', 'https://acme-admin.okta-gov.com'],
    ['https://acme.okta.mil', 'https://acme-admin.okta.mil'],
    ['https://acme.trexcloud.com', 'https://acme-admin.trexcloud.com'],
  ])('puts the Admin Console of %s on %s', (orgUrl, expected) => {
    expect(adminConsoleUrl(orgUrl)).toBe(expected);
  });

  it.each([
    // The sandbox and other loopback orgs have no Admin Console.
    'http://127.0.0.1:4000',
    'http://localhost:4000',
    // A custom domain does not say which Okta org serves it.
    'https://login.example.com',
    // Look-alikes and shapes Okta never serves.
    'https://acme.okta.com.evil.example',
    'https://acme.notokta.com',
    'https://okta.com',
    'https://a.b.okta.com',
    'https://acme-admin.okta.com',
    'https://acme.okta.com:8443',
    'http://acme.okta.com',
    'not a url',
  ])('gives no Admin Console for %s', (orgUrl) => {
    expect(adminConsoleUrl(orgUrl)).toBeNull();
  });
});

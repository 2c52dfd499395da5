import { describe, expect, it } from 'vitest';

import { preExportLint } from '../../../../main/export/pre-export-lint.ts';

describe('preExportLint', () => {
  it('passes a real issuer and client id', () => {
    expect(
      preExportLint({ issuer: 'https://acme.okta.com/oauth2/default', clientId: '0oa1b2c3' }),
    ).toEqual([]);
  });

  it('passes a loopback http issuer (the sandbox org)', () => {
    expect(preExportLint({ issuer: 'http://127.0.0.1:4100', clientId: '0oa1b2c3' })).toEqual([]);
  });

  it.each([
    ['https://{yourOktaDomain}/oauth2/default', '{yourOktaDomain}'],
    ['https://acme.okta.com.com', '.com.com'],
    ['https://acme-admin.okta.com', '-admin'],
    ['http://acme.okta.com', 'not https'],
    ['https://acme.okta.com/', 'ends with a slash'],
    ['acme.okta.com', 'not an absolute URL'],
  ])('refuses the issuer %s', (issuer, expected) => {
    const problems = preExportLint({ issuer, clientId: '0oa1b2c3' });
    expect(problems.join(' ')).toContain(expected);
  });

  it.each([
    ['{clientId}', '{clientId}'],
    ['', 'blank'],
    ['<client id>', 'angle brackets'],
    ['0oaXXXX', 'XXXX'],
  ])('refuses the client id %j', (clientId, expected) => {
    const problems = preExportLint({ issuer: 'https://acme.okta.com', clientId });
    expect(problems.join(' ')).toContain(expected);
  });

  it('checks an inlined secret for placeholders, without echoing a real one', () => {
    expect(
      preExportLint({
        issuer: 'https://acme.okta.com',
        clientId: '0oa1',
        clientSecret: '{clientSecret}',
      }).join(' '),
    ).toContain('{clientSecret}');
    const problems = preExportLint({
      issuer: 'https://acme.okta.com',
      clientId: '0oa1',
      clientSecret: 'abc{{def',
    });
    expect(problems.join(' ')).not.toContain('abc{{def');
  });
});

import { describe, expect, it } from 'vitest';

import { createSetupDocument, PRESETS } from '../../../../shared/setup/presets.ts';
import { parseSetupDocument, PRESET_IDS } from '../../../../shared/setup/setup-document.ts';
import { lintRedirectUris } from '../../../../shared/setup/uri-lint.ts';

describe('createSetupDocument', () => {
  it('sets Kestra up as its guide does: web app, /oauth/callback/<key>, /logout, org issuer as ORG_URL', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kestra',
      baseUrl: 'https://kestra.example.com/',
    });
    expect(document.target).toEqual({
      preset: 'kestra',
      baseUrl: 'https://kestra.example.com',
      clientKey: 'okta',
    });
    expect(document.app).toMatchObject({
      label: 'Kestra',
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: ['https://kestra.example.com/oauth/callback/okta'],
      postLogoutRedirectUris: ['https://kestra.example.com/logout'],
      implicitAssignment: false,
    });
    expect(document.issuer).toEqual({ kind: 'org', issuerMode: 'ORG_URL' });
    expect(document.trustedOrigins).toEqual([]);
  });

  it('puts the Micronaut client key in the Kestra callback', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kestra',
      clientKey: 'corp-okta',
    });
    expect(document.app.redirectUris).toEqual(['http://localhost:8080/oauth/callback/corp-okta']);
  });

  it('sets Kaimu up on the default server with its slug callback and no sign-out URI', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kaimu',
      label: 'Kaimu (staging)',
    });
    expect(document.app.label).toBe('Kaimu (staging)');
    expect(document.app.redirectUris).toEqual(['http://localhost:3000/auth/oidc/okta/callback']);
    expect(document.app.postLogoutRedirectUris).toEqual([]);
    expect(document.issuer).toEqual({
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile'],
    });
  });

  it('gives a single-page app PKCE, no secret, and its origin as a CORS trusted origin', () => {
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'spa',
      baseUrl: 'https://app.example.com/ui/',
    });
    expect(document.app).toMatchObject({
      applicationType: 'browser',
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      redirectUris: ['https://app.example.com/ui/login/callback'],
    });
    expect(document.trustedOrigins).toEqual([
      {
        name: 'Single-page app (https://app.example.com)',
        origin: 'https://app.example.com',
        scopes: ['CORS', 'REDIRECT'],
      },
    ]);
  });

  it.each(PRESET_IDS)('gives %s a valid document whose callback passes the lint', (preset) => {
    const document = parseSetupDocument(createSetupDocument({ id: 'setup-1', preset }));
    const { callback } = PRESETS[preset].uris(document.target.baseUrl, document.target.clientKey);
    expect(
      lintRedirectUris(document.app.redirectUris, {
        kind: 'sign-in',
        expected: callback,
        applicationType: document.app.applicationType,
      }),
    ).toEqual([]);
  });

  it('never shares the preset’s issuer object between documents', () => {
    const first = createSetupDocument({ id: 'setup-1', preset: 'kaimu' });
    if (first.issuer.kind === 'custom') {
      first.issuer.scopes.push('groups');
    }
    expect(PRESETS.kaimu.issuer).toMatchObject({ scopes: ['openid', 'email', 'profile'] });
  });
});

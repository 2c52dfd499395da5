import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { dotenvExporter } from '../../../../../main/export/targets/dotenv.ts';
import type { ExportedFile } from '../../../../../shared/export/export-targets.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';

const INLINE = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;

function onlyFile(output: ReturnType<typeof dotenvExporter.export>): ExportedFile {
  const [file] = output.files;
  if (file === undefined || output.files.length !== 1) {
    throw new Error('The dotenv target is one file.');
  }
  return file;
}

function read(content: string) {
  if (dotenvExporter.read === undefined) {
    throw new Error('The dotenv target is verifiable, so it has a reader.');
  }
  return dotenvExporter.read([
    { name: '.env', language: 'dotenv', content, sensitive: false, purpose: '' },
  ]);
}

describe('dotenvExporter', () => {
  it.each([
    ['org', 'reference'],
    ['org', 'inline'],
    ['custom', 'reference'],
    ['custom', 'inline'],
  ] as const)('writes the golden .env (%s server, %s secret)', async (server, secret) => {
    const output = dotenvExporter.export(
      exportInputFor('web', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    await expect(onlyFile(output).content).toMatchFileSnapshot(
      `./__golden__/dotenv/${server}-${secret}/.env`,
    );
  });

  it('writes the OIDC_* settings with discovery’s endpoints', () => {
    const file = onlyFile(dotenvExporter.export(exportInputFor('web', { server: 'custom' })));
    const issuer = 'https://acme.okta.com/oauth2/aus1fixture2default3';
    expect(parseDotenv(file.content)).toEqual({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: '0oa1fixture2client3',
      OIDC_REDIRECT_URI: 'http://localhost:8080/authorization-code/callback',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'http://localhost:8080',
      OIDC_SCOPES: 'openid profile email',
      OIDC_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic',
      OIDC_AUTHORIZATION_ENDPOINT: `${issuer}/v1/authorize`,
      OIDC_TOKEN_ENDPOINT: `${issuer}/v1/token`,
      OIDC_USERINFO_ENDPOINT: `${issuer}/v1/userinfo`,
      OIDC_JWKS_URI: `${issuer}/v1/keys`,
      OIDC_END_SESSION_ENDPOINT: `${issuer}/v1/logout`,
    });
  });

  it('holds the secret only when asked to inline it', () => {
    const referenced = dotenvExporter.export(exportInputFor('web'));
    expect(onlyFile(referenced).content).not.toContain(FIXTURE_CLIENT_SECRET);
    expect(onlyFile(referenced).sensitive).toBe(false);
    expect(referenced.nextSteps.join(' ')).toContain('Set OIDC_CLIENT_SECRET');

    const inlined = dotenvExporter.export(exportInputFor('web', { secret: INLINE }));
    expect(onlyFile(inlined).sensitive).toBe(true);
    expect(parseDotenv(onlyFile(inlined).content).OIDC_CLIENT_SECRET).toBe(FIXTURE_CLIENT_SECRET);
    expect(inlined.warnings.join(' ')).toContain('0600');
  });

  it('writes no secret for a public client, even when asked to inline one', () => {
    const output = dotenvExporter.export(exportInputFor('spa', { secret: INLINE }));
    const file = onlyFile(output);
    expect(file.content).not.toContain('OIDC_CLIENT_SECRET');
    expect(file.sensitive).toBe(false);
    expect(read(file.content)).toMatchObject({
      clientSecret: { kind: 'none' },
      tokenEndpointAuthMethod: 'none',
      redirectUri: 'http://localhost:5173/login/callback',
    });
  });

  it('uses the first registered redirect URI when the preset’s callback was changed', () => {
    const output = dotenvExporter.export(
      exportInputFor('web', {
        adjust: (document) => (document.app.redirectUris = ['https://app.example.com/oidc/cb']),
      }),
    );
    expect(read(onlyFile(output).content).redirectUri).toBe('https://app.example.com/oidc/cb');
  });

  it('refuses when no redirect URI is registered', () => {
    expect(() =>
      dotenvExporter.export(
        exportInputFor('web', { adjust: (document) => (document.app.redirectUris = []) }),
      ),
    ).toThrow(/registers no sign-in redirect URI/);
  });

  it('refuses to export a placeholder issuer (pre-export lint)', () => {
    const input = exportInputFor('web');
    input.facts.discovery.issuer = 'https://{yourOktaDomain}/oauth2/default';
    expect(() => dotenvExporter.export(input)).toThrow(/Cannot export for \.env: .*yourOktaDomain/);
  });

  it.each(['reference', 'inline'] as const)('reads back what it wrote (%s secret)', (secret) => {
    const output = dotenvExporter.export(
      exportInputFor('web', { secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(read(onlyFile(output).content)).toEqual({
      issuer: 'https://acme.okta.com',
      clientId: '0oa1fixture2client3',
      clientSecret:
        secret === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OIDC_CLIENT_SECRET' },
      redirectUri: 'http://localhost:8080/authorization-code/callback',
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each([
    [
      'no issuer',
      "OIDC_CLIENT_ID='a'\nOIDC_TOKEN_ENDPOINT_AUTH_METHOD='client_secret_basic'\n",
      /OIDC_ISSUER is missing/,
    ],
    [
      'an unknown authentication method',
      "OIDC_ISSUER='https://acme.okta.com'\nOIDC_CLIENT_ID='a'\nOIDC_REDIRECT_URI='https://app.example.com/cb'\nOIDC_SCOPES='openid'\nOIDC_TOKEN_ENDPOINT_AUTH_METHOD='private_key_jwt'\n",
      /"private_key_jwt" is not client_secret_basic/,
    ],
  ])('says clearly what is wrong with a file with %s', (_what, content, message) => {
    expect(() => read(content)).toThrow(ExportReadError);
    expect(() => read(content)).toThrow(message);
  });
});

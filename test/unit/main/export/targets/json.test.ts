import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { jsonExporter } from '../../../../../main/export/targets/json.ts';
import type { ExportedFile } from '../../../../../shared/export/export-targets.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';

const INLINE = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;

function onlyFile(output: ReturnType<typeof jsonExporter.export>): ExportedFile {
  const [file] = output.files;
  if (file === undefined || output.files.length !== 1) {
    throw new Error('The JSON target is one file.');
  }
  return file;
}

function read(content: string) {
  if (jsonExporter.read === undefined) {
    throw new Error('The JSON target is verifiable, so it has a reader.');
  }
  return jsonExporter.read([
    { name: 'oidc.json', language: 'json', content, sensitive: false, purpose: '' },
  ]);
}

describe('jsonExporter', () => {
  it.each([
    ['org', 'reference'],
    ['org', 'inline'],
    ['custom', 'reference'],
    ['custom', 'inline'],
  ] as const)('writes the golden oidc.json (%s server, %s secret)', async (server, secret) => {
    const output = jsonExporter.export(
      exportInputFor('web', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    await expect(onlyFile(output).content).toMatchFileSnapshot(
      `./__golden__/json/${server}-${secret}/oidc.json`,
    );
  });

  it('writes discovery’s and client registration’s field names', () => {
    const file = onlyFile(jsonExporter.export(exportInputFor('web')));
    expect(JSON.parse(file.content)).toEqual({
      issuer: 'https://acme.okta.com',
      authorization_endpoint: 'https://acme.okta.com/oauth2/v1/authorize',
      token_endpoint: 'https://acme.okta.com/oauth2/v1/token',
      userinfo_endpoint: 'https://acme.okta.com/oauth2/v1/userinfo',
      jwks_uri: 'https://acme.okta.com/oauth2/v1/keys',
      end_session_endpoint: 'https://acme.okta.com/oauth2/v1/logout',
      client_id: '0oa1fixture2client3',
      client_secret_env: 'OIDC_CLIENT_SECRET',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['http://localhost:8080/authorization-code/callback'],
      post_logout_redirect_uris: ['http://localhost:8080'],
      scopes: ['openid', 'profile', 'email'],
    });
  });

  it('holds the secret only when asked to inline it', () => {
    const referenced = jsonExporter.export(exportInputFor('web'));
    expect(onlyFile(referenced).content).not.toContain(FIXTURE_CLIENT_SECRET);
    expect(onlyFile(referenced).sensitive).toBe(false);

    const inlined = jsonExporter.export(exportInputFor('web', { secret: INLINE }));
    const settings = JSON.parse(onlyFile(inlined).content) as Record<string, unknown>;
    expect(settings.client_secret).toBe(FIXTURE_CLIENT_SECRET);
    expect(settings).not.toHaveProperty('client_secret_env');
    expect(onlyFile(inlined).sensitive).toBe(true);
    expect(inlined.warnings.join(' ')).toContain('0600');
  });

  it('names no secret at all for a public client', () => {
    const file = onlyFile(jsonExporter.export(exportInputFor('spa')));
    const settings = JSON.parse(file.content) as Record<string, unknown>;
    expect(settings).not.toHaveProperty('client_secret');
    expect(settings).not.toHaveProperty('client_secret_env');
    expect(read(file.content).clientSecret).toEqual({ kind: 'none' });
  });

  it('puts the preset’s callback first among several redirect URIs', () => {
    const file = onlyFile(
      jsonExporter.export(
        exportInputFor('web', {
          adjust: (document) =>
            document.app.redirectUris.unshift(
              'https://staging.example.com/authorization-code/callback',
            ),
        }),
      ),
    );
    expect((JSON.parse(file.content) as { redirect_uris: string[] }).redirect_uris).toEqual([
      'http://localhost:8080/authorization-code/callback',
      'https://staging.example.com/authorization-code/callback',
    ]);
  });

  it('refuses to export a placeholder client id (pre-export lint)', () => {
    const input = exportInputFor('web');
    input.applied.clientId = '0oaXXXX';
    expect(() => jsonExporter.export(input)).toThrow(/Cannot export for oidc\.json: .*XXXX/);
  });

  it.each(['reference', 'inline'] as const)('reads back what it wrote (%s secret)', (secret) => {
    const output = jsonExporter.export(
      exportInputFor('web', { server: 'custom', secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(read(onlyFile(output).content)).toEqual({
      issuer: 'https://acme.okta.com/oauth2/aus1fixture2default3',
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
    ['broken JSON', '{"issuer": ', /oidc\.json is not valid JSON/],
    ['a list at the top', '[]', /one JSON object/],
    [
      'scopes as a string',
      JSON.stringify({
        issuer: 'https://acme.okta.com',
        client_id: 'a',
        client_secret_env: 'X',
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: ['https://app.example.com/cb'],
        scopes: 'openid email',
      }),
      /"scopes" must be a non-empty list of strings/,
    ],
    [
      'no secret for a confidential client',
      JSON.stringify({ token_endpoint_auth_method: 'client_secret_post' }),
      /neither "client_secret" nor "client_secret_env"/,
    ],
  ])('says clearly what is wrong with a file with %s', (_what, content, message) => {
    expect(() => read(content)).toThrow(ExportReadError);
    expect(() => read(content)).toThrow(message);
  });
});

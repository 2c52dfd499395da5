import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { oktaEnvExporter } from '../../../../../main/export/targets/okta-env.ts';
import type { ExportedFile } from '../../../../../shared/export/export-targets.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';

const INLINE = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;

function onlyFile(output: ReturnType<typeof oktaEnvExporter.export>): ExportedFile {
  const [file] = output.files;
  if (file === undefined || output.files.length !== 1) {
    throw new Error('.okta.env is one file.');
  }
  return file;
}

function read(content: string) {
  if (oktaEnvExporter.read === undefined) {
    throw new Error('.okta.env is verifiable, so it has a reader.');
  }
  return oktaEnvExporter.read([
    { name: '.okta.env', language: 'dotenv', content, sensitive: false, purpose: '' },
  ]);
}

describe('oktaEnvExporter', () => {
  it.each([
    ['org', 'reference'],
    ['org', 'inline'],
    ['custom', 'reference'],
    ['custom', 'inline'],
  ] as const)('writes the golden .okta.env (%s server, %s secret)', async (server, secret) => {
    const output = oktaEnvExporter.export(
      exportInputFor('web', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    await expect(onlyFile(output).content).toMatchFileSnapshot(
      `./__golden__/okta-env/${server}-${secret}/.okta.env`,
    );
  });

  it('writes export KEY="value" lines only, as the Okta CLI does (targets.md §12)', () => {
    const file = onlyFile(oktaEnvExporter.export(exportInputFor('web', { secret: INLINE })));
    for (const line of file.content.trimEnd().split('\n')) {
      expect(line).toMatch(/^export [A-Z0-9_]+="[^"]*"$/);
    }
    expect(parseDotenv(file.content)).toEqual({
      OKTA_OAUTH2_ISSUER: 'https://acme.okta.com',
      OKTA_OAUTH2_CLIENT_ID: '0oa1fixture2client3',
      OKTA_OAUTH2_CLIENT_SECRET: FIXTURE_CLIENT_SECRET,
      OKTA_OAUTH2_REDIRECT_URI: 'http://localhost:8080/authorization-code/callback',
    });
    expect(file.sensitive).toBe(true);
  });

  it('leaves the secret line out by reference and names the variable to set', () => {
    const output = oktaEnvExporter.export(exportInputFor('web', { server: 'custom' }));
    const file = onlyFile(output);
    expect(file.sensitive).toBe(false);
    expect(file.content).not.toContain(FIXTURE_CLIENT_SECRET);
    expect(parseDotenv(file.content)).toEqual({
      OKTA_OAUTH2_ISSUER: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      OKTA_OAUTH2_CLIENT_ID: '0oa1fixture2client3',
      OKTA_OAUTH2_REDIRECT_URI: 'http://localhost:8080/authorization-code/callback',
    });
    expect(output.nextSteps.join(' ')).toContain('Set OKTA_OAUTH2_CLIENT_SECRET');
    expect(output.warnings).toEqual([]);
  });

  it('refuses single-page apps, which the Okta CLI gives no file either', () => {
    expect(() => oktaEnvExporter.export(exportInputFor('spa'))).toThrow(
      /Export the dotenv or JSON/,
    );
  });

  it('warns when the app needs scopes the format cannot say', () => {
    const output = oktaEnvExporter.export(
      exportInputFor('web', {
        adjust: (document) => {
          document.issuer.groupsClaim = {
            type: 'FILTER',
            name: 'groups',
            filterType: 'STARTS_WITH',
            value: '',
          };
        },
      }),
    );
    expect(output.warnings.join(' ')).toContain('"openid profile email groups"');
  });

  it('refuses to export a placeholder issuer (pre-export lint)', () => {
    const input = exportInputFor('web');
    input.facts.discovery.issuer = 'https://acme-admin.okta.com';
    expect(() => oktaEnvExporter.export(input)).toThrow(/Cannot export for \.okta\.env: .*Admin/);
  });

  it.each(['reference', 'inline'] as const)('reads back what it wrote (%s secret)', (secret) => {
    const output = oktaEnvExporter.export(
      exportInputFor('web', { secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(read(onlyFile(output).content)).toEqual({
      issuer: 'https://acme.okta.com',
      clientId: '0oa1fixture2client3',
      clientSecret:
        secret === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OKTA_OAUTH2_CLIENT_SECRET' },
      redirectUri: 'http://localhost:8080/authorization-code/callback',
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each([
    [
      'an end-of-line comment',
      'export OKTA_OAUTH2_ISSUER="https://acme.okta.com" # org\n',
      /Line 1/,
    ],
    [
      'a missing client id',
      'export OKTA_OAUTH2_ISSUER="https://acme.okta.com"\n',
      /OKTA_OAUTH2_CLIENT_ID is missing/,
    ],
  ])('says clearly what is wrong with a file with %s', (_what, content, message) => {
    expect(() => read(content)).toThrow(ExportReadError);
    expect(() => read(content)).toThrow(message);
  });
});

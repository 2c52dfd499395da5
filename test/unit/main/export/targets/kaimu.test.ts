import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { kaimuExporter } from '../../../../../main/export/targets/kaimu.ts';
import type { ExportedFile } from '../../../../../shared/export/export-targets.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';

const INLINE = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;

function fileNamed(files: readonly ExportedFile[], name: string): ExportedFile {
  const file = files.find((candidate) => candidate.name === name);
  if (file === undefined) {
    throw new Error(`No ${name} in the export.`);
  }
  return file;
}

function read(files: readonly ExportedFile[]) {
  if (kaimuExporter.read === undefined) {
    throw new Error('Kaimu is verifiable, so it has a reader.');
  }
  return kaimuExporter.read(files);
}

/** The export with the override's OIDC_PROVIDERS replaced by `providers` (a JSON text). */
function withProviders(providers: string): ExportedFile[] {
  const { files } = kaimuExporter.export(exportInputFor('kaimu'));
  const override = fileNamed(files, 'docker-compose.override.yaml');
  const content = `services:\n  backend:\n    environment:\n      OIDC_BASE_URL: "\${OIDC_BASE_URL}"\n      OIDC_PROVIDERS: '${providers}'\n`;
  return files.map((file) => (file === override ? { ...file, content } : file));
}

function backendEnvironment(files: readonly ExportedFile[]): Record<string, string> {
  const tree = parse(fileNamed(files, 'docker-compose.override.yaml').content) as {
    services: { backend: { environment: Record<string, string> } };
  };
  return tree.services.backend.environment;
}

describe('kaimuExporter', () => {
  it.each([
    ['org', 'reference'],
    ['org', 'inline'],
    ['custom', 'reference'],
    ['custom', 'inline'],
  ] as const)('writes the golden files (%s server, %s secret)', async (server, secret) => {
    const output = kaimuExporter.export(
      exportInputFor('kaimu', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(output.files.map((file) => file.name)).toEqual(['docker-compose.override.yaml', '.env']);
    for (const file of output.files) {
      await expect(file.content).toMatchFileSnapshot(
        `./__golden__/kaimu/${server}-${secret}/${file.name}`,
      );
    }
  });

  it('sets OIDC_PROVIDERS and OIDC_BASE_URL on the backend service, with a one-provider JSON array of strings', () => {
    const { files } = kaimuExporter.export(exportInputFor('kaimu'));
    const environment = backendEnvironment(files);
    expect(Object.keys(environment)).toEqual(['OIDC_BASE_URL', 'OIDC_PROVIDERS']);
    expect(environment.OIDC_BASE_URL).toBe('${OIDC_BASE_URL:?set OIDC_BASE_URL in .env}');
    expect(JSON.parse(environment.OIDC_PROVIDERS ?? '')).toEqual([
      {
        name: 'Okta',
        slug: 'okta',
        issuer_url: 'https://acme.okta.com/oauth2/aus1fixture2default3',
        client_id: '0oa1fixture2client3',
        client_secret: '${OKTA_CLIENT_SECRET:?set OKTA_CLIENT_SECRET in .env or the shell}',
        scopes: 'openid email profile',
      },
    ]);
    expect(parseDotenv(fileNamed(files, '.env').content)).toEqual({
      OIDC_BASE_URL: 'http://localhost:3000',
    });
  });

  it('keeps the secret out of both files unless asked to inline it, and then only in .env', () => {
    const referenced = kaimuExporter.export(exportInputFor('kaimu'));
    for (const file of referenced.files) {
      expect(file.content).not.toContain(FIXTURE_CLIENT_SECRET);
      expect(file.sensitive).toBe(false);
    }
    expect(referenced.nextSteps.join(' ')).toContain('Set OKTA_CLIENT_SECRET');

    const inlined = kaimuExporter.export(exportInputFor('kaimu', { secret: INLINE }));
    const override = fileNamed(inlined.files, 'docker-compose.override.yaml');
    const env = fileNamed(inlined.files, '.env');
    expect(override.content).not.toContain(FIXTURE_CLIENT_SECRET);
    expect(override.sensitive).toBe(false);
    expect(env.sensitive).toBe(true);
    expect(parseDotenv(env.content)).toEqual({
      OIDC_BASE_URL: 'http://localhost:3000',
      OKTA_CLIENT_SECRET: FIXTURE_CLIENT_SECRET,
    });
    expect(inlined.warnings.join(' ')).toContain('0600');
  });

  it('says to recreate the backend: docker compose restart keeps the old environment', () => {
    const steps = kaimuExporter.export(exportInputFor('kaimu')).nextSteps.join('\n');
    expect(steps).toContain('docker compose up -d backend');
    expect(steps).toMatch(/docker compose restart backend does NOT reload the environment/);
  });

  it('joins the org server’s scopes with single spaces, one string', () => {
    const { files } = kaimuExporter.export(
      exportInputFor('kaimu', {
        server: 'org',
        adjust: (document) => (document.issuer = { kind: 'org', issuerMode: 'ORG_URL' }),
      }),
    );
    const [provider] = JSON.parse(backendEnvironment(files).OIDC_PROVIDERS ?? '') as {
      scopes: unknown;
    }[];
    expect(provider?.scopes).toBe('openid profile email');
  });

  it('refuses a public client: Kaimu signs in with a client secret', () => {
    expect(() =>
      kaimuExporter.export(
        exportInputFor('kaimu', {
          adjust: (document) => (document.app.tokenEndpointAuthMethod = 'none'),
        }),
      ),
    ).toThrow(/public client/);
  });

  it('refuses when Kaimu’s callback is not registered', () => {
    expect(() =>
      kaimuExporter.export(
        exportInputFor('kaimu', { adjust: (document) => (document.target.clientKey = 'acme') }),
      ),
    ).toThrow(
      /"http:\/\/localhost:3000\/auth\/oidc\/acme\/callback", but the app does not register it/,
    );
  });

  it('refuses to export a placeholder client id (pre-export lint)', () => {
    const input = exportInputFor('kaimu');
    input.applied.clientId = '{clientId}';
    expect(() => kaimuExporter.export(input)).toThrow(/Cannot export for Kaimu: .*\{clientId\}/);
  });

  it.each([
    ['org', 'reference'],
    ['custom', 'inline'],
  ] as const)('reads back what it wrote (%s server, %s secret)', (server, secret) => {
    const output = kaimuExporter.export(
      exportInputFor('kaimu', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(read(output.files)).toEqual({
      issuer:
        server === 'org'
          ? 'https://acme.okta.com'
          : 'https://acme.okta.com/oauth2/aus1fixture2default3',
      clientId: '0oa1fixture2client3',
      clientSecret:
        secret === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OKTA_CLIENT_SECRET' },
      redirectUri: 'http://localhost:3000/auth/oidc/okta/callback',
      scopes: ['openid', 'email', 'profile'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads Compose’s list form of environment too', () => {
    const { files } = kaimuExporter.export(exportInputFor('kaimu', { secret: INLINE }));
    const environment = backendEnvironment(files);
    const listForm = `services:\n  backend:\n    environment:\n      - 'OIDC_BASE_URL=${environment.OIDC_BASE_URL ?? ''}'\n      - 'OIDC_PROVIDERS=${environment.OIDC_PROVIDERS ?? ''}'\n`;
    const reading = read(
      files.map((file) =>
        file.name === 'docker-compose.override.yaml' ? { ...file, content: listForm } : file,
      ),
    );
    expect(reading.redirectUri).toBe('http://localhost:3000/auth/oidc/okta/callback');
  });

  it.each([
    [
      'scopes as a list',
      '[{"name":"Okta","slug":"okta","issuer_url":"https://acme.okta.com","client_id":"a","client_secret":"b","scopes":["openid","email"]}]',
      /field "scopes" is a list, but Kaimu reads it as a string/,
    ],
    [
      'a number where a string belongs (any letter case)',
      '[{"name":"Okta","Slug":7,"issuer_url":"https://acme.okta.com","client_id":"a","client_secret":"b"}]',
      /field "Slug" is a number/,
    ],
    ['broken JSON', '[{"name":"Okta",', /OIDC_PROVIDERS is not valid JSON/],
    [
      'a discovery_url',
      '[{"name":"Okta","slug":"okta","issuer_url":"https://acme.okta.com","discovery_url":"https://acme.okta.com","client_id":"a","client_secret":"b"}]',
      /sets discovery_url/,
    ],
    [
      'a double space in scopes',
      '[{"name":"Okta","slug":"okta","issuer_url":"https://acme.okta.com","client_id":"a","client_secret":"b","scopes":"openid  email"}]',
      /single spaces/,
    ],
    [
      'two providers',
      '[{"name":"A","slug":"a","issuer_url":"https://a.okta.com","client_id":"a","client_secret":"b"},{"name":"B","slug":"b","issuer_url":"https://b.okta.com","client_id":"a","client_secret":"b"}]',
      /holds 2 providers/,
    ],
  ])('refuses OIDC_PROVIDERS with %s, which Kaimu would drop', (_what, providers, message) => {
    const files = withProviders(providers);
    expect(() => read(files)).toThrow(ExportReadError);
    expect(() => read(files)).toThrow(message);
  });

  it('defaults empty scopes as Kaimu does', () => {
    const reading = read(
      withProviders(
        '[{"name":"Okta","slug":"okta","issuer_url":"https://acme.okta.com","client_id":"a","client_secret":"b"}]',
      ),
    );
    expect(reading.scopes).toEqual(['openid', 'email', 'profile']);
    expect(reading.clientSecret).toEqual({ kind: 'inline', value: 'b' });
  });

  it('refuses a base URL with a trailing slash (Kaimu would build //auth callbacks)', () => {
    const files = kaimuExporter
      .export(exportInputFor('kaimu'))
      .files.map((file) =>
        file.name === '.env'
          ? { ...file, content: "OIDC_BASE_URL='http://localhost:3000/'\n" }
          : file,
      );
    expect(() => read(files)).toThrow(/without a trailing slash/);
  });

  it('says which variable .env lacks', () => {
    const files = kaimuExporter
      .export(exportInputFor('kaimu'))
      .files.map((file) => (file.name === '.env' ? { ...file, content: '' } : file));
    expect(() => read(files)).toThrow(/OIDC_BASE_URL is not set in \.env/);
  });

  it('says a file is missing', () => {
    expect(() => read([])).toThrow(/\.env is missing/);
  });
});

import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { authjsExporter } from '../../../../../main/export/targets/authjs.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import {
  expectSecretHandledAsAsked,
  fileNamed,
  fileOf,
  notesOf,
  readerOf,
} from '../../../../support/export-assertions.ts';
import { FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import {
  EXPORT_VARIANTS,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const ADDRESS = { baseUrl: 'http://localhost:3000', callbackPath: '/api/auth/callback/okta' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(authjsExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return authjsExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function envOf(output: ExportOutput): string {
  return fileNamed(output, '.env.local').content;
}

function readBack(content: string) {
  return read([fileOf('.env.local', 'dotenv', content)]);
}

const VALID_ENV = [
  'AUTH_URL=https://app.example.com/api/auth/',
  'AUTH_OKTA_ID=0oa1',
  'AUTH_OKTA_ISSUER=https://acme.okta.com/oauth2/default',
].join('\n');

describe('authjsExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['.env.local']);
    await expect(envOf(output)).toMatchFileSnapshot(
      `./__golden__/authjs/${variant.name}/env.local`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/authjs/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes the provider variables, with neither secret in the file', () => {
    const output = exportFor();
    expect(parseDotenv(envOf(output))).toEqual({
      AUTH_URL: 'http://localhost:3000/api/auth',
      AUTH_OKTA_ID: '0oa1fixture2client3',
      AUTH_OKTA_ISSUER: 'https://acme.okta.com',
    });
    const steps = output.nextSteps.join('\n');
    expect(steps).toContain('AUTH_OKTA_SECRET');
    expect(steps).toContain('npx auth secret');
  });

  it('writes an inlined secret, and says which scopes Auth.js will not request by itself', () => {
    const output = exportFor(variantNamed('custom-groups-inline'));
    expect(parseDotenv(envOf(output))).toEqual({
      AUTH_URL: 'http://localhost:3000/api/auth',
      AUTH_OKTA_ID: '0oa1fixture2client3',
      AUTH_OKTA_ISSUER: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      AUTH_OKTA_SECRET: FIXTURE_CLIENT_SECRET,
    });
    expect(output.warnings.join('\n')).toContain('scope: "openid profile email groups"');
  });

  it('warns when the app expects client_secret_post, which Auth.js does not send', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.tokenEndpointAuthMethod = 'client_secret_post';
    });
    expect(output.warnings.join('\n')).toContain('client_secret_post');
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(readBack(envOf(authjsExporter.export(input)))).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'AUTH_OKTA_SECRET' },
      redirectUri: 'http://localhost:3000/api/auth/callback/okta',
      // The provider's own scopes: the file cannot change them.
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('derives the callback from AUTH_URL the way Auth.js does', () => {
    expect(readBack(VALID_ENV).redirectUri).toBe('https://app.example.com/api/auth/callback/okta');
  });

  it.each([
    [VALID_ENV.replace('AUTH_OKTA_ID=0oa1', ''), 'does not set AUTH_OKTA_ID'],
    [VALID_ENV.replace('AUTH_OKTA_ISSUER=', 'AUTH_OKTA_ISSUERX='), 'does not set AUTH_OKTA_ISSUER'],
    [VALID_ENV.replace('AUTH_URL=https://app.example.com/api/auth/', ''), 'does not set AUTH_URL'],
    [
      VALID_ENV.replace('https://app.example.com/api/auth/', 'app.example.com'),
      'not an absolute URL',
    ],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('refuses an export without .env.local', () => {
    expect(() => read([])).toThrow('no .env.local');
  });

  it('refuses a public client, which the variables cannot describe', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
  });

  it('refuses to export an inlined placeholder secret', () => {
    const input = targetInputFor(ADDRESS, {
      ...REFERENCE,
      secret: { kind: 'inline', value: '{clientSecret}' },
    });
    expect(() => authjsExporter.export(input)).toThrow('{clientSecret}');
  });

  it('refuses when the app does not register the callback Auth.js sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['http://localhost:3000/api/auth/callback/okta/'];
      }),
    ).toThrow('sends the redirect URI http://localhost:3000/api/auth/callback/okta');
  });
});

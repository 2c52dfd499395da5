import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { outlineExporter } from '../../../../../main/export/targets/outline.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import { PRESETS } from '../../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../../shared/setup/setup-document.ts';
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
  type ExportVariant,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const BASE = 'https://wiki.example.com';
const ADDRESS = { baseUrl: BASE, callbackPath: '/auth/oidc.callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(outlineExporter);

/** The app as the Outline preset makes it: the secret posted in the body, no PKCE. */
function asPreset(document: SetupDocument): void {
  document.app.tokenEndpointAuthMethod = PRESETS.outline.app.tokenEndpointAuthMethod;
  document.app.pkceRequired = PRESETS.outline.app.pkceRequired;
}

function exportFor(
  variant: Omit<ExportVariant, 'name'> = REFERENCE,
  adjust?: (document: SetupDocument) => void,
) {
  return outlineExporter.export(
    targetInputFor(ADDRESS, variant, (document) => {
      asPreset(document);
      adjust?.(document);
    }),
  );
}

function envOf(output: ExportOutput): string {
  return fileNamed(output, 'outline.env').content;
}

function readBack(content: string) {
  return read([fileOf('outline.env', 'dotenv', content)]);
}

const VALID_ENV = [
  'URL=https://wiki.example.com/',
  'OIDC_CLIENT_ID=0oa1',
  'OIDC_AUTH_URI=https://acme.okta.com/oauth2/default/v1/authorize',
  'OIDC_TOKEN_URI=https://acme.okta.com/oauth2/default/v1/token',
  'OIDC_USERINFO_URI=https://acme.okta.com/oauth2/default/v1/userinfo',
].join('\n');

describe('outlineExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['outline.env']);
    await expect(envOf(output)).toMatchFileSnapshot(
      `./__golden__/outline/${variant.name}/outline.env`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/outline/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes URL and the OIDC_* set env.ts requires, with discovery’s endpoints', () => {
    expect(parseDotenv(envOf(exportFor()))).toEqual({
      URL: BASE,
      OIDC_CLIENT_ID: '0oa1fixture2client3',
      OIDC_AUTH_URI: 'https://acme.okta.com/oauth2/v1/authorize',
      OIDC_TOKEN_URI: 'https://acme.okta.com/oauth2/v1/token',
      OIDC_USERINFO_URI: 'https://acme.okta.com/oauth2/v1/userinfo',
      OIDC_USERNAME_CLAIM: 'preferred_username',
      OIDC_DISPLAY_NAME: 'Okta',
      OIDC_SCOPES: 'openid profile email',
    });
    expect(exportFor().warnings).toEqual([]);
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant, asPreset);
    expect(readBack(envOf(outlineExporter.export(input)))).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OIDC_CLIENT_SECRET' },
      redirectUri: `${BASE}/auth/oidc.callback`,
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });

  it('reads Outline’s defaults and a custom server’s endpoints', () => {
    expect(readBack(VALID_ENV)).toMatchObject({
      issuer: 'https://acme.okta.com/oauth2/default',
      redirectUri: `${BASE}/auth/oidc.callback`,
      scopes: ['openid', 'profile', 'email'],
    });
  });

  it.each([
    [VALID_ENV.replace('OIDC_CLIENT_ID=0oa1', ''), 'does not set OIDC_CLIENT_ID'],
    [VALID_ENV.replace('URL=https://wiki.example.com/', 'URL=wiki'), 'URL in outline.env (wiki)'],
    [VALID_ENV.replace('/default/v1/token', '/v1/token'), 'same authorization server'],
    [VALID_ENV.replace('/v1/authorize', '/authorize'), 'is not an Okta authorize endpoint'],
    [`${VALID_ENV}\nOIDC_DISPLAY_NAME=O`, '2 to 50 characters'],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('warns when the app is registered for another authentication or requires PKCE', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.tokenEndpointAuthMethod = 'client_secret_basic';
      document.app.pkceRequired = true;
    });
    const warnings = output.warnings.join('\n');
    expect(warnings).toContain('client_secret_post');
    expect(warnings).toContain('Turn off “Require PKCE”');
  });

  it('refuses a public client and a callback the app does not register', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = [`${BASE}/auth/okta.callback`];
      }),
    ).toThrow(`sends the redirect URI ${BASE}/auth/oidc.callback`);
  });

  it('is the export its preset’s callback rule and app settings are for', () => {
    const preset = PRESETS.outline;
    expect(preset.exportTarget).toBe('outline');
    expect(preset.uris(`${BASE}/`, undefined)).toEqual({
      callback: `${BASE}/auth/oidc.callback`,
      signOut: undefined,
      initiateLogin: `${BASE}/auth/oidc`,
    });
    expect(preset.app).toMatchObject({
      pkceRequired: false,
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });
});

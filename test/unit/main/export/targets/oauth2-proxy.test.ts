import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { oauth2ProxyExporter } from '../../../../../main/export/targets/oauth2-proxy.ts';
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

const ADDRESS = { baseUrl: 'https://app.example.com', callbackPath: '/oauth2/callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(oauth2ProxyExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return oauth2ProxyExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function cfgOf(output: ExportOutput): string {
  return fileNamed(output, 'oauth2-proxy.cfg').content;
}

function readBack(content: string) {
  return read([fileOf('oauth2-proxy.cfg', 'toml', content)]);
}

const VALID_CFG = [
  'provider = "oidc"',
  'oidc_issuer_url = "https://acme.okta.com/oauth2/default"',
  'client_id = "0oa1"',
  'redirect_url = "https://app.example.com/oauth2/callback"',
].join('\n');

describe('oauth2ProxyExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['oauth2-proxy.cfg']);
    await expect(cfgOf(output)).toMatchFileSnapshot(
      `./__golden__/oauth2-proxy/${variant.name}/oauth2-proxy.cfg`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/oauth2-proxy/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes the OIDC provider keys, leaving both secrets to the environment', () => {
    const output = exportFor();
    expect(parseToml(cfgOf(output))).toEqual({
      provider: 'oidc',
      provider_display_name: 'Okta',
      oidc_issuer_url: 'https://acme.okta.com',
      client_id: '0oa1fixture2client3',
      redirect_url: 'https://app.example.com/oauth2/callback',
      scope: 'openid profile email',
      email_domains: ['*'],
    });
    const steps = output.nextSteps.join('\n');
    expect(steps).toContain('OAUTH2_PROXY_CLIENT_SECRET');
    expect(steps).toContain('OAUTH2_PROXY_COOKIE_SECRET');
    expect(steps).toContain('16, 24 or 32 bytes');
    expect(steps).toContain("openssl rand -base64 32 | tr -- '+/' '-_'");
  });

  it('writes an inlined secret, the groups claim and PKCE when asked', () => {
    const output = exportFor(variantNamed('custom-groups-inline'), (document) => {
      document.app.pkceRequired = true;
    });
    expect(parseToml(cfgOf(output))).toMatchObject({
      oidc_issuer_url: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      client_secret: FIXTURE_CLIENT_SECRET,
      scope: 'openid profile email groups',
      oidc_groups_claim: 'groups',
      code_challenge_method: 'S256',
    });
    expect(cfgOf(output)).not.toContain('cookie_secret =');
  });

  it('warns that the Secure cookie does not survive plain http off loopback', () => {
    const output = oauth2ProxyExporter.export(
      targetInputFor(
        { baseUrl: 'http://proxy.internal', callbackPath: '/oauth2/callback' },
        REFERENCE,
      ),
    );
    expect(output.warnings.join('\n')).toContain('cookie_secure');
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(readBack(cfgOf(oauth2ProxyExporter.export(input)))).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OAUTH2_PROXY_CLIENT_SECRET' },
      redirectUri: 'https://app.example.com/oauth2/callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads oauth2-proxy’s default scopes when the file names none', () => {
    expect(readBack(VALID_CFG).scopes).toEqual(['openid', 'email', 'profile']);
  });

  it.each([
    ['provider = "oidc', 'not valid TOML'],
    [VALID_CFG.replace('"oidc"', '"google"'), 'provider = "oidc"'],
    [VALID_CFG.replace('client_id = "0oa1"', ''), 'does not set client_id'],
    [VALID_CFG.replace('/oauth2/callback', '/callback'), 'ending in /oauth2/callback'],
    [`${VALID_CFG}\nclient_secret = 42`, 'not a string'],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('refuses a public client, which oauth2-proxy cannot sign in as', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
  });

  it('refuses to export an issuer with a trailing slash', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.facts.discovery.issuer = 'https://acme.okta.com/';
    expect(() => oauth2ProxyExporter.export(input)).toThrow('ends with a slash');
  });

  it('refuses when the app does not register the callback oauth2-proxy sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://app.example.com/callback'];
      }),
    ).toThrow('sends the redirect URI https://app.example.com/oauth2/callback');
  });
});

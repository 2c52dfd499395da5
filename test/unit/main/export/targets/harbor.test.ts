import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import {
  HARBOR_SECRET_VARIABLE,
  harborExporter,
} from '../../../../../main/export/targets/harbor.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import { PRESETS } from '../../../../../shared/setup/presets.ts';
import {
  expectSecretHandledAsAsked,
  fileNamed,
  fileOf,
  notesOf,
  readerOf,
} from '../../../../support/export-assertions.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import {
  EXPORT_VARIANTS,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const ADDRESS = { baseUrl: 'https://harbor.example.com', callbackPath: '/c/oidc/callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(harborExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return harborExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function jsonOf(output: ExportOutput): string {
  return fileNamed(output, 'harbor-oidc.json').content;
}

function yamlOf(output: ExportOutput): string {
  return fileNamed(output, 'harbor.yml').content;
}

const SETTINGS = {
  auth_mode: 'oidc_auth',
  oidc_endpoint: 'https://acme.okta.com',
  oidc_client_id: '0oa1',
  oidc_scope: 'openid, email ,profile,',
};

function readBack(settings: unknown, yaml = 'external_url: https://harbor.example.com\n') {
  return read([
    fileOf('harbor-oidc.json', 'json', JSON.stringify(settings)),
    fileOf('harbor.yml', 'yaml', yaml),
  ]);
}

describe('harborExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['harbor-oidc.json', 'harbor.yml']);
    await expect(jsonOf(output)).toMatchFileSnapshot(
      `./__golden__/harbor/${variant.name}/harbor-oidc.json`,
    );
    await expect(yamlOf(output)).toMatchFileSnapshot(
      `./__golden__/harbor/${variant.name}/harbor.yml`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/harbor/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(read(harborExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: HARBOR_SECRET_VARIABLE },
      redirectUri: 'https://harbor.example.com/c/oidc/callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('writes the configuration with the types of Harbor’s swagger, and the external_url', () => {
    const output = exportFor(variantNamed('custom-groups-inline'), (document) => {
      document.app.grantTypes = ['authorization_code', 'refresh_token'];
      document.app.postLogoutRedirectUris = ['https://harbor.example.com/account/sign-in'];
    });
    expect(JSON.parse(jsonOf(output))).toEqual({
      auth_mode: 'oidc_auth',
      oidc_name: 'Okta',
      oidc_endpoint: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      oidc_client_id: '0oa1fixture2client3',
      oidc_client_secret: FIXTURE_CLIENT_SECRET,
      oidc_scope: 'openid,profile,email,groups,offline_access',
      oidc_verify_cert: true,
      oidc_auto_onboard: true,
      oidc_user_claim: 'preferred_username',
      oidc_groups_claim: 'groups',
      oidc_logout: true,
    });
    expect(parseYaml(yamlOf(output))).toEqual({ external_url: 'https://harbor.example.com' });
    expect(output.warnings.join('\n')).not.toContain('oidc_logout off');
    expect(output.warnings.join('\n')).toContain('needs Harbor 2.13 or later: oidc_logout');
  });

  it('leaves offline_access and oidc_logout out when the app lacks their grant and URI, saying why', () => {
    const output = exportFor();
    const settings = JSON.parse(jsonOf(output)) as Record<string, unknown>;
    expect(settings.oidc_scope).toBe('openid,profile,email');
    expect(settings.oidc_logout).toBeUndefined();
    const warnings = output.warnings.join('\n');
    expect(warnings).toContain('CLI secret (docker login) stops working');
    expect(warnings).toContain('leaves oidc_logout off');
  });

  it('names the traps of the first sign-in: the auth mode lock, the secret, onboarding, admins', () => {
    const steps = exportFor(variantNamed('custom-groups-inline')).nextSteps.join('\n');
    expect(steps).toContain('auth_mode.editable');
    expect(steps).toContain('oidc_auto_onboard = true');
    expect(steps).toContain('no oidc_admin_group');
    const reference = exportFor().nextSteps.join('\n');
    expect(reference).toContain(`jq --arg secret "$${HARBOR_SECRET_VARIABLE}"`);
  });

  it('builds the callback from hostname and port when harbor.yml has no external_url, as prepare does', () => {
    expect(readBack(SETTINGS, 'hostname: reg.example.com\n').redirectUri).toBe(
      'http://reg.example.com/c/oidc/callback',
    );
    expect(readBack(SETTINGS, 'hostname: reg.example.com\nhttp:\n  port: 8080\n').redirectUri).toBe(
      'http://reg.example.com:8080/c/oidc/callback',
    );
    expect(
      readBack(
        SETTINGS,
        'hostname: reg.example.com\nhttp:\n  port: 80\nhttps:\n  port: 8443\n  certificate: /c\n  private_key: /k\n',
      ).redirectUri,
    ).toBe('https://reg.example.com:8443/c/oidc/callback');
    expect(readBack(SETTINGS).scopes).toEqual(['openid', 'email', 'profile']);
  });

  it.each([
    [{ ...SETTINGS, auth_mode: 'db_auth' }, 'auth_mode to "oidc_auth"'],
    [{ ...SETTINGS, oidc_verify_cert: 'true' }, 'Harbor takes a boolean'],
    [{ ...SETTINGS, oidc_client_id: 42 }, 'Harbor takes a string'],
    [{ ...SETTINGS, oidc_endpoint: undefined }, 'does not set oidc_endpoint'],
    [['not', 'an', 'object'], 'not a JSON object'],
  ])('refuses broken settings clearly (%#)', (settings, message) => {
    expect(() => readBack(settings)).toThrow(ExportReadError);
    expect(() => readBack(settings)).toThrow(message);
  });

  it('refuses a harbor.yml that gives no address, and a missing one', () => {
    expect(() => readBack(SETTINGS, 'data_volume: /data\n')).toThrow(
      'neither external_url nor hostname',
    );
    expect(() => read([fileOf('harbor-oidc.json', 'json', JSON.stringify(SETTINGS))])).toThrow(
      'no harbor.yml',
    );
  });

  it('refuses when the app does not register the callback Harbor sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://harbor.example.com/callback'];
      }),
    ).toThrow('sends the redirect URI https://harbor.example.com/c/oidc/callback');
  });
});

describe('Harbor’s preset', () => {
  it('makes an app whose export sends the preset’s callback and scopes, with sign-out', () => {
    const input = exportInputFor('harbor');
    const output = harborExporter.export(input);
    const reading = read(output.files);
    expect(reading.redirectUri).toBe(PRESETS.harbor.uris('https://localhost', undefined).callback);
    expect(input.document.app.postLogoutRedirectUris).toEqual([
      'https://localhost/account/sign-in',
    ]);
    expect(reading.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect([...reading.scopes].sort()).toEqual(
      input.document.issuer.kind === 'custom' ? [...input.document.issuer.scopes].sort() : [],
    );
    const settings = JSON.parse(jsonOf(output)) as Record<string, unknown>;
    expect(settings.oidc_logout).toBe(true);
    expect(output.warnings.join('\n')).not.toMatch(/does not list the scope|oidc_logout off/);
  });
});

import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { VAULT_CLI_CALLBACK, vaultExporter } from '../../../../../main/export/targets/vault.ts';
import type { ExportedFile, ExportOutput } from '../../../../../shared/export/export-targets.ts';
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

const BASE = 'https://vault.example.com:8200';
const UI_CALLBACK = `${BASE}/ui/vault/auth/oidc/oidc/callback`;
const ADDRESS = { baseUrl: BASE, callbackPath: '/ui/vault/auth/oidc/oidc/callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(vaultExporter);

/** The app as the Vault preset makes it: both callbacks (the CLI's too), PKCE required. */
function asPreset(document: SetupDocument): void {
  document.app.redirectUris.push(...(PRESETS.vault.extraRedirectUris ?? []));
  document.app.pkceRequired = PRESETS.vault.app.pkceRequired;
}

function exportFor(
  variant: Omit<ExportVariant, 'name'> = REFERENCE,
  adjust?: (document: SetupDocument) => void,
) {
  return vaultExporter.export(
    targetInputFor(ADDRESS, variant, (document) => {
      asPreset(document);
      adjust?.(document);
    }),
  );
}

function jsonOf(output: ExportOutput, name: string): Record<string, unknown> {
  return JSON.parse(fileNamed(output, name).content) as Record<string, unknown>;
}

function edited(output: ExportOutput, name: string, edit: (content: string) => string) {
  return output.files.map((file): ExportedFile =>
    file.name === name ? { ...file, content: edit(file.content) } : file,
  );
}

describe('vaultExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual([
      'vault-oidc.sh',
      'vault-oidc-config.json',
      'vault-oidc-role.json',
    ]);
    for (const file of output.files) {
      await expect(file.content).toMatchFileSnapshot(
        `./__golden__/vault/${variant.name}/${file.name}`,
      );
    }
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/vault/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
    // The script parses as POSIX sh (sh -n reads without running anything).
    expect(() =>
      execFileSync('sh', ['-n'], { input: fileNamed(output, 'vault-oidc.sh').content }),
    ).not.toThrow();
  });

  it('writes the config and role bodies Vault’s API takes, with both callbacks', () => {
    const output = exportFor();
    expect(jsonOf(output, 'vault-oidc-config.json')).toEqual({
      oidc_discovery_url: 'https://acme.okta.com',
      oidc_client_id: '0oa1fixture2client3',
      default_role: 'okta',
    });
    expect(jsonOf(output, 'vault-oidc-role.json')).toEqual({
      role_type: 'oidc',
      user_claim: 'sub',
      allowed_redirect_uris: [UI_CALLBACK, 'http://localhost:8250/oidc/callback'],
      oidc_scopes: ['profile', 'email'],
      token_policies: ['default'],
      token_ttl: '1h',
    });
    const script = fileNamed(output, 'vault-oidc.sh').content;
    // The secret comes from the variable on stdin, never as an argument.
    expect(script).toContain(
      `printf '%s' "$VAULT_OIDC_CLIENT_SECRET" | vault write auth/oidc/config @vault-oidc-config.json oidc_client_secret=-`,
    );
    expect(script).toContain('vault write auth/oidc/role/okta @vault-oidc-role.json');
    // Enabling twice fails in Vault, so the script enables only when the mount is missing.
    expect(script).toMatch(/if ! vault auth list -format=json \| grep -q '"oidc\/"'; then/);
  });

  it('maps the groups claim and the custom server’s scopes into the role', () => {
    const role = jsonOf(exportFor(variantNamed('custom-groups-inline')), 'vault-oidc-role.json');
    expect(role).toMatchObject({
      oidc_scopes: ['profile', 'email', 'groups'],
      groups_claim: 'groups',
    });
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant, asPreset);
    expect(read(vaultExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'VAULT_OIDC_CLIENT_SECRET' },
      redirectUri: UI_CALLBACK,
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads a comma-separated list the way Vault takes one', () => {
    const output = exportFor();
    const files = edited(output, 'vault-oidc-role.json', (content) =>
      JSON.stringify({
        ...(JSON.parse(content) as object),
        oidc_scopes: 'profile, email',
        allowed_redirect_uris: `${UI_CALLBACK},${VAULT_CLI_CALLBACK}`,
      }),
    );
    expect(read(files)).toMatchObject({
      scopes: ['openid', 'profile', 'email'],
      redirectUri: UI_CALLBACK,
    });
  });

  it('warns when the CLI’s callback is not registered, and then leaves it out of the role', () => {
    const output = vaultExporter.export(targetInputFor(ADDRESS, REFERENCE));
    expect(output.warnings.join('\n')).toContain(
      'does not register http://localhost:8250/oidc/callback',
    );
    expect(jsonOf(output, 'vault-oidc-role.json').allowed_redirect_uris).toEqual([UI_CALLBACK]);
    expect(output.warnings.join('\n')).toContain('does not require it');
  });

  it.each([
    [
      'vault-oidc-config.json',
      (content: string) => content.replace('"default_role": "okta"', '"default_role": "dev"'),
      'default_role',
    ],
    ['vault-oidc-config.json', (content: string) => content.slice(1), 'not valid JSON'],
    ['vault-oidc-role.json', (content: string) => content.replace('"oidc"', '"jwt"'), 'role_type'],
    [
      'vault-oidc-role.json',
      (content: string) => content.replace('/ui/vault/auth/oidc/', '/ui/vault/auth/okta/'),
      'has no UI callback',
    ],
    [
      'vault-oidc.sh',
      (content: string) => content.replace('auth/oidc/role/okta', 'auth/okta/role/okta'),
      'but the role on auth/okta',
    ],
    [
      'vault-oidc.sh',
      (content: string) => content.replace(' oidc_client_secret=-', ''),
      'without oidc_client_secret=-',
    ],
    [
      'vault-oidc.sh',
      (content: string) => `${content}vault write auth/oidc/role/okta user_claim=email\n`,
      'cannot read',
    ],
  ])('refuses an edited %s clearly (%#)', (name, edit, message) => {
    const files = edited(exportFor(), name, edit);
    expect(() => read(files)).toThrow(ExportReadError);
    expect(() => read(files)).toThrow(message);
  });

  it('refuses a config that gives no secret at all', () => {
    const output = exportFor();
    const files = edited(output, 'vault-oidc.sh', (content) =>
      content.replace(/printf .*\n/, 'vault write auth/oidc/config @vault-oidc-config.json\n'),
    );
    expect(() => read(files)).toThrow('Neither vault-oidc-config.json nor vault-oidc.sh');
  });

  it('refuses a public client and a missing UI callback', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = [VAULT_CLI_CALLBACK];
      }),
    ).toThrow(`sends the redirect URI ${UI_CALLBACK}`);
  });

  it('reads only the files it knows, by name', () => {
    expect(() => read([fileOf('vault-oidc-role.json', 'json', '{}')])).toThrow(
      'The export has no vault-oidc.sh.',
    );
  });

  it('is the export its preset’s callback rule, CLI redirect URI and app settings are for', () => {
    const preset = PRESETS.vault;
    expect(preset.exportTarget).toBe('vault');
    expect(preset.uris(`${BASE}/`, undefined).callback).toBe(UI_CALLBACK);
    expect(preset.extraRedirectUris).toEqual([VAULT_CLI_CALLBACK]);
    expect(preset.app).toMatchObject({
      pkceRequired: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});

import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { grafanaExporter } from '../../../../../main/export/targets/grafana.ts';
import type { ExportOutput } from '../../../../../shared/export/export-targets.ts';
import {
  expectSecretHandledAsAsked,
  fileNamed,
  fileOf,
  notesOf,
  readerOf,
} from '../../../../support/export-assertions.ts';
import { FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import { changedLines } from '../../../../support/merge-assertions.ts';
import {
  EXPORT_VARIANTS,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const ADDRESS = { baseUrl: 'https://grafana.example.com', callbackPath: '/login/okta' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(grafanaExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return grafanaExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function iniOf(output: ExportOutput): string {
  return fileNamed(output, 'grafana.ini').content;
}

function readBack(content: string) {
  return read([fileOf('grafana.ini', 'ini', content)]);
}

const VALID_INI = [
  '[server]',
  'root_url = https://grafana.example.com/',
  '[auth.okta]',
  'enabled = true',
  'client_id = 0oa1',
  'client_secret = $__env{GF_AUTH_OKTA_CLIENT_SECRET}',
  'auth_url = https://acme.okta.com/oauth2/v1/authorize',
  'token_url = https://acme.okta.com/oauth2/v1/token',
  'api_url = https://acme.okta.com/oauth2/v1/userinfo',
].join('\n');

describe('grafanaExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['grafana.ini']);
    await expect(iniOf(output)).toMatchFileSnapshot(
      `./__golden__/grafana/${variant.name}/grafana.ini`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/grafana/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes root_url and [auth.okta] with the discovered endpoints and the secret from $__env', () => {
    const tree = parseIni(iniOf(exportFor()));
    expect(tree).toEqual({
      server: { root_url: 'https://grafana.example.com/' },
      auth: {
        okta: {
          enabled: true,
          name: 'Okta',
          icon: 'okta',
          allow_sign_up: true,
          client_id: '0oa1fixture2client3',
          client_secret: '$__env{GF_AUTH_OKTA_CLIENT_SECRET}',
          scopes: 'openid profile email',
          auth_url: 'https://acme.okta.com/oauth2/v1/authorize',
          token_url: 'https://acme.okta.com/oauth2/v1/token',
          api_url: 'https://acme.okta.com/oauth2/v1/userinfo',
          use_pkce: true,
        },
      },
    });
    expect(exportFor().nextSteps.join('\n')).toContain('GF_AUTH_OKTA_CLIENT_SECRET');
  });

  it('allows the assigned groups the claim releases, as a JSON list when a name has a space', () => {
    const output = exportFor(variantNamed('custom-groups-inline'));
    const okta = (parseIni(iniOf(output)) as { auth: { okta: Record<string, unknown> } }).auth.okta;
    expect(okta).toMatchObject({
      client_secret: FIXTURE_CLIENT_SECRET,
      scopes: 'openid profile email groups',
      auth_url: 'https://acme.okta.com/oauth2/aus1fixture2default3/v1/authorize',
      allowed_groups: '["Engineering","Kestra Admins"]',
    });
    expect(output.warnings.join('\n')).toContain('ada@example.com');
  });

  it('allows only the groups a STARTS_WITH filter releases, space-separated', () => {
    const output = exportFor(variantNamed('custom-reference'), (document) => {
      document.issuer.groupsClaim = {
        type: 'FILTER',
        name: 'groups',
        filterType: 'STARTS_WITH',
        value: 'eng',
      };
    });
    expect(iniOf(output)).toContain('allowed_groups = Engineering\n');
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(readBack(iniOf(grafanaExporter.export(input)))).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'GF_AUTH_OKTA_CLIENT_SECRET' },
      redirectUri: 'https://grafana.example.com/login/okta',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads Grafana’s defaults and shorthand the way Grafana does', () => {
    const reading = readBack(VALID_INI.replace('$__env{GF_AUTH_OKTA_CLIENT_SECRET}', '${MINE}'));
    expect(reading.scopes).toEqual(['openid', 'profile', 'email', 'groups']);
    expect(reading.clientSecret).toEqual({ kind: 'environment', variable: 'MINE' });
    expect(reading.issuer).toBe('https://acme.okta.com');
  });

  it.each([
    [VALID_INI.replace('[auth.okta]', '[auth.generic_oauth]'), 'no [auth.okta] section'],
    [VALID_INI.replace('enabled = true', 'enabled = false'), 'not enabled'],
    [VALID_INI.replace('root_url = https://grafana.example.com/', ''), 'root_url'],
    [VALID_INI.replace('client_id = 0oa1', ''), 'does not set client_id'],
    [
      VALID_INI.replace('/oauth2/v1/token', '/oauth2/default/v1/token'),
      'same authorization server',
    ],
    [VALID_INI.replace('/oauth2/v1/authorize', '/authorize'), 'not an Okta authorize endpoint'],
    [
      VALID_INI.replace('$__env{GF_AUTH_OKTA_CLIENT_SECRET}', '$__file{/etc/secret}'),
      'cannot read ($__file)',
    ],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('refuses a public client, which Grafana cannot sign in as', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('client_secret_basic');
  });

  it('refuses to export a placeholder client id', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.applied.clientId = '{clientId}';
    expect(() => grafanaExporter.export(input)).toThrow('{clientId}');
  });

  it('refuses when the app does not register the callback Grafana sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://grafana.example.com/login/generic_oauth'];
      }),
    ).toThrow('sends the redirect URI https://grafana.example.com/login/okta');
  });

  describe('merging into an existing grafana.ini', () => {
    /** An excerpt of Grafana's shipped sample.ini, as an admin has edited it. */
    const EXISTING = [
      '##################### Grafana Configuration #####################',
      'app_mode = production',
      '',
      '#################################### Server ####################################',
      '[server]',
      '# Protocol (http, https, h2, socket)',
      ';protocol = http',
      'http_port = 3000    ; the port Grafana listens on',
      '# The full public facing url you use in browser, used for redirects and emails',
      ';root_url = %(protocol)s://%(domain)s:%(http_port)s/',
      '',
      '#################################### Okta OAuth #######################',
      '[auth.okta]',
      ';name = Okta',
      'enabled = false ; turned on by the SSO rollout',
      ';icon = okta',
      'client_id = 0oa1fixture2client3   ; the app the console made',
      ';scopes = openid profile email groups',
      "role_attribute_path = contains(groups[*], 'Grafana Admins') && 'Admin' || 'Viewer'",
      '',
      '[users]',
      'auto_assign_org_role = Editor',
      '',
    ].join('\n');

    function merge(mergeInto: string) {
      return grafanaExporter.export({ ...targetInputFor(ADDRESS, REFERENCE), mergeInto });
    }

    it('changes only the keys it owns; an unchanged client_id keeps its line and comment', () => {
      const output = merge(EXISTING);
      const content = iniOf(output);
      const { removed, added } = changedLines(EXISTING, content);
      expect(removed).toEqual(['enabled = false ; turned on by the SSO rollout']);
      expect(added).toContain('enabled = true ; turned on by the SSO rollout');
      // A missing key goes right under the file's commented-out sample of it.
      expect(content).toContain(
        ';root_url = %(protocol)s://%(domain)s:%(http_port)s/\nroot_url = https://grafana.example.com/\n',
      );
      expect(content).toContain(';name = Okta\nname = Okta\n');
      expect(content).toContain('\nclient_id = 0oa1fixture2client3   ; the app the console made\n');

      const tree = parseIni(content) as {
        users: Record<string, unknown>;
        auth: { okta: Record<string, unknown> };
      };
      expect(tree.users.auto_assign_org_role).toBe('Editor');
      expect(tree.auth.okta.role_attribute_path).toBe(
        "contains(groups[*], 'Grafana Admins') && 'Admin' || 'Viewer'",
      );
      expect(readBack(content)).toMatchObject({
        clientId: '0oa1fixture2client3',
        redirectUri: 'https://grafana.example.com/login/okta',
        clientSecret: { kind: 'environment', variable: 'GF_AUTH_OKTA_CLIENT_SECRET' },
      });
      const steps = output.nextSteps.join('\n');
      expect(steps).toContain('[auth.okta] client_id already held the right value');
      expect(steps).toContain('your grafana.ini already sets role_attribute_path');
    });

    it('changes nothing when merged into its own result', () => {
      const content = iniOf(merge(EXISTING));
      expect(iniOf(merge(content))).toBe(content);
    });

    it('appends the sections a file lacks, keeping every byte it had', () => {
      const existing = '[users]\r\nauto_assign_org_role = Viewer';
      const content = iniOf(merge(existing));
      expect(content.startsWith(`${existing}\r\n`)).toBe(true);
      expect(content).not.toMatch(/[^\r]\n/);
      expect(readBack(content).redirectUri).toBe('https://grafana.example.com/login/okta');
    });
  });
});

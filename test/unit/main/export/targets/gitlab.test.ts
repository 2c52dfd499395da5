import { loadPrism } from '@ruby/prism';
import { beforeAll, describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { gitlabExporter } from '../../../../../main/export/targets/gitlab.ts';
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

const ADDRESS = {
  baseUrl: 'https://gitlab.example.com',
  callbackPath: '/users/auth/openid_connect/callback',
};
const REFERENCE = variantNamed('org-reference');
const read = readerOf(gitlabExporter);

let parseRuby: Awaited<ReturnType<typeof loadPrism>>;

beforeAll(async () => {
  // The package's own asynchronous loader, independent of the reader's synchronous one.
  parseRuby = await loadPrism();
});

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return gitlabExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function rubyOf(output: ExportOutput): string {
  return fileNamed(output, 'gitlab.rb').content;
}

function readBack(content: string) {
  return read([fileOf('gitlab.rb', 'ruby', content)]);
}

function providerFile(args: string): string {
  return `gitlab_rails['omniauth_providers'] = [{ name: "openid_connect", label: "Okta", args: { ${args} } }]\n`;
}

const VALID_ARGS = [
  'name: "openid_connect"',
  "scope: [:openid, 'email']",
  'issuer: "https://acme.okta.com/oauth2/default"',
  'discovery: true',
  'client_options: { identifier: "0oa1", secret: ENV["MY_SECRET"], redirect_uri: "https://gitlab.example.com/users/auth/openid_connect/callback" }',
].join(', ');

describe('gitlabExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['gitlab.rb']);
    await expect(rubyOf(output)).toMatchFileSnapshot(
      `./__golden__/gitlab/${variant.name}/gitlab.rb`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/gitlab/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it.each(EXPORT_VARIANTS)('writes Ruby that parses without errors ($name)', (variant) => {
    const result = parseRuby(rubyOf(exportFor(variant)));
    expect(result.errors).toEqual([]);
  });

  it('writes the provider hash with the secret read from the environment at reconfigure', () => {
    const output = exportFor();
    expect(readBack(rubyOf(output))).toMatchObject({
      clientSecret: { kind: 'environment', variable: 'GITLAB_OKTA_CLIENT_SECRET' },
    });
    const ruby = rubyOf(output);
    expect(ruby).toContain('secret: ENV.fetch("GITLAB_OKTA_CLIENT_SECRET"),');
    expect(ruby).toContain('client_auth_method: "basic",');
    expect(ruby).toContain('discovery: true,');
    expect(ruby).toContain('uid_field: "sub",');
    expect(ruby).toContain('gitlab_rails[\'omniauth_allow_single_sign_on\'] = ["openid_connect"]');
    expect(ruby).not.toContain('pkce');
    expect(output.nextSteps.join('\n')).toContain(
      'sudo --preserve-env=GITLAB_OKTA_CLIENT_SECRET gitlab-ctl reconfigure',
    );
  });

  it('posts the credentials in the body and adds PKCE when the app asks for them', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.tokenEndpointAuthMethod = 'client_secret_post';
      document.app.pkceRequired = true;
    });
    expect(rubyOf(output)).toContain('client_auth_method: "query",');
    expect(rubyOf(output)).toContain('pkce: true,');
    expect(readBack(rubyOf(output)).tokenEndpointAuthMethod).toBe('client_secret_post');
  });

  it('escapes quotes and interpolation in strings', () => {
    const output = exportFor(
      { ...REFERENCE, secret: { kind: 'inline', value: 'a"b#{system("x")}\\c' } },
      undefined,
    );
    expect(parseRuby(rubyOf(output)).errors).toEqual([]);
    expect(readBack(rubyOf(output)).clientSecret).toEqual({
      kind: 'inline',
      value: 'a"b#{system("x")}\\c',
    });
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(readBack(rubyOf(gitlabExporter.export(input)))).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'GITLAB_OKTA_CLIENT_SECRET' },
      redirectUri: 'https://gitlab.example.com/users/auth/openid_connect/callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads symbols, ENV[] and the last assignment the way Ruby leaves them', () => {
    const content = `${providerFile('name: "old"')}${providerFile(VALID_ARGS)}`;
    expect(readBack(content)).toEqual({
      issuer: 'https://acme.okta.com/oauth2/default',
      clientId: '0oa1',
      clientSecret: { kind: 'environment', variable: 'MY_SECRET' },
      redirectUri: 'https://gitlab.example.com/users/auth/openid_connect/callback',
      scopes: ['openid', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each([
    [
      providerFile(VALID_ARGS).replace('discovery: true', 'discovery: true,,'),
      'not valid Ruby: line 1',
    ],
    [
      "gitlab_rails['omniauth_enabled'] = true\n",
      "does not assign gitlab_rails['omniauth_providers']",
    ],
    [
      providerFile(VALID_ARGS).replace('name: "openid_connect", label', 'name: "saml", label'),
      'no literal entry',
    ],
    [providerFile(VALID_ARGS.replace('discovery: true', 'discovery: false')), 'args.discovery'],
    [
      providerFile(VALID_ARGS.replace('ENV["MY_SECRET"]', 'File.read("/etc/gitlab/s").strip')),
      'does not evaluate',
    ],
    [
      providerFile(VALID_ARGS.replace('/users/auth/openid_connect/callback', '/callback')),
      'ending in /users/auth/openid_connect/callback',
    ],
    [providerFile(`${VALID_ARGS}, client_auth_method: :jwt_bearer`), 'client_auth_method'],
    [
      providerFile(VALID_ARGS.replace('issuer: "https://acme.okta.com/oauth2/default", ', '')),
      'does not set issuer',
    ],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('refuses a public client, which GitLab cannot sign in as', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
  });

  it('refuses to export a placeholder issuer', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.facts.discovery.issuer = 'https://acme.okta.com.com';
    expect(() => gitlabExporter.export(input)).toThrow('.com.com');
  });

  it('refuses when the app does not register the callback GitLab sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://gitlab.example.com/users/auth/okta/callback'];
      }),
    ).toThrow(
      'sends the redirect URI https://gitlab.example.com/users/auth/openid_connect/callback',
    );
  });

  describe('merging into an existing gitlab.rb, as one managed block', () => {
    /** The top of the gitlab.rb the Linux package installs, as an admin has edited it. */
    const EXISTING = [
      '## GitLab configuration settings',
      '##! This file is generated during initial installation and **is not** modified',
      '##! during upgrades.',
      '',
      "external_url 'https://gitlab.example.com'",
      '',
      '### OmniAuth Settings',
      "# gitlab_rails['omniauth_enabled'] = nil",
      "# gitlab_rails['omniauth_allow_single_sign_on'] = ['saml']",
      "gitlab_rails['omniauth_block_auto_created_users'] = false   # we trust Okta's assignments",
      "# gitlab_rails['omniauth_providers'] = [",
      '#   { name: "github", app_id: "YOUR_APP_ID" }',
      '# ]',
      "gitlab_rails['time_zone'] = 'UTC'",
      '',
    ].join('\n');

    function merge(mergeInto: string, adjust?: Parameters<typeof targetInputFor>[2]) {
      return gitlabExporter.export({ ...targetInputFor(ADDRESS, REFERENCE, adjust), mergeInto });
    }

    it('appends its block and changes no line of the file, leaving the admin’s own settings', () => {
      const output = merge(EXISTING);
      const content = rubyOf(output);
      const { removed, added } = changedLines(EXISTING, content);
      expect(removed).toEqual([]);
      expect(content.startsWith(EXISTING)).toBe(true);
      expect(added[0]).toBe('');
      expect(added[1]).toMatch(/^# BEGIN SSO Setup Console/);
      expect(added.at(-1)).toMatch(/^# END SSO Setup Console/);
      // The admin already decided about blocking new accounts: the block does not override it.
      expect(added.join('\n')).not.toContain('omniauth_block_auto_created_users');
      expect(added.join('\n')).toContain("gitlab_rails['omniauth_allow_single_sign_on']");
      expect(parseRuby(content).errors).toEqual([]);
      expect(readBack(content)).toMatchObject({
        clientId: '0oa1fixture2client3',
        redirectUri: 'https://gitlab.example.com/users/auth/openid_connect/callback',
      });
      expect(output.nextSteps.join('\n')).toContain(
        'your gitlab.rb sets omniauth_block_auto_created_users (line 10) to false; the merge leaves it',
      );
    });

    it('changes nothing when merged into its own result', () => {
      const content = rubyOf(merge(EXISTING));
      const again = merge(content);
      expect(rubyOf(again)).toBe(content);
      expect(again.nextSteps[0]).toContain('The merge changes nothing');
    });

    it('replaces only the lines of its block when the setup changed', () => {
      const first = rubyOf(merge(EXISTING));
      const second = rubyOf(
        merge(first, (document) => {
          document.app.pkceRequired = true;
        }),
      );
      const { removed, added } = changedLines(first, second);
      expect(removed).toEqual([]);
      expect(added).toEqual(['      pkce: true,']);
      expect(readBack(second).clientId).toBe('0oa1fixture2client3');
    });

    it('refuses a file that assigns its own provider list, which a second list would replace', () => {
      expect(() => merge(`${EXISTING}${providerFile(VALID_ARGS)}`)).toThrow(
        "already assigns gitlab_rails['omniauth_providers'] on line 15 (openid_connect)",
      );
    });

    it('refuses a file that is not Ruby, and broken markers', () => {
      expect(() => merge("gitlab_rails['x'] = [\n")).toThrow('is not valid Ruby');
      expect(() => merge('# BEGIN SSO Setup Console: Okta sign-in\n')).toThrow(
        'the export owns exactly the lines between one of each',
      );
    });

    it('is listed as mergeable, so the command line takes --merge-into', () => {
      expect(gitlabExporter.mergeable).toBe(true);
    });
  });
});

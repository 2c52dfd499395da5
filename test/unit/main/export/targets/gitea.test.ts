import { parse as parseIni } from 'ini';
import { describe, expect, it } from 'vitest';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { GITEA_SECRET_VARIABLE, giteaExporter } from '../../../../../main/export/targets/gitea.ts';
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
import { wordsAsShellRunsThem } from '../../../../support/run-config-files.ts';
import {
  EXPORT_VARIANTS,
  targetInputFor,
  variantNamed,
} from '../../../../support/web-target-inputs.ts';

const ADDRESS = { baseUrl: 'https://git.example.com', callbackPath: '/user/oauth2/okta/callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(giteaExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return giteaExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function scriptOf(output: ExportOutput): string {
  return fileNamed(output, 'gitea-add-oauth.sh').content;
}

function iniOf(output: ExportOutput): string {
  return fileNamed(output, 'app.ini').content;
}

const INI = '[server]\nROOT_URL = https://git.example.com/\n';

const SCRIPT = [
  'gitea admin auth add-oauth --name okta --provider openidConnect --key 0oa1 \\',
  '  --secret "$S" --auto-discover-url https://acme.okta.com/.well-known/openid-configuration \\',
  '  --scopes openid,email',
].join('\n');

function readBack(script: string, ini = INI) {
  return read([fileOf('gitea-add-oauth.sh', 'dotenv', script), fileOf('app.ini', 'ini', ini)]);
}

describe('giteaExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['gitea-add-oauth.sh', 'app.ini']);
    await expect(scriptOf(output)).toMatchFileSnapshot(
      `./__golden__/gitea/${variant.name}/gitea-add-oauth.sh`,
    );
    await expect(iniOf(output)).toMatchFileSnapshot(`./__golden__/gitea/${variant.name}/app.ini`);
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/gitea/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(read(giteaExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: GITEA_SECRET_VARIABLE },
      redirectUri: 'https://git.example.com/user/oauth2/okta/callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each(EXPORT_VARIANTS)(
    '/bin/sh passes gitea exactly the flags the reader read ($name)',
    (variant) => {
      const output = exportFor(variant);
      const calls = wordsAsShellRunsThem(scriptOf(output), 'gitea', {
        [GITEA_SECRET_VARIABLE]: 'the secret from the environment',
      });
      expect(calls).toHaveLength(1);
      const args = calls[0] ?? [];
      const flag = (name: string) => args[args.indexOf(name) + 1];
      const reading = read(output.files);
      expect(args.slice(0, 3)).toEqual(['admin', 'auth', 'add-oauth']);
      expect(flag('--name')).toBe('okta');
      expect(flag('--provider')).toBe('openidConnect');
      expect(flag('--key')).toBe(reading.clientId);
      expect(flag('--secret')).toBe(
        variant.secret.kind === 'inline'
          ? FIXTURE_CLIENT_SECRET
          : 'the secret from the environment',
      );
      expect(flag('--auto-discover-url')).toBe(
        `${reading.issuer}/.well-known/openid-configuration`,
      );
      expect(flag('--scopes')?.split(',')).toEqual(reading.scopes);
      expect(args.includes('--group-claim-name')).toBe(variant.groups);
    },
  );

  it('writes an app.ini whose ROOT_URL Gitea builds the registered callback from', () => {
    const tree = parseIni(iniOf(exportFor())) as Record<string, Record<string, unknown>>;
    expect(tree.server).toEqual({ ROOT_URL: 'https://git.example.com/' });
    expect(tree.oauth2_client).toEqual({
      ENABLE_AUTO_REGISTRATION: true,
      USERNAME: 'email',
      ACCOUNT_LINKING: 'login',
    });
  });

  it('names what decides the first sign-in: what the export set, what the admin decides', () => {
    const steps = exportFor(variantNamed('custom-groups-inline')).nextSteps.join('\n');
    expect(steps).toContain('ENABLE_AUTO_REGISTRATION = true, USERNAME = email');
    expect(steps).toContain('ALLOW_ONLY_INTERNAL_REGISTRATION');
    expect(steps).toContain('--group-claim-name groups but no --admin-group');
    expect(steps).toContain('update-oauth --id');
  });

  it('reads Forgejo, --flag=value, repeated --scopes and global flags as urfave/cli does', () => {
    const reading = readBack(
      [
        'sudo -u git /usr/local/bin/forgejo --config /etc/forgejo/app.ini admin auth add-oauth \\',
        '  --name=okta --provider=openidConnect --key 0oa1 --secret=literal-secret \\',
        '  --auto-discover-url https://acme.okta.com/oauth2/default/.well-known/openid-configuration \\',
        '  --scopes email --scopes profile,groups --skip-local-2fa',
      ].join('\n'),
    );
    expect(reading.issuer).toBe('https://acme.okta.com/oauth2/default');
    expect(reading.clientSecret).toEqual({ kind: 'inline', value: 'literal-secret' });
    // goth appends openid when the list lacks it.
    expect(reading.scopes).toEqual(['email', 'profile', 'groups', 'openid']);
  });

  it('reads a secret written --secret="$VARIABLE" from that variable', () => {
    expect(readBack(SCRIPT.replace('--secret "$S"', '--secret="$S"')).clientSecret).toEqual({
      kind: 'environment',
      variable: 'S',
    });
  });

  it('reads the scopes as Gitea sends them: openid alone without --scopes, app.ini’s over the source’s', () => {
    const withoutScopes = SCRIPT.replace(/ \\\n {2}--scopes openid,email$/, '');
    expect(readBack(withoutScopes).scopes).toEqual(['openid']);
    expect(
      readBack(SCRIPT, `${INI}[oauth2_client]\nOPENID_CONNECT_SCOPES = openid email profile\n`)
        .scopes,
    ).toEqual(['openid', 'email', 'profile']);
  });

  it('builds the callback from Gitea’s default ROOT_URL, normalized to one slash', () => {
    expect(
      readBack(SCRIPT, '[server]\nDOMAIN = git.internal\nHTTP_PORT = 8080\n').redirectUri,
    ).toBe('http://git.internal:8080/user/oauth2/okta/callback');
    expect(readBack(SCRIPT, '[server]\nROOT_URL = https://git.example.com\n').redirectUri).toBe(
      'https://git.example.com/user/oauth2/okta/callback',
    );
    expect(readBack(SCRIPT.replace('--name okta', "--name 'Okta SSO'")).redirectUri).toBe(
      'https://git.example.com/user/oauth2/Okta%20SSO/callback',
    );
  });

  it.each([
    [SCRIPT.replace('openidConnect', 'gitlab'), 'not openidConnect'],
    [SCRIPT.replace('--key 0oa1', '--key 0oa1 --nonsense x'), 'no flag --nonsense'],
    [SCRIPT.replace('/.well-known/openid-configuration', ''), 'ending in /.well-known'],
    [`${SCRIPT}\n${SCRIPT}`, '2 times'],
    [SCRIPT.replace('--secret "$S"', '--secret "$(cat secret)"'), 'command substitution'],
    [SCRIPT.replace('--name okta', '--name "$NAME"'), 'must be written out'],
    ['echo nothing here', 'runs no "admin auth add-oauth"'],
    [SCRIPT.replace('gitea admin', 'tea admin'), 'not run by gitea or forgejo'],
  ])('refuses a broken script clearly (%#)', (script, message) => {
    expect(() => readBack(script)).toThrow(ExportReadError);
    expect(() => readBack(script)).toThrow(message);
  });

  it('refuses without its app.ini, which holds the ROOT_URL of the callback', () => {
    expect(() => read([fileOf('gitea-add-oauth.sh', 'dotenv', SCRIPT)])).toThrow('no app.ini');
  });

  it('refuses a source name Gitea would percent-encode into the callback', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.target.clientKey = 'Okta SSO';
      }),
    ).toThrow('would percent-encode it (Okta%20SSO)');
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.target.clientKey = 'a b/c;d,e?f$&+:=@~';
      }),
    ).toThrow('would percent-encode it (a%20b%2Fc%3Bd%2Ce%3Ff$&+:=@~)');
  });

  it('refuses when the app does not register the callback Gitea sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://git.example.com/callback'];
      }),
    ).toThrow('sends the redirect URI https://git.example.com/user/oauth2/okta/callback');
  });

  it('warns when the app requires PKCE, which released Gitea does not send', () => {
    expect(exportFor().warnings.join('\n')).not.toContain('PKCE');
    const output = exportFor(REFERENCE, (document) => {
      document.app.pkceRequired = true;
    });
    expect(output.warnings.join('\n')).toContain('The app requires PKCE');
  });

  it('refuses a public client', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.tokenEndpointAuthMethod = 'none';
      }),
    ).toThrow('has no secret');
  });
});

describe('Gitea’s preset', () => {
  it('makes an app whose export sends the preset’s callback, without PKCE, with the basic method', () => {
    const input = exportInputFor('gitea');
    const output = giteaExporter.export(input);
    const reading = read(output.files);
    const uris = PRESETS.gitea.uris('http://localhost:3000', 'okta');
    expect(reading.redirectUri).toBe(uris.callback);
    expect(uris).toEqual({
      callback: 'http://localhost:3000/user/oauth2/okta/callback',
      signOut: undefined,
      initiateLogin: 'http://localhost:3000/user/oauth2/okta',
    });
    expect(reading.tokenEndpointAuthMethod).toBe(input.document.app.tokenEndpointAuthMethod);
    expect(input.document.app.pkceRequired).toBe(false);
    expect(reading.scopes).toEqual(['openid', 'profile', 'email', 'groups']);
    expect(output.warnings.join('\n')).not.toMatch(/registered redirect URI that .* can send is/);
  });
});

import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { kestraExporter } from '../../../../../main/export/targets/kestra.ts';
import { exportInputFor, FIXTURE_CLIENT_SECRET } from '../../../../support/export-fixtures.ts';
import { changedLines } from '../../../../support/merge-assertions.ts';

const INLINE = { kind: 'inline', value: FIXTURE_CLIENT_SECRET } as const;

/** An application.yml as an admin keeps it: comments, other settings, another client. */
const EXISTING_APPLICATION_YML = `# Kestra on the build host
datasources:
  postgres:
    url: jdbc:postgresql://postgres:5432/kestra # the compose service
    username: kestra
kestra:
  repository:
    type: postgres
  # where flows keep their files
  storage:
    type: local
micronaut:
  server:
    port: 8080
  security:
    oauth2:
      clients:
        github:
          client-id: "Iv1.abc"
`;

function onlyFile(output: ReturnType<typeof kestraExporter.export>) {
  const [file] = output.files;
  if (file === undefined || output.files.length !== 1) {
    throw new Error('Kestra exports exactly one file.');
  }
  return file;
}

function read(content: string) {
  if (kestraExporter.read === undefined) {
    throw new Error('Kestra is verifiable, so it has a reader.');
  }
  return kestraExporter.read([
    { name: 'application.yml', language: 'yaml', content, sensitive: false, purpose: '' },
  ]);
}

describe('kestraExporter', () => {
  it.each([
    ['org', 'reference'],
    ['org', 'inline'],
    ['custom', 'reference'],
    ['custom', 'inline'],
  ] as const)(
    'writes the golden application.yml (%s server, %s secret)',
    async (server, secret) => {
      const output = kestraExporter.export(
        exportInputFor('kestra', { server, secret: secret === 'inline' ? INLINE : undefined }),
      );
      await expect(onlyFile(output).content).toMatchFileSnapshot(
        `./__golden__/kestra/${server}-${secret}/application.yml`,
      );
    },
  );

  it('writes the Micronaut client under its callback key, with logout and kestra.url', () => {
    const file = onlyFile(kestraExporter.export(exportInputFor('kestra')));
    expect(file).toMatchObject({ name: 'application.yml', language: 'yaml', sensitive: false });
    expect(parse(file.content)).toEqual({
      micronaut: {
        security: {
          oauth2: {
            enabled: true,
            clients: {
              okta: {
                'client-id': '0oa1fixture2client3',
                'client-secret': '${OKTA_CLIENT_SECRET}',
                scopes: ['openid', 'profile', 'email'],
                token: { 'auth-method': 'client_secret_basic' },
                openid: { issuer: 'https://acme.okta.com', 'end-session': { enabled: true } },
              },
            },
            openid: { 'end-session': { 'redirect-uri': '/logout' } },
          },
          endpoints: { logout: { 'get-allowed': true } },
        },
      },
      kestra: { url: 'http://localhost:8080/' },
    });
  });

  it('quotes every string value (targets.md §2, pitfall 6)', () => {
    const file = onlyFile(kestraExporter.export(exportInputFor('kestra')));
    for (const line of file.content.split('\n')) {
      const value = /^\s*(?:- |[\w-]+: )(.+)$/.exec(line)?.[1];
      if (value !== undefined && value !== 'true' && value !== 'false') {
        expect(value, line).toMatch(/^".*"$/);
      }
    }
  });

  it('keeps the secret out of the file unless asked to inline it', () => {
    const referenced = kestraExporter.export(exportInputFor('kestra'));
    expect(onlyFile(referenced).content).not.toContain(FIXTURE_CLIENT_SECRET);
    expect(referenced.nextSteps.join(' ')).toContain('OKTA_CLIENT_SECRET');

    const inlined = kestraExporter.export(exportInputFor('kestra', { secret: INLINE }));
    expect(onlyFile(inlined).sensitive).toBe(true);
    expect(parse(onlyFile(inlined).content)).toHaveProperty(
      ['micronaut', 'security', 'oauth2', 'clients', 'okta', 'client-secret'],
      FIXTURE_CLIENT_SECRET,
    );
    expect(inlined.warnings.join(' ')).toContain('0600');
  });

  it('adds the groups scope and Kestra’s groups claim path when the document wants groups', () => {
    const output = kestraExporter.export(
      exportInputFor('kestra', {
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
    const tree: unknown = parse(onlyFile(output).content);
    expect(tree).toHaveProperty(
      ['micronaut', 'security', 'oauth2', 'clients', 'okta', 'scopes'],
      ['openid', 'profile', 'email', 'groups'],
    );
    expect(tree).toHaveProperty(['kestra', 'security', 'oidc', 'groups-claim-path'], 'groups');
  });

  it('disables end-session when no sign-out URI is registered, and says so', () => {
    const output = kestraExporter.export(
      exportInputFor('kestra', {
        adjust: (document) => (document.app.postLogoutRedirectUris = []),
      }),
    );
    const tree: unknown = parse(onlyFile(output).content);
    expect(tree).toHaveProperty(
      ['micronaut', 'security', 'oauth2', 'clients', 'okta', 'openid', 'end-session', 'enabled'],
      false,
    );
    expect(tree).not.toHaveProperty(['micronaut', 'security', 'endpoints']);
    expect(output.warnings.join(' ')).toContain('http://localhost:8080/logout');
  });

  it('merges into an existing application.yml, keeping its comments and other settings', async () => {
    const output = kestraExporter.export(
      exportInputFor('kestra', { mergeInto: EXISTING_APPLICATION_YML }),
    );
    const content = onlyFile(output).content;
    await expect(content).toMatchFileSnapshot('./__golden__/kestra/merged/application.yml');
    for (const comment of [
      '# Kestra on the build host',
      '# the compose service',
      '# where flows keep their files',
    ]) {
      expect(content).toContain(comment);
    }
    const before = parse(EXISTING_APPLICATION_YML) as Record<string, Record<string, unknown>>;
    const after = parse(content) as typeof before;
    expect(after.datasources).toEqual(before.datasources);
    expect(after.kestra).toMatchObject(before.kestra ?? {});
    expect(after.micronaut).toHaveProperty(['server', 'port'], 8080);
    expect(after.micronaut).toHaveProperty(
      ['security', 'oauth2', 'clients', 'github', 'client-id'],
      'Iv1.abc',
    );
    expect(after.micronaut).toHaveProperty(
      ['security', 'oauth2', 'clients', 'okta', 'client-id'],
      '0oa1fixture2client3',
    );
    // Pitfall 5: one document, one top-level micronaut key.
    expect(content.match(/^micronaut:/gm)).toHaveLength(1);
    expect(parseDocument(content).errors).toEqual([]);
  });

  it('merges by adding lines only, so every line of the existing file stays byte for byte', () => {
    const content = onlyFile(
      kestraExporter.export(exportInputFor('kestra', { mergeInto: EXISTING_APPLICATION_YML })),
    ).content;
    expect(changedLines(EXISTING_APPLICATION_YML, content).removed).toEqual([]);
  });

  it('leaves a kestra.url that is already right as written, comment and all (issue 21)', () => {
    const existing = [
      '# Kestra on the build host',
      'kestra:',
      '  url: http://localhost:8080/ # public URL',
      '  repository:',
      '    type:   postgres     # spaced the way the admin likes it',
      'micronaut:',
      '  server:',
      '    port: 8080',
      '  security:',
      '    oauth2:',
      '      clients:',
      '        okta:',
      "          client-id: 'last-years-client' # the client before this one",
      '          scopes: [openid]',
      '',
    ].join('\n');
    const output = kestraExporter.export(exportInputFor('kestra', { mergeInto: existing }));
    const content = onlyFile(output).content;
    const { removed, added } = changedLines(existing, content);
    // Only the two values the export owns and holds differently are rewritten, in place: the
    // changed client id keeps its comment, and nothing else of the file moves.
    expect(removed).toEqual([
      "          client-id: 'last-years-client' # the client before this one",
      '          scopes: [openid]',
    ]);
    expect(added.slice(0, 2)).toEqual([
      '          client-id: "0oa1fixture2client3" # the client before this one',
      '          scopes: ["openid", "profile", "email"]',
    ]);
    expect(content).toContain('\n  url: http://localhost:8080/ # public URL\n');
    expect(output.nextSteps[0]).toContain('kestra.url already held the right value');
    expect(parseDocument(content).errors).toEqual([]);
    expect(read(content)).toMatchObject({
      clientId: '0oa1fixture2client3',
      redirectUri: 'http://localhost:8080/oauth/callback/okta',
      scopes: ['openid', 'profile', 'email'],
    });
    // Merging the merged file again changes nothing: every value is already right.
    const again = kestraExporter.export(exportInputFor('kestra', { mergeInto: content }));
    expect(onlyFile(again).content).toBe(content);
    expect(again.nextSteps[0]).toContain('The merge changes nothing');
  });

  it('keeps kestra.url written without its trailing slash, since it names the same address', () => {
    const existing = 'kestra:\n  url: http://localhost:8080 # no slash\n';
    const content = onlyFile(
      kestraExporter.export(exportInputFor('kestra', { mergeInto: existing })),
    ).content;
    expect(content.startsWith(existing)).toBe(true);
    expect(read(content).redirectUri).toBe('http://localhost:8080/oauth/callback/okta');
  });

  it('refuses to merge into a file that is not YAML', () => {
    expect(() =>
      kestraExporter.export(exportInputFor('kestra', { mergeInto: 'micronaut:\n  - a\n b: [' })),
    ).toThrow(/application\.yml to merge into is not valid YAML/);
  });

  it('refuses to merge into a file whose kestra.url points elsewhere', () => {
    expect(() =>
      kestraExporter.export(
        exportInputFor('kestra', { mergeInto: 'kestra:\n  url: https://kestra.example.com/\n' }),
      ),
    ).toThrow(/says Kestra is at "https:\/\/kestra\.example\.com\/"/);
  });

  it('refuses a client key Micronaut would bind differently from the callback', () => {
    expect(() =>
      kestraExporter.export(
        exportInputFor('kestra', {
          adjust: (document) => {
            document.target.clientKey = 'okta-sso';
            document.app.redirectUris = ['http://localhost:8080/oauth/callback/okta-sso'];
          },
        }),
      ),
    ).toThrow(/lowercase letters and digits/);
  });

  it('refuses when the callback Kestra will send is not registered', () => {
    expect(() =>
      kestraExporter.export(
        exportInputFor('kestra', {
          adjust: (document) => (document.app.redirectUris = ['http://localhost:8080/callback']),
        }),
      ),
    ).toThrow(
      /will send the redirect URI "http:\/\/localhost:8080\/oauth\/callback\/okta", but the app does not register it/,
    );
  });

  it('refuses to export a placeholder issuer (pre-export lint)', () => {
    const input = exportInputFor('kestra');
    input.facts.discovery.issuer = 'https://{yourOktaDomain}';
    expect(() => kestraExporter.export(input)).toThrow(
      /Cannot export for Kestra: .*yourOktaDomain/,
    );
  });

  it.each([
    ['org', 'reference'],
    ['custom', 'inline'],
  ] as const)('reads back what it wrote (%s server, %s secret)', (server, secret) => {
    const output = kestraExporter.export(
      exportInputFor('kestra', { server, secret: secret === 'inline' ? INLINE : undefined }),
    );
    expect(read(onlyFile(output).content)).toEqual({
      issuer:
        server === 'org'
          ? 'https://acme.okta.com'
          : 'https://acme.okta.com/oauth2/aus1fixture2default3',
      clientId: '0oa1fixture2client3',
      clientSecret:
        secret === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OKTA_CLIENT_SECRET' },
      redirectUri: 'http://localhost:8080/oauth/callback/okta',
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads the merged file, skipping a client with no openid block', () => {
    const output = kestraExporter.export(
      exportInputFor('kestra', { mergeInto: EXISTING_APPLICATION_YML }),
    );
    expect(read(onlyFile(output).content).redirectUri).toBe(
      'http://localhost:8080/oauth/callback/okta',
    );
  });

  it('reads the way Micronaut does: default scopes, ${VAR:default} placeholders', () => {
    const reading = read(`micronaut:
  security:
    oauth2:
      clients:
        okta:
          client-id: "abc"
          client-secret: "\${okta.client.secret:}"
          openid:
            issuer: "https://acme.okta.com"
kestra:
  url: "https://kestra.example.com/"
`);
    expect(reading).toMatchObject({
      clientSecret: { kind: 'environment', variable: 'OKTA_CLIENT_SECRET' },
      scopes: ['openid', 'email', 'profile'],
      redirectUri: 'https://kestra.example.com/oauth/callback/okta',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it.each([
    ['not YAML', 'micronaut: [', /not valid YAML/],
    ['no clients', 'micronaut:\n  security: {}\n', /no micronaut\.security\.oauth2\.clients/],
    [
      'no kestra.url',
      'micronaut:\n  security:\n    oauth2:\n      clients:\n        okta:\n          client-id: "a"\n          client-secret: "b"\n          openid:\n            issuer: "https://acme.okta.com"\n',
      /kestra\.url is missing/,
    ],
    [
      'an issuer that is not a URL',
      'micronaut:\n  security:\n    oauth2:\n      clients:\n        okta:\n          client-id: "a"\n          openid:\n            issuer: "acme"\n',
      /openid\.issuer must be an absolute URL/,
    ],
  ])('says clearly what is wrong with a file with %s', (_what, content, message) => {
    expect(() => read(content)).toThrow(ExportReadError);
    expect(() => read(content)).toThrow(message);
  });

  it('says the file is missing', () => {
    expect(() => kestraExporter.read?.([])).toThrow(/application\.yml is missing/);
  });
});

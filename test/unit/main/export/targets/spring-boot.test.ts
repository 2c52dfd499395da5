import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { springBootExporter } from '../../../../../main/export/targets/spring-boot.ts';
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

const ADDRESS = { baseUrl: 'http://localhost:8080', callbackPath: '/login/oauth2/code/okta' };
const REFERENCE = variantNamed('org-reference');
const INLINE = variantNamed('org-inline');
const read = readerOf(springBootExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return springBootExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

function yamlOf(output: ReturnType<typeof exportFor>): string {
  return fileNamed(output, 'application.yml').content;
}

function readBack(content: string) {
  return read([fileOf('application.yml', 'yaml', content)]);
}

describe('springBootExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    expect(output.files.map((file) => file.name)).toEqual(['application.yml']);
    await expect(yamlOf(output)).toMatchFileSnapshot(
      `./__golden__/spring-boot/${variant.name}/application.yml`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/spring-boot/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes the okta.oauth2 tree with the secret as an environment placeholder', () => {
    const tree = parseYaml(yamlOf(exportFor())) as Record<string, unknown>;
    expect(tree).toEqual({
      okta: {
        oauth2: {
          issuer: 'https://acme.okta.com',
          'client-id': '0oa1fixture2client3',
          'client-secret': '${OKTA_OAUTH2_CLIENT_SECRET}',
          scopes: ['openid', 'profile', 'email'],
          'post-logout-redirect-uri': 'http://localhost:8080',
        },
      },
      spring: {
        security: {
          oauth2: {
            client: {
              registration: {
                okta: { 'redirect-uri': 'http://localhost:8080/login/oauth2/code/okta' },
              },
            },
          },
        },
      },
    });
    expect(exportFor().nextSteps.join('\n')).toContain('OKTA_OAUTH2_CLIENT_SECRET');
  });

  it('writes the custom server issuer, its scopes and the groups claim', () => {
    const tree = parseYaml(yamlOf(exportFor(variantNamed('custom-groups-inline')))) as {
      okta: { oauth2: Record<string, unknown> };
    };
    expect(tree.okta.oauth2).toMatchObject({
      issuer: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      'client-secret': FIXTURE_CLIENT_SECRET,
      scopes: ['openid', 'profile', 'email', 'groups'],
      'groups-claim': 'groups',
    });
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    const reading = readBack(yamlOf(springBootExporter.export(input)));
    expect(reading).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OKTA_OAUTH2_CLIENT_SECRET' },
      redirectUri: 'http://localhost:8080/login/oauth2/code/okta',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('sends client_secret_post when the app is registered for it, and reads it back', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.tokenEndpointAuthMethod = 'client_secret_post';
    });
    expect(yamlOf(output)).toContain('client-authentication-method: client_secret_post');
    expect(readBack(yamlOf(output)).tokenEndpointAuthMethod).toBe('client_secret_post');
  });

  it('writes no secret for a public client, which Spring then signs in with PKCE', () => {
    const output = exportFor(INLINE, (document) => {
      document.app.tokenEndpointAuthMethod = 'none';
      document.app.pkceRequired = true;
    });
    expect(yamlOf(output)).not.toContain('client-secret');
    expect(fileNamed(output, 'application.yml').sensitive).toBe(false);
    const reading = readBack(yamlOf(output));
    expect(reading.clientSecret).toEqual({ kind: 'none' });
    expect(reading.tokenEndpointAuthMethod).toBe('none');
  });

  it('reads nested and dotted keys and relaxed names the way Spring binds them', () => {
    const reading = readBack(
      [
        'okta.oauth2:',
        '  issuer: https://acme.okta.com',
        '  clientId: 0oa1',
        '  client_secret: ${MY_SECRET:}',
        '  scopes: openid, email',
        'spring.security.oauth2.client.registration.okta.redirect-uri: https://app.example.com/login/oauth2/code/okta',
      ].join('\n'),
    );
    expect(reading).toMatchObject({
      clientId: '0oa1',
      clientSecret: { kind: 'environment', variable: 'MY_SECRET' },
      scopes: ['openid', 'email'],
      redirectUri: 'https://app.example.com/login/oauth2/code/okta',
    });
  });

  it.each([
    ['okta: [unclosed', 'not valid YAML'],
    ['okta:\n  oauth2:\n    client-id: 0oa1\n', 'redirect-uri'],
    [
      'okta.oauth2.client-id: 0oa1\nspring.security.oauth2.client.registration.okta.redirect-uri: "{baseUrl}/login/oauth2/code/okta"\n',
      'absolute URI',
    ],
    [
      'okta.oauth2.client-id: 0oa1\nspring.security.oauth2.client.registration.okta.redirect-uri: https://a.example.com/login/oauth2/code/okta\n',
      'does not set okta.oauth2.issuer',
    ],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('refuses an export without application.yml', () => {
    expect(() => read([])).toThrow('no application.yml');
  });

  it('refuses to export a placeholder issuer', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.facts.discovery.issuer = 'https://{yourOktaDomain}/oauth2/default';
    expect(() => springBootExporter.export(input)).toThrow('{yourOktaDomain}');
  });

  it('refuses when the app does not register the callback Spring sends', () => {
    const input = targetInputFor(ADDRESS, REFERENCE, (document) => {
      document.app.redirectUris = ['http://localhost:8080/authorization-code/callback'];
    });
    expect(() => springBootExporter.export(input)).toThrow(
      'sends the redirect URI http://localhost:8080/login/oauth2/code/okta',
    );
  });
});

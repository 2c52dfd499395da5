import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

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
import { changedLines } from '../../../../support/merge-assertions.ts';
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

  describe('merging into an existing application.yml', () => {
    const EXISTING = [
      '# Acme orders service',
      'spring:',
      '  profiles:',
      '    active: local   # activates a profile: no condition on this document',
      '  application:',
      '    name: orders   # shows in the logs',
      '  datasource:',
      '    url: jdbc:postgresql://db:5432/orders',
      '    password: ${DB_PASSWORD}',
      '  security:',
      '    oauth2:',
      '      client:',
      '        registration:',
      '          okta:',
      '            client-id: last-years-client   # must agree with okta.oauth2',
      'okta:',
      '  oauth2:',
      '    issuer: https://acme.okta.com   # the org server',
      '    clientId: last-years-client',
      'server:',
      '  port: 8080',
      '---',
      'spring:',
      '  config:',
      '    activate:',
      '      on-profile: test',
      'okta:',
      '  oauth2:',
      '    issuer: https://test.example.com',
      '',
    ].join('\n');

    function merge(mergeInto: string) {
      return springBootExporter.export({ ...targetInputFor(ADDRESS, REFERENCE), mergeInto });
    }

    it('changes only the keys it owns, in place, keeping an unchanged issuer and its comment', () => {
      const output = merge(EXISTING);
      const content = yamlOf(output);
      const { removed, added } = changedLines(EXISTING, content);
      // Spring's relaxed names: clientId is client-id, so it is replaced, never duplicated; the
      // registration's client id wins over okta.oauth2 in Spring, so it is kept in agreement.
      expect(removed).toEqual([
        '            client-id: last-years-client   # must agree with okta.oauth2',
        '    clientId: last-years-client',
      ]);
      expect(added).toContain(
        '            client-id: 0oa1fixture2client3   # must agree with okta.oauth2',
      );
      expect(added).toContain('    clientId: 0oa1fixture2client3');
      expect(content).toContain('\n    issuer: https://acme.okta.com   # the org server\n');
      expect(content.match(/client-id|clientId/g)).toHaveLength(2);

      const documents = parseAllDocuments(content);
      expect(Array.isArray(documents) && documents.every((doc) => doc.errors.length === 0)).toBe(
        true,
      );
      expect(readBack(content)).toEqual({
        issuer: 'https://acme.okta.com',
        clientId: '0oa1fixture2client3',
        clientSecret: { kind: 'environment', variable: 'OKTA_OAUTH2_CLIENT_SECRET' },
        redirectUri: 'http://localhost:8080/login/oauth2/code/okta',
        scopes: ['openid', 'profile', 'email'],
        tokenEndpointAuthMethod: 'client_secret_basic',
      });
      expect(output.warnings.join('\n')).toContain(
        'the profile "test" also sets okta.oauth2.issuer',
      );
      expect(output.nextSteps.join('\n')).toContain(
        'okta.oauth2.issuer already held the right value',
      );
    });

    it('changes nothing when merged into its own result', () => {
      const content = yamlOf(merge(EXISTING));
      const again = merge(content);
      expect(yamlOf(again)).toBe(content);
      expect(again.nextSteps.join('\n')).toContain('The merge changes nothing');
    });

    it('is listed as mergeable, so the command line takes --merge-into', () => {
      expect(springBootExporter.mergeable).toBe(true);
    });

    it('refuses a file whose every document applies to a profile only', () => {
      expect(() =>
        merge('spring:\n  config:\n    activate:\n      on-profile: a\n---\nspring.profiles: b\n'),
      ).toThrow('every one applies to a profile only');
    });
  });

  it('reads only the documents Spring uses without a profile', () => {
    const content = [
      'okta.oauth2.issuer: https://acme.okta.com',
      'okta.oauth2.client-id: 0oa1',
      'okta.oauth2.scopes: openid,email',
      'spring.security.oauth2.client.registration.okta.redirect-uri: http://localhost:8080/login/oauth2/code/okta',
      '---',
      'spring.config.activate.on-profile: prod',
      'okta.oauth2.issuer: https://prod.example.com',
    ].join('\n');
    expect(readBack(content).issuer).toBe('https://acme.okta.com');
  });

  it('tells the admin the starter refuses an issuer that is not https', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.facts.discovery.issuer = 'http://127.0.0.1:7000';
    const output = springBootExporter.export(input);
    expect(output.warnings[0]).toContain('okta-spring-boot-starter will refuse to start with it');
    expect(output.nextSteps.join('\n')).toContain(
      'spring.security.oauth2.client.provider.okta.issuer-uri',
    );
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

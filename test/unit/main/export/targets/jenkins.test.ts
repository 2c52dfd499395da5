import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import {
  exportJenkinsFor,
  jenkinsExporter,
  oicPluginLineOf,
} from '../../../../../main/export/targets/jenkins.ts';
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

const BASE = 'https://ci.example.com';
const CALLBACK = `${BASE}/securityRealm/finishLogin`;
const ADDRESS = { baseUrl: BASE, callbackPath: '/securityRealm/finishLogin' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(jenkinsExporter);

/** The app as the Jenkins preset makes it: PKCE required. */
function asPreset(document: SetupDocument): void {
  document.app.pkceRequired = PRESETS.jenkins.app.pkceRequired;
}

function inputFor(
  variant: Omit<ExportVariant, 'name'> = REFERENCE,
  adjust?: (document: SetupDocument) => void,
) {
  return targetInputFor(ADDRESS, variant, (document) => {
    asPreset(document);
    adjust?.(document);
  });
}

function yamlOf(output: ExportOutput): string {
  return fileNamed(output, 'jenkins.yaml').content;
}

function readBack(content: string) {
  return read([fileOf('jenkins.yaml', 'yaml', content)]);
}

const VALID = `
jenkins:
  securityRealm:
    oic:
      clientId: 0oa1
      clientSecret: \${OKTA_CLIENT_SECRET}
      serverConfiguration:
        wellKnown:
          wellKnownOpenIDConfigurationUrl: https://acme.okta.com/.well-known/openid-configuration
          scopesOverride: openid profile email
      properties: [pkce]
unclassified:
  location:
    url: https://ci.example.com
`;

describe('jenkinsExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = jenkinsExporter.export(inputFor(variant));
    expect(output.files.map((file) => file.name)).toEqual(['jenkins.yaml']);
    await expect(yamlOf(output)).toMatchFileSnapshot(
      `./__golden__/jenkins/${variant.name}/jenkins.yaml`,
    );
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/jenkins/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes the 4.600 shape: serverConfiguration, scopesOverride, a properties list', () => {
    expect(parseYaml(yamlOf(jenkinsExporter.export(inputFor())))).toEqual({
      jenkins: {
        securityRealm: {
          oic: {
            clientId: '0oa1fixture2client3',
            clientSecret: '${OKTA_CLIENT_SECRET}',
            serverConfiguration: {
              wellKnown: {
                wellKnownOpenIDConfigurationUrl:
                  'https://acme.okta.com/.well-known/openid-configuration',
                scopesOverride: 'openid profile email',
              },
            },
            userNameField: 'preferred_username',
            fullNameFieldName: 'name',
            emailFieldName: 'email',
            logoutFromOpenidProvider: true,
            postLogoutRedirectUrl: BASE,
            properties: ['pkce'],
          },
        },
      },
      unclassified: { location: { url: `${BASE}/` } },
    });
  });

  it('writes the flat pkceEnabled for plugins 4.350 up to 4.600, and reads it back', () => {
    const output = exportJenkinsFor(inputFor(), oicPluginLineOf('4.453.v4d7765c854f4'));
    const oic = (parseYaml(yamlOf(output)) as { jenkins: { securityRealm: { oic: object } } })
      .jenkins.securityRealm.oic;
    expect(oic).toMatchObject({ pkceEnabled: true });
    expect(oic).not.toHaveProperty('properties');
    expect(yamlOf(output)).toContain('4.350 up to (not including) 4.600');
    expect(read(output.files).redirectUri).toBe(CALLBACK);
  });

  it('writes for the version the admin names (--target-version), and refuses one it cannot', () => {
    const named = jenkinsExporter.export({ ...inputFor(), targetVersion: '4.453.v4d7765c854f4' });
    expect(yamlOf(named)).toBe(
      yamlOf(exportJenkinsFor(inputFor(), oicPluginLineOf('4.453.v4d7765c854f4'))),
    );
    expect(yamlOf(jenkinsExporter.export(inputFor()))).toBe(
      yamlOf(exportJenkinsFor(inputFor(), '4.600')),
    );
    expect(() => jenkinsExporter.export({ ...inputFor(), targetVersion: '1.8' })).toThrow(
      /Update the OpenID Connect Authentication plugin to 4\.350 or later/,
    );
  });

  it('refuses an address holding ${, which Configuration as Code would expand on load', () => {
    const evil = 'https://j.example.com/${readFile:/var/jenkins_home/secrets/master.key}';
    expect(() =>
      jenkinsExporter.export(
        inputFor(REFERENCE, (document) => {
          document.target.baseUrl = evil;
          document.app.redirectUris = [`${evil}/securityRealm/finishLogin`];
          document.app.postLogoutRedirectUris = [`${evil}/`];
        }),
      ),
    ).toThrow(/would expand when it loads the file/);
  });

  it('tells the plugin line from the version Jenkins shows', () => {
    expect(oicPluginLineOf('4.600.vd5a_61e076596')).toBe('4.600');
    expect(oicPluginLineOf('4.715.vf202e4229f61')).toBe('4.600');
    expect(oicPluginLineOf('4.350.v347c3b_8b_9d95')).toBe('4.350');
    expect(() => oicPluginLineOf('4.346')).toThrow('Update the OpenID Connect Authentication');
    expect(() => oicPluginLineOf('latest')).toThrow('is not an oic-auth plugin version');
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = inputFor(variant);
    expect(read(jenkinsExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'OKTA_CLIENT_SECRET' },
      redirectUri: CALLBACK,
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('escapes a ${ in an inlined secret the way JCasC reads it, and reads it back', () => {
    const secret = 'abc${HOME}def';
    const output = jenkinsExporter.export(
      targetInputFor(ADDRESS, { ...REFERENCE, secret: { kind: 'inline', value: secret } }),
    );
    expect(yamlOf(output)).toContain('abc^${HOME}def');
    expect(read(output.files).clientSecret).toEqual({ kind: 'inline', value: secret });
  });

  it('reads the manual configuration with the plugin’s defaults', () => {
    const manual = VALID.replace(
      /wellKnown:\n.*\n.*\n/,
      'manual:\n          issuer: https://acme.okta.com\n          authorizationServerUrl: https://acme.okta.com/oauth2/v1/authorize\n          tokenServerUrl: https://acme.okta.com/oauth2/v1/token\n',
    );
    expect(readBack(manual)).toMatchObject({
      issuer: 'https://acme.okta.com',
      scopes: ['openid', 'email'],
      tokenEndpointAuthMethod: 'client_secret_post',
      redirectUri: CALLBACK,
    });
  });

  it.each([
    ['jenkins: [', 'not valid YAML'],
    [
      VALID.replace(
        '      properties: [pkce]',
        '      properties: [pkce]\n      pkceEnabled: true',
      ),
      'moved into properties',
    ],
    [
      VALID.replace('          scopesOverride: openid profile email\n', ''),
      'sets no scopesOverride',
    ],
    [VALID.replace('/.well-known/openid-configuration', ''), 'is not a discovery URL'],
    [VALID.replace('    url: https://ci.example.com\n', ''), 'unclassified.location.url'],
    [
      VALID.replace(
        '      clientId: 0oa1',
        '      clientId: 0oa1\n      wellKnownOpenIDConfigurationUrl: x',
      ),
      '4.346 and earlier',
    ],
    [VALID.replace('${OKTA_CLIENT_SECRET}', '${readFile:/run/secret}'), 'JCasC expression'],
    [
      VALID.replace('profile email', 'profile email\n        manual: {}'),
      'exactly one of wellKnown and manual',
    ],
    [
      VALID.replace('      properties: [pkce]', '      rootURLFromRequest: true'),
      'rootURLFromRequest',
    ],
  ])('refuses a broken file clearly (%#)', (content, message) => {
    expect(() => readBack(content)).toThrow(ExportReadError);
    expect(() => readBack(content)).toThrow(message);
  });

  it('warns about the traps the admin decides: a way in, the id strategies, no PKCE', () => {
    const output = jenkinsExporter.export(targetInputFor(ADDRESS, REFERENCE));
    const warnings = output.warnings.join('\n');
    expect(warnings).toContain('Keep a way in before you apply');
    expect(warnings).toContain('userIdStrategy');
    expect(warnings).toContain('does not require PKCE');
    expect(output.nextSteps.join('\n')).toContain('Overall/Administer');
  });

  it('refuses a public client and a callback the app does not register', () => {
    expect(() =>
      jenkinsExporter.export(
        inputFor(REFERENCE, (document) => {
          document.app.tokenEndpointAuthMethod = 'none';
        }),
      ),
    ).toThrow('has no secret');
    expect(() =>
      jenkinsExporter.export(
        inputFor(REFERENCE, (document) => {
          document.app.redirectUris = [`${BASE}/securityRealm/callback`];
        }),
      ),
    ).toThrow(`sends the redirect URI ${CALLBACK}`);
  });

  it('is the export its preset’s callback rule and app settings are for', () => {
    const preset = PRESETS.jenkins;
    expect(preset.exportTarget).toBe('jenkins');
    expect(preset.uris(`${BASE}/`, undefined)).toEqual({
      callback: CALLBACK,
      signOut: `${BASE}/`,
      initiateLogin: `${BASE}/securityRealm/commenceLogin`,
    });
    expect(preset.app).toMatchObject({
      pkceRequired: true,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });
});

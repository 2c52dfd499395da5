import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { ExportReadError } from '../../../../../main/export/exporter.ts';
import { argocdExporter } from '../../../../../main/export/targets/argocd.ts';
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

const ADDRESS = { baseUrl: 'https://argocd.example.com', callbackPath: '/auth/callback' };
const REFERENCE = variantNamed('org-reference');
const read = readerOf(argocdExporter);

function exportFor(variant = REFERENCE, adjust?: Parameters<typeof targetInputFor>[2]) {
  return argocdExporter.export(targetInputFor(ADDRESS, variant, adjust));
}

interface ConfigMap {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: { url: string; 'oidc.config': string };
}

function configMapOf(output: ExportOutput): ConfigMap {
  return parseYaml(fileNamed(output, 'argocd-cm.yaml').content) as ConfigMap;
}

function configMapFile(url: string, oidcConfig: string) {
  const content = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: argocd-cm }',
    'data:',
    `  url: ${url}`,
    '  oidc.config: |',
    ...oidcConfig.split('\n').map((line) => `    ${line}`),
  ].join('\n');
  return fileOf('argocd-cm.yaml', 'yaml', content);
}

const VALID_OIDC_CONFIG = [
  'name: Okta',
  'issuer: https://acme.okta.com/oauth2/default',
  'clientID: 0oa1',
  'clientSecret: $oidc.okta.clientSecret',
].join('\n');

describe('argocdExporter', () => {
  it.each(EXPORT_VARIANTS)('writes the golden files ($name)', async (variant) => {
    const output = exportFor(variant);
    for (const file of output.files) {
      await expect(file.content).toMatchFileSnapshot(
        `./__golden__/argocd/${variant.name}/${file.name}`,
      );
    }
    await expect(notesOf(output)).toMatchFileSnapshot(
      `./__golden__/argocd/${variant.name}/notes.txt`,
    );
    expectSecretHandledAsAsked(output, variant.secret);
  });

  it('writes argocd-cm with url and an oidc.config that is YAML itself', () => {
    const output = exportFor();
    expect(output.files.map((file) => file.name)).toEqual(['argocd-cm.yaml']);
    const configMap = configMapOf(output);
    expect(configMap.metadata).toEqual({
      name: 'argocd-cm',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    });
    expect(configMap.data.url).toBe('https://argocd.example.com');
    expect(parseYaml(configMap.data['oidc.config'])).toEqual({
      name: 'Okta',
      issuer: 'https://acme.okta.com',
      clientID: '0oa1fixture2client3',
      clientSecret: '$oidc.okta.clientSecret',
      requestedScopes: ['openid', 'profile', 'email'],
    });
    const patch = output.nextSteps.find((step) => step.includes('patch secret argocd-secret'));
    expect(patch).toContain(
      '-p "{\\"stringData\\":{\\"oidc.okta.clientSecret\\":\\"$ARGOCD_OKTA_CLIENT_SECRET\\"}}"',
    );
  });

  it('writes the argocd-secret key only when the secret is inlined, and asks for the groups claim', () => {
    const output = exportFor(variantNamed('custom-groups-inline'));
    expect(output.files.map((file) => file.name)).toEqual(['argocd-cm.yaml', 'argocd-secret.yaml']);
    expect(parseYaml(fileNamed(output, 'argocd-secret.yaml').content)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'argocd-secret',
        namespace: 'argocd',
        labels: {
          'app.kubernetes.io/name': 'argocd-secret',
          'app.kubernetes.io/part-of': 'argocd',
        },
      },
      type: 'Opaque',
      stringData: { 'oidc.okta.clientSecret': FIXTURE_CLIENT_SECRET },
    });
    expect(parseYaml(configMapOf(output).data['oidc.config'])).toMatchObject({
      issuer: 'https://acme.okta.com/oauth2/aus1fixture2default3',
      clientSecret: '$oidc.okta.clientSecret',
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
      requestedIDTokenClaims: { groups: { essential: true } },
    });
  });

  it('turns on PKCE when the app requires it', () => {
    const output = exportFor(REFERENCE, (document) => {
      document.app.pkceRequired = true;
    });
    expect(parseYaml(configMapOf(output).data['oidc.config'])).toMatchObject({
      enablePKCEAuthentication: true,
    });
  });

  it.each(EXPORT_VARIANTS)('reads back what it wrote ($name)', (variant) => {
    const input = targetInputFor(ADDRESS, variant);
    expect(read(argocdExporter.export(input).files)).toEqual({
      issuer: input.facts.discovery.issuer,
      clientId: '0oa1fixture2client3',
      clientSecret:
        variant.secret.kind === 'inline'
          ? { kind: 'inline', value: FIXTURE_CLIENT_SECRET }
          : { kind: 'environment', variable: 'ARGOCD_OKTA_CLIENT_SECRET' },
      redirectUri: 'https://argocd.example.com/auth/callback',
      scopes: variant.groups
        ? ['openid', 'profile', 'email', 'groups']
        : ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('reads Argo CD’s default scopes and a base64 data key the way Argo CD does', () => {
    const secret = fileOf(
      'argocd-secret.yaml',
      'yaml',
      `kind: Secret\nmetadata: { name: argocd-secret }\ndata:\n  oidc.okta.clientSecret: ${Buffer.from('s3cret').toString('base64')}\n`,
    );
    const reading = read([configMapFile('https://argocd.example.com/', VALID_OIDC_CONFIG), secret]);
    expect(reading).toMatchObject({
      clientSecret: { kind: 'inline', value: 's3cret' },
      scopes: ['openid', 'profile', 'email', 'groups'],
      redirectUri: 'https://argocd.example.com/auth/callback',
    });
  });

  it.each([
    [[fileOf('argocd-cm.yaml', 'yaml', 'data: [unclosed')], 'not valid YAML'],
    [
      [fileOf('argocd-cm.yaml', 'yaml', 'kind: Secret\nmetadata: { name: x }')],
      'not the argocd-cm',
    ],
    [[configMapFile('https://argocd.example.com', 'issuer: [unclosed')], 'oidc.config'],
    [
      [configMapFile('https://argocd.example.com', 'name: Okta\nclientID: 0oa1')],
      'does not set issuer',
    ],
    [[configMapFile('argocd.example.com', VALID_OIDC_CONFIG)], 'not an absolute URL'],
    [
      [configMapFile('https://a.example.com', VALID_OIDC_CONFIG.replace('$oidc.', '$other:oidc.'))],
      'another Secret',
    ],
    [
      [
        configMapFile('https://a.example.com', VALID_OIDC_CONFIG),
        fileOf('argocd-secret.yaml', 'yaml', 'kind: Secret\nmetadata: { name: argocd-secret }\n'),
      ],
      'no oidc.okta.clientSecret key',
    ],
    [[], 'no argocd-cm.yaml'],
  ])('refuses a broken export clearly (%#)', (files, message) => {
    expect(() => read(files)).toThrow(ExportReadError);
    expect(() => read(files)).toThrow(message);
  });

  it('refuses to export an issuer on the Admin Console host', () => {
    const input = targetInputFor(ADDRESS, REFERENCE);
    input.facts.discovery.issuer = 'https://acme-admin.okta.com';
    expect(() => argocdExporter.export(input)).toThrow('-admin');
  });

  it('refuses when the app does not register the callback Argo CD sends', () => {
    expect(() =>
      exportFor(REFERENCE, (document) => {
        document.app.redirectUris = ['https://argocd.example.com/api/dex/callback'];
      }),
    ).toThrow('sends the redirect URI https://argocd.example.com/auth/callback');
  });
});

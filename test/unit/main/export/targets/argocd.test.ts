import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

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
import { applyMergePatch } from '../../../../support/json-merge-patch.ts';
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

interface ConfigMapPatch {
  data: { url: string; 'oidc.config': string };
}

function configMapOf(output: ExportOutput): ConfigMapPatch {
  return parseYaml(fileNamed(output, 'argocd-cm.patch.yaml').content) as ConfigMapPatch;
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

  it('writes a merge patch for argocd-cm: only url and an oidc.config that is YAML itself', () => {
    const output = exportFor();
    expect(output.files.map((file) => file.name)).toEqual(['argocd-cm.patch.yaml']);
    const configMap = configMapOf(output);
    // A patch, never a whole ConfigMap: nothing but the keys the export sets.
    expect(Object.keys(configMap)).toEqual(['data']);
    expect(Object.keys(configMap.data)).toEqual(['url', 'oidc.config']);
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

  it('writes the argocd-secret patch only when the secret is inlined, and asks for the groups claim', () => {
    const output = exportFor(variantNamed('custom-groups-inline'));
    expect(output.files.map((file) => file.name)).toEqual([
      'argocd-cm.patch.yaml',
      'argocd-secret.patch.yaml',
      'argocd-rbac-cm.patch.yaml',
    ]);
    expect(parseYaml(fileNamed(output, 'argocd-secret.patch.yaml').content)).toEqual({
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
    [[], 'no argocd-cm.patch.yaml'],
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

  describe('patches for the objects an Argo CD install already has (RFC 7386 merge)', () => {
    it('applies merge patches the way RFC 7386 Appendix A says', () => {
      const cases: [unknown, unknown, unknown][] = [
        [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
        [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
        [{ a: 'b' }, { a: null }, {}],
        [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
        [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
        [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
        [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
        [
          ['a', 'b'],
          ['c', 'd'],
          ['c', 'd'],
        ],
        [{ e: null }, { a: 1 }, { e: null, a: 1 }],
        [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
      ];
      for (const [target, patch, result] of cases) {
        expect(applyMergePatch(target, patch)).toEqual(result);
      }
    });

    /** argocd-cm as `kubectl get configmap argocd-cm -o yaml` shows it on a running install. */
    const EXISTING_CM = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'argocd-cm',
        namespace: 'argocd',
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
        annotations: { 'meta.helm.sh/release-name': 'argocd' },
        resourceVersion: '48213',
      },
      data: {
        'admin.enabled': 'false',
        'exec.enabled': 'true',
        'timeout.reconciliation': '180s',
        'resource.exclusions': '- apiGroups: ["cilium.io"]\n  kinds: ["CiliumIdentity"]\n',
        url: 'https://argocd.old.example.com',
      },
    };

    const EXISTING_RBAC = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-rbac-cm', namespace: 'argocd' },
      data: {
        'policy.csv': 'p, role:deployer, applications, sync, */*, allow\ng, platform, role:admin\n',
        'policy.default': 'role:readonly',
        scopes: '[groups, email]',
      },
    };

    const EXISTING_SECRET = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argocd-secret', namespace: 'argocd' },
      type: 'Opaque',
      data: { 'admin.password': 'JDJhJDEwJA==', 'server.secretkey': 'c2VjcmV0a2V5' },
    };

    function patched(output: ExportOutput, name: string, existing: object) {
      return applyMergePatch(existing, parseYaml(fileNamed(output, name).content)) as {
        metadata: unknown;
        data: Record<string, string>;
        stringData?: Record<string, string>;
      };
    }

    it('keeps every other key of argocd-cm, argocd-rbac-cm and argocd-secret', () => {
      const output = exportFor(variantNamed('custom-groups-inline'));
      const cm = patched(output, 'argocd-cm.patch.yaml', EXISTING_CM);
      expect(cm.metadata).toEqual(EXISTING_CM.metadata);
      expect(cm.data).toEqual({
        ...EXISTING_CM.data,
        url: 'https://argocd.example.com',
        'oidc.config': configMapOf(output).data['oidc.config'],
      });

      const rbac = patched(output, 'argocd-rbac-cm.patch.yaml', EXISTING_RBAC);
      // The admin's policy.csv stays whole: the groups go in a key of the export's own, which
      // Argo CD appends to policy.csv.
      expect(rbac.data).toEqual({
        ...EXISTING_RBAC.data,
        'policy.okta.csv': 'g, Engineering, role:readonly\ng, Kestra Admins, role:readonly\n',
      });

      const secret = patched(output, 'argocd-secret.patch.yaml', EXISTING_SECRET);
      expect(secret.data).toEqual(EXISTING_SECRET.data);
      expect(secret.stringData).toEqual({ 'oidc.okta.clientSecret': FIXTURE_CLIENT_SECRET });

      // Argo CD reads the patched objects as the export meant them.
      expect(
        read([
          fileOf('argocd-cm.yaml', 'yaml', stringifyYaml(cm)),
          fileOf('argocd-secret.yaml', 'yaml', stringifyYaml(secret)),
        ]),
      ).toMatchObject({
        issuer: 'https://acme.okta.com/oauth2/aus1fixture2default3',
        clientSecret: { kind: 'inline', value: FIXTURE_CLIENT_SECRET },
        redirectUri: 'https://argocd.example.com/auth/callback',
      });
    });

    it('names what RBAC the export set and what the admin decides', () => {
      const output = exportFor(variantNamed('custom-groups-inline'));
      const rbacStep = output.nextSteps.find((step) => step.includes('argocd-rbac-cm'));
      expect(rbacStep).toContain('maps Engineering, Kestra Admins to role:readonly');
      expect(rbacStep).toContain('policy.default');
      expect(rbacStep).toContain('You decide');
      expect(exportFor().nextSteps.join('\n')).toContain('the setup releases no groups claim');
    });

    it('sets RBAC scopes only for a groups claim Argo CD does not read by default', () => {
      const output = exportFor(variantNamed('custom-groups-inline'), (document) => {
        if (document.issuer.groupsClaim !== undefined) {
          document.issuer.groupsClaim.name = 'okta_groups';
        }
      });
      const rbac = parseYaml(fileNamed(output, 'argocd-rbac-cm.patch.yaml').content) as {
        data: Record<string, string>;
      };
      expect(rbac.data.scopes).toBe('[okta_groups, email]');
      expect(output.nextSteps.join('\n')).toContain('it replaces a scopes value you set before');
    });
  });
});

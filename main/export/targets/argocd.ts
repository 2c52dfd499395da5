import { Document, parse as parseYaml } from 'yaml';

import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import { withoutTrailingSlashes } from '../../../shared/text.ts';
import {
  type Exporter,
  type ExportInput,
  ExportReadError,
  type SecretSource,
  type TargetReading,
} from '../exporter.ts';
import {
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  groupsReleasedByClaim,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Argo CD signing in to Okta directly, without Dex (targets.md §6): the `argocd-cm` ConfigMap
 * with `url` and the `oidc.config` YAML string, and — only when the secret is inlined — the
 * `argocd-secret` key that `oidc.config` refers to.
 *
 * @remarks
 * `clientSecret: $oidc.okta.clientSecret` makes Argo CD read the value from that key of
 * `argocd-secret`, so the ConfigMap never holds it. With the secret referenced (the default) no
 * Secret manifest is written at all — a manifest with a stand-in value would overwrite the real
 * one when applied — and the next steps give the `kubectl patch` that stores it from an
 * environment variable.
 */

const CONFIG_MAP_FILE = 'argocd-cm.yaml';
const SECRET_FILE = 'argocd-secret.yaml';
const TITLE = EXPORT_TARGET_TITLES.argocd;
const NAMESPACE = 'argocd';

/** The `argocd-secret` key `oidc.config` names; `$` makes Argo CD look it up there. */
const SECRET_KEY = 'oidc.okta.clientSecret';

/** The shell variable the `kubectl patch` step reads the secret from. */
export const ARGOCD_SECRET_VARIABLE = 'ARGOCD_OKTA_CLIENT_SECRET';

/** Argo CD's callback under its `url`. */
const CALLBACK_PATH = '/auth/callback';

/** Argo CD's `requestedScopes` when `oidc.config` names none (targets.md §6). */
const ARGOCD_DEFAULT_SCOPES = ['openid', 'profile', 'email', 'groups'];

/** Argo CD finds its settings by these labels as well as by name. */
function argoLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'argocd' };
}

function yamlText(value: unknown, comment?: string): string {
  const document = new Document(value);
  if (comment !== undefined) {
    document.commentBefore = comment;
  }
  return document.toString({ lineWidth: 0 });
}

function exportArgoCd(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<url>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);

  const oidcConfig: Record<string, unknown> = {
    name: 'Okta',
    // go-oidc refuses the provider unless this equals discovery's issuer exactly (targets.md §0).
    issuer: input.facts.discovery.issuer,
    clientID: input.applied.clientId,
    clientSecret: `$${SECRET_KEY}`,
    // Written out: Argo CD's default adds "groups", which a custom server without that scope
    // refuses with invalid_scope.
    requestedScopes: scopes,
  };
  if (claim !== undefined) {
    oidcConfig.requestedIDTokenClaims = { [claim]: { essential: true } };
  }
  if (input.document.app.pkceRequired) {
    oidcConfig.enablePKCEAuthentication = true;
  }

  const configMap = yamlText(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: NAMESPACE, labels: argoLabels('argocd-cm') },
      data: { url: callback.baseUrl, 'oidc.config': yamlText(oidcConfig) },
    },
    [
      ' Okta sign-in for Argo CD (OIDC without Dex), written by SSO Setup Console.',
      ` Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    ].join('\n'),
  );
  const files: ExportedFile[] = [
    {
      name: CONFIG_MAP_FILE,
      language: 'yaml',
      content: configMap,
      sensitive: false,
      purpose: 'The url and oidc.config keys of Argo CD’s argocd-cm ConfigMap.',
    },
  ];
  const nextSteps = [
    `kubectl -n ${NAMESPACE} patch configmap argocd-cm --type merge --patch-file ${CONFIG_MAP_FILE} — a merge patch keeps argocd-cm's other settings. With the argo-cd Helm chart, put url and oidc.config under configs.cm in your values instead, or the next upgrade reverts them.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Store the client secret in argocd-secret: put it in the shell variable ${ARGOCD_SECRET_VARIABLE} (e.g. read -rs ${ARGOCD_SECRET_VARIABLE}; export ${ARGOCD_SECRET_VARIABLE}), then run kubectl -n ${NAMESPACE} patch secret argocd-secret --type merge -p "{\\"stringData\\":{\\"${SECRET_KEY}\\":\\"$${ARGOCD_SECRET_VARIABLE}\\"}}"`,
    );
  } else {
    files.push({
      name: SECRET_FILE,
      language: 'yaml',
      content: yamlText(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'argocd-secret',
            namespace: NAMESPACE,
            labels: argoLabels('argocd-secret'),
          },
          type: 'Opaque',
          stringData: { [SECRET_KEY]: inlineSecret },
        },
        ' The client secret Argo CD reads through "$oidc.okta.clientSecret" in argocd-cm.',
      ),
      sensitive: true,
      purpose: `The ${SECRET_KEY} key of Argo CD’s argocd-secret, which oidc.config refers to.`,
    });
    nextSteps.push(
      `kubectl -n ${NAMESPACE} patch secret argocd-secret --type merge --patch-file ${SECRET_FILE} — a merge patch keeps the secret's other keys (server.secretkey, the admin password), which kubectl apply could drop.`,
    );
    warnings.unshift(inlineSecretWarning(SECRET_FILE));
  }
  nextSteps.push(
    `Argo CD picks up changed settings on its own; if "Log in via Okta" does not appear, run kubectl -n ${NAMESPACE} rollout restart deployment argocd-server.`,
  );
  if (claim === undefined) {
    warnings.push(
      'The setup has no groups claim, so Argo CD’s RBAC can match Okta users only by email; add a groups claim to map Okta groups to Argo CD roles.',
    );
  } else {
    const exampleGroup = groupsReleasedByClaim(input)[0] ?? 'Okta group name';
    nextSteps.push(
      `Map Okta groups to Argo CD roles in argocd-rbac-cm: set scopes: '[${claim}, email]' and add policy.csv lines such as "g, ${exampleGroup}, role:admin".`,
    );
  }
  warnings.push(
    `The manifests assume Argo CD runs in the namespace "${NAMESPACE}"; change metadata.namespace and the kubectl -n flags if it does not.`,
    'The argocd CLI signs in through a separate Okta single-page app (cliClientID) with redirect URI http://localhost:8085/auth/callback; this export covers the web UI.',
  );
  return { target: 'argocd', files, nextSteps, warnings };
}

function parseYamlFile(file: ExportedFile): unknown {
  try {
    return parseYaml(file.content);
  } catch (error) {
    throw new ExportReadError(
      file.name,
      `${file.name} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function mapAt(value: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportReadError(file, `${file} has no ${what}.`);
  }
  return value as Record<string, unknown>;
}

function textAt(map: Record<string, unknown>, key: string, file: string, where: string): string {
  const value = map[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(file, `${where} in ${file} does not set ${key}.`);
  }
  return value;
}

/** The value of `key` in the exported `argocd-secret`, as Kubernetes would store it. */
function secretValueFromManifest(file: ExportedFile, key: string): string {
  const manifest = mapAt(parseYamlFile(file), file.name, 'Secret manifest');
  if (
    manifest.kind !== 'Secret' ||
    mapAt(manifest.metadata, file.name, 'metadata').name !== 'argocd-secret'
  ) {
    throw new ExportReadError(file.name, `${file.name} is not the argocd-secret Secret.`);
  }
  const stringData = manifest.stringData as Record<string, unknown> | undefined;
  const data = manifest.data as Record<string, unknown> | undefined;
  // Kubernetes lets stringData win over data for the same key.
  const plain = stringData?.[key];
  if (typeof plain === 'string' && plain !== '') {
    return plain;
  }
  const encoded = data?.[key];
  if (typeof encoded === 'string' && encoded !== '') {
    return Buffer.from(encoded, 'base64').toString('utf8');
  }
  throw new ExportReadError(
    file.name,
    `${file.name} has no ${key} key, which oidc.config refers to.`,
  );
}

function readSecret(value: unknown, files: readonly ExportedFile[]): SecretSource {
  if (value === undefined || value === null || value === '') {
    return { kind: 'none' };
  }
  if (typeof value !== 'string') {
    throw new ExportReadError(CONFIG_MAP_FILE, `clientSecret in oidc.config is not text.`);
  }
  if (!value.startsWith('$')) {
    return { kind: 'inline', value };
  }
  const reference = value.slice(1);
  if (reference.includes(':')) {
    throw new ExportReadError(
      CONFIG_MAP_FILE,
      `clientSecret in oidc.config refers to another Secret (${value}); the console reads only argocd-secret.`,
    );
  }
  const secretFile = files.find((candidate) => candidate.name === SECRET_FILE);
  if (secretFile !== undefined) {
    return { kind: 'inline', value: secretValueFromManifest(secretFile, reference) };
  }
  if (reference === SECRET_KEY) {
    // The export's kubectl patch step stores the key from this variable.
    return { kind: 'environment', variable: ARGOCD_SECRET_VARIABLE };
  }
  throw new ExportReadError(
    CONFIG_MAP_FILE,
    `clientSecret in oidc.config refers to argocd-secret key ${reference}, which the export neither includes nor stores.`,
  );
}

function readScopes(value: unknown): string[] {
  if (value === undefined || value === null) {
    return ARGOCD_DEFAULT_SCOPES;
  }
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) {
    return value;
  }
  throw new ExportReadError(
    CONFIG_MAP_FILE,
    'requestedScopes in oidc.config is not a list of scopes.',
  );
}

/**
 * Reads the manifests the way Argo CD does: `url` and the `oidc.config` string from `argocd-cm`
 * (parsed as YAML a second time), the secret through its `$key` reference into `argocd-secret`.
 *
 * @remarks
 * Argo CD's token requests use Go's automatic client authentication, which tries HTTP Basic
 * first, hence `client_secret_basic`.
 */
function readArgoCd(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === CONFIG_MAP_FILE);
  if (file === undefined) {
    throw new ExportReadError(CONFIG_MAP_FILE, `The export has no ${CONFIG_MAP_FILE}.`);
  }
  const configMap = mapAt(parseYamlFile(file), CONFIG_MAP_FILE, 'ConfigMap');
  if (
    configMap.kind !== 'ConfigMap' ||
    mapAt(configMap.metadata, CONFIG_MAP_FILE, 'metadata').name !== 'argocd-cm'
  ) {
    throw new ExportReadError(
      CONFIG_MAP_FILE,
      `${CONFIG_MAP_FILE} is not the argocd-cm ConfigMap.`,
    );
  }
  const data = mapAt(configMap.data, CONFIG_MAP_FILE, 'data');
  const url = textAt(data, 'url', CONFIG_MAP_FILE, 'data');
  if (!URL.canParse(url)) {
    throw new ExportReadError(
      CONFIG_MAP_FILE,
      `data.url in ${CONFIG_MAP_FILE} (${url}) is not an absolute URL.`,
    );
  }
  let oidcConfigTree: unknown;
  try {
    oidcConfigTree = parseYaml(textAt(data, 'oidc.config', CONFIG_MAP_FILE, 'data'));
  } catch (error) {
    if (error instanceof ExportReadError) {
      throw error;
    }
    throw new ExportReadError(
      CONFIG_MAP_FILE,
      `oidc.config in ${CONFIG_MAP_FILE} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const oidcConfig = mapAt(oidcConfigTree, CONFIG_MAP_FILE, 'oidc.config mapping');
  const clientSecret = readSecret(oidcConfig.clientSecret, files);
  return {
    issuer: textAt(oidcConfig, 'issuer', CONFIG_MAP_FILE, 'oidc.config'),
    clientId: textAt(oidcConfig, 'clientID', CONFIG_MAP_FILE, 'oidc.config'),
    clientSecret,
    redirectUri: `${withoutTrailingSlashes(url)}${CALLBACK_PATH}`,
    scopes: readScopes(oidcConfig.requestedScopes),
    tokenEndpointAuthMethod: clientSecret.kind === 'none' ? 'none' : 'client_secret_basic',
  };
}

/** Argo CD without Dex; see the module comment. */
export const argocdExporter: Exporter = {
  id: 'argocd',
  title: TITLE,
  description:
    'argocd-cm ConfigMap with url and oidc.config; the secret stays in argocd-secret, referenced as $oidc.okta.clientSecret.',
  mergeable: false,
  verifiable: true,
  export: exportArgoCd,
  read: readArgoCd,
};

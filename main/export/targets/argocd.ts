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
 * Argo CD signing in to Okta directly, without Dex (targets.md §6): merge patches for the objects
 * every Argo CD install already has — `argocd-cm` (`url` and the `oidc.config` YAML string),
 * `argocd-secret` (the key `oidc.config` refers to, only when the secret is inlined) and
 * `argocd-rbac-cm` (a policy for the Okta groups).
 *
 * @remarks
 * Patches, never whole objects: `kubectl patch --type merge --patch-file` applies a JSON merge
 * patch (RFC 7386), which sets the keys it names and keeps every other key, so the admin's other
 * settings, secrets and policies stay. A whole ConfigMap applied or replaced would drop them.
 * `clientSecret: $oidc.okta.clientSecret` makes Argo CD read the value from that key of
 * `argocd-secret`, so the ConfigMap never holds it. With the secret referenced (the default) no
 * Secret patch is written at all — a patch with a stand-in value would overwrite the real one —
 * and the next steps give the `kubectl patch` that stores it from an environment variable.
 */

/** The merge patches the export writes, one for each object it changes. */
const CONFIG_MAP_PATCH = 'argocd-cm.patch.yaml';
const SECRET_PATCH = 'argocd-secret.patch.yaml';
const RBAC_PATCH = 'argocd-rbac-cm.patch.yaml';

/** The whole objects an admin may hand the reader instead (`kubectl get … -o yaml`, for drift). */
const CONFIG_MAP_FILE = 'argocd-cm.yaml';
const SECRET_FILE = 'argocd-secret.yaml';

/** The `argocd-rbac-cm` key the export owns; Argo CD appends every `policy.*.csv` to `policy.csv`. */
const RBAC_POLICY_KEY = 'policy.okta.csv';
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

  const files: ExportedFile[] = [
    {
      name: CONFIG_MAP_PATCH,
      language: 'yaml',
      content: yamlText(
        { data: { url: callback.baseUrl, 'oidc.config': yamlText(oidcConfig) } },
        [
          ' Okta sign-in for Argo CD (OIDC without Dex), written by SSO Setup Console.',
          ` Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
          ' A merge patch for the existing argocd-cm: it sets url and oidc.config, and leaves every',
          ' other key of the ConfigMap as it is.',
          ` kubectl -n ${NAMESPACE} patch configmap argocd-cm --type merge --patch-file ${CONFIG_MAP_PATCH}`,
        ].join('\n'),
      ),
      sensitive: false,
      purpose: `A merge patch for Argo CD’s argocd-cm ConfigMap: its url and oidc.config keys.`,
    },
  ];
  const nextSteps = [
    `kubectl -n ${NAMESPACE} patch configmap argocd-cm --type merge --patch-file ${CONFIG_MAP_PATCH} — a merge patch sets url and oidc.config and keeps argocd-cm's other settings (never kubectl apply or replace a whole argocd-cm). With the argo-cd Helm chart, put url and oidc.config under configs.cm in your values instead, or the next upgrade reverts them.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Store the client secret in argocd-secret: put it in the shell variable ${ARGOCD_SECRET_VARIABLE} (e.g. read -rs ${ARGOCD_SECRET_VARIABLE}; export ${ARGOCD_SECRET_VARIABLE}), then run kubectl -n ${NAMESPACE} patch secret argocd-secret --type merge -p "{\\"stringData\\":{\\"${SECRET_KEY}\\":\\"$${ARGOCD_SECRET_VARIABLE}\\"}}"`,
    );
  } else {
    files.push({
      name: SECRET_PATCH,
      language: 'yaml',
      content: yamlText(
        { stringData: { [SECRET_KEY]: inlineSecret } },
        [
          ' The client secret Argo CD reads through "$oidc.okta.clientSecret" in argocd-cm.',
          ' A merge patch for the existing argocd-secret: it adds this key and keeps the others.',
          ` kubectl -n ${NAMESPACE} patch secret argocd-secret --type merge --patch-file ${SECRET_PATCH}`,
        ].join('\n'),
      ),
      sensitive: true,
      purpose: `A merge patch for Argo CD’s argocd-secret: the ${SECRET_KEY} key oidc.config refers to.`,
    });
    nextSteps.push(
      `kubectl -n ${NAMESPACE} patch secret argocd-secret --type merge --patch-file ${SECRET_PATCH} — a merge patch adds the key and keeps the secret's other keys (server.secretkey, the admin password), which kubectl apply could drop.`,
    );
    warnings.unshift(inlineSecretWarning(SECRET_PATCH));
  }
  const rbac = rbacPatch(input, claim);
  if (rbac.file !== undefined) {
    files.push(rbac.file);
  }
  nextSteps.push(...rbac.steps);
  warnings.push(...rbac.warnings);
  nextSteps.push(
    `Argo CD picks up changed settings on its own; if "Log in via Okta" does not appear, run kubectl -n ${NAMESPACE} rollout restart deployment argocd-server.`,
  );
  warnings.push(
    `The patches assume Argo CD runs in the namespace "${NAMESPACE}"; change the kubectl -n flags if it does not.`,
    'The argocd CLI signs in through a separate Okta single-page app (cliClientID) with redirect URI http://localhost:8085/auth/callback; this export covers the web UI.',
  );
  return { target: 'argocd', files, nextSteps, warnings };
}

/** Group names a `policy.csv` line carries as they are (no comma, quote or line break). */
const SAFE_IN_POLICY = /^[^,"\r\n#][^,"\r\n]*$/;

/**
 * The RBAC half of Argo CD's first sign-in: without a policy for the Okta groups, a signed-in
 * user gets only `policy.default` (by default nothing). The patch adds `policy.okta.csv`, a key
 * of the export's own — Argo CD appends every `policy.<name>.csv` to `policy.csv` — so the admin's
 * policy is never replaced, and maps each released group to `role:readonly`: the export never
 * grants more than reading; which group administers Argo CD is the admin's decision.
 */
function rbacPatch(
  input: ExportInput,
  claim: string | undefined,
): { file: ExportedFile | undefined; steps: string[]; warnings: string[] } {
  if (claim === undefined) {
    return {
      file: undefined,
      steps: [
        'RBAC: the setup releases no groups claim, so argocd-rbac-cm can match Okta users only by email (policy.csv lines such as "g, ada@example.com, role:admin"); every other signed-in user gets policy.default. Add a groups claim to the setup to map Okta groups instead.',
      ],
      warnings: [],
    };
  }
  const released = groupsReleasedByClaim(input);
  const groups = released.filter((name) => SAFE_IN_POLICY.test(name) && name.trim() === name);
  const leftOut = released.filter((name) => !groups.includes(name));
  const warnings =
    leftOut.length === 0
      ? []
      : [
          `These groups were left out of policy.okta.csv because their names hold a comma, a quote, a line break or edge spaces, which a policy line cannot carry as they are: ${leftOut.join(', ')}. Add them to argocd-rbac-cm by hand.`,
        ];
  // Argo CD reads the groups from the claims its RBAC `scopes` names; `[groups]` is its default.
  const scopesValue = claim === 'groups' ? undefined : `[${claim}, email]`;
  if (groups.length === 0) {
    return {
      file: undefined,
      steps: [
        `RBAC: the ID token carries the Okta groups in "${claim}", but the setup assigns no group whose name a policy line can carry, so nothing was written for argocd-rbac-cm. Add "g, <Okta group>, role:readonly" (or role:admin) lines to its policy.csv; every other signed-in user gets policy.default.`,
      ],
      warnings,
    };
  }
  const data: Record<string, string> = {
    [RBAC_POLICY_KEY]: `${groups.map((group) => `g, ${group}, role:readonly`).join('\n')}\n`,
  };
  if (scopesValue !== undefined) {
    data.scopes = scopesValue;
  }
  const file: ExportedFile = {
    name: RBAC_PATCH,
    language: 'yaml',
    content: yamlText(
      { data },
      [
        ' Argo CD roles for the Okta groups, written by SSO Setup Console.',
        ` A merge patch for the existing argocd-rbac-cm: it adds ${RBAC_POLICY_KEY}, which Argo CD appends`,
        ' to policy.csv, so your own policy.csv and policy.default stay as they are.',
        ` kubectl -n ${NAMESPACE} patch configmap argocd-rbac-cm --type merge --patch-file ${RBAC_PATCH}`,
      ].join('\n'),
    ),
    sensitive: false,
    purpose: `A merge patch for Argo CD’s argocd-rbac-cm: ${RBAC_POLICY_KEY} mapping the Okta groups to roles.`,
  };
  const steps = [
    `kubectl -n ${NAMESPACE} patch configmap argocd-rbac-cm --type merge --patch-file ${RBAC_PATCH} — it adds ${RBAC_POLICY_KEY} and keeps your policy.csv. RBAC: the export maps ${groups.join(', ')} to role:readonly (Argo CD reads the groups from the "${claim}" claim); a signed-in user in none of them gets policy.default, which the export leaves as it is. You decide who may change things: edit a line to role:admin, or add p, … lines for your own roles.`,
  ];
  if (scopesValue !== undefined) {
    steps.push(
      `The patch also sets scopes to '${scopesValue}' in argocd-rbac-cm, because the groups claim is "${claim}", not Argo CD's default "groups"; it replaces a scopes value you set before.`,
    );
  }
  return { file, steps, warnings };
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

/**
 * The value of `key` in the exported `argocd-secret` patch (or a whole Secret), as Kubernetes
 * would store it.
 */
function secretValueFromManifest(file: ExportedFile, key: string): string {
  const manifest = mapAt(parseYamlFile(file), file.name, 'Secret patch');
  if (
    manifest.kind !== undefined &&
    (manifest.kind !== 'Secret' ||
      mapAt(manifest.metadata, file.name, 'metadata').name !== 'argocd-secret')
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

/** The file called one of `names` (the patch first, then the whole object's usual name). */
function fileNamedAny(
  files: readonly ExportedFile[],
  names: readonly string[],
): ExportedFile | undefined {
  for (const name of names) {
    const found = files.find((candidate) => candidate.name === name);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function readSecret(value: unknown, files: readonly ExportedFile[]): SecretSource {
  if (value === undefined || value === null || value === '') {
    return { kind: 'none' };
  }
  if (typeof value !== 'string') {
    throw new ExportReadError(CONFIG_MAP_PATCH, `clientSecret in oidc.config is not text.`);
  }
  if (!value.startsWith('$')) {
    return { kind: 'inline', value };
  }
  const reference = value.slice(1);
  if (reference.includes(':')) {
    throw new ExportReadError(
      CONFIG_MAP_PATCH,
      `clientSecret in oidc.config refers to another Secret (${value}); the console reads only argocd-secret.`,
    );
  }
  const secretFile = fileNamedAny(files, [SECRET_PATCH, SECRET_FILE]);
  if (secretFile !== undefined) {
    return { kind: 'inline', value: secretValueFromManifest(secretFile, reference) };
  }
  if (reference === SECRET_KEY) {
    // The export's kubectl patch step stores the key from this variable.
    return { kind: 'environment', variable: ARGOCD_SECRET_VARIABLE };
  }
  throw new ExportReadError(
    CONFIG_MAP_PATCH,
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
    CONFIG_MAP_PATCH,
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
  const file = fileNamedAny(files, [CONFIG_MAP_PATCH, CONFIG_MAP_FILE]);
  if (file === undefined) {
    throw new ExportReadError(CONFIG_MAP_PATCH, `The export has no ${CONFIG_MAP_PATCH}.`);
  }
  const configMap = mapAt(parseYamlFile(file), file.name, 'argocd-cm patch');
  // A patch names only data; a whole object (kubectl get -o yaml) must be argocd-cm itself.
  if (
    configMap.kind !== undefined &&
    (configMap.kind !== 'ConfigMap' ||
      mapAt(configMap.metadata, file.name, 'metadata').name !== 'argocd-cm')
  ) {
    throw new ExportReadError(file.name, `${file.name} is not the argocd-cm ConfigMap.`);
  }
  const data = mapAt(configMap.data, file.name, 'data');
  const url = textAt(data, 'url', file.name, 'data');
  if (!URL.canParse(url)) {
    throw new ExportReadError(
      file.name,
      `data.url in ${file.name} (${url}) is not an absolute URL.`,
    );
  }
  let oidcConfigTree: unknown;
  try {
    oidcConfigTree = parseYaml(textAt(data, 'oidc.config', file.name, 'data'));
  } catch (error) {
    if (error instanceof ExportReadError) {
      throw error;
    }
    throw new ExportReadError(
      file.name,
      `oidc.config in ${file.name} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const oidcConfig = mapAt(oidcConfigTree, file.name, 'oidc.config mapping');
  const clientSecret = readSecret(oidcConfig.clientSecret, files);
  return {
    issuer: textAt(oidcConfig, 'issuer', file.name, 'oidc.config'),
    clientId: textAt(oidcConfig, 'clientID', file.name, 'oidc.config'),
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
    'Merge patches (kubectl patch --type merge) for argocd-cm (url, oidc.config), argocd-rbac-cm (a policy for the Okta groups) and, only when inlined, argocd-secret; never a whole ConfigMap.',
  mergeable: false,
  verifiable: true,
  export: exportArgoCd,
  read: readArgoCd,
};

import { Document, parseAllDocuments } from 'yaml';

import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import {
  type Exporter,
  type ExportInput,
  ExportReadError,
  type SecretSource,
  type TargetReading,
} from '../exporter.ts';
import {
  mergeSummary,
  mergeYamlSettings,
  parserMessage,
  type YamlMergeResult,
  type YamlSetting,
  type YamlValue,
} from '../merge-yaml.ts';
import {
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  inlineSecretOf,
  inlineSecretWarning,
  pickPostLogoutRedirectUri,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Spring Boot with `okta-spring-boot-starter` (targets.md §10): one `application.yml` with the
 * `okta.oauth2` keys the starter maps onto Spring Security's `okta` client registration. Merged into
 * the admin's own `application.yml`, only those keys change (`merge-yaml.ts`).
 */

const FILE_NAME = 'application.yml';
const TITLE = EXPORT_TARGET_TITLES['spring-boot'];

/** Spring resolves this placeholder from the environment (relaxed binding uses the same name). */
export const SPRING_SECRET_VARIABLE = 'OKTA_OAUTH2_CLIENT_SECRET';

/** Spring Security's login route for the registration named `okta`. */
const CALLBACK_PATH = '/login/oauth2/code/okta';

/** Spring's keys for the `okta` registration and provider, which win over `okta.oauth2.*`. */
const REGISTRATION = ['spring', 'security', 'oauth2', 'client', 'registration', 'okta'] as const;
const PROVIDER = ['spring', 'security', 'oauth2', 'client', 'provider', 'okta'] as const;

/**
 * Whether a document of `application.yml` applies only under a condition (a profile, a cloud
 * platform): Spring reads it only then, so the default settings are not there.
 */
function isConditionalDocument(tree: unknown): boolean {
  // The legacy form is `spring.profiles: prod`; `spring.profiles.active` (a mapping) is no condition.
  const legacy = springProperty(tree, ['spring', 'profiles']);
  return (
    typeof legacy === 'string' ||
    Array.isArray(legacy) ||
    springProperty(tree, ['spring', 'config', 'activate', 'on-profile']) !== undefined ||
    springProperty(tree, ['spring', 'config', 'activate', 'on-cloud-platform']) !== undefined
  );
}

/** A new `application.yml` holding the export's keys, under a comment saying where it came from. */
function newSpringYaml(
  input: ExportInput,
  oauth2: Record<string, unknown>,
  registration: Record<string, unknown>,
  redirectUri: string,
): string {
  const document = new Document({
    okta: { oauth2 },
    spring: { security: { oauth2: { client: { registration: { okta: registration } } } } },
  });
  document.commentBefore = [
    ' Okta sign-in for Spring Boot with okta-spring-boot-starter, written by SSO Setup Console.',
    ` Okta app ${input.applied.appId}; sign-in redirect URI ${redirectUri}.`,
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

/**
 * Merges the export's keys into the admin's `application.yml`; see `merge-yaml.ts`.
 *
 * @remarks
 * Keys are matched as Spring binds them (`clientId` is `client-id`, and `okta.oauth2.issuer` may
 * be one dotted key). The settings go into the file's first document that applies without a
 * profile; a profile document that sets one of them overrides it while that profile is active,
 * which a warning says. Where the file already has `spring.security.oauth2.client.registration.okta`
 * client id, secret or scopes, or the `okta` provider's `issuer-uri`, they win over `okta.oauth2.*`,
 * so they are set to the same values; they are never added.
 */
function mergedSpringYaml(
  mergeInto: string,
  oauth2: Record<string, unknown>,
  registration: Record<string, unknown>,
  isPublic: boolean,
): { result: YamlMergeResult; warnings: string[] } {
  const settings: YamlSetting[] = [];
  for (const [key, value] of Object.entries(oauth2)) {
    settings.push({ path: ['okta', 'oauth2', key], value: value as YamlValue });
  }
  for (const [key, value] of Object.entries(registration)) {
    settings.push({ path: [...REGISTRATION, key], value: value as YamlValue });
  }
  const overrides: [readonly string[], unknown][] = [
    [[...REGISTRATION, 'client-id'], oauth2['client-id']],
    [[...REGISTRATION, 'scope'], oauth2.scopes],
    [[...PROVIDER, 'issuer-uri'], oauth2.issuer],
  ];
  if (!isPublic) {
    overrides.push([[...REGISTRATION, 'client-secret'], oauth2['client-secret']]);
  }
  if (registration['client-authentication-method'] === undefined) {
    overrides.push([[...REGISTRATION, 'client-authentication-method'], 'client_secret_basic']);
  }
  for (const [path, value] of overrides) {
    settings.push({ path, value: value as YamlValue, onlyIfPresent: true });
  }
  const result = mergeYamlSettings(mergeInto, {
    fileName: FILE_NAME,
    settings,
    quoteStrings: false,
    keys: 'spring-relaxed',
    pickDocument: (documents) => {
      const index = documents.findIndex(
        (document) => !isConditionalDocument(document.toJS() as unknown),
      );
      return index === -1 ? undefined : index;
    },
  });
  const warnings: string[] = [];
  const documents = parseAllDocuments(result.content);
  if (Array.isArray(documents)) {
    for (const document of documents) {
      const tree: unknown = document.toJS();
      if (!isConditionalDocument(tree)) {
        continue;
      }
      const overridden = settings
        .filter((setting) => springProperty(tree, setting.path) !== undefined)
        .map((setting) => setting.path.join('.'));
      if (overridden.length > 0) {
        const profile = springProperty(tree, ['spring', 'config', 'activate', 'on-profile']);
        warnings.push(
          `A document of your ${FILE_NAME} for ${typeof profile === 'string' ? `the profile "${profile}"` : 'a profile'} also sets ${overridden.join(', ')}; while it is active, those values replace the merged ones. Remove them there, or make them agree.`,
        );
      }
    }
  }
  return { result, warnings };
}

function springYaml(input: ExportInput): {
  content: string;
  warnings: string[];
  merged: YamlMergeResult | undefined;
} {
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<app>${CALLBACK_PATH}`,
  });
  const { scopes, warnings: scopeWarnings } = requestedScopes(input);
  const app = input.document.app;
  const inlineSecret = inlineSecretOf(input);
  const postLogout = pickPostLogoutRedirectUri(input, callback.baseUrl);
  const groupsClaim = groupsClaimName(input);

  const oauth2: Record<string, unknown> = {
    issuer: input.facts.discovery.issuer,
    'client-id': input.applied.clientId,
  };
  if (app.tokenEndpointAuthMethod !== 'none') {
    // A placeholder rather than the value: Spring resolves it from the environment at start-up,
    // so the file can be committed (targets.md §0 "Secrets").
    oauth2['client-secret'] = inlineSecret ?? `\${${SPRING_SECRET_VARIABLE}}`;
  }
  // Written out because the starter's default scopes were not confirmed (targets.md §10).
  oauth2.scopes = scopes;
  if (postLogout !== undefined) {
    oauth2['post-logout-redirect-uri'] = postLogout;
  }
  if (groupsClaim !== undefined) {
    oauth2['groups-claim'] = groupsClaim;
  }

  // The starter's own redirect URI is a template whose host comes from each request, so behind a
  // proxy the app would send its internal address; pinning the registered URI makes it send
  // exactly what Okta holds, and lets the file say which URI that is.
  const registration: Record<string, unknown> = { 'redirect-uri': callback.redirectUri };
  if (app.tokenEndpointAuthMethod === 'client_secret_post') {
    // Spring Security authenticates with HTTP Basic unless told otherwise.
    registration['client-authentication-method'] = 'client_secret_post';
  }

  const warnings = [...callback.warnings, ...scopeWarnings];
  let merged: YamlMergeResult | undefined;
  let content: string;
  if (input.mergeInto === undefined) {
    content = newSpringYaml(input, oauth2, registration, callback.redirectUri);
  } else {
    const merge = mergedSpringYaml(
      input.mergeInto,
      oauth2,
      registration,
      app.tokenEndpointAuthMethod === 'none',
    );
    merged = merge.result;
    content = merge.result.content;
    warnings.push(...merge.warnings);
  }
  if (input.document.issuer.kind === 'org') {
    warnings.push(
      'This app uses the org authorization server: sign-in works, but its access tokens cannot be validated by the app, so the starter’s resource-server (bearer token) support needs a custom authorization server.',
    );
  }
  if (app.pkceRequired && app.tokenEndpointAuthMethod !== 'none') {
    warnings.push(
      'Okta requires PKCE for this app, but Spring Security adds PKCE only for public clients. Add it to the authorization request in your security configuration (OAuth2AuthorizationRequestCustomizers.withPkce()), or turn off "Require PKCE" on the app.',
    );
  }
  if (postLogout === undefined) {
    warnings.push(
      'The app has no sign-out redirect URI, so post-logout-redirect-uri is not set and signing out ends only the app’s session, not Okta’s.',
    );
  }
  return { content, warnings, merged };
}

function exportSpringBoot(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  const { content, warnings, merged } = springYaml(input);
  const inlineSecret = inlineSecretOf(input);
  const isPublic = input.document.app.tokenEndpointAuthMethod === 'none';
  const issuer = input.facts.discovery.issuer;
  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'yaml',
    content,
    sensitive: inlineSecret !== undefined,
    purpose:
      merged === undefined
        ? 'Spring Boot configuration for okta-spring-boot-starter; goes in src/main/resources/ (or merge its keys into your application.yml).'
        : 'Your application.yml with the okta-spring-boot-starter keys merged in; it replaces the one in src/main/resources/.',
  };
  const nextSteps = [
    'Add the dependency com.okta.spring:okta-spring-boot-starter to the app (Maven or Gradle).',
    ...(merged === undefined
      ? [
          `Put ${FILE_NAME} in src/main/resources/, or export again with your application.yml to merge into (the export then changes only its okta and spring.security keys).`,
        ]
      : [
          mergeSummary(FILE_NAME, merged),
          `Replace src/main/resources/${FILE_NAME} with the merged file.`,
        ]),
  ];
  if (!isPublic && inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${SPRING_SECRET_VARIABLE} to the app's client secret wherever the app runs; Spring fills \${${SPRING_SECRET_VARIABLE}} from it at start-up.`,
    );
  }
  // The starter's one hard rule (targets.md §10): its property validation refuses any issuer that
  // is not https, and the app does not start.
  const isHttps = issuer.startsWith('https://');
  nextSteps.push(
    isHttps
      ? `okta-spring-boot-starter refuses to start unless okta.oauth2.issuer is an https URL; the export set ${issuer}, which is. Keep it https wherever you override it (OKTA_OAUTH2_ISSUER, a profile).`
      : `okta-spring-boot-starter refuses to start unless okta.oauth2.issuer is an https URL, and the export set ${issuer}. Serve the issuer over https, or sign in with Spring Security's own client instead of the starter (spring.security.oauth2.client.provider.okta.issuer-uri).`,
  );
  const groupsClaim = groupsClaimName(input);
  nextSteps.push(
    groupsClaim === undefined
      ? 'The setup releases no groups claim, so the starter gives signed-in users no group authorities: your security configuration can tell users apart only by their scopes and email.'
      : `The export set okta.oauth2.groups-claim to "${groupsClaim}", so each Okta group becomes an authority of the same name; you decide which authorities each URL requires in your security configuration (e.g. hasAuthority("Admins")).`,
    'Restart the app so it reads the new configuration.',
  );
  if (!isHttps) {
    warnings.unshift(
      `The issuer ${issuer} is not https: okta-spring-boot-starter will refuse to start with it.`,
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  if (isPublic && input.secret.kind === 'inline') {
    warnings.push('The app is a public client (no secret), so no client secret was written.');
  }
  return { target: 'spring-boot', files: [file], nextSteps, warnings };
}

/** Spring's relaxed binding: `client-id`, `clientId` and `client_id` name the same property. */
function canonicalKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

/**
 * The value at a dotted property path, however the YAML nests it (`okta.oauth2.issuer` may be
 * nested maps or one dotted key, as Spring accepts both).
 */
function springProperty(tree: unknown, path: readonly string[]): unknown {
  if (path.length === 0) {
    return tree;
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    return undefined;
  }
  const entries = Object.entries(tree);
  for (let take = path.length; take >= 1; take -= 1) {
    const wanted = canonicalKey(path.slice(0, take).join('.'));
    const entry = entries.find(([key]) => canonicalKey(key) === wanted);
    if (entry !== undefined) {
      const found = springProperty(entry[1], path.slice(take));
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

function requiredText(tree: unknown, property: string): string {
  const value = springProperty(tree, property.split('.'));
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} does not set ${property}.`);
  }
  if (value.includes('${')) {
    throw new ExportReadError(
      FILE_NAME,
      `${property} in ${FILE_NAME} is a placeholder (${value}); the console can read only a written value.`,
    );
  }
  return value;
}

/** `${NAME}` or `${NAME:default}` as the whole value: Spring reads NAME from the environment. */
const WHOLE_PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::[^}]*)?\}$/;

function readSecret(tree: unknown): SecretSource {
  const value = springProperty(tree, ['okta', 'oauth2', 'client-secret']);
  if (value === undefined || value === null || value === '') {
    return { kind: 'none' };
  }
  if (typeof value !== 'string') {
    throw new ExportReadError(FILE_NAME, `okta.oauth2.client-secret in ${FILE_NAME} is not text.`);
  }
  const placeholder = WHOLE_PLACEHOLDER.exec(value);
  if (placeholder?.[1] !== undefined) {
    return { kind: 'environment', variable: placeholder[1] };
  }
  if (value.includes('${')) {
    throw new ExportReadError(
      FILE_NAME,
      `okta.oauth2.client-secret in ${FILE_NAME} mixes a placeholder with text; use \${${SPRING_SECRET_VARIABLE}} alone.`,
    );
  }
  return { kind: 'inline', value };
}

function readScopes(tree: unknown): string[] {
  const value = springProperty(tree, ['okta', 'oauth2', 'scopes']);
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) {
    return value;
  }
  // Spring binds a comma-separated string to a Set too.
  if (typeof value === 'string' && value.trim() !== '') {
    return value.split(',').map((scope) => scope.trim());
  }
  throw new ExportReadError(FILE_NAME, `${FILE_NAME} does not set okta.oauth2.scopes.`);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` laid on `under`, mappings merged key by key, as Spring layers its documents. */
function layered(under: Record<string, unknown>, over: Record<string, unknown>) {
  const result: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = result[key];
    result[key] = isMapping(below) && isMapping(value) ? layered(below, value) : value;
  }
  return result;
}

/**
 * The settings Spring uses with no profile active: every document of the file that applies
 * without a condition, later ones over earlier ones (profile documents are skipped).
 */
function defaultSettings(content: string): Record<string, unknown> {
  const parsed = parseAllDocuments(content);
  const documents = Array.isArray(parsed) ? parsed : [];
  let tree: Record<string, unknown> | undefined;
  for (const document of documents) {
    const firstError = document.errors[0];
    if (firstError !== undefined) {
      throw new ExportReadError(
        FILE_NAME,
        `${FILE_NAME} is not valid YAML: ${parserMessage(firstError.message)}`,
      );
    }
    const part: unknown = document.toJS();
    if (part === null || part === undefined || isConditionalDocument(part)) {
      continue;
    }
    if (!isMapping(part)) {
      throw new ExportReadError(FILE_NAME, `${FILE_NAME} is not a YAML mapping.`);
    }
    tree = layered(tree ?? {}, part);
  }
  if (tree === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} has no settings that apply without a profile.`,
    );
  }
  return tree;
}

/**
 * Reads `application.yml` the way Spring binds it: nested or dotted keys, relaxed names, the
 * secret as a written value or a whole `${VARIABLE}` placeholder.
 *
 * @remarks
 * The redirect URI is the registration's pinned `redirect-uri`; a `{baseUrl}` template depends on
 * the request the app receives, which no file states, so such a file is refused.
 */
function readSpringBoot(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  const tree = defaultSettings(file.content);
  const registration = ['spring', 'security', 'oauth2', 'client', 'registration', 'okta'];
  const redirectUri = springProperty(tree, [...registration, 'redirect-uri']);
  if (typeof redirectUri !== 'string' || !URL.canParse(redirectUri)) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not pin spring.security.oauth2.client.registration.okta.redirect-uri to an absolute URI, so the URI Spring sends depends on each request.`,
    );
  }
  const clientSecret = readSecret(tree);
  const method = springProperty(tree, [...registration, 'client-authentication-method']);
  let tokenEndpointAuthMethod: TargetReading['tokenEndpointAuthMethod'];
  if (clientSecret.kind === 'none') {
    tokenEndpointAuthMethod = 'none';
  } else if (method === undefined || method === 'client_secret_basic') {
    tokenEndpointAuthMethod = 'client_secret_basic';
  } else if (method === 'client_secret_post') {
    tokenEndpointAuthMethod = 'client_secret_post';
  } else {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} sets client-authentication-method to ${JSON.stringify(method)}, which the console cannot verify.`,
    );
  }
  return {
    issuer: requiredText(tree, 'okta.oauth2.issuer'),
    clientId: requiredText(tree, 'okta.oauth2.client-id'),
    clientSecret,
    redirectUri,
    scopes: readScopes(tree),
    tokenEndpointAuthMethod,
  };
}

/** Spring Boot with the Okta starter; see the module comment. */
export const springBootExporter: Exporter = {
  id: 'spring-boot',
  title: TITLE,
  description:
    'application.yml for okta-spring-boot-starter (okta.oauth2 issuer, client id, secret placeholder, scopes); merges into an existing file.',
  mergeable: true,
  verifiable: true,
  export: exportSpringBoot,
  read: readSpringBoot,
};

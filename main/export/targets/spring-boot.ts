import { Document, parse as parseYaml } from 'yaml';

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
 * `okta.oauth2` keys the starter maps onto Spring Security's `okta` client registration.
 */

const FILE_NAME = 'application.yml';
const TITLE = EXPORT_TARGET_TITLES['spring-boot'];

/** Spring resolves this placeholder from the environment (relaxed binding uses the same name). */
export const SPRING_SECRET_VARIABLE = 'OKTA_OAUTH2_CLIENT_SECRET';

/** Spring Security's login route for the registration named `okta`. */
const CALLBACK_PATH = '/login/oauth2/code/okta';

function springYaml(input: ExportInput): { content: string; warnings: string[] } {
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

  const document = new Document({
    okta: { oauth2 },
    spring: { security: { oauth2: { client: { registration: { okta: registration } } } } },
  });
  document.commentBefore = [
    ' Okta sign-in for Spring Boot with okta-spring-boot-starter, written by SSO Setup Console.',
    ` Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
  ].join('\n');

  const warnings = [...callback.warnings, ...scopeWarnings];
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
  return { content: document.toString({ lineWidth: 0 }), warnings };
}

function exportSpringBoot(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  const { content, warnings } = springYaml(input);
  const inlineSecret = inlineSecretOf(input);
  const isPublic = input.document.app.tokenEndpointAuthMethod === 'none';
  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'yaml',
    content,
    sensitive: inlineSecret !== undefined,
    purpose:
      'Spring Boot configuration for okta-spring-boot-starter; goes in src/main/resources/ (or merge its keys into your application.yml).',
  };
  const nextSteps = [
    'Add the dependency com.okta.spring:okta-spring-boot-starter to the app (Maven or Gradle).',
    `Put ${FILE_NAME} in src/main/resources/, or merge its okta and spring keys into the application.yml you have.`,
  ];
  if (!isPublic && inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${SPRING_SECRET_VARIABLE} to the app's client secret wherever the app runs; Spring fills \${${SPRING_SECRET_VARIABLE}} from it at start-up.`,
    );
  }
  nextSteps.push('Restart the app so it reads the new configuration.');
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
  let tree: unknown;
  try {
    tree = parseYaml(file.content);
  } catch (error) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is not a YAML mapping.`);
  }
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
    'application.yml for okta-spring-boot-starter (okta.oauth2 issuer, client id, secret placeholder, scopes).',
  mergeable: false,
  verifiable: true,
  export: exportSpringBoot,
  read: readSpringBoot,
};

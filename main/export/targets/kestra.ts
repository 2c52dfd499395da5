import { Document, isMap, parseDocument, Scalar, YAMLSeq } from 'yaml';

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
  MergeRefusedError,
  mergeSummary,
  mergeYamlSettings,
  parserMessage,
  type YamlSetting,
} from '../merge-yaml.ts';
import {
  assertPassesPreExportLint,
  environmentSecret,
  findRegisteredCallback,
  inlineSecretWarning,
  requestedScopes,
  secretPlanFor,
  trimTrailingSlashes,
} from '../target-rules.ts';

/**
 * Kestra (Enterprise) signs in through Micronaut Security: one `application.yml` holding a
 * Micronaut OAuth client (targets.md §2).
 *
 * @remarks
 * Where the redirect URI comes from: Micronaut builds the callback from each request's host
 * (`Forwarded`, `X-Forwarded-*`, `Host`) plus `micronaut.security.oauth2.callback-uri`, so
 * `application.yml` alone does not say which URI Kestra will send. An absolute `callback-uri`
 * is no way out: older Micronaut Security versions join the request's host onto whatever the
 * template gives, so an absolute one becomes a broken URL, and which version Kestra Enterprise
 * ships cannot be checked (its code is closed). The export therefore states Kestra's address in
 * `kestra.url` — a real Kestra setting (the base of the links in its notifications, validated
 * as an http(s) URL at start-up), not a comment — and the reader derives the callback the way
 * Micronaut does for a request to that address: `kestra.url` + the callback template. When
 * Kestra sits behind a reverse proxy, the proxy must pass the public host on (pitfall 4), which
 * the next steps say.
 */

/** The environment variable `${…}` in the exported file names, as in targets.md §2. */
export const KESTRA_SECRET_VARIABLE = 'OKTA_CLIENT_SECRET';

const FILE_NAME = 'application.yml';

/** Micronaut's default callback template; `{/provider}` expands to `/<client key>`. */
const DEFAULT_CALLBACK_TEMPLATE = '/oauth/callback{/provider}';

/** Micronaut's default for `end-session.redirect-uri`: where Okta sends the user after sign-out. */
const SIGN_OUT_PATH = '/logout';

/** Micronaut's scopes when a client has an `openid:` block and no `scopes` (targets.md §2). */
const MICRONAUT_OPENID_SCOPES = ['openid', 'email', 'profile'];

/**
 * Client keys Kestra's callback can carry safely (pitfall 1): lowercase letters and digits only,
 * since Micronaut's relaxed binding folds `-` and `_` and the key is also a URL segment.
 */
const CLIENT_KEY_PATTERN = /^[a-z0-9]+$/;

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** A double-quoted YAML string: pitfall 6, `{{ x }}` unquoted is a flow mapping. */
function quotedScalar(value: string): Scalar<string> {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function quotedList(values: readonly string[]): YAMLSeq<Scalar<string>> {
  const list = new YAMLSeq<Scalar<string>>();
  for (const value of values) {
    list.add(quotedScalar(value));
  }
  return list;
}

/**
 * The existing `application.yml` to merge into, parsed only to read what it already says (the
 * merge itself edits its text, so lines it does not own stay byte for byte; see `merge-yaml.ts`).
 */
function existingDocument(mergeInto: string): Document {
  const document = parseDocument(mergeInto);
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    throw new MergeRefusedError(
      `The application.yml to merge into is not valid YAML: ${parserMessage(firstError.message)} Fix it (or export without merging) and try again.`,
    );
  }
  return document;
}

/**
 * The base URL an existing `kestra.url` gives, so a merge does not silently move Kestra: the
 * callbacks were registered for the document's base URL, and Kestra lives at its `kestra.url`.
 */
function existingKestraUrl(document: Document): string | undefined {
  if (!isMap(document.contents)) {
    return undefined;
  }
  const value: unknown = document.getIn(['kestra', 'url']);
  return typeof value === 'string' ? value : undefined;
}

/** Every setting the Kestra export owns, in the order a new file lists them. */
function kestraSettings(options: {
  clientKey: string;
  clientId: string;
  secret: string | undefined;
  scopes: readonly string[];
  authMethod: string;
  issuer: string;
  pkce: boolean;
  hasSignOut: boolean;
  base: string;
  groupsClaim: string | undefined;
}): YamlSetting[] {
  const client = ['micronaut', 'security', 'oauth2', 'clients', options.clientKey];
  const settings: YamlSetting[] = [
    { path: ['micronaut', 'security', 'oauth2', 'enabled'], value: true },
    { path: [...client, 'client-id'], value: options.clientId },
  ];
  if (options.secret !== undefined) {
    settings.push({ path: [...client, 'client-secret'], value: options.secret });
  }
  settings.push(
    { path: [...client, 'scopes'], value: options.scopes },
    { path: [...client, 'token', 'auth-method'], value: options.authMethod },
    { path: [...client, 'openid', 'issuer'], value: options.issuer },
  );
  if (options.pkce) {
    settings.push({
      path: [...client, 'openid', 'authorization', 'code-challenge-method'],
      value: 'S256',
    });
  }
  // Pitfall 3: Okta returns to /logout with a GET, which Micronaut refuses unless allowed. With
  // no sign-out URI registered, Okta would refuse the return, so end-session stays off.
  if (options.hasSignOut) {
    settings.push(
      { path: [...client, 'openid', 'end-session', 'enabled'], value: true },
      {
        path: ['micronaut', 'security', 'oauth2', 'openid', 'end-session', 'redirect-uri'],
        value: SIGN_OUT_PATH,
      },
      { path: ['micronaut', 'security', 'endpoints', 'logout', 'get-allowed'], value: true },
    );
  } else {
    settings.push({ path: [...client, 'openid', 'end-session', 'enabled'], value: false });
  }
  settings.push({
    path: ['kestra', 'url'],
    value: `${options.base}/`,
    // The same address with or without its trailing slash: a merge leaves it as written.
    isAlreadyRight: (existing) =>
      typeof existing === 'string' && trimTrailingSlashes(existing) === options.base,
  });
  if (options.groupsClaim !== undefined) {
    settings.push({
      path: ['kestra', 'security', 'oidc', 'groups-claim-path'],
      value: options.groupsClaim,
    });
  }
  return settings;
}

/** A new `application.yml` holding `settings`, every string double-quoted (pitfall 6). */
function newApplicationYml(settings: readonly YamlSetting[]): string {
  const yaml = new Document({});
  for (const { path, value } of settings) {
    yaml.setIn(
      path,
      typeof value === 'string'
        ? quotedScalar(value)
        : typeof value === 'boolean'
          ? value
          : quotedList(value),
    );
  }
  return yaml.toString({ lineWidth: 0 });
}

function exportKestra(input: ExportInput): ExportOutput {
  const { document, facts, applied } = input;
  const issuer = facts.discovery.issuer;
  const secret = secretPlanFor(input);
  assertPassesPreExportLint(input, { opening: 'Cannot export for Kestra:', secret: 'written' });

  const clientKey = document.target.clientKey ?? 'okta';
  if (!CLIENT_KEY_PATTERN.test(clientKey)) {
    throw new Error(
      `Kestra's client key "${clientKey}" must be lowercase letters and digits only (e.g. "okta"): it is both a YAML key Micronaut binds and the callback's last segment. Change the client key, apply the setup, and export again.`,
    );
  }
  if (secret.kind === 'inline' && secret.value.includes('${')) {
    throw new Error(
      'The client secret contains "${", which Micronaut would treat as a placeholder. Export with a secret reference instead.',
    );
  }
  const { redirectUri: callback, baseUrl: base } = findRegisteredCallback(input, {
    kind: 'at-base-url',
    targetTitle: 'Kestra',
    callbackPath: `/oauth/callback/${clientKey}`,
  });
  const signOut = `${base}${SIGN_OUT_PATH}`;
  const hasSignOut = document.app.postLogoutRedirectUris.includes(signOut);

  const existing = input.mergeInto === undefined ? undefined : existingDocument(input.mergeInto);
  const existingUrl = existing === undefined ? undefined : existingKestraUrl(existing);
  if (existingUrl !== undefined && trimTrailingSlashes(existingUrl) !== base) {
    throw new Error(
      `The application.yml to merge into says Kestra is at "${existingUrl}" (kestra.url), but the callback was registered for "${base}". Set the setup's base URL to Kestra's address and apply it, or correct kestra.url, then export again.`,
    );
  }

  const settings = kestraSettings({
    clientKey,
    clientId: applied.clientId,
    secret:
      secret.kind === 'none'
        ? undefined
        : secret.kind === 'inline'
          ? secret.value
          : `\${${KESTRA_SECRET_VARIABLE}}`,
    scopes: requestedScopes(input).scopes,
    authMethod: document.app.tokenEndpointAuthMethod,
    issuer,
    pkce: document.app.pkceRequired,
    hasSignOut,
    base,
    groupsClaim: document.issuer.groupsClaim?.name,
  });
  const merged =
    input.mergeInto === undefined
      ? undefined
      : mergeYamlSettings(input.mergeInto, {
          fileName: FILE_NAME,
          settings,
          quoteStrings: true,
          keys: 'exact',
        });

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'yaml',
    content: merged?.content ?? newApplicationYml(settings),
    sensitive: secret.kind === 'inline',
    purpose: `Kestra's configuration with the Micronaut OAuth client "${clientKey}" for Okta.`,
  };

  const nextSteps =
    merged === undefined
      ? [
          `Merge ${FILE_NAME} into Kestra's configuration: the file Kestra starts with, or the KESTRA_CONFIGURATION block in docker-compose.yml (keep one top-level "micronaut:" key).`,
        ]
      : [
          mergeSummary(FILE_NAME, merged),
          `Replace Kestra's configuration file with the merged ${FILE_NAME} (or paste it into the KESTRA_CONFIGURATION block in docker-compose.yml).`,
        ];
  if (secret.kind === 'reference') {
    nextSteps.push(
      `Set ${KESTRA_SECRET_VARIABLE} to the app's client secret in Kestra's environment (e.g. the kestra service in docker-compose.yml); Kestra refuses to start while it is unset.`,
    );
  }
  nextSteps.push(
    'Restart Kestra (with Docker Compose: docker compose up -d kestra, which recreates the container with the new environment).',
    `Open ${base}/ and choose the Okta sign-in button; it sends the redirect URI ${callback}.`,
  );

  const warnings: string[] = [];
  if (secret.kind === 'inline') {
    warnings.push(inlineSecretWarning(FILE_NAME));
  }
  warnings.push(
    `If no Okta button appears, Kestra could not read ${issuer}/.well-known/openid-configuration at start-up: Micronaut then disables the client without an error. Check that the Kestra host can reach that address, then restart Kestra.`,
    `Behind a reverse proxy, Kestra must see its public address (${base}) in the Host or X-Forwarded-* headers (micronaut.server.host-resolution), or it sends its internal address as the redirect URI.`,
  );
  if (!hasSignOut) {
    warnings.push(
      `The app registers no sign-out redirect URI ${signOut}, so signing out of Kestra does not end the Okta session (end-session is disabled).`,
    );
  }
  if (document.issuer.groupsClaim !== undefined) {
    warnings.push(
      `kestra.security.oidc.groups-claim-path is set to "${document.issuer.groupsClaim.name}" for group sync; Kestra documents it for other providers, and its use with Okta's groups claim is unverified.`,
    );
  }
  return { target: 'kestra', files: [file], nextSteps, warnings };
}

/** A plain YAML value at `path`, or `undefined`. */
function valueAt(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What Micronaut does with a `client-secret` value: a literal, or a `${NAME}` / `${NAME:default}`
 * placeholder resolved from the environment (an environment variable `A_B` also provides the
 * property `a.b`, so a dotted name is reported as its environment variable).
 */
function secretSource(value: unknown, method: string): SecretSource {
  if (method === 'none') {
    return { kind: 'none' };
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(
      FILE_NAME,
      `The client has no client-secret, but authenticates with ${method}. Add client-secret: "\${${KESTRA_SECRET_VARIABLE}}".`,
    );
  }
  const placeholder = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::[^}]*)?\}$/.exec(value);
  if (placeholder?.[1] !== undefined) {
    return environmentSecret(placeholder[1].toUpperCase().replace(/[.-]/g, '_'));
  }
  if (value.includes('${')) {
    throw new ExportReadError(
      FILE_NAME,
      'client-secret mixes text with a ${…} placeholder; Micronaut would resolve only part of it. Use either the secret or one placeholder.',
    );
  }
  return { kind: 'inline', value };
}

/** The OIDC clients (those with an issuer) Micronaut would enable, by key. */
function openidClients(tree: unknown): [string, Record<string, unknown>][] {
  const clients = valueAt(tree, ['micronaut', 'security', 'oauth2', 'clients']);
  if (!isRecord(clients)) {
    throw new ExportReadError(
      FILE_NAME,
      'There is no micronaut.security.oauth2.clients mapping, so Kestra has no sign-in client.',
    );
  }
  return Object.entries(clients).filter(
    (entry): entry is [string, Record<string, unknown>] =>
      isRecord(entry[1]) && entry[1].enabled !== false && isRecord(entry[1].openid),
  );
}

function readKestra(files: readonly { name: string; content: string }[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is missing from the export.`);
  }
  const parsed = parseDocument(file.content);
  const firstError = parsed.errors[0];
  if (firstError !== undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is not valid YAML: ${firstError.message}`);
  }
  const tree: unknown = parsed.toJS();
  if (valueAt(tree, ['micronaut', 'security', 'oauth2', 'enabled']) === false) {
    throw new ExportReadError(
      FILE_NAME,
      'micronaut.security.oauth2.enabled is false, so Kestra offers no OAuth sign-in.',
    );
  }
  const clients = openidClients(tree);
  const only = clients[0];
  if (only === undefined || clients.length > 1) {
    throw new ExportReadError(
      FILE_NAME,
      clients.length === 0
        ? 'No enabled client under micronaut.security.oauth2.clients has an openid block with an issuer.'
        : `Several OIDC clients are enabled (${clients.map(([key]) => key).join(', ')}); the verification checks one. Export again without merging, or disable the others.`,
    );
  }
  const [clientKey, client] = only;
  if (!CLIENT_KEY_PATTERN.test(clientKey)) {
    throw new ExportReadError(
      FILE_NAME,
      `The client key "${clientKey}" is not lowercase letters and digits only; Kestra's callback would not match the registered one.`,
    );
  }
  const issuer = valueAt(client, ['openid', 'issuer']);
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) {
    throw new ExportReadError(
      FILE_NAME,
      `micronaut.security.oauth2.clients.${clientKey}.openid.issuer must be an absolute URL (Micronaut binds it as a URL and fails otherwise).`,
    );
  }
  const clientId = client['client-id'];
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new ExportReadError(
      FILE_NAME,
      `micronaut.security.oauth2.clients.${clientKey}.client-id is missing.`,
    );
  }
  const method = valueAt(client, ['token', 'auth-method']) ?? 'client_secret_basic';
  const tokenEndpointAuthMethod = AUTH_METHODS.find(
    (known) => typeof method === 'string' && known === method.toLowerCase(),
  );
  if (tokenEndpointAuthMethod === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `token.auth-method ${JSON.stringify(method)} is not one the verification can use (client_secret_basic, client_secret_post or none).`,
    );
  }
  const scopes = client.scopes ?? MICRONAUT_OPENID_SCOPES;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    throw new ExportReadError(
      FILE_NAME,
      `micronaut.security.oauth2.clients.${clientKey}.scopes must be a list of strings.`,
    );
  }
  const kestraUrl = valueAt(tree, ['kestra', 'url']);
  if (typeof kestraUrl !== 'string' || !URL.canParse(kestraUrl)) {
    throw new ExportReadError(
      FILE_NAME,
      "kestra.url is missing or not a URL. Micronaut builds the callback from the host each request arrives on, so the file must state Kestra's address in kestra.url for the redirect URI to be known.",
    );
  }
  const template =
    valueAt(tree, ['micronaut', 'security', 'oauth2', 'callback-uri']) ?? DEFAULT_CALLBACK_TEMPLATE;
  if (typeof template !== 'string' || !template.startsWith('/')) {
    throw new ExportReadError(
      FILE_NAME,
      'micronaut.security.oauth2.callback-uri must be a path starting with "/" (Micronaut routes its callback on it).',
    );
  }
  const callbackPath = template
    .replace('{/provider}', `/${clientKey}`)
    .replace('{provider}', clientKey);
  return {
    issuer,
    clientId,
    clientSecret: secretSource(client['client-secret'], tokenEndpointAuthMethod),
    redirectUri: `${trimTrailingSlashes(kestraUrl)}${callbackPath}`,
    scopes,
    tokenEndpointAuthMethod,
  };
}

/** Kestra: `application.yml` with a Micronaut OAuth client; see the module comment. */
export const kestraExporter: Exporter = {
  id: 'kestra',
  title: EXPORT_TARGET_TITLES.kestra,
  description:
    'application.yml with a Micronaut OAuth client for Okta, sign-out and kestra.url; merges into an existing file.',
  mergeable: true,
  verifiable: true,
  export: exportKestra,
  read: readKestra,
};

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
  environmentSecret,
  findRegisteredCallback,
  inlineSecretWarning,
  requestedScopes,
  secretPlanFor,
} from '../target-rules.ts';

/**
 * A generic `oidc.json` with an app's OpenID Connect settings, for tools and apps that take JSON.
 *
 * @remarks
 * - Field names follow the standards where one exists: discovery's (RFC 8414: `issuer`,
 *   `authorization_endpoint`, …) and client registration's (RFC 7591: `client_id`,
 *   `redirect_uris`, `token_endpoint_auth_method`, …), so a reader needs no glossary. `scopes`
 *   is a list rather than RFC 7591's space-separated `scope`, which is easier to consume.
 * - The first of `redirect_uris` is the one the app is expected to send; the others are the
 *   app's other registered URIs.
 * - The secret by reference: `client_secret_env` names the environment variable that holds it,
 *   since JSON has no reference syntax of its own.
 */

/** The variable `client_secret_env` names by default. */
export const JSON_SECRET_VARIABLE = 'OIDC_CLIENT_SECRET';

const FILE_NAME = 'oidc.json';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

function exportJson(input: ExportInput): ExportOutput {
  const { document, facts, applied } = input;
  const { discovery } = facts;
  const secret = secretPlanFor(input);
  assertPassesPreExportLint(input, { opening: 'Cannot export for oidc.json:', secret: 'written' });
  const { redirectUri } = findRegisteredCallback(input, {
    kind: 'generic',
    targetTitle: 'oidc.json',
  });

  const settings = {
    issuer: discovery.issuer,
    authorization_endpoint: discovery.authorization_endpoint,
    token_endpoint: discovery.token_endpoint,
    ...(discovery.userinfo_endpoint === undefined
      ? {}
      : { userinfo_endpoint: discovery.userinfo_endpoint }),
    jwks_uri: discovery.jwks_uri,
    ...(discovery.end_session_endpoint === undefined
      ? {}
      : { end_session_endpoint: discovery.end_session_endpoint }),
    client_id: applied.clientId,
    ...(secret.kind === 'inline' ? { client_secret: secret.value } : {}),
    ...(secret.kind === 'reference' ? { client_secret_env: JSON_SECRET_VARIABLE } : {}),
    token_endpoint_auth_method: document.app.tokenEndpointAuthMethod,
    redirect_uris: [redirectUri, ...document.app.redirectUris.filter((uri) => uri !== redirectUri)],
    post_logout_redirect_uris: [...document.app.postLogoutRedirectUris],
    scopes: requestedScopes(input).scopes,
  };

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'json',
    content: `${JSON.stringify(settings, null, 2)}\n`,
    sensitive: secret.kind === 'inline',
    purpose:
      "The app's OpenID Connect settings as JSON; goes where the app or tool reads its configuration.",
  };
  const nextSteps = [`Put ${FILE_NAME} where the app or tool reads its OIDC configuration.`];
  if (secret.kind === 'reference') {
    nextSteps.push(
      `Set ${JSON_SECRET_VARIABLE} (named by client_secret_env) to the app's client secret in the app's environment.`,
    );
  }
  nextSteps.push('Restart the app so it reads the new settings.');
  return {
    target: 'json',
    files: [file],
    nextSteps,
    warnings: secret.kind === 'inline' ? [inlineSecretWarning(FILE_NAME)] : [],
  };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function readJson(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is missing from the export.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.content);
  } catch (error) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} must hold one JSON object.`);
  }
  const settings = parsed as Record<string, unknown>;
  const text = (name: string): string => {
    const value = settings[name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ExportReadError(FILE_NAME, `"${name}" must be a non-empty string.`);
    }
    return value;
  };
  const list = (name: string): string[] => {
    const value = settings[name];
    if (!isStringList(value) || value.length === 0) {
      throw new ExportReadError(FILE_NAME, `"${name}" must be a non-empty list of strings.`);
    }
    return value;
  };
  const method = text('token_endpoint_auth_method');
  const tokenEndpointAuthMethod = AUTH_METHODS.find((known) => known === method);
  if (tokenEndpointAuthMethod === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `"token_endpoint_auth_method" is "${method}", not client_secret_basic, client_secret_post or none.`,
    );
  }
  let clientSecret: SecretSource;
  if (tokenEndpointAuthMethod === 'none') {
    clientSecret = { kind: 'none' };
  } else if (settings.client_secret !== undefined) {
    clientSecret = { kind: 'inline', value: text('client_secret') };
  } else if (settings.client_secret_env !== undefined) {
    clientSecret = environmentSecret(text('client_secret_env'));
  } else {
    throw new ExportReadError(
      FILE_NAME,
      `The client authenticates with ${method} but has neither "client_secret" nor "client_secret_env".`,
    );
  }
  const [redirectUri] = list('redirect_uris') as [string, ...string[]];
  return {
    issuer: text('issuer'),
    clientId: text('client_id'),
    clientSecret,
    redirectUri,
    scopes: list('scopes'),
    tokenEndpointAuthMethod,
  };
}

/** A generic `oidc.json`; see the module comment. */
export const jsonExporter: Exporter = {
  id: 'json',
  title: EXPORT_TARGET_TITLES.json,
  description:
    'oidc.json with the issuer, endpoints, client, redirect URIs, scopes and authentication method.',
  mergeable: false,
  verifiable: true,
  export: exportJson,
  read: readJson,
};

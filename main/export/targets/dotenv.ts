import { parse as parseDotenv } from 'dotenv';

import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import { PRESETS } from '../../../shared/setup/presets.ts';
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
 * A generic `.env` with an app's OpenID Connect settings under `OIDC_*` names, for apps without
 * a target of their own.
 *
 * @remarks
 * - Every value is single-quoted: the one form that dotenv, python-dotenv, Docker Compose and a
 *   POSIX shell all take literally (double quotes expand `$` in the last three).
 * - The endpoints are copied from discovery, for libraries that take them one by one; the issuer
 *   is discovery's exactly.
 * - The secret by reference: the file's own `OIDC_CLIENT_SECRET` is the variable the app reads,
 *   so the line is left out (a comment says so) and the admin sets it in the app's environment.
 *   A `${…}` reference would be expanded by some loaders and taken literally by others.
 */

/** The variable the app reads the client secret from. */
export const DOTENV_SECRET_VARIABLE = 'OIDC_CLIENT_SECRET';

const FILE_NAME = '.env';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

function envLine(name: string, value: string): string {
  if (/['\r\n]/.test(value)) {
    throw new Error(
      `${name} cannot be written to .env: its value contains a single quote or a line break.`,
    );
  }
  return `${name}='${value}'`;
}

function exportDotenv(input: ExportInput): ExportOutput {
  const { document, facts, applied } = input;
  const { discovery } = facts;
  const secret = secretPlanFor(input);
  assertPassesPreExportLint(input, { opening: 'Cannot export for .env:', secret: 'written' });
  const presetUris = PRESETS[document.target.preset].uris(
    document.target.baseUrl,
    document.target.clientKey,
  );
  const { redirectUri } = findRegisteredCallback(input, { kind: 'generic', targetTitle: '.env' });
  const signOut =
    presetUris.signOut !== undefined &&
    document.app.postLogoutRedirectUris.includes(presetUris.signOut)
      ? presetUris.signOut
      : document.app.postLogoutRedirectUris[0];

  const lines = [
    envLine('OIDC_ISSUER', discovery.issuer),
    envLine('OIDC_CLIENT_ID', applied.clientId),
  ];
  if (secret.kind === 'inline') {
    lines.push(envLine(DOTENV_SECRET_VARIABLE, secret.value));
  } else if (secret.kind === 'reference') {
    lines.push(`# ${DOTENV_SECRET_VARIABLE} is not written here: set it in the app's environment.`);
  }
  lines.push(envLine('OIDC_REDIRECT_URI', redirectUri));
  if (signOut !== undefined) {
    lines.push(envLine('OIDC_POST_LOGOUT_REDIRECT_URI', signOut));
  }
  lines.push(
    envLine('OIDC_SCOPES', requestedScopes(input).scopes.join(' ')),
    envLine('OIDC_TOKEN_ENDPOINT_AUTH_METHOD', document.app.tokenEndpointAuthMethod),
    envLine('OIDC_AUTHORIZATION_ENDPOINT', discovery.authorization_endpoint),
    envLine('OIDC_TOKEN_ENDPOINT', discovery.token_endpoint),
  );
  if (discovery.userinfo_endpoint !== undefined) {
    lines.push(envLine('OIDC_USERINFO_ENDPOINT', discovery.userinfo_endpoint));
  }
  lines.push(envLine('OIDC_JWKS_URI', discovery.jwks_uri));
  if (discovery.end_session_endpoint !== undefined) {
    lines.push(envLine('OIDC_END_SESSION_ENDPOINT', discovery.end_session_endpoint));
  }

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'dotenv',
    content: `${lines.join('\n')}\n`,
    sensitive: secret.kind === 'inline',
    purpose:
      "The app's OpenID Connect settings as OIDC_* variables; goes where the app loads its .env.",
  };
  const nextSteps = [
    `Put ${FILE_NAME} where the app loads its environment (or copy the lines into its existing .env), and map the OIDC_* names to the settings the app's OIDC library reads.`,
  ];
  if (secret.kind === 'reference') {
    nextSteps.push(
      `Set ${DOTENV_SECRET_VARIABLE} to the app's client secret in the app's environment, e.g. from your secret store.`,
    );
  }
  nextSteps.push('Restart the app so it reads the new environment.');
  const warnings: string[] = [];
  if (secret.kind === 'inline') {
    warnings.push(inlineSecretWarning(FILE_NAME));
  }
  if (document.app.redirectUris.length > 1) {
    warnings.push(
      `The app registers ${String(document.app.redirectUris.length)} redirect URIs; OIDC_REDIRECT_URI names ${redirectUri}.`,
    );
  }
  return { target: 'dotenv', files: [file], nextSteps, warnings };
}

function readDotenv(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is missing from the export.`);
  }
  const values = parseDotenv(file.content);
  const required = (name: string): string => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      throw new ExportReadError(FILE_NAME, `${name} is missing from ${FILE_NAME}.`);
    }
    return value;
  };
  const issuer = required('OIDC_ISSUER');
  const clientId = required('OIDC_CLIENT_ID');
  const redirectUri = required('OIDC_REDIRECT_URI');
  const scopes = required('OIDC_SCOPES').split(/\s+/).filter(Boolean);
  const method = required('OIDC_TOKEN_ENDPOINT_AUTH_METHOD');
  const tokenEndpointAuthMethod = AUTH_METHODS.find((known) => known === method);
  if (tokenEndpointAuthMethod === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `OIDC_TOKEN_ENDPOINT_AUTH_METHOD "${method}" is not client_secret_basic, client_secret_post or none.`,
    );
  }
  const inlineSecret = values[DOTENV_SECRET_VARIABLE];
  let clientSecret: SecretSource;
  if (tokenEndpointAuthMethod === 'none') {
    if (inlineSecret !== undefined) {
      throw new ExportReadError(
        FILE_NAME,
        `${DOTENV_SECRET_VARIABLE} is set, but OIDC_TOKEN_ENDPOINT_AUTH_METHOD is "none" (a public client has no secret).`,
      );
    }
    clientSecret = { kind: 'none' };
  } else {
    clientSecret =
      inlineSecret === undefined || inlineSecret === ''
        ? environmentSecret(DOTENV_SECRET_VARIABLE)
        : { kind: 'inline', value: inlineSecret };
  }
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    scopes,
    tokenEndpointAuthMethod,
  };
}

/** A generic `.env`; see the module comment. */
export const dotenvExporter: Exporter = {
  id: 'dotenv',
  title: EXPORT_TARGET_TITLES.dotenv,
  description:
    'A .env with OIDC_* variables: issuer, client, redirect URIs, scopes, authentication method and endpoints.',
  mergeable: false,
  verifiable: true,
  export: exportDotenv,
  read: readDotenv,
};

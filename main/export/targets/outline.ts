import { parse as parseDotenv } from 'dotenv';

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
  environmentSecret,
  findRegisteredCallback,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Outline's OIDC plugin (targets.md §11): the `OIDC_*` lines and `URL` of Outline's environment
 * file.
 *
 * @remarks
 * - Explicit endpoints (`OIDC_AUTH_URI`, `OIDC_TOKEN_URI`, `OIDC_USERINFO_URI`) rather than the
 *   newer `OIDC_ISSUER_URL`: every release reads them, only recent ones read the issuer.
 * - Checked in outline/outline `plugins/oidc/server/auth/oidc.ts` and `oidcRouter.ts`: the
 *   callback is `${URL}/auth/${plugin id}.callback` with the id `oidc` (also the provider name
 *   before plugin.json had an id), so `<URL>/auth/oidc.callback`; `GET <URL>/auth/oidc` starts a
 *   sign-in; the manual configuration passes `pkce: false`; the strategy is passport-oauth2,
 *   whose token request (node-oauth's `getOAuthAccessToken`) puts `client_id` and
 *   `client_secret` in the body: `client_secret_post`.
 * - `env.ts` validates the set: `OIDC_CLIENT_ID` cannot be used without the secret, the three
 *   URIs and `OIDC_DISPLAY_NAME` (2 to 50 characters); the URIs must be URLs.
 * - Values are single-quoted, the form dotenv and Docker Compose's `env_file` both take
 *   literally. The secret by reference is left out of the file: Outline reads
 *   `OIDC_CLIENT_SECRET` from its environment, wherever it comes from.
 */

const TITLE = EXPORT_TARGET_TITLES.outline;
const FILE_NAME = 'outline.env';

/** The variable Outline reads the client secret from. */
export const OUTLINE_SECRET_VARIABLE = 'OIDC_CLIENT_SECRET';

/** Outline's plugin id is `oidc`; its router serves `<id>.callback` under `/auth`. */
const CALLBACK_PATH = '/auth/oidc.callback';

/** `OIDC_SCOPES` when unset (env.ts). */
const OUTLINE_DEFAULT_SCOPES = ['openid', 'profile', 'email'];

const DISPLAY_NAME = 'Okta';

function trimBase(baseUrl: string): string {
  return withoutTrailingSlashes(baseUrl.trim());
}

function envLine(name: string, value: string): string {
  if (/['\r\n]/.test(value)) {
    throw new Error(
      `Cannot write ${name} into ${FILE_NAME}: its value holds a single quote or a line break.`,
    );
  }
  return `${name}='${value}'`;
}

function exportOutline(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<URL>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const discovery = input.facts.discovery;
  if (discovery.userinfo_endpoint === undefined) {
    throw new Error(
      `Cannot export the ${TITLE} configuration: the issuer's discovery document has no userinfo_endpoint, and Outline reads the user from it (OIDC_USERINFO_URI).`,
    );
  }
  const inlineSecret = inlineSecretOf(input);

  const lines = [
    '# Okta sign-in for Outline, written by SSO Setup Console.',
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    '# Add these lines to the environment file Outline starts with (.env, or docker.env for Docker Compose).',
    '',
    // Outline builds its callback from URL: it must be the address browsers use.
    envLine('URL', callback.baseUrl),
    envLine('OIDC_CLIENT_ID', input.applied.clientId),
    inlineSecret === undefined
      ? `# ${OUTLINE_SECRET_VARIABLE} is not written here: set it in Outline's environment.`
      : envLine(OUTLINE_SECRET_VARIABLE, inlineSecret),
    envLine('OIDC_AUTH_URI', discovery.authorization_endpoint),
    envLine('OIDC_TOKEN_URI', discovery.token_endpoint),
    envLine('OIDC_USERINFO_URI', discovery.userinfo_endpoint),
    envLine('OIDC_USERNAME_CLAIM', 'preferred_username'),
    envLine('OIDC_DISPLAY_NAME', DISPLAY_NAME),
    envLine('OIDC_SCOPES', scopes.join(' ')),
    '',
  ];
  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'dotenv',
    content: lines.join('\n'),
    sensitive: inlineSecret !== undefined,
    purpose:
      'URL and the OIDC_* variables of Outline’s OIDC plugin, for the environment file Outline starts with.',
  };
  const nextSteps = [
    `Add the lines of ${FILE_NAME} to Outline's environment file (.env beside docker-compose.yml, often named docker.env), replacing any URL and OIDC_* lines it has. URL must stay ${callback.baseUrl}: Outline builds the redirect URI from it.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set ${OUTLINE_SECRET_VARIABLE} to the app's client secret in Outline's environment (a line in the same environment file kept out of version control, or your orchestrator's secret). Outline does not start the OIDC plugin without it.`,
    );
  }
  nextSteps.push(
    'Restart Outline (docker compose up -d, which re-reads the environment file); the sign-in page then shows “Continue with Okta”.',
    'Who administers Outline: the first person to sign in through Okta creates Outline’s workspace and becomes its admin, so sign in first as that person. Whether people from other email domains may join is a workspace setting in Outline (Settings › Security), which the export does not set; the Okta app’s assignments decide who reaches the sign-in at all.',
  );
  if (input.document.app.tokenEndpointAuthMethod !== 'client_secret_post') {
    warnings.push(
      `Outline (passport-oauth2) sends the client secret in the token request's body (client_secret_post), but the app is registered for ${input.document.app.tokenEndpointAuthMethod}. Set the app's client authentication to client_secret_post so Okta takes the way Outline authenticates.`,
    );
  }
  if (input.document.app.pkceRequired) {
    warnings.push(
      'The app requires PKCE, but Outline’s OIDC plugin with explicit endpoints sends none: Okta will refuse every sign-in. Turn off “Require PKCE” for the app.',
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'outline', files: [file], nextSteps, warnings };
}

/**
 * The issuer Okta's endpoint layout implies: `<issuer>/v1/authorize` on a custom server,
 * `<org>/oauth2/v1/authorize` on the org server (targets.md §0); refused unless the three
 * endpoints belong to one server.
 */
function issuerFromEndpoints(authUri: string, tokenUri: string, userinfoUri: string): string {
  const prefix = /^(https?:\/\/[^?#]+)\/v1\/authorize$/.exec(authUri)?.[1];
  if (prefix === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `OIDC_AUTH_URI in ${FILE_NAME} (${authUri}) is not an Okta authorize endpoint (…/v1/authorize), so the issuer cannot be told.`,
    );
  }
  if (tokenUri !== `${prefix}/v1/token` || userinfoUri !== `${prefix}/v1/userinfo`) {
    throw new ExportReadError(
      FILE_NAME,
      `OIDC_TOKEN_URI and OIDC_USERINFO_URI in ${FILE_NAME} do not belong to the same authorization server as OIDC_AUTH_URI (${prefix}).`,
    );
  }
  return prefix.endsWith('/oauth2') ? prefix.slice(0, -'/oauth2'.length) : prefix;
}

/**
 * Reads `outline.env` the way Outline does: dotenv, env.ts's rules (the client id needs the
 * secret, the three URIs and a display name of 2 to 50 characters; the URIs are URLs), the
 * callback from `URL`, `OIDC_SCOPES` split on single spaces, the secret posted in the body.
 *
 * @remarks
 * Outline has no issuer setting; the issuer is taken from the endpoints' Okta layout, so the
 * verification's discovery at that issuer checks the server Outline will call.
 */
function readOutline(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  const values = parseDotenv(file.content);
  const required = (name: string): string => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      throw new ExportReadError(
        FILE_NAME,
        `${FILE_NAME} does not set ${name}, which Outline's OIDC plugin cannot start without.`,
      );
    }
    return value;
  };
  const url = (name: string): string => {
    const value = required(name);
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new ExportReadError(FILE_NAME, `${name} in ${FILE_NAME} (${value}) is not a URL.`);
    }
    return value;
  };
  const clientId = required('OIDC_CLIENT_ID');
  const base = trimBase(url('URL'));
  const issuer = issuerFromEndpoints(
    url('OIDC_AUTH_URI'),
    url('OIDC_TOKEN_URI'),
    url('OIDC_USERINFO_URI'),
  );
  const displayName = values.OIDC_DISPLAY_NAME ?? 'OpenID Connect';
  if (displayName.length < 2 || displayName.length > 50) {
    throw new ExportReadError(
      FILE_NAME,
      `OIDC_DISPLAY_NAME in ${FILE_NAME} must be 2 to 50 characters long; Outline refuses to start otherwise.`,
    );
  }
  const inlineSecret = values[OUTLINE_SECRET_VARIABLE];
  const clientSecret: SecretSource =
    inlineSecret === undefined || inlineSecret === ''
      ? environmentSecret(OUTLINE_SECRET_VARIABLE)
      : { kind: 'inline', value: inlineSecret };
  const scopesValue = values.OIDC_SCOPES;
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri: `${base}${CALLBACK_PATH}`,
    // Outline splits on single spaces (env.OIDC_SCOPES.split(" ")).
    scopes:
      scopesValue === undefined
        ? OUTLINE_DEFAULT_SCOPES
        : scopesValue.split(' ').filter((scope) => scope !== ''),
    tokenEndpointAuthMethod: 'client_secret_post',
  };
}

/** Outline's OIDC plugin; see the module comment. */
export const outlineExporter: Exporter = {
  id: 'outline',
  title: TITLE,
  description:
    'outline.env with URL and the OIDC_* variables (explicit endpoints, for every Outline release); the secret from Outline’s environment.',
  mergeable: false,
  verifiable: true,
  export: exportOutline,
  read: readOutline,
};

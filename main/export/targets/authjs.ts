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
  type TargetReading,
} from '../exporter.ts';
import {
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Auth.js (NextAuth v5) with its Okta provider (targets.md §9): a `.env.local` with the variables
 * Auth.js picks up by name for the provider id `okta`.
 *
 * @remarks
 * `AUTH_SECRET`, which Auth.js always requires, is not written: it is a random value, and an
 * export is a pure function. `npx auth secret` generates it and adds it to `.env.local` itself.
 */

const FILE_NAME = '.env.local';
const TITLE = EXPORT_TARGET_TITLES.authjs;

/** Auth.js reads the Okta provider's secret from this variable. */
export const AUTHJS_SECRET_VARIABLE = 'AUTH_OKTA_SECRET';

/** The base path of Auth.js's routes in a Next.js app. */
const AUTH_BASE_PATH = '/api/auth';

/** The Okta provider's callback under Auth.js's routes. */
const CALLBACK_PATH = `${AUTH_BASE_PATH}/callback/okta`;

/**
 * What the Okta provider asks for: Auth.js's OIDC default, which only code (not these variables)
 * can change (targets.md §9, unverified upstream).
 */
const AUTHJS_SCOPES = ['openid', 'profile', 'email'];

/** Characters a dotenv value may hold without quotes in dotenv and Next.js's variable expansion. */
const PLAIN_DOTENV_VALUE = /^[A-Za-z0-9._:/@%+=,~-]+$/;

/**
 * One `KEY=value` line. Values outside the plain set are single-quoted: dotenv takes them
 * literally, and Next.js does not expand `$` inside single quotes.
 */
function dotenvLine(key: string, value: string): string {
  if (PLAIN_DOTENV_VALUE.test(value)) {
    return `${key}=${value}`;
  }
  if (/['\r\n]/.test(value)) {
    throw new Error(
      `Cannot write ${key} into ${FILE_NAME}: the value holds a quote or a line break.`,
    );
  }
  return `${key}='${value}'`;
}

function sameScopes(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((scope) => right.includes(scope));
}

function exportAuthJs(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<origin>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const authUrl = `${callback.baseUrl}${AUTH_BASE_PATH}`;

  const lines = [
    '# Okta sign-in for Auth.js (NextAuth v5), written by SSO Setup Console.',
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    '# AUTH_SECRET is not written here: run "npx auth secret", which adds it to this file.',
    // Pins the origin and base path Auth.js builds its callback from, instead of trusting each
    // request's Host header (and it lets the file say which callback that is).
    dotenvLine('AUTH_URL', authUrl),
    dotenvLine('AUTH_OKTA_ID', input.applied.clientId),
    dotenvLine('AUTH_OKTA_ISSUER', input.facts.discovery.issuer),
  ];
  if (inlineSecret === undefined) {
    lines.push(`# ${AUTHJS_SECRET_VARIABLE} comes from the app's environment.`);
  } else {
    lines.push(dotenvLine(AUTHJS_SECRET_VARIABLE, inlineSecret));
  }
  lines.push('');

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'dotenv',
    content: lines.join('\n'),
    sensitive: inlineSecret !== undefined,
    purpose:
      'The Okta provider’s environment variables for Auth.js; goes in the Next.js app’s root.',
  };
  const nextSteps = [
    `Put ${FILE_NAME} in the root of the Next.js app (next to package.json), or merge its lines into the ${FILE_NAME} you have.`,
    'In auth.ts, add the provider: import Okta from "next-auth/providers/okta" and list Okta in providers; Auth.js reads AUTH_OKTA_ID, AUTH_OKTA_SECRET and AUTH_OKTA_ISSUER by name.',
    `Run npx auth secret in the app's root: it generates AUTH_SECRET and adds it to ${FILE_NAME} (Auth.js refuses to start without it).`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${AUTHJS_SECRET_VARIABLE} to the app's client secret where the app runs (your host's environment settings, or the shell that starts next).`,
    );
  }
  nextSteps.push('Restart the app (next dev or next start) so it reads the variables.');
  if (!sameScopes(scopes, AUTHJS_SCOPES)) {
    warnings.push(
      `Auth.js's Okta provider requests ${AUTHJS_SCOPES.join(' ')}, but this setup expects ${scopes.join(' ')}. Request them in auth.ts: Okta({ authorization: { params: { scope: "${scopes.join(' ')}" } } }).`,
    );
  }
  if (input.document.app.tokenEndpointAuthMethod === 'client_secret_post') {
    warnings.push(
      'The app is registered for client_secret_post, but Auth.js sends client_secret_basic. Set the app’s client authentication to client_secret_basic, or configure the provider with client: { token_endpoint_auth_method: "client_secret_post" } in auth.ts.',
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'authjs', files: [file], nextSteps, warnings };
}

/**
 * Reads `.env.local` the way Auth.js does: the provider's variables by name, the callback from
 * `AUTH_URL` (origin and base path), the secret from the file or else from the environment.
 *
 * @remarks
 * The scopes are the provider's fixed ones, since no variable changes them; the client
 * authentication is Auth.js's default, HTTP Basic.
 */
function readAuthJs(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  const variables = parseDotenv(file.content);
  const required = (name: string): string => {
    const value = variables[name];
    if (value === undefined || value.trim() === '') {
      throw new ExportReadError(FILE_NAME, `${FILE_NAME} does not set ${name}.`);
    }
    return value;
  };
  const authUrl = required('AUTH_URL');
  if (!URL.canParse(authUrl)) {
    throw new ExportReadError(
      FILE_NAME,
      `AUTH_URL in ${FILE_NAME} (${authUrl}) is not an absolute URL.`,
    );
  }
  const secret = variables[AUTHJS_SECRET_VARIABLE];
  return {
    issuer: required('AUTH_OKTA_ISSUER'),
    clientId: required('AUTH_OKTA_ID'),
    clientSecret:
      secret === undefined || secret === ''
        ? { kind: 'environment', variable: AUTHJS_SECRET_VARIABLE }
        : { kind: 'inline', value: secret },
    redirectUri: `${withoutTrailingSlashes(authUrl)}/callback/okta`,
    scopes: AUTHJS_SCOPES,
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** Auth.js's Okta provider; see the module comment. */
export const authjsExporter: Exporter = {
  id: 'authjs',
  title: TITLE,
  description:
    '.env.local with AUTH_OKTA_ID, AUTH_OKTA_ISSUER and AUTH_URL for Auth.js’s Okta provider; the secret from the environment.',
  mergeable: false,
  verifiable: true,
  export: exportAuthJs,
  read: readAuthJs,
};

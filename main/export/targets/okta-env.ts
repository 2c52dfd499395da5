import { parse as parseDotenv } from 'dotenv';

import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import {
  type Exporter,
  type ExportInput,
  ExportReadError,
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
 * The Okta CLI's `.okta.env`: `export KEY="value"` lines that Okta's samples source before they
 * start (targets.md §12).
 *
 * @remarks
 * - Written the way the CLI writes it: one `export KEY="value"` per line, always double-quoted,
 *   no comments. The CLI's reader takes no end-of-line comments, and a shell that sources the
 *   file expands `$`, backquotes and backslashes inside double quotes, so values holding those
 *   are refused rather than written.
 * - The secret by reference: the file's own variable, `OKTA_OAUTH2_CLIENT_SECRET`, is the
 *   reference. Writing `"$OKTA_CLIENT_SECRET"` would work only where a shell sources the file;
 *   the CLI's reader and dotenv libraries would take the text literally. So the line is left out
 *   and the admin sets `OKTA_OAUTH2_CLIENT_SECRET` in the app's environment.
 * - Besides the CLI's three keys the file names the redirect URI, as
 *   `OKTA_OAUTH2_REDIRECT_URI` (the same converter's name for `okta.oauth2.redirect-uri`, and the
 *   variable Okta's PHP samples read): without it nothing in the file says where the app
 *   receives the sign-in. The format carries no scopes and no client authentication method;
 *   the reader reports what Okta's samples use, `openid profile email` with HTTP Basic.
 * - Single-page and native apps get no file, as with the CLI: they have no secret, and the
 *   reader could not tell "no secret" from "secret set elsewhere".
 */

/** The variable the app reads the secret from, whether or not the file holds it. */
export const OKTA_ENV_SECRET_VARIABLE = 'OKTA_OAUTH2_CLIENT_SECRET';

const FILE_NAME = '.okta.env';

const ISSUER = 'OKTA_OAUTH2_ISSUER';
const CLIENT_ID = 'OKTA_OAUTH2_CLIENT_ID';
const REDIRECT_URI = 'OKTA_OAUTH2_REDIRECT_URI';

/** What Okta's samples request; the format has no key for scopes. */
const SAMPLE_SCOPES = ['openid', 'profile', 'email'];

/** A line as the CLI writes it (targets.md §12, Check). */
const LINE_PATTERN = /^(export )?[A-Z0-9_]+="[^"]*"$/;

function exportLine(name: string, value: string): string {
  if (/["$`\\\r\n]/.test(value)) {
    throw new Error(
      `${name} cannot be written to .okta.env: its value contains a quote, "$", a backquote, a backslash or a line break, which a shell sourcing the file would change.`,
    );
  }
  return `export ${name}="${value}"`;
}

function exportOktaEnv(input: ExportInput): ExportOutput {
  const { document, facts, applied } = input;
  const issuer = facts.discovery.issuer;
  const secret = secretPlanFor(input);
  if (secret.kind === 'none') {
    throw new Error(
      'The .okta.env format is for web and service apps with a client secret; the Okta CLI writes none for single-page or native apps. Export the dotenv or JSON target instead.',
    );
  }
  assertPassesPreExportLint(input, { opening: 'Cannot export for .okta.env:' });
  const { redirectUri } = findRegisteredCallback(input, {
    kind: 'generic',
    targetTitle: '.okta.env',
  });

  const lines = [exportLine(ISSUER, issuer), exportLine(CLIENT_ID, applied.clientId)];
  if (secret.kind === 'inline') {
    lines.push(exportLine(OKTA_ENV_SECRET_VARIABLE, secret.value));
  }
  lines.push(exportLine(REDIRECT_URI, redirectUri));

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'dotenv',
    content: `${lines.join('\n')}\n`,
    sensitive: secret.kind === 'inline',
    purpose:
      "The Okta CLI's environment file, sourced before the app starts; goes in the app's folder.",
  };
  const nextSteps = [`Put ${FILE_NAME} in the app's folder, next to where it starts.`];
  if (secret.kind === 'reference') {
    nextSteps.push(
      `Set ${OKTA_ENV_SECRET_VARIABLE} to the app's client secret in the app's environment (the file leaves it out), e.g. from your secret store.`,
    );
  }
  nextSteps.push(
    `Start the app with the file loaded: source ${FILE_NAME}, then start it (restart it if it was running).`,
  );

  const warnings: string[] = [];
  if (secret.kind === 'inline') {
    warnings.push(inlineSecretWarning(FILE_NAME));
  }
  const { scopes } = requestedScopes(input);
  if (scopes.join(' ') !== SAMPLE_SCOPES.join(' ')) {
    warnings.push(
      `The .okta.env format carries no scopes; configure the app to request "${scopes.join(' ')}".`,
    );
  }
  if (document.app.tokenEndpointAuthMethod === 'client_secret_post') {
    warnings.push(
      'The app is registered for client_secret_post, but the .okta.env format has no authentication method and Okta’s libraries default to HTTP Basic; configure the app to post its credentials.',
    );
  }
  return { target: 'okta-env', files: [file], nextSteps, warnings };
}

function readOktaEnv(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} is missing from the export.`);
  }
  const lines = file.content.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() !== '' && !line.startsWith('#') && !LINE_PATTERN.test(line)) {
      throw new ExportReadError(
        FILE_NAME,
        `Line ${String(index + 1)} is not an export KEY="value" line as the Okta CLI reads them (no end-of-line comments, double quotes).`,
      );
    }
  });
  const values = parseDotenv(file.content);
  const required = (name: string): string => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      throw new ExportReadError(FILE_NAME, `${name} is missing from ${FILE_NAME}.`);
    }
    return value;
  };
  const inlineSecret = values[OKTA_ENV_SECRET_VARIABLE];
  return {
    issuer: required(ISSUER),
    clientId: required(CLIENT_ID),
    clientSecret:
      inlineSecret === undefined || inlineSecret === ''
        ? environmentSecret(OKTA_ENV_SECRET_VARIABLE)
        : { kind: 'inline', value: inlineSecret },
    redirectUri: required(REDIRECT_URI),
    scopes: [...SAMPLE_SCOPES],
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** The Okta CLI's `.okta.env`; see the module comment. */
export const oktaEnvExporter: Exporter = {
  id: 'okta-env',
  title: EXPORT_TARGET_TITLES['okta-env'],
  description:
    'The .okta.env file Okta’s samples source: issuer, client id, redirect URI, and the secret when inline.',
  mergeable: false,
  verifiable: true,
  export: exportOktaEnv,
  read: readOktaEnv,
};

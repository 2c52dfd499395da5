import { parse as parseDotenv } from 'dotenv';
import { Document, parseDocument, Scalar } from 'yaml';

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
 * Kaimu's backend reads its OIDC providers from one environment variable, `OIDC_PROVIDERS`, a
 * JSON array (targets.md §3). The export is a `docker-compose.override.yaml` that sets it on the
 * `backend` service, and a `.env` with the values Docker Compose substitutes into it.
 *
 * @remarks
 * Why this split, rather than the guide's one `.env` line `OIDC_PROVIDERS='[…]'`:
 * - Kaimu's `docker-compose.yaml` hard-codes `OIDC_PROVIDERS` (a Dex provider) on `backend`, so
 *   a `.env` entry alone does nothing (pitfall 7); an override file is needed either way, and
 *   Compose merges `docker-compose.override.yaml` by default.
 * - The client secret sits inside the JSON, and Kaimu does no substitution of its own. Compose
 *   does substitute `${…}` in the compose file, but not in a single-quoted `.env` value, and a
 *   double-quoted one would need every JSON quote escaped in a dialect that differs between
 *   parsers. So the JSON lives in the override file and references `${OKTA_CLIENT_SECRET}`, which
 *   Compose fills in from the shell or `.env`; `:?` makes Compose refuse to start the service
 *   while it is unset, instead of Kaimu failing at the token exchange.
 * - `.env` holds the values: `OIDC_BASE_URL` always, and the secret only when the admin asked for
 *   it inline (the one sensitive file). The override file never holds the secret and can be kept
 *   in version control.
 *
 * Kaimu drops every provider, silently, on any JSON or type error (pitfall 1), so the reader
 * refuses anything but strings in the provider's fields, and the export never sets
 * `discovery_url` (pitfall 4: Kaimu would look for Okta's keys at the wrong path).
 */

/** The variable the override file's JSON references for the client secret. */
export const KAIMU_SECRET_VARIABLE = 'OKTA_CLIENT_SECRET';

const ENV_FILE = '.env';
const OVERRIDE_FILE = 'docker-compose.override.yaml';

/** The provider's button text in Kaimu's sign-in page. */
const PROVIDER_NAME = 'Okta';

/** Kaimu's default when `scopes` is empty (`loadOIDCProviders`). */
const KAIMU_DEFAULT_SCOPES = 'openid email profile';

/** The JSON fields Kaimu's `OIDCProvider` binds; Go matches them case-insensitively. */
const PROVIDER_FIELDS = [
  'name',
  'slug',
  'issuer_url',
  'discovery_url',
  'client_id',
  'client_secret',
  'scopes',
] as const;

type ProviderField = (typeof PROVIDER_FIELDS)[number];

/** An unreserved URL segment: the slug is a path segment of the callback. */
const SLUG_PATTERN = /^[A-Za-z0-9._~-]+$/;

/** Kaimu splits scopes on single spaces; a double space yields an empty scope (pitfall 2). */
const SCOPES_PATTERN = /^\S+( \S+)*$/;

/**
 * Whether the secret can pass through a single-quoted `.env` value into a JSON string unchanged:
 * no quote, backslash or control character.
 */
function isSafeInJson(secret: string): boolean {
  for (let index = 0; index < secret.length; index += 1) {
    const code = secret.charCodeAt(index);
    if (code < 0x20 || `'"\\`.includes(secret.charAt(index))) {
      return false;
    }
  }
  return true;
}

/** Compose substitutes `$…` in the compose file; `$$` is a literal dollar there. */
function escapeForCompose(value: string): string {
  return value.replaceAll('$', '$$$$');
}

function singleQuotedEnvLine(name: string, value: string): string {
  if (value.includes("'") || /[\r\n]/.test(value)) {
    throw new Error(`${name} cannot be written to .env: it contains a quote or a line break.`);
  }
  return `${name}='${value}'`;
}

function exportKaimu(input: ExportInput): ExportOutput {
  const { document, facts, applied } = input;
  const issuer = facts.discovery.issuer;
  const secret = secretPlanFor(input);
  if (secret.kind === 'none') {
    throw new Error(
      'Kaimu signs in as a web app with a client secret (its guide\'s setup), but this app is a public client (token endpoint authentication "none"). Use the Kaimu preset\'s web app, apply it, and export again.',
    );
  }
  assertPassesPreExportLint(input, { opening: 'Cannot export for Kaimu:' });
  if (secret.kind === 'inline' && !isSafeInJson(secret.value)) {
    throw new Error(
      "The client secret contains a quote, backslash or control character, which cannot pass through .env into Kaimu's JSON. Export with a secret reference instead.",
    );
  }

  const slug = document.target.clientKey ?? 'okta';
  if (!SLUG_PATTERN.test(slug)) {
    throw new Error(
      `Kaimu's provider slug "${slug}" is a path segment of its callback; use letters, digits, "-", "_", "." or "~" only (e.g. "okta"). Change the client key, apply the setup, and export again.`,
    );
  }
  const { scopes } = requestedScopes(input);
  const badScope = scopes.find((scope) => !/^\S+$/.test(scope));
  if (badScope !== undefined) {
    throw new Error(
      `The scope ${JSON.stringify(badScope)} contains white space; Kaimu reads scopes as one space-separated string, so it would split it.`,
    );
  }
  const { redirectUri: callback, baseUrl: base } = findRegisteredCallback(input, {
    kind: 'at-base-url',
    targetTitle: 'Kaimu',
    callbackPath: `/auth/oidc/${slug}/callback`,
  });

  // Field order follows Kaimu's guide; every value is a string (pitfall 1).
  const provider: Record<Exclude<ProviderField, 'discovery_url'>, string> = {
    name: PROVIDER_NAME,
    slug,
    issuer_url: escapeForCompose(issuer),
    client_id: escapeForCompose(applied.clientId),
    client_secret: `\${${KAIMU_SECRET_VARIABLE}:?set ${KAIMU_SECRET_VARIABLE} in .env or the shell}`,
    scopes: escapeForCompose(scopes.join(' ')),
  };
  const override = new Document({});
  override.commentBefore =
    " Docker Compose merges this over Kaimu's docker-compose.yaml, whose backend service hard-codes\n OIDC_PROVIDERS; the values come from .env next to it.";
  const baseUrlValue = new Scalar('${OIDC_BASE_URL:?set OIDC_BASE_URL in .env}');
  baseUrlValue.type = Scalar.QUOTE_DOUBLE;
  const providersValue = new Scalar(JSON.stringify([provider]));
  providersValue.type = Scalar.QUOTE_SINGLE;
  override.setIn(['services', 'backend', 'environment', 'OIDC_BASE_URL'], baseUrlValue);
  override.setIn(['services', 'backend', 'environment', 'OIDC_PROVIDERS'], providersValue);

  const envLines = [
    "# Kaimu's backend address, for its callbacks OIDC_BASE_URL/auth/oidc/<slug>/callback: no trailing slash.",
    singleQuotedEnvLine('OIDC_BASE_URL', base),
  ];
  if (secret.kind === 'inline') {
    envLines.push(singleQuotedEnvLine(KAIMU_SECRET_VARIABLE, secret.value));
  } else {
    envLines.push(
      `# ${KAIMU_SECRET_VARIABLE} (the client secret) is not written here: add it to this file or set it in the shell that runs docker compose.`,
    );
  }

  const files: ExportedFile[] = [
    {
      name: OVERRIDE_FILE,
      language: 'yaml',
      content: override.toString({ lineWidth: 0 }),
      sensitive: false,
      purpose:
        "Sets OIDC_PROVIDERS and OIDC_BASE_URL on Kaimu's backend service; goes next to Kaimu's docker-compose.yaml.",
    },
    {
      name: ENV_FILE,
      language: 'dotenv',
      content: `${envLines.join('\n')}\n`,
      sensitive: secret.kind === 'inline',
      purpose:
        secret.kind === 'inline'
          ? "The values Docker Compose substitutes into the override file, with the client secret; add them to the .env next to Kaimu's docker-compose.yaml."
          : "The values Docker Compose substitutes into the override file; add them to the .env next to Kaimu's docker-compose.yaml.",
    },
  ];

  const nextSteps = [
    `Put ${OVERRIDE_FILE} next to Kaimu's docker-compose.yaml (if you already have one, merge services.backend.environment into it).`,
    `Add the lines of ${ENV_FILE} to the .env next to docker-compose.yaml; Docker Compose reads it for the \${…} values.`,
  ];
  if (secret.kind === 'reference') {
    nextSteps.push(
      `Set ${KAIMU_SECRET_VARIABLE} to the app's client secret, as ${KAIMU_SECRET_VARIABLE}='…' in that .env or in the shell that runs docker compose; Compose refuses to start the backend while it is unset.`,
    );
  }
  nextSteps.push(
    'Run docker compose up -d backend, which recreates the container with the new environment. docker compose restart backend does NOT reload the environment or compose changes, and keeps the old providers.',
    `Check with docker compose config that the backend's OIDC_PROVIDERS holds the Okta provider, then sign in at Kaimu's login page; it sends the redirect URI ${callback}.`,
  );

  const warnings: string[] = [];
  if (secret.kind === 'inline') {
    warnings.push(inlineSecretWarning(ENV_FILE));
  }
  warnings.push(
    'Kaimu links an Okta sign-in to an existing account by email only when the ID token says email_verified is true.',
  );
  if (document.issuer.groupsClaim !== undefined) {
    warnings.push('Kaimu does not read a groups claim; the groups scope only adds to the token.');
  }
  return { target: 'kaimu', files, nextSteps, warnings };
}

function fileNamed(files: readonly ExportedFile[], name: string): ExportedFile {
  const file = files.find((candidate) => candidate.name === name);
  if (file === undefined) {
    throw new ExportReadError(name, `${name} is missing from the export.`);
  }
  return file;
}

/** The backend's environment from the override file, in either of Compose's two forms. */
function backendEnvironment(content: string): Record<string, string> {
  const parsed = parseDocument(content);
  const firstError = parsed.errors[0];
  if (firstError !== undefined) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      `${OVERRIDE_FILE} is not valid YAML: ${firstError.message}`,
    );
  }
  const environment: unknown = parsed.getIn(['services', 'backend', 'environment']);
  const plain: unknown =
    environment !== null && typeof environment === 'object' && 'toJSON' in environment
      ? (environment as { toJSON(): unknown }).toJSON()
      : environment;
  const result: Record<string, string> = {};
  if (Array.isArray(plain)) {
    for (const entry of plain) {
      if (typeof entry !== 'string') {
        continue;
      }
      const equals = entry.indexOf('=');
      if (equals > 0) {
        result[entry.slice(0, equals)] = entry.slice(equals + 1);
      }
    }
    return result;
  }
  if (plain !== null && typeof plain === 'object') {
    for (const [key, value] of Object.entries(plain)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        result[key] = String(value);
      }
    }
    return result;
  }
  throw new ExportReadError(
    OVERRIDE_FILE,
    `${OVERRIDE_FILE} sets no services.backend.environment, so Kaimu keeps the providers of its own docker-compose.yaml.`,
  );
}

/**
 * Substitutes `${NAME}`, `${NAME:?message}`, `${NAME:-default}` and `$$` as Docker Compose does,
 * from `.env`. A variable `.env` does not set is looked up with `unresolved`, which decides what
 * stands in for it (Compose would take it from the shell, which a reading cannot see).
 */
function interpolate(
  value: string,
  variables: Record<string, string>,
  unresolved: (name: string) => string,
): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (
      _match: string,
      name: string | undefined,
      operator: string | undefined,
      argument: string | undefined,
    ) => {
      if (name === undefined) {
        return '$';
      }
      const set = variables[name];
      const isSet = set !== undefined && (set !== '' || operator?.startsWith(':') !== true);
      if (isSet) {
        return set;
      }
      if (operator?.endsWith('-') === true) {
        return argument ?? '';
      }
      return unresolved(name);
    },
  );
}

/** One provider's fields, refusing any value Kaimu's Go struct would choke on. */
function providerFields(value: unknown): Partial<Record<ProviderField, string>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      'Each entry of OIDC_PROVIDERS must be a JSON object; Kaimu would drop every provider.',
    );
  }
  const fields: Partial<Record<ProviderField, string>> = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = PROVIDER_FIELDS.find((known) => known === key.toLowerCase());
    if (field === undefined || fieldValue === null) {
      continue;
    }
    if (typeof fieldValue !== 'string') {
      throw new ExportReadError(
        OVERRIDE_FILE,
        `OIDC_PROVIDERS field "${key}" is ${Array.isArray(fieldValue) ? 'a list' : `a ${typeof fieldValue}`}, but Kaimu reads it as a string; Kaimu would drop every provider without a word.${field === 'scopes' ? ' Write scopes as one space-separated string, e.g. "openid email profile".' : ''}`,
      );
    }
    fields[field] = fieldValue;
  }
  return fields;
}

function readKaimu(files: readonly ExportedFile[]): TargetReading {
  const variables = parseDotenv(fileNamed(files, ENV_FILE).content);
  const environment = backendEnvironment(fileNamed(files, OVERRIDE_FILE).content);

  const rawBaseUrl = environment.OIDC_BASE_URL;
  const rawProviders = environment.OIDC_PROVIDERS;
  if (rawBaseUrl === undefined || rawProviders === undefined) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      `${OVERRIDE_FILE} must set both OIDC_BASE_URL and OIDC_PROVIDERS on the backend service; Kaimu's docker-compose.yaml sets its own otherwise.`,
    );
  }
  const missing = (name: string): never => {
    throw new ExportReadError(
      ENV_FILE,
      `${name} is not set in ${ENV_FILE}, so Docker Compose cannot fill it in.`,
    );
  };
  const baseUrl = interpolate(rawBaseUrl, variables, missing);
  if (!URL.canParse(baseUrl) || baseUrl.endsWith('/')) {
    throw new ExportReadError(
      ENV_FILE,
      `OIDC_BASE_URL "${baseUrl}" must be an absolute URL without a trailing slash (Kaimu would build //auth/… callbacks).`,
    );
  }

  // Compose substitutes first and Kaimu parses the result; a secret left to the shell is
  // stood in for by a marker, recognised after parsing.
  const environmentMarkers = new Map<string, string>();
  const substituted = interpolate(rawProviders, variables, (name) => {
    const marker = `sso-console-environment-${String(environmentMarkers.size)}`;
    environmentMarkers.set(marker, name);
    return marker;
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(substituted.trim());
  } catch (error) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      `OIDC_PROVIDERS is not valid JSON (${error instanceof Error ? error.message : String(error)}); Kaimu would drop every provider without a word.`,
    );
  }
  if (!Array.isArray(parsed)) {
    throw new ExportReadError(OVERRIDE_FILE, 'OIDC_PROVIDERS must be a JSON array of providers.');
  }
  const providers = parsed.map(providerFields);
  const provider = providers[0];
  if (provider === undefined || providers.length > 1) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      `OIDC_PROVIDERS holds ${String(providers.length)} providers; the verification checks exactly one.`,
    );
  }
  if (provider.discovery_url !== undefined && provider.discovery_url !== '') {
    throw new ExportReadError(
      OVERRIDE_FILE,
      'OIDC_PROVIDERS sets discovery_url; Kaimu would then look for Okta\'s keys at discovery_url + "/keys", which is not where Okta serves them. Remove it.',
    );
  }
  const required = ['name', 'slug', 'issuer_url', 'client_id', 'client_secret'] as const;
  for (const field of required) {
    if (provider[field] === undefined || provider[field] === '') {
      throw new ExportReadError(OVERRIDE_FILE, `The provider's ${field} is missing or empty.`);
    }
  }
  const { slug = '', issuer_url: issuer = '', client_id: clientId = '' } = provider;
  if (!SLUG_PATTERN.test(slug)) {
    throw new ExportReadError(OVERRIDE_FILE, `The slug "${slug}" is not a URL path segment.`);
  }
  for (const [field, value] of Object.entries(provider)) {
    const stillUnresolved = environmentMarkers.get(value);
    if (stillUnresolved !== undefined && field !== 'client_secret') {
      missing(stillUnresolved);
    }
  }
  const scopes =
    provider.scopes === undefined || provider.scopes === ''
      ? KAIMU_DEFAULT_SCOPES
      : provider.scopes;
  if (!SCOPES_PATTERN.test(scopes)) {
    throw new ExportReadError(
      OVERRIDE_FILE,
      `scopes ${JSON.stringify(scopes)} must be scopes separated by single spaces; Kaimu would request an empty scope.`,
    );
  }
  const secretValue = provider.client_secret ?? '';
  const secretVariable = environmentMarkers.get(secretValue);
  const clientSecret: SecretSource =
    secretVariable === undefined
      ? { kind: 'inline', value: secretValue }
      : environmentSecret(secretVariable);
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUri: `${baseUrl}/auth/oidc/${slug}/callback`,
    scopes: scopes.split(' '),
    // golang.org/x/oauth2 auto-detects the style and tries HTTP Basic first.
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** Kaimu: `docker-compose.override.yaml` and `.env`; see the module comment. */
export const kaimuExporter: Exporter = {
  id: 'kaimu',
  title: EXPORT_TARGET_TITLES.kaimu,
  description:
    'docker-compose.override.yaml setting OIDC_PROVIDERS on the backend, and the .env values it takes (base URL, secret when inline).',
  mergeable: false,
  verifiable: true,
  export: exportKaimu,
  read: readKaimu,
};

import { parse as parseToml } from 'smol-toml';

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
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  inlineSecretOf,
  inlineSecretWarning,
  oneLine,
  requestedScopes,
} from '../target-rules.ts';

/**
 * oauth2-proxy's OIDC provider (targets.md §8): an `oauth2-proxy.cfg` in the TOML syntax its
 * `--config` file takes.
 *
 * @remarks
 * Neither secret is in the file by default: oauth2-proxy reads `OAUTH2_PROXY_CLIENT_SECRET` and
 * `OAUTH2_PROXY_COOKIE_SECRET` from its environment. The cookie secret is never generated here
 * — an export is a pure function, and a secret the console made up would end up in golden files
 * and logs — so the next steps give the command that makes one of a valid length.
 */

const FILE_NAME = 'oauth2-proxy.cfg';
const TITLE = EXPORT_TARGET_TITLES['oauth2-proxy'];

/** oauth2-proxy's environment form of `client_secret`. */
export const OAUTH2_PROXY_SECRET_VARIABLE = 'OAUTH2_PROXY_CLIENT_SECRET';

/** oauth2-proxy's environment form of `cookie_secret`. */
export const OAUTH2_PROXY_COOKIE_VARIABLE = 'OAUTH2_PROXY_COOKIE_SECRET';

/** oauth2-proxy's callback under the proxy's address. */
const CALLBACK_PATH = '/oauth2/callback';

/** oauth2-proxy's scopes for the OIDC provider when `scope` is absent (targets.md §8). */
const OAUTH2_PROXY_DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * A TOML basic string. JSON's string escapes (`\"`, `\\`, `\n`, `\uXXXX`) are all TOML escapes
 * too, so a JSON string literal is a valid TOML one.
 */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/**
 * oauth2-proxy's trap at the first sign-in: it refuses an ID token whose `email_verified` is
 * false, with an error page rather than a clear message, unless told not to check. The export
 * keeps the check; whose email is verified is decided in Okta.
 */
function verifiedEmailStep(scopes: readonly string[]): string {
  const scopeNote = scopes.includes('email')
    ? 'The export requests the email scope, so Okta puts email and email_verified in the ID token.'
    : 'The setup does not request the email scope, so Okta sends no email and oauth2-proxy cannot tell who signed in: add the email scope to the setup.';
  return `Verified email: oauth2-proxy refuses a sign-in whose ID token says email_verified: false, and the export leaves insecure_oidc_allow_unverified_email off. ${scopeNote} Okta sends email_verified: true only for users whose primary email it has verified; you decide: have the others verify their email in Okta, or set insecure_oidc_allow_unverified_email = true knowingly.`;
}

function exportOauth2Proxy(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<proxy>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);

  const lines = [
    '# Okta sign-in for oauth2-proxy, written by SSO Setup Console.',
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${oneLine(callback.redirectUri)}.`,
    '',
    'provider = "oidc"',
    'provider_display_name = "Okta"',
    // go-oidc refuses the provider unless this equals discovery's issuer exactly (targets.md §0).
    `oidc_issuer_url = ${tomlString(input.facts.discovery.issuer)}`,
    `client_id = ${tomlString(input.applied.clientId)}`,
  ];
  if (inlineSecret === undefined) {
    lines.push(
      `# client_secret comes from the environment variable ${OAUTH2_PROXY_SECRET_VARIABLE}.`,
    );
  } else {
    lines.push(`client_secret = ${tomlString(inlineSecret)}`);
  }
  lines.push(
    `# cookie_secret comes from the environment variable ${OAUTH2_PROXY_COOKIE_VARIABLE} (16, 24 or 32 bytes).`,
    `redirect_url = ${tomlString(callback.redirectUri)}`,
    `scope = ${tomlString(scopes.join(' '))}`,
    // Okta's app assignments already decide who may sign in; without this line oauth2-proxy would
    // refuse every email address.
    'email_domains = ["*"]',
  );
  if (claim !== undefined) {
    lines.push(`oidc_groups_claim = ${tomlString(claim)}`);
  }
  if (input.document.app.pkceRequired) {
    lines.push('code_challenge_method = "S256"');
  }
  lines.push('');

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'toml',
    content: lines.join('\n'),
    sensitive: inlineSecret !== undefined,
    purpose: 'oauth2-proxy’s configuration file, passed with --config.',
  };
  const environment = [
    ...(inlineSecret === undefined ? [OAUTH2_PROXY_SECRET_VARIABLE] : []),
    OAUTH2_PROXY_COOKIE_VARIABLE,
  ];
  const nextSteps = [
    `Put ${FILE_NAME} where oauth2-proxy runs (e.g. /etc/oauth2-proxy/${FILE_NAME}) and start it with --config=/etc/oauth2-proxy/${FILE_NAME}. Add your upstream (upstreams = ["http://127.0.0.1:8080"]) or use it behind your reverse proxy's auth_request.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${OAUTH2_PROXY_SECRET_VARIABLE} to the app's client secret in oauth2-proxy's environment.`,
    );
  }
  nextSteps.push(
    `Cookie secret: the export writes none (a secret it made up would sit in its files and logs). Set the environment variable ${OAUTH2_PROXY_COOKIE_VARIABLE} to a new random value of exactly 16, 24 or 32 bytes, e.g. the output of: openssl rand -base64 32 | tr -- '+/' '-_' (32 bytes once decoded). oauth2-proxy refuses to start with any other length ("cookie_secret must be 16, 24, or 32 bytes to create an AES cipher").`,
    `Restart oauth2-proxy so it reads the file and ${environment.join(' and ')}.`,
    verifiedEmailStep(scopes),
    'Who gets in: the export set email_domains = ["*"], so every user Okta signs in is let through and the Okta app’s assignments are the gate. You decide whether oauth2-proxy checks too: narrow email_domains, or add allowed_groups (with oidc_groups_claim) for the groups that may pass.',
  );
  const redirect = new URL(callback.redirectUri);
  if (redirect.protocol === 'http:' && !isLoopback(redirect)) {
    warnings.push(
      `oauth2-proxy is reached over plain http (${redirect.origin}), but its session cookie is Secure by default, so browsers will not send it back. Serve it over https, or set cookie_secure = false knowingly.`,
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'oauth2-proxy', files: [file], nextSteps, warnings };
}

function textIn(tree: Record<string, unknown>, key: string): string {
  const value = tree[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} does not set ${key}.`);
  }
  return value;
}

function readSecret(tree: Record<string, unknown>): SecretSource {
  const value = tree.client_secret;
  if (value === undefined) {
    // The file leaves it to oauth2-proxy's environment, as the export's next steps say.
    return { kind: 'environment', variable: OAUTH2_PROXY_SECRET_VARIABLE };
  }
  if (typeof value !== 'string' || value === '') {
    throw new ExportReadError(FILE_NAME, `client_secret in ${FILE_NAME} is not a string.`);
  }
  return { kind: 'inline', value };
}

/** oauth2-proxy splits `scope` on spaces. */
function readScopes(tree: Record<string, unknown>): string[] {
  const value = tree.scope;
  if (value === undefined) {
    return OAUTH2_PROXY_DEFAULT_SCOPES;
  }
  if (typeof value !== 'string') {
    throw new ExportReadError(FILE_NAME, `scope in ${FILE_NAME} is not a string.`);
  }
  return value.split(' ').filter((scope) => scope !== '');
}

/**
 * Reads `oauth2-proxy.cfg` the way oauth2-proxy does: TOML keys, the secret from the file or, when
 * absent, from `OAUTH2_PROXY_CLIENT_SECRET`, and `redirect_url` as the callback it sends.
 *
 * @remarks
 * oauth2-proxy's token requests use Go's automatic client authentication, which tries HTTP Basic
 * first, hence `client_secret_basic`.
 */
function readOauth2Proxy(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  let tree: Record<string, unknown>;
  try {
    tree = parseToml(file.content);
  } catch (error) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} is not valid TOML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (tree.provider !== 'oidc') {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} does not set provider = "oidc".`);
  }
  const redirectUri = textIn(tree, 'redirect_url');
  if (!URL.canParse(redirectUri) || !new URL(redirectUri).pathname.endsWith(CALLBACK_PATH)) {
    throw new ExportReadError(
      FILE_NAME,
      `redirect_url in ${FILE_NAME} (${redirectUri}) is not an absolute URL ending in ${CALLBACK_PATH}, the path oauth2-proxy serves its callback on.`,
    );
  }
  return {
    issuer: textIn(tree, 'oidc_issuer_url'),
    clientId: textIn(tree, 'client_id'),
    clientSecret: readSecret(tree),
    redirectUri,
    scopes: readScopes(tree),
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** oauth2-proxy's OIDC provider; see the module comment. */
export const oauth2ProxyExporter: Exporter = {
  id: 'oauth2-proxy',
  title: TITLE,
  description:
    'oauth2-proxy.cfg for the OIDC provider; client and cookie secrets from OAUTH2_PROXY_* environment variables.',
  mergeable: false,
  verifiable: true,
  export: exportOauth2Proxy,
  read: readOauth2Proxy,
};

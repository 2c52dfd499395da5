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
  parsePythonConfig,
  PythonConfigError,
  pythonString,
  type PythonValue,
} from '../python-config.ts';
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
 * JupyterHub signing in with oauthenticator's `GenericOAuthenticator` (targets.md §20): the lines
 * of `jupyterhub_config.py` that set it up.
 *
 * @remarks
 * `GenericOAuthenticator` reads no discovery, so the authorize and token endpoints are written out
 * from the discovery document read at export time, and the user's claims come from the ID token
 * (`userdata_from_id_token`, oauthenticator 16.3+), which is where the org server puts the groups
 * claim. Checked in oauthenticator's `oauth2.py` beyond targets.md: `client_secret` defaults to
 * the environment variable `OAUTH_CLIENT_SECRET`, and `oauth_callback_url` to
 * `OAUTH_CALLBACK_URL`, else it is guessed from the request — the export sets it explicitly. The
 * secret is read with `os.environ[…]` so a missing variable stops JupyterHub at start-up with a
 * KeyError rather than sending an empty secret at the first sign-in. `basic_auth = True` matches
 * the Okta default `client_secret_basic` (oauthenticator's default is the request body).
 */

const FILE_NAME = 'jupyterhub_config.py';
const TITLE = EXPORT_TARGET_TITLES.jupyterhub;

/** The variable oauthenticator itself falls back to for `client_secret`. */
export const JUPYTERHUB_SECRET_VARIABLE = 'OAUTH_CLIENT_SECRET';

/** JupyterHub's OAuth callback under the hub's public URL. */
const CALLBACK_PATH = '/hub/oauth_callback';

/** The class names `c.JupyterHub.authenticator_class` may give for `GenericOAuthenticator`. */
const GENERIC_CLASS_NAMES = new Set([
  'generic-oauth',
  'generic',
  'oauthenticator.generic.GenericOAuthenticator',
  'oauthenticator.GenericOAuthenticator',
]);

/** The traits a user must match one of to sign in at all (oauthenticator 16+). */
const ALLOW_TRAITS = ['allow_all', 'allow_existing_users', 'allowed_users', 'allowed_groups'];

function assignment(trait: string, value: string): string {
  return `c.GenericOAuthenticator.${trait} = ${value}`;
}

function pythonList(values: readonly string[]): string {
  return `[${values.map(pythonString).join(', ')}]`;
}

function exportJupyterHub(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<hub URL>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);
  const discovery = input.facts.discovery;
  const basicAuth = input.document.app.tokenEndpointAuthMethod === 'client_secret_basic';

  const lines = [
    `# Okta sign-in for ${TITLE} (oauthenticator's GenericOAuthenticator), written by SSO Setup Console.`,
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${oneLine(callback.redirectUri)}.`,
    '# Add these lines to jupyterhub_config.py; they need oauthenticator 17.1 or later.',
    'import os',
    '',
    'c.JupyterHub.authenticator_class = "generic-oauth"',
    assignment('login_service', pythonString('Okta')),
    assignment('client_id', pythonString(input.applied.clientId)),
    assignment(
      'client_secret',
      inlineSecret === undefined
        ? `os.environ[${pythonString(JUPYTERHUB_SECRET_VARIABLE)}]`
        : pythonString(inlineSecret),
    ),
    assignment('oauth_callback_url', pythonString(callback.redirectUri)),
    // GenericOAuthenticator reads no discovery: the endpoints as discovery gave them.
    assignment('authorize_url', pythonString(discovery.authorization_endpoint)),
    assignment('token_url', pythonString(discovery.token_endpoint)),
    '# The claims come from the ID token, where the org authorization server puts groups.',
    assignment('userdata_from_id_token', 'True'),
    assignment('scope', pythonList(scopes)),
    '# Okta sends no "username" claim; preferred_username is the Okta login.',
    assignment('username_claim', pythonString('preferred_username')),
    assignment('basic_auth', basicAuth ? 'True' : 'False'),
    assignment('enable_pkce', 'True'),
    '# Whoever Okta lets sign in to the app may use the hub: the app’s assignments are the gate.',
    assignment('allow_all', 'True'),
  ];
  if (claim !== undefined) {
    lines.push(
      '# JupyterHub groups follow the Okta groups in the ID token.',
      assignment('manage_groups', 'True'),
      assignment('auth_state_groups_key', pythonString(`oauth_user.${claim}`)),
      '# Who administers the hub is yours to decide, e.g.:',
      `# ${assignment('admin_groups', `{${pythonString(input.facts.assignedGroups[0]?.name ?? 'JupyterHub Admins')}}`)}`,
    );
  }
  lines.push('');

  const file: ExportedFile = {
    name: FILE_NAME,
    // Python is highlighted with the dotenv rules (`#` comments, quotes, `key = value` lines);
    // FILE_LANGUAGES has no Python of its own.
    language: 'dotenv',
    content: lines.join('\n'),
    sensitive: inlineSecret !== undefined,
    purpose: 'The GenericOAuthenticator settings to add to JupyterHub’s jupyterhub_config.py.',
  };
  const nextSteps = [
    `Add the lines of ${FILE_NAME} to your jupyterhub_config.py (or start JupyterHub with -f pointing at it). JupyterHub must have oauthenticator 17.1 or later (pip install "oauthenticator>=17.1"). With the Zero to JupyterHub Helm chart, set the same traits under hub.config.GenericOAuthenticator.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${JUPYTERHUB_SECRET_VARIABLE} to the app's client secret in JupyterHub's environment (systemd: Environment=${JUPYTERHUB_SECRET_VARIABLE}=… in the unit's override; Docker: -e ${JUPYTERHUB_SECRET_VARIABLE}). JupyterHub stops at start-up with KeyError if it is missing.`,
    );
  }
  nextSteps.push(
    `Restart JupyterHub; its sign-in page then shows "Sign in with Okta". The address it is reached at must match ${callback.redirectUri}.`,
    'First sign-in: the export set allow_all = True, so everyone the Okta app lets sign in gets a hub account named after their Okta login (preferred_username, lowercased by JupyterHub). Narrow it with allowed_users or allowed_groups (which need manage_groups = True) if the hub should check too. Spawners that need a system user (the default LocalProcessSpawner) also need that user to exist.',
    claim === undefined
      ? 'Admins: the export makes nobody a hub admin. Set c.GenericOAuthenticator.admin_users = {"<username>"}, or add a groups claim to the setup and use admin_groups.'
      : `Admins: the export sets manage_groups = True and reads groups from the "${claim}" claim, but names no admin_groups: you decide which Okta group administers the hub (the commented admin_groups line), or set admin_users.`,
  );
  if (input.document.app.pkceRequired) {
    warnings.push(
      'oauthenticator before 17.1 does not know enable_pkce and sends no PKCE; the token exchange then fails, since the app requires PKCE.',
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'jupyterhub', files: [file], nextSteps, warnings };
}

/** The value of a trait as GenericOAuthenticator sees it: its own config, else OAuthenticator's. */
function traitOf(assignments: Map<string, PythonValue>, trait: string): PythonValue | undefined {
  return (
    assignments.get(`GenericOAuthenticator.${trait}`) ?? assignments.get(`OAuthenticator.${trait}`)
  );
}

function textTrait(assignments: Map<string, PythonValue>, trait: string): string | undefined {
  const value = traitOf(assignments, trait);
  if (value === undefined) {
    return undefined;
  }
  if (value.type !== 'str') {
    throw new ExportReadError(
      FILE_NAME,
      `${trait} in ${FILE_NAME} is not a string literal (${value.type}).`,
    );
  }
  return value.value;
}

function requiredText(assignments: Map<string, PythonValue>, trait: string): string {
  const value = textTrait(assignments, trait);
  if (value === undefined || value.trim() === '') {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not set c.GenericOAuthenticator.${trait}.`,
    );
  }
  return value;
}

function isTrue(value: PythonValue | undefined): boolean {
  return value?.type === 'bool' && value.value;
}

function readSecret(assignments: Map<string, PythonValue>): SecretSource {
  const value = traitOf(assignments, 'client_secret');
  if (value === undefined) {
    // oauthenticator's own default.
    return { kind: 'environment', variable: JUPYTERHUB_SECRET_VARIABLE };
  }
  if (value.type === 'environ') {
    return { kind: 'environment', variable: value.variable };
  }
  if (value.type === 'str' && value.value !== '') {
    return { kind: 'inline', value: value.value };
  }
  throw new ExportReadError(
    FILE_NAME,
    `client_secret in ${FILE_NAME} is neither a string nor os.environ["…"].`,
  );
}

function readScopes(assignments: Map<string, PythonValue>): string[] {
  const value = traitOf(assignments, 'scope');
  if (value === undefined) {
    // GenericOAuthenticator's default: no scope at all.
    return [];
  }
  if (
    (value.type !== 'list' && value.type !== 'tuple') ||
    !value.items.every((item) => item.type === 'str')
  ) {
    throw new ExportReadError(FILE_NAME, `scope in ${FILE_NAME} is not a list of strings.`);
  }
  return value.items.map((item) => item.value);
}

/**
 * The issuer Okta's endpoint layout implies: `<issuer>/v1/authorize` on a custom server,
 * `<org>/oauth2/v1/authorize` on the org server (targets.md §0); the token endpoint must belong
 * to the same server.
 */
function issuerFromEndpoints(authorizeUrl: string, tokenUrl: string): string {
  const prefix = /^(https?:\/\/[^?#]+)\/v1\/authorize$/.exec(authorizeUrl)?.[1];
  if (prefix === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `authorize_url in ${FILE_NAME} (${authorizeUrl}) is not an Okta authorize endpoint (…/v1/authorize), so the issuer cannot be told.`,
    );
  }
  if (tokenUrl !== `${prefix}/v1/token`) {
    throw new ExportReadError(
      FILE_NAME,
      `token_url in ${FILE_NAME} (${tokenUrl}) does not belong to the same authorization server as authorize_url (${prefix}).`,
    );
  }
  return prefix.endsWith('/oauth2') ? prefix.slice(0, -'/oauth2'.length) : prefix;
}

/** Refuses the combinations oauthenticator itself refuses at start-up, or that let nobody in. */
function checkCombinations(assignments: Map<string, PythonValue>): void {
  if (
    isTrue(traitOf(assignments, 'userdata_from_id_token')) &&
    textTrait(assignments, 'userdata_url') !== undefined
  ) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} sets both userdata_from_id_token and userdata_url; GenericOAuthenticator refuses that with a ValueError.`,
    );
  }
  const groupTraits = ['allowed_groups', 'admin_groups'].filter(
    (trait) => traitOf(assignments, trait) !== undefined,
  );
  if (groupTraits.length > 0 && !isTrue(traitOf(assignments, 'manage_groups'))) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} sets ${groupTraits.join(' and ')} without manage_groups = True, which oauthenticator 17 refuses with a ValueError.`,
    );
  }
  const allowed = ALLOW_TRAITS.some((trait) => {
    const value = traitOf(assignments, trait);
    return value !== undefined && !(value.type === 'bool' && !value.value);
  });
  if (!allowed) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} sets none of ${ALLOW_TRAITS.join(', ')}: oauthenticator 16+ then lets nobody sign in.`,
    );
  }
}

/**
 * Reads `jupyterhub_config.py` the way JupyterHub configures GenericOAuthenticator: the
 * `c.GenericOAuthenticator.*` traits (and `c.OAuthenticator.*` beneath them, as traitlets
 * inherits config), the secret from the file, `os.environ`, or oauthenticator's own
 * `OAUTH_CLIENT_SECRET`, `oauth_callback_url` as the redirect URI sent, and `basic_auth` for the
 * token endpoint's authentication.
 */
function readJupyterHub(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  let assignments: Map<string, PythonValue>;
  try {
    assignments = parsePythonConfig(file.content).assignments;
  } catch (error) {
    if (error instanceof PythonConfigError) {
      throw new ExportReadError(FILE_NAME, `${FILE_NAME}, ${error.message}`);
    }
    throw error;
  }
  const authenticator = assignments.get('JupyterHub.authenticator_class');
  if (authenticator?.type !== 'str' || !GENERIC_CLASS_NAMES.has(authenticator.value)) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not set c.JupyterHub.authenticator_class = "generic-oauth".`,
    );
  }
  checkCombinations(assignments);
  const redirectUri = requiredText(assignments, 'oauth_callback_url');
  if (!URL.canParse(redirectUri) || !new URL(redirectUri).pathname.endsWith(CALLBACK_PATH)) {
    throw new ExportReadError(
      FILE_NAME,
      `oauth_callback_url in ${FILE_NAME} (${redirectUri}) is not an absolute URL ending in ${CALLBACK_PATH}, the path JupyterHub serves its callback on.`,
    );
  }
  return {
    issuer: issuerFromEndpoints(
      requiredText(assignments, 'authorize_url'),
      requiredText(assignments, 'token_url'),
    ),
    clientId: requiredText(assignments, 'client_id'),
    clientSecret: readSecret(assignments),
    redirectUri,
    scopes: readScopes(assignments),
    tokenEndpointAuthMethod: isTrue(traitOf(assignments, 'basic_auth'))
      ? 'client_secret_basic'
      : 'client_secret_post',
  };
}

/** JupyterHub's GenericOAuthenticator; see the module comment. */
export const jupyterhubExporter: Exporter = {
  id: 'jupyterhub',
  title: TITLE,
  description:
    'jupyterhub_config.py lines for oauthenticator’s GenericOAuthenticator; the secret from OAUTH_CLIENT_SECRET.',
  mergeable: false,
  verifiable: true,
  export: exportJupyterHub,
  read: readJupyterHub,
};

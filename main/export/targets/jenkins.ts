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
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  inlineSecretOf,
  inlineSecretWarning,
  pickPostLogoutRedirectUri,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Jenkins with the OpenID Connect Authentication plugin (`oic-auth`, targets.md §15): a
 * Configuration as Code file (`jenkins.yaml`) with `jenkins.securityRealm.oic` and the root URL.
 *
 * @remarks
 * The plugin's JCasC shape changed twice, and JCasC refuses attributes a version does not know,
 * so the file is written for a plugin line:
 * - 4.600 and later (the default, what the update center installs): `serverConfiguration` and a
 *   `properties:` list (`- "pkce"`); the flat booleans remain only for XML migration.
 * - 4.350 up to 4.600: `serverConfiguration` and the flat `pkceEnabled: true`.
 * - 4.346 and earlier take flat endpoint keys: refused, with the advice to update the plugin.
 *
 * Checked in jenkinsci/oic-auth-plugin: `OicServerWellKnownConfiguration` keeps only
 * client_secret_basic and client_secret_post of discovery's methods, in discovery's order, and
 * pac4j's `OidcAuthenticator` takes the first supported one — Okta lists client_secret_basic
 * first, so Jenkins sends HTTP Basic. `OicServerManualConfiguration` defaults to
 * client_secret_post and the scopes `openid email`. The well-known mode asks for every scope
 * discovery lists unless `scopesOverride` is set, so the export always sets it.
 */

const TITLE = EXPORT_TARGET_TITLES.jenkins;
const FILE_NAME = 'jenkins.yaml';

/** The variable JCasC resolves `${…}` from (environment, Docker or Kubernetes secrets). */
export const JENKINS_SECRET_VARIABLE = 'OKTA_CLIENT_SECRET';

/** The plugin's callback under Jenkins' root URL. */
const CALLBACK_PATH = '/securityRealm/finishLogin';

/** Okta's discovery document, relative to the issuer. */
const WELL_KNOWN = '/.well-known/openid-configuration';

/** The manual configuration's defaults (OicServerManualConfiguration). */
const MANUAL_DEFAULT_SCOPES = ['openid', 'email'];

/** The plugin lines whose JCasC shapes differ; see the module comment. */
export type OicPluginLine = '4.600' | '4.350';

/** The line the registered exporter writes for: what Jenkins' update center installs today. */
export const DEFAULT_OIC_PLUGIN_LINE: OicPluginLine = '4.600';

/** The flat keys 4.600 moved into `properties`; JCasC there refuses them. */
const FLAT_BOOLEANS = [
  'pkceEnabled',
  'nonceDisabled',
  'escapeHatchEnabled',
  'escapeHatchUsername',
  'escapeHatchSecret',
  'escapeHatchGroup',
] as const;

/** The flat endpoint keys of 4.346 and earlier. */
const FLAT_ENDPOINTS = [
  'wellKnownOpenIDConfigurationUrl',
  'authorizationServerUrl',
  'tokenServerUrl',
  'automanualconfigure',
] as const;

/**
 * The plugin line a version string belongs to, as Jenkins shows it (Manage Jenkins › Plugins ›
 * Installed, or `jenkins-plugin-cli --list`), e.g. `4.600.vd5a_61e076596` or `4.453.v4d7765c854f4`.
 *
 * @throws For a version before 4.350 or one that is not a plugin version, saying what to do.
 */
export function oicPluginLineOf(version: string): OicPluginLine {
  const match = /^(\d+)\.(\d+)(?:\.|$)/.exec(version.trim());
  if (match === null) {
    throw new Error(
      `"${version}" is not an oic-auth plugin version (e.g. 4.600.vd5a_61e076596). Copy it from Manage Jenkins › Plugins › Installed plugins › OpenID Connect Authentication.`,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major > 4 || (major === 4 && minor >= 600)) {
    return '4.600';
  }
  if (major === 4 && minor >= 350) {
    return '4.350';
  }
  throw new Error(
    `oic-auth ${version} takes its endpoints as flat keys, which this export does not write. Update the OpenID Connect Authentication plugin to 4.350 or later (Manage Jenkins › Plugins › Updates) and export again.`,
  );
}

/**
 * A value as JCasC reads it: JCasC expands `${…}` everywhere, and `^${` is its escape for a
 * literal `${`.
 */
function cascLiteral(value: string): string {
  return value.replaceAll('${', '^${');
}

/** `jenkins.yaml` for the given plugin line, with the next steps and warnings. */
export function exportJenkinsFor(input: ExportInput, line: OicPluginLine): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<root URL>${CALLBACK_PATH.slice(1)}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);
  const rootUrl = `${callback.baseUrl}/`;
  const signOut = pickPostLogoutRedirectUri(input, callback.baseUrl);
  // Configuration as Code expands ${…} in every value it reads (a file's contents, with
  // ${readFile:…}): an address holding it would not be the address Jenkins uses.
  for (const [what, value] of [
    ['root URL', rootUrl],
    ['sign-out redirect URI', signOut ?? ''],
  ] as const) {
    if (value.includes('${')) {
      throw new Error(
        `Cannot export the ${TITLE} configuration: the ${what} ${value} holds "\${", which Jenkins' Configuration as Code would expand when it loads the file. Use the address Jenkins is reached at, without it.`,
      );
    }
  }
  const pkce = input.document.app.pkceRequired;

  const oic: Record<string, unknown> = {
    clientId: input.applied.clientId,
    clientSecret:
      inlineSecret === undefined ? `\${${JENKINS_SECRET_VARIABLE}}` : cascLiteral(inlineSecret),
    serverConfiguration: {
      wellKnown: {
        // The discovery URL, not the issuer (targets.md §15 pitfall 2).
        wellKnownOpenIDConfigurationUrl: `${input.facts.discovery.issuer}${WELL_KNOWN}`,
        // Without it the plugin asks for every scope discovery lists (pitfall 3).
        scopesOverride: scopes.join(' '),
      },
    },
    // Okta's login (e.g. ada@example.com) as the Jenkins user id, rather than the opaque sub.
    userNameField: 'preferred_username',
    fullNameFieldName: 'name',
    emailFieldName: 'email',
    ...(claim === undefined ? {} : { groupsFieldName: claim }),
    logoutFromOpenidProvider: true,
    ...(signOut === undefined ? {} : { postLogoutRedirectUrl: signOut }),
  };
  if (pkce) {
    if (line === '4.600') {
      oic.properties = ['pkce'];
    } else {
      oic.pkceEnabled = true;
    }
  }
  const tree = {
    jenkins: { securityRealm: { oic } },
    // The plugin builds the callback from the root URL, which it keeps with a trailing slash.
    unclassified: { location: { url: rootUrl } },
  };
  const yaml = new Document(tree);
  yaml.commentBefore = [
    ' Okta sign-in for Jenkins (OpenID Connect Authentication plugin), written by SSO Setup Console.',
    ` Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    ` For oic-auth ${line === '4.600' ? '4.600 or later' : '4.350 up to (not including) 4.600'}: Configuration as Code refuses attributes another version does not know.`,
  ].join('\n');
  const content = yaml.toString({ lineWidth: 0 });

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'yaml',
    content,
    sensitive: inlineSecret !== undefined,
    purpose:
      'Configuration as Code for the OpenID Connect Authentication plugin: the security realm and the Jenkins URL it builds the callback from.',
  };
  const nextSteps = [
    `Check the installed plugin: Manage Jenkins › Plugins › Installed plugins › OpenID Connect Authentication. ${
      line === '4.600'
        ? 'This file is for 4.600 or later. On 4.350 up to 4.600, replace properties: - pkce with pkceEnabled: true'
        : 'This file is for 4.350 up to 4.600. On 4.600 or later, replace pkceEnabled: true with properties: - pkce'
    }; before 4.350, update the plugin (Manage Jenkins › Plugins › Updates), since those versions take other keys.`,
    `Put ${FILE_NAME} where Configuration as Code reads it (CASC_JENKINS_CONFIG, or $JENKINS_HOME/${FILE_NAME}), merged with your other settings: JCasC replaces the whole securityRealm, and unclassified.location.url must stay ${rootUrl}, the address the callback is built from.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Give Jenkins the client secret as ${JENKINS_SECRET_VARIABLE}: an environment variable of the Jenkins process or container, or a Docker or Kubernetes secret file of that name, which JCasC resolves for \${${JENKINS_SECRET_VARIABLE}}.`,
    );
  }
  nextSteps.push(
    'Apply it: Manage Jenkins › Configuration as Code › Reload existing configuration (or restart Jenkins). The sign-in then goes to Okta.',
    authorizationStep(claim),
  );
  warnings.push(
    `Keep a way in before you apply: once the realm is Okta, local Jenkins accounts no longer sign in. Either grant an Okta user or group Overall/Administer first, or add the plugin’s escape hatch (${line === '4.600' ? 'properties: - escapeHatch: {username, secret, group}' : 'escapeHatchEnabled, escapeHatchUsername, escapeHatchSecret'}) with a secret of your own.`,
    'The user and group id strategies are left unset, so Jenkins shows an administrative monitor about them; Okta logins are case-insensitive, so userIdStrategy caseInsensitive is the usual choice.',
  );
  if (!scopes.includes('profile')) {
    warnings.push(
      'The scopes do not include profile, so Okta sends no preferred_username and Jenkins cannot name the user (userNameField). Add the profile scope to the setup.',
    );
  }
  if (!pkce) {
    warnings.push(
      'The app does not require PKCE, so the file does not turn on the plugin’s PKCE; require it in Okta and export again to have Jenkins send S256.',
    );
  }
  if (input.document.app.tokenEndpointAuthMethod === 'client_secret_post') {
    warnings.push(
      'The app is registered for client_secret_post, but Jenkins takes the first method Okta’s discovery lists, client_secret_basic. Set the app’s client authentication to client_secret_basic.',
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'jenkins', files: [file], nextSteps, warnings };
}

/**
 * Jenkins' trap at the first sign-in: the realm signs the user in, and the authorization
 * strategy decides what they may do — with matrix authorization, nothing unless their Okta login
 * or group is listed. Who administers Jenkins is the admin's call.
 */
function authorizationStep(claim: string | undefined): string {
  const groups =
    claim === undefined
      ? 'The setup releases no groups claim, so only user ids can be granted; add a groups claim to the setup to grant Okta groups.'
      : `Okta groups arrive in the "${claim}" claim (groupsFieldName) and can be granted like Jenkins groups; <root URL>whoAmI/ lists what Jenkins read for the signed-in user.`;
  return `Authorization: the export sets the security realm only. Jenkins user ids become Okta logins (preferred_username), so grants made to local accounts no longer match anyone; in your authorization strategy (e.g. Matrix-based security under jenkins.authorizationStrategy) grant Overall/Read to the people who may use Jenkins and Overall/Administer to its admins. ${groups}`;
}

/**
 * The file for the plugin version the admin runs (`--target-version`), else for 4.600+; a
 * version the plugin's configuration cannot be written for is refused with what to do.
 */
function exportJenkins(input: ExportInput): ExportOutput {
  return exportJenkinsFor(
    input,
    input.targetVersion === undefined
      ? DEFAULT_OIC_PLUGIN_LINE
      : oicPluginLineOf(input.targetVersion),
  );
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} has no ${path} mapping.`);
  }
  return value as Record<string, unknown>;
}

function textIn(section: Record<string, unknown>, key: string, where: string): string {
  const value = section[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(FILE_NAME, `${where} in ${FILE_NAME} does not set ${key}.`);
  }
  return value.trim();
}

/** `${NAME}` as the whole value: JCasC resolves it; `^${` is a literal `${`. */
function readSecret(value: string): SecretSource {
  const reference = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
  if (reference?.[1] !== undefined) {
    return { kind: 'environment', variable: reference[1] };
  }
  if (/(?<!\^)\$\{/.test(value)) {
    throw new ExportReadError(
      FILE_NAME,
      `clientSecret in ${FILE_NAME} uses a JCasC expression the console does not resolve; use \${${JENKINS_SECRET_VARIABLE}} or the value itself.`,
    );
  }
  return { kind: 'inline', value: value.replaceAll('^${', '${') };
}

/** The plugin's `properties:` list: each entry a symbol (`pkce`) or a one-key mapping. */
function propertyNames(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new ExportReadError(FILE_NAME, `properties in ${FILE_NAME} is not a list.`);
  }
  return value.map((entry: unknown) => {
    if (typeof entry === 'string') {
      return entry;
    }
    if (typeof entry === 'object' && entry !== null && Object.keys(entry).length === 1) {
      return Object.keys(entry)[0] ?? '';
    }
    throw new ExportReadError(
      FILE_NAME,
      `An entry of properties in ${FILE_NAME} is neither a name nor a one-key mapping.`,
    );
  });
}

/**
 * Reads `jenkins.yaml` the way the plugin takes it through JCasC: the realm's client, the
 * secret as a value or a `${…}` JCasC resolves, exactly one of the well-known and manual server
 * configurations, and the callback from `unclassified.location.url`.
 *
 * @remarks
 * The file's shape says its plugin line: `properties:` is 4.600 or later, where the flat
 * booleans are refused; flat endpoint keys are 4.346 or earlier, which the console does not
 * read. In well-known mode the issuer is the discovery URL without its well-known path, the
 * scopes are `scopesOverride` (without it the plugin would ask for whatever discovery lists, so
 * the reader refuses), and the method is client_secret_basic (Okta lists it first); in manual
 * mode they are `issuer`, `scopes` (default `openid email`) and `tokenAuthMethod` (default
 * client_secret_post).
 */
function readJenkins(files: readonly ExportedFile[]): TargetReading {
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
  const root = objectAt(tree, 'top-level');
  const oic = objectAt(
    objectAt(objectAt(root.jenkins, 'jenkins').securityRealm, 'jenkins.securityRealm').oic,
    'jenkins.securityRealm.oic',
  );
  const where = 'jenkins.securityRealm.oic';
  const flatEndpoints = FLAT_ENDPOINTS.filter((key) => key in oic);
  if (flatEndpoints.length > 0) {
    throw new ExportReadError(
      FILE_NAME,
      `${where} in ${FILE_NAME} sets ${flatEndpoints.join(', ')}, the shape of oic-auth 4.346 and earlier; 4.350 and later take serverConfiguration (wellKnown or manual).`,
    );
  }
  if ('properties' in oic) {
    propertyNames(oic.properties);
    const flat = FLAT_BOOLEANS.filter((key) => key in oic);
    if (flat.length > 0) {
      throw new ExportReadError(
        FILE_NAME,
        `${where} in ${FILE_NAME} has a properties list (oic-auth 4.600 or later) and also ${flat.join(', ')}, which those versions moved into properties; Configuration as Code would refuse the file.`,
      );
    }
  }

  const server = objectAt(oic.serverConfiguration, `${where}.serverConfiguration`);
  const modes = ['wellKnown', 'manual'].filter((mode) => mode in server);
  if (modes.length !== 1) {
    throw new ExportReadError(
      FILE_NAME,
      `${where}.serverConfiguration in ${FILE_NAME} must hold exactly one of wellKnown and manual.`,
    );
  }
  let issuer: string;
  let scopes: string[];
  let tokenEndpointAuthMethod: TargetReading['tokenEndpointAuthMethod'];
  if (modes[0] === 'wellKnown') {
    const wellKnown = objectAt(server.wellKnown, `${where}.serverConfiguration.wellKnown`);
    const url = textIn(
      wellKnown,
      'wellKnownOpenIDConfigurationUrl',
      'serverConfiguration.wellKnown',
    );
    if (!url.endsWith(WELL_KNOWN) || !URL.canParse(url)) {
      throw new ExportReadError(
        FILE_NAME,
        `wellKnownOpenIDConfigurationUrl in ${FILE_NAME} (${url}) is not a discovery URL (…${WELL_KNOWN}); the plugin fetches it as given.`,
      );
    }
    issuer = url.slice(0, -WELL_KNOWN.length);
    const override = wellKnown.scopesOverride;
    if (typeof override !== 'string' || override.trim() === '') {
      throw new ExportReadError(
        FILE_NAME,
        `serverConfiguration.wellKnown in ${FILE_NAME} sets no scopesOverride, so the plugin would ask for every scope Okta's discovery lists (address, phone, offline_access, …). Set scopesOverride, e.g. "openid profile email".`,
      );
    }
    scopes = override.trim().split(/\s+/);
    tokenEndpointAuthMethod = 'client_secret_basic';
  } else {
    const manual = objectAt(server.manual, `${where}.serverConfiguration.manual`);
    issuer = textIn(manual, 'issuer', 'serverConfiguration.manual');
    const listed = manual.scopes;
    scopes =
      typeof listed === 'string' && listed.trim() !== ''
        ? listed.trim().split(/\s+/)
        : MANUAL_DEFAULT_SCOPES;
    const method = manual.tokenAuthMethod ?? 'client_secret_post';
    if (method !== 'client_secret_post' && method !== 'client_secret_basic') {
      throw new ExportReadError(
        FILE_NAME,
        `tokenAuthMethod in ${FILE_NAME} is neither client_secret_basic nor client_secret_post.`,
      );
    }
    tokenEndpointAuthMethod = method;
  }
  if (!scopes.includes('openid')) {
    throw new ExportReadError(
      FILE_NAME,
      `The scopes in ${FILE_NAME} (${scopes.join(' ')}) do not include openid, so Okta would return no ID token.`,
    );
  }

  if (oic.rootURLFromRequest === true) {
    throw new ExportReadError(
      FILE_NAME,
      `${where} in ${FILE_NAME} sets rootURLFromRequest, so the callback depends on each request's host; set unclassified.location.url instead.`,
    );
  }
  const location =
    typeof root.unclassified === 'object' && root.unclassified !== null
      ? (root.unclassified as { location?: { url?: unknown } }).location
      : undefined;
  const rootUrl = typeof location?.url === 'string' ? location.url.trim() : '';
  if (rootUrl === '' || !URL.canParse(rootUrl)) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not set unclassified.location.url to an absolute URL; without a root URL the plugin cannot build its callback and the sign-in fails.`,
    );
  }
  return {
    issuer,
    clientId: textIn(oic, 'clientId', where),
    clientSecret: readSecret(textIn(oic, 'clientSecret', where)),
    // Jenkins keeps its root URL with a trailing slash and appends securityRealm/finishLogin.
    redirectUri: `${rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/`}${CALLBACK_PATH.slice(1)}`,
    scopes,
    tokenEndpointAuthMethod,
  };
}

/** Jenkins' OpenID Connect Authentication plugin; see the module comment. */
export const jenkinsExporter: Exporter = {
  id: 'jenkins',
  title: TITLE,
  description:
    'jenkins.yaml (Configuration as Code) for the oic-auth plugin 4.600+: the OIDC security realm from Okta’s discovery, PKCE, groups and the Jenkins URL.',
  mergeable: false,
  verifiable: true,
  export: exportJenkins,
  read: readJenkins,
};

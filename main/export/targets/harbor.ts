import { parse as parseYaml } from 'yaml';

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
 * Harbor's OIDC authentication mode (targets.md §19): `harbor-oidc.json`, the body of
 * `PUT /api/v2.0/configurations`, and a `harbor.yml` fragment with `external_url`, the address
 * Harbor builds its callback from (`<external_url>/c/oidc/callback`).
 *
 * @remarks
 * Checked in the sources beyond targets.md: Harbor's installer
 * (`make/photon/prepare/utils/configs.py`) sets the public URL, which core uses as its external endpoint, to harbor.yml's
 * `external_url`, or else to `<protocol>://<hostname>` with the http or https port when it is not
 * 80 or 443 — the reader follows that rule. go-oidc v3's `Provider.Endpoint()` sets no
 * `AuthStyle`, so golang.org/x/oauth2 tries HTTP Basic first at the token endpoint (the
 * "unverified" client authentication of targets.md §19), and go-oidc compares `oidc_endpoint`
 * with discovery's issuer exactly.
 *
 * JSON cannot reference an environment variable, so by default the file leaves out
 * `oidc_client_secret` (a PUT without it keeps the stored one) and the next steps add it from
 * `HARBOR_OIDC_CLIENT_SECRET` on the way to Harbor, with `jq`.
 */

const JSON_NAME = 'harbor-oidc.json';
const YAML_NAME = 'harbor.yml';
const TITLE = EXPORT_TARGET_TITLES.harbor;

/** The variable the next steps take the client secret from when they send the JSON. */
export const HARBOR_SECRET_VARIABLE = 'HARBOR_OIDC_CLIENT_SECRET';

/** Harbor's OIDC callback under its external URL. */
const CALLBACK_PATH = '/c/oidc/callback';

/** Where Harbor sends users after Okta's logout (`oidc_logout`, Harbor 2.13 and later). */
const SIGN_OUT_PATH = '/account/sign-in';

/** The scope Harbor needs for the refresh token behind its CLI secrets (targets.md §19 pitfall 2). */
const OFFLINE_ACCESS = 'offline_access';

/** The configuration keys of Harbor's swagger `Configurations` that hold booleans. */
const BOOLEAN_KEYS = new Set([
  'oidc_verify_cert',
  'oidc_auto_onboard',
  'oidc_logout',
  'primary_auth_mode',
]);

/** The scopes Harbor should send: the setup's, plus offline_access when refresh tokens are on. */
function harborScopes(input: ExportInput): { scopes: string[]; warnings: string[] } {
  const { scopes, warnings } = requestedScopes(input);
  const refresh = input.document.app.grantTypes.includes('refresh_token');
  if (refresh && !scopes.includes(OFFLINE_ACCESS)) {
    scopes.push(OFFLINE_ACCESS);
  }
  if (!refresh) {
    warnings.push(
      'The app has no refresh token grant, so the export leaves out offline_access: a user’s CLI secret (docker login) stops working when their ID token expires, until they sign in to the Harbor UI again. Add the Refresh Token grant to the app and export again.',
    );
  }
  return { scopes, warnings };
}

function exportHarbor(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<external_url>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = harborScopes(input);
  warnings.unshift(...callback.warnings);
  for (const scope of scopes) {
    if (scope.includes(',')) {
      throw new Error(
        `Cannot export for ${TITLE}: the scope "${scope}" holds a comma, and Harbor splits oidc_scope on commas.`,
      );
    }
  }
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);
  const signOut = `${callback.baseUrl}${SIGN_OUT_PATH}`;
  const logout = input.document.app.postLogoutRedirectUris.includes(signOut);

  const configuration: Record<string, string | boolean> = {
    auth_mode: 'oidc_auth',
    oidc_name: 'Okta',
    // go-oidc compares it with discovery's issuer exactly (targets.md §19).
    oidc_endpoint: input.facts.discovery.issuer,
    oidc_client_id: input.applied.clientId,
    ...(inlineSecret === undefined ? {} : { oidc_client_secret: inlineSecret }),
    oidc_scope: scopes.join(','),
    oidc_verify_cert: true,
    oidc_auto_onboard: true,
    oidc_user_claim: 'preferred_username',
    ...(claim === undefined ? {} : { oidc_groups_claim: claim }),
    ...(logout ? { oidc_logout: true } : {}),
  };
  const yamlLines = [
    `# Okta sign-in for ${TITLE}, written by SSO Setup Console.`,
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${oneLine(callback.redirectUri)}.`,
    '# Harbor builds its OIDC callback from this address: <external_url>/c/oidc/callback.',
    '# Merge into harbor.yml (then ./prepare and docker compose up -d); with the Helm chart, set',
    '# externalURL to the same address instead.',
    `external_url: ${JSON.stringify(callback.baseUrl)}`,
    '',
  ];
  const files: ExportedFile[] = [
    {
      name: JSON_NAME,
      language: 'json',
      content: `${JSON.stringify(configuration, null, 2)}\n`,
      sensitive: inlineSecret !== undefined,
      purpose:
        'The OIDC settings for Harbor’s PUT /api/v2.0/configurations, sent as a system admin.',
    },
    {
      name: YAML_NAME,
      language: 'yaml',
      content: yamlLines.join('\n'),
      sensitive: false,
      purpose: 'The external_url Harbor builds its callback from, to merge into harbor.yml.',
    },
  ];

  const api = `${callback.baseUrl}/api/v2.0/configurations`;
  const nextSteps = [
    `Make Harbor's external address ${callback.baseUrl}: copy the external_url line of the exported ${YAML_NAME} into the harbor.yml of your installation and run ./prepare and docker compose up -d (or set externalURL in the Helm values). If hostname already gives that address (https://<hostname>), leave external_url out. Harbor sends ${callback.redirectUri}, built from it.`,
    `Check that the auth mode can still change: curl -u admin ${api} | jq .auth_mode.editable must say true. Harbor switches to OIDC only while no user other than admin exists ("the auth mode cannot be modified as new users have been inserted into database").`,
    inlineSecret === undefined
      ? `Send the settings with the client secret added from ${HARBOR_SECRET_VARIABLE} (read -rs ${HARBOR_SECRET_VARIABLE}; export ${HARBOR_SECRET_VARIABLE}): jq --arg secret "$${HARBOR_SECRET_VARIABLE}" '.oidc_client_secret = $secret' ${JSON_NAME} | curl --fail -u admin -X PUT -H 'Content-Type: application/json' --data-binary @- ${api}. Sent without it, Harbor keeps whatever secret it had.`
      : `Send the settings: curl --fail -u admin -X PUT -H 'Content-Type: application/json' --data-binary @${JSON_NAME} ${api}, then delete ${JSON_NAME}: it holds the secret.`,
    `First sign-in: the export set oidc_auto_onboard = true with oidc_user_claim = preferred_username, so a user's first sign-in creates their Harbor account named after their Okta login, without the onboarding dialog. Their Harbor username cannot change afterwards.`,
    claim === undefined
      ? 'Admins: the export makes nobody a Harbor admin through OIDC. Add a groups claim to the setup to use oidc_admin_group, or grant admin rights in Administration › Users after the first sign-in.'
      : `Admins: the export sets oidc_groups_claim = ${claim} but no oidc_admin_group: you decide which Okta group (one exact name) administers Harbor, in Administration › Configuration › Authentication or as "oidc_admin_group" in the JSON. Groups also become Harbor groups you can add to projects.`,
  ];
  if (!logout) {
    warnings.push(
      `The app does not register ${signOut} as a sign-out redirect URI, so the export leaves oidc_logout off: signing out of Harbor keeps the Okta session. Register it and export again to sign out of both (Harbor 2.13 and later).`,
    );
  }
  const needs213 = [
    ...(input.document.app.pkceRequired
      ? ['an older Harbor sends no PKCE, so the token exchange fails while the app requires it']
      : []),
    ...(logout ? ['oidc_logout is new in 2.13'] : []),
  ];
  if (needs213.length > 0) {
    warnings.push(`This needs Harbor 2.13 or later: ${needs213.join('; ')}.`);
  }
  warnings.push(
    'Docker and Helm sign in with a user’s CLI secret (User Profile › CLI secret), not their Okta password.',
  );
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(JSON_NAME));
  }
  return { target: 'harbor', files, nextSteps, warnings };
}

/**
 * The external endpoint Harbor's installer derives from harbor.yml: `external_url`, or the
 * protocol, hostname and non-default port.
 */
function externalEndpointOf(tree: Record<string, unknown>): string {
  const externalUrl = tree.external_url;
  if (typeof externalUrl === 'string' && externalUrl !== '') {
    return externalUrl;
  }
  const hostname = tree.hostname;
  if (typeof hostname !== 'string' || hostname === '') {
    throw new ExportReadError(
      YAML_NAME,
      `${YAML_NAME} sets neither external_url nor hostname, so Harbor's callback address cannot be told.`,
    );
  }
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = tree[key];
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  };
  const portOf = (value: unknown, standard: number): number => {
    if (value === undefined) {
      return standard;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new ExportReadError(YAML_NAME, `A port in ${YAML_NAME} is not a whole number.`);
    }
    return value;
  };
  const https = section('https');
  // The installer's own rule: https when an https section exists, else http (plain http is
  // Harbor's choice here, not the console's).
  const [protocol, port, standard] =
    https === undefined
      ? ['http', portOf(section('http')?.port, 80), 80]
      : ['https', portOf(https.port, 443), 443];
  return port === standard
    ? `${protocol}://${hostname}`
    : `${protocol}://${hostname}:${String(port)}`;
}

function textIn(configuration: Record<string, unknown>, key: string): string {
  const value = configuration[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(JSON_NAME, `${JSON_NAME} does not set ${key}.`);
  }
  return value;
}

function readSecret(configuration: Record<string, unknown>): SecretSource {
  const value = configuration.oidc_client_secret;
  if (value === undefined) {
    // The next steps add it from this variable on the way to Harbor.
    return { kind: 'environment', variable: HARBOR_SECRET_VARIABLE };
  }
  if (typeof value !== 'string' || value === '') {
    throw new ExportReadError(JSON_NAME, `oidc_client_secret in ${JSON_NAME} is not a string.`);
  }
  return { kind: 'inline', value };
}

/**
 * Reads the files the way Harbor takes them: the configuration JSON with the swagger's types,
 * `oidc_endpoint` as the issuer, `oidc_scope` split on commas and trimmed, and the callback built
 * from harbor.yml's external endpoint.
 */
function readHarbor(files: readonly ExportedFile[]): TargetReading {
  const jsonFile = files.find((file) => file.name === JSON_NAME);
  if (jsonFile === undefined) {
    throw new ExportReadError(JSON_NAME, `The export has no ${JSON_NAME}.`);
  }
  const yamlFile = files.find((file) => file.name === YAML_NAME);
  if (yamlFile === undefined) {
    throw new ExportReadError(YAML_NAME, `The export has no ${YAML_NAME}.`);
  }
  let configuration: unknown;
  try {
    configuration = JSON.parse(jsonFile.content);
  } catch (error) {
    throw new ExportReadError(
      JSON_NAME,
      `${JSON_NAME} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
    throw new ExportReadError(JSON_NAME, `${JSON_NAME} is not a JSON object of settings.`);
  }
  const settings = configuration as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    const expected = BOOLEAN_KEYS.has(key) ? 'boolean' : 'string';
    if (typeof value !== expected) {
      throw new ExportReadError(
        JSON_NAME,
        `${key} in ${JSON_NAME} is a ${typeof value}, but Harbor takes a ${expected}.`,
      );
    }
  }
  if (settings.auth_mode !== 'oidc_auth') {
    throw new ExportReadError(JSON_NAME, `${JSON_NAME} does not set auth_mode to "oidc_auth".`);
  }
  let tree: unknown;
  try {
    tree = parseYaml(yamlFile.content);
  } catch (error) {
    throw new ExportReadError(
      YAML_NAME,
      `${YAML_NAME} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new ExportReadError(YAML_NAME, `${YAML_NAME} is not a YAML mapping.`);
  }
  return {
    issuer: textIn(settings, 'oidc_endpoint'),
    clientId: textIn(settings, 'oidc_client_id'),
    clientSecret: readSecret(settings),
    redirectUri: `${externalEndpointOf(tree as Record<string, unknown>)}${CALLBACK_PATH}`,
    scopes: textIn(settings, 'oidc_scope')
      .split(',')
      .map((scope) => scope.trim())
      .filter((scope) => scope !== ''),
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** Harbor's OIDC authentication mode; see the module comment. */
export const harborExporter: Exporter = {
  id: 'harbor',
  title: TITLE,
  description:
    'Harbor OIDC settings for PUT /api/v2.0/configurations, and the harbor.yml external_url its callback is built from.',
  mergeable: false,
  verifiable: true,
  export: exportHarbor,
  read: readHarbor,
};

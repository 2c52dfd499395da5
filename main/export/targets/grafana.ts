import { parse as parseIni } from 'ini';

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
import { type IniMergeResult, mergeIniSettings } from '../merge-ini.ts';
import { mergeSummary } from '../merge-yaml.ts';
import {
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  groupsReleasedByClaim,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Grafana's Okta provider (targets.md §4): a `grafana.ini` fragment with `[server] root_url`,
 * from which Grafana derives its callback, and `[auth.okta]`.
 *
 * @remarks
 * Grafana does not read discovery, so the authorize, token and userinfo endpoints are written out
 * from the discovery document read at export time (targets.md §4 pitfalls).
 */

const FILE_NAME = 'grafana.ini';
const TITLE = EXPORT_TARGET_TITLES.grafana;

/**
 * Grafana's own override for `[auth.okta] client_secret` (`GF_<SECTION>_<KEY>`). The file names
 * the same variable through `$__env{…}`, so the file and the override can never disagree.
 */
export const GRAFANA_SECRET_VARIABLE = 'GF_AUTH_OKTA_CLIENT_SECRET';

/** Grafana appends `login/<provider>` to its root URL. */
const CALLBACK_PATH = '/login/okta';

/** Grafana's scopes when `[auth.okta] scopes` is absent (targets.md §4). */
const GRAFANA_DEFAULT_SCOPES = ['openid', 'profile', 'email', 'groups'];

/**
 * Characters that start a comment or an escape in go-ini or the `ini` package, or end the line:
 * a value holding one would not be read back as written.
 */
const UNSAFE_IN_INI = /[;#\\\r\n]/;

/** Group names that are also safe inside the JSON list (a quote would need a backslash). */
const UNSAFE_IN_GROUP_LIST = /[;#"\\\r\n]/;

/** A key and its value, once the value is known to read back as written. */
function entry(key: string, value: string): [string, string] {
  if (UNSAFE_IN_INI.test(value)) {
    throw new Error(
      `Cannot write ${key} into ${FILE_NAME}: the value holds a character (; # \\ or a line break) that grafana.ini would read as a comment or an escape.`,
    );
  }
  return [key, value];
}

/** A claim name as a JMESPath identifier, quoted when it is not a bare one. */
function jmesPathField(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * `allowed_groups` in the form Grafana's list splitting reads: space-separated names, or a JSON
 * list when a name holds a space or a comma (Grafana's `util.SplitString` reads both).
 */
function allowedGroupsValue(names: readonly string[]): string {
  return names.some((name) => /[\s,]/.test(name)) ? JSON.stringify(names) : names.join(' ');
}

interface GrafanaIni {
  content: string;
  warnings: string[];
  allowedGroups: string[];
  /** What a merge into the admin's file did; `undefined` for a new file. */
  merged: IniMergeResult | undefined;
  /** The commented `role_attribute_path` example a new file carries. */
  roleExample: string[];
}

function grafanaIni(input: ExportInput): GrafanaIni {
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<root_url>${CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const discovery = input.facts.discovery;
  if (discovery.userinfo_endpoint === undefined) {
    throw new Error(
      `Cannot export the ${TITLE} configuration: the issuer's discovery document has no userinfo_endpoint, and Grafana needs it as api_url.`,
    );
  }
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);
  const released = claim === undefined ? [] : groupsReleasedByClaim(input);
  const allowedGroups = released.filter((name) => !UNSAFE_IN_GROUP_LIST.test(name));
  const leftOut = released.filter((name) => UNSAFE_IN_GROUP_LIST.test(name));
  if (leftOut.length > 0) {
    warnings.push(
      `These groups were left out of allowed_groups because their names hold a character grafana.ini cannot take unquoted: ${leftOut.join(', ')}. Add them in Grafana's SSO settings page instead.`,
    );
  }

  const rootUrl = entry('root_url', `${callback.baseUrl}/`);
  const authKeys: [string, string][] = [
    entry('enabled', 'true'),
    entry('name', 'Okta'),
    entry('icon', 'okta'),
    entry('allow_sign_up', 'true'),
    entry('client_id', input.applied.clientId),
    // Grafana expands $__env{…} when it reads the file, so the secret stays in its environment.
    entry('client_secret', inlineSecret ?? `$__env{${GRAFANA_SECRET_VARIABLE}}`),
    entry('scopes', scopes.join(' ')),
    entry('auth_url', discovery.authorization_endpoint),
    entry('token_url', discovery.token_endpoint),
    entry('api_url', discovery.userinfo_endpoint),
    entry('use_pkce', 'true'),
  ];
  if (allowedGroups.length > 0) {
    authKeys.push(entry('allowed_groups', allowedGroupsValue(allowedGroups)));
  }
  const exampleGroup = allowedGroups[0];
  const roleExample = [
    '; Grafana roles from Okta: a JMESPath over the ID token and userinfo claims, e.g.',
    exampleGroup === undefined || claim === undefined
      ? "; role_attribute_path = contains(groups[*], 'Grafana Admins') && 'Admin' || 'Viewer'"
      : `; role_attribute_path = contains(${jmesPathField(claim)}[*], '${exampleGroup.replace(/'/g, "\\'")}') && 'Admin' || 'Viewer'`,
  ];

  if (input.mergeInto !== undefined) {
    const merged = mergeIniSettings(input.mergeInto, [
      // Grafana builds the callback from root_url, and ends it with a slash before appending.
      { name: 'server', keys: [rootUrl] },
      { name: 'auth.okta', keys: authKeys, newSectionComments: [] },
    ]);
    return { content: merged.content, warnings, allowedGroups, merged, roleExample };
  }
  const lines = [
    '; Okta sign-in for Grafana, written by SSO Setup Console.',
    `; Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    '; Merge these sections into grafana.ini (or custom.ini).',
    '',
    '[server]',
    // Grafana builds the callback from root_url, and ends it with a slash before appending.
    ...[rootUrl].map(([key, value]) => `${key} = ${value}`),
    '',
    '[auth.okta]',
    ...authKeys.map(([key, value]) => `${key} = ${value}`),
    ...roleExample,
    '',
  ];
  return { content: lines.join('\n'), warnings, allowedGroups, merged: undefined, roleExample };
}

function exportGrafana(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const { content, warnings, allowedGroups, merged, roleExample } = grafanaIni(input);
  const inlineSecret = inlineSecretOf(input);
  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'ini',
    content,
    sensitive: inlineSecret !== undefined,
    purpose:
      merged === undefined
        ? 'The [server] root_url and [auth.okta] sections to merge into Grafana’s grafana.ini (e.g. /etc/grafana/grafana.ini).'
        : 'Your grafana.ini with [server] root_url and the [auth.okta] keys merged in; it replaces the one Grafana reads.',
  };
  const nextSteps =
    merged === undefined
      ? [
          `Merge the [server] and [auth.okta] sections of ${FILE_NAME} into Grafana's configuration file (/etc/grafana/grafana.ini for the packages; a mounted file or custom.ini for containers), or export again with that file to merge into. If your grafana.ini already sets root_url, it must equal this one: Grafana builds the sign-in redirect URI from it.`,
        ]
      : [
          mergeSummary(FILE_NAME, merged),
          `Replace Grafana's configuration file (/etc/grafana/grafana.ini for the packages; the mounted file for containers) with the merged ${FILE_NAME}.`,
        ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set the environment variable ${GRAFANA_SECRET_VARIABLE} to the app's client secret in Grafana's environment (systemd: sudo systemctl edit grafana-server and add Environment=${GRAFANA_SECRET_VARIABLE}=…; Docker: -e ${GRAFANA_SECRET_VARIABLE}=…). Grafana reads it through $__env{${GRAFANA_SECRET_VARIABLE}}.`,
    );
  }
  nextSteps.push(
    'Restart Grafana (sudo systemctl restart grafana-server, or restart the container); the sign-in page then shows “Sign in with Okta”.',
    roleMappingStep(input, content, roleExample),
  );
  if (allowedGroups.length > 0) {
    nextSteps.push(
      `The export set allowed_groups to ${allowedGroups.join(', ')}: Grafana refuses the sign-in of anyone in none of them. Remove allowed_groups to let the Okta app's assignments alone decide.`,
    );
  }
  warnings.push(
    'Grafana 10.4 and later keep settings saved on Administration › Authentication › Okta in its database, and those override this file. If Okta was set up there before, reset it there.',
  );
  if (allowedGroups.length > 0 && input.facts.assignedUsers.length > 0) {
    warnings.push(
      `allowed_groups admits only members of ${allowedGroups.join(', ')}; users assigned to the app directly (${input.facts.assignedUsers.map((user) => user.login).join(', ')}) are refused by Grafana unless they are in one of those groups.`,
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  return { target: 'grafana', files: [file], nextSteps, warnings };
}

/**
 * Grafana's trap at the first sign-in: without `role_attribute_path` every Okta user gets the
 * default role, whatever their groups. The export never picks roles for groups (which group
 * administers Grafana is the admin's call), so the step says what is set and what is left.
 */
function roleMappingStep(input: ExportInput, content: string, roleExample: string[]): string {
  const claim = groupsClaimName(input);
  const tree = parseIni(content) as { auth?: { okta?: Record<string, unknown> } };
  const existing = tree.auth?.okta?.role_attribute_path;
  if (typeof existing === 'string' && existing.trim() !== '') {
    return `Roles: your grafana.ini already sets role_attribute_path (${existing.trim()}); the merge left it as it was. Check that it reads the "${claim ?? 'groups'}" claim the way Okta sends it.`;
  }
  const example = (roleExample[1] ?? '').replace(/^;\s*/, '');
  const groups =
    claim === undefined
      ? 'The setup releases no groups claim, so there are no groups to map yet: add a groups claim to the setup first.'
      : `The ID token carries the Okta groups in the "${claim}" claim, which role_attribute_path can read.`;
  return `Roles: the export sets no role_attribute_path, so every Okta user gets Grafana's default role ([users] auto_assign_org_role, Viewer unless changed), whatever their groups. You decide which groups get Editor or Admin: add to [auth.okta] a line such as ${example}. ${groups}`;
}

function textIn(section: Record<string, unknown>, key: string): string | undefined {
  const value = section[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function requiredIn(section: Record<string, unknown>, key: string): string {
  const value = textIn(section, key);
  if (value === undefined) {
    throw new ExportReadError(FILE_NAME, `[auth.okta] in ${FILE_NAME} does not set ${key}.`);
  }
  return value;
}

/** `$__env{NAME}` or its shorthand `${NAME}` as the whole value: Grafana expands it at start-up. */
const ENV_EXPANSION = /^\$(?:__env\{([^}]+)\}|\{([^}]+)\})$/;

function readSecret(value: string): SecretSource {
  const expansion = ENV_EXPANSION.exec(value);
  const variable = expansion?.[1] ?? expansion?.[2];
  if (variable !== undefined) {
    return { kind: 'environment', variable };
  }
  if (value.includes('$__')) {
    throw new ExportReadError(
      FILE_NAME,
      `client_secret in ${FILE_NAME} uses a provider the console cannot read (${value.split('{')[0] ?? value}); use $__env{${GRAFANA_SECRET_VARIABLE}}.`,
    );
  }
  return { kind: 'inline', value };
}

/**
 * The issuer Okta's endpoint layout implies: `<issuer>/v1/authorize` on a custom server,
 * `<org>/oauth2/v1/authorize` on the org server (targets.md §0).
 */
function issuerFromEndpoints(authUrl: string, tokenUrl: string, apiUrl: string): string {
  const match = /^(https?:\/\/[^?#]+)\/v1\/authorize$/.exec(authUrl);
  const prefix = match?.[1];
  if (prefix === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `auth_url in ${FILE_NAME} (${authUrl}) is not an Okta authorize endpoint (…/v1/authorize), so the issuer cannot be told.`,
    );
  }
  if (tokenUrl !== `${prefix}/v1/token` || apiUrl !== `${prefix}/v1/userinfo`) {
    throw new ExportReadError(
      FILE_NAME,
      `token_url and api_url in ${FILE_NAME} do not belong to the same authorization server as auth_url (${prefix}).`,
    );
  }
  return prefix.endsWith('/oauth2') ? prefix.slice(0, -'/oauth2'.length) : prefix;
}

function splitGrafanaList(value: string): string[] {
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        return parsed;
      }
    } catch {
      // Grafana reads an unparsable JSON list as empty; so does the reader, below.
    }
    return [];
  }
  return value.split(/[\s,]+/).filter((item) => item !== '');
}

/**
 * Reads `grafana.ini` the way Grafana does: the callback from `[server] root_url`, the secret as a
 * value or an environment expansion, the scopes split on spaces or commas.
 *
 * @remarks
 * Grafana has no issuer setting; the reader takes the issuer from the endpoints' Okta layout and
 * refuses endpoints of different servers, so verification (which compares the endpoints with
 * discovery) checks what Grafana will call. Grafana's HTTP client tries HTTP Basic first at the
 * token endpoint (Go's automatic client authentication), hence `client_secret_basic`.
 */
function readGrafana(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  // The `ini` package nests dotted section names: [auth.okta] is auth → okta.
  const tree = parseIni(file.content) as {
    server?: Record<string, unknown>;
    auth?: { okta?: Record<string, unknown> };
  };
  const okta = tree.auth?.okta;
  if (okta === undefined) {
    throw new ExportReadError(FILE_NAME, `${FILE_NAME} has no [auth.okta] section.`);
  }
  if (okta.enabled !== true && okta.enabled !== 'true') {
    throw new ExportReadError(FILE_NAME, `[auth.okta] in ${FILE_NAME} is not enabled = true.`);
  }
  const rootUrl = tree.server === undefined ? undefined : textIn(tree.server, 'root_url');
  if (rootUrl === undefined || rootUrl.includes('%(') || !URL.canParse(rootUrl)) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not set [server] root_url to an absolute URL, so the callback Grafana sends depends on its defaults.`,
    );
  }
  const authUrl = requiredIn(okta, 'auth_url');
  const issuer = issuerFromEndpoints(
    authUrl,
    requiredIn(okta, 'token_url'),
    requiredIn(okta, 'api_url'),
  );
  const scopesValue = textIn(okta, 'scopes');
  return {
    issuer,
    clientId: requiredIn(okta, 'client_id'),
    clientSecret: readSecret(requiredIn(okta, 'client_secret')),
    redirectUri: `${rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/`}login/okta`,
    scopes: scopesValue === undefined ? GRAFANA_DEFAULT_SCOPES : splitGrafanaList(scopesValue),
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** Grafana's Okta provider; see the module comment. */
export const grafanaExporter: Exporter = {
  id: 'grafana',
  title: TITLE,
  description:
    'grafana.ini [auth.okta] with the discovered endpoints, the secret from $__env, and allowed groups; merges into an existing file.',
  mergeable: true,
  verifiable: true,
  export: exportGrafana,
  read: readGrafana,
};

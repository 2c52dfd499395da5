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
 * HashiCorp Vault's JWT/OIDC auth method (targets.md §7): the bodies of `auth/oidc/config` and
 * `auth/oidc/role/okta` as JSON, and the `vault` commands that enable the method and write them.
 *
 * @remarks
 * - JSON bodies rather than `key=value` arguments: Vault's docs say a role is best written as one
 *   JSON object (`allowed_redirect_uris` and `oidc_scopes` are lists), and
 *   `vault write PATH @file.json` merges a file's object into the request (Vault's `kvbuilder`, checked in
 *   hashicorp/vault). The same files are the bodies of `POST /v1/auth/oidc/config` and
 *   `…/role/okta` for admins who drive Vault's HTTP API instead of its CLI.
 * - The secret by reference stays out of every file: the script pipes it from
 *   `VAULT_OIDC_CLIENT_SECRET` to `oidc_client_secret=-` (stdin, so it never shows in `ps`).
 * - Two callbacks, both in `allowed_redirect_uris` and in Okta: the UI's
 *   `<vault>/ui/vault/auth/oidc/oidc/callback` and the CLI's `http://localhost:8250/oidc/callback`
 *   (`vault login -method=oidc`'s listener). Vault matches loopback URIs without their port,
 *   Okta matches every byte.
 * - Checked in hashicorp/vault-plugin-auth-jwt `path_oidc.go` and hashicorp/cap: the auth URL
 *   asks for `openid` plus the role's `oidc_scopes`, always with PKCE (S256) in the code flow, and
 *   the code exchange uses golang.org/x/oauth2's automatic client authentication, which tries
 *   HTTP Basic first — the same as every Go target here.
 */

const TITLE = EXPORT_TARGET_TITLES.vault;

/** The script that enables the method and writes both bodies. */
const SCRIPT_NAME = 'vault-oidc.sh';
/** `auth/oidc/config`'s body. */
const CONFIG_NAME = 'vault-oidc-config.json';
/** `auth/oidc/role/okta`'s body. */
const ROLE_NAME_FILE = 'vault-oidc-role.json';

/** The mount path: Vault's CLI logs in at `oidc` unless told `-path=…`. */
const MOUNT = 'oidc';
/** The role the config names as `default_role`, so neither the UI nor the CLI must name it. */
const ROLE = 'okta';

/** The variable the script reads the client secret from. */
export const VAULT_SECRET_VARIABLE = 'VAULT_OIDC_CLIENT_SECRET';

/** `vault login -method=oidc`'s callback with its defaults (port 8250, callbackhost localhost). */
export const VAULT_CLI_CALLBACK = 'http://localhost:8250/oidc/callback';

/** The UI's callback path under the Vault address, for the mount `oidc`. */
const UI_CALLBACK_PATH = `/ui/vault/auth/${MOUNT}/oidc/callback`;

/** A CLI callback Okta may register: loopback, any port, `/oidc/callback`. */
const CLI_CALLBACK = /^http:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?\/oidc\/callback$/;

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A single-quoted POSIX shell word: nothing inside is expanded. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

function exportVault(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: `${TITLE}'s UI`,
    callbackPath: UI_CALLBACK_PATH,
    ruleText: `<Vault address>${UI_CALLBACK_PATH}`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const cliCallbacks = input.document.app.redirectUris.filter((uri) => CLI_CALLBACK.test(uri));
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);

  const config: Record<string, unknown> = {
    // go-oidc refuses the provider unless this equals discovery's issuer exactly (targets.md §0).
    oidc_discovery_url: input.facts.discovery.issuer,
    oidc_client_id: input.applied.clientId,
    ...(inlineSecret === undefined ? {} : { oidc_client_secret: inlineSecret }),
    default_role: ROLE,
  };
  const role: Record<string, unknown> = {
    role_type: 'oidc',
    // Okta's user id: stable across renames and email changes (Okta's Vault guide uses sub).
    user_claim: 'sub',
    allowed_redirect_uris: [callback.redirectUri, ...cliCallbacks],
    // Vault adds openid itself (path_oidc.go); the rest are the setup's scopes.
    oidc_scopes: scopes.filter((scope) => scope !== 'openid'),
    ...(claim === undefined ? {} : { groups_claim: claim }),
    token_policies: ['default'],
    token_ttl: '1h',
  };

  const secretLine =
    inlineSecret === undefined
      ? [
          `: "\${${VAULT_SECRET_VARIABLE}:?Set ${VAULT_SECRET_VARIABLE} to the Okta app's client secret}"`,
          '# The secret goes through stdin (oidc_client_secret=-), never on a command line.',
          `printf '%s' "$${VAULT_SECRET_VARIABLE}" | vault write auth/${MOUNT}/config @${CONFIG_NAME} oidc_client_secret=-`,
        ]
      : [`vault write auth/${MOUNT}/config @${CONFIG_NAME}`];
  const script = [
    '#!/bin/sh',
    `# Okta sign-in for HashiCorp Vault, written by SSO Setup Console.`,
    `# Okta app ${input.applied.appId}; sign-in redirect URIs ${oneLine([callback.redirectUri, ...cliCallbacks].join(', '))}.`,
    '# Run where the vault CLI reaches your Vault (VAULT_ADDR) with a token that may manage auth methods.',
    'set -eu',
    'cd "$(dirname "$0")"',
    '',
    `# The JWT/OIDC auth method at ${MOUNT}/, once: a second enable would fail with "path is already in use".`,
    `if ! vault auth list -format=json | grep -q ${shellQuote(`"${MOUNT}/"`)}; then`,
    `  vault auth enable -path=${MOUNT} oidc`,
    'fi',
    '# Show the method on the UI’s sign-in page.',
    `vault auth tune -listing-visibility=unauth ${MOUNT}/`,
    '',
    ...secretLine,
    `vault write auth/${MOUNT}/role/${ROLE} @${ROLE_NAME_FILE}`,
    '',
  ].join('\n');

  const files: ExportedFile[] = [
    {
      name: SCRIPT_NAME,
      // The catalogue has no shell language; dotenv's highlighting (# comments, quotes,
      // KEY=value) is the subset of sh this script uses.
      language: 'dotenv',
      content: script,
      sensitive: false,
      purpose: `Enables Vault's OIDC auth method at ${MOUNT}/ and writes the two JSON bodies beside it; run it once with the vault CLI.`,
    },
    {
      name: CONFIG_NAME,
      language: 'json',
      content: jsonText(config),
      sensitive: inlineSecret !== undefined,
      purpose: `The body of auth/${MOUNT}/config: Okta's discovery URL (the issuer), the client, the default role.`,
    },
    {
      name: ROLE_NAME_FILE,
      language: 'json',
      content: jsonText(role),
      sensitive: false,
      purpose: `The body of auth/${MOUNT}/role/${ROLE}: the callbacks Vault may send, the scopes, the claims and the token policies.`,
    },
  ];

  const nextSteps = [
    `Put ${SCRIPT_NAME}, ${CONFIG_NAME} and ${ROLE_NAME_FILE} in one folder on a machine with the vault CLI, set VAULT_ADDR and log in with a token that may manage auth methods (sys/auth, auth/${MOUNT}/*).`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Set ${VAULT_SECRET_VARIABLE} to the app's client secret in that shell (e.g. read -rs ${VAULT_SECRET_VARIABLE}; export ${VAULT_SECRET_VARIABLE}); the script passes it to Vault on stdin. Vault keeps it in its storage; unset the variable afterwards.`,
    );
  }
  nextSteps.push(
    `Run sh ${SCRIPT_NAME}. Writing auth/${MOUNT}/config makes Vault fetch ${input.facts.discovery.issuer}/.well-known/openid-configuration, so a wrong issuer fails here, not at the first sign-in. Running it again rewrites the same config and role; it does not enable a second mount.`,
    `Sign in: in the UI at ${callback.baseUrl}/ui/ pick OIDC (role ${ROLE} is the default) and "Sign in with OIDC Provider"; on the command line, vault login -method=oidc.`,
    policyStep(claim),
  );
  if (cliCallbacks.length === 0) {
    warnings.push(
      `The app does not register ${VAULT_CLI_CALLBACK}, so vault login -method=oidc fails with Okta's redirect_uri error; only the UI can sign in. Add it to the app's sign-in redirect URIs and export again to let the CLI sign in too.`,
    );
  }
  if (!input.document.app.pkceRequired) {
    warnings.push(
      'Vault sends PKCE (S256) with every code-flow sign-in, but the app does not require it; requiring it makes Okta refuse a code redeemed without the verifier.',
    );
  }
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(CONFIG_NAME));
  }
  return { target: 'vault', files, nextSteps, warnings };
}

/**
 * Vault's trap at the first sign-in: it signs in, but with only the `default` policy, which
 * reads almost nothing. Which Okta group gets which policy is the admin's call.
 */
function policyStep(claim: string | undefined): string {
  const base = `Policies: the role gives every Okta user only the "default" policy (token_policies), which can look up its own token and little else. You decide who gets more`;
  if (claim === undefined) {
    return `${base}: add policies to token_policies for everyone, or add a groups claim to the setup so Okta groups can map to Vault external groups.`;
  }
  return `${base}: the ID token's "${claim}" claim names the user's Okta groups (groups_claim), so map a group with an external group and an alias on this mount, e.g. vault write identity/group name=vault-admins type=external policies=admin, then vault write identity/group-alias name="<Okta group name>" mount_accessor=$(vault auth list -format=json | jq -r '."${MOUNT}/".accessor') canonical_id=<the group's id>.`;
}

/** One `vault write` line of the script, split into words; only the forms the export writes. */
interface WriteLine {
  path: string;
  bodyFile: string;
  /** The secret's stdin, when the line reads `oidc_client_secret=-` from `printf … "$VAR" |`. */
  secretVariable: string | undefined;
}

/**
 * The `vault write` lines of the script.
 *
 * @remarks
 * Not a shell parser: it accepts the lines this export writes (a `vault write PATH @FILE` with an
 * optional `printf '%s' "$VAR" |` feeding `oidc_client_secret=-`) and refuses any other line that
 * calls `vault write`, so an edited script is reported rather than guessed at.
 */
function writeLinesOf(script: string): WriteLine[] {
  const lines = script
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#') && /\bvault\s+write\b/.test(line));
  return lines.map((line) => {
    const match =
      /^\s*(?:printf\s+'%s'\s+"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"\s*\|\s*)?vault\s+write\s+(\S+)\s+@(\S+)(\s+oidc_client_secret=-)?\s*$/.exec(
        line,
      );
    if (match === null) {
      throw new ExportReadError(
        SCRIPT_NAME,
        `${SCRIPT_NAME} has a vault write line the console cannot read: ${line.trim()}. Keep the lines as exported (vault write PATH @FILE).`,
      );
    }
    const [, variable, path, bodyFile, fromStdin] = match;
    if ((variable === undefined) !== (fromStdin === undefined)) {
      throw new ExportReadError(
        SCRIPT_NAME,
        `${SCRIPT_NAME} pipes a variable into vault write without oidc_client_secret=- (or the other way round): ${line.trim()}.`,
      );
    }
    return { path: path ?? '', bodyFile: bodyFile ?? '', secretVariable: variable };
  });
}

function jsonFile(files: readonly ExportedFile[], name: string): Record<string, unknown> {
  const file = files.find((candidate) => candidate.name === name);
  if (file === undefined) {
    throw new ExportReadError(name, `The export has no ${name}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(file.content);
  } catch (error) {
    throw new ExportReadError(
      name,
      `${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportReadError(name, `${name} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function textIn(body: Record<string, unknown>, key: string, file: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(file, `${file} does not set ${key}.`);
  }
  return value;
}

/** Vault takes a list parameter as a JSON list or a comma-separated string. */
function listIn(body: Record<string, unknown>, key: string, file: string): string[] {
  const value = body[key];
  if (value === undefined) {
    return [];
  }
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value;
  }
  throw new ExportReadError(file, `${key} in ${file} is not a list of strings.`);
}

/**
 * Reads the export the way Vault takes it: the script's `vault write` paths give the mount and
 * the role, the JSON bodies give the discovery URL, client and role; the secret is in the config
 * body or piped from the variable the script names.
 *
 * @remarks
 * The redirect URI is the UI's, `<vault>/ui/vault/auth/<mount>/oidc/callback`: the one
 * `allowed_redirect_uris` entry on the mount's UI route (the CLI's loopback callbacks are for
 * `vault login`, which the console does not run). The role written must be the config's
 * `default_role`, or the UI's sign-in without a role name would use another one.
 */
function readVault(files: readonly ExportedFile[]): TargetReading {
  const script = files.find((file) => file.name === SCRIPT_NAME);
  if (script === undefined) {
    throw new ExportReadError(SCRIPT_NAME, `The export has no ${SCRIPT_NAME}.`);
  }
  const writes = writeLinesOf(script.content);
  const configWrite = writes.find((write) => /^auth\/[^/]+\/config$/.test(write.path));
  const roleWrite = writes.find((write) => /^auth\/[^/]+\/role\/[^/]+$/.test(write.path));
  if (configWrite === undefined || roleWrite === undefined) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `${SCRIPT_NAME} does not write both auth/<mount>/config and auth/<mount>/role/<role>.`,
    );
  }
  const mount = configWrite.path.split('/')[1] ?? '';
  const [, roleMount, , roleName] = roleWrite.path.split('/');
  if (roleMount !== mount) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `${SCRIPT_NAME} writes the config on auth/${mount} but the role on auth/${roleMount ?? ''}.`,
    );
  }
  const config = jsonFile(files, configWrite.bodyFile);
  const role = jsonFile(files, roleWrite.bodyFile);

  const defaultRole = textIn(config, 'default_role', configWrite.bodyFile);
  if (defaultRole.toLowerCase() !== (roleName ?? '').toLowerCase()) {
    throw new ExportReadError(
      configWrite.bodyFile,
      `default_role in ${configWrite.bodyFile} is ${defaultRole}, but ${SCRIPT_NAME} writes the role ${roleName ?? ''}.`,
    );
  }
  if (role.role_type !== 'oidc') {
    throw new ExportReadError(
      roleWrite.bodyFile,
      `role_type in ${roleWrite.bodyFile} is not "oidc", so the role signs in no browser.`,
    );
  }
  textIn(role, 'user_claim', roleWrite.bodyFile);

  let clientSecret: SecretSource;
  const inline = config.oidc_client_secret;
  if (configWrite.secretVariable !== undefined) {
    if (inline !== undefined) {
      throw new ExportReadError(
        configWrite.bodyFile,
        `${configWrite.bodyFile} holds oidc_client_secret and ${SCRIPT_NAME} pipes another one: vault write would send both as a list.`,
      );
    }
    clientSecret = { kind: 'environment', variable: configWrite.secretVariable };
  } else if (typeof inline === 'string' && inline !== '') {
    clientSecret = { kind: 'inline', value: inline };
  } else {
    throw new ExportReadError(
      configWrite.bodyFile,
      `Neither ${configWrite.bodyFile} nor ${SCRIPT_NAME} gives oidc_client_secret, which OIDC roles need.`,
    );
  }

  const uiPath = `/ui/vault/auth/${mount}/oidc/callback`;
  const redirectUri = listIn(role, 'allowed_redirect_uris', roleWrite.bodyFile).find(
    (uri) => URL.canParse(uri) && new URL(uri).pathname === uiPath && new URL(uri).search === '',
  );
  if (redirectUri === undefined) {
    throw new ExportReadError(
      roleWrite.bodyFile,
      `allowed_redirect_uris in ${roleWrite.bodyFile} has no UI callback (<Vault address>${uiPath}), the one Vault's UI sends for the mount ${mount}.`,
    );
  }
  const oidcScopes = listIn(role, 'oidc_scopes', roleWrite.bodyFile);
  return {
    issuer: textIn(config, 'oidc_discovery_url', configWrite.bodyFile),
    clientId: textIn(config, 'oidc_client_id', configWrite.bodyFile),
    clientSecret,
    redirectUri,
    // hashicorp/cap puts openid first unless the role already names it.
    scopes: oidcScopes.includes('openid') ? oidcScopes : ['openid', ...oidcScopes],
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** HashiCorp Vault's OIDC auth method; see the module comment. */
export const vaultExporter: Exporter = {
  id: 'vault',
  title: TITLE,
  description:
    'The OIDC auth method and a role as JSON bodies, and the vault commands that write them; UI and CLI (localhost:8250) callbacks.',
  mergeable: false,
  verifiable: true,
  export: exportVault,
  read: readVault,
};

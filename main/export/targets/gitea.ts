import { parse as parseIni } from 'ini';

import {
  EXPORT_TARGET_TITLES,
  type ExportedFile,
  type ExportOutput,
} from '../../../shared/export/export-targets.ts';
import { goPathEscape } from '../../../shared/setup/presets.ts';
import { withoutTrailingSlashes } from '../../../shared/text.ts';
import {
  type Exporter,
  type ExportInput,
  ExportReadError,
  type SecretSource,
  type TargetReading,
} from '../exporter.ts';
import { parseShellScript, shellQuote, ShellSyntaxError, type ShellWord } from '../shell-words.ts';
import {
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  groupsClaimName,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * Gitea and Forgejo signing in through an OpenID Connect authentication source (targets.md §17):
 * `gitea-add-oauth.sh`, the `gitea admin auth add-oauth` command that creates the source, and an
 * `app.ini` fragment with `[server] ROOT_URL` (from which Gitea builds the callback) and the
 * `[oauth2_client]` settings that decide what happens at a user's first sign-in.
 *
 * @remarks
 * Checked in the sources, not only targets.md: Gitea's `cmd/admin_auth_oauth.go` (the flags;
 * `--scopes` is a string slice, so repeated or comma separated; only http(s) is checked for
 * `--auto-discover-url`), `services/auth/source/oauth2/providers_openid.go` (a non-empty
 * `[oauth2_client] OPENID_CONNECT_SCOPES` replaces every source's own scopes), goth's
 * `providers/openidConnect/openidConnect.go` (`newConfig`: without scopes only `openid` is asked
 * for, otherwise `openid` is appended when missing; the endpoint sets no `AuthStyle`, so
 * golang.org/x/oauth2 tries HTTP Basic first; the ID token's `iss` must equal discovery's
 * `issuer`), and `routers/web/auth/oauth.go` (`GET /user/oauth2/<name>` starts a sign-in;
 * auto-registration needs `ENABLE_AUTO_REGISTRATION` and not
 * `[service] ALLOW_ONLY_INTERNAL_REGISTRATION`, and falls back to the link-account page when the email or
 * the username claim is missing). PKCE: Gitea's main branch adds S256 in 2026 (`pkce.go`), but
 * released versions send none, so the preset does not require it (targets.md §17 "PKCE").
 *
 * The secret reaches the command through the shell variable `GITEA_OKTA_CLIENT_SECRET`, written
 * `"${GITEA_OKTA_CLIENT_SECRET:?…}"` so the script stops instead of storing an empty secret.
 */

const SCRIPT_NAME = 'gitea-add-oauth.sh';
const INI_NAME = 'app.ini';
const TITLE = EXPORT_TARGET_TITLES.gitea;

/** The shell variable the command line takes the client secret from. */
export const GITEA_SECRET_VARIABLE = 'GITEA_OKTA_CLIENT_SECRET';

/** The source name when the setup names no client key; it is also the callback's segment. */
const DEFAULT_SOURCE_NAME = 'okta';

/** Gitea's discovery URL suffix: `--auto-discover-url` is the full discovery URL. */
const DISCOVERY_SUFFIX = '/.well-known/openid-configuration';

/**
 * Names that Go's `url.PathEscape` leaves as they are and that stay one readable path segment:
 * the source name is the button's label and the callback's segment (targets.md §17 pitfall 1).
 */
const SAFE_SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Gitea's callback path for the source `name`, under ROOT_URL. */
function callbackPath(name: string): string {
  return `/user/oauth2/${goPathEscape(name)}/callback`;
}

/** The source name the setup implies: its client key, or `okta`. */
function sourceNameOf(input: ExportInput): string {
  const name = input.document.target.clientKey ?? DEFAULT_SOURCE_NAME;
  if (!SAFE_SOURCE_NAME.test(name)) {
    throw new Error(
      `Cannot export for ${TITLE}: the client key "${name}" is the authentication source's name and the callback's path segment, and Gitea would percent-encode it (${goPathEscape(name)}). Use letters, digits, dots, dashes and underscores only, e.g. okta.`,
    );
  }
  return name;
}

/** A value for app.ini that go-ini and the `ini` package both read back as written. */
function iniValue(key: string, value: string): string {
  if (/[;#\\\r\n"'`]/.test(value) || value.trim() !== value) {
    throw new Error(
      `Cannot write ${key} into ${INI_NAME}: the value holds a character that app.ini would read as a comment, a quote or an escape.`,
    );
  }
  return `${key} = ${value}`;
}

function exportGitea(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const name = sourceNameOf(input);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: 'Gitea',
    callbackPath: callbackPath(name),
    ruleText: `<ROOT_URL>user/oauth2/${name}/callback`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  const claim = groupsClaimName(input);
  const issuer = input.facts.discovery.issuer;

  const flags: [string, string | undefined][] = [
    ['--name', shellQuote(name)],
    ['--provider', 'openidConnect'],
    ['--key', shellQuote(input.applied.clientId)],
    [
      '--secret',
      inlineSecret === undefined
        ? `"\${${GITEA_SECRET_VARIABLE}:?Set ${GITEA_SECRET_VARIABLE} to the client secret of the Okta app}"`
        : shellQuote(inlineSecret),
    ],
    ['--auto-discover-url', shellQuote(`${issuer}${DISCOVERY_SUFFIX}`)],
    ['--scopes', shellQuote(scopes.join(','))],
  ];
  if (claim !== undefined) {
    flags.push(['--group-claim-name', shellQuote(claim)]);
  }
  const script = [
    '#!/bin/sh',
    `# Okta sign-in for ${TITLE}, written by SSO Setup Console.`,
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    '# Run once on the Gitea server, as the user Gitea runs as (e.g. sudo -u git), with the',
    `# client secret in ${GITEA_SECRET_VARIABLE}. For Forgejo, replace "gitea" with "forgejo".`,
    'set -eu',
    'gitea admin auth add-oauth \\',
    ...flags.map(
      ([flag, value], index) =>
        `  ${flag}${value === undefined ? '' : ` ${value}`}${index === flags.length - 1 ? '' : ' \\'}`,
    ),
    '',
  ].join('\n');

  const rootUrl = `${callback.baseUrl}/`;
  const ini = [
    `; Okta sign-in for ${TITLE}, written by SSO Setup Console.`,
    '; Merge these sections into Gitea’s app.ini (e.g. /etc/gitea/app.ini or custom/conf/app.ini).',
    '',
    '[server]',
    '; Gitea builds the sign-in redirect URI from ROOT_URL.',
    iniValue('ROOT_URL', rootUrl),
    '',
    '[oauth2_client]',
    '; Create the Gitea account at the first Okta sign-in, instead of asking the user to register or link.',
    iniValue('ENABLE_AUTO_REGISTRATION', 'true'),
    '; The username from the email (Okta sends no nickname; preferred_username is the Okta login).',
    iniValue('USERNAME', 'email'),
    '; An existing account with the same name or email is linked after its password is given.',
    iniValue('ACCOUNT_LINKING', 'login'),
    '',
  ].join('\n');

  const files: ExportedFile[] = [
    {
      name: SCRIPT_NAME,
      // Shell is highlighted with the dotenv rules (`#` comments, quotes); FILE_LANGUAGES has no
      // shell of its own.
      language: 'dotenv',
      content: script,
      sensitive: inlineSecret !== undefined,
      purpose:
        'The gitea admin auth add-oauth command that creates the Okta authentication source; run it once on the Gitea server.',
    },
    {
      name: INI_NAME,
      language: 'ini',
      content: ini,
      sensitive: false,
      purpose: 'The [server] ROOT_URL and [oauth2_client] settings to merge into Gitea’s app.ini.',
    },
  ];

  const nextSteps = [
    `Merge the sections of the exported ${INI_NAME} into the app.ini Gitea runs with. If it already sets ROOT_URL, it must equal ${rootUrl}: Gitea builds the sign-in redirect URI ${callback.redirectUri} from it. Restart Gitea so it reads [oauth2_client].`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `On the Gitea server, as the user Gitea runs as, put the app's client secret in ${GITEA_SECRET_VARIABLE} (read -rs ${GITEA_SECRET_VARIABLE}; export ${GITEA_SECRET_VARIABLE}) and run sh ${SCRIPT_NAME}. Add --config /path/to/app.ini after "gitea" if Gitea does not find its app.ini; in Docker, run it inside the container (docker exec -it -u git <container> sh). For Forgejo, the command is forgejo admin auth add-oauth with the same flags.`,
    );
  } else {
    nextSteps.push(
      `On the Gitea server, as the user Gitea runs as, run sh ${SCRIPT_NAME} (add --config /path/to/app.ini after "gitea" if needed; for Forgejo the command is forgejo admin auth add-oauth). Delete the file afterwards: it holds the secret.`,
    );
  }
  nextSteps.push(
    `Run it once: add-oauth creates a new source every time. To change the source later, run gitea admin auth list for its id and gitea admin auth update-oauth --id <id> with the flags to change.`,
    `First sign-in: the export set ENABLE_AUTO_REGISTRATION = true, USERNAME = email and ACCOUNT_LINKING = login, so an Okta user gets a Gitea account named after their email, and one whose name or email is taken is asked for that account's password to link it. You decide: [service] ALLOW_ONLY_INTERNAL_REGISTRATION = true stops this auto-registration (users see the link-account page), and REGISTER_EMAIL_CONFIRM or [service] REGISTER_MANUAL_CONFIRM leave new accounts inactive until confirmed.`,
    claim === undefined
      ? 'Admins: the export makes nobody a Gitea admin. To give a group admin rights, add a groups claim to the setup, then --group-claim-name groups --admin-group <group> with update-oauth.'
      : `Admins and restrictions: the export passes --group-claim-name ${claim} but no --admin-group or --restricted-group; you decide which Okta group administers Gitea (update-oauth --id <id> --admin-group <group>). Gitea re-checks them at every sign-in.`,
  );
  if (input.document.app.pkceRequired) {
    warnings.push(
      'The app requires PKCE, which released Gitea and Forgejo do not send: the token exchange will fail. Turn "Require PKCE" off for this app and apply the setup again.',
    );
  }
  warnings.push(
    'A non-empty [oauth2_client] OPENID_CONNECT_SCOPES in app.ini replaces the source’s --scopes for every OpenID Connect source; leave it unset, or include openid, email and profile.',
  );
  if (inlineSecret !== undefined) {
    warnings.unshift(inlineSecretWarning(SCRIPT_NAME));
  }
  return { target: 'gitea', files, nextSteps, warnings };
}

/** Gitea's global flags that take a value, before `admin` (urfave/cli). */
const GLOBAL_FLAGS_WITH_VALUE = new Set(['config', 'c', 'work-path', 'w', 'custom-path', 'C']);

/** `add-oauth`'s flags, as `cmd/admin_auth_oauth.go` defines them: true for a boolean flag. */
const ADD_OAUTH_FLAGS: Readonly<Record<string, boolean>> = {
  name: false,
  provider: false,
  key: false,
  secret: false,
  'auto-discover-url': false,
  'use-custom-urls': false,
  'custom-tenant-id': false,
  'custom-auth-url': false,
  'custom-token-url': false,
  'custom-profile-url': false,
  'custom-email-url': false,
  'icon-url': false,
  'skip-local-2fa': true,
  scopes: false,
  'required-claim-name': false,
  'required-claim-value': false,
  'group-claim-name': false,
  'admin-group': false,
  'restricted-group': false,
  'group-team-map': false,
  'group-team-map-removal': true,
  'attribute-ssh-public-key': false,
  'attribute-full-name': false,
};

/** The flags of the `admin auth add-oauth` command, as urfave/cli takes them. */
interface AddOauthFlags {
  values: Map<string, ShellWord[]>;
}

function readFlags(words: readonly ShellWord[], line: number): AddOauthFlags {
  const values = new Map<string, ShellWord[]>();
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index];
    if (word === undefined) {
      break;
    }
    // `--flag=value`, or `--flag="$VARIABLE"` (a variable after the flag's "=").
    const text = word.kind === 'literal' ? word.value : word.prefix;
    if (!text.startsWith('-')) {
      throw new ExportReadError(
        SCRIPT_NAME,
        `add-oauth on line ${String(line)} of ${SCRIPT_NAME} takes only flags, but has an argument (${word.kind === 'literal' ? word.value : `$${word.name}`}).`,
      );
    }
    const [flagName = '', inline] = text.replace(/^--?/, '').split(/=(.*)/s);
    if (word.kind === 'variable' && inline !== '') {
      throw new ExportReadError(
        SCRIPT_NAME,
        `--${flagName} in ${SCRIPT_NAME} mixes text with $${word.name}; write the value, or "$${word.name}" alone.`,
      );
    }
    const isBoolean = ADD_OAUTH_FLAGS[flagName];
    if (isBoolean === undefined) {
      throw new ExportReadError(
        SCRIPT_NAME,
        `add-oauth has no flag --${flagName} (line ${String(line)} of ${SCRIPT_NAME}); Gitea would stop with "flag provided but not defined".`,
      );
    }
    let value: ShellWord;
    if (word.kind === 'variable') {
      value = { ...word, prefix: '' };
    } else if (inline !== undefined) {
      value = { kind: 'literal', value: inline };
    } else if (isBoolean) {
      value = { kind: 'literal', value: 'true' };
    } else {
      const next = words[index + 1];
      if (next === undefined) {
        throw new ExportReadError(SCRIPT_NAME, `--${flagName} in ${SCRIPT_NAME} has no value.`);
      }
      value = next;
      index += 1;
    }
    values.set(flagName, [...(values.get(flagName) ?? []), value]);
  }
  return { values };
}

/** The add-oauth command's words after `add-oauth`, wherever it is invoked from. */
function addOauthCommand(script: string): { words: ShellWord[]; line: number } {
  let commands;
  try {
    commands = parseShellScript(script);
  } catch (error) {
    if (error instanceof ShellSyntaxError) {
      throw new ExportReadError(SCRIPT_NAME, `${SCRIPT_NAME}, ${error.message}`);
    }
    throw error;
  }
  const found = commands.flatMap((command) => {
    const literal = command.words.map((word) => (word.kind === 'literal' ? word.value : undefined));
    const at = literal.findIndex(
      (word, index) =>
        word === 'admin' && literal[index + 1] === 'auth' && literal[index + 2] === 'add-oauth',
    );
    return at === -1
      ? []
      : [{ words: command.words.slice(at + 3), line: command.line, before: literal.slice(0, at) }];
  });
  const command = found[0];
  if (command === undefined) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `${SCRIPT_NAME} runs no "admin auth add-oauth" command.`,
    );
  }
  if (found.length > 1) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `${SCRIPT_NAME} runs "admin auth add-oauth" ${String(found.length)} times; each run adds another source.`,
    );
  }
  const binary = command.before.findLastIndex(
    (word) => word !== undefined && /(^|\/)(gitea|forgejo)$/.test(word),
  );
  if (binary === -1) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `The add-oauth command in ${SCRIPT_NAME} is not run by gitea or forgejo.`,
    );
  }
  for (let index = binary + 1; index < command.before.length; index += 1) {
    const flag = command.before[index]?.replace(/^--?/, '').split('=')[0] ?? '';
    if (!GLOBAL_FLAGS_WITH_VALUE.has(flag) || command.before[index]?.startsWith('-') !== true) {
      throw new ExportReadError(
        SCRIPT_NAME,
        `"${command.before[index] ?? ''}" before "admin" in ${SCRIPT_NAME} is not a flag the console reads (--config, --work-path, --custom-path).`,
      );
    }
    if (command.before[index]?.includes('=') !== true) {
      index += 1;
    }
  }
  return { words: command.words, line: command.line };
}

function single(flags: AddOauthFlags, name: string): ShellWord | undefined {
  const values = flags.values.get(name);
  return values?.at(-1);
}

function literalFlag(flags: AddOauthFlags, name: string): string {
  const value = single(flags, name);
  if (value === undefined) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `The add-oauth command in ${SCRIPT_NAME} has no --${name}.`,
    );
  }
  if (value.kind !== 'literal' || value.value === '') {
    throw new ExportReadError(
      SCRIPT_NAME,
      `--${name} in ${SCRIPT_NAME} must be written out, not taken from a variable or left empty.`,
    );
  }
  return value.value;
}

function readSecret(flags: AddOauthFlags): SecretSource {
  const value = single(flags, 'secret');
  if (value === undefined) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `The add-oauth command in ${SCRIPT_NAME} has no --secret.`,
    );
  }
  if (value.kind === 'variable') {
    return { kind: 'environment', variable: value.name };
  }
  if (value.value === '') {
    throw new ExportReadError(SCRIPT_NAME, `--secret in ${SCRIPT_NAME} is empty.`);
  }
  return { kind: 'inline', value: value.value };
}

/**
 * The scopes goth sends: `OPENID_CONNECT_SCOPES` when app.ini sets it, else the source's
 * `--scopes` (repeated or comma separated); `openid` appended when missing, alone when none.
 */
function readScopes(flags: AddOauthFlags, iniScopes: string | undefined): string[] {
  let scopes: string[];
  if (iniScopes !== undefined && iniScopes.trim() !== '') {
    scopes = iniScopes.split(' ').filter((scope) => scope !== '');
  } else {
    scopes = (flags.values.get('scopes') ?? []).flatMap((word) => {
      if (word.kind !== 'literal') {
        throw new ExportReadError(SCRIPT_NAME, `--scopes in ${SCRIPT_NAME} must be written out.`);
      }
      return word.value.split(',');
    });
  }
  if (scopes.length === 0) {
    return ['openid'];
  }
  return scopes.includes('openid') ? scopes : [...scopes, 'openid'];
}

/**
 * Gitea's ROOT_URL: the value in `[server]`, or the default it derives from PROTOCOL, DOMAIN and
 * HTTP_PORT; always ending in one slash, as Gitea normalizes it.
 */
function rootUrlOf(server: Record<string, unknown>): string {
  const text = (key: string, fallback: string): string => {
    const value = server[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
  };
  const configured = text('ROOT_URL', '');
  const root =
    configured !== ''
      ? configured
      : `${text('PROTOCOL', 'http')}://${text('DOMAIN', 'localhost')}:${text('HTTP_PORT', '3000')}/`;
  return `${withoutTrailingSlashes(root)}/`;
}

/**
 * Reads the two files the way Gitea uses them: the add-oauth command's flags (urfave/cli), the
 * issuer from the discovery URL, the scopes as goth sends them, and the callback built from
 * app.ini's ROOT_URL and the source's name.
 */
function readGitea(files: readonly ExportedFile[]): TargetReading {
  const script = files.find((file) => file.name === SCRIPT_NAME);
  if (script === undefined) {
    throw new ExportReadError(SCRIPT_NAME, `The export has no ${SCRIPT_NAME}.`);
  }
  const iniFile = files.find((file) => file.name === INI_NAME);
  if (iniFile === undefined) {
    throw new ExportReadError(INI_NAME, `The export has no ${INI_NAME}.`);
  }
  const tree = parseIni(iniFile.content) as {
    server?: Record<string, unknown>;
    oauth2_client?: Record<string, unknown>;
  };
  const { words, line } = addOauthCommand(script.content);
  const flags = readFlags(words, line);
  if (literalFlag(flags, 'provider') !== 'openidConnect') {
    throw new ExportReadError(SCRIPT_NAME, `--provider in ${SCRIPT_NAME} is not openidConnect.`);
  }
  const discoveryUrl = literalFlag(flags, 'auto-discover-url');
  if (!discoveryUrl.endsWith(DISCOVERY_SUFFIX) || !/^https?:\/\//.test(discoveryUrl)) {
    throw new ExportReadError(
      SCRIPT_NAME,
      `--auto-discover-url in ${SCRIPT_NAME} (${discoveryUrl}) is not an http(s) URL ending in ${DISCOVERY_SUFFIX}, so the issuer cannot be told.`,
    );
  }
  const name = literalFlag(flags, 'name');
  const iniScopes = tree.oauth2_client?.OPENID_CONNECT_SCOPES;
  return {
    issuer: discoveryUrl.slice(0, -DISCOVERY_SUFFIX.length),
    clientId: literalFlag(flags, 'key'),
    clientSecret: readSecret(flags),
    redirectUri: `${rootUrlOf(tree.server ?? {})}user/oauth2/${goPathEscape(name)}/callback`,
    scopes: readScopes(flags, typeof iniScopes === 'string' ? iniScopes : undefined),
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
}

/** Gitea's (and Forgejo's) OpenID Connect authentication source; see the module comment. */
export const giteaExporter: Exporter = {
  id: 'gitea',
  title: TITLE,
  description:
    'gitea admin auth add-oauth command for an OpenID Connect source, and the app.ini ROOT_URL and [oauth2_client] settings.',
  mergeable: false,
  verifiable: true,
  export: exportGitea,
  read: readGitea,
};

import {
  ArrayNode,
  AssocNode,
  CallNode,
  ConstantReadNode,
  FalseNode,
  HashNode,
  KeywordHashNode,
  NilNode,
  type Node,
  StringNode,
  SymbolNode,
  TrueNode,
  // The node classes alone: the package's index also imports node:wasi, whose "experimental"
  // notice would open the output of every command that loads the exporters.
} from '@ruby/prism/src/nodes.js';

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
import { type BlockMarkers, findManagedBlock, mergeManagedBlock } from '../merge-block.ts';
import { MergeRefusedError } from '../merge-yaml.ts';
import { parseRubySync } from '../ruby-parser.ts';
import {
  assertConfidentialClient,
  assertPassesPreExportLint,
  findRegisteredCallback,
  inlineSecretOf,
  inlineSecretWarning,
  requestedScopes,
} from '../target-rules.ts';

/**
 * GitLab (Linux package) signing in through its OpenID Connect OmniAuth provider (targets.md §5):
 * a `gitlab.rb` block for `/etc/gitlab/gitlab.rb`, between BEGIN and END marker lines that make it
 * the export's own: merging into the admin's `gitlab.rb` appends the block once and later replaces
 * only what is between the markers (`merge-block.ts`). Settings the admin already assigns outside
 * the block (who may create accounts, whether they are blocked, account linking) are left to the
 * admin and named in the next steps; a provider list of the admin's own is never replaced.
 *
 * @remarks
 * `gitlab.rb` is Ruby, evaluated by `gitlab-ctl reconfigure`, so the referenced secret is
 * `ENV.fetch("GITLAB_OKTA_CLIENT_SECRET")`: it is read when reconfigure runs, and a missing
 * variable stops reconfigure with a `KeyError` instead of writing an empty secret. The reader
 * parses the file with Ruby's own parser (prism) and takes values only from literals, never by
 * evaluating the file.
 */

const FILE_NAME = 'gitlab.rb';
const TITLE = EXPORT_TARGET_TITLES.gitlab;

/** The variable `ENV.fetch` reads when `gitlab-ctl reconfigure` evaluates the file. */
export const GITLAB_SECRET_VARIABLE = 'GITLAB_OKTA_CLIENT_SECRET';

/** The provider's name; GitLab also uses it as the callback's segment. */
const PROVIDER_NAME = 'openid_connect';

/** GitLab's callback for a provider named `openid_connect`. */
const CALLBACK_PATH = `/users/auth/${PROVIDER_NAME}/callback`;

/** A double-quoted Ruby string; `#` is escaped so that no `#{…}` can interpolate. */
function rubyString(value: string): string {
  if (/[\r\n]/.test(value)) {
    throw new Error(`Cannot write a value with a line break into ${FILE_NAME}.`);
  }
  return `"${value.replace(/[\\"#]/g, (character) => `\\${character}`)}"`;
}

function rubyStringList(values: readonly string[]): string {
  return `[${values.map(rubyString).join(', ')}]`;
}

function exportGitLab(input: ExportInput): ExportOutput {
  assertPassesPreExportLint(input, { opening: `Cannot export the ${TITLE} configuration:` });
  assertConfidentialClient(input, TITLE);
  const callback = findRegisteredCallback(input, {
    kind: 'follows-path',
    targetTitle: TITLE,
    callbackPath: CALLBACK_PATH,
    ruleText: `<gitlab>/users/auth/<args.name>/callback`,
  });
  const { scopes, warnings } = requestedScopes(input);
  warnings.unshift(...callback.warnings);
  const inlineSecret = inlineSecretOf(input);
  // Anything but "basic" makes the OpenID Connect library post the credentials in the body
  // (targets.md §5 pitfall), which is what an app registered for client_secret_post expects;
  // "query" is the value GitLab's own example uses.
  const clientAuthMethod =
    input.document.app.tokenEndpointAuthMethod === 'client_secret_post' ? 'query' : 'basic';

  const args = [
    `      name: ${rubyString(PROVIDER_NAME)},`,
    `      scope: ${rubyStringList(scopes)},`,
    `      response_type: "code",`,
    // omniauth_openid_connect checks the token's iss against this string (targets.md §0).
    `      issuer: ${rubyString(input.facts.discovery.issuer)},`,
    `      discovery: true,`,
    `      client_auth_method: ${rubyString(clientAuthMethod)},`,
    `      uid_field: "sub",`,
    ...(input.document.app.pkceRequired ? ['      pkce: true,'] : []),
    '      client_options: {',
    `        identifier: ${rubyString(input.applied.clientId)},`,
    `        secret: ${inlineSecret === undefined ? `ENV.fetch(${rubyString(GITLAB_SECRET_VARIABLE)})` : rubyString(inlineSecret)},`,
    `        redirect_uri: ${rubyString(callback.redirectUri)}`,
    '      }',
  ];
  const providerLines = [
    "gitlab_rails['omniauth_providers'] = [",
    '  {',
    `    name: ${rubyString(PROVIDER_NAME)},`,
    '    label: "Okta",',
    '    args: {',
    ...args,
    '    }',
    '  }',
    ']',
  ];
  const leftToAdmin =
    input.mergeInto === undefined
      ? new Map<string, AdminAssignment>()
      : adminAssignments(input.mergeInto);
  for (const key of leftToAdmin.keys()) {
    if (!(ACCOUNT_SETTINGS as readonly string[]).includes(key)) {
      leftToAdmin.delete(key);
    }
  }
  const block = gitlabBlock({
    appId: input.applied.appId,
    redirectUri: callback.redirectUri,
    providerLines,
    leftToAdmin,
  });
  const merged =
    input.mergeInto === undefined
      ? undefined
      : mergeManagedBlock(input.mergeInto, block, BLOCK_MARKERS, FILE_NAME);

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'ruby',
    content: merged?.content ?? `${block.join('\n')}\n`,
    sensitive: inlineSecret !== undefined,
    purpose:
      merged === undefined
        ? 'The Okta block to add to /etc/gitlab/gitlab.rb on the GitLab server.'
        : 'Your gitlab.rb with the Okta block merged in; it replaces /etc/gitlab/gitlab.rb.',
  };
  const nextSteps: string[] = [];
  if (merged === undefined) {
    nextSteps.push(
      `Add ${FILE_NAME} to the end of /etc/gitlab/gitlab.rb on the GitLab server, keeping its BEGIN and END lines (a later export with gitlab.rb to merge into replaces only what is between them). If gitlab.rb already assigns omniauth_providers, add the Okta entry to that list instead of a second assignment.`,
    );
  } else {
    nextSteps.push(
      merged.outcome === 'unchanged'
        ? `The merge changes nothing: your ${FILE_NAME} already holds this Okta block.`
        : `The merge ${merged.outcome === 'appended' ? 'appends' : 'replaces'} the block between the "${BLOCK_MARKERS.begin}" and "${BLOCK_MARKERS.end}" lines; every other line of your ${FILE_NAME} stays as it was, byte for byte. Check the diff, then replace /etc/gitlab/gitlab.rb with the merged file.`,
    );
  }
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Put the app's client secret in the environment variable ${GITLAB_SECRET_VARIABLE} for the reconfigure run (gitlab.rb reads it with ENV.fetch), e.g. read -rs ${GITLAB_SECRET_VARIABLE}; export ${GITLAB_SECRET_VARIABLE}; then sudo --preserve-env=${GITLAB_SECRET_VARIABLE} gitlab-ctl reconfigure. Reconfigure stops with KeyError if the variable is missing. Run reconfigure this way every time, or the next plain reconfigure fails.`,
    );
  } else {
    nextSteps.push('Run sudo gitlab-ctl reconfigure to apply it.');
  }
  const accounts = accountSteps(leftToAdmin);
  nextSteps.push(...accounts.steps);
  warnings.push(...accounts.warnings);
  if (inlineSecret === undefined) {
    warnings.push(
      `GitLab package upgrades run gitlab-ctl reconfigure themselves, without ${GITLAB_SECRET_VARIABLE}, and that run stops with KeyError. Before upgrading, export the variable in the upgrading shell, or create /etc/gitlab/skip-auto-reconfigure and reconfigure by hand afterwards.`,
    );
  } else {
    warnings.unshift(inlineSecretWarning(FILE_NAME));
  }
  warnings.push(
    'gitlab-ctl reconfigure copies the client secret into GitLab’s generated configuration (/var/opt/gitlab/gitlab-rails/etc/gitlab.yml), readable by the git user, whichever way gitlab.rb holds it.',
  );
  return { target: 'gitlab', files: [file], nextSteps, warnings };
}

/** `ENV.fetch("NAME")` or `ENV["NAME"]`: a value gitlab.rb reads from its environment. */
class EnvironmentValue {
  readonly variable: string;
  constructor(variable: string) {
    this.variable = variable;
  }
}

/** Any other expression: Ruby would evaluate it; the reader does not. */
class UnreadableExpression {
  /** The prism node type, e.g. `CallNode`, for messages. */
  readonly nodeType: string;
  constructor(node: Node) {
    this.nodeType = node.constructor.name;
  }
}

type RubyValue =
  | string
  | boolean
  | null
  | RubyValue[]
  | { [key: string]: RubyValue }
  | EnvironmentValue
  | UnreadableExpression;

function environmentVariableOf(node: CallNode): string | undefined {
  const isEnv = node.receiver instanceof ConstantReadNode && node.receiver.name === 'ENV';
  const argument = node.arguments_?.arguments_[0];
  if (isEnv && (node.name === 'fetch' || node.name === '[]') && argument instanceof StringNode) {
    return argument.unescaped.value;
  }
  return undefined;
}

/**
 * A Ruby literal as plain data. Symbols become strings, as they do when GitLab renders the hash
 * into its YAML configuration.
 */
function rubyValue(node: Node): RubyValue {
  if (node instanceof StringNode || node instanceof SymbolNode) {
    return node.unescaped.value;
  }
  if (node instanceof TrueNode) {
    return true;
  }
  if (node instanceof FalseNode) {
    return false;
  }
  if (node instanceof NilNode) {
    return null;
  }
  if (node instanceof ArrayNode) {
    return node.elements.map(rubyValue);
  }
  if (node instanceof HashNode || node instanceof KeywordHashNode) {
    const hash: Record<string, RubyValue> = {};
    for (const element of node.elements) {
      if (!(element instanceof AssocNode)) {
        return new UnreadableExpression(element);
      }
      const key = rubyValue(element.key);
      if (typeof key !== 'string') {
        return new UnreadableExpression(element.key);
      }
      hash[key] = rubyValue(element.value);
    }
    return hash;
  }
  if (node instanceof CallNode) {
    const variable = environmentVariableOf(node);
    if (variable !== undefined) {
      return new EnvironmentValue(variable);
    }
  }
  return new UnreadableExpression(node);
}

/** The list assigned last to `gitlab_rails['omniauth_providers']`, as Ruby would leave it. */
function providersAssigned(statements: readonly Node[]): Node | undefined {
  let providers: Node | undefined;
  for (const statement of statements) {
    if (
      statement instanceof CallNode &&
      statement.name === '[]=' &&
      statement.receiver instanceof CallNode &&
      statement.receiver.name === 'gitlab_rails' &&
      statement.receiver.receiver === null
    ) {
      const [key, value] = statement.arguments_?.arguments_ ?? [];
      if (key instanceof StringNode && key.unescaped.value === 'omniauth_providers') {
        providers = value;
      }
    }
  }
  return providers;
}

function isList(value: RubyValue | undefined): value is RubyValue[] {
  return Array.isArray(value);
}

function isHash(value: RubyValue | undefined): value is Record<string, RubyValue> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof EnvironmentValue) &&
    !(value instanceof UnreadableExpression)
  );
}

function literalText(hash: Record<string, RubyValue>, key: string, where: string): string {
  const value = hash[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExportReadError(
      FILE_NAME,
      `${where} in ${FILE_NAME} does not set ${key} as a string.`,
    );
  }
  return value;
}

/** The marker lines of the block the export owns in `gitlab.rb`. */
const BLOCK_MARKERS: BlockMarkers = {
  begin: '# BEGIN SSO Setup Console',
  end: '# END SSO Setup Console',
};

/** The settings around the provider list that decide who gets in at a first Okta sign-in. */
const ACCOUNT_SETTINGS = [
  'omniauth_allow_single_sign_on',
  'omniauth_block_auto_created_users',
  'omniauth_auto_link_user',
  'omniauth_enabled',
] as const;

/** A `gitlab_rails[…] =` assignment the admin's file makes outside the export's block. */
interface AdminAssignment {
  line: number;
  value: RubyValue;
}

/** The 1-based line of a byte offset into `bytes` (prism's locations count UTF-8 bytes). */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < bytes.length; index += 1) {
    if (bytes[index] === 0x0a) {
      line += 1;
    }
  }
  return line;
}

/** A value as the admin wrote it, for a sentence (literals only; anything else by its kind). */
function shownValue(value: RubyValue): string {
  if (value instanceof EnvironmentValue) {
    return `ENV["${value.variable}"]`;
  }
  if (value instanceof UnreadableExpression) {
    return `an expression (${value.nodeType})`;
  }
  return JSON.stringify(value);
}

/** Whether a setting that lists providers (or says `true` for all) includes the Okta one. */
function coversProvider(value: RubyValue): boolean {
  return value === true || (Array.isArray(value) && value.includes(PROVIDER_NAME));
}

/**
 * What the admin's `gitlab.rb` already assigns outside the export's block, read with Ruby's own
 * parser: the export leaves those settings to the admin, and refuses to add a second provider list.
 *
 * @throws Error when the file is not valid Ruby, or assigns `omniauth_providers` itself (a second
 * list in the block would silently replace the admin's providers).
 */
function adminAssignments(mergeInto: string): Map<string, AdminAssignment> {
  const { program, errors } = parseRubySync(mergeInto);
  const firstError = errors[0];
  if (firstError !== undefined) {
    throw new MergeRefusedError(
      `The ${FILE_NAME} to merge into is not valid Ruby (line ${String(firstError.line)}: ${firstError.message}). Fix it (or export without merging) and try again.`,
    );
  }
  const block = findManagedBlock(mergeInto, BLOCK_MARKERS, FILE_NAME);
  const bytes = new TextEncoder().encode(mergeInto);
  const found = new Map<string, AdminAssignment>();
  for (const statement of program.statements.body) {
    if (
      !(statement instanceof CallNode) ||
      statement.name !== '[]=' ||
      !(statement.receiver instanceof CallNode) ||
      statement.receiver.name !== 'gitlab_rails' ||
      statement.receiver.receiver !== null
    ) {
      continue;
    }
    const [key, value] = statement.arguments_?.arguments_ ?? [];
    if (!(key instanceof StringNode) || value === undefined) {
      continue;
    }
    const line = lineOfByte(bytes, statement.location.startOffset);
    if (block !== undefined && line >= block.first && line <= block.last) {
      continue;
    }
    found.set(key.unescaped.value, { line, value: rubyValue(value) });
  }
  const providers = found.get('omniauth_providers');
  if (providers !== undefined) {
    const names = Array.isArray(providers.value)
      ? providers.value
          .map((entry) => (isHash(entry) && typeof entry.name === 'string' ? entry.name : '?'))
          .join(', ')
      : '';
    throw new MergeRefusedError(
      `Your ${FILE_NAME} already assigns gitlab_rails['omniauth_providers'] on line ${String(providers.line)}${names === '' ? '' : ` (${names})`}; a second list in the export's block would replace it and drop those providers. Export without merging and add its "${PROVIDER_NAME}" entry to that list by hand.`,
    );
  }
  return found;
}

/** The lines of the block the export owns, markers included. */
function gitlabBlock(options: {
  appId: string;
  redirectUri: string;
  providerLines: readonly string[];
  leftToAdmin: ReadonlyMap<string, AdminAssignment>;
}): string[] {
  const lines = [
    `${BLOCK_MARKERS.begin}: Okta sign-in. This block is the export's: exporting again with this file to merge into replaces everything down to the END line, and nothing else.`,
    `# Okta app ${options.appId}; sign-in redirect URI ${options.redirectUri}.`,
    '# Apply it with: sudo gitlab-ctl reconfigure',
  ];
  if (!options.leftToAdmin.has('omniauth_allow_single_sign_on')) {
    lines.push(
      '# A first Okta sign-in creates a GitLab account for someone who has none.',
      `gitlab_rails['omniauth_allow_single_sign_on'] = [${rubyString(PROVIDER_NAME)}]`,
    );
  }
  if (!options.leftToAdmin.has('omniauth_block_auto_created_users')) {
    lines.push(
      "# Those new accounts wait for an admin's approval (GitLab's default); false lets them in at once.",
      "gitlab_rails['omniauth_block_auto_created_users'] = true",
    );
  }
  lines.push(...options.providerLines, `${BLOCK_MARKERS.end}: Okta sign-in`);
  return lines;
}

/**
 * GitLab's traps at the first sign-in, each with what the export set and what the admin decides:
 * new accounts allowed, new accounts blocked, existing accounts linked.
 */
function accountSteps(leftToAdmin: ReadonlyMap<string, AdminAssignment>): {
  steps: string[];
  warnings: string[];
} {
  const steps: string[] = [];
  const warnings: string[] = [];
  const allow = leftToAdmin.get('omniauth_allow_single_sign_on');
  if (allow === undefined) {
    steps.push(
      `New accounts: the export sets omniauth_allow_single_sign_on to ["${PROVIDER_NAME}"], so the first Okta sign-in of someone without a GitLab account creates one.`,
    );
  } else if (coversProvider(allow.value)) {
    steps.push(
      `New accounts: your gitlab.rb sets omniauth_allow_single_sign_on (line ${String(allow.line)}) to ${shownValue(allow.value)}, which lets Okta create accounts; the merge leaves it.`,
    );
  } else {
    steps.push(
      `New accounts: your gitlab.rb sets omniauth_allow_single_sign_on (line ${String(allow.line)}) to ${shownValue(allow.value)}, without "${PROVIDER_NAME}", so GitLab refuses the Okta sign-in of anyone who has no GitLab account yet. The merge leaves it: add "${PROVIDER_NAME}" to it if Okta users should get accounts.`,
    );
  }
  const block = leftToAdmin.get('omniauth_block_auto_created_users');
  if (block === undefined) {
    steps.push(
      'Blocked new accounts: the export sets omniauth_block_auto_created_users to true (GitLab’s default), so each new account waits in Admin Area › Users › Pending approval until an admin approves it. You decide: set it to false to let the Okta app’s assignments alone decide who gets in.',
    );
  } else {
    steps.push(
      `Blocked new accounts: your gitlab.rb sets omniauth_block_auto_created_users (line ${String(block.line)}) to ${shownValue(block.value)}; the merge leaves it. ${block.value === false ? 'New accounts can sign in at once.' : 'New accounts wait in Admin Area › Users › Pending approval until an admin approves them.'}`,
    );
  }
  const link = leftToAdmin.get('omniauth_auto_link_user');
  if (link === undefined) {
    steps.push(
      `Existing accounts: the export does not set omniauth_auto_link_user, so an Okta sign-in whose email belongs to an existing GitLab account fails ("Email has already been taken") until its owner connects Okta under Edit profile › Account › Service sign-in. You decide: add gitlab_rails['omniauth_auto_link_user'] = ["${PROVIDER_NAME}"] to link them by email at their first Okta sign-in.`,
    );
  } else {
    steps.push(
      `Existing accounts: your gitlab.rb sets omniauth_auto_link_user (line ${String(link.line)}) to ${shownValue(link.value)}; the merge leaves it. ${coversProvider(link.value) ? 'An Okta sign-in is linked by email to the existing account.' : `Okta sign-ins are not linked by email: an existing user connects Okta under Edit profile › Account › Service sign-in.`}`,
    );
  }
  const enabled = leftToAdmin.get('omniauth_enabled');
  if (enabled?.value === false) {
    warnings.push(
      `Your gitlab.rb sets omniauth_enabled to false (line ${String(enabled.line)}), which turns off every OmniAuth provider, Okta's too: set it to true or remove it.`,
    );
  }
  return { steps, warnings };
}

function readSecret(value: RubyValue | undefined): SecretSource {
  if (value instanceof EnvironmentValue) {
    return { kind: 'environment', variable: value.variable };
  }
  if (typeof value === 'string' && value !== '') {
    return { kind: 'inline', value };
  }
  if (value === undefined || value === null) {
    throw new ExportReadError(FILE_NAME, `client_options in ${FILE_NAME} does not set secret.`);
  }
  throw new ExportReadError(
    FILE_NAME,
    `client_options.secret in ${FILE_NAME} is an expression the console does not evaluate (${value instanceof UnreadableExpression ? value.nodeType : typeof value}); use a string or ENV.fetch("${GITLAB_SECRET_VARIABLE}").`,
  );
}

function readAuthMethod(value: RubyValue | undefined): TargetReading['tokenEndpointAuthMethod'] {
  if (value === undefined || value === 'basic') {
    return 'client_secret_basic';
  }
  if (value === 'jwt_bearer' || value === 'mtls' || typeof value !== 'string') {
    throw new ExportReadError(
      FILE_NAME,
      `client_auth_method in ${FILE_NAME} is not one the console can verify (basic, or a body method such as query).`,
    );
  }
  return 'client_secret_post';
}

/**
 * Reads `gitlab.rb` the way GitLab takes it: the last `omniauth_providers` assignment, its
 * `openid_connect` entry, `client_options.redirect_uri` as the URI sent (which must lie on the
 * provider's own callback route), `client_auth_method` defaulting to `basic`.
 */
function readGitLab(files: readonly ExportedFile[]): TargetReading {
  const file = files.find((candidate) => candidate.name === FILE_NAME);
  if (file === undefined) {
    throw new ExportReadError(FILE_NAME, `The export has no ${FILE_NAME}.`);
  }
  const { program, errors } = parseRubySync(file.content);
  const firstError = errors[0];
  if (firstError !== undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} is not valid Ruby: line ${String(firstError.line)}: ${firstError.message}.`,
    );
  }
  const providersNode = providersAssigned(program.statements.body);
  if (providersNode === undefined) {
    throw new ExportReadError(
      FILE_NAME,
      `${FILE_NAME} does not assign gitlab_rails['omniauth_providers'].`,
    );
  }
  const providers = rubyValue(providersNode);
  const provider = isList(providers)
    ? providers.find((entry) => isHash(entry) && entry.name === PROVIDER_NAME)
    : undefined;
  if (!isHash(provider)) {
    throw new ExportReadError(
      FILE_NAME,
      `gitlab_rails['omniauth_providers'] in ${FILE_NAME} has no literal entry named "${PROVIDER_NAME}".`,
    );
  }
  const args = provider.args;
  if (!isHash(args)) {
    throw new ExportReadError(
      FILE_NAME,
      `The ${PROVIDER_NAME} provider in ${FILE_NAME} has no args hash.`,
    );
  }
  if (args.discovery !== true) {
    throw new ExportReadError(
      FILE_NAME,
      `args.discovery in ${FILE_NAME} is not true, so GitLab would not read the issuer's endpoints.`,
    );
  }
  const clientOptions = args.client_options;
  if (!isHash(clientOptions)) {
    throw new ExportReadError(FILE_NAME, `args in ${FILE_NAME} has no client_options hash.`);
  }
  const routeName = typeof args.name === 'string' ? args.name : PROVIDER_NAME;
  const redirectUri = literalText(clientOptions, 'redirect_uri', 'client_options');
  const route = `/users/auth/${routeName}/callback`;
  if (!URL.canParse(redirectUri) || !new URL(redirectUri).pathname.endsWith(route)) {
    throw new ExportReadError(
      FILE_NAME,
      `client_options.redirect_uri in ${FILE_NAME} (${redirectUri}) is not an absolute URL ending in ${route}, the route GitLab serves this provider's callback on.`,
    );
  }
  const scope = args.scope;
  if (!isList(scope) || !scope.every((item): item is string => typeof item === 'string')) {
    throw new ExportReadError(FILE_NAME, `args.scope in ${FILE_NAME} is not a list of scopes.`);
  }
  return {
    issuer: literalText(args, 'issuer', 'args'),
    clientId: literalText(clientOptions, 'identifier', 'client_options'),
    clientSecret: readSecret(clientOptions.secret),
    redirectUri,
    scopes: scope,
    tokenEndpointAuthMethod: readAuthMethod(args.client_auth_method),
  };
}

/** GitLab's OpenID Connect provider; see the module comment. */
export const gitlabExporter: Exporter = {
  id: 'gitlab',
  title: TITLE,
  description:
    'gitlab.rb omniauth_providers entry for OpenID Connect, as one managed block; the secret read with ENV.fetch at reconfigure; merges into an existing file.',
  mergeable: true,
  verifiable: true,
  export: exportGitLab,
  read: readGitLab,
};

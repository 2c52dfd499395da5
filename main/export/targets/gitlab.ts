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
 * a `gitlab.rb` fragment for `/etc/gitlab/gitlab.rb`.
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
  const content = [
    '# Okta sign-in for GitLab (Linux package), written by SSO Setup Console.',
    `# Okta app ${input.applied.appId}; sign-in redirect URI ${callback.redirectUri}.`,
    '# Merge into /etc/gitlab/gitlab.rb, then run: sudo gitlab-ctl reconfigure',
    '',
    "# Create a GitLab account at a user's first Okta sign-in; GitLab blocks it until an admin approves.",
    `gitlab_rails['omniauth_allow_single_sign_on'] = [${rubyString(PROVIDER_NAME)}]`,
    "gitlab_rails['omniauth_block_auto_created_users'] = true",
    '',
    "gitlab_rails['omniauth_providers'] = [",
    '  {',
    `    name: ${rubyString(PROVIDER_NAME)},`,
    '    label: "Okta",',
    '    args: {',
    ...args,
    '    }',
    '  }',
    ']',
    '',
  ].join('\n');

  const file: ExportedFile = {
    name: FILE_NAME,
    language: 'ruby',
    content,
    sensitive: inlineSecret !== undefined,
    purpose: 'Settings to merge into /etc/gitlab/gitlab.rb on the GitLab server.',
  };
  const nextSteps = [
    `Merge ${FILE_NAME} into /etc/gitlab/gitlab.rb on the GitLab server; if gitlab.rb already sets omniauth_providers, add the Okta entry to that list instead of a second assignment.`,
  ];
  if (inlineSecret === undefined) {
    nextSteps.push(
      `Put the app's client secret in the environment variable ${GITLAB_SECRET_VARIABLE} for the reconfigure run (gitlab.rb reads it with ENV.fetch), e.g. read -rs ${GITLAB_SECRET_VARIABLE}; export ${GITLAB_SECRET_VARIABLE}; then sudo --preserve-env=${GITLAB_SECRET_VARIABLE} gitlab-ctl reconfigure. Reconfigure stops with KeyError if the variable is missing. Run reconfigure this way every time, or the next plain reconfigure fails.`,
    );
  } else {
    nextSteps.push('Run sudo gitlab-ctl reconfigure to apply it.');
  }
  nextSteps.push(
    'New users are blocked until an admin approves them (Admin Area › Users › Pending approval); set omniauth_block_auto_created_users to false to let the Okta assignment decide alone. To link existing GitLab accounts by email, add gitlab_rails[\'omniauth_auto_link_user\'] = ["openid_connect"].',
  );
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
    'gitlab.rb omniauth_providers entry for OpenID Connect; the secret read with ENV.fetch at reconfigure.',
  mergeable: false,
  verifiable: true,
  export: exportGitLab,
  read: readGitLab,
};

import { readGroupsExpression } from '../../shared/okta/groups-expression.ts';
import { PRESETS } from '../../shared/setup/presets.ts';
import { withoutTrailingSlashes } from '../../shared/text.ts';
import type { ExportInput, SecretSource } from './exporter.ts';
import { preExportLint } from './pre-export-lint.ts';

/**
 * The rules every target exporter applies the same way: the §0 lint, picking the registered
 * redirect URI that the target's own callback rule produces, the scopes to request, and how the
 * client secret appears (targets.md §0).
 *
 * @remarks
 * Each exporter states only what is particular to its target (its callback path, its file
 * format); the decisions that must not drift between targets live here once. Where targets
 * really differ, the difference is a parameter whose TSDoc says which targets take which value.
 */

/** How a refused export's error reads, and which secret the lint looks at. */
export interface LintRefusal {
  /** The error's first words, before the problems, e.g. `Cannot export for Kestra:`. */
  opening: string;
  /**
   * `sentences` (the default): the problems follow the opening on the same line. `list`: one
   * `- ` line a problem, as the Terraform export has always printed them.
   */
  layout?: 'sentences' | 'list';
  /**
   * `asked` (the default): the secret the admin asked to inline, even for a public client whose
   * files will not hold it — the confidential-only targets, Spring Boot and Terraform refuse such
   * an input. `written`: only the secret the files hold ({@link secretPlanFor}), so a public
   * client's export goes ahead whatever was asked — Kestra, dotenv and JSON, which export public
   * clients and never linted a secret they do not write.
   */
  secret?: 'asked' | 'written';
}

/**
 * Throws when the issuer, the client id or an inlined secret fails the pre-export lint.
 *
 * @remarks
 * A placeholder or an `-admin` host in a file fails only at the target's start-up, long after the
 * admin has left the console (targets.md §0 "Generic pre-export lint"), so the export refuses
 * instead. The message lists every problem; it never echoes the secret.
 */
export function assertPassesPreExportLint(input: ExportInput, refusal: LintRefusal): void {
  const secret = refusal.secret === 'written' ? secretPlanFor(input) : input.secret;
  const problems = preExportLint({
    issuer: input.facts.discovery.issuer,
    clientId: input.applied.clientId,
    ...(secret.kind === 'inline' ? { clientSecret: secret.value } : {}),
  });
  if (problems.length === 0) {
    return;
  }
  throw new Error(
    refusal.layout === 'list'
      ? `${refusal.opening}\n${problems.map((problem) => `- ${problem}`).join('\n')}`
      : `${refusal.opening} ${problems.join(' ')}`,
  );
}

/** `http://host:port/` → `http://host:port`: targets join their callback path onto a bare base. */
export function trimTrailingSlashes(url: string): string {
  return withoutTrailingSlashes(url.trim());
}

/**
 * How a target comes by the redirect URI it sends, for {@link findRegisteredCallback}.
 *
 * @remarks
 * Okta compares redirect URIs byte for byte (targets.md §0 "Redirect URIs"), so every kind ends
 * in a registered URI or a refusal; they differ in what may stand in for the URI the setup's base
 * URL gives.
 */
export type CallbackRule = FollowsPathRule | AtBaseUrlRule | GenericCallbackRule;

/**
 * The target appends its callback path to a base URL that its file states (Grafana, Argo CD,
 * oauth2-proxy, Auth.js, GitLab, Spring Boot): a registered URI under another base URL that ends
 * in the same path can be used, with that base URL in the file.
 */
export interface FollowsPathRule {
  kind: 'follows-path';
  /** The target's name, for messages. */
  targetTitle: string;
  /** The path the target appends to its base URL, e.g. `/login/okta`. */
  callbackPath: string;
  /** The rule as the target's docs state it, e.g. `<root_url>/login/okta`. */
  ruleText: string;
}

/**
 * The target appends its callback path to the setup's base URL and nothing else (Kestra, Kaimu):
 * their files state that base URL (`kestra.url`, `OIDC_BASE_URL`), and Kestra checks a merged
 * `kestra.url` against it, so another registered base URL is refused rather than followed.
 */
export interface AtBaseUrlRule {
  kind: 'at-base-url';
  /** The target's name, for messages. */
  targetTitle: string;
  /** The path the target appends to its base URL, e.g. `/oauth/callback/okta`. */
  callbackPath: string;
}

/**
 * A generic file (dotenv, JSON, `.okta.env`) names the redirect URI itself: the preset's own
 * callback when registered (what the wizard filled in), otherwise the first registered one, since
 * a generic app may use any path.
 */
export interface GenericCallbackRule {
  kind: 'generic';
  /** The file's name, for messages. */
  targetTitle: string;
}

/** The registered redirect URI a target will send. */
export interface RegisteredRedirectUri {
  redirectUri: string;
  warnings: string[];
}

/** The registered redirect URI a target will send, and the base URL its files must state. */
export interface RegisteredCallback extends RegisteredRedirectUri {
  /** The redirect URI without the callback path: what the target's base URL setting holds. */
  baseUrl: string;
}

/**
 * The app's sign-in redirect URI that the target will send, checked against the registered ones;
 * for a target that derives it from a base URL, with the base URL it must be configured with.
 *
 * @remarks
 * Okta compares redirect URIs byte for byte (targets.md §0 "Redirect URIs"), so a file whose
 * target sends any other URI fails with Okta's HTML 400 page, with no redirect back. The URI the
 * setup's base URL gives is preferred; what may stand in for it depends on the rule's kind (see
 * {@link CallbackRule}). When nothing may, the export refuses and says which URI the target would
 * send, since a file that cannot sign in is worse than none. The refusals keep the wording each
 * group of targets had: `at-base-url` also suggests changing the client key, which is part of
 * Kestra's and Kaimu's callback path.
 */
export function findRegisteredCallback(
  input: ExportInput,
  rule: FollowsPathRule | AtBaseUrlRule,
): RegisteredCallback;
export function findRegisteredCallback(
  input: ExportInput,
  rule: GenericCallbackRule,
): RegisteredRedirectUri;
export function findRegisteredCallback(
  input: ExportInput,
  rule: CallbackRule,
): RegisteredCallback | RegisteredRedirectUri {
  const document = input.document;
  const registered = document.app.redirectUris;
  if (rule.kind === 'generic') {
    const presetCallback = PRESETS[document.target.preset].uris(
      document.target.baseUrl,
      document.target.clientKey,
    ).callback;
    const redirectUri = registered.includes(presetCallback) ? presetCallback : registered[0];
    if (redirectUri === undefined) {
      throw new Error(
        `Cannot export for ${rule.targetTitle}: the app registers no sign-in redirect URI. Add the URI your app receives the sign-in on and apply the setup first.`,
      );
    }
    return { redirectUri, warnings: [] };
  }
  const documentBase = trimTrailingSlashes(document.target.baseUrl);
  const expected = `${documentBase}${rule.callbackPath}`;
  if (registered.includes(expected)) {
    return { redirectUri: expected, baseUrl: documentBase, warnings: [] };
  }
  if (rule.kind === 'at-base-url') {
    const listed =
      registered.length === 0 ? 'none' : registered.map((uri) => `"${uri}"`).join(', ');
    throw new Error(
      `${rule.targetTitle} will send the redirect URI "${expected}", but the app does not register it (registered: ${listed}). Add it to the app's sign-in redirect URIs and apply the setup, or change the base URL or client key so the target's callback is one of the registered URIs.`,
    );
  }
  const following = registered.find(
    (uri) =>
      uri.endsWith(rule.callbackPath) &&
      URL.canParse(uri) &&
      new URL(uri).search === '' &&
      new URL(uri).hash === '',
  );
  if (following !== undefined) {
    const baseUrl = following.slice(0, following.length - rule.callbackPath.length);
    return {
      redirectUri: following,
      baseUrl,
      warnings: [
        `The base URL in the setup is ${documentBase}, but the registered redirect URI that ${rule.targetTitle} can send is ${following}; the files use ${baseUrl} as ${rule.targetTitle}'s address.`,
      ],
    };
  }
  const listed = registered.length === 0 ? 'none' : registered.join(', ');
  throw new Error(
    `${rule.targetTitle} sends the redirect URI ${expected} (${rule.ruleText}), which is not one of the app's sign-in redirect URIs (${listed}). Add ${expected} to the app's sign-in redirect URIs and apply the setup again, or set the base URL to the address ${rule.targetTitle} is served at.`,
  );
}

/** The scopes the target requests, and warnings about ones the issuer does not advertise. */
export interface RequestedScopes {
  scopes: string[];
  warnings: string[];
}

/** The OIDC scopes every target here asks for when the setup names none. */
const STANDARD_SCOPES = ['openid', 'profile', 'email'] as const;

/**
 * The scopes a target should request from this issuer.
 *
 * @remarks
 * A custom authorization server gets exactly the document's scopes: the setup created them on the
 * server, and a scope the server does not define fails `/authorize` with `invalid_scope`
 * (targets.md §0 "Groups"). The org server has no scopes to configure, so it gets the standard
 * three, plus `groups` when the setup asks for a groups claim — Okta releases the org server's
 * groups claim only to requests with that scope.
 *
 * The warnings are about scopes discovery does not list; the Kestra, Kaimu, `.okta.env`, dotenv
 * and JSON exporters take only `scopes` and never carried them.
 */
export function requestedScopes(input: ExportInput): RequestedScopes {
  const issuer = input.document.issuer;
  const scopes =
    issuer.kind === 'custom'
      ? [...issuer.scopes]
      : [...STANDARD_SCOPES, ...(issuer.groupsClaim === undefined ? [] : ['groups'])];
  const advertised = input.facts.discovery.scopes_supported;
  const unadvertised =
    advertised === undefined ? [] : scopes.filter((scope) => !advertised.includes(scope));
  return {
    scopes,
    warnings: unadvertised.map(
      (scope) =>
        `The issuer's discovery document does not list the scope "${scope}". A custom scope is listed only when its metadata is published; if the server does not define it, sign-in fails with invalid_scope.`,
    ),
  };
}

/** The name of the groups claim the setup asks for, if any. */
export function groupsClaimName(input: ExportInput): string | undefined {
  return input.document.issuer.groupsClaim?.name;
}

/**
 * The names of the groups assigned to the app that the groups claim's filter releases.
 *
 * @remarks
 * Used for allow-lists (Grafana's `allowed_groups`): a group the filter withholds never appears
 * in the token, so listing it would only mislead. The simple filters match without regard to
 * case, so that the list errs towards including a group rather than locking its members out; a
 * regular expression JavaScript cannot read releases every group, for the same reason.
 */
export function groupsReleasedByClaim(input: ExportInput): string[] {
  const claim = input.document.issuer.groupsClaim;
  const names = input.facts.assignedGroups.map((group) => group.name);
  if (claim === undefined) {
    return [];
  }
  if (claim.type === 'EXPRESSION') {
    // An expression the console reads releases what it selects; any other is Okta's to
    // evaluate, so every group is listed rather than one its members need left out.
    const read = readGroupsExpression(claim.value);
    if (!read.ok) {
      return names;
    }
    const wantedValue = read.expression.value.toLowerCase();
    return read.expression.source !== 'OKTA'
      ? []
      : names.filter((name) => {
          const lower = name.toLowerCase();
          switch (read.expression.function) {
            case 'startsWith':
              return lower.startsWith(wantedValue);
            case 'endsWith':
              return lower.endsWith(wantedValue);
            case 'contains':
              return lower.includes(wantedValue);
          }
        });
  }
  const wanted = claim.value.toLowerCase();
  switch (claim.filterType) {
    case 'EQUALS':
      return names.filter((name) => name.toLowerCase() === wanted);
    case 'STARTS_WITH':
      return names.filter((name) => name.toLowerCase().startsWith(wanted));
    case 'CONTAINS':
      return names.filter((name) => name.toLowerCase().includes(wanted));
    case 'REGEX': {
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${claim.value})$`);
      } catch {
        return names;
      }
      return names.filter((name) => pattern.test(name));
    }
  }
}

/**
 * Throws for a public client (no secret) on a target that signs in only as a confidential one.
 *
 * @remarks
 * These targets are server-side apps that always authenticate at the token endpoint with a
 * secret; a file without one would fail with `invalid_client` at the first sign-in.
 */
export function assertConfidentialClient(input: ExportInput, targetTitle: string): void {
  if (input.document.app.tokenEndpointAuthMethod === 'none') {
    throw new Error(
      `${targetTitle} signs in as a confidential client with a client secret, but this app has no secret (client authentication "none"). Set the app's client authentication to client_secret_basic and apply the setup again.`,
    );
  }
}

/** How one export writes the client secret, decided once from the input and the app type. */
export type SecretPlan =
  /** The files name an environment variable (or a Kubernetes Secret); the admin sets it outside. */
  | { kind: 'reference' }
  /** The admin asked for the value in the files; they are sensitive. */
  | { kind: 'inline'; value: string }
  /** A public client (`none`): there is no secret to write or to reference. */
  | { kind: 'none' };

/** The secret plan for `input`: public clients have none, whatever the admin asked. */
export function secretPlanFor(input: ExportInput): SecretPlan {
  if (input.document.app.tokenEndpointAuthMethod === 'none') {
    return { kind: 'none' };
  }
  return input.secret.kind === 'inline'
    ? { kind: 'inline', value: input.secret.value }
    : { kind: 'reference' };
}

/**
 * The secret to write into the files: the inlined value of {@link secretPlanFor}, or `undefined`
 * when the files reference it or the client has none.
 */
export function inlineSecretOf(input: ExportInput): string | undefined {
  const plan = secretPlanFor(input);
  return plan.kind === 'inline' ? plan.value : undefined;
}

/**
 * The warning every file holding the client secret in clear text carries, naming that file.
 *
 * @remarks
 * One wording for every target (the Kestra, Kaimu, `.okta.env`, dotenv and JSON exporters had
 * their own, with the same advice): the file is written with mode 0600, but a secret in a file
 * travels with it (targets.md §0 "Secrets").
 */
export function inlineSecretWarning(fileName: string): string {
  return `${fileName} holds the client secret in clear text, as asked. It is written with mode 0600; keep it out of version control and prefer the secret reference (the default) for shared machines.`;
}

/**
 * The sign-out redirect URI a target returns to after Okta's logout: the registered one under the
 * target's base URL, else the first registered one; `undefined` when none is registered.
 */
export function pickPostLogoutRedirectUri(input: ExportInput, baseUrl: string): string | undefined {
  const registered = input.document.app.postLogoutRedirectUris;
  return (
    registered.find((uri) => trimTrailingSlashes(uri) === baseUrl) ??
    registered.find((uri) => uri.startsWith(`${baseUrl}/`)) ??
    registered[0]
  );
}

/** The `SecretSource` a reading reports for a value that names an environment variable. */
export function environmentSecret(variable: string): SecretSource {
  return { kind: 'environment', variable };
}

/**
 * `text` for one line of a comment in an exported file: any control character (a line break
 * would end the comment and make the rest a command) shown as `?`.
 *
 * @remarks
 * The setup document's schema already refuses them in names and addresses; this keeps a value
 * from elsewhere (an app read from the org) from reaching a script as code all the same.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  return text.replaceAll(/[\u0000-\u001f\u007f]/g, '?');
}

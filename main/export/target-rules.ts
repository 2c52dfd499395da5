import type { ExportInput } from './exporter.ts';
import { preExportLint } from './pre-export-lint.ts';

/**
 * The rules every target exporter applies the same way: the §0 lint, picking the registered
 * redirect URI that the target's own callback rule produces, the scopes to request, and how the
 * client secret appears (targets.md §0).
 *
 * @remarks
 * Each exporter states only what is particular to its target (its callback path, its file
 * format); the decisions that must not drift between targets live here once.
 */

/**
 * Throws when the issuer, the client id or an inlined secret fails the pre-export lint.
 *
 * @remarks
 * A placeholder or an `-admin` host in a file fails only at the target's start-up, long after the
 * admin has left the console (targets.md §0 "Generic pre-export lint"), so the export refuses
 * instead. The message lists every problem; it never echoes the secret.
 */
export function assertPassesPreExportLint(input: ExportInput, targetTitle: string): void {
  const inlineSecret = input.secret.kind === 'inline' ? input.secret.value : undefined;
  const problems = preExportLint({
    issuer: input.facts.discovery.issuer,
    clientId: input.applied.clientId,
    ...(inlineSecret === undefined ? {} : { clientSecret: inlineSecret }),
  });
  if (problems.length > 0) {
    throw new Error(`Cannot export the ${targetTitle} configuration: ${problems.join(' ')}`);
  }
}

/** `http://host:port/` → `http://host:port`: targets join their callback path onto a bare base. */
export function trimTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** A target's callback rule: the path it appends to its base URL. */
export interface CallbackRule {
  /** The target's name, for messages. */
  targetTitle: string;
  /** The path the target appends to its base URL, e.g. `/login/okta`. */
  callbackPath: string;
  /** The rule as the target's docs state it, e.g. `<root_url>/login/okta`. */
  ruleText: string;
}

/** The registered redirect URI a target will send, and the base URL its files must state. */
export interface RegisteredCallback {
  redirectUri: string;
  /** The redirect URI without the callback path: what the target's base URL setting holds. */
  baseUrl: string;
  warnings: string[];
}

/**
 * The app's sign-in redirect URI that the target's callback rule produces, with the base URL the
 * target must be configured with to send exactly that URI.
 *
 * @remarks
 * Okta compares redirect URIs byte for byte (targets.md §0 "Redirect URIs"), so a file whose
 * target derives any other URI fails with Okta's HTML 400 page. The URI under the document's base
 * URL is preferred; another registered URI that follows the same rule is used when the base URL
 * was changed by hand, with a warning. When none follows the rule, the export refuses and says
 * which URI the target would send, since a file that cannot sign in is worse than none.
 */
export function findRegisteredCallback(input: ExportInput, rule: CallbackRule): RegisteredCallback {
  const documentBase = trimTrailingSlashes(input.document.target.baseUrl);
  const expected = `${documentBase}${rule.callbackPath}`;
  const registered = input.document.app.redirectUris;
  if (registered.includes(expected)) {
    return { redirectUri: expected, baseUrl: documentBase, warnings: [] };
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

/**
 * The secret to write into the files: the inlined value, or `undefined` when the files reference
 * it or the client has none.
 */
export function inlineSecretOf(input: ExportInput): string | undefined {
  if (input.document.app.tokenEndpointAuthMethod === 'none') {
    return undefined;
  }
  return input.secret.kind === 'inline' ? input.secret.value : undefined;
}

/** The warning every file holding the client secret in clear text carries. */
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

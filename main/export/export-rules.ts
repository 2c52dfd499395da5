import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ExportInput, SecretSource } from './exporter.ts';
import { preExportLint } from './pre-export-lint.ts';

/**
 * The few rules the Kestra, Kaimu, `.okta.env`, dotenv and JSON exporters share: refuse what
 * would fail at the target's start-up, pick the scopes and the redirect URI, and decide how the
 * secret appears.
 *
 * @remarks
 * Kept apart from the exporters so each exporter reads as "the target's file", and so the rules
 * (targets.md §0) are written once rather than drifting between five copies.
 */

/** How one export writes the client secret, decided once from the input and the app type. */
export type SecretPlan =
  /** The file names an environment variable; the admin sets it outside the file. */
  | { kind: 'reference' }
  /** The admin asked for the value in the file; the file is sensitive. */
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
 * Runs the pre-export lint (targets.md §0) on what the export writes, and throws one Error that
 * lists every problem: a placeholder or an admin host in a file fails only at the target's
 * start-up, long after the admin has left the console.
 */
export function assertExportable(
  target: string,
  values: { issuer: string; clientId: string; secret: SecretPlan },
): void {
  const problems = preExportLint({
    issuer: values.issuer,
    clientId: values.clientId,
    ...(values.secret.kind === 'inline' ? { clientSecret: values.secret.value } : {}),
  });
  if (problems.length > 0) {
    throw new Error(`Cannot export for ${target}: ${problems.join(' ')}`);
  }
}

/**
 * The scopes the target should request.
 *
 * @remarks
 * A custom authorization server requests exactly the document's scopes: asking for a scope the
 * server does not define fails `/authorize` with `invalid_scope` (targets.md §0, Groups). The
 * org authorization server has the standard OIDC scopes, and `groups` when the document wants a
 * groups claim.
 */
export function requestedScopes(document: SetupDocument): string[] {
  if (document.issuer.kind === 'custom') {
    return [...document.issuer.scopes];
  }
  const scopes = ['openid', 'profile', 'email'];
  if (document.issuer.groupsClaim !== undefined) {
    scopes.push('groups');
  }
  return scopes;
}

/** `http://host:port/` → `http://host:port`, as the presets join paths onto a base. */
export function withoutTrailingSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * Returns `callback` when the app registers it, and otherwise throws an Error that says which
 * redirect URI the target will send and what to do.
 *
 * @remarks
 * Okta matches redirect URIs exactly (targets.md §0): a file whose target sends an unregistered
 * URI gets an HTML 400 page at sign-in, with no redirect back, so it is refused here instead.
 */
export function registeredCallback(
  target: string,
  document: SetupDocument,
  callback: string,
): string {
  if (document.app.redirectUris.includes(callback)) {
    return callback;
  }
  const registered =
    document.app.redirectUris.length === 0
      ? 'none'
      : document.app.redirectUris.map((uri) => `"${uri}"`).join(', ');
  throw new Error(
    `${target} will send the redirect URI "${callback}", but the app does not register it (registered: ${registered}). Add it to the app's sign-in redirect URIs and apply the setup, or change the base URL or client key so the target's callback is one of the registered URIs.`,
  );
}

/**
 * The redirect URI a generic file names: the preset's own callback when registered (what the
 * wizard filled in), otherwise the first registered one, since a generic app may use any path.
 */
export function genericRedirectUri(
  target: string,
  document: SetupDocument,
  presetCallback: string,
): string {
  if (document.app.redirectUris.includes(presetCallback)) {
    return presetCallback;
  }
  const first = document.app.redirectUris[0];
  if (first === undefined) {
    throw new Error(
      `Cannot export for ${target}: the app registers no sign-in redirect URI. Add the URI your app receives the sign-in on and apply the setup first.`,
    );
  }
  return first;
}

/** The warning every inline export carries, naming the file that holds the secret. */
export function inlineSecretWarning(fileName: string): string {
  return `${fileName} holds the client secret in plain text. It is written with mode 0600; keep it out of version control and shared folders.`;
}

/** The `SecretSource` a reading reports for a value that names an environment variable. */
export function environmentSecret(variable: string): SecretSource {
  return { kind: 'environment', variable };
}

import { createHash } from 'node:crypto';

import * as oidc from 'openid-client';

import type {
  ExportedFile,
  TargetReadingView,
  VerificationCheck,
  VerificationResult,
} from '../../shared/export/export-targets.ts';
import { isLoopbackRedirectUri } from '../sign-in/redirect-strategy.ts';
import type { Exporter, TargetReading } from './exporter.ts';

/**
 * Verified export: sign in with exactly what the exported files say, read the way the target
 * reads them, using an independent certified relying party (`openid-client`, targets.md §14).
 *
 * @remarks
 * The values come from the exporter's `read`, which parses the files with the format's real
 * parser — never from the setup the files were written from, so a key one level off or a
 * callback segment that does not match fails here instead of at the target's start-up. The
 * preview's own flow (`@okta/okta-auth-js`) is not used: a second, certified library keeps one
 * library's bug from passing its own test. The steps are split (`prepare`, then `complete` with
 * the callback) because a person signs in between, through the preview's redirect strategies.
 */

/** SHA-256 over each file's name and content, so a verification names exactly what it saw. */
export function contentHashOf(files: readonly ExportedFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file.name}\u0000${file.content}\u0000`);
  }
  return hash.digest('hex');
}

/** The reading as shown to the admin: the secret only as where it comes from. */
export function readingView(reading: TargetReading): TargetReadingView {
  const source = reading.clientSecret;
  return {
    issuer: reading.issuer,
    clientId: reading.clientId,
    redirectUri: reading.redirectUri,
    scopes: reading.scopes,
    tokenEndpointAuthMethod: reading.tokenEndpointAuthMethod,
    clientSecretFrom:
      source.kind === 'environment' ? `environment variable ${source.variable}` : source.kind,
  };
}

/** Where an environment-referenced secret is found when the console verifies. */
export interface SecretResolver {
  /**
   * The value the target would find in `variable`: the console's own environment first, then
   * the secret the console kept in the keychain for this org's `clientId` (the target's
   * deployment holds the same one).
   */
  resolve(
    variable: string,
    clientId: string,
    issuer: string,
  ): Promise<string | ResolvedSecret | undefined>;
}

/**
 * A secret with where it was found, so the verification names its real source: the variable
 * the files name, or the keychain standing in for it (issue 19: the check said
 * "resolves from OKTA_CLIENT_SECRET" when that variable was unset and the keychain supplied it).
 * A resolver that answers with a bare string found it in the variable.
 */
export interface ResolvedSecret {
  value: string;
  from: 'environment' | 'keychain';
}

/**
 * Where the console finds a secret the files reference, as the target would: the environment
 * variable they name (here, the console's own environment), else the secret the console kept in
 * the keychain for the client id the files give.
 */
export function environmentThenKeychain(
  env: NodeJS.ProcessEnv,
  keptSecret: (clientId: string) => Promise<string | undefined>,
  /** The connected org: the keychain's secret goes only to its issuers. */
  orgUrl?: string,
): SecretResolver {
  return {
    resolve: async (variable, clientId, issuer) => {
      const fromEnvironment = env[variable];
      if (fromEnvironment !== undefined && fromEnvironment !== '') {
        return { value: fromEnvironment, from: 'environment' };
      }
      // Files naming another org's issuer (edited by hand, or someone else's) never get this
      // org's kept secret: it would be sent to that issuer's token endpoint.
      if (orgUrl !== undefined && !isSameOrigin(issuer, orgUrl)) {
        return undefined;
      }
      const kept = await keptSecret(clientId);
      return kept === undefined ? undefined : { value: kept, from: 'keychain' };
    },
  };
}

/** A verification waiting for its callback. */
export interface PreparedVerification {
  reading: TargetReading;
  authorizeUrl: string;
  /** The `state` the authorize URL sends, so the loopback listener can turn any other away. */
  state: string;
  contentHash: string;
  /** The names of the files read, for the record of verifications. */
  fileNames: string[];
  /** Checks made before the sign-in (parse, discovery, scopes). */
  checks: VerificationCheck[];
  /** Redeems the callback with the files' values and checks the tokens. */
  complete(callback: URL): Promise<VerificationResult>;
}

/** A verification that failed before the sign-in could begin, with every check made. */
export class VerificationStopped extends Error {
  readonly result: VerificationResult;

  constructor(result: VerificationResult) {
    super(
      result.checks
        .filter((check) => !check.ok)
        .map((check) => check.detail)
        .join(' '),
    );
    this.name = 'VerificationStopped';
    this.result = result;
  }
}

function clientAuthFor(reading: TargetReading, secret: string | undefined): oidc.ClientAuth {
  switch (reading.tokenEndpointAuthMethod) {
    case 'none':
      return oidc.None();
    case 'client_secret_post':
      return oidc.ClientSecretPost(secret);
    case 'client_secret_basic':
      return oidc.ClientSecretBasic(secret);
  }
}

function messageOf(error: unknown): string {
  // Okta's own words: an error on the redirect back (e.g. the user is not assigned) or from /token.
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `${error.error}${error.error_description === undefined ? '' : `: ${error.error_description}`}`;
  }
  // A 401 whose WWW-Authenticate header carries the error instead of the body.
  const challenged =
    error instanceof oidc.WWWAuthenticateChallengeError
      ? error.cause.find((challenge) => challenge.parameters.error !== undefined)?.parameters
      : undefined;
  if (challenged?.error !== undefined) {
    return `${challenged.error}${challenged.error_description === undefined ? '' : `: ${challenged.error_description}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Where the sign-in stopped, said before Okta's words: a refusal on the redirect back (the
 * user, the policy) and one at the token exchange (the secret, the method) are fixed in
 * different places, so whoever reads the check (the wizard, `drift --sign-in`'s fix) can tell.
 */
function failedAt(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    return ' on the redirect back from Okta';
  }
  if (
    error instanceof oidc.ResponseBodyError ||
    error instanceof oidc.WWWAuthenticateChallengeError
  ) {
    return ' at the token exchange';
  }
  return '';
}

/**
 * Reads the files with the target's reader, resolves the secret, checks discovery and scopes,
 * and builds the authorize URL; throws {@link VerificationStopped} with the failed check when
 * the sign-in cannot even begin.
 */
export async function prepareVerification(options: {
  exporter: Exporter;
  files: readonly ExportedFile[];
  secrets: SecretResolver;
  /**
   * The scopes the issuer's server defines, published in discovery or not, read through the
   * management API; `undefined` when they cannot be read (the org server, another org).
   */
  serverScopes?: (issuer: string) => Promise<readonly string[] | undefined>;
  /**
   * Who is expected to sign in, sent as `login_hint` so the sign-in page opens with the
   * username filled in; the files' values are all the sign-in uses otherwise.
   */
  loginHint?: string;
  /** The connected org: the login hint goes only to its issuers. */
  orgUrl?: string;
  now?: () => Date;
}): Promise<PreparedVerification> {
  const { exporter, files } = options;
  const now = options.now ?? (() => new Date());
  const contentHash = contentHashOf(files);
  const checks: VerificationCheck[] = [];
  const stop = (reading: TargetReading | null): never => {
    throw new VerificationStopped({
      ok: false,
      target: exporter.id,
      contentHash,
      verifiedAt: null,
      reading: reading === null ? null : readingView(reading),
      checks,
      claims: null,
    });
  };
  if (exporter.read === undefined) {
    checks.push({
      name: 'read',
      ok: false,
      detail: `${exporter.title} files cannot be read back by the console, so they cannot be verified by signing in.`,
    });
    return stop(null);
  }

  // 1. The files, parsed the way the target parses them.
  let reading: TargetReading;
  try {
    reading = exporter.read(files);
    checks.push({
      name: 'read',
      ok: true,
      detail: `Read ${files.map((file) => file.name).join(', ')} as ${exporter.title} does: issuer ${reading.issuer}, client id ${reading.clientId}, redirect URI ${reading.redirectUri}.`,
    });
  } catch (error) {
    checks.push({ name: 'read', ok: false, detail: messageOf(error) });
    return stop(null);
  }

  // 2. The secret, from where the target gets it.
  let secret: string | undefined;
  let resolvedFrom: ResolvedSecret['from'] = 'environment';
  const source = reading.clientSecret;
  if (source.kind === 'inline') {
    secret = source.value;
  } else if (source.kind === 'environment') {
    const resolved = await options.secrets.resolve(
      source.variable,
      reading.clientId,
      reading.issuer,
    );
    secret = typeof resolved === 'object' ? resolved.value : resolved;
    resolvedFrom = typeof resolved === 'object' ? resolved.from : 'environment';
    if (secret === undefined) {
      checks.push({
        name: 'secret',
        ok: false,
        detail: `The files take the client secret from ${source.variable}, which is not set here, and the console keeps no secret for client ${reading.clientId} in the keychain. Set ${source.variable} for the console, or export with the secret inline.`,
      });
      return stop(reading);
    }
  }
  if (reading.tokenEndpointAuthMethod !== 'none' && secret === undefined) {
    checks.push({
      name: 'secret',
      ok: false,
      detail: `The files say ${reading.tokenEndpointAuthMethod} but give no client secret.`,
    });
    return stop(reading);
  }
  checks.push({
    name: 'secret',
    ok: true,
    detail:
      source.kind === 'environment'
        ? resolvedFrom === 'keychain'
          ? `The files take the client secret from ${source.variable}, which is not set here: the console used the secret it keeps in the keychain for client ${reading.clientId}. Set ${source.variable} where the app runs.`
          : `The client secret resolves from ${source.variable}.`
        : source.kind === 'inline'
          ? 'The client secret is in the files.'
          : 'A public client: no client secret.',
  });

  // 3. Discovery at the exact issuer string (go-oidc targets reject any difference).
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(
      new URL(reading.issuer),
      reading.clientId,
      undefined,
      clientAuthFor(reading, secret),
      // The sandbox org is plain http on loopback; every other issuer must be https.
      isLoopbackRedirectUri(reading.issuer)
        ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback only, see above
          { execute: [oidc.allowInsecureRequests] }
        : {},
    );
    checks.push({
      name: 'discovery',
      ok: true,
      detail: `The discovery document's issuer is exactly ${reading.issuer}.`,
    });
  } catch (error) {
    checks.push({
      name: 'discovery',
      ok: false,
      detail: `Discovery at ${reading.issuer} failed: ${messageOf(error)}`,
    });
    return stop(reading);
  }
  const supported = config.serverMetadata().scopes_supported;
  const unsupported =
    supported === undefined ? [] : reading.scopes.filter((scope) => !supported.includes(scope));
  // A custom server publishes in discovery only the scopes set to `metadataPublish: ALL_CLIENTS`;
  // the setup makes its own unpublished (NO_CLIENTS), and Okta grants them all the same
  // (targets.md §14): the server's own list settles those.
  const defined =
    unsupported.length === 0
      ? undefined
      : await options.serverScopes?.(reading.issuer).catch(() => undefined);
  const unpublished = unsupported.filter((scope) => defined?.includes(scope) === true);
  const missing = unsupported.filter((scope) => !unpublished.includes(scope));
  if (missing.length > 0) {
    checks.push({
      name: 'scopes',
      ok: false,
      detail: `The server does not ${defined === undefined ? 'list' : 'define'} ${missing.join(', ')} among its scopes; the sign-in would fail with invalid_scope.`,
    });
    return stop(reading);
  }
  checks.push({
    name: 'scopes',
    ok: true,
    detail: `Every scope the files request (${reading.scopes.join(' ')}) is on the server${unpublished.length === 0 ? '' : ` (${unpublished.join(', ')} defined there but not published in its discovery document, which Okta does not require)`}.`,
  });

  // 4. The authorize URL with the files' redirect URI and scopes, PKCE S256, state and nonce.
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizeUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: reading.redirectUri,
    scope: reading.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint === undefined ||
    (options.orgUrl !== undefined && !isSameOrigin(reading.issuer, options.orgUrl))
      ? {}
      : { login_hint: options.loginHint }),
  });

  return {
    reading,
    authorizeUrl: authorizeUrl.toString(),
    state,
    contentHash,
    fileNames: files.map((file) => file.name),
    checks,
    async complete(callback) {
      const done = [...checks];
      const result = (ok: boolean, claims: Record<string, unknown> | null): VerificationResult => ({
        ok,
        target: exporter.id,
        contentHash,
        verifiedAt: ok ? now().toISOString() : null,
        reading: readingView(reading),
        checks: done,
        claims,
      });
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        done.push({
          name: 'sign-in',
          ok: false,
          detail: `The sign-in with the files' values failed${failedAt(error)}: ${messageOf(error)}`,
        });
        return result(false, null);
      }
      const claims = { ...(tokens.claims() ?? {}) } as Record<string, unknown>;
      done.push({
        name: 'sign-in',
        ok: true,
        detail: `Signed in as ${String(claims.email ?? claims.sub)}; the ID token's signature, issuer, audience, nonce and expiry verified by openid-client.`,
      });
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      const expected: [string, boolean, string][] = [
        ['issuer', claims.iss === reading.issuer, `iss is ${String(claims.iss)}`],
        [
          'audience',
          audience.includes(reading.clientId),
          `aud is ${audience.map(String).join(', ')}`,
        ],
        [
          'email',
          typeof claims.email === 'string',
          typeof claims.email === 'string'
            ? `email ${claims.email} (verified: ${String(claims.email_verified)})`
            : 'The ID token has no email claim; targets that key users on email will refuse the sign-in.',
        ],
      ];
      for (const [name, ok, detail] of expected) {
        done.push({ name, ok, detail });
      }
      // The tokens were only for the test: give them back.
      if (config.serverMetadata().revocation_endpoint !== undefined) {
        await oidc.tokenRevocation(config, tokens.access_token).catch(() => undefined);
      }
      return result(
        done.every((check) => check.ok),
        claims,
      );
    },
  };
}

/** Whether two URLs share scheme, host and port (an unparseable one shares nothing). */
function isSameOrigin(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;
}

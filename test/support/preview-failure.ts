import type { PreviewFailure } from '../../main/preview/preview-types.ts';
import { oidcHttp } from './oidc-http.ts';
import type { OidcAppUnderTest } from './oidc-setup.ts';

/**
 * A stand-in for the login preview while it is being written: one sign-in over plain HTTP, and
 * what came back turned into the {@link PreviewFailure} the preview will hand to the diagnosis.
 * Kept in this one file so the diagnosis tests can switch to the real flow by replacing it.
 */

/** What a login attempt ended with: the ID token's claims, or the failure as the preview sees it. */
export type LoginOutcome =
  { ok: true; idTokenClaims: Record<string, unknown> } | { ok: false; failure: PreviewFailure };

/** An `/authorize` answer that is not a redirect to the sign-in: Okta's page or error redirect. */
export async function failureFromAuthorize(
  response: Response,
  redirectUri: string,
): Promise<PreviewFailure | undefined> {
  if (response.status >= 400) {
    return { stage: 'authorize-page', status: response.status, pageText: await response.text() };
  }
  const location = response.headers.get('location') ?? '';
  return location.startsWith(redirectUri) ? failureFromCallback(new URL(location)) : undefined;
}

/** The redirect back to the app: `error` and `error_description` when Okta refused. */
export function failureFromCallback(url: URL): PreviewFailure | undefined {
  const error = url.searchParams.get('error');
  return error === null
    ? undefined
    : {
        stage: 'authorize-redirect',
        error,
        errorDescription: url.searchParams.get('error_description'),
      };
}

/** A `/token` answer: an OAuth error body, or Okta's own error object (unknown client). */
export function failureFromToken(answer: {
  status: number;
  body: Record<string, unknown>;
}): PreviewFailure | undefined {
  if (answer.status === 200) {
    return undefined;
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    stage: 'token',
    status: answer.status,
    error: text(answer.body.error),
    errorDescription: text(answer.body.error_description),
    errorSummary: text(answer.body.errorSummary),
  };
}

function claimsOf(jwt: unknown): Record<string, unknown> {
  const payload = typeof jwt === 'string' ? (jwt.split('.')[1] ?? '') : '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Signs in as a relying party would: the authorize request probed without following it, the
 * sign-in page, the code exchanged at `/token`, and the ID token checked for a claim the target
 * needs. Stops at the first failure.
 */
export async function tryLogin(options: {
  orgUrl: string;
  /** `{org}/oauth2` for the org authorization server, `{org}/oauth2/{id}` for a custom one. */
  base: string;
  app: OidcAppUnderTest;
  scope: string;
  pkce: boolean;
  clientAuthentication: 'client_secret_basic' | 'none';
  /** A claim the target reads from the ID token, e.g. `groups`. */
  requiredClaim?: string;
  /** The issuer the target was configured with; the ID token's `iss` must equal it. */
  expectedIssuer?: string;
}): Promise<LoginOutcome> {
  const { app, base } = options;
  const http = oidcHttp(options.orgUrl, app.redirectUri);
  const { verifier, challenge } = http.pkce();
  const params = http.codeParams(app, {
    scope: options.scope,
    ...(options.pkce ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  });
  const probe = await failureFromAuthorize(
    await fetch(http.authorizeUrl(base, params), { redirect: 'manual' }),
    app.redirectUri,
  );
  if (probe !== undefined) {
    return { ok: false, failure: probe };
  }
  const back = await http.signIn(base, app, params);
  const refused = failureFromCallback(back);
  if (refused !== undefined) {
    return { ok: false, failure: refused };
  }
  const form = {
    grant_type: 'authorization_code',
    code: back.searchParams.get('code') ?? '',
    redirect_uri: app.redirectUri,
    ...(options.pkce ? { code_verifier: verifier } : {}),
    ...(options.clientAuthentication === 'none' ? { client_id: app.clientId } : {}),
  };
  const answer = await http.token(
    base,
    form,
    options.clientAuthentication === 'none' ? {} : http.basic(app),
  );
  const tokenFailure = failureFromToken(answer);
  if (tokenFailure !== undefined) {
    return { ok: false, failure: tokenFailure };
  }
  const idTokenClaims = claimsOf(answer.body.id_token);
  if (options.expectedIssuer !== undefined && idTokenClaims.iss !== options.expectedIssuer) {
    return {
      ok: false,
      failure: {
        stage: 'id-token',
        reason: 'iss',
        detail: `The ID token's iss is not ${options.expectedIssuer}.`,
        claims: idTokenClaims,
      },
    };
  }
  if (options.requiredClaim !== undefined && !(options.requiredClaim in idTokenClaims)) {
    return {
      ok: false,
      failure: {
        stage: 'claims',
        reason: 'groups-missing',
        detail: `The ID token has no "${options.requiredClaim}" claim; it has ${Object.keys(idTokenClaims).join(', ')}.`,
      },
    };
  }
  return { ok: true, idTokenClaims };
}

import { createHash, randomBytes } from 'node:crypto';

import type { OidcAppUnderTest } from './oidc-setup.ts';

/**
 * A browser's and a back end's view of the sandbox's OAuth endpoints over plain HTTP: cookies
 * kept, redirects taken one at a time, the sign-in form posted as a person would. For tests that
 * assert each step's exact answer, where a real browser would hide them.
 */
export function oidcHttp(orgUrl: string, redirectUri: string) {
  function pkce() {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  }

  function authorizeUrl(base: string, params: Record<string, string>): string {
    return `${base}/v1/authorize?${new URLSearchParams(params).toString()}`;
  }

  /** A browser's view of a login: cookies kept, redirects seen one at a time. */
  function browserSession() {
    const jar = new Map<string, string>();
    return async (url: string, init: RequestInit = {}) => {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string> | undefined), cookie },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    };
  }

  /** Runs the authorize request and the sign-in page as a person would; returns the redirect back. */
  async function signIn(
    base: string,
    app: OidcAppUnderTest,
    params: Record<string, string>,
    password = app.user.password,
  ): Promise<URL> {
    return signInAt(authorizeUrl(base, params), app.user, password);
  }

  /**
   * What a person does in the browser after an app opened `url` (a full authorize URL): signs in
   * on the sandbox's page and follows the redirects; returns the redirect back to the app, not
   * yet followed — the caller decides whether the "browser" lands on it.
   */
  async function signInAt(
    url: string,
    user: { login: string; password: string },
    password = user.password,
  ): Promise<URL> {
    const go = browserSession();
    let response = await go(url);
    let location = response.headers.get('location') ?? '';
    if (location.includes('/signin/')) {
      const page = new URL(location, orgUrl).toString();
      response = await go(page, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: user.login, password }).toString(),
      });
      location = response.headers.get('location') ?? '';
    }
    while (!location.startsWith(redirectUri)) {
      if (location === '') {
        throw new Error(`No redirect: HTTP ${String(response.status)} ${await response.text()}`);
      }
      response = await go(new URL(location, orgUrl).toString());
      location = response.headers.get('location') ?? '';
    }
    return new URL(location);
  }

  function codeParams(app: OidcAppUnderTest, extra: Record<string, string> = {}) {
    return {
      client_id: app.clientId,
      response_type: 'code',
      scope: 'openid profile email',
      redirect_uri: redirectUri,
      state: 'state-1',
      nonce: 'nonce-1',
      ...extra,
    };
  }

  async function token(
    base: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${base}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function basic(app: OidcAppUnderTest, secret = app.clientSecret ?? '') {
    return {
      authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`,
    };
  }

  return { pkce, authorizeUrl, browserSession, signIn, signInAt, codeParams, token, basic };
}

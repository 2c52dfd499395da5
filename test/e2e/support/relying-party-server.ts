import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ROOT } from '../../support/processes.ts';

/**
 * The page an SPA would be: it loads `@okta/okta-auth-js` (its published browser build), signs
 * in with `token.getWithRedirect` (authorization code + PKCE), and on the callback parses the
 * tokens with `token.parseFromUrl` — which verifies the ID token's signature, issuer, audience and
 * nonce — then verifies the ID token once more with `token.verify` and shows the result.
 */
const AUTH_JS_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>auth-js relying party</title>
<script src="/okta-auth-js.min.js"></script></head>
<body data-state="loading"><main><h1>auth-js relying party</h1><pre id="result"></pre></main>
<script>
(async () => {
  const show = (state, value) => {
    document.getElementById('result').textContent = JSON.stringify(value, null, 2);
    document.body.dataset.state = state;
  };
  try {
    const params = new URLSearchParams(location.search);
    if (location.pathname.endsWith('/start')) {
      sessionStorage.setItem('rp-config', JSON.stringify({
        issuer: params.get('issuer'), clientId: params.get('clientId'),
      }));
    }
    const config = JSON.parse(sessionStorage.getItem('rp-config'));
    const authClient = new OktaAuth({
      issuer: config.issuer,
      clientId: config.clientId,
      redirectUri: location.origin + '/auth-js/callback',
      pkce: true,
      scopes: ['openid', 'profile', 'email'],
    });
    if (location.pathname.endsWith('/start')) {
      await authClient.token.getWithRedirect({ state: crypto.randomUUID() });
      return;
    }
    const { tokens } = await authClient.token.parseFromUrl();
    const verified = await authClient.token.verify(tokens.idToken);
    const parts = tokens.idToken.idToken.split('.');
    const forged = parts[0] + '.' + parts[1] + '.' + parts[2].slice(0, -4) + (parts[2].endsWith('AAAA') ? 'BBBB' : 'AAAA');
    let forgedRejected = false;
    try {
      await authClient.token.verify({ ...tokens.idToken, idToken: forged });
    } catch (error) {
      forgedRejected = String(error.message || error);
    }
    const userinfo = await authClient.token.getUserInfo(tokens.accessToken, tokens.idToken);
    show('done', {
      idTokenClaims: verified.claims,
      accessTokenClaims: tokens.accessToken.claims,
      forgedRejected,
      userinfo,
    });
  } catch (error) {
    show('error', { name: error.name, message: error.message, errorCode: error.errorCode, errorSummary: error.errorSummary });
  }
})();
</script></body></html>`;

/** A relying party's pages on their own loopback origin, as a browser app or web app would be. */
export async function startRelyingPartyServer(): Promise<{
  origin: string;
  close(): Promise<void>;
}> {
  const authJs = readFileSync(`${ROOT}/node_modules/@okta/okta-auth-js/dist/okta-auth-js.min.js`);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://relying-party.invalid').pathname;
    if (path === '/okta-auth-js.min.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      response.end(authJs);
    } else if (path === '/auth-js/start' || path === '/auth-js/callback') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(AUTH_JS_PAGE);
    } else if (
      path === '/web/callback' ||
      // Kestra's (Micronaut) and Kaimu's callbacks, for apps the wizard sets up.
      /^\/oauth\/callback\/[^/]+$/.test(path) ||
      /^\/auth\/oidc\/[^/]+\/callback$/.test(path)
    ) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(
        '<!DOCTYPE html><html lang="en"><head><title>Callback</title></head><body><main><h1>Back at the app</h1></main></body></html>',
      );
    } else if (path === '/web/signed-out') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(
        '<!DOCTYPE html><html lang="en"><head><title>Signed out</title></head><body><main><h1>Signed out</h1></main></body></html>',
      );
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

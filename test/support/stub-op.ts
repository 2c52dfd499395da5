import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/**
 * The one way a {@link startStubOp} OP misbehaves (security.md §4 and "Further negative
 * checks"); `none` is the conformant happy path.
 */
export type Misbehaviour =
  | 'none'
  | 'nonce-invalid'
  | 'aud-wrong'
  | 'aud-missing'
  | 'aud-extra'
  | 'alg-none'
  | 'alg-hs256'
  | 'iss-mismatch'
  | 'bad-signature'
  | 'iat-missing'
  | 'sub-missing'
  | 'exp-past'
  | 'userinfo-sub'
  | 'kid-absent'
  | 'basic-required'
  | 'unknown-kid'
  | 'jwks-5xx'
  | 'jwks-enc-only'
  | 'no-id-token'
  | 'token-type'
  | 'no-s256';

/** A running stub OP and what it saw. */
export interface StubOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** How many requests each endpoint answered. */
  counts: Record<'authorize' | 'token' | 'userinfo' | 'jwks', number>;
  /** The `Authorization` scheme and the query keys of each userinfo request. */
  userinfoRequests: { scheme: string | null; queryKeys: string[] }[];
  close(): Promise<void>;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A small OpenID Provider for the RP certification cases: discovery, an auto-approving
 * `/authorize` (through a `/login` hop, like Okta's sign-in page, so the preview's pre-flight sees
 * a redirect to a sign-in page), `/token` with PKCE and client authentication, `/userinfo` that
 * takes only a Bearer header, and `/jwks`. Real RS256 keys and signatures (jose), so the RP's
 * checks meet real cryptography; it misbehaves in exactly the one way it is started with.
 */
export async function startStubOp(misbehaviour: Misbehaviour = 'none'): Promise<StubOp> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'stub-key-1', alg: 'RS256', use: 'sig' };
  const clientId = 'stub-client';
  const clientSecret = 'stub secret:with/odd+chars';
  const subject = 'user-1';
  const codes = new Map<
    string,
    { redirectUri: string; challenge: string; nonce: string; scope: string }
  >();
  const transactions = new Map<string, { redirectUri: string; state: string; code: string }>();
  const accessTokens = new Set<string>();
  const counts = { authorize: 0, token: 0, userinfo: 0, jwks: 0 };
  const userinfoRequests: StubOp['userinfoRequests'] = [];
  let issuer = '';

  async function idToken(nonce: string, accessToken: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const digest = createHash('sha256').update(accessToken).digest();
    const claims: JWTPayload & Record<string, unknown> = {
      iss: misbehaviour === 'iss-mismatch' ? `${issuer}/elsewhere` : issuer,
      sub: subject,
      aud:
        misbehaviour === 'aud-wrong'
          ? 'someone-else'
          : misbehaviour === 'aud-extra'
            ? [clientId, 'another-client']
            : clientId,
      iat: misbehaviour === 'exp-past' ? now - 7200 : now,
      exp: misbehaviour === 'exp-past' ? now - 3600 : now + 3600,
      nonce: misbehaviour === 'nonce-invalid' ? 'not-the-nonce' : nonce,
      at_hash: base64url(digest.subarray(0, 16)),
      email: 'ada@example.com',
    };
    if (misbehaviour === 'aud-missing') {
      delete claims.aud;
    }
    if (misbehaviour === 'iat-missing') {
      delete claims.iat;
    }
    if (misbehaviour === 'sub-missing') {
      delete claims.sub;
    }
    if (misbehaviour === 'alg-none') {
      return `${base64url(JSON.stringify({ alg: 'none' }))}.${base64url(JSON.stringify(claims))}.`;
    }
    if (misbehaviour === 'alg-hs256') {
      // The classic confusion: HMAC keyed with the public key's bytes.
      const key = new TextEncoder().encode(JSON.stringify(jwk));
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).sign(key);
    }
    const header =
      misbehaviour === 'kid-absent'
        ? { alg: 'RS256' }
        : { alg: 'RS256', kid: misbehaviour === 'unknown-kid' ? 'rotated-away' : jwk.kid };
    const token = await new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
    if (misbehaviour === 'bad-signature') {
      const [head, body, signature = ''] = token.split('.');
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return `${head ?? ''}.${body ?? ''}.${bytes.toString('base64url')}`;
    }
    return token;
  }

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', issuer);
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      const redirect = (location: string) => {
        response.writeHead(302, { Location: location });
        response.end();
      };
      const path = url.pathname.replace(/^\/oauth2\/stub/, '');
      if (path === '/.well-known/openid-configuration') {
        json(200, {
          issuer,
          authorization_endpoint: `${issuer}/v1/authorize`,
          token_endpoint: `${issuer}/v1/token`,
          userinfo_endpoint: `${issuer}/v1/userinfo`,
          jwks_uri: `${issuer}/v1/keys`,
          response_types_supported: ['code'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported:
            misbehaviour === 'basic-required'
              ? ['client_secret_basic']
              : ['client_secret_basic', 'client_secret_post', 'none'],
          code_challenge_methods_supported: misbehaviour === 'no-s256' ? ['plain'] : ['S256'],
        });
      } else if (path === '/v1/authorize') {
        counts.authorize += 1;
        const params = url.searchParams;
        if (
          params.get('client_id') !== clientId ||
          params.get('response_type') !== 'code' ||
          params.get('code_challenge_method') !== 'S256'
        ) {
          response.writeHead(400, { 'Content-Type': 'text/html' });
          response.end('<html><body><h1>400 Bad Request</h1></body></html>');
          return;
        }
        const code = randomBytes(16).toString('hex');
        const redirectUri = params.get('redirect_uri') ?? '';
        codes.set(code, {
          redirectUri,
          challenge: params.get('code_challenge') ?? '',
          nonce: params.get('nonce') ?? '',
          scope: params.get('scope') ?? '',
        });
        const tx = randomBytes(8).toString('hex');
        transactions.set(tx, { redirectUri, state: params.get('state') ?? '', code });
        redirect(`/login?tx=${tx}`);
      } else if (path === '/login') {
        const tx = transactions.get(url.searchParams.get('tx') ?? '');
        if (tx === undefined) {
          response.writeHead(404);
          response.end();
          return;
        }
        const back = new URL(tx.redirectUri);
        back.searchParams.set('code', tx.code);
        back.searchParams.set('state', tx.state);
        redirect(back.toString());
      } else if (path === '/v1/token' && request.method === 'POST') {
        counts.token += 1;
        const form = await readForm(request);
        const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        if (basic !== undefined) {
          const [rawId = '', rawSecret = ''] = Buffer.from(basic, 'base64')
            .toString('utf8')
            .split(':');
          id = decodeURIComponent(rawId.replaceAll('+', ' '));
          secret = decodeURIComponent(rawSecret.replaceAll('+', ' '));
        }
        const basicOnlyViolated = misbehaviour === 'basic-required' && basic === undefined;
        if (id !== clientId || secret !== clientSecret || basicOnlyViolated) {
          json(401, {
            error: 'invalid_client',
            error_description: 'Client authentication failed.',
          });
          return;
        }
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          grant?.redirectUri !== form.get('redirect_uri') ||
          base64url(createHash('sha256').update(verifier).digest()) !== grant.challenge
        ) {
          json(400, {
            error: 'invalid_grant',
            error_description: 'The authorization code is invalid or has expired.',
          });
          return;
        }
        const accessToken = randomBytes(24).toString('base64url');
        accessTokens.add(accessToken);
        json(200, {
          token_type: misbehaviour === 'token-type' ? 'MAC' : 'Bearer',
          expires_in: 3600,
          access_token: accessToken,
          scope: grant.scope,
          ...(misbehaviour === 'no-id-token'
            ? {}
            : { id_token: await idToken(grant.nonce, accessToken) }),
        });
      } else if (path === '/v1/userinfo') {
        counts.userinfo += 1;
        const header = request.headers.authorization ?? null;
        userinfoRequests.push({
          scheme: header?.split(' ')[0] ?? null,
          queryKeys: [...url.searchParams.keys()],
        });
        const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
        if (token === undefined || !accessTokens.has(token)) {
          json(
            401,
            { error: 'invalid_token' },
            { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
          );
          return;
        }
        json(200, {
          sub: misbehaviour === 'userinfo-sub' ? 'user-2' : subject,
          email: 'ada@example.com',
        });
      } else if (path === '/v1/keys') {
        counts.jwks += 1;
        if (misbehaviour === 'jwks-5xx') {
          json(503, { error: 'temporarily_unavailable' });
          return;
        }
        json(200, { keys: [misbehaviour === 'jwks-enc-only' ? { ...jwk, use: 'enc' } : jwk] });
      } else {
        response.writeHead(404);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${String(port)}/oauth2/stub`;
  return {
    issuer,
    clientId,
    clientSecret,
    counts,
    userinfoRequests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

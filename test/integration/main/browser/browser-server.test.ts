import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCsp } from '../../../../main/windows/csp.ts';
import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';

/**
 * `npm start -- --browser` as a user runs it, probed the way another page or process on the
 * same machine could: without the token, from another site's page, through a rebinding DNS name.
 */
let consoleProcess: CapturedProcess;
let entryUrl: string;
let origin: string;
let host: string;
let prefix: string;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, because fetch refuses to set a Host header. */
function rawRequest(options: {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(origin).port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: { Host: host, ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A contract call as the console page makes it, with overrides for each probe. */
function callContract(
  channel: string,
  overrides: { path?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return rawRequest({
    path: overrides.path ?? `${prefix}api/call/${channel}`,
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/json', ...overrides.headers },
    body: overrides.body ?? '{}',
  });
}

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'browser-mode-it-'));
  consoleProcess = startNodeScript('main/launcher.ts', [
    '--browser',
    '--no-open',
    '--port',
    '0',
    '--user-data-dir',
    dataDir,
  ]);
  const line = await consoleProcess.waitForLine(/running in browser mode at http:\/\/127\.0\.0\.1/);
  entryUrl = /(http:\/\/\S+)/.exec(line)?.[1] ?? '';
  origin = new URL(entryUrl).origin;
  host = new URL(entryUrl).host;
  prefix = new URL(entryUrl).pathname;
});

afterAll(async () => {
  await consoleProcess.stop();
});

describe('npm start -- --browser', () => {
  it('prints one URL on 127.0.0.1 whose path carries a 256-bit per-launch token', () => {
    expect(entryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{43}\/$/);
  });

  it('serves the console under the token path, with the CSP and no cookie', async () => {
    const page = await rawRequest({ path: prefix });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.body).toMatch(/src="\.\/assets\//);
    // The whole policy, pinned directive by directive in csp.test.ts.
    expect(page.headers['content-security-policy']).toBe(buildCsp('http'));
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest({ path: prefix.slice(0, -1) })).status).toBe(308);
  });

  it('serves a contract call from the console’s own origin', async () => {
    const response = await callContract('app:get-info');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, data: { mode: 'browser' } });
  });

  it.each([
    ['no token', (path: string) => path.replace(prefix, '/')],
    ['a wrong token', (path: string) => path.replace(prefix, '/s/guess/')],
    [
      'a token of the right length but wrong',
      (path: string) => path.replace(prefix, `/s/${'A'.repeat(43)}/`),
    ],
  ])('refuses every kind of request with %s (401)', async (_name, rewrite) => {
    for (const probe of [
      { path: rewrite(prefix) },
      { path: rewrite(`${prefix}index.html`) },
      { path: rewrite(`${prefix}api/events`) },
      {
        path: rewrite(`${prefix}api/call/profiles:list`),
        method: 'POST',
        body: '{}',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
      },
    ]) {
      const response = await rawRequest(probe);
      expect(response.status, probe.path).toBe(401);
      expect(response.body).not.toContain('profiles');
    }
  });

  it('refuses a request from a foreign Origin even with the token (403)', async () => {
    const response = await callContract('profiles:list', {
      headers: { Origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('profiles');
    expect(
      (await rawRequest({ path: `${prefix}api/events`, headers: { Origin: 'null' } })).status,
    ).toBe(403);
  });

  it.each(['evil.example', 'evil.example:80', 'localhost', '127.0.0.1', '127.0.0.2'])(
    'refuses a foreign Host header %s even with the token (DNS rebinding, 403)',
    async (foreignHost) => {
      const response = await rawRequest({ path: prefix, headers: { Host: foreignHost } });
      expect(response.status).toBe(403);
      const call = await callContract('profiles:list', { headers: { Host: foreignHost } });
      expect(call.status).toBe(403);
    },
  );

  it('refuses contract calls without an Origin, with another method or content type, or a malformed channel', async () => {
    expect(
      (
        await rawRequest({
          path: `${prefix}api/call/profiles:list`,
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect(
      (await rawRequest({ path: `${prefix}api/call/profiles:list`, headers: { Origin: origin } }))
        .status,
    ).toBe(405);
    expect(
      (
        await rawRequest({
          path: `${prefix}api/call/profiles:list`,
          method: 'HEAD',
          headers: { Origin: origin },
        })
      ).status,
    ).toBe(405);
    expect(
      (await callContract('profiles:list', { headers: { 'Content-Type': 'text/plain' } })).status,
    ).toBe(415);
    expect((await callContract('%E0%A4%A')).status).toBe(400);
    expect((await callContract('profiles:list', { body: '{not json' })).status).toBe(400);
  });

  it('takes JSON only as exactly application/json, parameters allowed', async () => {
    for (const contentType of ['application/json-evil', 'application/jsonp', 'text/json']) {
      expect(
        (await callContract('profiles:list', { headers: { 'Content-Type': contentType } })).status,
      ).toBe(415);
    }
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON']) {
      expect(
        (await callContract('profiles:list', { headers: { 'Content-Type': contentType } })).status,
      ).toBe(200);
    }
  });

  it('answers the next request at once after refusing a body over 8 MB on the same connection', async () => {
    // One socket, kept alive: what a browser (or curl with two URLs) does.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            agent,
            host: '127.0.0.1',
            port: new URL(origin).port,
            path: `${prefix}api/call/profiles:list`,
            method: 'POST',
            headers: { Host: host, Origin: origin, 'Content-Type': 'application/json' },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () => {
              resolve({ status: response.statusCode ?? 0, body: text });
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const oversized = await send(`{"x":"${'a'.repeat(9_000_000)}"}`);
      expect(oversized.status).toBe(413);
      const next = await send('{}');
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toMatchObject({ ok: true });
    } finally {
      agent.destroy();
    }
  });

  it('cuts an unknown channel name short in its answer', async () => {
    const long = `x${'y'.repeat(5000)}`;
    const response = await callContract(long);
    const answer = JSON.parse(response.body) as { error: { message: string } };
    expect(answer.error.message).toContain('(5001 characters)');
    expect(answer.error.message.length).toBeLessThan(300);
  });

  it('keeps at most a few event streams open at once', async () => {
    const opened: { destroy(): void }[] = [];
    const open = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: new URL(origin).port,
            path: `${prefix}api/events`,
            headers: { Host: host, Origin: origin },
          },
          (response) => {
            opened.push(req);
            resolve(response.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const statuses: number[] = [];
      for (let stream = 0; stream < 6; stream += 1) {
        statuses.push(await open());
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      for (const stream of opened) {
        stream.destroy();
      }
    }
  });

  it('answers a request that breaks the contract with INVALID_REQUEST', async () => {
    const response = await callContract('profiles:switch', {
      body: JSON.stringify({ profileId: { $ne: null } }),
    });
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it.each([
    ['https://acme-admin.okta.com', 'ORG_URL_ADMIN_DOMAIN'],
    ['https://{yourOktaDomain}', 'ORG_URL_PLACEHOLDER'],
    ['http://acme.okta.com', 'ORG_URL_INSECURE'],
    ['https://acme.okta.com/oauth2/default', 'ORG_URL_HAS_PATH'],
    ['https://acme okta.com', 'ORG_URL_MALFORMED'],
  ])(
    'main refuses the org URL %s by itself (%s), whatever the page checked',
    async (orgUrl, code) => {
      const response = await callContract('profiles:add', {
        body: JSON.stringify({ orgUrl, apiToken: 'x' }),
      });
      expect(JSON.parse(response.body)).toMatchObject({
        ok: false,
        error: { code, field: 'orgUrl' },
      });
    },
  );

  it('refuses path traversal out of the renderer folder', async () => {
    // The first is refused by the asset resolver (400); in the second the URL parser folds the
    // dot segments first, which takes the path out of the token prefix (401). Either way: no file.
    for (const [path, status] of [
      [`${prefix}..%2f..%2fpackage.json`, 400],
      [`${prefix}%2e%2e/%2e%2e/package.json`, 401],
    ] as const) {
      const response = await rawRequest({ path });
      expect(response.status, path).toBe(status);
      expect(response.body).not.toContain('sso-setup-console');
    }
  });
});

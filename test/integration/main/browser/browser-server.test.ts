import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';

/**
 * `npm start -- --browser` as a user runs it, probed like an attacker on the same machine
 * would: without the token, from another site's page, and through a rebinding DNS name.
 */
let consoleProcess: CapturedProcess;
let entryUrl: string;
let origin: string;
let token: string;

/** A raw HTTP request, because fetch refuses to set a Host header. */
function rawRequest(options: {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: options.headers,
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
  token = new URL(entryUrl).searchParams.get('token') ?? '';
});

afterAll(async () => {
  await consoleProcess.stop();
});

const json = { 'Content-Type': 'application/json' };

describe('npm start -- --browser', () => {
  it('prints one URL on 127.0.0.1 with a 256-bit per-launch token', () => {
    expect(entryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('trades the entry token for an HttpOnly, SameSite=Strict cookie and drops it from the URL', async () => {
    const entry = await rawRequest({
      path: `/?token=${token}`,
      headers: { Host: new URL(origin).host },
    });
    expect(entry.status).toBe(303);
    expect(entry.headers.location).toBe('/');
    expect(String(entry.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    const page = await rawRequest({
      path: '/',
      headers: { Host: new URL(origin).host, Cookie: `sso_console_session=${token}` },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves a contract call with the token from the console’s own origin', async () => {
    const response = await rawRequest({
      path: '/api/call/app:get-info',
      method: 'POST',
      headers: {
        Host: new URL(origin).host,
        Origin: origin,
        'X-SSO-Console-Token': token,
        ...json,
      },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, data: { mode: 'browser' } });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { 'X-SSO-Console-Token': 'guess' }],
    ['a wrong cookie', { Cookie: 'sso_console_session=guess' }],
  ])('refuses a request with %s (401)', async (_name, headers) => {
    for (const probe of [
      { path: '/' },
      {
        path: '/api/call/profiles:list',
        method: 'POST',
        body: '{}',
        headers: { Origin: origin, ...json },
      },
      { path: '/api/events' },
    ]) {
      const response = await rawRequest({
        ...probe,
        headers: { Host: new URL(origin).host, ...probe.headers, ...headers },
      });
      expect(response.status, probe.path).toBe(401);
    }
    expect(
      (await rawRequest({ path: '/?token=guess', headers: { Host: new URL(origin).host } })).status,
    ).toBe(401);
  });

  it('refuses a request from a foreign Origin even with the token (403)', async () => {
    const response = await rawRequest({
      path: '/api/call/profiles:list',
      method: 'POST',
      headers: {
        Host: new URL(origin).host,
        Origin: 'http://evil.example',
        'X-SSO-Console-Token': token,
        ...json,
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('profiles');
  });

  it.each([
    'evil.example',
    `evil.example:${new URL('http://127.0.0.1:1').port}`,
    'localhost',
    '127.0.0.1',
  ])('refuses a foreign Host header %s even with the token (DNS rebinding, 403)', async (host) => {
    const response = await rawRequest({
      path: '/',
      headers: { Host: host, 'X-SSO-Console-Token': token },
    });
    expect(response.status).toBe(403);
  });

  it('refuses contract calls without an Origin, with another method or content type', async () => {
    const host = new URL(origin).host;
    const withToken = { Host: host, 'X-SSO-Console-Token': token };
    expect(
      (
        await rawRequest({
          path: '/api/call/profiles:list',
          method: 'POST',
          headers: { ...withToken, ...json },
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await rawRequest({
          path: '/api/call/profiles:list',
          headers: { ...withToken, Origin: origin },
        })
      ).status,
    ).toBe(405);
    expect(
      (
        await rawRequest({
          path: '/api/call/profiles:list',
          method: 'POST',
          headers: { ...withToken, Origin: origin, 'Content-Type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
  });

  it('answers a request that breaks the contract with INVALID_REQUEST', async () => {
    const response = await rawRequest({
      path: '/api/call/profiles:switch',
      method: 'POST',
      headers: {
        Host: new URL(origin).host,
        Origin: origin,
        'X-SSO-Console-Token': token,
        ...json,
      },
      body: JSON.stringify({ profileId: { $ne: null } }),
    });
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('refuses path traversal out of the renderer folder', async () => {
    const response = await rawRequest({
      path: '/..%2f..%2fpackage.json',
      headers: { Host: new URL(origin).host, 'X-SSO-Console-Token': token },
    });
    expect(response.status).toBe(400);
  });
});

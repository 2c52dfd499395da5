import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';

/**
 * The sandbox is a server on 127.0.0.1 that every page in every browser on the machine can reach,
 * and its demo users share a documented password: through DNS rebinding (a foreign name that
 * now resolves to 127.0.0.1), a web page could sign in or call the control API. The name such a
 * page sends as `Host` gives it away.
 */
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
});
afterAll(async () => {
  await sandbox.close();
});

/** A request with the given Host header (fetch will not set one). */
function withHost(host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(sandbox.orgUrl).port,
        path,
        headers: { Host: host, ...headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the sandbox’s Host check', () => {
  const port = () => new URL(sandbox.orgUrl).port;

  it.each([
    ['/.well-known/openid-configuration'],
    ['/oauth2/v1/authorize?client_id=x'],
    ['/api/v1/users/me'],
    ['/__sandbox/faults'],
  ])('refuses %s from a rebound name', async (path) => {
    const answer = await withHost(`attacker.example:${port()}`, path, {
      Authorization: `SSWS ${sandbox.apiToken}`,
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'foreign_host' });
  });

  it.each([['127.0.0.1'], ['localhost'], ['LOCALHOST']])(
    'answers its own name %s (localhost plays the org’s custom domain)',
    async (name) => {
      const answer = await withHost(`${name}:${port()}`, '/.well-known/openid-configuration');
      expect(answer.status).toBe(200);
    },
  );

  it('refuses its own address on another port, as a page on another server would send it', async () => {
    expect((await withHost('127.0.0.1:1', '/.well-known/openid-configuration')).status).toBe(403);
  });
});

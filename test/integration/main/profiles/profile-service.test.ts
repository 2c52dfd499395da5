import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createEmbeddedSandbox } from '../../../../main/composition/embedded-sandbox.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import type { RequestSchedulerOptions } from '../../../../main/okta/request-scheduler.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSandboxToken, injectSandboxFault } from '../../../support/sandbox-control.ts';

/** The real service: real SDK over HTTP to the real sandbox, real keychain, real files. */
const secrets = new KeytarSecretStore({ service: `sso-setup-console-test-${randomUUID()}` });
let sandbox: RunningSandbox;
const embedded = createEmbeddedSandbox();
const logLines: string[] = [];

function newService(rateLimits?: RequestSchedulerOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'profiles-it-'));
  const service = createProfileService({
    repository: createFileProfileRepository(dataDir),
    secrets,
    createClient: (credentials) =>
      createOktaClient({
        ...credentials,
        requestTimeoutMs: 10_000,
        ...(rateLimits === undefined ? {} : { rateLimits }),
      }),
    sandbox: embedded,
    emitProgress: () => undefined,
    logger: createLogger({ write: (line) => logLines.push(line), minLevel: 'debug' }),
  });
  return { service, dataDir };
}

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterEach(async () => {
  for (const account of await secrets.listAccounts()) {
    await secrets.delete(account);
  }
});

afterAll(async () => {
  await sandbox.close();
  await embedded.stop();
});

describe('connecting an org with the real SDK and keychain', () => {
  it('verifies, keeps the token in the keychain only, and reports owner, org and roles', async () => {
    const { service, dataDir } = newService();
    const profile = await service.add({
      orgUrl: sandbox.orgUrl,
      apiToken: sandbox.apiToken,
      label: 'Sandbox via URL',
    });
    expect(profile).toMatchObject({
      kind: 'okta',
      orgUrl: sandbox.orgUrl,
      orgName: 'SSO Console Sandbox',
      owner: { login: 'admin@sandbox.example', displayName: 'Sandbox Admin' },
      adminRoles: ['SUPER_ADMIN'],
      tokenHint: sandbox.apiToken.slice(-4),
    });
    expect(await secrets.get(sandbox.orgUrl)).toBe(sandbox.apiToken);
    expect(await readFile(path.join(dataDir, 'profiles.json'), 'utf8')).not.toContain(
      sandbox.apiToken,
    );
    expect(await service.getCredentials(profile.id)).toEqual({
      orgUrl: sandbox.orgUrl,
      token: sandbox.apiToken,
    });
    expect(logLines.join('\n')).not.toContain(sandbox.apiToken);

    await service.remove(profile.id);
    expect(await secrets.get(sandbox.orgUrl)).toBeNull();
  });

  it('reports roles as unreadable for an application admin, and still connects', async () => {
    const appAdmin = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['APP_ADMIN']);
    const profile = await newService().service.add({ orgUrl: sandbox.orgUrl, apiToken: appAdmin });
    expect(profile.adminRoles).toBeNull();
    const orgAdmin = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, [
      'ORG_ADMIN',
      'APP_ADMIN',
    ]);
    expect(
      (await newService().service.add({ orgUrl: sandbox.orgUrl, apiToken: orgAdmin })).adminRoles,
    ).toEqual(['ORG_ADMIN', 'APP_ADMIN']);
  });

  it.each([
    ['an invalid token', () => `00${'q'.repeat(40)}`, 'TOKEN_INVALID', 'apiToken'],
    [
      'a token without admin roles',
      () => createSandboxToken(sandbox.orgUrl, sandbox.apiToken, []),
      'PERMISSION_DENIED',
      'apiToken',
    ],
  ])('refuses %s and saves nothing', async (_name, token, code, field) => {
    const { service } = newService();
    await expect(
      service.add({ orgUrl: sandbox.orgUrl, apiToken: await token() }),
    ).rejects.toMatchObject({ code, field });
    expect((await service.list()).profiles).toEqual([]);
    expect(await secrets.listAccounts()).toEqual([]);
  });

  /** Okta's next three answers to the connection's first read are 429s. */
  function threeTooManyRequests(resetSeconds: number | null) {
    return injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/users/me',
      status: 429,
      times: 3,
      resetSeconds,
    });
  }

  it.each([
    ['with X-Rate-Limit-Reset', 0],
    ['without X-Rate-Limit-Reset (the SDK alone gave up at once)', null],
  ])('rides out a short 429 storm %s and connects', async (_name, resetSeconds) => {
    await threeTooManyRequests(resetSeconds);
    const { service } = newService();
    const profile = await service.add({ orgUrl: sandbox.orgUrl, apiToken: sandbox.apiToken });
    expect(profile.owner.login).toBe('admin@sandbox.example');
    await service.remove(profile.id);
  });

  it.each([
    ['a 429 storm longer than the console retries', 0, 'RATE_LIMITED', 2],
    ['a 429 whose reset is further away than any Okta window', 120, 'next call at', 8],
    ['a 429 storm without X-Rate-Limit-Reset, past the retries', null, 'RATE_LIMITED', 2],
  ])('reports RATE_LIMITED for %s', async (_name, resetSeconds, text, max429Retries) => {
    await threeTooManyRequests(resetSeconds);
    const failure = newService({ max429Retries, backoffBaseMs: 50 }).service.add({
      orgUrl: sandbox.orgUrl,
      apiToken: sandbox.apiToken,
    });
    await expect(failure).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(failure).rejects.toSatisfy((error: Error) =>
      `RATE_LIMITED ${error.message}`.includes(text),
    );
    await fetch(`${sandbox.orgUrl}/__sandbox/faults`, {
      method: 'DELETE',
      headers: { Authorization: `SSWS ${sandbox.apiToken}` },
    });
  });

  it('reports an org that does not answer as ORG_UNREACHABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      newService().service.add({
        orgUrl: `http://127.0.0.1:${String(port)}`,
        apiToken: sandbox.apiToken,
      }),
    ).rejects.toMatchObject({
      code: 'ORG_UNREACHABLE',
      field: 'orgUrl',
      message: expect.stringContaining('ECONNREFUSED') as string,
    });
  });

  it('stops waiting for an org that never answers when the connect is cancelled, saving nothing', async () => {
    // Takes the request and never answers.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const orgUrl = `http://127.0.0.1:${String(port)}`;
    const { service } = newService();
    try {
      const connecting = service.add({ orgUrl, apiToken: sandbox.apiToken, operationId: 'op-1' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(service.cancelConnect('op-1')).toBe(true);
      await expect(connecting).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(service.cancelConnect('op-1')).toBe(false);
      expect((await service.list()).profiles).toEqual([]);
      expect(await secrets.get(orgUrl)).toBeNull();
      // A cancel that overtakes the connect (still checking the keychain) is not lost.
      expect(service.cancelConnect('op-2')).toBe(false);
      await expect(
        service.add({ orgUrl, apiToken: sandbox.apiToken, operationId: 'op-2' }),
      ).rejects.toMatchObject({ code: 'CANCELLED' });
      // The queue of profile changes is free at once, not after the request's timeout.
      const sandboxProfile = await service.addSandbox();
      expect(sandboxProfile.kind).toBe('sandbox');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('reports a web server that is not Okta as ORG_NOT_OKTA', async () => {
    const notOkta: Server = createServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/html' });
      response.end('<html><body>Welcome to nginx</body></html>');
    });
    await new Promise<void>((resolve) => notOkta.listen(0, '127.0.0.1', resolve));
    const { port } = notOkta.address() as AddressInfo;
    try {
      await expect(
        newService().service.add({
          orgUrl: `http://127.0.0.1:${String(port)}`,
          apiToken: sandbox.apiToken,
        }),
      ).rejects.toMatchObject({ code: 'ORG_NOT_OKTA' });
    } finally {
      await new Promise((resolve) => notOkta.close(resolve));
    }
  });
});

describe('the embedded sandbox org', () => {
  it('starts on first use and connects without touching the keychain', async () => {
    const { service } = newService();
    const profile = await service.addSandbox();
    expect(profile).toMatchObject({
      id: 'sandbox',
      kind: 'sandbox',
      tokenHint: null,
      adminRoles: ['SUPER_ADMIN'],
    });
    expect(await secrets.listAccounts()).toEqual([]);
    const credentials = await service.getCredentials('sandbox');
    expect(credentials.orgUrl).toBe(profile.orgUrl);
    expect((await service.verify('sandbox')).orgUrl).toBe(profile.orgUrl);
  });
});

import okta from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';

/**
 * The real SDK against `npm run sandbox -- --json` over HTTP: the acceptance check.
 * Configuration is passed explicitly, because the SDK otherwise merges ~/.okta/okta.yaml and
 * OKTA_CLIENT_* silently.
 */
function sdk(orgUrl: string, token: string, maxRetries = 2) {
  return new okta.Client({
    orgUrl,
    token,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
    requestExecutor: new okta.DefaultRequestExecutor({ maxRetries, requestTimeout: 20_000 }),
  });
}

let sandbox: CapturedProcess;
let orgUrl: string;
let apiToken: string;

async function control(path: string, method: string, body: unknown, token = apiToken) {
  return fetch(`${orgUrl}${path}`, {
    method,
    headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

beforeAll(async () => {
  sandbox = startNodeScript('main/sandbox/cli.ts', ['--json', '--port', '0']);
  const line = await sandbox.waitForLine(/^\{/);
  const printed = JSON.parse(line) as { orgUrl: string; apiToken: string };
  ({ orgUrl, apiToken } = printed);
});

afterAll(async () => {
  await sandbox.stop();
});

describe('npm run sandbox -- --json', () => {
  it('prints exactly one JSON line with orgUrl and apiToken, and nothing else', () => {
    expect(sandbox.stdout).toHaveLength(1);
    expect(Object.keys(JSON.parse(sandbox.stdout[0] ?? '{}') as object).sort()).toEqual([
      'apiToken',
      'orgUrl',
    ]);
    expect(orgUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(apiToken).toMatch(/^00[A-Za-z0-9_-]{40}$/);
  });

  it('answers users/me to the real SDK with the super admin', async () => {
    const me = await sdk(orgUrl, apiToken).userApi.getUser({ userId: 'me' });
    expect(me.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(me.status).toBe('ACTIVE');
    expect(me.profile?.login).toBe('admin@sandbox.example');
    const roles = [];
    for await (const role of await sdk(orgUrl, apiToken).roleAssignmentApi.listAssignedRolesForUser(
      { userId: me.id ?? '' },
    )) {
      roles.push((role as { type?: string }).type);
    }
    expect(roles).toEqual(['SUPER_ADMIN']);
    const org = await sdk(orgUrl, apiToken).orgSettingApi.getOrgSettings();
    expect(org.companyName).toBe('SSO Console Sandbox');
  });

  it('refuses a wrong token with 401 and Okta’s E0000011 error object', async () => {
    const failure = sdk(orgUrl, `00${'x'.repeat(40)}`).userApi.getUser({ userId: 'me' });
    await expect(failure).rejects.toMatchObject({
      name: 'OktaApiError',
      status: 401,
      errorCode: 'E0000011',
      errorSummary: 'Invalid token provided',
    });
    const raw = await fetch(`${orgUrl}/api/v1/users/me`, {
      headers: { Authorization: 'SSWS wrong' },
    });
    expect(raw.status).toBe(401);
    const body = (await raw.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ errorCode: 'E0000011', errorLink: 'E0000011', errorCauses: [] });
    expect(body.errorId).toMatch(/^oae[A-Za-z0-9]{22}$/);
    for (const header of [
      'date',
      'x-okta-request-id',
      'x-rate-limit-limit',
      'x-rate-limit-remaining',
      'x-rate-limit-reset',
    ]) {
      expect(raw.headers.get(header), header).not.toBeNull();
    }
  });

  it('answers E0000006 to a token whose owner has no admin role, but still users/me', async () => {
    const created = (await (
      await control('/__sandbox/api-tokens', 'POST', { adminRoles: [] })
    ).json()) as { apiToken: string };
    await expect(
      sdk(orgUrl, created.apiToken).userApi.getUser({ userId: 'me' }),
    ).resolves.toHaveProperty('id');
    await expect(
      sdk(orgUrl, created.apiToken).orgSettingApi.getOrgSettings(),
    ).rejects.toMatchObject({
      status: 403,
      errorCode: 'E0000006',
      errorSummary: 'You do not have permission to perform the requested action',
    });
  });

  it('sends a 429 with X-Rate-Limit-Reset that the SDK retries by itself', async () => {
    await control('/__sandbox/faults', 'POST', {
      method: 'GET',
      path: '/api/v1/org',
      status: 429,
      times: 1,
      resetSeconds: 0,
    });
    const org = await sdk(orgUrl, apiToken).orgSettingApi.getOrgSettings();
    expect(org.companyName).toBe('SSO Console Sandbox');
  });

  it('ends a 429 storm with E0000047 once the SDK’s retries are spent', async () => {
    await control('/__sandbox/faults', 'POST', {
      method: 'GET',
      path: '/api/v1/org',
      status: 429,
      times: 5,
      resetSeconds: 0,
    });
    await expect(sdk(orgUrl, apiToken, 1).orgSettingApi.getOrgSettings()).rejects.toMatchObject({
      status: 429,
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
    });
    expect((await control('/__sandbox/faults', 'DELETE', undefined)).status).toBe(204);
  });

  it('answers unknown paths and methods with Okta’s codes', async () => {
    const unknownPath = await fetch(`${orgUrl}/api/v1/nothing-here`, {
      headers: { Authorization: `SSWS ${apiToken}` },
    });
    expect(await unknownPath.json()).toMatchObject({ errorCode: 'E0000008' });
    const unknownUser = await fetch(`${orgUrl}/api/v1/users/00unobody`, {
      headers: { Authorization: `SSWS ${apiToken}` },
    });
    expect(unknownUser.status).toBe(404);
    expect(await unknownUser.json()).toMatchObject({
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: 00unobody (User)',
    });
    const wrongMethod = await fetch(`${orgUrl}/api/v1/org`, {
      method: 'DELETE',
      headers: { Authorization: `SSWS ${apiToken}` },
    });
    expect(await wrongMethod.json()).toMatchObject({ errorCode: 'E0000022' });
  });

  it('refuses the /__sandbox/ control API without the sandbox admin token', async () => {
    const created = (await (
      await control('/__sandbox/api-tokens', 'POST', { adminRoles: ['SUPER_ADMIN'] })
    ).json()) as { apiToken: string };
    expect((await control('/__sandbox/faults', 'DELETE', undefined, created.apiToken)).status).toBe(
      401,
    );
    expect((await fetch(`${orgUrl}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(401);
  });
});

describe('npm run sandbox with a bad --port', () => {
  it('says what is wrong and exits 2', async () => {
    const bad = startNodeScript('main/sandbox/cli.ts', ['--port', 'eighty']);
    const code = await new Promise((resolve) => bad.child.on('exit', resolve));
    expect(code).toBe(2);
    expect(bad.stderr.join('\n')).toContain('--port must be a whole number');
  });

  it('names a port that is taken', async () => {
    const port = new URL(orgUrl).port;
    const clash = startNodeScript('main/sandbox/cli.ts', ['--json', '--port', port]);
    const code = await new Promise((resolve) => clash.child.on('exit', resolve));
    expect(code).toBe(2);
    expect(clash.stderr.join('\n')).toContain(`port ${port} is already in use`);
  });
});

describe('npm run sandbox --rate-limits', () => {
  it('puts the tier’s limits and the given concurrency in force', async () => {
    const free = startNodeScript('main/sandbox/cli.ts', [
      '--json',
      '--rate-limits',
      'integrator-free',
      '--concurrency',
      '5',
    ]);
    try {
      const started = JSON.parse(await free.waitForLine(/^\{/)) as {
        orgUrl: string;
        apiToken: string;
      };
      const headers = { Authorization: `SSWS ${started.apiToken}` };
      const apps = await fetch(`${started.orgUrl}/api/v1/apps`, { headers });
      expect(apps.headers.get('x-rate-limit-limit')).toBe('20');
      const limits = await fetch(`${started.orgUrl}/__sandbox/rate-limits`, { headers });
      expect(await limits.json()).toMatchObject({
        tier: 'integrator-free',
        concurrency: 5,
        buckets: { logs: 20, 'oauth2/v1/clients': 25 },
      });
    } finally {
      await free.stop();
    }
  });

  it.each([
    [['--rate-limits', 'platinum'], '--rate-limits must be one of integrator-free, one-app'],
    [['--concurrency', 'many'], '--concurrency must be a whole number of requests from 1'],
  ])('refuses %j, says why and exits 2', async (args, message) => {
    const bad = startNodeScript('main/sandbox/cli.ts', args);
    const code = await new Promise((resolve) => bad.child.on('exit', resolve));
    expect(code).toBe(2);
    expect(bad.stderr.join('\n')).toContain(message);
  });
});

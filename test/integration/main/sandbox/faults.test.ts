import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  clearSandboxFaults,
  dropSandboxConnections,
  failSandboxAfterCommit,
  injectSandboxFault,
  listSandboxFaults,
  loseSandboxResponses,
  setSandboxClockOffset,
} from '../../../support/sandbox-control.ts';
import { collect, kestraApp, type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Fault injection through `/__sandbox/faults`, seen by the real SDK over HTTP: what a client
 * sees, and — the point of each fault — whether the change happened (proved by listing).
 */
let sandbox: RunningSandbox;
let client: OktaSdkClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
});

afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
  await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 0);
});

afterAll(async () => {
  await sandbox.close();
});

async function groupsNamed(name: string) {
  const groups = await collect(await client.groupApi.listGroups({ q: name }));
  return groups.filter((group) => group.profile?.name === name);
}

function createGroup(name: string) {
  return client.groupApi.createGroup({ group: { profile: { name } } });
}

describe('faults around a commit', () => {
  it.each([
    ['before', 503, 0],
    ['after', 502, 1],
  ] as const)('a 5xx %s commit: the group exists %s… times', async (when, status, count) => {
    const name = `${when}-commit`;
    const fault = { method: 'POST', path: '/api/v1/groups', status };
    await (when === 'after'
      ? failSandboxAfterCommit(sandbox.orgUrl, sandbox.apiToken, fault)
      : injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, fault));
    await expect(createGroup(name)).rejects.toMatchObject({
      status,
      errorCode: 'E0000009',
      errorSummary: 'Internal Server Error',
    });
    // Listing proves whether the change happened despite the error.
    expect(await groupsNamed(name)).toHaveLength(count);
  });

  it('a lost response leaves the group created while the SDK sees a network error', async () => {
    await loseSandboxResponses(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/groups',
    });
    const failure = createGroup('lost-response');
    await expect(failure).rejects.toMatchObject({ name: 'FetchError', code: 'ECONNRESET' });
    await expect(failure).rejects.not.toHaveProperty('status');
    expect(await groupsNamed('lost-response')).toHaveLength(1);
  });

  it('a dropped connection creates nothing and the SDK sees a network error', async () => {
    await dropSandboxConnections(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/groups',
    });
    await expect(createGroup('dropped')).rejects.toMatchObject({
      name: 'FetchError',
      code: 'ECONNRESET',
    });
    expect(await groupsNamed('dropped')).toEqual([]);
  });

  it('matches paths by pattern and catches exactly `times` requests', async () => {
    const created = await client.applicationApi.createApplication({
      application: kestraApp('Pattern target'),
    });
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: '*',
      path: '/api/v1/apps/*',
      status: 500,
      times: 2,
    });
    const appId = created.id ?? '';
    await expect(client.applicationApi.getApplication({ appId })).rejects.toMatchObject({
      status: 500,
    });
    expect(await listSandboxFaults(sandbox.orgUrl, sandbox.apiToken)).toMatchObject([
      { method: '*', path: '/api/v1/apps/*', status: 500, afterCommit: false, remaining: 1 },
    ]);
    // One segment only: the app's users are not caught.
    await expect(client.applicationApi.listApplicationUsers({ appId })).resolves.toBeDefined();
    await expect(client.applicationApi.getApplication({ appId })).rejects.toMatchObject({
      status: 500,
    });
    expect(await listSandboxFaults(sandbox.orgUrl, sandbox.apiToken)).toEqual([]);
    await expect(client.applicationApi.getApplication({ appId })).resolves.toHaveProperty(
      'id',
      appId,
    );
  });
});

describe('reads that have not caught up (eventual consistency)', () => {
  it('answers 404 for a new app and leaves it out of lists for the next staleReads reads', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      staleReads: 2,
    });
    const created = await client.applicationApi.createApplication({
      application: kestraApp('Eventually consistent'),
    });
    const appId = created.id ?? '';
    await expect(client.applicationApi.getApplication({ appId })).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
      errorSummary: `Not found: Resource not found: ${appId} (AppInstance)`,
    });
    const listed = await collect(await client.applicationApi.listApplications({ limit: 200 }));
    expect(listed.map((app) => app.id)).not.toContain(appId);
    // The replica has caught up.
    await expect(client.applicationApi.getApplication({ appId })).resolves.toHaveProperty(
      'id',
      appId,
    );
  });

  it('combines with a lost response: the app exists, the client cannot tell, and reads miss it', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      connection: 'lose-response',
      staleReads: 1,
    });
    await expect(
      client.applicationApi.createApplication({ application: kestraApp('Lost and stale') }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    const named = async () =>
      (await collect(await client.applicationApi.listApplications({ q: 'Lost and stale' }))).length;
    expect(await named()).toBe(0);
    expect(await named()).toBe(1);
  });
});

describe('latency and 429 storms', () => {
  it('holds a slow request while another is answered', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/groups',
      latencyMs: 1500,
    });
    const finished: string[] = [];
    const slow = collect(await client.groupApi.listGroups()).then((groups) => {
      finished.push('slow');
      return groups;
    });
    const fast = client.orgSettingApi.getOrgSettings().then(() => {
      finished.push('fast');
    });
    await Promise.all([slow, fast]);
    expect(finished).toEqual(['fast', 'slow']);
    expect((await slow).map((group) => group.profile?.name)).toContain('Everyone');
  });

  it('sends a 429 storm that the SDK rides out by itself, waiting for each Reset', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/org',
      status: 429,
      resetSeconds: 0,
      times: 2,
    });
    const org = await client.orgSettingApi.getOrgSettings();
    expect(org.companyName).toBe('SSO Console Sandbox');
    expect(await listSandboxFaults(sandbox.orgUrl, sandbox.apiToken)).toEqual([]);
  });

  it('sends 429s without X-Rate-Limit-Reset when asked, which the SDK does not retry', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/org',
      status: 429,
      resetSeconds: null,
      times: 2,
    });
    await expect(client.orgSettingApi.getOrgSettings()).rejects.toMatchObject({
      status: 429,
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
    });
    expect(await listSandboxFaults(sandbox.orgUrl, sandbox.apiToken)).toMatchObject([
      { remaining: 1, resetSeconds: null },
    ]);
  });
});

describe('the control API', () => {
  async function postFault(body: unknown) {
    const response = await fetch(`${sandbox.orgUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it.each([
    [{ path: '/api/v1/org', status: 500 }, '"method" is missing'],
    [{ method: 'GET', path: 'api/v1/org', status: 500 }, 'does not start with "/"'],
    [{ method: 'GET', path: '/api/v1/org', status: 418 }, '"status" must be 429, 500, 502'],
    [{ method: 'GET', path: '/api/v1/org' }, 'The fault does nothing'],
    [
      { method: 'GET', path: '/api/v1/org', status: 429, afterCommit: true },
      '"afterCommit" applies to a 5xx status only',
    ],
    [
      { method: 'GET', path: '/api/v1/org', connection: 'reset' },
      '"connection" must be "drop" or "lose-response"',
    ],
    [{ method: 'GET', path: '/api/v1/org', status: 500, times: 0 }, '"times" must be a whole'],
  ])('refuses %j, saying what is wrong and the shape expected', async (fault, problem) => {
    const answer = await postFault(fault);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_fault');
    expect(answer.body.message).toContain(problem);
    expect(answer.body.expected).toContain('connection: "drop" | "lose-response"');
  });

  it('refuses every control route without the sandbox admin token', async () => {
    for (const [method, path] of [
      ['GET', 'faults'],
      ['PUT', 'clock'],
      ['PUT', 'rate-limits'],
    ] as const) {
      const response = await fetch(`${sandbox.orgUrl}/__sandbox/${path}`, {
        method,
        body: method === 'PUT' ? '{}' : null,
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'sandbox_admin_token_required' });
    }
  });
});

describe('the clock offset', () => {
  it('shows in the Date header and in created timestamps', async () => {
    const dayAhead = 24 * 60 * 60;
    const before = Date.now();
    await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, dayAhead);
    const response = await fetch(`${sandbox.orgUrl}/api/v1/org`, {
      headers: { Authorization: `SSWS ${sandbox.apiToken}` },
    });
    const group = await createGroup('from-tomorrow');
    const after = Date.now();
    const date = Date.parse(response.headers.get('date') ?? '');
    const created = new Date(group.created ?? 0).getTime();
    // Each timestamp lies in [before, after] shifted by a day (Date has whole seconds).
    expect(date).toBeGreaterThanOrEqual(before + dayAhead * 1000 - 1000);
    expect(date).toBeLessThanOrEqual(after + dayAhead * 1000);
    expect(created).toBeGreaterThanOrEqual(before + dayAhead * 1000);
    expect(created).toBeLessThanOrEqual(after + dayAhead * 1000);
    expect(sandbox.clock().getTime()).toBeGreaterThanOrEqual(created);
  });

  it('refuses an offset that is not a number', async () => {
    const response = await fetch(`${sandbox.orgUrl}/__sandbox/clock`, {
      method: 'PUT',
      headers: { Authorization: `SSWS ${sandbox.apiToken}` },
      body: JSON.stringify({ offsetSeconds: '1 day' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_clock',
      expected: '{ offsetSeconds: number }',
    });
  });
});

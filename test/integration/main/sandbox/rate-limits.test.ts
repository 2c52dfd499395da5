import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  clearSandboxFaults,
  injectSandboxFault,
  listSandboxFaults,
  setSandboxRateLimits,
} from '../../../support/sandbox-control.ts';
import { collect, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Okta's per-bucket rate limits and the concurrency cap, with the realistic default tier
 * (enterprise), seen over HTTP and by the real SDK.
 */
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
  await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, 'enterprise');
});

afterAll(async () => {
  await sandbox.close();
});

function get(path: string) {
  return fetch(`${sandbox.orgUrl}${path}`, {
    headers: { Authorization: `SSWS ${sandbox.apiToken}` },
  });
}

function limitHeaders(response: Response) {
  return {
    limit: response.headers.get('x-rate-limit-limit'),
    remaining: response.headers.get('x-rate-limit-remaining'),
    reset: Number(response.headers.get('x-rate-limit-reset')),
  };
}

describe('buckets', () => {
  it('counts apps and users in separate buckets with the enterprise limits', async () => {
    const start = Math.floor(Date.now() / 1000);
    const apps1 = limitHeaders(await get('/api/v1/apps'));
    const users = limitHeaders(await get('/api/v1/users'));
    const apps2 = limitHeaders(await get('/api/v1/apps'));
    const me = limitHeaders(await get('/api/v1/users/me'));
    expect([apps1.limit, apps1.remaining]).toEqual(['100', '99']);
    expect([apps2.limit, apps2.remaining]).toEqual(['100', '98']);
    expect([users.limit, users.remaining]).toEqual(['600', '599']);
    expect([me.limit, me.remaining]).toEqual(['1000', '999']);
    // The window closes 60 s after the bucket's first request, not on the minute.
    expect(apps2.reset).toBe(apps1.reset);
    expect(apps1.reset).toBeGreaterThanOrEqual(start + 60);
    expect(apps1.reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
  });

  it('answers 429 E0000047 once a small bucket is spent, and the other buckets go on', async () => {
    const limits = await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, {
      buckets: { apps: 2 },
    });
    expect(limits).toMatchObject({ tier: 'enterprise', concurrency: 75 });
    expect(limits.buckets).toMatchObject({ apps: 2, 'apps/{id}': 600, users: 600 });
    const client = sdkClient(sandbox.orgUrl, sandbox.apiToken, { maxRetries: 0 });
    await collect(await client.applicationApi.listApplications());
    await collect(await client.applicationApi.listApplications());
    await expect(collect(await client.applicationApi.listApplications())).rejects.toMatchObject({
      status: 429,
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
      errorCauses: [],
    });
    const refused = await get('/api/v1/apps');
    expect(refused.status).toBe(429);
    const headers = limitHeaders(refused);
    expect([headers.limit, headers.remaining]).toEqual(['2', '0']);
    expect(headers.reset).toBeGreaterThan(Date.now() / 1000);
    expect((await get('/api/v1/users')).status).toBe(200);
  });

  it('refuses rate-limit settings it does not understand, saying what is expected', async () => {
    const response = await fetch(`${sandbox.orgUrl}/__sandbox/rate-limits`, {
      method: 'PUT',
      headers: { Authorization: `SSWS ${sandbox.apiToken}` },
      body: JSON.stringify({ buckets: { widgets: 5 } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; expected: string };
    expect(body.error).toBe('invalid_rate_limits');
    expect(body.message).toBe('"widgets" is not a rate-limit bucket.');
    expect(body.expected).toContain('apps/{id}');
    await expect(startSandbox({ rateLimits: 'platinum' as never })).rejects.toThrow(
      '"platinum" is not a rate-limit tier.',
    );
  });
});

describe('concurrency', () => {
  it('answers 429 with Limit 0 and Remaining 0 while the org is at its in-flight limit', async () => {
    await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, { concurrency: 2 });
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/org',
      latencyMs: 1500,
      times: 2,
    });
    const slow = [get('/api/v1/org'), get('/api/v1/org')];
    // Both slow requests have been taken by their fault: they are in flight.
    while ((await listSandboxFaults(sandbox.orgUrl, sandbox.apiToken)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const refused = await get('/api/v1/users/me');
    expect(refused.status).toBe(429);
    const headers = limitHeaders(refused);
    expect([headers.limit, headers.remaining]).toEqual(['0', '0']);
    expect(headers.reset).toBeGreaterThan(Date.now() / 1000 - 1);
    expect(await refused.json()).toMatchObject({
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
    });
    await expect(
      sdkClient(sandbox.orgUrl, sandbox.apiToken, { maxRetries: 0 }).userApi.getUser({
        userId: 'me',
      }),
    ).rejects.toMatchObject({ status: 429, errorCode: 'E0000047' });
    expect((await Promise.all(slow)).map((response) => response.status)).toEqual([200, 200]);
    expect((await get('/api/v1/users/me')).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSandboxToken } from '../../../support/sandbox-control.ts';
import {
  collect,
  type OktaSdkClient,
  sdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * API token metadata and revocation through the real SDK: a revoked token is refused with
 * E0000011 from its next request on, which is how an admin who revokes a token mid-apply looks
 * to the console.
 */
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let admin: OktaSdkClient;

beforeAll(async () => {
  sandbox = await startSandboxWithClient();
  admin = sandbox.client;
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

describe('API tokens', () => {
  it('lists token metadata, never the token', async () => {
    const tokens = await collect(await admin.apiTokenApi.listApiTokens());
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens[0]).toMatchObject({ id: expect.stringMatching(/^00T/) as string });
    expect(JSON.stringify(tokens)).not.toContain(sandbox.apiToken);
  });

  it('revokes the calling token: its next request is E0000011', async () => {
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['SUPER_ADMIN']);
    const client = sdkClient(sandbox.orgUrl, token);
    expect((await client.userApi.getUser({ userId: 'me' })).id).toBeDefined();
    await client.apiTokenApi.revokeCurrentApiToken();
    await expect(client.userApi.getUser({ userId: 'me' })).rejects.toMatchObject({
      status: 401,
      errorCode: 'E0000011',
    });
  });

  it('lets a super admin revoke another token by id, and says 404 for one it does not know', async () => {
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['APP_ADMIN']);
    const client = sdkClient(sandbox.orgUrl, token);
    const before = await collect(await admin.apiTokenApi.listApiTokens());
    const mine = await client.userApi.getUser({ userId: 'me' });
    const metadata = before.find((candidate) => candidate.userId === mine.id);
    expect(metadata?.id).toBeDefined();
    await admin.apiTokenApi.revokeApiToken({ apiTokenId: metadata?.id ?? '' });
    await expect(client.userApi.getUser({ userId: 'me' })).rejects.toMatchObject({ status: 401 });
    await expect(
      admin.apiTokenApi.revokeApiToken({ apiTokenId: metadata?.id ?? '' }),
    ).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
    // An app admin may not list the org's tokens.
    const other = sdkClient(
      sandbox.orgUrl,
      await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['APP_ADMIN']),
    );
    await expect(collect(await other.apiTokenApi.listApiTokens())).rejects.toMatchObject({
      status: 403,
    });
  });
});

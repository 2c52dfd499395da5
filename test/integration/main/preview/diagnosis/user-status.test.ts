import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient, type OktaClient } from '../../../../../main/okta/okta-client.ts';
import { readUserStatus } from '../../../../../main/preview/diagnosis/org-facts.ts';
import { type RunningSandbox, startSandbox } from '../../../../../main/sandbox/sandbox-server.ts';
import { sdkClient } from '../../../../support/sandbox-sdk.ts';
import { watchOktaRequests } from '../../../../support/watched-okta-client.ts';

/**
 * The status the preview reads before the sign-in (so a user Okta would refuse is named before
 * the browser opens), read from the demo org, which holds a user in every status.
 */

let sandbox: RunningSandbox;
let client: OktaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
});
afterAll(async () => {
  await sandbox.close();
});

describe('readUserStatus, against the sandbox org', () => {
  it.each([
    ['alice.martin@example.com', 'ACTIVE'],
    ['farah.nasser@example.com', 'STAGED'],
    ['suspended.user@example.com', 'SUSPENDED'],
    ['locked.user@example.com', 'LOCKED_OUT'],
    ['expired.user@example.com', 'PASSWORD_EXPIRED'],
    ['deprovisioned.user@example.com', 'DEPROVISIONED'],
  ])('%s is %s', async (login, status) => {
    await expect(readUserStatus(client, login)).resolves.toBe(status);
  });

  it('reads a login with characters a path must escape', async () => {
    const login = 'ada+preview/test@example.com';
    await sdkClient(sandbox.orgUrl, sandbox.apiToken).userApi.createUser({
      body: { profile: { firstName: 'Ada', lastName: 'Plus', email: 'ada@example.com', login } },
      activate: false,
    });
    await expect(readUserStatus(client, login)).resolves.toBe('STAGED');
  });

  it('an empty login, or . or .., answers null without asking the org', async () => {
    // Each would resolve to the directory's list (`/api/v1/users/`) or above it.
    const sent: string[] = [];
    const watched = watchOktaRequests(client, (url, send) => {
      sent.push(url);
      return send();
    });
    for (const login of [' ', '.', '..']) {
      await expect(readUserStatus(watched, login)).resolves.toBeNull();
    }
    expect(sent).toEqual([]);
    // The watch sees a read that is sent.
    await expect(readUserStatus(watched, 'alice.martin@example.com')).resolves.toBe('ACTIVE');
    expect(sent).toHaveLength(1);
  });

  it('a login nobody has, or one with characters a path must escape, answers null', async () => {
    await expect(readUserStatus(client, 'nobody@example.com')).resolves.toBeNull();
    await expect(readUserStatus(client, '../users/alice.martin@example.com')).resolves.toBeNull();
  });

  it('a token that cannot read the org answers null rather than stopping the preview', async () => {
    const revoked = createOktaClient({ orgUrl: sandbox.orgUrl, token: 'not-a-token' });
    await expect(readUserStatus(revoked, 'alice.martin@example.com')).resolves.toBeNull();
  });
});

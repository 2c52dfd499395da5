import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import type { AppError } from '../../../../shared/errors.ts';

/**
 * The SDK's traps (okta-behaviours.md §8), each set up for real: stray configuration that the
 * SDK merges silently, a proxy it would use even for loopback, and its never-expiring cache.
 */
let sandbox: RunningSandbox;
const savedEnv = { ...process.env };
const savedCwd = process.cwd();

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterEach(() => {
  process.env = { ...savedEnv };
  process.chdir(savedCwd);
});

afterAll(async () => {
  await sandbox.close();
});

describe('createOktaClient', () => {
  it('ignores OKTA_CLIENT_* variables and an okta.yaml in the working directory', async () => {
    process.env.OKTA_CLIENT_ORGURL = 'http://127.0.0.1:1';
    process.env.OKTA_CLIENT_TOKEN = 'from-the-environment';
    process.env.OKTA_CLIENT_AUTHORIZATIONMODE = 'PrivateKey';
    const folder = mkdtempSync(path.join(os.tmpdir(), 'okta-yaml-'));
    writeFileSync(
      path.join(folder, 'okta.yaml'),
      'okta:\n  client:\n    orgUrl: http://127.0.0.1:2\n    token: from-a-file\n    authorizationMode: PrivateKey\n',
    );
    process.chdir(folder);
    const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    const me = await client.userApi.getUser({ userId: 'me' });
    expect(me.profile?.login).toBe('admin@sandbox.example');
  });

  it('turns a malformed okta.yaml into a clear error that does not echo the file', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'okta-yaml-bad-'));
    const secretInFile = `00${'s'.repeat(40)}`;
    writeFileSync(
      path.join(folder, 'okta.yaml'),
      `okta:\n  client:\n    token: ${secretInFile}\n  : [unbalanced\n`,
    );
    process.chdir(folder);
    let caught: unknown;
    try {
      createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'OKTA_ERROR',
      hint: expect.stringContaining('okta.yaml') as string,
    });
    expect(JSON.stringify((caught as AppError).toValue())).not.toContain(secretInFile);
  });

  it('reaches a loopback org directly even when HTTPS_PROXY points elsewhere', async () => {
    process.env.HTTPS_PROXY = 'http://127.0.0.1:1';
    process.env.https_proxy = 'http://127.0.0.1:1';
    const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    const org = await client.orgSettingApi.getOrgSettings();
    expect(org.companyName).toBe('SSO Console Sandbox');
  });

  it('does not serve a cached read after the org changed (the SDK cache is off)', async () => {
    const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    const before = await client.orgSettingApi.getOrgSettings();
    sandbox.org.companyName = 'Renamed by another admin';
    const after = await client.orgSettingApi.getOrgSettings();
    expect([before.companyName, after.companyName]).toEqual([
      'SSO Console Sandbox',
      'Renamed by another admin',
    ]);
    sandbox.org.companyName = 'SSO Console Sandbox';
  });
});

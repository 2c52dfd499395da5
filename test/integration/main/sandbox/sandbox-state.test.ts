import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSandboxOrg } from '../../../../main/sandbox/sandbox-org.ts';
import { decodeState, encodeState } from '../../../../main/sandbox/state-file.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { createSandboxToken } from '../../../support/sandbox-control.ts';
import { collect, sdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * `npm run sandbox -- --state FILE`: the org survives restarts (clean or killed), through the
 * real SDK, and a file the sandbox cannot use is refused and left alone.
 */
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sandbox-state-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const CLI = 'main/sandbox/cli.ts';

function loadSaved(file: string) {
  return decodeState(readFileSync(file, 'utf8'), file, createSandboxOrg(() => new Date()).org);
}

describe('npm run sandbox -- --state FILE', () => {
  it('keeps everything made through the SDK across a restart, the printed tokens included', async () => {
    const file = path.join(folder, 'org.json');
    const first = await startSandboxWithClient(['--state', file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { client } = first;
    const user = await client.userApi.createUser({
      body: {
        profile: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          login: 'ada@example.com',
          email: 'ada@example.com',
        },
        credentials: { password: { value: 'Analytical-Engine-1843' } },
      },
    });
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Kestra Users' } },
    });
    await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: user.id ?? '' });
    const app = (await client.applicationApi.createApplication({
      application: {
        name: 'oidc_client',
        label: 'Kestra',
        signOnMode: 'OPENID_CONNECT',
        settings: {
          oauthClient: {
            grant_types: ['authorization_code'],
            redirect_uris: ['http://localhost:8080/oauth/callback/okta'],
          },
        },
      } as never,
    })) as unknown as { id: string; credentials: { oauthClient: { client_id: string } } };
    await client.applicationApi.assignGroupToApplication({
      appId: app.id,
      groupId: group.id ?? '',
    });
    const secrets = await collect(
      await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: app.id }),
    );
    const origin = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Kestra',
        origin: 'http://localhost:8080',
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
      } as never,
    });
    await client.authorizationServerApi.createOAuth2Scope({
      authServerId: 'default',
      oAuth2Scope: { name: 'kestra:read', description: 'Read flows' },
    });
    const [key] = await collect(
      await client.authorizationServerApi.listAuthorizationServerKeys({ authServerId: 'default' }),
    );
    const helpDeskToken = await createSandboxToken(first.orgUrl, first.apiToken, [
      'HELP_DESK_ADMIN',
    ]);
    const orgKeys = async (orgUrl: string) =>
      ((await (await fetch(`${orgUrl}/oauth2/v1/keys`)).json()) as { keys: { kid: string }[] })
        .keys;
    const orgKeysBefore = await orgKeys(first.orgUrl);
    await first.sandbox.stop();

    const second = await startSandboxWithClient(['--state', file, '--seed', 'demo']);
    try {
      expect(second.apiToken).toBe(first.apiToken);
      // The org authorization server signs with the same key: tokens outlive the restart.
      expect(await orgKeys(second.orgUrl)).toEqual(orgKeysBefore);
      await expect
        .poll(() => second.sandbox.stderr.join('\n'))
        .toMatch(/Loaded the org from .*org\.json in \d+\.\d s: 3 users\. \(--seed ignored/);
      const again = second.client;
      expect(await again.userApi.getUser({ userId: 'ada@example.com' })).toMatchObject({
        id: user.id,
        status: 'ACTIVE',
        credentials: { password: {} },
      });
      const members = await collect(
        await again.groupApi.listGroupUsers({ groupId: group.id ?? '' }),
      );
      expect(members.map((member) => member.id)).toEqual([user.id]);
      const appAgain = (await again.applicationApi.getApplication({
        appId: app.id,
      })) as unknown as typeof app;
      expect(appAgain.credentials.oauthClient.client_id).toBe(
        app.credentials.oauthClient.client_id,
      );
      expect(
        (
          await collect(
            await again.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: app.id }),
          )
        ).map((secret) => [secret.id, secret.created]),
      ).toEqual(secrets.map((secret) => [secret.id, secret.created]));
      expect(
        (
          await collect(
            await again.applicationApi.listApplicationGroupAssignments({ appId: app.id }),
          )
        ).map((assignment) => assignment.id),
      ).toEqual([group.id]);
      expect(
        await again.trustedOriginApi.getTrustedOrigin({ trustedOriginId: origin.id ?? '' }),
      ).toMatchObject({
        origin: 'http://localhost:8080',
      });
      const scopes = await collect(
        await again.authorizationServerApi.listOAuth2Scopes({ authServerId: 'default' }),
      );
      expect(scopes.map((scope) => scope.name)).toContain('kestra:read');
      const [keyAgain] = await collect(
        await again.authorizationServerApi.listAuthorizationServerKeys({ authServerId: 'default' }),
      );
      expect(keyAgain).toEqual(key);
      const helpDesk = sdkClient(second.orgUrl, helpDeskToken);
      expect((await helpDesk.userApi.getUser({ userId: 'me' })).status).toBe('ACTIVE');
    } finally {
      await second.sandbox.stop();
    }
  });

  it('has saved a change within moments, without waiting for a clean exit', async () => {
    const file = path.join(folder, 'unclean.json');
    const first = await startSandboxWithClient(['--state', file]);
    await first.client.groupApi.createGroup({
      group: { profile: { name: 'Saved before the kill' } },
    });
    await expect.poll(() => readFileSync(file, 'utf8')).toContain('Saved before the kill');
    first.sandbox.child.kill('SIGKILL');
    await first.sandbox.waitForExit();

    const second = await startSandboxWithClient(['--state', file]);
    try {
      const groups = await collect(await second.client.groupApi.listGroups({ q: 'Saved' }));
      expect(groups.map((group) => group.profile?.name)).toEqual(['Saved before the kill']);
    } finally {
      await second.sandbox.stop();
    }
  });

  it('leaves the old or the new complete file whenever it is killed, even in the middle of a save', async () => {
    const file = path.join(folder, 'killed.json');
    let groupsSaved = 0;
    let killedMidSave = 0;
    for (let round = 0; round < 6; round += 1) {
      const seed = round === 0 ? ['--seed', 'large', '--users', '10000', '--groups', '50'] : [];
      const run = startNodeScript(CLI, ['--json', '--state', file, ...seed]);
      const { orgUrl, apiToken } = JSON.parse(await run.waitForLine(/^\{/, 60_000)) as {
        orgUrl: string;
        apiToken: string;
      };
      // The temp file's name: the pid, then a random part (nobody can plant it first).
      const tempPrefix = `.${path.basename(file)}.${String(run.child.pid)}.`;
      const isTemp = (name: string | null) =>
        name !== null && name.startsWith(tempPrefix) && name.endsWith('.tmp');
      // Odd rounds: kill the moment a save opens its temp file. Even rounds: at some point.
      const watcher = watch(folder, (_event, name) => {
        if (round % 2 === 1 && isTemp(name)) {
          run.child.kill('SIGKILL');
        }
      });
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 300 + round * 300);
      if (round % 2 === 1) {
        clearTimeout(timer);
      }
      let burst = 0;
      while (run.child.exitCode === null && run.child.signalCode === null) {
        await Promise.all(
          [...Array(5).keys()].map((index) =>
            fetch(`${orgUrl}/api/v1/groups`, {
              method: 'POST',
              headers: { Authorization: `SSWS ${apiToken}`, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                profile: { name: `Burst ${String(round)}.${String(burst)}.${String(index)}` },
              }),
            }).catch(() => undefined),
          ),
        );
        burst += 1;
      }
      await run.waitForExit();
      watcher.close();
      clearTimeout(timer);
      if (readdirSync(folder).some(isTemp)) {
        killedMidSave += 1;
      }
      const saved = loadSaved(file);
      expect(saved.adminToken).toBe(apiToken);
      expect(saved.org.groups.size).toBeGreaterThanOrEqual(groupsSaved);
      groupsSaved = saved.org.groups.size;
    }
    expect(killedMidSave).toBeGreaterThan(0);
    expect(groupsSaved).toBeGreaterThan(51);

    const last = await startSandboxWithClient(['--state', file]);
    try {
      expect(await collect(await last.client.groupApi.listGroups({ limit: 500 }))).toHaveLength(
        groupsSaved,
      );
      expect(readdirSync(folder).filter((name) => name.startsWith('.killed.json'))).toEqual([]);
    } finally {
      await last.sandbox.stop();
    }
  }, 180_000);
});

describe('npm run sandbox -- --state FILE that cannot be used', () => {
  const valid = () =>
    encodeState(
      createSandboxOrg(() => new Date('2026-03-01T00:00:00.000Z')),
      new Date(),
    );

  it.each([
    [
      'cut short',
      () => valid().slice(0, 300),
      'is not valid (',
      'it may have been cut short or edited',
    ],
    [
      'from a newer sandbox',
      () => valid().replace('"formatVersion":1', '"formatVersion":99'),
      'was written by a newer version of the sandbox (format 99; this one reads format 1)',
      'Update SSO Setup Console, or pass another --state file.',
    ],
    ['not a state file', () => '{"hello":"world"}', 'is not a sandbox state file', 'Move it aside'],
  ])(
    'refuses a file that is %s, says what to do, and leaves it untouched',
    async (_name, content, what, todo) => {
      const file = path.join(folder, `bad-${String(Date.now())}.json`);
      writeFileSync(file, content(), { mode: 0o600 });
      const before = readFileSync(file);
      const modified = statSync(file).mtimeMs;
      const run = startNodeScript(CLI, ['--json', '--state', file, '--seed', 'demo']);
      expect(await run.waitForExit()).toBe(2);
      const stderr = run.stderr.join('\n');
      expect(stderr).toContain(file);
      expect(stderr).toContain(what);
      expect(stderr).toContain(todo);
      expect(stderr).toContain('left untouched');
      expect(run.stdout).toEqual([]);
      expect(readFileSync(file)).toEqual(before);
      expect(statSync(file).mtimeMs).toBe(modified);
    },
  );

  it('says so when the file cannot be created', async () => {
    const file = path.join(folder, 'no-such-folder', 'org.json');
    const run = startNodeScript(CLI, ['--json', '--state', file]);
    expect(await run.waitForExit()).toBe(2);
    expect(run.stderr.join('\n')).toContain(
      `sandbox: The sandbox state file ${file} cannot be created (ENOENT). Check that its folder exists`,
    );
  });
});

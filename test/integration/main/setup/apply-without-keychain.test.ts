import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { THROWAWAY_LOGIN_PREFIX } from '../../../../main/preview/throwaway-user.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  type Channel,
  type ChannelResponse,
  channelResultSchema,
} from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { countMade } from '../../../support/planned-state.ts';
import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';

/**
 * A console with no reachable Secret Service: the real keytar, in processes whose D-Bus session
 * address leads nowhere (libsecret keeps its session per process, so the test's own keyring is
 * not in the way). What makes a secret is refused before its first write, in the window's path
 * (the dispatcher) and the command line's; what makes none goes ahead; and once the admin chose
 * this session's memory, the same apply goes through and its secrets can be read back.
 */

const NO_SECRET_SERVICE = {
  ...process.env,
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
};

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-no-keychain-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments.testUser = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `ada.${id}@example.com`,
  };
  return document;
}

/** What every message about the keychain must never say: a token it is not, a save it did. */
function expectTrue(text: string) {
  expect(text).not.toContain('Nothing was saved');
  expect(text).not.toContain('API token');
}

describe('the console window without a keychain (through the dispatcher)', () => {
  let console_: CapturedProcess;

  beforeAll(async () => {
    console_ = startNodeScript(
      'test/support/console-over-stdio.ts',
      [path.join(dataDir, 'window')],
      NO_SECRET_SERVICE,
    );
    await console_.waitForLine(/^ready$/);
  });
  afterAll(async () => {
    console_.child.stdin.end();
    await console_.stop();
  });

  /** One channel call, its answer checked against the contract. */
  async function call<C extends Channel>(channel: C, request: unknown) {
    const id = randomUUID();
    console_.child.stdin.write(`${JSON.stringify({ id, channel, request })}\n`);
    const line = await console_.waitForLine(new RegExp(`^\\{"id":"${id}"`), 25_000);
    const { result } = JSON.parse(line) as { result: unknown };
    const parsed = channelResultSchema(channel).parse(result);
    return parsed as
      | { ok: true; data: ChannelResponse<C> }
      | { ok: false; error: { code: string; message: string; hint: string } };
  }

  async function data<C extends Channel>(channel: C, request: unknown) {
    const result = await call(channel, request);
    if (!result.ok) {
      throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    }
    return result.data;
  }

  async function planId(document: SetupDocument) {
    return (await data('setup:plan', { document })).planId;
  }

  it('says at start that no keychain is reachable, and how to get one here', async () => {
    const status = await data('keychain:status', {});
    expect(status).toMatchObject({
      store: 'keychain',
      keychainName: 'Secret Service',
      isReachable: false,
      secretsInMemory: 0,
    });
    expect(status.problem).toContain('Could not connect');
    expect(status.help.text).toContain('gnome-keyring');
    expect(status.help.command).toContain('dbus-run-session');
    expect(status.help.command).toContain('npm start -- --browser');
    // The sandbox needs no keychain: its token lives in memory.
    await data('profiles:add-sandbox', {});
  });

  it('refuses an apply that makes secrets before its first write, and says so truly', async () => {
    const document = kestra('refused');
    const refused = await call('setup:apply', {
      planId: await planId(document),
      operationId: 'op-refused',
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) {
      return;
    }
    expect(refused.error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(refused.error.message).toContain('The Secret Service could not be used');
    expect(refused.error.message).toContain('a client secret and a test user’s password');
    expect(refused.error.message).toContain('nothing was written to the org');
    expect(refused.error.hint).toContain('dbus-run-session');
    expect(refused.error.hint).toContain('this session’s memory');
    expectTrue(`${refused.error.message} ${refused.error.hint}`);
    // Nothing in the org: the plan still creates everything, and no app of that label exists.
    const again = await data('setup:plan', { document });
    expect(again.plan.steps.map((step) => `${step.key} ${step.action}`)).toEqual([
      'app create',
      'test-user:ada.refused@example.com create',
      'user-assignment:ada.refused@example.com create',
    ]);
    expect((await data('setup:list-apps', { query: 'Kestra refused' })).apps).toEqual([]);
    expect((await data('directory:search-users', { query: 'ada.refused' })).matches).toEqual([]);
  });

  it('applies a setup that makes no secret, and refuses the preview’s throwaway user before creating it', async () => {
    const document = createSetupDocument({ id: 'public', preset: 'spa', label: 'SPA public' });
    const outcome = await data('setup:apply', {
      planId: await planId(document),
      operationId: 'op-public',
    });
    expect(outcome).toMatchObject({
      outcome: 'applied',
      applied: { clientSecretStored: false, keychainWarning: null },
    });

    const preview = await call('preview:start', {
      document,
      user: { kind: 'throwaway' },
      operationId: 'op-preview',
    });
    expect(preview).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    if (!preview.ok) {
      expect(preview.error.message).toContain('made no throwaway user');
      expectTrue(`${preview.error.message} ${preview.error.hint}`);
    }
    expect(
      (await data('directory:search-users', { query: THROWAWAY_LOGIN_PREFIX })).matches,
    ).toEqual([]);
  });

  it('applies once the admin chose this session’s memory, and reads the secrets back from it', async () => {
    const info = await data('app:get-info', {});
    expect(info.secretStore).toMatchObject({ isPersistent: true, isOsProtected: true });

    const chosen = await data('keychain:keep-in-memory', { consequencesRead: true });
    expect(chosen).toMatchObject({ store: 'session-memory', isReachable: false });
    // Only the explicit request chooses it.
    expect(await call('keychain:keep-in-memory', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect((await data('app:get-info', {})).secretStore).toEqual({
      kind: 'this session’s memory',
      isPersistent: false,
      isOsProtected: false,
    });

    const document = kestra('refused');
    const outcome = await data('setup:apply', {
      planId: await planId(document),
      operationId: 'op-memory',
    });
    if (outcome.outcome !== 'applied') {
      throw new Error('expected the apply to go through');
    }
    expect(outcome.applied).toMatchObject({
      clientSecretStored: true,
      testUserLogin: 'ada.refused@example.com',
      keychainWarning: null,
    });
    const secret = await data('setup:reveal-secret', {
      secret: 'client-secret',
      clientId: outcome.applied.clientId,
    });
    expect(secret.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await data('keychain:status', {})).toMatchObject({
      store: 'session-memory',
      secretsInMemory: 2,
    });
    // The throwaway user's password now has somewhere to go.
    const preview = await data('preview:start', {
      document: createSetupDocument({ id: 'public', preset: 'spa', label: 'SPA public' }),
      user: { kind: 'throwaway' },
      operationId: 'op-preview-2',
    });
    expect(preview.user.login).toContain(THROWAWAY_LOGIN_PREFIX);
    await data('preview:cancel', { previewId: preview.previewId });
  });
});

describe('sso-console apply without a keychain', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: { kind: 'demo' } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('refuses before its first write, says what to start, and never speaks of a token or a save', async () => {
    const document = kestra('cli');
    const file = path.join(dataDir, 'cli.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = startNodeScript(
      'main/cli/sso-console.ts',
      ['apply', file, '--yes', '--org-url', sandbox.orgUrl, '--user-data-dir', dataDir],
      { ...NO_SECRET_SERVICE, SSO_CONSOLE_API_TOKEN: sandbox.apiToken },
    );
    expect(await cli.waitForExit()).toBe(1);
    const said = cli.stderr.join('\n');
    expect(said).toContain('The Secret Service could not be used');
    expect(said).toContain('nothing was written to the org');
    expect(said).toContain('dbus-run-session');
    expectTrue(said);
    const made = await countMade(
      orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }).client,
      document,
    );
    expect(made).toMatchObject({ apps: 0, testUsers: 0 });
  });
});

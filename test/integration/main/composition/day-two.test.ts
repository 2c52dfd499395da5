import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConsoleCore } from '../../../../main/composition/compose.ts';
import { clientSecretAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  type ActivityEntry,
  type EventName,
  type ManagedAppView,
} from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { composedAgainstSandbox, dispatcherCalls } from '../../../support/dispatched-console.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { collect, type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The day-two channels through the composition root and the real dispatcher, against the
 * sandbox over HTTP with the real keychain: the managed apps and their kept document, sign-in
 * activity paged by cursors main holds (Okta's `next` link, which the API token is sent to,
 * never comes from the page), and the teardown of a reviewed plan with its progress events.
 */

const CALLBACK = 'http://localhost:8080/oauth/callback/okta';
const PASSWORD = 'Compiler-Pioneer-1952';
const ADA = 'ada.daytwo@example.com';
const GRACE = 'grace.daytwo@example.com';

const secrets = new KeytarSecretStore();
let sandbox: RunningSandbox;
let client: OktaSdkClient;
let core: ConsoleCore;
let dataDir: string;
const logLines: string[] = [];
const events: { event: EventName; payload: unknown }[] = [];
const bodies: string[] = [];

const { call, data, apply } = dispatcherCalls(() => core, bodies);

let appId = '';
let clientId = '';
let listed: ManagedAppView | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'unlimited' });
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  for (const [login, firstName] of [
    [ADA, 'Ada'],
    [GRACE, 'Grace'],
  ] as const) {
    await client.userApi.createUser({
      body: {
        profile: { firstName, lastName: 'Daytwo', email: login, login },
        credentials: { password: { value: PASSWORD } },
      },
      activate: true,
    });
  }
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'day-two-'));
  core = await composedAgainstSandbox({
    sandbox,
    dataDir,
    secrets,
    logLines,
    emit: (event, payload) => events.push({ event, payload }),
  });
  const document = createSetupDocument({
    id: 'day-two-composition',
    preset: 'kestra',
    baseUrl: 'http://localhost:8080',
    label: 'Day two Kestra',
  });
  document.assignments.users = [{ login: ADA }];
  ({ appId, clientId } = await apply(document));
});

afterAll(async () => {
  await secrets.delete(clientSecretAccount(sandbox.orgUrl, clientId));
  await core.stop();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('day two through the dispatcher', () => {
  it('lists the applied app with its counts, no drift and its kept document, which it opens', async () => {
    const { orgUrl, apps } = await data('managed-apps:list', {});
    expect(orgUrl).toBe(sandbox.orgUrl);
    listed = apps.find((app) => app.id === appId);
    expect(listed).toMatchObject({
      label: 'Day two Kestra',
      status: 'ACTIVE',
      clientId,
      managedAs: 'created',
      issuer: sandbox.orgUrl,
      target: 'kestra',
      users: 1,
      groups: 0,
      secretAgeDays: 0,
      drift: false,
      document: { id: 'day-two-composition' },
    });
    const { document } = await data('managed-apps:document', { setupId: 'day-two-composition' });
    expect(document.app.label).toBe('Day two Kestra');
    expect(await call('managed-apps:document', { setupId: 'no-such-setup' })).toMatchObject({
      ok: false,
      error: { code: 'SETUP_BLOCKED' },
    });
  });

  it('pages the activity through cursors main holds, each failure diagnosed, and refuses any other', async () => {
    const http = oidcHttp(sandbox.orgUrl, CALLBACK);
    const authorize = http.authorizeUrl(`${sandbox.orgUrl}/oauth2`, {
      client_id: clientId,
      response_type: 'code',
      scope: 'openid profile email',
      redirect_uri: CALLBACK,
      state: 'state-1',
      nonce: 'nonce-1',
    });
    const go = http.browserSession();
    const start = await go(authorize);
    const signInPage = new URL(start.headers.get('location') ?? '', sandbox.orgUrl).toString();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const wrong = await go(signInPage, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: ADA, password: 'Not-The-Password-1' }).toString(),
      });
      expect(wrong.status).toBe(401);
      await wrong.text();
    }
    const refused = await http.signInAt(authorize, { login: GRACE, password: PASSWORD });
    expect(refused.searchParams.get('error')).toBe('access_denied');

    const since = new Date(Date.now() - 3_600_000).toISOString();
    const first = await data('activity:list', { appId, since, limit: 1 });
    expect(first.app).toEqual({ id: appId, label: 'Day two Kestra', clientId });
    const entries: ActivityEntry[] = [...first.entries];
    let cursor = first.cursor;
    while (cursor !== null) {
      expect(cursor).toMatch(/^[0-9a-f-]{36}$/);
      const page = await data('activity:page', { cursor });
      entries.push(...page.entries);
      cursor = page.cursor;
    }
    expect(entries.map((entry) => [entry.login, entry.diagnosis?.code])).toEqual([
      [GRACE, 'USER_NOT_ASSIGNED'],
      [ADA, 'INVALID_CREDENTIALS'],
      [ADA, 'INVALID_CREDENTIALS'],
    ]);
    const failures = await data('activity:list', {
      appId,
      since,
      user: 'grace',
      outcome: 'FAILURE',
    });
    expect(failures.entries.map((entry) => entry.login)).toEqual([GRACE]);

    // A cursor main did not hand out, or one already read, names nothing: no URL is fetched.
    for (const unknown of [first.cursor ?? '', 'http://127.0.0.1:9/api/v1/logs']) {
      expect(await call('activity:page', { cursor: unknown })).toMatchObject({
        ok: false,
        error: { code: 'PLAN_NOT_FOUND' },
      });
    }
    expect(bodies.join('\n')).not.toContain('/api/v1/logs');
  });

  it('tears down exactly the reviewed plan, with progress, and the app is gone', async () => {
    const plan = await data('teardown:plan', { setupId: 'day-two-composition' });
    expect(plan.orgUrl).toBe(sandbox.orgUrl);
    expect(plan.removals.map((removal) => removal.title)).toEqual([
      `App integration "Day two Kestra" (${appId})`,
    ]);
    expect(plan.leftAlone.map((left) => left.title)).toContain(`User "${ADA}"`);
    expect(plan.keychainEntries).toBe(1);
    expect(
      await call('teardown:apply', { planId: 'not-a-plan', operationId: 'op-x' }),
    ).toMatchObject({ ok: false, error: { code: 'PLAN_NOT_FOUND' } });
    expect(
      await collect(await client.applicationApi.listApplications({ q: 'Day two' })),
    ).toHaveLength(1);

    const done = await data('teardown:apply', { planId: plan.planId, operationId: 'op-down' });
    expect(done).toEqual({
      removed: [{ key: 'destroy:app', title: `App integration "Day two Kestra" (${appId})` }],
      keychainEntriesForgotten: 1,
      keychainWarning: null,
    });
    expect(
      events
        .filter((sent) => sent.event === 'teardown:progress')
        .map((sent) => sent.payload as { operationId: string; state: string }),
    ).toEqual([
      expect.objectContaining({ operationId: 'op-down', key: 'destroy:app', state: 'removing' }),
      expect.objectContaining({ operationId: 'op-down', key: 'destroy:app', state: 'removed' }),
    ]);
    expect(await secrets.get(clientSecretAccount(sandbox.orgUrl, clientId))).toBeNull();
    expect(await collect(await client.applicationApi.listApplications({ q: 'Day two' }))).toEqual(
      [],
    );
    expect((await data('managed-apps:list', {})).apps).toEqual([]);
    // The users it only assigned are still there.
    expect(await collect(await client.userApi.listUsers({ q: 'daytwo' }))).toHaveLength(2);
    // A plan is applied once.
    expect(
      await call('teardown:apply', { planId: plan.planId, operationId: 'op-again' }),
    ).toMatchObject({ ok: false, error: { code: 'PLAN_NOT_FOUND' } });
  });
});

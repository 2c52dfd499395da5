import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type ActivityApp,
  type ActivityFilters,
  listSignInActivity,
  oktaLogPageReader,
  readActivityPage,
  type SignInActivityEntry,
} from '../../../../main/activity/sign-in-activity.ts';
import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';
import {
  collect,
  kestraApp,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * A past of sign-ins in the System Log, for the console's sign-in activity at scale:
 * `npm run sandbox -- --seed demo --log-events 50000` logs them for "Kestra (staging)", and the
 * activity's own queries, sent by the real SDK, page through every one of them; the control
 * route `POST /__sandbox/sign-in-history` adds them to an app made later.
 */
let sandbox: CapturedProcess;
let orgUrl: string;
let apiToken: string;
let client: OktaSdkClient;

const ENTRIES = 50_000;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  ({ sandbox, orgUrl, apiToken, client } = await startSandboxWithClient([
    '--seed',
    'demo',
    '--log-events',
    String(ENTRIES),
    '--rate-limits',
    'unlimited',
  ]));
}, 60_000);

afterAll(async () => {
  await sandbox.stop();
});

async function kestraStaging(): Promise<ActivityApp> {
  const [app] = (await collect(
    await client.applicationApi.listApplications({ q: 'Kestra (staging)' }),
  )) as unknown as {
    id: string;
    label: string;
    credentials: { oauthClient: { client_id: string } };
  }[];
  if (app === undefined) {
    throw new Error('The demo seed has no "Kestra (staging)".');
  }
  return { id: app.id, label: app.label, clientId: app.credentials.oauthClient.client_id };
}

/** Every entry of the app's activity over the last 8 days, page by page as the console reads. */
async function readAll(app: ActivityApp, filters: ActivityFilters = {}) {
  const deps = { readPage: oktaLogPageReader(client), orgUrl, now: () => new Date() };
  const entries: SignInActivityEntry[] = [];
  let page = await listSignInActivity(deps, {
    app,
    filters,
    since: new Date(Date.now() - 8 * DAY_MS),
    limit: 1000,
  });
  let pages = 1;
  entries.push(...page.entries);
  while (page.next !== null) {
    page = await readActivityPage(deps, page.next, filters);
    entries.push(...page.entries);
    pages += 1;
  }
  return { entries, pages };
}

function countIn(line: string, what: string): number {
  const match = new RegExp(`([\\d,]+) ${what}`).exec(line);
  return Number((match?.[1] ?? 'NaN').replaceAll(',', ''));
}

describe('npm run sandbox -- --seed demo --log-events 50000', () => {
  it('says what it logged, for which app', () => {
    const line = sandbox.stderr.find((text) => text.startsWith('Logged '));
    expect(line).toMatch(
      /^Logged 50,000 past sign-ins for Kestra \(staging\) \(0oa\w+\) in [\d.]+ s: [\d,]+ successes, [\d,]+ wrong passwords, [\d,]+ unknown users, [\d,]+ not assigned/,
    );
  });

  it('pages through all 50,000 in the app’s sign-in activity, newest first, each once', async () => {
    const app = await kestraStaging();
    const { entries, pages } = await readAll(app);
    expect(entries).toHaveLength(ENTRIES);
    expect(pages).toBe(ENTRIES / 1000);
    expect(new Set(entries.map((entry) => entry.uuid)).size).toBe(ENTRIES);
    for (let index = 1; index < entries.length; index += 1) {
      expect((entries[index - 1]?.published ?? '') >= (entries[index]?.published ?? '')).toBe(true);
    }
    const line = sandbox.stderr.find((text) => text.startsWith('Logged ')) ?? '';
    const successes = entries.filter((entry) => entry.outcome === 'SUCCESS');
    expect(successes).toHaveLength(countIn(line, 'successes'));
    const wrongPasswords = entries.filter((entry) => entry.reason === 'INVALID_CREDENTIALS');
    expect(wrongPasswords).toHaveLength(countIn(line, 'wrong passwords'));
    // Each failure carries the preview's diagnosis, as a real one does.
    expect(wrongPasswords[0]?.diagnosis).not.toBeNull();
    const refused = entries.filter((entry) => entry.reason === 'access_denied');
    expect(refused).toHaveLength(countIn(line, 'not assigned'));
    expect(refused[0]?.diagnosis).not.toBeNull();
  });

  it('filters them at the org by outcome and user', async () => {
    const app = await kestraStaging();
    const all = await readAll(app);
    const failures = await readAll(app, { outcome: 'FAILURE' });
    expect(failures.entries).toHaveLength(
      all.entries.filter((entry) => entry.outcome === 'FAILURE').length,
    );
    const alice = await readAll(app, { user: 'alice.martin' });
    expect(alice.entries.length).toBeGreaterThan(1000);
    expect(alice.entries).toHaveLength(
      all.entries.filter((entry) => entry.login === 'alice.martin@example.com').length,
    );
  });
});

describe('POST /__sandbox/sign-in-history', () => {
  async function post(body: unknown, token = apiToken) {
    return fetch(`${orgUrl}/__sandbox/sign-in-history`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('adds past sign-ins to an app made later, which its activity then lists', async () => {
    const created = (await client.applicationApi.createApplication({
      application: kestraApp('Kestra history'),
    })) as unknown as {
      id: string;
      label: string;
      credentials: { oauthClient: { client_id: string } };
    };
    const response = await post({ appId: created.id, entries: 1500, days: 2 });
    expect(response.status).toBe(201);
    const summary = (await response.json()) as { entries: number; events: number; from: string };
    expect(summary.entries).toBe(1500);
    expect(Date.parse(summary.from)).toBeGreaterThanOrEqual(Date.now() - 2 * DAY_MS - 60_000);
    const { entries } = await readAll({
      id: created.id,
      label: created.label,
      clientId: created.credentials.oauthClient.client_id,
    });
    expect(entries).toHaveLength(1500);
  });

  it('refuses an unknown app, a count out of range and a caller without the sandbox token', async () => {
    const app = await kestraStaging();
    for (const body of [
      { appId: 'nope', entries: 10 },
      { appId: app.id, entries: 50_001 },
      { appId: app.id, entries: -1 },
      { appId: app.id, entries: 10, days: 0 },
    ]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_sign_in_history' });
    }
    expect((await post({ appId: app.id, entries: 10 }, 'not-a-token')).status).toBe(401);
  });
});

describe('--log-events', () => {
  it('needs a seed, and a count in range', async () => {
    for (const args of [
      ['--log-events', '10'],
      ['--seed', 'demo', '--log-events', '50001'],
      ['--seed', 'demo', '--log-events', 'many'],
    ]) {
      const run = startNodeScript('main/sandbox/cli.ts', args);
      expect(await run.waitForExit()).toBe(2);
      expect(run.stderr.join('\n')).toMatch(/--log-events/);
    }
  });
});

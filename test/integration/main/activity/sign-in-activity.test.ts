import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createSignInActivityService,
  type SignInActivityEntry,
  type SignInActivityService,
} from '../../../../main/activity/sign-in-activity.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { OKTA_OAUTH_TEXTS } from '../../../../shared/okta/oauth-texts.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * One app's sign-in activity against the sandbox over real HTTP: sign-ins caused on purpose (a
 * success, a wrong password, an unassigned user) read back with their outcome and the preview's
 * diagnosis, the filters, paging over Okta's `next` links, following the log live, and
 * `sso-console logs`. The sandbox runs without rate limits: the paging reads many pages.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/activity/callback';
const UNASSIGNED = { login: 'grace.hopper@example.com', password: 'Compiler-Pioneer-1952' };

let sandbox: RunningSandbox;
let client: OktaSdkClient;
let app: OidcAppUnderTest;
let activity: SignInActivityService;
let since: Date;
const http = oidcHttp('', REDIRECT_URI);

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'unlimited' });
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  since = new Date(Date.now() - 60_000);
  app = await setUpOidcApp(client, {
    label: 'Activity',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
  await client.userApi.createUser({
    body: {
      profile: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: UNASSIGNED.login,
        login: UNASSIGNED.login,
      },
      credentials: { password: { value: UNASSIGNED.password } },
    },
    activate: true,
  });
  const consoleClient = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  activity = createSignInActivityService({
    activeOrg: () => Promise.resolve({ orgUrl: sandbox.orgUrl, client: consoleClient }),
  });
  // A success, a wrong password and an unassigned user, in that order.
  await signInAt(app.user.login, app.user.password);
  await wrongPasswords(app.user.login, 1);
  const refused = await signInAt(UNASSIGNED.login, UNASSIGNED.password);
  expect(refused.searchParams.get('error')).toBe('access_denied');
});

afterAll(async () => {
  await sandbox.close();
});

function authorizeUrl(): string {
  return http.authorizeUrl(`${sandbox.orgUrl}/oauth2`, http.codeParams(app));
}

/** Signs in at the app's sign-in page; answers the redirect back to the app. */
function signInAt(login: string, password: string): Promise<URL> {
  return oidcHttp(sandbox.orgUrl, REDIRECT_URI).signInAt(authorizeUrl(), { login, password });
}

/** `count` wrong passwords for `login`, posted to one sign-in page (as a person retrying). */
async function wrongPasswords(login: string, count: number): Promise<void> {
  const go = oidcHttp(sandbox.orgUrl, REDIRECT_URI).browserSession();
  const start = await go(authorizeUrl());
  const page = new URL(start.headers.get('location') ?? '', sandbox.orgUrl).toString();
  for (let attempt = 0; attempt < count; attempt += 1) {
    const answer = await go(page, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: login, password: 'Not-The-Password-1' }).toString(),
    });
    expect(answer.status).toBe(401);
    await answer.text();
  }
}

async function listAll(filters: Parameters<SignInActivityService['list']>[0]['filters'] = {}) {
  const entries: SignInActivityEntry[] = [];
  let page = await activity.list({
    app: await activity.app(app.appId),
    since,
    filters,
    limit: 100,
  });
  entries.push(...page.entries);
  while (page.next !== null) {
    page = await activity.page(page.next, filters);
    entries.push(...page.entries);
  }
  return entries;
}

describe('sign-in activity', () => {
  it('lists the success, the wrong password and the unassigned user, newest first, diagnosed', async () => {
    const entries = await listAll();
    expect(
      entries.map((entry) => [
        entry.outcome,
        entry.login,
        entry.eventType,
        entry.diagnosis?.code ?? null,
      ]),
    ).toEqual([
      ['FAILURE', UNASSIGNED.login, 'app.oauth2.authorize', 'USER_NOT_ASSIGNED'],
      ['FAILURE', app.user.login, 'user.session.start', 'INVALID_CREDENTIALS'],
      ['SUCCESS', app.user.login, 'user.authentication.sso', null],
    ]);
    const [unassigned, wrongPassword, success] = entries;
    expect(unassigned?.diagnosis).toMatchObject({
      oktaText: OKTA_OAUTH_TEXTS.notAssigned,
      cause: `${UNASSIGNED.login} is not assigned to the app, neither directly nor through a group.`,
    });
    expect(unassigned?.displayName).toBe('Grace Hopper');
    expect(wrongPassword).toMatchObject({
      reason: 'INVALID_CREDENTIALS',
      displayName: 'Ada Lovelace',
    });
    expect(wrongPassword?.diagnosis?.fix).toContain(
      `reset it: Directory → People → ${app.user.login}`,
    );
    expect(success?.diagnosis).toBeNull();
  });

  it('filters by outcome and by part of the login', async () => {
    expect((await listAll({ outcome: 'FAILURE' })).map((entry) => entry.login)).toEqual([
      UNASSIGNED.login,
      app.user.login,
    ]);
    expect((await listAll({ outcome: 'SUCCESS' })).map((entry) => entry.login)).toEqual([
      app.user.login,
    ]);
    expect((await listAll({ user: 'GRACE' })).map((entry) => entry.diagnosis?.code)).toEqual([
      'USER_NOT_ASSIGNED',
    ]);
  });

  it('leaves out another app’s sign-ins', async () => {
    const other = await setUpOidcApp(client, {
      label: 'Other',
      applicationType: 'web',
      redirectUri: REDIRECT_URI,
    });
    const otherActivity = await activity.list({
      app: await activity.app(other.appId),
      since,
    });
    expect(otherActivity.entries).toEqual([]);
  });

  it('pages through 300 failures with Okta’s next links, each once', async () => {
    const login = 'nobody.here@example.com';
    await wrongPasswords(login, 300);
    const logins: string[] = [];
    const uuids = new Set<string>();
    let pages = 0;
    let page = await activity.list({
      app: await activity.app(app.appId),
      since,
      filters: { user: 'nobody.here' },
      limit: 70,
    });
    for (;;) {
      pages += 1;
      for (const entry of page.entries) {
        logins.push(entry.login ?? '');
        uuids.add(entry.uuid);
        expect(entry.diagnosis?.code).toBe('UNKNOWN_USER');
      }
      if (page.next === null) {
        break;
      }
      page = await activity.page(page.next, { user: 'nobody.here' });
    }
    expect(pages).toBe(5);
    expect(logins).toHaveLength(300);
    expect(uuids.size).toBe(300);
  });

  it('follows the log: an event after the start arrives, and the abort stops it', async () => {
    const stop = new AbortController();
    const seen: SignInActivityEntry[] = [];
    let arrived: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const following = activity.follow({
      app: await activity.app(app.appId),
      since: new Date(),
      filters: { user: 'late.comer' },
      signal: stop.signal,
      pollIntervalMs: 100,
      onEntries: (entries) => {
        seen.push(...entries);
        arrived();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
    await wrongPasswords('late.comer@example.com', 1);
    await late;
    stop.abort();
    await following;
    expect(seen.map((entry) => [entry.login, entry.diagnosis?.code])).toEqual([
      ['late.comer@example.com', 'UNKNOWN_USER'],
    ]);
  });
});

describe('sso-console logs', () => {
  function cli(args: string[]) {
    return startNodeScript(
      'main/cli/sso-console.ts',
      ['logs', '--org-url', sandbox.orgUrl, ...args],
      { ...process.env, SSO_CONSOLE_API_TOKEN: sandbox.apiToken },
    );
  }

  it('prints one JSON line per sign-in and exits 0', async () => {
    const run = cli([
      '--app',
      'Activity',
      '--outcome',
      'failure',
      '--user',
      'hopper',
      '--json',
      '--since',
      '1h',
    ]);
    expect(await run.waitForExit()).toBe(0);
    const lines = run.stdout.map((line) => JSON.parse(line) as SignInActivityEntry);
    expect(lines.map((line) => [line.login, line.diagnosis?.code])).toEqual([
      [UNASSIGNED.login, 'USER_NOT_ASSIGNED'],
    ]);
    expect(lines[0]?.diagnosis?.oktaText).toBe(OKTA_OAUTH_TEXTS.notAssigned);
  });

  it('prints a line a person reads, by app id', async () => {
    const run = cli(['--app', app.appId, '--user', app.user.login]);
    expect(await run.waitForExit()).toBe(0);
    expect(run.stdout).toHaveLength(2);
    expect(run.stdout[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}FAILURE {2}ada\.activity@example\.com {2}INVALID_CREDENTIALS — .* typed a wrong password\. .* Fix: /,
    );
    expect(run.stdout[1]).toMatch(
      / {2}SUCCESS {2}ada\.activity@example\.com {2}user\.authentication\.sso$/,
    );
  });

  it.each([
    [['--app', 'No Such App'], /No OIDC app integration is labelled "No Such App"/],
    [['--app', '0oa0000000000000000x'], /This org has no app with the id 0oa0000000000000000x/],
    [[], /logs needs the app: --app ID or --app LABEL/],
    [['--app', 'Activity', '--outcome', 'maybe'], /--outcome must be success or failure/],
  ])('exits 1 with a clear error: %j', async (args, message) => {
    const run = cli(args);
    expect(await run.waitForExit()).toBe(1);
    expect(run.stderr.join('\n')).toMatch(message);
  });

  it('--follow prints a sign-in that happens after it started, and SIGINT ends it with 0', async () => {
    const run = cli(['--app', 'Activity', '--follow', '--json', '--poll', '1', '--since', '1h']);
    // The first poll has answered once the sign-ins from before the start are printed.
    await run.waitForLine(/grace\.hopper@example\.com/);
    await wrongPasswords('follow.me@example.com', 1);
    const line = await run.waitForLine(/follow\.me@example\.com/, 15_000);
    expect((JSON.parse(line) as SignInActivityEntry).diagnosis?.code).toBe('UNKNOWN_USER');
    run.child.kill('SIGINT');
    expect(await run.waitForExit()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';

import { activityFilter, toActivityEntry } from '../../../../main/activity/sign-in-activity.ts';
import { createAuthServer } from '../../../../main/sandbox/routes/authorization-servers.ts';
import { LOG_ROUTES } from '../../../../main/sandbox/routes/logs.ts';
import { createSandboxOrg, type SandboxApp } from '../../../../main/sandbox/sandbox-org.ts';
import { seedOrg } from '../../../../main/sandbox/seed.ts';
import { addSignInHistory, MAX_SIGN_IN_HISTORY } from '../../../../main/sandbox/sign-in-history.ts';
import {
  type LogEvent,
  recordOAuthAuthorize,
  recordSignInAttempt,
  SYSTEM_LOG_CAPACITY,
} from '../../../../main/sandbox/system-log.ts';
import { OKTA_OAUTH_TEXTS } from '../../../../shared/okta/oauth-texts.ts';

const now = new Date('2026-12-01T12:00:00.000Z');
const ORG_URL = 'http://127.0.0.1:4000';
const DAY_MS = 86_400_000;

/** A fresh demo org with its `default` server, and its "Kestra (staging)" app. */
function demoOrg() {
  const { org, adminToken } = createSandboxOrg(() => now);
  createAuthServer(org, {
    id: 'default',
    name: 'default',
    description: 'Default Authorization Server for your Applications',
    audiences: ['api://default'],
    now,
    withDefaultPolicy: true,
  });
  const admin = org.users.get(org.tokens.get(adminToken) ?? '');
  if (admin === undefined) {
    throw new Error('no admin');
  }
  seedOrg(org, { kind: 'demo' }, { admin, now });
  const app = [...org.apps.values()].find(
    (candidate) => candidate.record.label === 'Kestra (staging)',
  );
  if (app === undefined) {
    throw new Error('no Kestra app');
  }
  return { org, admin, app };
}

function clientIdOf(app: SandboxApp): string {
  return (app.record.credentials as { oauthClient: { client_id: string } }).oauthClient.client_id;
}

/** Every path to a value in `value` (`client.userAgent.browser`, `target[].id`, …), sorted. */
function shapeOf(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return [...new Set(value.flatMap((item) => shapeOf(item, `${prefix}[]`)))].sort();
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .flatMap(([key, inner]) => shapeOf(inner, prefix === '' ? key : `${prefix}.${key}`))
      .sort();
  }
  return [`${prefix}:${value === null ? 'null' : typeof value}`];
}

/** Ids the org made at random (users, apps, client ids) replaced, to compare two orgs' logs. */
function withoutOrgIds(event: LogEvent) {
  return {
    uuid: event.uuid,
    published: event.published,
    eventType: event.eventType,
    outcome: event.outcome,
    actor: event.actor.alternateId,
    target: event.target?.map((target) => target.alternateId),
    transaction: event.transaction.id,
    client: { ...event.client, id: undefined },
    debugData: event.debugContext.debugData,
  };
}

const kestra = demoOrg();
const history = addSignInHistory(kestra.org, {
  app: kestra.app,
  entries: MAX_SIGN_IN_HISTORY,
  now,
  orgUrl: ORG_URL,
});
const added = kestra.org.systemLog.entries.slice(-history.events).map((entry) => entry.event);

describe('a sign-in history', () => {
  it('adds the entries asked for, each kind of them, over the last 7 days', () => {
    expect(history).toMatchObject({ entries: 50_000 });
    expect(
      history.successes + history.wrongPasswords + history.unknownUsers + history.notAssigned,
    ).toBe(50_000);
    for (const kind of ['successes', 'wrongPasswords', 'unknownUsers', 'notAssigned'] as const) {
      expect(history[kind], kind).toBeGreaterThan(1000);
    }
    // A success and a refusal each come with the user's `user.session.start` success.
    expect(history.events).toBe(50_000 + history.successes + history.notAssigned);
    expect(added).toHaveLength(history.events);
    const times = added.map((event) => Date.parse(event.published));
    expect(times.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(
      now.getTime() - 7 * DAY_MS,
    );
    expect(times.reduce((a, b) => Math.max(a, b))).toBeLessThan(now.getTime());
    expect(history.from).toBe(added[0]?.published);
    expect(new Set(added.map((event) => event.uuid)).size).toBe(added.length);
  });

  it('is what the app’s sign-in activity lists: 50,000 entries, failures with their reasons', () => {
    const entries = added.map(toActivityEntry).filter((entry) => entry !== null);
    // The activity's own filter, evaluated by the sandbox's System Log as Okta would.
    const route = LOG_ROUTES[0];
    const filter = activityFilter({
      id: kestra.app.id,
      clientId: clientIdOf(kestra.app),
      label: 'Kestra (staging)',
    });
    let listed = 0;
    let next: URL | null = new URL(
      `${ORG_URL}/api/v1/logs?${new URLSearchParams({
        since: new Date(now.getTime() - 8 * DAY_MS).toISOString(),
        until: now.toISOString(),
        sortOrder: 'DESCENDING',
        limit: '1000',
        filter,
      }).toString()}`,
    );
    let newest = Number.POSITIVE_INFINITY;
    const seen = new Set<string>();
    while (next !== null && route !== undefined) {
      const url: URL = next;
      const result = route.handle({
        org: kestra.org,
        orgUrl: ORG_URL,
        url,
        caller: kestra.admin,
        params: {},
        query: url.searchParams,
        body: {},
        now,
      });
      expect(result.status).toBe(200);
      for (const event of result.body as LogEvent[]) {
        const published = Date.parse(event.published);
        expect(published).toBeLessThanOrEqual(newest);
        newest = published;
        seen.add(event.uuid);
        listed += 1;
      }
      const links = 'headers' in result ? (result.headers?.Link ?? []) : [];
      const link = [links].flat().find((value) => value.endsWith('"next"'));
      next = link === undefined ? null : new URL(/<([^>]+)>/.exec(link)?.[1] ?? '');
    }
    expect(listed).toBe(50_000);
    expect(seen.size).toBe(50_000);
    const failures = entries.filter((entry) => entry.outcome === 'FAILURE');
    expect(failures.length).toBe(
      history.wrongPasswords + history.unknownUsers + history.notAssigned,
    );
    expect(new Set(failures.map((entry) => entry.reason))).toEqual(
      new Set(['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'access_denied']),
    );
  });

  it('has the shape of the events a real sign-in logs', () => {
    const { org, app } = demoOrg();
    const user = [...org.users.values()].find(
      (candidate) => candidate.profile.login === 'alice.martin@example.com',
    );
    const dana = [...org.users.values()].find(
      (candidate) => candidate.profile.login === 'dana.kowalski@example.com',
    );
    if (user === undefined || dana === undefined) {
      throw new Error('no demo users');
    }
    const client = {
      ipAddress: '127.0.0.1',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36',
      requestId: 'b'.repeat(32),
      requestUri: '/signin/default/abc',
      oauthClientId: clientIdOf(app),
    };
    const live = [
      ...recordSignInAttempt(org, {
        login: user.profile.login,
        user,
        outcome: 'SUCCESS',
        app,
        client,
      }),
      ...recordSignInAttempt(org, {
        login: user.profile.login,
        user,
        outcome: 'FAILURE',
        reason: 'INVALID_CREDENTIALS',
        client,
      }),
      recordOAuthAuthorize(org, {
        authServer: {
          kind: 'custom',
          server: org.authServers.get('default') ?? { id: 'default', record: { name: 'default' } },
          issuer: `${ORG_URL}/oauth2/default`,
        },
        app,
        clientId: clientIdOf(app),
        user: dana,
        outcome: 'FAILURE',
        reason: 'access_denied',
        debugData: { errorDescription: OKTA_OAUTH_TEXTS.notAssigned },
        client: { ...client, requestUri: '/oauth2/default/v1/authorize/abc' },
      }),
    ];
    const shapes = (events: LogEvent[]) =>
      new Map(
        events.map((event) => [`${event.eventType} ${event.outcome.result}`, shapeOf(event)]),
      );
    const liveShapes = shapes(live);
    // Every event of the first 5,000 has its kind's shape (the rest are made the same way).
    const known = added.slice(0, 5000).filter((event) => event.actor.id !== 'unknown');
    const kinds = new Set(known.map((event) => `${event.eventType} ${event.outcome.result}`));
    expect([...kinds].sort()).toEqual([...liveShapes.keys()].sort());
    for (const event of known) {
      const kind = `${event.eventType} ${event.outcome.result}`;
      expect(shapeOf(event), kind).toEqual(liveShapes.get(kind));
    }
    const refused = added.find((event) => event.eventType === 'app.oauth2.as.authorize');
    expect(refused).toMatchObject({
      outcome: { result: 'FAILURE', reason: 'access_denied' },
      client: { id: clientIdOf(kestra.app) },
      target: [{ id: kestra.app.id, type: 'AppInstance' }, { type: 'User' }],
      debugContext: { debugData: { errorDescription: OKTA_OAUTH_TEXTS.notAssigned } },
      authenticationContext: { issuer: { id: `${ORG_URL}/oauth2/default` } },
    });
    // Only the app's assigned users (Alice, Bilal, Chen) sign in to it.
    const signedIn = new Set(
      added
        .filter((event) => event.eventType === 'user.authentication.sso')
        .map((event) => event.actor.alternateId),
    );
    expect([...signedIn].sort()).toEqual([
      'alice.martin@example.com',
      'bilal.haddad@example.com',
      'chen.wei@example.com',
    ]);
  });

  it('is the same every time for the same org', () => {
    const again = demoOrg();
    const summary = addSignInHistory(again.org, {
      app: again.app,
      entries: 2000,
      now,
      orgUrl: ORG_URL,
    });
    const other = demoOrg();
    addSignInHistory(other.org, { app: other.app, entries: 2000, now, orgUrl: ORG_URL });
    const events = (org: typeof again.org) =>
      org.systemLog.entries.slice(-summary.events).map((entry) => withoutOrgIds(entry.event));
    expect(events(other.org)).toEqual(events(again.org));
  });

  it('keeps the log within its capacity, dropping the oldest stored events', () => {
    const { org, app } = demoOrg();
    const before = org.systemLog.entries.length;
    const first = addSignInHistory(org, {
      app,
      entries: MAX_SIGN_IN_HISTORY,
      now,
      orgUrl: ORG_URL,
    });
    const second = addSignInHistory(org, {
      app,
      entries: MAX_SIGN_IN_HISTORY,
      now,
      orgUrl: ORG_URL,
    });
    const stored = before + first.events + second.events;
    expect(stored).toBeGreaterThan(SYSTEM_LOG_CAPACITY);
    expect(org.systemLog.entries).toHaveLength(SYSTEM_LOG_CAPACITY);
    expect(org.systemLog.entries.at(-1)?.seq).toBe(org.systemLog.nextSeq - 1);
    expect(org.systemLog.entries[0]?.seq).toBe(stored - SYSTEM_LOG_CAPACITY + 1);
  });

  it('refuses a count or a window it cannot hold, and an app that is not OIDC', () => {
    const { org, app } = demoOrg();
    for (const entries of [-1, 1.5, MAX_SIGN_IN_HISTORY + 1]) {
      expect(() => addSignInHistory(org, { app, entries, now, orgUrl: ORG_URL })).toThrow(
        RangeError,
      );
    }
    expect(() => addSignInHistory(org, { app, entries: 1, days: 0, now, orgUrl: ORG_URL })).toThrow(
      /positive number of days/,
    );
    const wiki = [...org.apps.values()].find((candidate) => candidate.record.label === 'Team Wiki');
    expect(wiki).toBeDefined();
    if (wiki !== undefined) {
      expect(() => addSignInHistory(org, { app: wiki, entries: 1, now, orgUrl: ORG_URL })).toThrow(
        /is for an OIDC app/,
      );
    }
  });
});

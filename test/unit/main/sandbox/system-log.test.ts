import { describe, expect, it } from 'vitest';

import { createSandboxOrg, type SandboxApp } from '../../../../main/sandbox/sandbox-org.ts';
import {
  appendLogEvent,
  type LogClientInfo,
  recordOAuthAuthorize,
  recordOAuthTokenGrant,
  recordSignInAttempt,
  SYSTEM_LOG_CAPACITY,
  userActor,
} from '../../../../main/sandbox/system-log.ts';
import { createConformanceChecker } from '../../../support/conformance/management-spec.ts';

const NOW = new Date('2026-03-01T10:00:00.123Z');
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36';
const browser: LogClientInfo = {
  ipAddress: '127.0.0.1',
  userAgent: CHROME,
  requestId: 'oaeSignIn',
  requestUri: '/login/signin?fromURI=%2Foauth2',
};

function setUp() {
  const { org } = createSandboxOrg(() => NOW);
  const [user] = [...org.users.values()];
  if (user === undefined) {
    throw new Error('A new sandbox org has its super admin.');
  }
  const app: SandboxApp = {
    id: '0oaKestra',
    record: { label: 'Kestra', signOnMode: 'OPENID_CONNECT', status: 'ACTIVE' },
    secrets: [],
    users: new Map(),
    groups: new Map(),
  };
  return { org, user, app };
}

/** Every event must be one that `GET /api/v1/logs` may return, per management.yaml. */
const checker = createConformanceChecker();
function expectConformant(events: unknown[]) {
  expect(
    checker.check({ method: 'GET', path: '/api/v1/logs', status: 200, body: events }).errors,
  ).toEqual([]);
}

describe('recordSignInAttempt', () => {
  it('logs a successful sign-in into an app as session start and single sign-on', () => {
    const { org, user, app } = setUp();
    const events = recordSignInAttempt(org, {
      login: user.profile.login,
      user,
      outcome: 'SUCCESS',
      app,
      sessionId: 'idxSession1',
      client: browser,
    });
    expect(events).toMatchObject([
      {
        eventType: 'user.session.start',
        displayMessage: 'User login to Okta',
        legacyEventType: 'core.user_auth.login_success',
        severity: 'INFO',
        published: NOW.toISOString(),
        outcome: { result: 'SUCCESS' },
        actor: userActor(user),
        client: {
          ipAddress: '127.0.0.1',
          device: 'Computer',
          userAgent: { rawUserAgent: CHROME, browser: 'CHROME', os: 'Mac OS X' },
        },
        authenticationContext: {
          credentialType: 'PASSWORD',
          externalSessionId: 'idxSession1',
        },
        transaction: { type: 'WEB', id: 'oaeSignIn' },
        debugContext: {
          debugData: { requestUri: '/login/signin', url: '/login/signin?fromURI=%2Foauth2' },
        },
      },
      {
        eventType: 'user.authentication.sso',
        displayMessage: 'User single sign on to app',
        target: [
          { id: '0oaKestra', type: 'AppInstance', displayName: 'Kestra' },
          { id: user.id, type: 'AppUser', alternateId: user.profile.login },
        ],
      },
    ]);
    expect(events[0]?.outcome).not.toHaveProperty('reason');
    expect(org.systemLog.entries.map((entry) => entry.event)).toEqual(events);
    expectConformant(events);
  });

  it('logs a failure with its reason, WARN, and an unknown user as Okta does', () => {
    const { org } = setUp();
    const [event, ...rest] = recordSignInAttempt(org, {
      login: 'nobody@example.com',
      outcome: 'FAILURE',
      reason: 'VERIFICATION_ERROR',
      client: { ipAddress: '::1' },
    });
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      eventType: 'user.session.start',
      legacyEventType: 'core.user_auth.login_failed',
      severity: 'WARN',
      outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' },
      actor: { id: 'unknown', alternateId: 'nobody@example.com', displayName: 'unknown' },
      authenticationContext: { externalSessionId: 'unknown' },
      client: { userAgent: { browser: 'UNKNOWN', os: 'Unknown' }, device: 'Unknown' },
      request: { ipChain: [{ ip: '::1', version: 'V6' }] },
    });
    expect(event).not.toHaveProperty('target');
    expectConformant([event]);
  });

  it('logs a wrong password for a known user as INVALID_CREDENTIALS, without SSO', () => {
    const { org, user, app } = setUp();
    const events = recordSignInAttempt(org, {
      login: user.profile.login,
      user,
      outcome: 'FAILURE',
      reason: 'INVALID_CREDENTIALS',
      app,
      sessionId: 'ignored',
      client: browser,
    });
    expect(events.map((event) => [event.eventType, event.outcome])).toEqual([
      ['user.session.start', { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }],
    ]);
    expect(events[0]?.authenticationContext.externalSessionId).toBe('unknown');
  });
});

describe('recordOAuthAuthorize and recordOAuthTokenGrant', () => {
  it('logs a redirect_uri mismatch at a custom server with illegal_redirect_uri', () => {
    const { org, app } = setUp();
    const server = org.authServers.get('default') ?? { id: 'default', record: { name: 'default' } };
    const event = recordOAuthAuthorize(org, {
      authServer: { kind: 'custom', server, issuer: 'http://127.0.0.1:1/oauth2/default' },
      app,
      clientId: app.id,
      outcome: 'FAILURE',
      reason: 'illegal_redirect_uri',
      debugData: { redirectUri: 'http://localhost:9999/callback' },
      client: browser,
    });
    expect(event).toMatchObject({
      eventType: 'app.oauth2.as.authorize',
      displayMessage: 'OAuth2 authorization request',
      legacyEventType: 'app.oauth2.as.authorize_failure',
      severity: 'WARN',
      outcome: { result: 'FAILURE', reason: 'illegal_redirect_uri' },
      actor: { id: app.id, type: 'PublicClientApp', displayName: 'Kestra' },
      client: { id: app.id },
      target: [{ id: app.id, type: 'AppInstance' }],
      debugContext: { debugData: { redirectUri: 'http://localhost:9999/callback' } },
      authenticationContext: {
        issuer: { id: 'http://127.0.0.1:1/oauth2/default', type: 'AUTHORIZATION_SERVER' },
      },
    });
    expectConformant([event]);
  });

  it('logs a code grant at the org server, and one event per token issued', () => {
    const { org, user, app } = setUp();
    const authServer = { kind: 'org', issuer: 'http://127.0.0.1:1' } as const;
    const code = recordOAuthAuthorize(org, {
      authServer,
      app,
      clientId: app.id,
      user,
      outcome: 'SUCCESS',
      client: browser,
    });
    const tokens = recordOAuthTokenGrant(org, {
      authServer,
      app,
      clientId: app.id,
      user,
      outcome: 'SUCCESS',
      tokens: ['access_token', 'id_token'],
      client: browser,
    });
    const failure = recordOAuthTokenGrant(org, {
      authServer,
      clientId: '0oaUnknown',
      outcome: 'FAILURE',
      reason: 'invalid_client',
      client: browser,
    });
    expect([code, ...tokens, ...failure].map((event) => [event.eventType, event.actor.id])).toEqual(
      [
        ['app.oauth2.authorize.code', user.id],
        ['app.oauth2.token.grant.access_token', user.id],
        ['app.oauth2.token.grant.id_token', user.id],
        ['app.oauth2.token.grant', '0oaUnknown'],
      ],
    );
    expect(failure[0]).toMatchObject({
      outcome: { result: 'FAILURE', reason: 'invalid_client' },
      actor: { displayName: 'unknown' },
    });
    expectConformant([code, ...tokens, ...failure]);
  });
});

describe('the log store', () => {
  it(`keeps the newest ${String(SYSTEM_LOG_CAPACITY)} events`, () => {
    const { org, user } = setUp();
    for (let index = 0; index <= SYSTEM_LOG_CAPACITY; index += 1) {
      appendLogEvent(org, {
        eventType: 'user.account.update_profile',
        actor: userActor(user),
        client: { ipAddress: '127.0.0.1' },
      });
    }
    expect(org.systemLog.entries).toHaveLength(SYSTEM_LOG_CAPACITY);
    expect(org.systemLog.entries[0]?.seq).toBe(2);
    expect(org.systemLog.entries.at(-1)?.seq).toBe(SYSTEM_LOG_CAPACITY + 1);
  });
});

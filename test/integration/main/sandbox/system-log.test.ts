import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSandboxToken, setSandboxClockOffset } from '../../../support/sandbox-control.ts';
import { collect, kestraApp, type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The System Log through the SDK's `systemLogApi.listLogEvents`: an event for every admin change
 * with Okta's event type and target, and Okta's query semantics — `since`, `until`, `filter`,
 * `q`, `sortOrder`, paging, the polling `next` link, and the errors for a bad date or filter.
 * The sandbox runs without rate limits: this file makes more log queries than the 50 a minute
 * an enterprise org allows.
 */
let sandbox: RunningSandbox;
let client: OktaSdkClient;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'unlimited' });
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
});

afterEach(async () => {
  await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 0);
});

afterAll(async () => {
  await sandbox.close();
});

/** A moment strictly between the events before and after it (the log has millisecond stamps). */
async function mark(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const moment = sandbox.clock().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  return moment;
}

/** A bounded query (with `until`), which the SDK's iterator drains page by page. */
async function bounded(query: Parameters<typeof client.systemLogApi.listLogEvents>[0] = {}) {
  return collect(
    await client.systemLogApi.listLogEvents({ until: await mark(), limit: 1000, ...query }),
  );
}

describe('admin changes', () => {
  it('logs each change with Okta’s event type and its targets', async () => {
    const since = await mark();
    const expected: [string, string[]][] = [];
    const user = await client.userApi.createUser({
      body: {
        profile: {
          firstName: 'Log',
          lastName: 'Subject',
          email: 'log.subject@example.com',
          login: 'log.subject@example.com',
        },
      },
    });
    const userId = user.id ?? '';
    expected.push(['user.lifecycle.create', [userId]], ['user.lifecycle.activate', [userId]]);
    await client.userApi.updateUser({ userId, user: { profile: { nickName: 'Logged' } } });
    expected.push(['user.account.update_profile', [userId]]);

    const group = await client.groupApi.createGroup({ group: { profile: { name: 'Loggers' } } });
    const groupId = group.id ?? '';
    await client.groupApi.replaceGroup({
      groupId,
      group: { profile: { name: 'Loggers', description: 'People who log' } },
    });
    await client.groupApi.assignUserToGroup({ groupId, userId });
    await client.groupApi.unassignUserFromGroup({ groupId, userId });
    expected.push(
      ['group.lifecycle.create', [groupId]],
      ['group.profile.update', [groupId]],
      ['group.user_membership.add', [userId, groupId]],
      ['group.user_membership.remove', [userId, groupId]],
    );

    const app = await client.applicationApi.createApplication({ application: kestraApp() });
    const appId = app.id ?? '';
    await client.applicationApi.assignUserToApplication({ appId, appUser: { id: userId } });
    await client.applicationApi.unassignUserFromApplication({ appId, userId });
    await client.applicationApi.assignGroupToApplication({ appId, groupId });
    await client.applicationApi.unassignApplicationFromGroup({ appId, groupId });
    const secret = await client.applicationSSOPublicKeysApi.createOAuth2ClientSecret({ appId });
    await client.applicationApi.deactivateApplication({ appId });
    await client.applicationApi.deleteApplication({ appId });
    expected.push(
      ['application.lifecycle.create', [appId]],
      ['application.lifecycle.activate', [appId]],
      ['application.user_membership.add', [appId, userId]],
      ['application.user_membership.remove', [appId, userId]],
      ['group.application_assignment.add', [groupId, appId]],
      ['group.application_assignment.remove', [groupId, appId]],
      ['application.lifecycle.update', [appId]],
      ['application.lifecycle.deactivate', [appId]],
      ['application.lifecycle.delete', [appId]],
    );

    const origin = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Kestra',
        origin: 'https://kestra.example.com',
        scopes: [{ type: 'CORS' }],
      },
    });
    await client.trustedOriginApi.deactivateTrustedOrigin({ trustedOriginId: origin.id ?? '' });
    await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: origin.id ?? '' });
    expected.push(
      ['security.trusted_origin.create', [origin.id ?? '']],
      ['security.trusted_origin.deactivate', [origin.id ?? '']],
      ['security.trusted_origin.delete', [origin.id ?? '']],
    );

    const server = await client.authorizationServerApi.createAuthorizationServer({
      authorizationServer: { name: 'Logged AS', audiences: ['api://logged'] },
    });
    const authServerId = server.id ?? '';
    const scope = await client.authorizationServerApi.createOAuth2Scope({
      authServerId,
      oAuth2Scope: { name: 'groups' },
    });
    const claim = await client.authorizationServerApi.createOAuth2Claim({
      authServerId,
      oAuth2Claim: { name: 'groups', claimType: 'IDENTITY', valueType: 'GROUPS' } as never,
    });
    const policy = await client.authorizationServerApi.createAuthorizationServerPolicy({
      authServerId,
      policy: {
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: 'Everyone',
        conditions: { clients: { include: ['ALL_CLIENTS'] } },
      } as never,
    });
    const rule = await client.authorizationServerApi.createAuthorizationServerPolicyRule({
      authServerId,
      policyId: policy.id ?? '',
      policyRule: {
        name: 'Code flow',
        type: 'RESOURCE_ACCESS',
        conditions: { grantTypes: { include: ['authorization_code'] } },
      } as never,
    });
    await client.authorizationServerApi.deactivateAuthorizationServer({ authServerId });
    await client.authorizationServerApi.deleteAuthorizationServer({ authServerId });
    expected.push(
      ['oauth2.as.created', [authServerId]],
      ['oauth2.scope.created', [scope.id ?? '', authServerId]],
      ['oauth2.claim.created', [claim.id ?? '', authServerId]],
      ['policy.lifecycle.create', [policy.id ?? '', authServerId]],
      ['policy.rule.add', [rule.id ?? '', authServerId]],
      ['oauth2.as.deactivated', [authServerId]],
      ['oauth2.as.deleted', [authServerId]],
    );

    await client.userApi.deleteUser({ userId });
    await client.userApi.deleteUser({ userId });
    await client.groupApi.deleteGroup({ groupId });
    expected.push(
      ['user.lifecycle.deactivate', [userId]],
      ['user.lifecycle.delete.initiated', [userId]],
      ['user.lifecycle.delete.completed', [userId]],
      ['group.lifecycle.delete', [groupId]],
    );

    const events = await bounded({ since });
    expect(events.map((event) => [event.eventType, event.target?.map((t) => t.id)])).toEqual(
      expected,
    );
    const me = await client.userApi.getUser({ userId: 'me' });
    for (const event of events) {
      expect(event.actor).toMatchObject({
        id: me.id,
        type: 'User',
        alternateId: 'admin@sandbox.example',
        displayName: 'Sandbox Admin',
      });
      expect(event.outcome?.result).toBe('SUCCESS');
      expect(event.severity).toBe('INFO');
      expect(event.version).toBe('0');
      expect(event.transaction?.detail).toMatchObject({
        requestApiTokenId: expect.stringMatching(/^00T[0-9a-f]{17}$/) as string,
      });
    }
    expect(events[0]).toMatchObject({
      displayMessage: 'Create okta user',
      legacyEventType: 'core.user.config.user_creation.success',
      target: [
        { type: 'User', alternateId: 'log.subject@example.com', displayName: 'Log Subject' },
      ],
    });
    const membership = events.find((event) => event.eventType === 'group.user_membership.add');
    expect(membership?.displayMessage).toBe('Add user to group membership');
    expect(membership?.target?.map((target) => target.type)).toEqual(['User', 'UserGroup']);
    const secretEvent = events.find((event) => event.eventType === 'application.lifecycle.update');
    expect(secretEvent?.debugContext?.debugData).toMatchObject({
      clientSecretId: secret.id,
      clientSecretChange: 'create',
      requestUri: `/api/v1/apps/${appId}/credentials/secrets`,
    });
  });

  it('names the API token behind a change, as created through the control API', async () => {
    const since = await mark();
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['SUPER_ADMIN']);
    const second = await sdkClient(sandbox.orgUrl, token).groupApi.createGroup({
      group: { profile: { name: 'Made with a second token' } },
    });
    const first = await client.groupApi.createGroup({
      group: { profile: { name: 'Made with the first token' } },
    });
    const [created, bySecond, byFirst] = await bounded({ since });
    expect(created).toMatchObject({
      eventType: 'system.api_token.create',
      displayMessage: 'Create API token',
      target: [{ type: 'Token' }],
    });
    expect(bySecond).toMatchObject({ target: [{ id: second.id }], actor: created?.actor });
    expect(byFirst).toMatchObject({ target: [{ id: first.id }] });
    const tokenIdOf = (event: typeof created): unknown =>
      event?.transaction?.detail?.requestApiTokenId;
    expect(tokenIdOf(bySecond)).toBe(created?.target?.[0]?.id);
    expect(tokenIdOf(byFirst)).not.toBe(tokenIdOf(bySecond));
  });
});

describe('queries', () => {
  let before: string;
  let between: string;
  let groupIds: string[];

  beforeAll(async () => {
    before = await mark();
    const alpha = await client.groupApi.createGroup({
      group: { profile: { name: 'Query Alpha' } },
    });
    const beta = await client.groupApi.createGroup({ group: { profile: { name: 'Query Beta' } } });
    between = await mark();
    const gamma = await client.groupApi.createGroup({
      group: { profile: { name: 'Query Gamma' } },
    });
    groupIds = [alpha.id ?? '', beta.id ?? '', gamma.id ?? ''];
  });

  const names = (events: { target?: { displayName?: string }[] }[]) =>
    events.map((event) => event.target?.[0]?.displayName);

  it('bounds by since and until', async () => {
    expect(names(await bounded({ since: before, until: between }))).toEqual([
      'Query Alpha',
      'Query Beta',
    ]);
    expect(names(await bounded({ since: between }))).toEqual(['Query Gamma']);
  });

  it('filters with Okta’s expressions, through the target array too', async () => {
    expect(
      names(await bounded({ since: before, filter: `target.id eq "${groupIds[1] ?? ''}"` })),
    ).toEqual(['Query Beta']);
    expect(
      names(
        await bounded({
          since: before,
          filter: 'eventType eq "group.lifecycle.create" and outcome.result eq "SUCCESS"',
        }),
      ),
    ).toEqual(['Query Alpha', 'Query Beta', 'Query Gamma']);
    expect(await bounded({ since: before, filter: 'outcome.result eq "FAILURE"' })).toEqual([]);
  });

  it('keeps events holding every q keyword, whatever their case', async () => {
    expect(names(await bounded({ since: before, q: 'gamma' }))).toEqual(['Query Gamma']);
    expect(names(await bounded({ since: before, q: 'query BETA' }))).toEqual(['Query Beta']);
    expect(await bounded({ since: before, q: 'query delta' })).toEqual([]);
  });

  it('sorts DESCENDING and pages with the SDK’s iterator', async () => {
    expect(names(await bounded({ since: before, sortOrder: 'DESCENDING', limit: 1 }))).toEqual([
      'Query Gamma',
      'Query Beta',
      'Query Alpha',
    ]);
    expect(names(await bounded({ since: before, limit: 2 }))).toEqual([
      'Query Alpha',
      'Query Beta',
      'Query Gamma',
    ]);
  });

  it('starts 7 days before now when there is no since', async () => {
    await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 8 * 24 * 60 * 60);
    expect(await bounded({ q: 'Query' })).toEqual([]);
    expect(names(await bounded({ since: before, q: 'Query' }))).toHaveLength(3);
  });

  it('polls without until: the next link stays, and brings events logged later', async () => {
    const stream = await client.systemLogApi.listLogEvents({
      since: before,
      filter: 'eventType eq "group.lifecycle.create" and target.displayName sw "Query"',
    });
    const seen: (string | undefined)[] = [];
    for (let next = await stream.next(); next.value !== null; next = await stream.next()) {
      seen.push(next.value.target?.[0]?.displayName);
    }
    expect(seen).toEqual(['Query Alpha', 'Query Beta', 'Query Gamma']);
    // An empty page still has a next link: the stream is not done.
    const empty = await stream.next();
    expect(empty).toEqual({ value: null, done: false });
    await client.groupApi.createGroup({ group: { profile: { name: 'Query Delta' } } });
    const later = await stream.next();
    expect(later.value?.target?.[0]?.displayName).toBe('Query Delta');
  });

  it('has no next link on the last page of a bounded query', async () => {
    const response = await fetch(
      `${sandbox.orgUrl}/api/v1/logs?since=${encodeURIComponent(before)}&until=${encodeURIComponent(between)}&limit=1`,
      { headers: { Authorization: `SSWS ${sandbox.apiToken}` } },
    );
    const next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const last = await fetch(next ?? '', {
      headers: { Authorization: `SSWS ${sandbox.apiToken}` },
    });
    expect(((await last.json()) as unknown[]).length).toBe(1);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it.each([
    [
      { since: 'last tuesday' },
      'E0000030',
      "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd''T''HH:mm:ss.SSSZZ",
    ],
    [
      { until: '2024-13-45T99:00:00Z' },
      'E0000030',
      "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd''T''HH:mm:ss.SSSZZ",
    ],
    [{ filter: 'eventType eq' }, 'E0000031', 'Bad request. Invalid filter parameter.'],
    [
      { after: 'bm90IGEgY3Vyc29y' },
      'E0000029',
      'Invalid paging request. Ensure the pagination cursor has not been altered',
    ],
  ])('answers %j with %s and Okta’s text', async (query, errorCode, errorSummary) => {
    await expect(collect(await client.systemLogApi.listLogEvents(query))).rejects.toMatchObject({
      status: 400,
      errorCode,
      errorSummary,
    });
  });

  it('refuses an admin without a log-reading role with E0000006', async () => {
    const appAdmin = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['APP_ADMIN']);
    await expect(
      collect(await sdkClient(sandbox.orgUrl, appAdmin).systemLogApi.listLogEvents({})),
    ).rejects.toMatchObject({ status: 403, errorCode: 'E0000006' });
  });
});

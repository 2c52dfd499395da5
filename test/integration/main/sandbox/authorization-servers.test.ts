import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Custom authorization servers through the real SDK against `npm run sandbox`: the `default`
 * server every org has, and full create / read / update / delete of servers, scopes, claims
 * (a groups claim included), access policies and their rules, plus the signing keys.
 */
let sandbox: CapturedProcess;
let orgUrl: string;
let client: OktaSdkClient;

beforeAll(async () => {
  ({ sandbox, orgUrl, client } = await startSandboxWithClient());
});

afterAll(async () => {
  await sandbox.stop();
});

describe('authorization servers', () => {
  it('has the default server, with the system scopes and a default policy for every client', async () => {
    const server = await client.authorizationServerApi.getAuthorizationServer({
      authServerId: 'default',
    });
    expect(server).toMatchObject({
      id: 'default',
      name: 'default',
      audiences: ['api://default'],
      status: 'ACTIVE',
    });
    expect(server.issuer).toBe(`${orgUrl}/oauth2/default`);
    const scopes = await collect(
      await client.authorizationServerApi.listOAuth2Scopes({ authServerId: 'default' }),
    );
    expect(scopes.map((scope) => scope.name)).toEqual([
      'openid',
      'profile',
      'email',
      'address',
      'phone',
      'offline_access',
    ]);
    const [policy] = await collect(
      await client.authorizationServerApi.listAuthorizationServerPolicies({
        authServerId: 'default',
      }),
    );
    expect(policy).toMatchObject({
      name: 'Default Policy',
      conditions: { clients: { include: ['ALL_CLIENTS'] } },
    });
    const rules = await collect(
      await client.authorizationServerApi.listAuthorizationServerPolicyRules({
        authServerId: 'default',
        policyId: policy?.id ?? '',
      }),
    );
    expect(rules.map((rule) => rule.name)).toEqual(['Default Policy Rule']);
    const [key] = await collect(
      await client.authorizationServerApi.listAuthorizationServerKeys({ authServerId: 'default' }),
    );
    expect(key).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      status: 'ACTIVE',
      kid: server.credentials?.signing?.kid,
    });
  });

  it('creates, replaces, deactivates and deletes a server with scopes, a groups claim, a policy and a rule', async () => {
    const created = await client.authorizationServerApi.createAuthorizationServer({
      authorizationServer: { name: 'Kaimu', description: 'Kaimu SSO', audiences: ['api://kaimu'] },
    });
    expect(created.id).toMatch(/^aus[A-Za-z0-9]{17}$/);
    const authServerId = created.id ?? '';

    const scope = await client.authorizationServerApi.createOAuth2Scope({
      authServerId,
      oAuth2Scope: {
        name: 'groups',
        description: 'Group membership',
        metadataPublish: 'ALL_CLIENTS',
      } as never,
    });
    expect(scope).toMatchObject({ name: 'groups', system: false, metadataPublish: 'ALL_CLIENTS' });
    await expect(
      client.authorizationServerApi.createOAuth2Scope({
        authServerId,
        oAuth2Scope: { name: 'groups' },
      }),
    ).rejects.toMatchObject({
      status: 400,
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: name',
    });

    const claim = await client.authorizationServerApi.createOAuth2Claim({
      authServerId,
      oAuth2Claim: {
        name: 'groups',
        claimType: 'IDENTITY',
        valueType: 'GROUPS',
        group_filter_type: 'REGEX',
        value: '.*',
        conditions: { scopes: ['groups'] },
        alwaysIncludeInToken: true,
      } as never,
    });
    expect(claim).toMatchObject({
      name: 'groups',
      valueType: 'GROUPS',
      group_filter_type: 'REGEX',
      status: 'ACTIVE',
    });

    const policy = await client.authorizationServerApi.createAuthorizationServerPolicy({
      authServerId,
      policy: {
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: 'Kaimu clients',
        description: 'Kaimu',
        conditions: { clients: { include: ['0oaKaimuClient'] } },
      } as never,
    });
    const rule = await client.authorizationServerApi.createAuthorizationServerPolicyRule({
      authServerId,
      policyId: policy.id ?? '',
      policyRule: {
        name: 'Kaimu users',
        type: 'RESOURCE_ACCESS',
        conditions: {
          people: { groups: { include: ['EVERYONE'] } },
          grantTypes: { include: ['authorization_code'] },
          scopes: { include: ['openid', 'profile', 'email', 'groups'] },
        },
      } as never,
    });
    expect(rule).toMatchObject({
      name: 'Kaimu users',
      status: 'ACTIVE',
      conditions: { grantTypes: { include: ['authorization_code'] } },
    });
    await client.authorizationServerApi.deactivateAuthorizationServerPolicyRule({
      authServerId,
      policyId: policy.id ?? '',
      ruleId: rule.id ?? '',
    });
    expect(
      (
        await client.authorizationServerApi.getAuthorizationServerPolicyRule({
          authServerId,
          policyId: policy.id ?? '',
          ruleId: rule.id ?? '',
        })
      ).status,
    ).toBe('INACTIVE');

    const replaced = await client.authorizationServerApi.replaceAuthorizationServer({
      authServerId,
      authorizationServer: {
        name: 'Kaimu prod',
        description: 'Kaimu SSO',
        audiences: ['api://kaimu'],
      },
    });
    expect(replaced.name).toBe('Kaimu prod');
    await client.authorizationServerApi.deactivateAuthorizationServer({ authServerId });
    expect(
      (await client.authorizationServerApi.getAuthorizationServer({ authServerId })).status,
    ).toBe('INACTIVE');

    const system = (
      await collect(await client.authorizationServerApi.listOAuth2Scopes({ authServerId }))
    ).find((s) => s.name === 'openid');
    await expect(
      client.authorizationServerApi.deleteOAuth2Scope({ authServerId, scopeId: system?.id ?? '' }),
    ).rejects.toMatchObject({
      status: 403,
      errorCode: 'E0000006',
    });
    await client.authorizationServerApi.deleteOAuth2Scope({
      authServerId,
      scopeId: scope.id ?? '',
    });
    await client.authorizationServerApi.deleteAuthorizationServer({ authServerId });
    await expect(
      client.authorizationServerApi.getAuthorizationServer({ authServerId }),
    ).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
      errorSummary: `Not found: Resource not found: ${authServerId} (AuthorizationServer)`,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  kestraApp,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * App integrations through the real SDK against `npm run sandbox`: OIDC and bookmark apps,
 * lifecycle, client-secret rotation, user and group assignments, pagination, Okta's errors.
 */
let sandbox: CapturedProcess;
let client: OktaSdkClient;

beforeAll(async () => {
  ({ sandbox, client } = await startSandboxWithClient());
});

afterAll(async () => {
  await sandbox.stop();
});

type OidcView = {
  id: string;
  status: string;
  label: string;
  profile?: Record<string, unknown>;
  credentials: {
    oauthClient: {
      client_id: string;
      client_secret?: string;
      pkce_required: boolean;
      token_endpoint_auth_method: string;
    };
  };
  settings: { oauthClient: { redirect_uris: string[] } };
};

describe('applications', () => {
  it('creates an OIDC app, shows its secret only once, replaces, deactivates and deletes it', async () => {
    const created = (await client.applicationApi.createApplication({
      application: kestraApp(),
    })) as unknown as OidcView;
    expect(created.status).toBe('ACTIVE');
    expect(created.id).toMatch(/^0oa[A-Za-z0-9]{17}$/);
    expect(created.credentials.oauthClient.client_id).toBe(created.id);
    expect(created.credentials.oauthClient.client_secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(created.profile).toEqual({ 'x-sso-console': { runId: 'r1', opId: 'app' } });

    const read = (await client.applicationApi.getApplication({
      appId: created.id,
    })) as unknown as OidcView;
    expect(read.credentials.oauthClient.client_secret).toBeUndefined();
    expect(read.credentials.oauthClient.pkce_required).toBe(false);

    const changed = kestraApp('Kestra (prod)') as unknown as OidcView;
    changed.settings.oauthClient.redirect_uris = ['https://kestra.example.com/oauth/callback/okta'];
    const replaced = (await client.applicationApi.replaceApplication({
      appId: created.id,
      application: changed as never,
    })) as unknown as OidcView;
    expect(replaced.label).toBe('Kestra (prod)');
    expect(replaced.settings.oauthClient.redirect_uris).toEqual([
      'https://kestra.example.com/oauth/callback/okta',
    ]);
    expect(replaced.credentials.oauthClient.client_id).toBe(created.id);

    await expect(
      client.applicationApi.deleteApplication({ appId: created.id }),
    ).rejects.toMatchObject({
      status: 403,
      errorCode: 'E0000056',
      errorSummary: 'Delete application forbidden.',
      errorCauses: [{ errorSummary: 'The application must be deactivated before deletion.' }],
    });
    await client.applicationApi.deactivateApplication({ appId: created.id });
    expect((await client.applicationApi.getApplication({ appId: created.id })).status).toBe(
      'INACTIVE',
    );
    await client.applicationApi.deleteApplication({ appId: created.id });
    await expect(client.applicationApi.getApplication({ appId: created.id })).rejects.toMatchObject(
      {
        status: 404,
        errorCode: 'E0000007',
        errorSummary: `Not found: Resource not found: ${created.id} (AppInstance)`,
      },
    );
  });

  it('creates a public SPA client with PKCE required, and a bookmark app, both inactive on request', async () => {
    const spa = (await client.applicationApi.createApplication({
      activate: false,
      application: {
        name: 'oidc_client',
        label: 'SPA',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
        settings: {
          oauthClient: {
            application_type: 'browser',
            grant_types: ['authorization_code'],
            redirect_uris: ['http://localhost:3000/cb'],
          },
        },
      } as never,
    })) as unknown as OidcView;
    expect(spa.status).toBe('INACTIVE');
    expect(spa.credentials.oauthClient).toMatchObject({
      token_endpoint_auth_method: 'none',
      pkce_required: true,
    });
    expect(spa.credentials.oauthClient.client_secret).toBeUndefined();
    const bookmark = await client.applicationApi.createApplication({
      application: {
        name: 'bookmark',
        label: 'Docs',
        signOnMode: 'BOOKMARK',
        settings: { app: { url: 'https://docs.example.com' } },
      } as never,
    });
    expect(bookmark).toMatchObject({ signOnMode: 'BOOKMARK', status: 'ACTIVE' });
  });

  it('rotates client secrets: a second one, deactivate the first, delete it', async () => {
    const app = (await client.applicationApi.createApplication({
      application: kestraApp('Rotating'),
    })) as unknown as OidcView;
    const [first] = await collect(
      await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: app.id }),
    );
    const second = await client.applicationSSOPublicKeysApi.createOAuth2ClientSecret({
      appId: app.id,
    });
    expect(second.client_secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(second.status).toBe('ACTIVE');
    await client.applicationSSOPublicKeysApi.deactivateOAuth2ClientSecret({
      appId: app.id,
      secretId: first?.id ?? '',
    });
    await client.applicationSSOPublicKeysApi.deleteOAuth2ClientSecret({
      appId: app.id,
      secretId: first?.id ?? '',
    });
    const remaining = await collect(
      await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: app.id }),
    );
    expect(remaining.map((secret) => secret.id)).toEqual([second.id]);
    expect(remaining[0]?.client_secret).toBeUndefined();
  });

  it('assigns users directly and through groups, and lists who has access and how', async () => {
    const app = (await client.applicationApi.createApplication({
      application: kestraApp('Assigned'),
    })) as unknown as OidcView;
    const direct = await client.userApi.createUser({
      body: {
        profile: {
          firstName: 'Dee',
          lastName: 'Rect',
          email: 'direct@example.com',
          login: 'direct@example.com',
        },
      },
    });
    const viaGroup = await client.userApi.createUser({
      body: {
        profile: {
          firstName: 'Gee',
          lastName: 'Roup',
          email: 'group@example.com',
          login: 'group@example.com',
        },
      },
    });
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Kestra users' } },
    });
    await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: viaGroup.id ?? '' });

    const appUser = await client.applicationApi.assignUserToApplication({
      appId: app.id,
      appUser: { id: direct.id ?? '' },
    });
    expect(appUser).toMatchObject({
      id: direct.id,
      scope: 'USER',
      credentials: { userName: 'direct@example.com' },
    });
    const assignment = await client.applicationApi.assignGroupToApplication({
      appId: app.id,
      groupId: group.id ?? '',
    });
    expect(assignment.id).toBe(group.id);

    const users = await collect(
      await client.applicationApi.listApplicationUsers({ appId: app.id }),
    );
    expect(users.map((user) => [user.id, user.scope])).toEqual([
      [direct.id, 'USER'],
      [viaGroup.id, 'GROUP'],
    ]);
    const groups = await collect(
      await client.applicationApi.listApplicationGroupAssignments({ appId: app.id }),
    );
    expect(groups.map((g) => g.id)).toEqual([group.id]);
    expect(groups[0]?._embedded).toBeUndefined();

    // expand embeds the group and the user, so a listing needs no call per row.
    const expandedGroups = await collect(
      await client.applicationApi.listApplicationGroupAssignments({
        appId: app.id,
        expand: 'group',
      }),
    );
    expect(expandedGroups[0]?._embedded).toMatchObject({
      group: { id: group.id, profile: { name: 'Kestra users' } },
    });
    const expandedUsers = await collect(
      await client.applicationApi.listApplicationUsers({ appId: app.id, expand: 'user' }),
    );
    expect(expandedUsers.map((user) => user._embedded)).toMatchObject([
      { user: { id: direct.id, profile: { firstName: 'Dee', lastName: 'Rect' } } },
      { user: { id: viaGroup.id, profile: { firstName: 'Gee', lastName: 'Roup' } } },
    ]);

    await client.applicationApi.unassignUserFromApplication({
      appId: app.id,
      userId: direct.id ?? '',
    });
    await client.applicationApi.unassignApplicationFromGroup({
      appId: app.id,
      groupId: group.id ?? '',
    });
    expect(
      await collect(await client.applicationApi.listApplicationUsers({ appId: app.id })),
    ).toEqual([]);
  });

  it('lists apps with q (label prefix), a status filter, and pages over three or more pages', async () => {
    for (let index = 0; index < 5; index += 1) {
      await client.applicationApi.createApplication({
        application: kestraApp(`Paged ${String(index)}`),
      });
    }
    const paged = await collect(
      await client.applicationApi.listApplications({ q: 'Paged', limit: 2 }),
    );
    expect(paged.map((app) => app.label)).toEqual([
      'Paged 0',
      'Paged 1',
      'Paged 2',
      'Paged 3',
      'Paged 4',
    ]);
    const inactive = await collect(
      await client.applicationApi.listApplications({ filter: 'status eq "INACTIVE"' }),
    );
    expect(inactive.map((app) => app.label)).toEqual(['SPA']);
  });
});

describe('trusted origins', () => {
  it('creates, lists, replaces, deactivates, reactivates and deletes a trusted origin', async () => {
    const created = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Kaimu SPA',
        origin: 'http://localhost:5173',
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
      } as never,
    });
    expect(created).toMatchObject({
      name: 'Kaimu SPA',
      origin: 'http://localhost:5173',
      status: 'ACTIVE',
    });
    expect(created.id).toMatch(/^tos[A-Za-z0-9]{17}$/);
    await expect(
      client.trustedOriginApi.createTrustedOrigin({
        trustedOrigin: {
          name: 'Again',
          origin: 'http://localhost:5173',
          scopes: [{ type: 'CORS' }],
        } as never,
      }),
    ).rejects.toMatchObject({
      status: 400,
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: origin',
    });
    expect(
      (await collect(await client.trustedOriginApi.listTrustedOrigins({ q: 'Kaimu' }))).map(
        (o) => o.id,
      ),
    ).toEqual([created.id]);
    const replaced = await client.trustedOriginApi.replaceTrustedOrigin({
      trustedOriginId: created.id ?? '',
      trustedOrigin: {
        name: 'Kaimu SPA',
        origin: 'https://kaimu.example.com',
        scopes: [{ type: 'CORS' }],
      } as never,
    });
    expect(replaced.origin).toBe('https://kaimu.example.com');
    expect(
      (await client.trustedOriginApi.deactivateTrustedOrigin({ trustedOriginId: created.id ?? '' }))
        .status,
    ).toBe('INACTIVE');
    expect(
      (await client.trustedOriginApi.activateTrustedOrigin({ trustedOriginId: created.id ?? '' }))
        .status,
    ).toBe('ACTIVE');
    await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: created.id ?? '' });
    await expect(
      client.trustedOriginApi.getTrustedOrigin({ trustedOriginId: created.id ?? '' }),
    ).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
    });
  });
});

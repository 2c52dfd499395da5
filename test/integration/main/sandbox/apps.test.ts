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
let orgUrl: string;
let apiToken: string;

beforeAll(async () => {
  ({ sandbox, client, orgUrl, apiToken } = await startSandboxWithClient());
});

afterAll(async () => {
  await sandbox.stop();
});

/** A client secret as Okta shows it after its creation (management.yaml `OAuth2ClientSecret`). */
function masked(secret: string): string {
  return `${secret.slice(0, 12)}......${secret.slice(-22)}`;
}

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
    expect(remaining[0]?.client_secret).toBe(masked(second.client_secret ?? ''));
  });

  it('shows a client secret in full only when creating it, masked as the spec shows it everywhere else', async () => {
    const app = (await client.applicationApi.createApplication({
      application: kestraApp('Masked secrets'),
    })) as unknown as OidcView;
    const api = client.applicationSSOPublicKeysApi;
    const firstSecret = app.credentials.oauthClient.client_secret ?? '';
    const [first] = await collect(await api.listOAuth2ClientSecrets({ appId: app.id }));
    // management.yaml oAuthClientSecretListResponse: `DRUFXGF9XbLn......a3x3POBiIxDreBCdZuFs5B`.
    expect(first?.client_secret).toBe(masked(firstSecret));
    expect(first?.client_secret).toMatch(/^[\w-]{12}\.{6}[\w-]{22}$/);

    const created = await api.createOAuth2ClientSecret({ appId: app.id });
    const full = created.client_secret ?? '';
    expect(full).toMatch(/^[\w-]{64}$/);
    const read = await api.getOAuth2ClientSecret({ appId: app.id, secretId: created.id ?? '' });
    expect(read.client_secret).toBe(masked(full));
    // The same secret has the same secret_hash wherever it is shown.
    expect(read.secret_hash).toBe(created.secret_hash);
    expect(read.secret_hash).toMatch(/^[\w-]{22}$/);

    const deactivated = await api.deactivateOAuth2ClientSecret({
      appId: app.id,
      secretId: first?.id ?? '',
    });
    expect(deactivated).toMatchObject({ status: 'INACTIVE', client_secret: masked(firstSecret) });
    // An INACTIVE secret links to its activation and its deletion (oAuthClientSecretListResponse).
    const self = `${orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${first?.id ?? ''}`;
    expect(deactivated._links?.activate?.href).toBe(`${self}/lifecycle/activate`);
    // The SDK names the `delete` link `_delete`.
    expect(deactivated._links?._delete?.href).toBe(self);
    expect(deactivated._links?.deactivate).toBeUndefined();
    const activated = await api.activateOAuth2ClientSecret({
      appId: app.id,
      secretId: first?.id ?? '',
    });
    expect(activated.client_secret).toBe(masked(firstSecret));
    expect(activated._links?.deactivate?.href).toBe(`${self}/lifecycle/deactivate`);
    expect(activated._links?._delete).toBeUndefined();
    expect(
      (await collect(await api.listOAuth2ClientSecrets({ appId: app.id }))).map(
        (secret) => secret.client_secret,
      ),
    ).toEqual([masked(firstSecret), masked(full)]);
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

describe('trusted origins as sent, and their filter', () => {
  it('keeps an origin exactly as it was sent, a trailing slash included', async () => {
    // The SDK's own tests against a live org send `https://{domain}/` and expect it back.
    const created = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Slash',
        origin: 'https://slash.example/',
        scopes: [{ type: 'REDIRECT' }],
      } as never,
    });
    expect(created.origin).toBe('https://slash.example/');
    const id = created.id ?? '';
    expect((await client.trustedOriginApi.getTrustedOrigin({ trustedOriginId: id })).origin).toBe(
      'https://slash.example/',
    );
    expect(
      (await collect(await client.trustedOriginApi.listTrustedOrigins({ q: 'Slash' }))).map(
        (origin) => origin.origin,
      ),
    ).toEqual(['https://slash.example/']);
    const replaced = await client.trustedOriginApi.replaceTrustedOrigin({
      trustedOriginId: id,
      trustedOrigin: {
        name: 'Slash',
        origin: 'https://Slash.example:8443',
        scopes: [{ type: 'REDIRECT' }],
      } as never,
    });
    expect(replaced.origin).toBe('https://Slash.example:8443');
    for (const origin of ['https://slash.example/path', 'https://slash.example/?a=b', 'app://x']) {
      await expect(
        client.trustedOriginApi.createTrustedOrigin({
          trustedOrigin: { name: `Bad ${origin}`, origin, scopes: [{ type: 'CORS' }] } as never,
        }),
      ).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed: origin',
      });
    }
    await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: id });
  });

  it('answers CORS for the origin a browser names when the trusted origin ends with a slash', async () => {
    const trusted = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'CORS with a slash',
        origin: 'http://cors-slash.example:3000/',
        scopes: [{ type: 'CORS' }],
      } as never,
    });
    const userinfo = (origin: string) =>
      fetch(`${orgUrl}/oauth2/default/v1/userinfo`, { headers: { origin } });
    const allowed = await userinfo('http://cors-slash.example:3000');
    expect(allowed.status).toBe(401);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      'http://cors-slash.example:3000',
    );
    const other = await userinfo('http://cors-slash.example:3001');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: trusted.id ?? '' });
  });

  it('filters on name, origin, status and type (a scope’s type), and refuses any other filter with E0000031', async () => {
    const made = [];
    for (const [name, origin, types] of [
      ['Filter CORS', 'https://f-cors.example', ['CORS']],
      ['Filter redirect', 'https://f-redirect.example/', ['REDIRECT']],
      ['Filter both', 'https://f-both.example', ['CORS', 'REDIRECT']],
    ] as const) {
      made.push(
        await client.trustedOriginApi.createTrustedOrigin({
          trustedOrigin: { name, origin, scopes: types.map((type) => ({ type })) },
        }),
      );
    }
    await client.trustedOriginApi.deactivateTrustedOrigin({
      trustedOriginId: made[2]?.id ?? '',
    });
    const names = async (filter: string, limit?: number) =>
      (
        await collect(
          await client.trustedOriginApi.listTrustedOrigins({
            filter,
            ...(limit === undefined ? {} : { limit }),
          }),
        )
      ).map((origin) => origin.name);

    // The SDK's own filter test against a live org: `type eq "REDIRECT"`, paged 2 at a time.
    expect(await names('type eq "REDIRECT"', 1)).toEqual(['Filter redirect', 'Filter both']);
    expect(await names('type eq "CORS" and status eq "ACTIVE"')).toEqual(['Filter CORS']);
    expect(await names('status eq "INACTIVE"')).toEqual(['Filter both']);
    expect(await names('name eq "Filter CORS" or name eq "filter both"')).toEqual([
      'Filter CORS',
      'Filter both',
    ]);
    // The origin is compared as it is kept: as sent.
    expect(await names('origin eq "https://f-redirect.example/"')).toEqual(['Filter redirect']);
    expect(await names('origin eq "https://f-redirect.example"')).toEqual([]);

    for (const filter of ['id eq "tos1"', 'name sw "Filter"', 'scopes.type eq "CORS"', 'type eq']) {
      await expect(names(filter)).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000031',
        errorSummary: 'Bad request. Invalid filter parameter.',
      });
    }
    for (const origin of made) {
      await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: origin.id ?? '' });
    }
  });
});

describe('a group’s apps', () => {
  it('lists the apps a group is assigned to, paged with after and limit', async () => {
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Group with apps' } },
    });
    const groupId = group.id ?? '';
    const apps = [];
    for (const label of ['Group app A', 'Group app B', 'Group app C']) {
      apps.push(
        await client.applicationApi.createApplication({
          application: kestraApp(label),
        }),
      );
    }
    const [a, , c] = apps;
    for (const app of [c, a]) {
      await client.applicationApi.assignGroupToApplication({ appId: app?.id ?? '', groupId });
    }
    const listed = async (limit?: number) =>
      collect(
        await client.groupApi.listAssignedApplicationsForGroup({
          groupId,
          ...(limit === undefined ? {} : { limit }),
        }),
      );

    const all = await listed();
    expect(all.map((app) => app.label)).toEqual(['Group app A', 'Group app C']);
    // Rendered as listApplications renders them: the app itself, never its secret.
    const first = all[0] as unknown as OidcView & { _links: Record<string, unknown> };
    expect(first).toMatchObject({ id: a?.id, status: 'ACTIVE', signOnMode: 'OPENID_CONNECT' });
    expect(first.credentials.oauthClient.client_secret).toBeUndefined();
    expect(Object.keys(first._links)).toContain('groups');
    expect((await listed(1)).map((app) => app.id)).toEqual([a?.id, c?.id]);

    const page = await fetch(`${orgUrl}/api/v1/groups/${groupId}/apps?limit=1`, {
      headers: { authorization: `SSWS ${apiToken}` },
    });
    expect(((await page.json()) as { id: string }[]).map((app) => app.id)).toEqual([a?.id]);
    const next = page.headers
      .get('link')
      ?.split(/,\s*(?=<)/)
      .find((link) => link.endsWith('rel="next"'));
    expect(next).toMatch(/[?&]after=[^&>]+/);
    expect(next).toMatch(/[?&]limit=1\b/);

    await client.applicationApi.unassignApplicationFromGroup({ appId: a?.id ?? '', groupId });
    expect((await listed()).map((app) => app.id)).toEqual([c?.id]);

    const empty = await client.groupApi.createGroup({ group: { profile: { name: 'No apps' } } });
    expect(
      await collect(
        await client.groupApi.listAssignedApplicationsForGroup({
          groupId: empty.id ?? '',
        }),
      ),
    ).toEqual([]);
    await expect(
      collect(
        await client.groupApi.listAssignedApplicationsForGroup({ groupId: '00gMissing0000000000' }),
      ),
    ).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
  });
});

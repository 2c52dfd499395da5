import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  kestraApp,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Values round-trip as Okta keeps them: the sandbox stores origins, URIs, names and logins exactly
 * as they were sent, and reads them back unchanged.
 *
 * @remarks
 * Okta documents no rewriting of these values, and keeps a trusted origin "as sent"
 * (okta-behaviours.md §3). What Okta does define is how some of them *match*. Logins are unique,
 * and found, without regard to case (§5: "User `login` is unique"). `q` is a case-insensitive
 * prefix (§6). A trusted origin is matched as an origin (`shared/okta/trusted-origin-match.ts`).
 * A redirect URI must match a registered one exactly (§11). Those rules live where the sandbox
 * matches. None of them changes what it stores, and this table holds it to that: a sandbox that
 * "tidied" a value would let a console that depends on the tidying pass here and fail on Okta.
 */

let sandbox: CapturedProcess;
let client: OktaSdkClient;

beforeAll(async () => {
  ({ sandbox, client } = await startSandboxWithClient());
});
afterAll(async () => {
  await sandbox.stop();
});

describe('values the sandbox keeps as sent', () => {
  it.each([
    'https://Kestra.Example.com/',
    'https://kestra.example.com:443',
    'http://localhost:8080/',
    'http://127.0.0.1:5173',
  ])('keeps the trusted origin %s', async (origin) => {
    const created = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: { name: `Origin ${origin}`, origin, scopes: [{ type: 'CORS' }] },
    });
    expect(created.origin).toBe(origin);
    const read = await client.trustedOriginApi.getTrustedOrigin({
      trustedOriginId: created.id ?? '',
    });
    expect(read.origin).toBe(origin);
    expect(read.name).toBe(`Origin ${origin}`);
  });

  it('keeps an app’s label and its redirect URIs, case, slashes, ports and queries included', async () => {
    const app = kestraApp('Kestra  (Staging) – ÉTÉ') as unknown as {
      settings: { oauthClient: { redirect_uris: string[]; post_logout_redirect_uris?: string[] } };
    };
    const redirectUris = [
      'https://Kestra.Example.com/oauth/callback/okta/',
      'http://localhost:8080/oauth/callback/okta?tenant=A',
      'https://kestra.example.com:443/oauth/callback/okta',
      'com.example.kestra:/callback',
    ];
    app.settings.oauthClient.redirect_uris = redirectUris;
    app.settings.oauthClient.post_logout_redirect_uris = ['https://Kestra.Example.com/'];
    const created = (await client.applicationApi.createApplication({
      application: app as never,
    })) as unknown as { id: string };
    const read = (await client.applicationApi.getApplication({
      appId: created.id,
    })) as unknown as {
      label: string;
      settings: { oauthClient: { redirect_uris: string[]; post_logout_redirect_uris: string[] } };
    };
    expect(read.label).toBe('Kestra  (Staging) – ÉTÉ');
    expect(read.settings.oauthClient.redirect_uris).toEqual(redirectUris);
    expect(read.settings.oauthClient.post_logout_redirect_uris).toEqual([
      'https://Kestra.Example.com/',
    ]);
  });

  it('keeps a login’s case, and finds it without regard to case, as Okta does', async () => {
    const login = 'Ada.Lovelace@Example.COM';
    const created = await client.userApi.createUser({
      body: { profile: { firstName: 'Ada', lastName: 'Lovelace', email: login, login } },
    });
    expect(created.profile?.login).toBe(login);
    const found = await client.userApi.getUser({ userId: 'ada.lovelace@example.com' });
    expect(found.id).toBe(created.id);
    expect(found.profile?.login).toBe(login);
    // Unique regardless of case: a second user with the login in other letters is refused.
    await expect(
      client.userApi.createUser({
        body: {
          profile: {
            firstName: 'Ada',
            lastName: 'Again',
            email: 'ada.lovelace@example.com',
            login: 'ada.lovelace@example.com',
          },
        },
      }),
    ).rejects.toMatchObject({ status: 400, errorCode: 'E0000001' });
  });

  it('keeps a group’s name and description as sent', async () => {
    const created = await client.groupApi.createGroup({
      group: { profile: { name: 'Kestra  Admins (EU)', description: ' Who runs flows ' } },
    });
    const read = await client.groupApi.getGroup({ groupId: created.id ?? '' });
    expect(read.profile?.name).toBe('Kestra  Admins (EU)');
    expect(read.profile?.description).toBe(' Who runs flows ');
    const listed = await collect(await client.groupApi.listGroups({ q: 'kestra  admins' }));
    expect(listed.map((group) => group.profile?.name)).toEqual(['Kestra  Admins (EU)']);
  });
});

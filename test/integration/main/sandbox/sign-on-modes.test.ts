import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Apps of every sign-on mode management.yaml names, through the real SDK against
 * `npm run sandbox`: a real admin's org holds SAML, SWA, basic-auth, secure-password-store and
 * WS-Federation apps beside its OIDC ones, and the console must meet them. Each is created with
 * what the spec requires of it, read, listed, assigned, deactivated, activated and deleted; the
 * conformance tier checks every answer against the mode's schema.
 */
let sandbox: CapturedProcess;
let client: OktaSdkClient;
let userId = '';

beforeAll(async () => {
  ({ sandbox, client } = await startSandboxWithClient());
  userId =
    (
      await client.userApi.createUser({
        body: {
          profile: {
            firstName: 'Sam',
            lastName: 'Ell',
            email: 'sam@example.com',
            login: 'sam@example.com',
          },
        },
      })
    ).id ?? '';
});

afterAll(async () => {
  await sandbox.stop();
});

/** Each mode with the settings the spec requires of it, and the `name` Okta gives it. */
const MODES = [
  {
    signOnMode: 'SAML_2_0',
    settings: {
      signOn: { ssoAcsUrl: 'https://grafana.example.com/saml/acs', audience: 'grafana' },
    },
    expected: {
      // readOnly in the spec: "A unique key is generated for the custom app instance".
      name: expect.stringMatching(/^sandbox_saml20app_\d+$/) as unknown as string,
      settings: { signOn: { recipient: 'https://grafana.example.com/saml/acs' } },
    },
  },
  // Only OIN SAML 1.1 apps exist: the request names the catalog key.
  { signOnMode: 'SAML_1_1', name: 'workday', settings: { app: {} }, expected: { name: 'workday' } },
  {
    signOnMode: 'AUTO_LOGIN',
    settings: { signOn: { loginUrl: 'https://payroll.example.com/login' } },
    expected: {
      name: expect.stringMatching(/^sandbox_autologinapp_\d+$/) as unknown as string,
      credentials: { scheme: 'EDIT_USERNAME_AND_PASSWORD' },
    },
  },
  {
    signOnMode: 'BROWSER_PLUGIN',
    name: 'template_swa',
    settings: {
      app: {
        url: 'https://wiki.example.com/login',
        usernameField: '#user',
        passwordField: '#pass',
        buttonField: '#go',
      },
    },
    expected: { name: 'template_swa' },
  },
  {
    signOnMode: 'BASIC_AUTH',
    name: 'template_basic_auth',
    settings: {
      app: { url: 'https://intranet.example.com', authURL: 'https://intranet.example.com/auth' },
    },
    expected: { name: 'template_basic_auth' },
  },
  {
    signOnMode: 'SECURE_PASSWORD_STORE',
    name: 'template_sps',
    settings: {
      app: { url: 'https://vendor.example.com', usernameField: 'u', passwordField: 'p' },
    },
    expected: { credentials: { revealPassword: false } },
  },
  {
    signOnMode: 'WS_FEDERATION',
    name: 'template_wsfed',
    settings: {
      app: {
        audienceRestriction: 'urn:example:sharepoint',
        groupValueFormat: 'windowsDomainQualifiedName',
        wReplyURL: 'https://sharepoint.example.com/_trust/',
        nameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
        siteURL: 'https://sharepoint.example.com',
        usernameAttribute: 'username',
      },
    },
    expected: { name: 'template_wsfed' },
  },
] as const;

describe('apps of every sign-on mode', () => {
  it('generates a custom SAML app’s name, ignoring one sent, and keeps it on replace', async () => {
    const body = {
      label: 'Jira',
      signOnMode: 'SAML_2_0',
      name: 'my_own_name',
      settings: { signOn: { ssoAcsUrl: 'https://jira.example.com/acs', audience: 'jira' } },
    };
    // The SDK's Application model has no `name`: read it as the JSON it is.
    const named = (app: unknown) => app as { name: string; id: string };
    const first = named(
      await client.applicationApi.createApplication({ application: body as never }),
    );
    const second = named(
      await client.applicationApi.createApplication({ application: body as never }),
    );
    expect(first.name).toMatch(/^sandbox_jira_\d+$/);
    expect(second.name).toMatch(/^sandbox_jira_\d+$/);
    expect(second.name).not.toBe(first.name);
    const replaced = named(
      await client.applicationApi.replaceApplication({
        appId: first.id,
        application: { ...body, label: 'Jira (EU)' } as never,
      }),
    );
    expect(replaced.name).toBe(first.name);
  });

  it.each([
    [
      { signOnMode: 'BROWSER_PLUGIN', name: 'template_basic_auth' },
      'name: must be one of template_swa, template_swa3field for a BROWSER_PLUGIN app',
    ],
    [
      { signOnMode: 'SAML_1_1' },
      'name: A SAML_1_1 app is created from an Okta Integration Network app',
    ],
  ])('refuses %j with the name it needs', async (application, cause) => {
    await expect(
      client.applicationApi.createApplication({
        application: {
          label: 'Wrong name',
          settings: {
            app: {
              url: 'https://wiki.example.com/login',
              usernameField: '#u',
              passwordField: '#p',
              buttonField: '#b',
            },
          },
          ...application,
        } as never,
      }),
    ).rejects.toMatchObject({
      status: 400,
      errorCode: 'E0000001',
      errorCauses: [{ errorSummary: expect.stringContaining(cause) as string }],
    });
  });

  it.each(MODES)(
    '$signOnMode: created, read, listed, assigned, deactivated, activated and deleted',
    async (mode) => {
      const label = `${mode.signOnMode} app`;
      const created = await client.applicationApi.createApplication({
        application: {
          label,
          signOnMode: mode.signOnMode,
          settings: mode.settings,
          ...('name' in mode ? { name: mode.name } : {}),
        } as never,
      });
      expect(created).toMatchObject({ label, signOnMode: mode.signOnMode, status: 'ACTIVE' });
      expect(created).toMatchObject(mode.expected);
      // No OIDC client: nothing an OIDC sign-in could use.
      expect(JSON.stringify(created)).not.toContain('oauthClient');
      const appId = created.id ?? '';

      expect(await client.applicationApi.getApplication({ appId })).toMatchObject({
        id: appId,
        signOnMode: mode.signOnMode,
      });
      const listed = await collect(await client.applicationApi.listApplications({ q: label }));
      expect(listed.map((app) => app.id)).toContain(appId);

      await client.applicationApi.assignUserToApplication({ appId, appUser: { id: userId } });
      const users = await collect(await client.applicationApi.listApplicationUsers({ appId }));
      expect(users.map((user) => user.id)).toEqual([userId]);

      await client.applicationApi.deactivateApplication({ appId });
      expect((await client.applicationApi.getApplication({ appId })).status).toBe('INACTIVE');
      await client.applicationApi.activateApplication({ appId });
      expect((await client.applicationApi.getApplication({ appId })).status).toBe('ACTIVE');
      await client.applicationApi.deactivateApplication({ appId });
      await client.applicationApi.deleteApplication({ appId });
      await expect(client.applicationApi.getApplication({ appId })).rejects.toMatchObject({
        status: 404,
      });
    },
  );

  it.each([
    ['SAML_2_0', { signOn: { audience: 'grafana' } }, 'ssoAcsUrl'],
    ['AUTO_LOGIN', { signOn: {} }, 'loginUrl'],
    ['BASIC_AUTH', { app: { url: 'https://intranet.example.com' } }, 'authURL'],
  ] as const)(
    '%s without what the spec requires is refused, naming %s',
    async (signOnMode, settings, field) => {
      await expect(
        client.applicationApi.createApplication({
          application: { label: 'Incomplete', signOnMode, settings } as never,
        }),
      ).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorCauses: [{ errorSummary: `${field}: The field cannot be left blank` }],
      });
    },
  );

  it('refuses a sign-on mode the spec does not name, listing those it does', async () => {
    await expect(
      client.applicationApi.createApplication({
        application: { label: 'Odd', signOnMode: 'KERBEROS' } as never,
      }),
    ).rejects.toMatchObject({ status: 400, errorCode: 'E0000001' });
  });
});

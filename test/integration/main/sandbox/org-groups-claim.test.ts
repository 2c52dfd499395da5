import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  appGroupsClaimPath,
  getAppGroupsClaim,
  setAppGroupsClaim,
} from '../../../../main/okta/app-groups-claim.ts';
import { readOrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import { hasChanges, planSetup } from '../../../../main/setup/plan.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { GroupsClaim } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, memoryJournal } from '../../../support/apply-setup.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { type OktaSdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * The org authorization server's per-app groups claim (the Sign On tab), end to end: the console
 * sets it through Okta's internal settings endpoint with the real SDK's HTTP client, and the
 * sandbox releases it as Okta does — in ID tokens asked for with the `groups` scope only.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let app: OidcAppUnderTest;
let http: ReturnType<typeof oidcHttp>;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo', '--rate-limits', 'unlimited']);
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
  app = await setUpOidcApp(client, {
    label: 'Claims',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
  // A second group, which the filters below release or withhold.
  const group = await client.groupApi.createGroup({
    group: { profile: { name: 'Kestra Admins of claims', description: 'For the filters' } },
  });
  await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: app.user.id });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

/** Signs in on the org server and redeems the code: ID token claims and access token claims. */
async function signIn(scope: string) {
  const { verifier, challenge } = http.pkce();
  const back = await http.signIn(
    `${sandbox.orgUrl}/oauth2`,
    app,
    http.codeParams(app, { scope, code_challenge: challenge, code_challenge_method: 'S256' }),
  );
  const { status, body } = await http.token(
    `${sandbox.orgUrl}/oauth2`,
    {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    },
    http.basic(app),
  );
  expect(status).toBe(200);
  const tokens = body as { id_token: string; access_token: string };
  return { idToken: decodeJwt(tokens.id_token), accessToken: tokens.access_token };
}

describe('the org server’s groups claim of an app', () => {
  it('is released in ID tokens for the groups scope only, filtered as set', async () => {
    const claim: GroupsClaim = {
      type: 'FILTER',
      name: 'groups',
      filterType: 'STARTS_WITH',
      value: 'Kestra',
    };
    await setAppGroupsClaim(client, app.appId, claim, 'ORG_URL');
    expect(await getAppGroupsClaim(client, app.appId)).toEqual(claim);

    const withScope = await signIn('openid profile groups');
    expect(withScope.idToken.groups).toEqual(['Kestra Admins of claims']);
    // Okta: "you can only create an ID token with a groups claim, not an access token".
    const userinfo = await fetch(`${sandbox.orgUrl}/oauth2/v1/userinfo`, {
      headers: { authorization: `Bearer ${withScope.accessToken}` },
    });
    expect(((await userinfo.json()) as Record<string, unknown>).groups).toBeUndefined();

    const withoutScope = await signIn('openid profile');
    expect(withoutScope.idToken.groups).toBeUndefined();
  });

  it('evaluates an expression of Okta’s group functions, under the name it is given', async () => {
    const claim: GroupsClaim = {
      type: 'EXPRESSION',
      name: 'roles',
      value: 'Groups.contains("OKTA", "users", 10)',
    };
    await setAppGroupsClaim(client, app.appId, claim, 'ORG_URL');
    expect(await getAppGroupsClaim(client, app.appId)).toEqual(claim);
    const { idToken } = await signIn('openid groups');
    expect(idToken.roles).toEqual(['Claims users']);
    expect(idToken.groups).toBeUndefined();
  });

  it('is removed by a body without a name, as the Terraform provider clears it', async () => {
    await setAppGroupsClaim(
      client,
      app.appId,
      { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      'ORG_URL',
    );
    await setAppGroupsClaim(client, app.appId, undefined, 'ORG_URL');
    expect(await getAppGroupsClaim(client, app.appId)).toBeUndefined();
    expect((await signIn('openid groups')).idToken.groups).toBeUndefined();
  });

  it.each([
    [
      { name: 'groups', valueType: 'EXPRESSION', value: 'getFilteredGroups(app.profile.x, "", 9)' },
      'is not one of the group functions read here: Groups.startsWith("OKTA", "prefix", 100)',
    ],
    [
      { name: 'groups', valueType: 'EXPRESSION', value: 'Groups.startsWith("OKTA", "a", 101)' },
      'value: The limit of a group function is between 1 and 100',
    ],
    [
      { name: 'groups', valueType: 'GROUPS', groupFilterType: 'LIKE', value: 'a' },
      'groupFilterType: Use one of STARTS_WITH, EQUALS, CONTAINS, REGEX, not "LIKE".',
    ],
    [{ name: 'groups', valueType: 'LIST', value: 'a' }, 'valueType: Use GROUPS'],
    [
      { name: 'groups', valueType: 'GROUPS', groupFilterType: 'REGEX', value: '(' },
      'value: "(" is not a regular expression.',
    ],
  ])('refuses %j with E0000001 saying why', async (body, cause) => {
    const response = await fetch(`${sandbox.orgUrl}${appGroupsClaimPath(app.appId)}`, {
      method: 'POST',
      headers: {
        authorization: `SSWS ${sandbox.apiToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ issuerMode: 'ORG_URL', ...body }),
    });
    expect(response.status).toBe(400);
    const error = (await response.json()) as {
      errorCode: string;
      errorCauses: { errorSummary: string }[];
    };
    expect(error.errorCode).toBe('E0000001');
    expect(error.errorCauses[0]?.errorSummary).toContain(cause);
  });

  it('belongs to OIDC apps only: a SAML app’s is refused with its sign-on mode', async () => {
    const apps = await client.applicationApi.listApplications({ q: 'Grafana' });
    let samlId = '';
    for await (const found of apps) {
      samlId = found?.signOnMode === 'SAML_2_0' ? (found.id ?? '') : samlId;
    }
    await expect(getAppGroupsClaim(client, samlId)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('sign-on mode is SAML_2_0') as unknown,
    });
  });
});

describe('a setup on the org server with a groups claim', () => {
  it('creates the app, then sets its claim, and plans nothing more once applied', async () => {
    const document = createSetupDocument({ id: 'kestra-org-claim', preset: 'kestra' });
    document.issuer = {
      kind: 'org',
      issuerMode: 'ORG_URL',
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'STARTS_WITH', value: 'Kestra' },
    };
    document.assignments = { users: [], groups: [{ name: 'Kestra Admins' }] };
    const result = await applyAndKeep({
      client,
      orgUrl: sandbox.orgUrl,
      document,
      journal: memoryJournal(),
    });
    expect(
      result.steps.filter((step) => step.action !== 'unchanged').map((step) => step.key),
    ).toEqual(['app', 'app-groups-claim', 'group-assignment:Kestra Admins']);
    const snapshot = await readOrgSnapshot(client, document);
    expect(snapshot.appGroupsClaim).toEqual(document.issuer.groupsClaim);
    expect(hasChanges(planSetup(document, snapshot))).toBe(false);

    // Changed in the Admin Console since: the next plan puts the document's claim back.
    await setAppGroupsClaim(
      client,
      snapshot.app?.id ?? '',
      { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
      'ORG_URL',
    );
    const drifted = planSetup(document, await readOrgSnapshot(client, document));
    expect(drifted.steps.find((step) => step.key === 'app-groups-claim')).toMatchObject({
      action: 'update',
      changes: [
        { field: 'groupsClaim', before: 'groups: REGEX .*', after: 'groups: STARTS_WITH Kestra' },
      ],
    });
  });
});

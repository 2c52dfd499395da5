import { expect } from 'vitest';

import type { OktaClient } from '../../main/okta/okta-client.ts';
import { filterEquals } from '../../main/okta/okta-filter.ts';
import { readOktaApp, readOktaClientSecret } from '../../main/okta/okta-json.ts';
import { readOrgSnapshot } from '../../main/okta/org-snapshot.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../main/platform/secrets/keychain-accounts.ts';
import type { SecretStore } from '../../main/platform/secrets/secret-store.ts';
import {
  entriesFor,
  type JournalEntry,
  owedSecrets,
  stepsInDoubt,
} from '../../main/setup/apply-journal.ts';
import { hasChanges, planSetup } from '../../main/setup/plan.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { oidcHttp } from './oidc-http.ts';
import { collect } from './sandbox-sdk.ts';

/** How many objects the org holds that a document's apply makes, by kind. */
export async function countMade(client: OktaClient, document: SetupDocument) {
  const apps = (await collect(await client.applicationApi.listApplications({ limit: 200 })))
    .map(readOktaApp)
    .filter((app) => app.setupId === document.id);
  const testUser = document.assignments.testUser;
  const users =
    testUser === undefined
      ? []
      : await collect(
          await client.userApi.listUsers({ filter: filterEquals('profile.login', testUser.email) }),
        );
  const origins = await collect(await client.trustedOriginApi.listTrustedOrigins({}));
  return {
    apps: apps.length,
    appId: apps[0]?.id,
    clientId: apps[0]?.clientCredentials.clientId ?? apps[0]?.id,
    testUsers: users.length,
    trustedOrigins: document.trustedOrigins.map(
      (wanted) => origins.filter((origin) => origin.origin === wanted.origin).length,
    ),
  };
}

/**
 * Asserts the end every fault case must reach: the planned state, no object twice, no secret
 * lost (the kept client secret and test user password sign in, for real), and a journal whose
 * every write has its outcome and which owes no secret.
 */
export async function expectPlannedState(options: {
  client: OktaClient;
  orgUrl: string;
  document: SetupDocument;
  keychain: Pick<SecretStore, 'get'>;
  journal: readonly JournalEntry[];
}): Promise<void> {
  const { client, orgUrl, document, keychain } = options;
  // The planned state: planning again finds nothing to do.
  const plan = planSetup(document, await readOrgSnapshot(client, document));
  expect(plan.blockers).toEqual([]);
  expect(plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([]);
  expect(hasChanges(plan)).toBe(false);

  // Nothing twice.
  const made = await countMade(client, document);
  expect(made).toMatchObject({
    apps: 1,
    testUsers: document.assignments.testUser === undefined ? 0 : 1,
    trustedOrigins: document.trustedOrigins.map(() => 1),
  });
  const appId = made.appId ?? '';
  const clientId = made.clientId ?? '';
  const secrets = (
    await collect(await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId }))
  ).map(readOktaClientSecret);
  // One secret: any that nobody kept was retired when a new one was issued.
  expect(secrets.map((secret) => secret.status)).toEqual(['ACTIVE']);

  // No secret lost: the ones the keychain holds sign the test user in, code exchanged for tokens.
  const testUser = document.assignments.testUser;
  const clientSecret = await keychain.get(clientSecretAccount(orgUrl, clientId));
  expect(clientSecret !== null).toBe(true);
  if (testUser !== undefined) {
    const password = await keychain.get(testUserPasswordAccount(orgUrl, testUser.email));
    expect(password !== null).toBe(true);
    const [redirectUri = ''] = document.app.redirectUris;
    const http = oidcHttp(orgUrl, redirectUri);
    const { verifier, challenge } = http.pkce();
    const back = await http.signInAt(
      http.authorizeUrl(`${orgUrl}/oauth2`, {
        client_id: clientId,
        response_type: 'code',
        scope: 'openid profile email',
        redirect_uri: redirectUri,
        state: 'fault-state',
        nonce: 'fault-nonce',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { login: testUser.email, password: password ?? '' },
    );
    const code = back.searchParams.get('code') ?? '';
    expect(code === '').toBe(false);
    const tokens = await http.token(
      `${orgUrl}/oauth2`,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      },
      {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret ?? ''}`).toString('base64')}`,
      },
    );
    expect(tokens.status).toBe(200);
    expect(typeof tokens.body.id_token).toBe('string');
  }

  // The journal: every write has its outcome, and no secret is owed.
  const entries = entriesFor(options.journal, document, orgUrl);
  expect(stepsInDoubt(entries)).toEqual([]);
  expect(owedSecrets(entries, document)).toEqual({ clientSecret: false, testUserPassword: false });
  const kinds = new Set(entries.map((entry) => entry.phase));
  expect(kinds.has('started')).toBe(true);
}

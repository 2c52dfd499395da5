import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { diagnose } from '../../../../../main/preview/diagnosis/diagnose.ts';
import { applyFix, planFix } from '../../../../../main/preview/diagnosis/one-click-fix.ts';
import { gatherOrgFacts } from '../../../../../main/preview/diagnosis/org-facts.ts';
import type {
  Diagnosis,
  OneClickFix,
  PreviewFailure,
} from '../../../../../main/preview/preview-types.ts';
import { type RunningSandbox, startSandbox } from '../../../../../main/sandbox/sandbox-server.ts';
import {
  createOktaClient,
  type OktaClient,
} from '../../../../../main/services/okta/okta-client.ts';
import { applySetup, type JournalEntry } from '../../../../../main/setup/apply.ts';
import { hasChanges, type PlanStep } from '../../../../../main/setup/plan.ts';
import { createSetupDocument, PRESETS } from '../../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../../shared/setup/setup-document.ts';
import type { OidcAppUnderTest } from '../../../../support/oidc-setup.ts';
import { type LoginOutcome, tryLogin } from '../../../../support/preview-failure.ts';
import { createSandboxToken } from '../../../../support/sandbox-control.ts';

/**
 * The diagnosis against the sandbox: each misconfiguration made on purpose through the SDK, the
 * failing sign-in run over HTTP, the failure diagnosed from what the org holds — and then the
 * one-click fix planned, applied through the setup engine, and the same sign-in succeeding.
 */

let sandbox: RunningSandbox;
let client: OktaClient;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
});
afterEach(async () => {
  await sandbox.close();
});

function memoryJournal() {
  const entries: JournalEntry[] = [];
  return { entries, append: (entry: JournalEntry) => Promise.resolve(void entries.push(entry)) };
}

/** A setup the console applied, and what a sign-in to it needs. */
interface Target {
  document: SetupDocument;
  app: OidcAppUnderTest;
  authServerId: string | null;
  base: string;
  scope: string;
}

async function setUp(preset: 'kestra' | 'kaimu', id: string): Promise<Target> {
  const document = createSetupDocument({ id, preset, label: `${PRESETS[preset].name} ${id}` });
  const login = `ada.${id}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const result = await applySetup({ client, document, journal: memoryJournal() });
  const authServerId = document.issuer.kind === 'custom' ? 'default' : null;
  return {
    document,
    app: {
      appId: result.appId,
      clientId: result.clientId,
      clientSecret: result.clientSecret,
      redirectUri: document.app.redirectUris[0] ?? '',
      user: {
        id: result.objects.testUserId ?? '',
        login,
        password: result.testUserPassword ?? '',
      },
    },
    authServerId,
    base: `${sandbox.orgUrl}/oauth2${authServerId === null ? '' : `/${authServerId}`}`,
    scope:
      document.issuer.kind === 'custom' ? document.issuer.scopes.join(' ') : 'openid email profile',
  };
}

function login(
  target: Target,
  options: Partial<Parameters<typeof tryLogin>[0]> = {},
): Promise<LoginOutcome> {
  return tryLogin({
    orgUrl: sandbox.orgUrl,
    base: target.base,
    app: target.app,
    scope: target.scope,
    pkce: false,
    clientAuthentication: 'client_secret_basic',
    ...options,
  });
}

function failureOf(outcome: LoginOutcome): PreviewFailure {
  if (outcome.ok) {
    throw new Error('The sign-in succeeded; the misconfiguration did not take.');
  }
  return outcome.failure;
}

async function diagnosisOf(
  target: Target,
  failure: PreviewFailure,
  request: {
    userLogin?: string;
    scope?: string;
    redirectUri?: string;
    configuredIssuer?: string;
  } = {},
): Promise<Diagnosis[]> {
  const facts = await gatherOrgFacts(client, {
    appId: target.app.appId,
    userLogin: request.userLogin ?? target.app.user.login,
    authServerId: target.authServerId,
    requestedScopes: (request.scope ?? target.scope).split(' '),
    redirectUri: request.redirectUri ?? target.app.redirectUri,
    fetch,
  });
  return diagnose(failure, facts, {
    document: target.document,
    expectedCallback: target.document.app.redirectUris[0],
    clientAuthentication: 'client_secret_basic',
    ...(request.configuredIssuer === undefined
      ? {}
      : { configuredIssuer: request.configuredIssuer }),
  });
}

/** Plans the fix, checks the admin would see exactly `expected` change, applies it. */
async function fix(target: Target, oneClickFix: OneClickFix | undefined, expected: string[]) {
  if (oneClickFix === undefined) {
    throw new Error('No one-click fix was offered.');
  }
  const { document, plan } = await planFix(client, oneClickFix, target.document);
  const changed = plan.steps.filter((step: PlanStep) => step.action !== 'unchanged');
  expect(changed.map((step) => `${step.action} ${step.key}`)).toEqual(expected);
  await applyFix({ client, document, journal: memoryJournal() });
  target.document = document;
  const { plan: after } = await planFix(client, oneClickFix, document);
  expect(hasChanges(after)).toBe(false);
}

/** An OIDC app's two OAuth blocks, as an admin edits them in the Admin Console. */
interface OAuthBlocks {
  settings: { oauthClient: Record<string, unknown> };
  credentials: { oauthClient: Record<string, unknown> };
}

/** Misconfigures an app on purpose, through the SDK's replace, as an admin's edit would. */
async function replaceApp(appId: string, change: (app: OAuthBlocks) => void) {
  const app = (await client.applicationApi.getApplication({ appId })) as unknown as OAuthBlocks;
  change(app);
  await client.applicationApi.replaceApplication({ appId, application: app as never });
}

describe('the diagnosis of a real failed sign-in, and its one-click fix', () => {
  it('an unregistered redirect URI: a trailing slash an admin typed', async () => {
    const target = await setUp('kestra', 'redirect');
    const callback = target.app.redirectUri;
    await replaceApp(target.app.appId, (app) => {
      app.settings.oauthClient.redirect_uris = [`${callback}/`];
    });
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target)));
    expect(diagnosis).toMatchObject({
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oktaText:
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
      oneClickFix: { kind: 'add-redirect-uri', uri: callback, replaces: `${callback}/` },
    });
    expect(diagnosis?.cause).toContain('only by its trailing slash');
    expect(diagnosis?.systemLog).toContainEqual(
      expect.objectContaining({ outcome: 'FAILURE', reason: 'illegal_redirect_uri' }),
    );
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(await login(target)).toMatchObject({ ok: true });
  });

  it('diagnoses without the System Log when the token may not read it', async () => {
    const target = await setUp('kaimu', 'nologs');
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, [
      'APP_ADMIN',
      'API_ACCESS_MANAGEMENT_ADMIN',
    ]);
    const appAdmin = createOktaClient({ orgUrl: sandbox.orgUrl, token });
    const sent = `${target.app.redirectUri}/`;
    const outcome = await login(target, { app: { ...target.app, redirectUri: sent } });
    const facts = await gatherOrgFacts(appAdmin, {
      appId: target.app.appId,
      userLogin: target.app.user.login,
      authServerId: 'default',
      requestedScopes: target.scope.split(' '),
      redirectUri: sent,
    });
    expect(facts.systemLog).toBeNull();
    expect(facts.authServer?.admittedBy).toEqual({
      policy: 'Default Policy',
      rule: 'Default Policy Rule',
    });
    expect(facts.user?.assignment).toBe('USER');
    const [diagnosis] = diagnose(failureOf(outcome), facts);
    expect(diagnosis).toMatchObject({
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oneClickFix: { kind: 'add-redirect-uri', uri: sent, replaces: target.app.redirectUri },
    });
    expect(diagnosis?.systemLog).toBeUndefined();
  });

  it('an unregistered redirect URI: Kestra’s Micronaut client key renamed', async () => {
    const target = await setUp('kestra', 'clientkey');
    const sent = target.app.redirectUri.replace(/okta$/, 'okta-sso');
    const outcome = await login(target, { app: { ...target.app, redirectUri: sent } });
    const [diagnosis] = await diagnosisOf(target, failureOf(outcome), { redirectUri: sent });
    expect(diagnosis?.code).toBe('REDIRECT_URI_NOT_REGISTERED');
    expect(diagnosis?.cause).toContain('client key "okta" where the target sends "okta-sso"');
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(target.document.app.redirectUris).toEqual([sent]);
    expect(await login(target, { app: { ...target.app, redirectUri: sent } })).toMatchObject({
      ok: true,
    });
  });

  it('a user who is not assigned', async () => {
    const target = await setUp('kestra', 'assign');
    const outsider = 'grace.hopper@example.com';
    await client.userApi.createUser({
      body: {
        profile: { firstName: 'Grace', lastName: 'Hopper', email: outsider, login: outsider },
        credentials: { password: { value: 'Cobol-Compiler-1959' } },
      },
      activate: true,
    });
    const asOutsider = {
      app: { ...target.app, user: { id: '', login: outsider, password: 'Cobol-Compiler-1959' } },
    };
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target, asOutsider)), {
      userLogin: outsider,
    });
    expect(diagnosis).toMatchObject({
      code: 'USER_NOT_ASSIGNED',
      oktaText: 'User is not assigned to the client application.',
      oneClickFix: { kind: 'assign-user', login: outsider },
    });
    await fix(target, diagnosis?.oneClickFix, [`create user-assignment:${outsider}`]);
    expect(await login(target, asOutsider)).toMatchObject({ ok: true });
  });

  it('a scope the custom server does not have', async () => {
    const target = await setUp('kaimu', 'scope');
    const scope = `${target.scope} groups`;
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target, { scope })), {
      scope,
    });
    expect(diagnosis).toMatchObject({
      code: 'SCOPE_NOT_ON_SERVER',
      oktaText: 'One or more scopes are not configured for the authorization server resource.',
      oneClickFix: { kind: 'add-scope', scope: 'groups' },
    });
    await fix(target, diagnosis?.oneClickFix, ['create scope:groups']);
    expect(await login(target, { scope })).toMatchObject({ ok: true });
  });

  it('a scope missing on a server the console made, whose own access rule lists its scopes', async () => {
    const document = createSetupDocument({ id: 'own-server', preset: 'kaimu', label: 'Kaimu own' });
    document.issuer = {
      kind: 'custom',
      server: { kind: 'new', name: 'Kaimu API', audience: 'api://kaimu', description: '' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile'],
    };
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada.own@example.com',
    };
    const result = await applySetup({ client, document, journal: memoryJournal() });
    const authServerId = result.authServerId ?? '';
    const target: Target = {
      document,
      app: {
        appId: result.appId,
        clientId: result.clientId,
        clientSecret: result.clientSecret,
        redirectUri: document.app.redirectUris[0] ?? '',
        user: {
          id: result.objects.testUserId ?? '',
          login: 'ada.own@example.com',
          password: result.testUserPassword ?? '',
        },
      },
      authServerId,
      base: `${sandbox.orgUrl}/oauth2/${authServerId}`,
      scope: 'openid email profile',
    };
    const scope = 'openid email profile kaimu.read';
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target, { scope })), {
      scope,
    });
    expect(diagnosis).toMatchObject({
      code: 'SCOPE_NOT_ON_SERVER',
      oneClickFix: { kind: 'add-scope', scope: 'kaimu.read' },
    });
    // The console's rule names the scopes it was made for: the plan widens it too.
    await fix(target, diagnosis?.oneClickFix, ['create scope:kaimu.read', 'create access-policy']);
    expect(await login(target, { scope })).toMatchObject({ ok: true });
  });

  it('PKCE required by the app, and the target sends none', async () => {
    const target = await setUp('kestra', 'pkce');
    await replaceApp(target.app.appId, (app) => {
      app.credentials.oauthClient.pkce_required = true;
    });
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target)));
    expect(diagnosis).toMatchObject({
      code: 'PKCE_REQUIRED',
      oktaText: 'PKCE code challenge is required by the application.',
      oneClickFix: { kind: 'set-pkce-required', value: false },
    });
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(await login(target)).toMatchObject({ ok: true });
  });

  it('a client authentication method that differs at /token', async () => {
    const target = await setUp('kestra', 'authmethod');
    await replaceApp(target.app.appId, (app) => {
      // Okta requires PKCE of a client without a secret.
      app.credentials.oauthClient.token_endpoint_auth_method = 'none';
      app.credentials.oauthClient.pkce_required = true;
    });
    // The target does PKCE, so the sign-in gets as far as /token, where it sends its secret.
    const failure = failureOf(await login(target, { pkce: true }));
    expect(failure).toMatchObject({ stage: 'token', error: 'invalid_client' });
    const [diagnosis] = await diagnosisOf(target, failure);
    expect(diagnosis).toMatchObject({
      code: 'CLIENT_AUTH_MISMATCH',
      oneClickFix: { kind: 'set-token-endpoint-auth-method', method: 'client_secret_basic' },
    });
    expect(diagnosis?.cause).toContain('expects token_endpoint_auth_method none');
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(await login(target, { pkce: true })).toMatchObject({ ok: true });
  });

  it('an access policy that admits nobody', async () => {
    const target = await setUp('kaimu', 'policy');
    const api = client.authorizationServerApi;
    for await (const policy of await api.listAuthorizationServerPolicies({
      authServerId: 'default',
    })) {
      for await (const rule of await api.listAuthorizationServerPolicyRules({
        authServerId: 'default',
        policyId: policy?.id ?? '',
      })) {
        await api.deactivateAuthorizationServerPolicyRule({
          authServerId: 'default',
          policyId: policy?.id ?? '',
          ruleId: rule?.id ?? '',
        });
      }
    }
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target)));
    expect(diagnosis).toMatchObject({
      code: 'POLICY_EVALUATION_FAILED',
      oktaText:
        'Policy evaluation failed for this request, please check the policy configurations.',
      oneClickFix: { kind: 'allow-client-in-policy' },
    });
    expect(diagnosis?.cause).toContain(
      'rule "Default Policy Rule" of policy "Default Policy" is INACTIVE',
    );
    await fix(target, diagnosis?.oneClickFix, ['create access-policy']);
    expect(await login(target)).toMatchObject({ ok: true });
  });

  it('an inactive app', async () => {
    const target = await setUp('kestra', 'inactive');
    await client.applicationApi.deactivateApplication({ appId: target.app.appId });
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target)));
    expect(diagnosis).toMatchObject({
      code: 'APP_INACTIVE',
      oktaText: null,
      oneClickFix: { kind: 'activate-app' },
    });
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(await login(target)).toMatchObject({ ok: true });
  });

  it('an unknown client: the app was deleted; applying the setup again brings it back', async () => {
    const target = await setUp('kestra', 'deleted');
    await client.applicationApi.deactivateApplication({ appId: target.app.appId });
    await client.applicationApi.deleteApplication({ appId: target.app.appId });
    const [diagnosis] = await diagnosisOf(target, failureOf(await login(target)));
    expect(diagnosis).toMatchObject({
      code: 'UNKNOWN_CLIENT',
      oktaText: "Invalid value for 'client_id' parameter.",
    });
    expect(diagnosis?.oneClickFix).toBeUndefined();
    expect(diagnosis?.cause).toContain(target.app.appId);
    // The fix in words: apply again, then give the target the new client id and secret.
    const again = await applySetup({ client, document: target.document, journal: memoryJournal() });
    const app = { ...target.app, clientId: again.clientId, clientSecret: again.clientSecret };
    expect(await login(target, { app })).toMatchObject({ ok: true });
  });

  it('an issuer mismatch: issuer_mode DYNAMIC, and the target reaches Okta by its custom domain', async () => {
    const target = await setUp('kestra', 'issuer');
    await replaceApp(target.app.appId, (app) => {
      app.settings.oauthClient.issuer_mode = 'DYNAMIC';
    });
    // The sandbox answers as `localhost` the way a custom domain would (okta-behaviours.md §2).
    const customDomain = sandbox.orgUrl.replace('127.0.0.1', 'localhost');
    const viaCustomDomain = {
      orgUrl: customDomain,
      base: `${customDomain}/oauth2`,
      expectedIssuer: sandbox.orgUrl,
    };
    const failure = failureOf(await login(target, viaCustomDomain));
    const [diagnosis] = await diagnosisOf(target, failure, { configuredIssuer: sandbox.orgUrl });
    expect(diagnosis).toMatchObject({
      code: 'ISSUER_MISMATCH',
      oneClickFix: { kind: 'set-issuer', issuer: 'org', issuerMode: 'ORG_URL' },
    });
    expect(diagnosis?.cause).toContain(`the ID token's iss is ${customDomain}`);
    expect(diagnosis?.cause).toContain('issuer_mode here is DYNAMIC');
    await fix(target, diagnosis?.oneClickFix, ['update app']);
    expect(await login(target, viaCustomDomain)).toMatchObject({
      ok: true,
      idTokenClaims: { iss: sandbox.orgUrl },
    });
  });

  it('a groups claim missing on a custom server', async () => {
    const target = await setUp('kaimu', 'groups');
    const [diagnosis] = await diagnosisOf(
      target,
      failureOf(await login(target, { requiredClaim: 'groups' })),
    );
    expect(diagnosis).toMatchObject({
      code: 'GROUPS_CLAIM_MISSING',
      oktaText: null,
      oneClickFix: { kind: 'add-groups-claim', name: 'groups' },
    });
    await fix(target, diagnosis?.oneClickFix, ['create claim:groups']);
    const outcome = await login(target, { requiredClaim: 'groups' });
    expect(outcome).toMatchObject({ ok: true, idTokenClaims: { groups: ['Everyone'] } });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createOktaClient, type OktaClient } from '../../../../../main/okta/okta-client.ts';
import { readOrgSnapshot } from '../../../../../main/okta/org-snapshot.ts';
import { applyFixToDocument } from '../../../../../main/preview/diagnosis/one-click-fix.ts';
import { gatherOrgFacts } from '../../../../../main/preview/diagnosis/org-facts.ts';
import {
  previewJournals,
  type PreviewRun,
  startPreviewRun,
} from '../../../../../main/preview/preview-run.ts';
import type { OneClickFix } from '../../../../../main/preview/preview-types.ts';
import { type RunningSandbox, startSandbox } from '../../../../../main/sandbox/sandbox-server.ts';
import { hasChanges, planSetup, type PlanStep } from '../../../../../main/setup/plan.ts';
import type { PreviewReport } from '../../../../../shared/preview/preview-schemas.ts';
import { createSetupDocument, PRESETS } from '../../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../../shared/setup/setup-document.ts';
import { applyAndKeep } from '../../../../support/apply-setup.ts';
import { freePort } from '../../../../support/free-port.ts';
import { oidcHttp } from '../../../../support/oidc-http.ts';
import type { OidcAppUnderTest } from '../../../../support/oidc-setup.ts';
import { createSandboxToken } from '../../../../support/sandbox-control.ts';

/**
 * The diagnosis against the sandbox, through the real preview: each misconfiguration made on
 * purpose through the SDK, `startPreviewRun` run against it with a headless browser that signs in
 * on the sandbox's page and lands on the run's listener, the report's diagnosis asserted — and
 * then the one-click fix planned, applied through the setup engine, and the same preview passing.
 */

let sandbox: RunningSandbox;
let client: OktaClient;
let journalDir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  journalDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-diagnosis-'));
});
afterEach(async () => {
  await sandbox.close();
  rmSync(journalDir, { recursive: true, force: true });
});

/** A setup the console applied, and what a preview of it needs. */
interface Target {
  document: SetupDocument;
  app: OidcAppUnderTest;
  authServerId: string | null;
  issuer: string;
  scopes: string[];
}

async function setUp(preset: 'kestra' | 'kaimu', id: string): Promise<Target> {
  const baseUrl = `http://localhost:${String(await freePort())}`;
  const document = createSetupDocument({
    id,
    preset,
    baseUrl,
    label: `${PRESETS[preset].name} ${id}`,
  });
  const login = `ada.${id}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  return targetOf(document, await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document }));
}

function targetOf(
  document: SetupDocument,
  result: Awaited<ReturnType<typeof applyAndKeep>>,
): Target {
  const authServerId =
    document.issuer.kind === 'custom'
      ? document.issuer.server.kind === 'new'
        ? (result.authServerId ?? '')
        : 'default'
      : null;
  return {
    document,
    app: {
      appId: result.appId,
      clientId: result.clientId,
      clientSecret: result.clientSecret,
      redirectUri: document.app.redirectUris[0] ?? '',
      user: {
        id: result.objects.testUserId ?? '',
        login: document.assignments.testUser?.email ?? '',
        password: result.testUserPassword ?? '',
      },
    },
    authServerId,
    issuer: authServerId === null ? sandbox.orgUrl : `${sandbox.orgUrl}/oauth2/${authServerId}`,
    scopes:
      document.issuer.kind === 'custom'
        ? [...document.issuer.scopes]
        : ['openid', 'email', 'profile'],
  };
}

type Browse = (run: PreviewRun & { authorizeUrl: string }, user: Credentials) => Promise<void>;
interface Credentials {
  login: string;
  password: string;
}

/** The admin in the system browser: signs in on the sandbox's page, lands on the listener. */
const signInAndLand: Browse = async (run, user) => {
  await fetch(await signInAt(run, user));
};

/** The redirect back from the sandbox's sign-in page, not yet delivered to the listener. */
function signInAt(run: PreviewRun & { authorizeUrl: string }, user: Credentials, orgUrl?: string) {
  return oidcHttp(orgUrl ?? sandbox.orgUrl, run.strategy.redirectUri).signInAt(
    run.authorizeUrl,
    user,
  );
}

/** One preview as the console runs it, with what the target would do differently. */
interface Attempt {
  /** The callback the target sends (default: the document's). */
  redirectUri?: string;
  scopes?: string[];
  user?: Credentials;
  app?: { id: string; clientId: string; clientSecret: string | undefined };
  expectGroupsClaim?: string;
  /** The admin's token, when it is not the sandbox's super admin's. */
  client?: OktaClient;
  /** Every HTTP request of the run: the target's way of reaching Okta, where it differs. */
  fetch?: typeof fetch;
  browse?: Browse;
  timeoutMs?: number;
  /** A browser app's origin, for the trusted-origin check. */
  browserOrigin?: string;
}

/** Runs the real preview; the browser signs in only when the flow got as far as the sign-in. */
async function preview(
  target: Target,
  attempt: Attempt = {},
): Promise<{ run: PreviewRun; report: PreviewReport }> {
  const user = attempt.user ?? target.app.user;
  const secret = attempt.app === undefined ? target.app.clientSecret : attempt.app.clientSecret;
  const run = await startPreviewRun({
    client: attempt.client ?? client,
    journals: previewJournals(journalDir),
    app: {
      id: attempt.app?.id ?? target.app.appId,
      clientId: attempt.app?.clientId ?? target.app.clientId,
      redirectUris: [attempt.redirectUri ?? target.document.app.redirectUris[0] ?? ''],
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    issuer: target.issuer,
    authServerId: target.authServerId,
    ...(secret === undefined ? {} : { clientSecret: secret }),
    scopes: attempt.scopes ?? target.scopes,
    ...(attempt.expectGroupsClaim === undefined
      ? {}
      : { expectGroupsClaim: attempt.expectGroupsClaim }),
    login: user.login,
    ...(attempt.browserOrigin === undefined ? {} : { browserOrigin: attempt.browserOrigin }),
    diagnosisContext: {
      document: target.document,
      ...(target.document.app.redirectUris[0] === undefined
        ? {}
        : { expectedCallback: target.document.app.redirectUris[0] }),
    },
    ...(attempt.fetch === undefined ? {} : { fetch: attempt.fetch }),
    timeoutMs: attempt.timeoutMs ?? 30_000,
  });
  const { authorizeUrl } = run;
  if (authorizeUrl !== null) {
    await (attempt.browse ?? signInAndLand)({ ...run, authorizeUrl }, user);
  }
  return { run, report: await run.report };
}

/** The report of a preview that failed, with its first diagnosis. */
async function failing(target: Target, attempt: Attempt = {}) {
  const { run, report } = await preview(target, attempt);
  expect(report.ok).toBe(false);
  const [diagnosis] = report.diagnosis;
  if (diagnosis === undefined) {
    throw new Error('The preview failed without a diagnosis.');
  }
  return { run, report, diagnosis };
}

/** The same preview again: it passes, with nothing to diagnose. */
async function passes(target: Target, attempt: Attempt = {}): Promise<PreviewReport> {
  const { report } = await preview(target, attempt);
  expect(report.diagnosis).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}

function steps(report: PreviewReport): string[] {
  return report.timeline.map((entry) => entry.step);
}

/**
 * Plans the fix as the wizard does (the preview fixes the document, the setup engine plans it),
 * checks the admin would see exactly `expected` change, and applies it.
 */
async function fix(target: Target, oneClickFix: OneClickFix | undefined, expected: string[]) {
  if (oneClickFix === undefined) {
    throw new Error('No one-click fix was offered.');
  }
  const document = applyFixToDocument(oneClickFix, target.document);
  const plan = planSetup(document, await readOrgSnapshot(client, document));
  const changed = plan.steps.filter((step: PlanStep) => step.action !== 'unchanged');
  expect(changed.map((step) => `${step.action} ${step.key}`)).toEqual(expected);
  await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document });
  target.document = document;
  const after = planSetup(document, await readOrgSnapshot(client, document));
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

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/**
 * The target's own way of reaching Okta, played by the run's fetch: `url` changes each request
 * after discovery (and the browser's authorize URL, through {@link browseAt}), `token` the token
 * request's form.
 */
function asTheTarget(change: {
  url?: (url: URL) => void;
  token?: (form: URLSearchParams) => void;
  /** Sent before the run's own token request, as another party would send it. */
  before?: (url: string, init: RequestInit) => Promise<unknown>;
}): { fetch: typeof fetch; url: (url: string) => string } {
  const url = (value: string) => {
    const parsed = new URL(value);
    change.url?.(parsed);
    return parsed.toString();
  };
  return {
    url,
    fetch: async (input, init = {}) => {
      const given = urlOf(input);
      if (given.includes('/.well-known/')) {
        return fetch(input, init);
      }
      const target = url(given);
      if (target.endsWith('/v1/token') && typeof init.body === 'string') {
        const form = new URLSearchParams(init.body);
        change.token?.(form);
        const sent = { ...init, body: form.toString() };
        await change.before?.(target, sent);
        return fetch(target, sent);
      }
      return fetch(target, init);
    },
  };
}

/** A browser that opens the authorize URL as the target sends it (at `orgUrl`'s name). */
function browseAt(url: (authorizeUrl: string) => string, orgUrl?: string): Browse {
  return async (run, user) => {
    await fetch(await signInAt({ ...run, authorizeUrl: url(run.authorizeUrl) }, user, orgUrl));
  };
}

describe('the diagnosis of a real failed preview, and its one-click fix', () => {
  it('an unregistered redirect URI: a trailing slash an admin typed', async () => {
    const target = await setUp('kestra', 'redirect');
    const callback = target.app.redirectUri;
    await replaceApp(target.app.appId, (app) => {
      app.settings.oauthClient.redirect_uris = [`${callback}/`];
    });
    const { run, report, diagnosis } = await failing(target);
    // The pre-flight caught Okta's error page: no browser was needed.
    expect(run.authorizeUrl).toBeNull();
    expect(run.strategy.kind).toBe('app-loopback');
    expect(report).toMatchObject({ redirectUri: callback, clientId: target.app.clientId });
    expect(steps(report)).toEqual(['discovery', 'authorize']);
    expect(diagnosis).toMatchObject({
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oktaText:
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
      oneClickFix: { kind: 'add-redirect-uri', uri: callback, replaces: `${callback}/` },
    });
    expect(diagnosis.cause).toContain('only by its trailing slash');
    expect(diagnosis.systemLog).toContainEqual(
      expect.objectContaining({ outcome: 'FAILURE', reason: 'illegal_redirect_uri' }),
    );
    await fix(target, diagnosis.oneClickFix, ['update app']);
    await passes(target);
  });

  it('diagnoses without the System Log when the token may not read it', async () => {
    const target = await setUp('kaimu', 'nologs');
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, [
      'APP_ADMIN',
      'API_ACCESS_MANAGEMENT_ADMIN',
    ]);
    const appAdmin = createOktaClient({ orgUrl: sandbox.orgUrl, token });
    const sent = `${target.app.redirectUri}/`;
    const facts = await gatherOrgFacts(appAdmin, {
      appId: target.app.appId,
      userLogin: target.app.user.login,
      authServerId: 'default',
      requestedScopes: target.scopes,
      redirectUri: sent,
    });
    expect(facts.systemLog).toBeNull();
    expect(facts.authServer?.admittedBy).toEqual({
      policy: 'Default Policy',
      rule: 'Default Policy Rule',
    });
    expect(facts.user?.assignment).toBe('USER');
    const { run, diagnosis } = await failing(target, { client: appAdmin, redirectUri: sent });
    expect(run.authorizeUrl).toBeNull();
    expect(diagnosis).toMatchObject({
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oneClickFix: { kind: 'add-redirect-uri', uri: sent, replaces: target.app.redirectUri },
    });
    expect(diagnosis.systemLog).toBeUndefined();
  });

  it('an unregistered redirect URI: Kestra’s Micronaut client key renamed', async () => {
    const target = await setUp('kestra', 'clientkey');
    const sent = target.app.redirectUri.replace(/okta$/, 'okta-sso');
    const { run, report, diagnosis } = await failing(target, { redirectUri: sent });
    expect(run.authorizeUrl).toBeNull();
    expect(report.redirectUri).toBe(sent);
    expect(diagnosis.code).toBe('REDIRECT_URI_NOT_REGISTERED');
    expect(diagnosis.cause).toContain('client key "okta" where the target sends "okta-sso"');
    await fix(target, diagnosis.oneClickFix, ['update app']);
    expect(target.document.app.redirectUris).toEqual([sent]);
    await passes(target, { redirectUri: sent });
  });

  it('a user who is not assigned', async () => {
    const target = await setUp('kestra', 'assign');
    const outsider = { login: 'grace.hopper@example.com', password: 'Cobol-Compiler-1959' };
    await client.userApi.createUser({
      body: {
        profile: {
          firstName: 'Grace',
          lastName: 'Hopper',
          email: outsider.login,
          login: outsider.login,
        },
        credentials: { password: { value: outsider.password } },
      },
      activate: true,
    });
    const { run, report, diagnosis } = await failing(target, { user: outsider });
    // Okta refuses after the sign-in: the redirect back carries the error.
    expect(run.authorizeUrl).not.toBeNull();
    expect(steps(report)).toEqual(['discovery', 'authorize', 'keys', 'callback']);
    expect(diagnosis).toMatchObject({
      code: 'USER_NOT_ASSIGNED',
      oktaText: 'User is not assigned to the client application.',
      oneClickFix: { kind: 'assign-user', login: outsider.login },
    });
    await fix(target, diagnosis.oneClickFix, [`create user-assignment:${outsider.login}`]);
    await passes(target, { user: outsider });
  });

  it('a browser app’s origin without a CORS trusted origin, said alongside the failure', async () => {
    const target = await setUp('kestra', 'origin');
    const origin = new URL(target.document.target.baseUrl).origin;
    const outsider = {
      login: 'ada.lovelace.origin@example.com',
      password: 'Difference-Engine-1822',
    };
    await client.userApi.createUser({
      body: {
        profile: { firstName: 'Ada', lastName: 'L', email: outsider.login, login: outsider.login },
        credentials: { password: { value: outsider.password } },
      },
      activate: true,
    });
    // The preview is not a browser, so CORS never fails it; the org's facts say what will.
    const { report } = await failing(target, { user: outsider, browserOrigin: origin });
    const missing = report.diagnosis.find((found) => found.code === 'TRUSTED_ORIGIN_MISSING');
    expect(report.diagnosis[0]?.code).toBe('USER_NOT_ASSIGNED');
    expect(missing?.oneClickFix).toEqual({ kind: 'add-trusted-origin', origin });
    await fix(target, missing?.oneClickFix, [`create trusted-origin:${origin}`]);
    const again = await failing(target, { user: outsider, browserOrigin: origin });
    expect(again.report.diagnosis.map((found) => found.code)).toEqual(['USER_NOT_ASSIGNED']);
  });

  it('a browser app’s missing CORS origin, said even when the sign-in itself works', async () => {
    const target = await setUp('kestra', 'origin-ok');
    const origin = new URL(target.document.target.baseUrl).origin;
    const { report } = await preview(target, { browserOrigin: origin });
    expect(report.ok).toBe(true);
    expect(report.diagnosis).toMatchObject([
      { code: 'TRUSTED_ORIGIN_MISSING', oneClickFix: { kind: 'add-trusted-origin', origin } },
    ]);
    await fix(target, report.diagnosis[0]?.oneClickFix, [`create trusted-origin:${origin}`]);
    await passes(target, { browserOrigin: origin });
  });

  it('a scope the custom server does not have', async () => {
    const target = await setUp('kaimu', 'scope');
    const scopes = [...target.scopes, 'groups'];
    const { diagnosis } = await failing(target, { scopes });
    expect(diagnosis).toMatchObject({
      code: 'SCOPE_NOT_ON_SERVER',
      oktaText: 'One or more scopes are not configured for the authorization server resource.',
      oneClickFix: { kind: 'add-scope', scope: 'groups' },
    });
    await fix(target, diagnosis.oneClickFix, ['create scope:groups']);
    await passes(target, { scopes });
  });

  it('a scope missing on a server the console made, whose own access rule lists its scopes', async () => {
    const document = createSetupDocument({
      id: 'own-server',
      preset: 'kaimu',
      baseUrl: `http://localhost:${String(await freePort())}`,
      label: 'Kaimu own',
    });
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
    const result = await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document });
    const target = targetOf(document, result);
    expect(target.issuer).toBe(`${sandbox.orgUrl}/oauth2/${result.authServerId ?? ''}`);
    const scopes = ['openid', 'email', 'profile', 'kaimu.read'];
    const { diagnosis } = await failing(target, { scopes });
    expect(diagnosis).toMatchObject({
      code: 'SCOPE_NOT_ON_SERVER',
      oneClickFix: { kind: 'add-scope', scope: 'kaimu.read' },
    });
    // The console's rule names the scopes it was made for: the plan widens it too.
    await fix(target, diagnosis.oneClickFix, ['create scope:kaimu.read', 'create access-policy']);
    await passes(target, { scopes });
  });

  it('PKCE required by the app, and the target sends none', async () => {
    const target = await setUp('kestra', 'pkce');
    await replaceApp(target.app.appId, (app) => {
      app.credentials.oauthClient.pkce_required = true;
    });
    // The preview always sends PKCE; the target's requests are played without it.
    const noPkce = asTheTarget({
      url: (url) => {
        url.searchParams.delete('code_challenge');
        url.searchParams.delete('code_challenge_method');
      },
      token: (form) => {
        form.delete('code_verifier');
      },
    });
    const asTarget = { fetch: noPkce.fetch, browse: browseAt(noPkce.url) };
    const { run, diagnosis } = await failing(target, asTarget);
    expect(run.authorizeUrl).toBeNull();
    expect(diagnosis).toMatchObject({
      code: 'PKCE_REQUIRED',
      oktaText: 'PKCE code challenge is required by the application.',
      oneClickFix: { kind: 'set-pkce-required', value: false },
    });
    await fix(target, diagnosis.oneClickFix, ['update app']);
    await passes(target, asTarget);
  });

  it('a client authentication method that differs at /token', async () => {
    const target = await setUp('kestra', 'authmethod');
    await replaceApp(target.app.appId, (app) => {
      // Okta requires PKCE of a client without a secret.
      app.credentials.oauthClient.token_endpoint_auth_method = 'none';
      app.credentials.oauthClient.pkce_required = true;
    });
    // The preview does PKCE, so it gets as far as /token, where it sends the secret.
    const { report, diagnosis } = await failing(target);
    expect(steps(report)).toEqual(['discovery', 'authorize', 'keys', 'callback', 'token']);
    expect(report.timeline.at(-1)).toMatchObject({ step: 'token', status: 401 });
    expect(diagnosis).toMatchObject({
      code: 'CLIENT_AUTH_MISMATCH',
      oneClickFix: { kind: 'set-token-endpoint-auth-method', method: 'client_secret_basic' },
    });
    expect(diagnosis.cause).toContain('expects token_endpoint_auth_method none');
    await fix(target, diagnosis.oneClickFix, ['update app']);
    await passes(target);
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
    const { diagnosis } = await failing(target);
    expect(diagnosis).toMatchObject({
      code: 'POLICY_EVALUATION_FAILED',
      oktaText:
        'Policy evaluation failed for this request, please check the policy configurations.',
      oneClickFix: { kind: 'allow-client-in-policy' },
    });
    expect(diagnosis.cause).toContain(
      'rule "Default Policy Rule" of policy "Default Policy" is INACTIVE',
    );
    await fix(target, diagnosis.oneClickFix, ['create access-policy']);
    await passes(target);
  });

  it('an inactive app', async () => {
    const target = await setUp('kestra', 'inactive');
    await client.applicationApi.deactivateApplication({ appId: target.app.appId });
    const { run, diagnosis } = await failing(target);
    expect(run.authorizeUrl).toBeNull();
    expect(diagnosis).toMatchObject({
      code: 'APP_INACTIVE',
      oktaText: null,
      oneClickFix: { kind: 'activate-app' },
    });
    await fix(target, diagnosis.oneClickFix, ['update app']);
    await passes(target);
  });

  it('an unknown client: the app was deleted; applying the setup again brings it back', async () => {
    const target = await setUp('kestra', 'deleted');
    await client.applicationApi.deactivateApplication({ appId: target.app.appId });
    await client.applicationApi.deleteApplication({ appId: target.app.appId });
    const { run, diagnosis } = await failing(target);
    expect(run.authorizeUrl).toBeNull();
    expect(diagnosis).toMatchObject({
      code: 'UNKNOWN_CLIENT',
      oktaText: "Invalid value for 'client_id' parameter.",
    });
    expect(diagnosis.oneClickFix).toBeUndefined();
    expect(diagnosis.cause).toContain(target.app.appId);
    // The fix in words: apply again, then give the target the new client id and secret.
    const again = await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document: target.document });
    await passes(target, {
      app: { id: again.appId, clientId: again.clientId, clientSecret: again.clientSecret },
    });
  });

  it('an issuer mismatch: issuer_mode DYNAMIC, and the target reaches Okta by its custom domain', async () => {
    const target = await setUp('kestra', 'issuer');
    await replaceApp(target.app.appId, (app) => {
      app.settings.oauthClient.issuer_mode = 'DYNAMIC';
    });
    // The sandbox answers as `localhost` the way a custom domain would (okta-behaviours.md §2).
    // The target is configured with the Okta URL, and the admin signs in there; the target's own
    // requests (token, keys, userinfo) go out by the custom domain.
    const customDomain = sandbox.orgUrl.replace('127.0.0.1', 'localhost');
    const viaCustomDomain = asTheTarget({
      url: (url) => {
        if (url.origin === sandbox.orgUrl && !url.pathname.endsWith('/v1/authorize')) {
          url.hostname = 'localhost';
        }
      },
    });
    const { report, diagnosis } = await failing(target, { fetch: viaCustomDomain.fetch });
    expect(report.issuer).toBe(sandbox.orgUrl);
    // Okta issued the tokens; the ID token's iss is what the preview refused.
    expect(report.timeline.at(-1)).toMatchObject({ step: 'token', status: 200 });
    expect(diagnosis).toMatchObject({
      code: 'ISSUER_MISMATCH',
      oneClickFix: { kind: 'set-issuer', issuer: 'org', issuerMode: 'ORG_URL' },
    });
    expect(diagnosis.cause).toContain(`the ID token's iss is ${customDomain}`);
    expect(diagnosis.cause).toContain('issuer_mode here is DYNAMIC');
    await fix(target, diagnosis.oneClickFix, ['update app']);
    const after = await passes(target, { fetch: viaCustomDomain.fetch });
    expect(after.idTokenDecoded?.claims.iss).toBe(sandbox.orgUrl);
  });

  it('a groups claim missing on a custom server', async () => {
    const target = await setUp('kaimu', 'groups');
    const { report, diagnosis } = await failing(target, { expectGroupsClaim: 'groups' });
    expect(report.idTokenDecoded?.claims).not.toHaveProperty('groups');
    expect(diagnosis).toMatchObject({
      code: 'GROUPS_CLAIM_MISSING',
      oktaText: null,
      oneClickFix: { kind: 'add-groups-claim', name: 'groups' },
    });
    await fix(target, diagnosis.oneClickFix, ['create claim:groups']);
    const after = await passes(target, { expectGroupsClaim: 'groups' });
    expect(after.idTokenDecoded?.claims.groups).toEqual(['Everyone']);
  });
});

describe('the diagnosis of a real preview whose callback or code went wrong', () => {
  it('a callback with a state this run did not send never reaches the flow: the listener turns it away and waits', async () => {
    const target = await setUp('kestra', 'state');
    const landed: number[] = [];
    const report = await passes(target, {
      browse: async (run, user) => {
        const back = await signInAt(run, user);
        const forged = new URL(back);
        forged.searchParams.set('state', 'forged-state');
        landed.push((await fetch(forged)).status);
        landed.push((await fetch(back)).status);
      },
    });
    // The forged redirect got the listener's error page; the real one finished the sign-in.
    expect(landed).toEqual([400, 200]);
    expect(steps(report).filter((step) => step === 'callback')).toHaveLength(1);
  });

  it('a pasted callback with a forged state', async () => {
    const target = await setUp('kestra', 'pasted');
    const { diagnosis } = await failing(target, {
      browse: async (run, user) => {
        const back = await signInAt(run, user);
        back.searchParams.set('state', 'forged-state');
        run.paste(back.toString());
        return Promise.resolve();
      },
    });
    expect(diagnosis.code).toBe('STATE_MISMATCH');
  });

  it('a code the target redeemed first (the app was running while the admin signed in)', async () => {
    const target = await setUp('kestra', 'code');
    const redeemedFirst = asTheTarget({
      before: (url, init) => fetch(url, init),
    });
    const { report, diagnosis } = await failing(target, { fetch: redeemedFirst.fetch });
    expect(report.timeline.at(-1)).toMatchObject({ step: 'token', status: 400 });
    expect(diagnosis).toMatchObject({
      code: 'CODE_INVALID',
      oktaText: 'The authorization code is invalid or has expired.',
    });
    await passes(target);
  });

  it('a code verifier that does not match the challenge', async () => {
    const target = await setUp('kestra', 'verifier');
    const otherVerifier = asTheTarget({
      token: (form) => {
        form.set('code_verifier', 'x'.repeat(43));
      },
    });
    const { diagnosis } = await failing(target, { fetch: otherVerifier.fetch });
    expect(diagnosis).toMatchObject({
      code: 'PKCE_VERIFICATION_FAILED',
      oktaText: 'PKCE verification failed.',
    });
    await passes(target);
  });

  it('nobody signs in before the preview gives up', async () => {
    const target = await setUp('kestra', 'timeout');
    const { run, report, diagnosis } = await failing(target, {
      timeoutMs: 1500,
      browse: () => Promise.resolve(),
    });
    expect(run.authorizeUrl).not.toBeNull();
    // The signing keys were read while the preview waited for the sign-in.
    expect(steps(report)).toEqual(['discovery', 'authorize', 'keys']);
    expect(diagnosis).toMatchObject({ code: 'OKTA_ERROR', oktaText: null });
    expect(diagnosis.cause).toContain('waiting for the sign-in in the browser');
  });
});

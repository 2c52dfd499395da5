import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_FAILED_SIGN_INS } from '../../../../main/sandbox/oidc/sign-in-lockout.ts';
import { PASSWORD_REQUIREMENTS } from '../../../../main/sandbox/passwords.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * What the sandbox's sign-in page does with passwords, as Okta does: it locks a user out after
 * the default password policy's 10 wrong passwords in a row (until an admin unlocks them through
 * the SDK), and it makes a user whose password expired choose a new one before the sign-in goes
 * on to the app. Driven over HTTP as a browser would, the admin side through the real SDK.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let http: ReturnType<typeof oidcHttp>;

beforeAll(async () => {
  sandbox = await startSandboxWithClient();
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

let apps = 0;

/** A fresh app with its own ACTIVE user, who knows their password. */
async function freshApp(): Promise<OidcAppUnderTest> {
  apps += 1;
  return setUpOidcApp(client, {
    label: `Passwords ${String(apps)}`,
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Opens the app's sign-in page in a new browser session; `post` submits a form on it with the
 * session's cookies, answering the status, the page and where it redirects.
 */
async function openSignIn(app: OidcAppUnderTest) {
  const go = http.browserSession();
  const start = await go(
    http.authorizeUrl(`${sandbox.orgUrl}/oauth2`, http.codeParams(app, { state: 'passwords' })),
  );
  const page = new URL(start.headers.get('location') ?? '', sandbox.orgUrl).toString();
  return {
    async post(fields: Record<string, string>) {
      const answer = await go(page, {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams(fields).toString(),
      });
      return {
        status: answer.status,
        text: await answer.text(),
        location: answer.headers.get('location'),
        go,
      };
    },
  };
}

/** One whole sign-in attempt with `password`: its status and page. */
async function signIn(app: OidcAppUnderTest, password: string) {
  const page = await openSignIn(app);
  return page.post({ username: app.user.login, password });
}

/** Follows the sign-in's redirects until the app's callback; answers the code it carries. */
async function codeAfter(answer: {
  location: string | null;
  go: ReturnType<typeof http.browserSession>;
}) {
  let location = answer.location ?? '';
  while (!location.startsWith(REDIRECT_URI)) {
    expect(location, 'the sign-in redirects on').not.toBe('');
    const next = await answer.go(new URL(location, sandbox.orgUrl).toString());
    location = next.headers.get('location') ?? '';
  }
  return new URL(location).searchParams.get('code');
}

async function eventsFor(userId: string, eventType: string) {
  const events = await collect(
    await client.systemLogApi.listLogEvents({
      filter: `eventType eq "${eventType}"`,
      until: new Date(Date.now() + 60_000).toISOString(),
    }),
  );
  return events.filter(
    (event) => event.actor?.id === userId || event.target?.some((target) => target.id === userId),
  );
}

describe('lockout after failed sign-ins', () => {
  it('counts only consecutive failures: a correct password starts the count again', async () => {
    const app = await freshApp();
    for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
      expect((await signIn(app, 'Wrong-Passw0rd')).status).toBe(401);
    }
    expect((await signIn(app, app.user.password)).status).toBe(303);
    for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
      expect((await signIn(app, 'Wrong-Passw0rd')).status).toBe(401);
    }
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('ACTIVE');
  });

  it('locks the user out at the 10th wrong password in a row, until an admin unlocks them', async () => {
    const app = await freshApp();
    const before = await client.userApi.getUser({ userId: app.user.id });
    for (let attempt = 1; attempt <= MAX_FAILED_SIGN_INS; attempt += 1) {
      const answer = await signIn(app, 'Wrong-Passw0rd');
      expect(answer.status).toBe(401);
      // Okta's default policy does not tell the user they are locked (showLockoutFailures).
      expect(answer.text).toContain('Unable to sign in');
    }
    const locked = await client.userApi.getUser({ userId: app.user.id });
    expect(locked.status).toBe('LOCKED_OUT');
    expect(locked.statusChanged?.getTime()).toBeGreaterThan(before.statusChanged?.getTime() ?? 0);
    expect(locked.lastUpdated).toEqual(locked.statusChanged);
    const [lock] = await eventsFor(app.user.id, 'user.account.lock');
    expect(lock).toMatchObject({
      displayMessage: 'Max sign in attempts exceeded',
      actor: { id: app.user.id },
      target: [{ id: app.user.id, type: 'User' }],
    });

    // Now even the right password is refused, and logged as a locked-out attempt.
    expect((await signIn(app, app.user.password)).status).toBe(401);
    const attempts = await eventsFor(app.user.id, 'user.session.start');
    expect(attempts.at(-1)?.outcome).toMatchObject({ result: 'FAILURE', reason: 'LOCKED_OUT' });

    await client.userApi.unlockUser({ userId: app.user.id });
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('ACTIVE');
    expect((await signIn(app, app.user.password)).status).toBe(303);
    // The unlock cleared the count: nine more failures do not lock the user again.
    for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
      await signIn(app, 'Wrong-Passw0rd');
    }
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('ACTIVE');
  });
});

describe('an expired password at sign-in', () => {
  it('asks for a new password after the temporary one, then signs the user in as ACTIVE', async () => {
    const app = await freshApp();
    // The SDK reads this answer as a User and drops `tempPassword`, so the call is made by hand.
    const expiring = await fetch(
      `${sandbox.orgUrl}/api/v1/users/${app.user.id}/lifecycle/expire_password_with_temp_password`,
      { method: 'POST', headers: { authorization: `SSWS ${sandbox.apiToken}` } },
    );
    const { tempPassword } = (await expiring.json()) as { tempPassword: string };
    const before = await client.userApi.getUser({ userId: app.user.id });
    expect(before.status).toBe('PASSWORD_EXPIRED');

    const page = await openSignIn(app);
    const form = await page.post({ username: app.user.login, password: tempPassword });
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>Change your password</h1>');
    expect(form.text).toContain('<label for="new-password">New password</label>');
    expect(form.text).toContain('<label for="confirm-password">Re-enter password</label>');
    // Nothing changed yet: the user must first choose the new password.
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('PASSWORD_EXPIRED');

    const differ = await page.post({
      step: 'change-password',
      newPassword: 'Babbage-Engine-1837',
      confirmPassword: 'Babbage-Engine-1838',
    });
    expect(differ.status).toBe(400);
    expect(differ.text).toContain('role="alert"');
    expect(differ.text).toContain('The passwords do not match.');

    const weak = await page.post({
      step: 'change-password',
      newPassword: 'short',
      confirmPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain(`Password requirements were not met. ${PASSWORD_REQUIREMENTS}`);

    const changed = await page.post({
      step: 'change-password',
      newPassword: 'Babbage-Engine-1837',
      confirmPassword: 'Babbage-Engine-1837',
    });
    expect(changed.status).toBe(303);
    const code = await codeAfter(changed);
    expect(code).toEqual(expect.any(String));
    const { status } = await http.token(
      `${sandbox.orgUrl}/oauth2`,
      { grant_type: 'authorization_code', code: code ?? '', redirect_uri: REDIRECT_URI },
      http.basic(app),
    );
    expect(status).toBe(200);

    const after = await client.userApi.getUser({ userId: app.user.id });
    expect(after.status).toBe('ACTIVE');
    expect(after.passwordChanged?.getTime()).toBeGreaterThanOrEqual(
      before.passwordChanged?.getTime() ?? Infinity,
    );
    expect(after.lastLogin).not.toBeNull();
    const changes = await eventsFor(app.user.id, 'user.account.update_password');
    expect(changes.map((event) => event.actor?.id)).toEqual([app.user.id]);
    expect((await eventsFor(app.user.id, 'user.session.start')).at(-1)?.outcome?.result).toBe(
      'SUCCESS',
    );

    // The new password signs in directly; the temporary one no longer does.
    expect((await signIn(app, 'Babbage-Engine-1837')).status).toBe(303);
    expect((await signIn(app, tempPassword)).status).toBe(401);
  });

  it('asks for a new password after the old one when the password was only expired', async () => {
    const app = await freshApp();
    await client.userApi.expirePassword({ userId: app.user.id });
    const page = await openSignIn(app);
    const form = await page.post({ username: app.user.login, password: app.user.password });
    expect(form.status).toBe(200);
    expect(form.text).toContain('Your password has expired.');
    const changed = await page.post({
      step: 'change-password',
      newPassword: 'Difference-Engine-1822',
      confirmPassword: 'Difference-Engine-1822',
    });
    expect(changed.status).toBe(303);
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('ACTIVE');
  });

  it('refuses a password change that no sign-in asked for', async () => {
    const app = await freshApp();
    await client.userApi.expirePassword({ userId: app.user.id });
    const page = await openSignIn(app);
    const answer = await page.post({
      step: 'change-password',
      newPassword: 'Difference-Engine-1822',
      confirmPassword: 'Difference-Engine-1822',
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Sign in again with your current password.');
    expect((await client.userApi.getUser({ userId: app.user.id })).status).toBe('PASSWORD_EXPIRED');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import {
  cleanUpThrowawayUsers,
  createThrowawayUser,
  removeThrowawayUser,
  THROWAWAY_LOGIN_PREFIX,
  THROWAWAY_TITLE,
  type ThrowawayJournalEntry,
} from '../../../../main/preview/throwaway-user.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The preview's throwaway test identity against the sandbox through the real SDK: created
 * tagged and assigned, able to sign in, then deactivated and deleted — and removed by the next
 * run's cleanup when a crash left it behind.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/throwaway/callback';
let sandbox: RunningSandbox;
let app: OidcAppUnderTest;

beforeAll(async () => {
  sandbox = await startSandbox();
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'Throwaway preview',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
});
afterAll(async () => {
  await sandbox.close();
});

function deps() {
  const lines: ThrowawayJournalEntry[] = [];
  return {
    lines,
    deps: {
      client: createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }),
      journal: {
        append: (entry: ThrowawayJournalEntry) => {
          lines.push(entry);
          return Promise.resolve();
        },
      },
    },
  };
}

async function userStatus(login: string): Promise<string | 404> {
  try {
    const user = await sdkClient(sandbox.orgUrl, sandbox.apiToken).userApi.getUser({
      userId: login,
    });
    return String(user.status);
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return 404;
    }
    throw error;
  }
}

describe('the throwaway preview user', () => {
  it('is created tagged and assigned, signs in, and is gone afterwards', async () => {
    const { deps: run, lines } = deps();
    const user = await createThrowawayUser(run, { appId: app.appId });
    expect(user.login.startsWith(THROWAWAY_LOGIN_PREFIX)).toBe(true);
    const created = await sdkClient(sandbox.orgUrl, sandbox.apiToken).userApi.getUser({
      userId: user.userId,
    });
    expect(created.profile?.title).toBe(THROWAWAY_TITLE);
    expect(created.status).toBe('ACTIVE');

    // Assigned directly, so it can sign in to the app.
    const http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
    const back = await http.signIn(
      sandbox.orgUrl + '/oauth2',
      { ...app, user: { id: user.userId, login: user.login, password: user.password } },
      http.codeParams(app),
    );
    expect(back.searchParams.get('code')).toEqual(expect.any(String));

    await removeThrowawayUser(run, { ...user, appId: app.appId });
    expect(await userStatus(user.login)).toBe(404);
    expect(lines.map((line) => line.phase)).toEqual(['creating', 'created', 'removed']);
    // The journal never holds the password.
    expect(JSON.stringify(lines)).not.toContain(user.password);
  });

  it('is removed by the next run when a crash left it behind, and only console-made users are', async () => {
    const { deps: run, lines } = deps();
    const left = await createThrowawayUser(run, { appId: app.appId });
    // The console died here: "creating" and "created", no "removed". A lost create answer
    // leaves only "creating"; the user is then found by login.
    const lostAnswer = lines.filter((line) => line.phase === 'creating');
    const foreign: ThrowawayJournalEntry = {
      kind: 'throwaway-user',
      phase: 'created',
      login: app.user.login,
      appId: app.appId,
      at: new Date().toISOString(),
    };

    const next = deps();
    const removed = await cleanUpThrowawayUsers(next.deps, [...lostAnswer, foreign]);
    expect(removed).toEqual([left.login]);
    expect(await userStatus(left.login)).toBe(404);
    expect(await userStatus(app.user.login)).toBe('ACTIVE');

    // Running the cleanup again (say, after it too was interrupted) is harmless.
    expect(await cleanUpThrowawayUsers(next.deps, lines)).toEqual([left.login]);
  });
});

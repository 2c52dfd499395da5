import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { previewJournals } from '../../../../main/preview/preview-run.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupService } from '../../../../main/setup/setup-service.ts';
import { addTemporaryRedirect } from '../../../../main/sign-in/redirect-strategy.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';

/**
 * An apply's update of an app and a login preview's temporary redirect URI, at once, on one data
 * folder: Okta replaces an app whole and has no version check, so without the app-write lock the
 * preview's read-and-replace, read before the apply's replace and written after it, would put the
 * old redirect URIs back. Against the sandbox org over HTTP, through the real SDK and keychain.
 */
let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'app-write-lock-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the app-write lock', () => {
  it('keeps a preview’s temporary redirect URI from undoing an apply’s new redirect URIs', async () => {
    const org = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    const running: string[] = [];
    const setup = createSetupService({
      activeOrg: () => Promise.resolve(org),
      secrets: new KeytarSecretStore(),
      dataDir,
      emitProgress: (event) => {
        if (event.state === 'running') {
          running.push(event.stepKey);
        }
      },
    });
    const document = createSetupDocument({ id: 'app-write-lock', preset: 'kestra' });
    const made = await setup.applyReviewed(document, 'first');
    expect(made.outcome).toBe('applied');
    const appId = made.outcome === 'applied' ? made.applied.appId : '';

    // The apply adds a redirect URI; its replace of the app waits 600 ms in the org before it is
    // handled, and so does the preview's (the next one).
    const added = 'https://kestra.example.com/oauth2/callback/okta-second';
    document.app.redirectUris = [...document.app.redirectUris, added];
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'PUT',
      path: '/api/v1/apps/*',
      latencyMs: 600,
      times: 2,
    });
    try {
      running.length = 0;
      const applying = setup.applyReviewed(document, 'second');
      // The preview's change starts while the apply's replace is on its way to the org: once
      // the apply holds the app (its lock file is there), or 400 ms after its step began where
      // nothing holds it — well inside the replace's 600 ms in the org either way.
      await waitFor(() => running.length > 0);
      const lockFile = path.join(dataDir, 'journals', `app-${appId}.lock`);
      const stepBegan = performance.now();
      await waitFor(() => existsSync(lockFile) || performance.now() - stepBegan > 400);
      const temporary = 'http://127.0.0.1:53682/sso-console/callback';
      // Its own client, as `sso-console preview` in another process has: the org's request
      // scheduler in this one would queue its read behind the apply's replace.
      const previewClient = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
      await addTemporaryRedirect(
        previewClient,
        previewJournals(path.join(dataDir, 'journals')).redirects,
        {
          appId,
          uri: temporary,
        },
      );
      expect((await applying).outcome).toBe('applied');

      const app = (await org.client.applicationApi.getApplication({ appId })) as {
        settings?: { oauthClient?: { redirect_uris?: string[] } };
      };
      const uris = app.settings?.oauthClient?.redirect_uris ?? [];
      // Both changes are there: the apply's, and the preview's made after it.
      expect(uris).toContain(added);
      expect(uris).toContain(temporary);
    } finally {
      await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 10_000) {
      throw new Error('The apply never started a step.');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { KeytarSecretStore } from '../../../../../main/platform/secrets/keytar-secret-store.ts';
import { ROOT } from '../../../../support/processes.ts';

// A service name of its own per run, so the tests never touch the console's real entries.
const service = `sso-setup-console-test-${randomUUID()}`;
const store = new KeytarSecretStore({ service });

afterEach(async () => {
  for (const account of await store.listAccounts()) {
    await store.delete(account);
  }
});

describe('KeytarSecretStore against the real Secret Service', () => {
  it('stores, reads, lists and deletes a secret', async () => {
    await store.checkAvailable();
    const secret = `00${randomUUID().replaceAll('-', '')}ÄÖ✓`;
    await store.set('https://dev-1.okta.com', secret);
    expect(await store.get('https://dev-1.okta.com')).toBe(secret);
    expect(await store.listAccounts()).toEqual(['https://dev-1.okta.com']);
    expect(await store.delete('https://dev-1.okta.com')).toBe(true);
    expect(await store.get('https://dev-1.okta.com')).toBeNull();
    expect(await store.delete('https://dev-1.okta.com')).toBe(false);
  });

  it('replaces a secret in place', async () => {
    await store.set('acct', 'first');
    await store.set('acct', 'second');
    expect(await store.get('acct')).toBe('second');
    expect(await store.listAccounts()).toEqual(['acct']);
  });

  it('keeps a 3 KB secret on Linux (the limit is Windows-only)', async () => {
    await store.set('big', 'k'.repeat(3072));
    expect(await store.get('big')).toHaveLength(3072);
  });
});

describe('KeytarSecretStore without a Secret Service', () => {
  it('refuses with KEYCHAIN_UNAVAILABLE and says what to install or start', async () => {
    // A child process whose D-Bus session address leads nowhere: the real keytar, no keychain.
    const script = `
      import { KeytarSecretStore } from ${JSON.stringify(path.join(ROOT, 'main/platform/secrets/keytar-secret-store.ts'))};
      try {
        await new KeytarSecretStore({ service: 'unused' }).checkAvailable();
        console.log(JSON.stringify({ ok: true }));
      } catch (error) {
        console.log(JSON.stringify({ ok: false, code: error.code, message: error.message, hint: error.hint }));
      }`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
        cwd: ROOT,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
    expect(result).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(result.message).toContain('Secret Service');
    expect(result.hint).toContain('gnome-keyring');
  });
});

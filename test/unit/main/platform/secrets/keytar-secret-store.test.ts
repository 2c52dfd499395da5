import { describe, expect, it, vi } from 'vitest';

import { createRedactor } from '../../../../../main/platform/logging/redact.ts';
import {
  keychainHelp,
  keychainHint,
  type KeytarApi,
  KeytarSecretStore,
  toKeychainError,
} from '../../../../../main/platform/secrets/keytar-secret-store.ts';

/** keytar over a map: what it is given it answers back, unless a test overrides a call. */
function fakeKeytar(overrides: Partial<KeytarApi> = {}): KeytarApi {
  const kept = new Map<string, string>();
  return {
    getPassword: vi.fn((service: string, account: string) =>
      Promise.resolve(kept.get(`${service}/${account}`) ?? null),
    ),
    setPassword: vi.fn((service: string, account: string, password: string) => {
      kept.set(`${service}/${account}`, password);
      return Promise.resolve();
    }),
    deletePassword: vi.fn((service: string, account: string) =>
      Promise.resolve(kept.delete(`${service}/${account}`)),
    ),
    findCredentials: vi.fn().mockResolvedValue([]),
    ...overrides,
  };
}

describe('KeytarSecretStore', () => {
  it('refuses a 3 KB secret on Windows before calling the keychain', async () => {
    const keytar = fakeKeytar();
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'win32' });
    await expect(store.set('acct', 'x'.repeat(3072))).rejects.toMatchObject({
      code: 'KEYCHAIN_VALUE_TOO_LARGE',
    });
    expect(keytar.setPassword).not.toHaveBeenCalled();
  });

  it('accepts the same secret on Linux, where the Secret Service has no such limit', async () => {
    const keytar = fakeKeytar();
    const store = new KeytarSecretStore({
      load: () => Promise.resolve(keytar),
      platform: 'linux',
      service: 's',
    });
    await store.set('acct', 'x'.repeat(3072));
    expect(keytar.setPassword).toHaveBeenCalledWith('s', 'acct', 'x'.repeat(3072));
  });

  it('lists accounts, never passwords', async () => {
    const keytar = fakeKeytar({
      findCredentials: vi.fn().mockResolvedValue([{ account: 'a', password: 'p' }]),
    });
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    expect(await store.listAccounts()).toEqual(['a']);
  });

  it('turns a missing Secret Service into KEYCHAIN_UNAVAILABLE with what to install', async () => {
    const keytar = fakeKeytar({
      getPassword: vi
        .fn()
        .mockRejectedValue(
          new Error('The name org.freedesktop.secrets was not provided by any .service files'),
        ),
    });
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    const failure = store.checkAvailable();
    await expect(failure).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await expect(failure).rejects.toHaveProperty('hint', expect.stringContaining('gnome-keyring'));
  });

  it('finds a locked collection, which answers reads with nothing and refuses writes', async () => {
    const keytar = fakeKeytar({
      setPassword: vi
        .fn()
        .mockRejectedValue(new Error('Cannot create an item in a locked collection')),
    });
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    await expect(store.get('anything')).resolves.toBeNull();
    await expect(store.checkAvailable()).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: expect.stringContaining('locked collection') as string,
    });
  });

  it('leaves no trace of its check, and hides the check from the account list', async () => {
    const keytar = fakeKeytar({
      findCredentials: vi
        .fn()
        .mockResolvedValue([{ account: '__availability-check__:left-by-a-crash', password: 'x' }]),
    });
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    await store.checkAvailable();
    const written = vi.mocked(keytar.setPassword).mock.calls[0]?.[1] ?? '';
    expect(written).toMatch(/^__availability-check__:/);
    expect(keytar.deletePassword).toHaveBeenCalledWith('sso-setup-console', written);
    expect(await store.listAccounts()).toEqual([]);
  });

  it('checks with a probe of its own, so two checks at once never spoil each other', async () => {
    const keytar = fakeKeytar();
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    await Promise.all([store.checkAvailable(), store.checkAvailable(), store.checkAvailable()]);
    const accounts = vi.mocked(keytar.setPassword).mock.calls.map(([, account]) => account);
    expect(new Set(accounts).size).toBe(3);
  });

  it('searches again when an entry vanishes while it lists (another process deleting it)', async () => {
    const vanished = Object.assign(new Error('x'), {});
    const keytar = fakeKeytar({
      findCredentials: vi
        .fn()
        .mockRejectedValueOnce(
          Object.assign(vanished, {
            message: 'No such secret item at path: /org/freedesktop/secrets/collection/login/39',
          }),
        )
        .mockResolvedValueOnce([{ account: 'kept', password: 'x' }]),
    });
    const store = new KeytarSecretStore({ load: () => Promise.resolve(keytar), platform: 'linux' });
    expect(await store.listAccounts()).toEqual(['kept']);
  });

  it('retries loading keytar after a failed load', async () => {
    const load = vi
      .fn<() => Promise<KeytarApi>>()
      .mockRejectedValueOnce(toKeychainError(new Error('libsecret missing'), 'linux'))
      .mockResolvedValueOnce(fakeKeytar());
    const store = new KeytarSecretStore({ load, platform: 'linux' });
    await expect(store.checkAvailable()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await expect(store.checkAvailable()).resolves.toBeUndefined();
  });

  it.each([
    ['darwin', 'Keychain'],
    ['win32', 'Credential Manager'],
  ] as const)('names the %s store in its message', (platform, name) => {
    expect(toKeychainError(new Error('x'), platform).message).toContain(name);
  });

  it.each(['linux', 'darwin', 'win32'] as const)(
    'says on %s only what happened: not that nothing was saved, nor that the secret is a token',
    (platform) => {
      const error = toKeychainError(new Error('Could not connect'), platform);
      expect(error.message).not.toContain('Nothing was saved');
      expect(`${error.message} ${error.hint}`).not.toContain('API token');
      expect(error.hint).toBe(keychainHint(platform));
    },
  );

  it('gives the one command that runs the console headless on Linux, whole through the redactor', () => {
    const help = keychainHelp('linux');
    expect(help.command).toMatch(/^dbus-run-session -- bash -c '.*npm start -- --browser'$/);
    // The password is typed without echo and piped, never an argument.
    expect(help.command).toContain('read -rsp');
    expect(help.command).toContain('| gnome-keyring-daemon --unlock --components=secrets');
    // Error hints pass the redactor: a "password: …" in the command would be cut.
    const hint = keychainHint('linux');
    expect(createRedactor([]).text(hint)).toBe(hint);
  });
});

import { describe, expect, it } from 'vitest';

import {
  checkBeforeMaking,
  createKeychainChoice,
} from '../../../../../main/platform/secrets/keychain-choice.ts';
import { toKeychainError } from '../../../../../main/platform/secrets/keytar-secret-store.ts';
import { AppError } from '../../../../../shared/errors.ts';
import { InMemorySecretStore } from '../../../../support/in-memory-secret-store.ts';

/** A keychain that answers, or — with `failure` set — refuses everything as keytar would. */
function keychain(isReachable: boolean) {
  const store = new InMemorySecretStore();
  if (!isReachable) {
    store.failure = toKeychainError(
      new Error('Could not connect: No such file or directory'),
      'linux',
    );
  }
  return store;
}

describe('createKeychainChoice', () => {
  it('keeps every secret in the keychain while one is reachable, and stays there when memory is asked for', async () => {
    const os = keychain(true);
    const choice = createKeychainChoice(os, 'linux');
    await choice.set('acct', 'secret');
    expect(os.secrets.get('acct')).toBe('secret');
    const status = await choice.keepInSessionMemory();
    expect(status).toMatchObject({ store: 'keychain', isReachable: true, problem: null });
    await choice.set('other', 'kept');
    expect(os.secrets.get('other')).toBe('kept');
    expect(choice.info()).toEqual(os.info());
  });

  it('never falls back silently: without a keychain, every call fails as the keychain does', async () => {
    const choice = createKeychainChoice(keychain(false), 'linux');
    await expect(choice.checkAvailable()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await expect(choice.set('acct', 'secret')).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
    });
    await expect(choice.get('acct')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('says why the keychain is not reachable and how to get one on this OS', async () => {
    const status = await createKeychainChoice(keychain(false), 'linux').status();
    expect(status).toMatchObject({
      store: 'keychain',
      keychainName: 'Secret Service',
      isReachable: false,
      secretsInMemory: 0,
    });
    expect(status.problem).toContain('Could not connect');
    expect(status.help.command).toContain('gnome-keyring-daemon --unlock');
    const mac = await createKeychainChoice(keychain(false), 'darwin').status();
    expect(mac.keychainName).toBe('macOS Keychain');
    expect(mac.help).toMatchObject({ command: null });
    expect(mac.help.text).toContain('Keychain Access');
    const windows = await createKeychainChoice(keychain(false), 'win32').status();
    expect(windows.help.text).toContain('Credential Manager');
  });

  it('keeps secrets in this session’s memory once chosen, and counts them', async () => {
    const os = keychain(false);
    const choice = createKeychainChoice(os, 'linux');
    const status = await choice.keepInSessionMemory();
    expect(status).toMatchObject({ store: 'session-memory', isReachable: false });
    await expect(choice.checkAvailable()).resolves.toBeUndefined();
    await choice.set('client-secret:x', 'secret');
    expect(await choice.get('client-secret:x')).toBe('secret');
    expect(await choice.listAccounts()).toEqual(['client-secret:x']);
    expect(os.secrets.size).toBe(0);
    expect(choice.info()).toMatchObject({ isPersistent: false, isOsProtected: false });
    expect(await choice.status()).toMatchObject({ store: 'session-memory', secretsInMemory: 1 });
    // Chosen once: asking again keeps the same memory, and what it holds.
    await choice.keepInSessionMemory();
    expect(await choice.get('client-secret:x')).toBe('secret');
  });

  it('keeps one memory when two requests choose it at once', async () => {
    const choice = createKeychainChoice(keychain(false), 'linux');
    const [first] = await Promise.all([choice.keepInSessionMemory(), choice.keepInSessionMemory()]);
    expect(first.store).toBe('session-memory');
    await choice.set('acct', 'secret');
    await choice.keepInSessionMemory();
    expect(await choice.get('acct')).toBe('secret');
  });
});

describe('checkBeforeMaking', () => {
  it('lets a write that makes a secret go ahead when the store keeps one', async () => {
    await expect(checkBeforeMaking(keychain(true), 'Not started.')).resolves.toBeUndefined();
  });

  it('says what was not started, the keychain’s own words, and the two ways on', async () => {
    const failure = checkBeforeMaking(keychain(false), 'The preview did not start.');
    await expect(failure).rejects.toBeInstanceOf(AppError);
    await expect(failure).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: expect.stringMatching(
        /^The Secret Service could not be used \(Could not connect.*\. The preview did not start\.$/,
      ) as string,
      hint: expect.stringContaining('dbus-run-session') as string,
    });
    await expect(failure).rejects.toHaveProperty(
      'hint',
      expect.stringContaining('this session’s memory only'),
    );
  });

  it('passes on a failure that is not the keychain’s', async () => {
    const store = new InMemorySecretStore();
    store.failure = new Error('disk on fire');
    await expect(checkBeforeMaking(store, 'x')).rejects.toThrow('disk on fire');
  });
});

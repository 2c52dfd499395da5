import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import type { OktaClient } from '../../../../main/okta/okta-client.ts';
import { SILENT_LOGGER } from '../../../../main/platform/logging/logger.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { InMemorySecretStore } from '../../../support/in-memory-secret-store.ts';

const TOKEN_A = `00${'A'.repeat(36)}aaaa`;
const TOKEN_A2 = `00${'B'.repeat(36)}bbbb`;
const TOKEN_C = `00${'C'.repeat(36)}cccc`;
const ORG_A = 'https://dev-1.okta.com';
const ORG_C = 'https://dev-2.okta.com';

/** What the connection check reads; the integration tests run the real SDK against the sandbox. */
function verifyingClient(): OktaClient {
  return {
    userApi: {
      getUser: vi.fn().mockResolvedValue({
        id: '00u1',
        profile: { login: 'ada@example.com', firstName: 'Ada', lastName: 'L' },
      }),
    },
    orgSettingApi: { getOrgSettings: vi.fn().mockResolvedValue({ companyName: 'Acme' }) },
    roleAssignmentApi: {
      listAssignedRolesForUser: vi.fn().mockResolvedValue([{ type: 'SUPER_ADMIN' }]),
    },
  } as unknown as OktaClient;
}

/**
 * The real profile service on a real profile file and an in-memory keychain, with the active
 * org's resolver on it as the composition root wires it; counts what each resolution reads.
 */
function setup(options: { failSaves?: () => boolean } = {}) {
  const files = createFileProfileRepository(mkdtempSync(path.join(os.tmpdir(), 'active-org-')));
  const reads = { file: 0, keychain: 0 };
  const repository = {
    load: () => {
      reads.file += 1;
      return files.load();
    },
    save: (file: Parameters<typeof files.save>[0]) =>
      options.failSaves?.() === true ? Promise.reject(new Error('disk full')) : files.save(file),
  };
  const secrets = new InMemorySecretStore();
  const keychainGet = secrets.get.bind(secrets);
  secrets.get = (account: string) => {
    reads.keychain += 1;
    return keychainGet(account);
  };
  const profiles = createProfileService({
    repository,
    secrets,
    createClient: verifyingClient,
    emitProgress: () => undefined,
    logger: SILENT_LOGGER,
  });
  const createClient = vi.fn(
    (credentials: { orgUrl: string; token: string }) => ({ credentials }) as unknown as OktaClient,
  );
  const activeOrg = createActiveOrg({
    profiles,
    createClient,
    schedulerFor: createOrgSchedulers(),
  });
  return { profiles, secrets, reads, createClient, activeOrg };
}

/** A promise the test opens when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('createActiveOrg', () => {
  it('reads the profile file and the keychain once for many searches, with one client', async () => {
    const { profiles, reads, activeOrg, createClient } = setup();
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    reads.file = 0;
    reads.keychain = 0;

    const [first, ...rest] = await Promise.all(Array.from({ length: 5 }, () => activeOrg()));
    const later = await activeOrg();

    expect(first).toMatchObject({ orgUrl: ORG_A, token: TOKEN_A });
    for (const org of [...rest, later]) {
      expect(org).toBe(first);
    }
    // One resolution: the file for the active profile and for its org, the keychain for its token.
    expect(reads).toEqual({ file: 2, keychain: 1 });
    expect(createClient).toHaveBeenCalledTimes(1);
  });

  it('uses the new token once the same org is connected again', async () => {
    const { profiles, activeOrg, createClient } = setup();
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    const before = await activeOrg();

    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A2 });
    const after = await activeOrg();

    expect(before.token).toBe(TOKEN_A);
    expect(after).toMatchObject({ orgUrl: ORG_A, token: TOKEN_A2 });
    expect(after.client).not.toBe(before.client);
    expect(createClient).toHaveBeenLastCalledWith(
      expect.objectContaining({ orgUrl: ORG_A, token: TOKEN_A2 }),
    );
    // One scheduler per org, whatever the token.
    expect(after.scheduler).toBe(before.scheduler);
  });

  it('follows a switch to another profile and back', async () => {
    const { profiles, activeOrg } = setup();
    const a = await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    const c = await profiles.add({ orgUrl: ORG_C, apiToken: TOKEN_C });
    expect(await activeOrg()).toMatchObject({ orgUrl: ORG_C, token: TOKEN_C });

    await profiles.switchTo(a.id);
    expect(await activeOrg()).toMatchObject({ orgUrl: ORG_A, token: TOKEN_A });
    await profiles.switchTo(c.id);
    expect(await activeOrg()).toMatchObject({ orgUrl: ORG_C, token: TOKEN_C });
  });

  it('never acts on a removed profile', async () => {
    const { profiles, activeOrg } = setup();
    const a = await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    expect(await activeOrg()).toMatchObject({ orgUrl: ORG_A });

    await profiles.remove(a.id);

    await expect(activeOrg()).rejects.toMatchObject({ code: 'NO_ORG_CONNECTED' });
  });

  it('resolves again after a change that lands while a resolution is still running', async () => {
    const { profiles, secrets, activeOrg } = setup();
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    // The first resolution's keychain read is held until the re-connect has finished.
    const held = gate();
    const isHeld = gate();
    const keychainGet = secrets.get.bind(secrets);
    let holdNext = true;
    secrets.get = async (account: string) => {
      const secret = await keychainGet(account);
      if (holdNext) {
        holdNext = false;
        isHeld.open();
        await held.promise;
      }
      return secret;
    };

    const started = activeOrg();
    await isHeld.promise;
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A2 });
    const afterChange = activeOrg();
    held.open();

    // The one that started before the change answers as it read; every later call reads anew.
    expect((await started).token).toBe(TOKEN_A);
    expect((await afterChange).token).toBe(TOKEN_A2);
    expect((await activeOrg()).token).toBe(TOKEN_A2);
  });

  it('keeps no failure: a token put back in the keychain is found on the next call', async () => {
    const { profiles, secrets, activeOrg } = setup();
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    secrets.secrets.delete(ORG_A);

    await expect(activeOrg()).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
    secrets.secrets.set(ORG_A, TOKEN_A);
    expect(await activeOrg()).toMatchObject({ orgUrl: ORG_A, token: TOKEN_A });
  });

  it('reads again after a connect that failed and put the keychain back', async () => {
    let failSaves = false;
    const { profiles, reads, activeOrg } = setup({ failSaves: () => failSaves });
    await profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A });
    await activeOrg();

    failSaves = true;
    await expect(profiles.add({ orgUrl: ORG_A, apiToken: TOKEN_A2 })).rejects.toThrow('disk full');
    reads.keychain = 0;

    expect((await activeOrg()).token).toBe(TOKEN_A);
    expect(reads.keychain).toBe(1);
  });

  it('keeps nothing when the profiles cannot say they changed', async () => {
    const list = vi.fn().mockResolvedValue({ activeProfileId: 'p1' });
    const getCredentials = vi
      .fn()
      .mockResolvedValueOnce({ orgUrl: ORG_A, token: TOKEN_A })
      .mockResolvedValueOnce({ orgUrl: ORG_A, token: TOKEN_A2 });
    const activeOrg = createActiveOrg({
      profiles: { list, getCredentials },
      createClient: () => ({}) as OktaClient,
      schedulerFor: createOrgSchedulers(),
    });

    expect((await activeOrg()).token).toBe(TOKEN_A);
    expect((await activeOrg()).token).toBe(TOKEN_A2);
    expect(list).toHaveBeenCalledTimes(2);
  });
});

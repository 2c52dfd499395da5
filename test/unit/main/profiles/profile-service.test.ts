import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import type { OktaClient } from '../../../../main/okta/okta-client.ts';
import { SILENT_LOGGER } from '../../../../main/platform/logging/logger.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import {
  createProfileService,
  normaliseApiToken,
} from '../../../../main/profiles/profile-service.ts';
import { AppError } from '../../../../shared/errors.ts';
import { InMemorySecretStore } from '../../../support/in-memory-secret-store.ts';

const TOKEN = `00${'T'.repeat(36)}abcd`;

/** A stand-in for the SDK client: the integration tests run the real one against the sandbox. */
function fakeClient(options: { failOrg?: unknown } = {}) {
  return {
    userApi: {
      getUser: vi.fn().mockResolvedValue({
        id: '00u1',
        profile: { login: 'ada@example.com', firstName: 'Ada', lastName: 'L' },
      }),
    },
    orgSettingApi: {
      getOrgSettings:
        options.failOrg === undefined
          ? vi.fn().mockResolvedValue({ companyName: 'Acme' })
          : vi.fn().mockRejectedValue(options.failOrg),
    },
    roleAssignmentApi: {
      listAssignedRolesForUser: vi.fn().mockResolvedValue([{ type: 'SUPER_ADMIN' }]),
    },
  } as unknown as OktaClient;
}

function setup(client: OktaClient = fakeClient(), options: { failSaves?: () => boolean } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
  const files = createFileProfileRepository(dataDir);
  const repository = {
    load: () => files.load(),
    save: (file: Parameters<typeof files.save>[0]) =>
      options.failSaves?.() === true ? Promise.reject(new Error('disk full')) : files.save(file),
  };
  const secrets = new InMemorySecretStore();
  const createClient = vi.fn(() => client);
  const progress: string[] = [];
  const service = createProfileService({
    repository,
    secrets,
    createClient,
    emitProgress: (event) => progress.push(`${event.step}:${event.state}`),
    clock: () => new Date('2026-01-01T00:00:00Z'),
    logger: SILENT_LOGGER,
  });
  return { service, secrets, createClient, progress, dataDir };
}

describe('normaliseApiToken', () => {
  it('drops a pasted SSWS scheme and surrounding space', () => {
    expect(normaliseApiToken(`  SSWS ${TOKEN}\n`)).toBe(TOKEN);
  });
  it.each([
    ['', 'TOKEN_MISSING'],
    ['   ', 'TOKEN_MISSING'],
    ['00abc def', 'TOKEN_INVALID'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => normaliseApiToken(input)).toThrow(expect.objectContaining({ code }) as Error);
  });
});

describe('createProfileService', () => {
  it('verifies, stores the token in the keychain only, and records the profile', async () => {
    const { service, secrets, progress, dataDir } = setup();
    const profile = await service.add({ orgUrl: 'https://Dev-1.okta.com/', apiToken: TOKEN });
    expect(profile).toMatchObject({
      kind: 'okta',
      orgUrl: 'https://dev-1.okta.com',
      orgName: 'Acme',
      label: 'Acme',
      tokenHint: 'abcd',
      adminRoles: ['SUPER_ADMIN'],
      owner: { login: 'ada@example.com', displayName: 'Ada L' },
    });
    expect(secrets.secrets.get('https://dev-1.okta.com')).toBe(TOKEN);
    expect(await readFile(path.join(dataDir, 'profiles.json'), 'utf8')).not.toContain(TOKEN);
    expect(progress).toEqual([
      'reach-org:running',
      'reach-org:done',
      'check-token:done',
      'read-org:running',
      'read-org:done',
      'read-roles:running',
      'read-roles:done',
      'save-token:running',
      'save-token:done',
    ]);
    expect((await service.list()).activeProfileId).toBe(profile.id);
  });

  it('checks the keychain before any Okta call, and saves nothing when it is unavailable', async () => {
    const { service, secrets, createClient } = setup();
    secrets.failure = new AppError({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: 'no keychain',
      hint: 'install one',
    });
    await expect(
      service.add({ orgUrl: 'https://dev-1.okta.com', apiToken: TOKEN }),
    ).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
    });
    expect(createClient).not.toHaveBeenCalled();
    secrets.failure = null;
    expect((await service.list()).profiles).toEqual([]);
  });

  it('saves nothing when verification fails', async () => {
    const denied = Object.assign(new Error('denied'), {
      status: 403,
      errorCode: 'E0000006',
      errorSummary: 'You do not have permission to perform the requested action',
    });
    const { service, secrets } = setup(fakeClient({ failOrg: denied }));
    await expect(
      service.add({ orgUrl: 'https://dev-1.okta.com', apiToken: TOKEN }),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(secrets.secrets.size).toBe(0);
    expect((await service.list()).profiles).toEqual([]);
  });

  it('refuses a malformed org URL before touching the keychain or the network', async () => {
    const { service, createClient, progress } = setup();
    await expect(
      service.add({ orgUrl: 'https://acme-admin.okta.com', apiToken: TOKEN }),
    ).rejects.toMatchObject({
      code: 'ORG_URL_ADMIN_DOMAIN',
      field: 'orgUrl',
    });
    expect(createClient).not.toHaveBeenCalled();
    expect(progress).toEqual([]);
  });

  it('replaces the token when the same org is connected again, keeping one profile', async () => {
    const { service, secrets } = setup();
    const first = await service.add({ orgUrl: 'https://dev-1.okta.com', apiToken: TOKEN });
    const second = await service.add({
      orgUrl: 'https://dev-1.okta.com',
      apiToken: `${TOKEN.slice(0, -4)}wxyz`,
      label: 'Prod',
    });
    expect(second.id).toBe(first.id);
    expect(second.label).toBe('Prod');
    expect((await service.list()).profiles).toHaveLength(1);
    expect(secrets.secrets.get('https://dev-1.okta.com')?.endsWith('wxyz')).toBe(true);
  });

  it('switches and removes, deleting the keychain entry and moving the active profile', async () => {
    const { service, secrets } = setup();
    const a = await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    const b = await service.add({ orgUrl: 'https://b.okta.com', apiToken: TOKEN });
    expect((await service.switchTo(a.id)).activeProfileId).toBe(a.id);
    const afterRemove = await service.remove(a.id);
    expect(afterRemove.profiles.map((p) => p.id)).toEqual([b.id]);
    expect(afterRemove.activeProfileId).toBe(b.id);
    expect(secrets.secrets.has('https://a.okta.com')).toBe(false);
    await expect(service.switchTo(a.id)).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  it('keeps the profile when the keychain cannot delete its token', async () => {
    const { service, secrets } = setup();
    const a = await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    secrets.failure = new AppError({
      code: 'KEYCHAIN_UNAVAILABLE',
      message: 'locked',
      hint: 'unlock',
    });
    await expect(service.remove(a.id)).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    secrets.failure = null;
    expect((await service.list()).profiles).toHaveLength(1);
  });

  it('keeps every profile when two connections overlap', async () => {
    const { service } = setup();
    await Promise.all([
      service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN }),
      service.add({ orgUrl: 'https://b.okta.com', apiToken: TOKEN }),
      service.add({ orgUrl: 'https://c.okta.com', apiToken: TOKEN }),
    ]);
    expect((await service.list()).profiles.map((p) => p.orgUrl).sort()).toEqual([
      'https://a.okta.com',
      'https://b.okta.com',
      'https://c.okta.com',
    ]);
  });

  it('puts the keychain back as it was when the profile cannot be saved', async () => {
    let isFailing = false;
    const { service, secrets } = setup(fakeClient(), { failSaves: () => isFailing });
    await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    isFailing = true;
    await expect(
      service.add({ orgUrl: 'https://a.okta.com', apiToken: `${TOKEN}new` }),
    ).rejects.toThrow('disk full');
    expect(secrets.secrets.get('https://a.okta.com')).toBe(TOKEN);
    await expect(service.add({ orgUrl: 'https://b.okta.com', apiToken: TOKEN })).rejects.toThrow(
      'disk full',
    );
    expect(secrets.secrets.has('https://b.okta.com')).toBe(false);
  });

  it('verifies a profile without making it the active one', async () => {
    const { service } = setup();
    const a = await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    const b = await service.add({ orgUrl: 'https://b.okta.com', apiToken: TOKEN });
    await service.verify(a.id);
    expect((await service.list()).activeProfileId).toBe(b.id);
  });
});

describe('createProfileService onChange', () => {
  it('tells listeners after each connect, re-check, switch and removal, once it is saved', async () => {
    const { service, dataDir } = setup();
    const seen: (string | null)[] = [];
    const stop = service.onChange(() => {
      // Read straight from disk: the listener runs once the change is written.
      seen.push(
        (
          JSON.parse(readFileSync(path.join(dataDir, 'profiles.json'), 'utf8')) as {
            activeProfileId: string | null;
          }
        ).activeProfileId,
      );
    });
    const a = await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    const b = await service.add({ orgUrl: 'https://b.okta.com', apiToken: TOKEN });
    await service.verify(a.id);
    await service.switchTo(a.id);
    await service.remove(a.id);
    expect(seen).toEqual([a.id, b.id, b.id, a.id, b.id]);

    stop();
    await service.switchTo(b.id);
    expect(seen).toHaveLength(5);
  });

  it('tells listeners after a failed connect too, and a failing listener stops nothing', async () => {
    let failSaves = false;
    const { service } = setup(fakeClient(), { failSaves: () => failSaves });
    await service.add({ orgUrl: 'https://a.okta.com', apiToken: TOKEN });
    const calls: string[] = [];
    service.onChange(() => {
      calls.push('first');
      throw new Error('listener bug');
    });
    service.onChange(() => calls.push('second'));

    failSaves = true;
    await expect(
      service.add({ orgUrl: 'https://a.okta.com', apiToken: `${TOKEN.slice(0, -4)}wxyz` }),
    ).rejects.toThrow('disk full');
    expect(calls).toEqual(['first', 'second']);

    failSaves = false;
    await service.switchTo((await service.list()).profiles[0]?.id ?? '');
    expect(calls).toEqual(['first', 'second', 'first', 'second']);
  });
});

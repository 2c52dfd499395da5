import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import type { OktaClient } from '../../../../main/okta/okta-client.ts';
import { SILENT_LOGGER } from '../../../../main/platform/logging/logger.ts';
import { serviceAppKeyAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import {
  consoleServiceAppScopes,
  createProfileService,
  type OrgCredentials,
} from '../../../../main/profiles/profile-service.ts';
import { InMemorySecretStore } from '../../../support/in-memory-secret-store.ts';

const ORG = 'https://acme.okta.com';
const TOKEN = `00${'T'.repeat(36)}abcd`;

/**
 * The service-app side of the profile service, with a stand-in SDK client: the integration test
 * (test/integration/main/profiles/service-app-profile.test.ts) runs the real SDK in PrivateKey
 * mode against the sandbox.
 */
function setup() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'profiles-sa-'));
  const secrets = new InMemorySecretStore();
  const client = {
    userApi: {
      getUser: vi.fn().mockResolvedValue({ id: '00u1', profile: { login: 'ada@example.com' } }),
    },
    orgSettingApi: { getOrgSettings: vi.fn().mockResolvedValue({ companyName: 'Acme' }) },
    roleAssignmentApi: { listAssignedRolesForUser: vi.fn().mockResolvedValue([]) },
  };
  const createClient = vi.fn<(credentials: OrgCredentials) => OktaClient>(
    () => client as unknown as OktaClient,
  );
  const progress: string[] = [];
  const service = createProfileService({
    repository: createFileProfileRepository(dataDir),
    secrets,
    createClient,
    emitProgress: (event) => progress.push(`${event.step}:${event.state}`),
    clock: () => new Date('2026-01-01T00:00:00Z'),
    logger: SILENT_LOGGER,
  });
  return { service, secrets, client, createClient, progress, dataDir };
}

describe('a service app profile', () => {
  it('keeps the new private key in the keychain and answers only the public JWK', async () => {
    const { service, secrets } = setup();
    const key = await service.newServiceAppKey({ orgUrl: `${ORG}/` });
    expect(key.orgUrl).toBe(ORG);
    expect(key.publicJwk).toEqual({
      kty: 'RSA',
      n: expect.any(String) as string,
      e: 'AQAB',
      kid: key.keyId,
      use: 'sig',
      alg: 'RS256',
    });
    expect(key.scopes).toEqual(consoleServiceAppScopes());
    expect(key.scopes).toContain('okta.apps.manage');
    const stored = JSON.parse(
      (await secrets.get(serviceAppKeyAccount(ORG, key.keyId))) ?? '{}',
    ) as Record<string, unknown>;
    expect(stored).toMatchObject({ kty: 'RSA', kid: key.keyId, n: key.publicJwk.n });
    expect(typeof stored.d).toBe('string');
    expect(JSON.stringify(key)).not.toContain(String(stored.d));
  });

  it('verifies with the org settings only, then records the method and never the key', async () => {
    const { service, secrets, client, createClient, progress, dataDir } = setup();
    const key = await service.newServiceAppKey({ orgUrl: ORG });
    const profile = await service.addServiceApp({
      orgUrl: ORG,
      clientId: '0oa1service',
      keyId: key.keyId,
      scopes: ['okta.orgs.read', 'okta.apps.read'],
    });
    const privateKey = await secrets.get(serviceAppKeyAccount(ORG, key.keyId));
    expect(createClient).toHaveBeenCalledWith({
      orgUrl: ORG,
      token: privateKey,
      serviceApp: {
        clientId: '0oa1service',
        keyId: key.keyId,
        scopes: ['okta.orgs.read', 'okta.apps.read'],
      },
    });
    // A service app is no user: `users/me` and the user's roles are never asked.
    expect(client.userApi.getUser).not.toHaveBeenCalled();
    expect(client.roleAssignmentApi.listAssignedRolesForUser).not.toHaveBeenCalled();
    expect(progress).toEqual([
      'reach-org:running',
      'reach-org:done',
      'check-token:done',
      'read-org:running',
      'read-org:done',
      'read-roles:skipped',
      'save-token:running',
      'save-token:done',
    ]);
    expect(profile).toMatchObject({
      kind: 'okta',
      orgName: 'Acme',
      label: 'Acme',
      tokenHint: null,
      adminRoles: null,
      owner: { id: '0oa1service' },
      method: { type: 'service-app', clientId: '0oa1service', keyId: key.keyId },
    });
    expect((await service.list()).activeProfileId).toBe(profile.id);
    const file = await readFile(path.join(dataDir, 'profiles.json'), 'utf8');
    const jwk = JSON.parse(privateKey ?? '{}') as { d: string };
    expect(file).not.toContain(jwk.d);
    expect(await service.getCredentials(profile.id)).toEqual({
      orgUrl: ORG,
      token: privateKey,
      serviceApp: {
        clientId: '0oa1service',
        keyId: key.keyId,
        scopes: ['okta.orgs.read', 'okta.apps.read'],
      },
    });
  });

  it('switches the org’s token profile to the service app, then forgets the token on request', async () => {
    const { service, secrets } = setup();
    const tokenProfile = await service.add({ orgUrl: ORG, apiToken: TOKEN });
    await expect(service.forgetToken(tokenProfile.id)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    const key = await service.newServiceAppKey({ orgUrl: ORG });
    const switched = await service.addServiceApp({
      orgUrl: ORG,
      clientId: '0oa1service',
      keyId: key.keyId,
    });
    expect(switched.id).toBe(tokenProfile.id);
    expect((await service.list()).profiles).toHaveLength(1);
    expect(await secrets.get(ORG)).toBe(TOKEN);
    await service.forgetToken(switched.id);
    expect(await secrets.get(ORG)).toBeNull();
    expect(await secrets.get(serviceAppKeyAccount(ORG, key.keyId))).not.toBeNull();
    await service.remove(switched.id);
    expect(await secrets.get(serviceAppKeyAccount(ORG, key.keyId))).toBeNull();
  });

  it('says the key is gone when the keychain lost it, and saves nothing', async () => {
    const { service, secrets } = setup();
    const key = await service.newServiceAppKey({ orgUrl: ORG });
    await secrets.delete(serviceAppKeyAccount(ORG, key.keyId));
    await expect(
      service.addServiceApp({ orgUrl: ORG, clientId: '0oa1service', keyId: key.keyId }),
    ).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
    expect((await service.list()).profiles).toEqual([]);
  });

  it('refuses a client id with characters Okta never uses', async () => {
    const { service } = setup();
    const key = await service.newServiceAppKey({ orgUrl: ORG });
    await expect(
      service.addServiceApp({ orgUrl: ORG, clientId: '0oa 1', keyId: key.keyId }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'clientId' });
  });
});
